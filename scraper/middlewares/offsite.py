"""SourceOffsiteMiddleware: requests stay on the source's own hosts, and say so when they don't.

Scrapy's OffsiteMiddleware drops offsite requests when they are scheduled, silently (no errback
runs), which would leave those URLs without an outcome. This one refuses them in the downloader
chain instead, so the request's errback records ``rejected:offsite``. Like Scrapy's, it compares
host names only: ports do not matter, and subdomains of an allowed host are allowed.

It also keeps a crawl away from private networks: a request to a private, loopback or
link-local address, or an answer that came from one, is refused as ``rejected:private_address``
unless that very host is one the source names (its URLs, or its ``allowed_hosts``). A page on
the web cannot send the crawler into the machine's own network.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from scrapy.utils.httpobj import urlparse_cached

from scraper.extensions.outcomes import RequestRejected

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def host_allowed(host: str, allowed: frozenset[str]) -> bool:
    host = host.lower().rstrip(".")
    return host in allowed or any(host.endswith("." + domain) for domain in allowed)


def is_private(address: str) -> bool:
    """Whether *address* (an IP literal or a host name) points into a private network."""
    host = address.lower().strip("[]").rstrip(".")
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: judged by the address it resolves to, once answered
    return not ip.is_global or ip.is_multicast


class SourceOffsiteMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _allowed(self) -> frozenset[str]:
        allowed: frozenset[str] = getattr(self.crawler.spider, "allowed_hosts", frozenset())
        return allowed

    def process_request(self, request: Request) -> None:
        allowed = self._allowed()
        if request.meta.get("allow_offsite"):
            return
        host = (urlparse_cached(request).hostname or "").lower()
        if is_private(host) and host not in allowed:
            raise RequestRejected("private_address", f"{host!r} is a private address")
        if allowed and not host_allowed(host, allowed):
            raise RequestRejected("offsite", f"{host!r} is not a host of this source")

    def process_response(self, request: Request, response: Response) -> Response:
        """A public name that led to a private address (DNS pointing inside): not kept."""
        host = (urlparse_cached(request).hostname or "").lower()
        address = str(response.ip_address) if response.ip_address is not None else ""
        if address and is_private(address) and host not in self._allowed():
            raise RequestRejected("private_address", f"{host!r} answered from {address}")
        return response
