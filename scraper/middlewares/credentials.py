"""CredentialsMiddleware: credentials go only to the origin they were sent to.

Scrapy's RedirectMiddleware removes Authorization and Cookie headers from a redirect to
another origin, but a redirected request passes through the downloader middlewares again,
and DefaultHeadersMiddleware then puts back any that come from DEFAULT_REQUEST_HEADERS (where
a source configures them): the other host would receive them. Running after it, this
middleware removes them from any request that a redirect took to another scheme, host or
port than the request it started as.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler

CREDENTIALS = (b"Authorization", b"Cookie")
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(scheme: str, host: str | None, port: int | None) -> tuple[str, str, int | None]:
    return scheme, (host or "").lower(), port or DEFAULT_PORTS.get(scheme)


class CredentialsMiddleware:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    def process_request(self, request: Request) -> None:
        chain = request.meta.get("redirect_urls")
        if not chain:
            return
        first = urlsplit(chain[0])
        now = urlparse_cached(request)
        if origin(first.scheme, first.hostname, first.port) != origin(
            now.scheme, now.hostname, now.port
        ):
            for name in CREDENTIALS:
                request.headers.pop(name, None)
