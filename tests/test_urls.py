from __future__ import annotations

import pytest

from storage.urls import BadURL, accept_canonical, registrable_domain, url_key


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("HTTP://Example.ORG:80/a/b/", "http://example.org/a/b/"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/a"),
        ("https://example.org/a#comments", "https://example.org/a"),
        ("https://example.org/a?utm_source=rss&utm_medium=feed", "https://example.org/a"),
        (
            "https://example.org/a?fbclid=x&gclid=y&mc_cid=1&mc_eid=2&ref=rss",
            "https://example.org/a",
        ),
        ("https://example.org/a/?replytocom=2100#respond", "https://example.org/a/"),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
        ("https://example.org/a?page=2&utm_campaign=x", "https://example.org/a?page=2"),
        ("https://example.org/%7Euser/caf%C3%A9", "https://example.org/~user/caf%C3%A9"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_url_key_normalises(url: str, key: str) -> None:
    assert url_key(url) == key


def test_url_key_keeps_meaningful_parameters() -> None:
    assert url_key("https://example.org/a?print=1") != url_key("https://example.org/a")
    assert url_key("https://example.org/a?id=7") != url_key("https://example.org/a?id=8")


@pytest.mark.parametrize("url", ["ftp://example.org/a", "/relative/path", "mailto:x@example.org"])
def test_url_key_refuses_non_http(url: str) -> None:
    with pytest.raises(BadURL):
        url_key(url)


def test_registrable_domain_uses_the_public_suffix_list() -> None:
    assert registrable_domain("news.example.co.uk") == "example.co.uk"
    assert registrable_domain("www.example.org") == "example.org"
    assert registrable_domain("127.0.0.1") == "127.0.0.1"
    assert registrable_domain("localhost") == "localhost"


def test_canonical_is_trusted_on_the_same_site_only() -> None:
    page = "https://www.example.org/2026/01/02/story/amp/"
    assert accept_canonical(page, "https://example.org/2026/01/02/story/") == (
        "https://example.org/2026/01/02/story/"
    )
    # Another site (syndication), the home page, or garbage: keep the page's own URL.
    assert accept_canonical(page, "https://other.org/2026/01/02/story/") is None
    assert accept_canonical(page, "https://www.example.org/") is None
    assert accept_canonical(page, "javascript:alert(1)") is None
    assert accept_canonical(page, None) is None


@pytest.mark.parametrize("url", ["http://[bad/x", "https://example.org:99999/a", "http://[::1/x"])
def test_malformed_urls_are_bad_urls_not_crashes(url: str) -> None:
    with pytest.raises(BadURL):
        url_key(url)
    assert accept_canonical("https://example.org/a/amp/", url) is None
