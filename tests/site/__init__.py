"""A local news site with known contents, for testing and demonstrating the archiver."""

from tests.site.content import ARTICLES, AUTHORS, PRIVATE_ARTICLES, SECTIONS, Article, Author
from tests.site.replies import Reply
from tests.site.server import NewsSite, SiteHost, hosting, serve

__all__ = [
    "ARTICLES",
    "AUTHORS",
    "PRIVATE_ARTICLES",
    "SECTIONS",
    "Article",
    "Author",
    "NewsSite",
    "Reply",
    "SiteHost",
    "hosting",
    "serve",
]
