"""Which hosts a source's requests may reach: its own, and private networks only by name."""

from __future__ import annotations

import ipaddress

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from scraper.extensions.outcomes import RequestRejected
from scraper.middlewares.offsite import SourceOffsiteMiddleware


class Source(Spider):
    name = "source"
    allowed_hosts = frozenset({"example.org", "10.1.2.3"})


def middleware() -> SourceOffsiteMiddleware:
    crawler = get_crawler(Source)
    crawler.spider = Source()
    return SourceOffsiteMiddleware.from_crawler(crawler)


def refusal(url: str) -> str | None:
    try:
        middleware().process_request(Request(url))
    except RequestRejected as exc:
        return exc.outcome
    return None


def answer(request: Request, address: str) -> HtmlResponse:
    ip = ipaddress.ip_address(address)
    return HtmlResponse(request.url, body=b"<html></html>", request=request, ip_address=ip)


@pytest.mark.parametrize(
    ("url", "outcome"),
    [
        ("https://example.org/2026/story", None),
        ("https://www.example.org:8443/story", None),  # a subdomain; ports do not count
        ("http://10.1.2.3/named-by-the-source", None),
        ("https://example.net/story", "rejected:offsite"),
        ("https://notexample.org/story", "rejected:offsite"),
        ("http://localhost/admin", "rejected:private_address"),
        ("http://127.0.0.1:6379/", "rejected:private_address"),
        ("http://169.254.169.254/latest/meta-data/", "rejected:private_address"),
        ("http://[::1]/", "rejected:private_address"),
        ("http://192.168.0.1/", "rejected:private_address"),
        ("http://printer.localhost/", "rejected:private_address"),
    ],
)
def test_requests_reach_the_sources_hosts_and_no_private_network(
    url: str, outcome: str | None
) -> None:
    assert refusal(url) == outcome


def test_an_allowed_name_that_answers_from_a_private_address_is_refused() -> None:
    """A subdomain of an allowed host whose DNS points inside (rebinding): not kept."""
    request = Request("https://intranet.example.org/story")
    inside = answer(request, "10.0.0.7")
    with pytest.raises(RequestRejected) as refused:
        middleware().process_response(request, inside)
    assert refused.value.outcome == "rejected:private_address"
    outside = answer(request, "93.184.215.14")
    assert middleware().process_response(request, outside) is outside
