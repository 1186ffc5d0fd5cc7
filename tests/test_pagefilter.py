"""What the spider and the extractor may parse (scraper.middlewares.pagefilter): HTML pages
within the size limit; anything else ends with its reason before any parsing."""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from scraper.extensions.outcomes import RequestRejected
from scraper.meta import ROLE, Role
from scraper.middlewares.pagefilter import PageFilterMiddleware

PAGE = b"<html><head><title>T</title></head><body><p>Story.</p></body></html>"


def middleware(**settings: object) -> PageFilterMiddleware:
    return PageFilterMiddleware.from_crawler(get_crawler(Spider, settings_dict=settings))


def answer(
    body: bytes,
    *,
    role: Role = Role.ARTICLE,
    kind: type[Response] = HtmlResponse,
    status: int = 200,
) -> Response:
    request = Request("https://example.org/2026/11/02/story/", meta={ROLE: role})
    return kind(request.url, status=status, body=body, request=request)


def refusal(response: Response, **settings: object) -> str | None:
    try:
        middleware(**settings).process_spider_input(response)
    except RequestRejected as exc:
        return exc.outcome
    return None


@pytest.mark.parametrize(
    ("response", "outcome"),
    [
        (answer(PAGE), None),
        (answer(PAGE, role=Role.PAGE), None),
        (answer(b"%PDF-1.7 binary", kind=HtmlResponse), "rejected:not_html"),
        (answer(b"\x89PNG\r\n\x1a\n...", kind=HtmlResponse), "rejected:not_html"),
        (answer(b"plain text, not a page", kind=TextResponse), "rejected:not_html"),
        (answer(PAGE + b" " * 2048), "rejected:too_large"),
        # Feeds and sitemaps are XML, a gzipped sitemap is binary: not this filter's to judge.
        (answer(b"\x1f\x8b\x08 gzip", role=Role.SITEMAP, kind=Response), None),
        # A re-check's 304 or 404 carries no page.
        (answer(b"", kind=Response, status=304), None),
        (answer(b"", kind=Response, status=404), None),
    ],
)
def test_only_readable_pages_pass(response: Response, outcome: str | None) -> None:
    assert refusal(response, EXTRACT_MAX_BYTES=2048) == outcome


def test_the_default_limit_is_8_mib() -> None:
    assert refusal(answer(PAGE + b" " * (8 * 1024 * 1024 - len(PAGE)))) is None
    assert refusal(answer(PAGE + b" " * (8 * 1024 * 1024))) == "rejected:too_large"
