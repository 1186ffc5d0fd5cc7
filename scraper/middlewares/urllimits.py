"""UrlLimitsMiddleware: the per-URL limits, checked where every request passes.

A spider's own checks see only the URLs it asks for; a redirect target, a retried request or
a request another component makes never passes them. Here, in the downloader chain, every
request is checked before anything is sent, redirect hops included, and one that breaks a
limit ends with a counted outcome: ``rejected:url_too_long`` (longer than URLLENGTH_LIMIT) or
``rejected:bad_url`` (not an absolute http(s) URL the archive can key). Scrapy's
UrlLengthMiddleware, which drops long URLs a spider yields without an outcome, is off.

A redirect (or meta refresh) to a URL so malformed that no request can be made of it (an
unclosed IPv6 bracket, say) makes Scrapy's redirect middlewares raise ValueError: the
subclasses here end it as ``rejected:bad_url`` instead of an unexplained failure.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware

from scraper.extensions.outcomes import RequestRejected
from storage.urls import BadURL, url_key

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

# Scrapy's default; 0 in the settings means no length limit.
DEFAULT_MAX_LENGTH = 2083


def max_url_length(crawler: Crawler) -> int:
    return crawler.settings.getint("URLLENGTH_LIMIT", DEFAULT_MAX_LENGTH)


def broken_limit(url: str, max_length: int) -> RequestRejected | None:
    """Why *url* may not be requested, or None when it may."""
    if max_length and len(url) > max_length:
        return RequestRejected(
            "url_too_long", f"{len(url)} characters (URLLENGTH_LIMIT {max_length})"
        )
    try:
        url_key(url)
    except BadURL as exc:
        return RequestRejected("bad_url", str(exc))
    return None


class UrlLimitsMiddleware:
    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(max_url_length(crawler))

    def process_request(self, request: Request) -> None:
        refusal = broken_limit(request.url, self.max_length)
        if refusal is not None:
            raise refusal


def _followed(request: Request, follow: Callable[[], Request | Response]) -> Request | Response:
    """What Scrapy's redirect middleware makes of a response; a target so malformed that no
    request can be made of it ends as rejected:bad_url."""
    try:
        return follow()
    except ValueError as exc:
        raise RequestRejected("bad_url", f"redirect target of {request.url}: {exc}") from exc


# The spider argument is gone from these methods (Scrapy deprecates it, and calls a method
# without it when its signature has none).
class BoundedRedirectMiddleware(RedirectMiddleware):
    def process_response(  # type: ignore[override]  # without the deprecated spider argument
        self, request: Request, response: Response
    ) -> Request | Response:
        return _followed(request, partial(super().process_response, request, response))


class BoundedMetaRefreshMiddleware(MetaRefreshMiddleware):
    def process_response(  # type: ignore[override]  # without the deprecated spider argument
        self, request: Request, response: Response
    ) -> Request | Response:
        return _followed(request, partial(super().process_response, request, response))
