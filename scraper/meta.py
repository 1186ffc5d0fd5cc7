"""What the crawl's requests carry in ``request.meta``, shared by the spider and the components
that act on its requests. Every key starts with ``archive_`` (a redirected or re-sent request
keeps these and nothing else of Scrapy's own bookkeeping)."""

from __future__ import annotations

from enum import StrEnum

PREFIX = "archive_"
# What the URL is to the crawl (Role), and how many link hops from a feed, sitemap or start page.
ROLE = "archive_role"
DEPTH = "archive_depth"
# More addresses of the article the request fetches, recorded as its aliases.
ALIASES = "archive_aliases"
# Set on requests that must be archived whatever the page looks like (ad hoc fetches).
FORCE = "archive_force"
# Set on requests for a canonical URL: its own canonical is not chased further (no loops).
CANONICAL_TARGET = "archive_canonical_target"
# The stored state of the known article a request re-checks (storage.queries.KnownArticle).
KNOWN = "archive_known"
# The known article's HTTP validators, (ETag, Last-Modified), for a conditional GET.
VALIDATORS = "archive_validators"
# Redirects followed within one re-check of the same article.
HOPS = "archive_hops"
# The request's entry in the outcome ledger (scraper.extensions.outcomes).
LEDGER_ID = "archive_ledger_id"


class Role(StrEnum):
    FEED = "feed"
    SITEMAP = "sitemap"
    # A page read for links; archived too when it turns out to be an article.
    PAGE = "page"
    # A page expected to be an article.
    ARTICLE = "article"


# Roles whose answer is an HTML page (the others are XML documents).
PAGE_ROLES = frozenset({Role.PAGE, Role.ARTICLE})
