"""ConditionalGetMiddleware: re-fetch a known article only if it changed (DESIGN §4 rule 3).

The spider puts the validators of the article's last 200 answer in the request's meta
(``scraper.meta.VALIDATORS``: ETag, Last-Modified); this middleware turns them into If-None-Match
and If-Modified-Since headers and lets a 304 answer through to the callback, which records
``not_modified``. Validators are hints: some servers lie, and the content hash decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scraper.meta import VALIDATORS

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class ConditionalGetMiddleware:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    def process_request(self, request: Request) -> None:
        validators: tuple[str | None, str | None] | None = request.meta.get(VALIDATORS)
        if not validators:
            return
        etag, last_modified = validators
        if etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = etag
        if last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = last_modified
        if etag or last_modified:
            allowed = request.meta.setdefault("handle_httpstatus_list", [])
            if 304 not in allowed:
                allowed.append(304)
