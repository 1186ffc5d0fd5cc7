"""PageFilterMiddleware: a page the crawl cannot read never reaches anything that parses it.

A spider middleware: before the spider looks at a page for links and metadata, and before the
extractor reads it, an answer that is not HTML (by its type, or a PDF or an image served as
text/html) ends as ``rejected:not_html``, and one larger than EXTRACT_MAX_BYTES as
``rejected:too_large`` (a huge tree would stall the event loop and bloat the workers). Feeds
and sitemaps are XML and have their own checks; answers other than 200 (a 304, a 404 or a
redirect a re-check asked to see) carry no page to judge.

Settings: EXTRACT_MAX_BYTES (default 8 MiB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.http import HtmlResponse

from pipelines.decoding import looks_binary
from scraper.extensions.outcomes import RequestRejected
from scraper.meta import PAGE_ROLES, ROLE

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response

DEFAULT_MAX_PAGE_BYTES = 8 * 1024 * 1024


class PageFilterMiddleware:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.getint("EXTRACT_MAX_BYTES", DEFAULT_MAX_PAGE_BYTES))

    def process_spider_input(self, response: Response) -> None:
        if not 200 <= response.status < 300 or response.meta.get(ROLE) not in PAGE_ROLES:
            return
        if not isinstance(response, HtmlResponse) or looks_binary(response.body):
            raise RequestRejected("not_html", response.url)
        if len(response.body) > self.max_bytes:
            raise RequestRejected(
                "too_large", f"{len(response.body)} bytes > {self.max_bytes}: {response.url}"
            )
