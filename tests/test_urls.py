from __future__ import annotations

import pytest

from storage.urls import (
    BadURL,
    accept_canonical,
    normalise_escapes,
    registrable_domain,
    remove_dot_segments,
    url_key,
)


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


# Addresses that name different resources: each pair must keep two keys, or the second
# article is never fetched and `show` of it returns the first.
DISTINCT = [
    # A Latin-1 site's escapes are not UTF-8: decoding them made both U+FFFD.
    ("http://example.org/caf%E9", "http://example.org/caf%E8"),
    ("http://example.org/caf%E9", "http://example.org/caf%C3%A9"),
    ("http://example.org/caf%E9", "http://example.org/caf%EF%BF%BD"),
    ("http://example.org/%FF%FE", "http://example.org/%FF%FD"),
    # Invalid UTF-8 sequences: a lead byte without its continuation, an overlong "/".
    ("http://example.org/%C3", "http://example.org/%C3%A9"),
    ("http://example.org/%C0%AF", "http://example.org/%2F"),
    # Reserved characters escaped are data, not delimiters (RFC 3986 §2.2).
    ("http://example.org/a%2Fb", "http://example.org/a/b"),
    ("http://example.org/a%3Bb", "http://example.org/a;b"),
    ("http://example.org/a%3Fb", "http://example.org/a"),
    ("http://example.org/a%3Fb=1", "http://example.org/a?b=1"),
    ("http://example.org/a%23b", "http://example.org/a"),
    ("http://example.org/a%2Bb", "http://example.org/a+b"),
    ("http://example.org/a%40b", "http://example.org/a@b"),
    ("http://example.org/a%5Cb", "http://example.org/a/b"),
    ("http://example.org/a%27b", "http://example.org/a'b"),  # in a path, "'" goes out raw
    # An escaped slash hides a dot segment: "a%2F..%2Fb" is one segment.
    ("http://example.org/x/a%2F..%2Fb", "http://example.org/x/b"),
    # Queries: escaped delimiters, "+" (not a space to a URI), bytes, fields as written.
    ("http://example.org/s?q=a%2Fb", "http://example.org/s?q=a/b"),
    ("http://example.org/s?q=a%26b=c", "http://example.org/s?q=a&b=c"),
    ("http://example.org/s?a=%26", "http://example.org/s?a=&"),
    ("http://example.org/s?a%3Db=c", "http://example.org/s?a=b%3Dc"),
    ("http://example.org/s?a=b=c", "http://example.org/s?a=b%3Dc"),
    ("http://example.org/s?q=a%2Bb", "http://example.org/s?q=a+b"),
    ("http://example.org/s?q=a+b", "http://example.org/s?q=a%20b"),
    ("http://example.org/s?q=%E9", "http://example.org/s?q=%E8"),
    ("http://example.org/s?q=caf%E9", "http://example.org/s?q=caf%C3%A9"),
    ("http://example.org/s?a", "http://example.org/s?a="),
    ("http://example.org/s?id=1&id=2", "http://example.org/s?id=2&id=1"),
    ("http://example.org/s?Id=1", "http://example.org/s?id=1"),
    ("http://example.org/s?q=%3A", "http://example.org/s?q=:"),
    # A parameter named like a tracking one once encoded is not tracking: "%26" is data.
    ("http://example.org/s?x=1%26utm_source=2", "http://example.org/s?x=1"),
]


@pytest.mark.parametrize(("first", "second"), DISTINCT)
def test_different_resources_keep_different_keys(first: str, second: str) -> None:
    assert url_key(first) != url_key(second)


# Spellings of one address (RFC 3986 §6.2.2): each pair must share a key.
SAME = [
    ("http://example.org/caf%e9", "http://example.org/caf%E9"),
    ("http://example.org/a%2fb", "http://example.org/a%2Fb"),
    ("http://example.org/%7Euser", "http://example.org/~user"),
    ("http://example.org/%7euser", "http://example.org/~user"),
    ("http://example.org/%41%62%2D%2E%5F", "http://example.org/Ab-._"),
    ("http://example.org/café", "http://example.org/caf%C3%A9"),
    ("http://example.org/café", "http://example.org/caf%c3%a9"),
    ("http://example.org/東京", "http://example.org/%E6%9D%B1%E4%BA%AC"),
    ("http://example.org/a b", "http://example.org/a%20b"),
    ('http://example.org/a"b<c>', "http://example.org/a%22b%3Cc%3E"),
    ("http://example.org/a{b}|c^`", "http://example.org/a%7Bb%7D%7Cc%5E%60"),
    ("http://example.org/a[1]", "http://example.org/a%5B1%5D"),
    # What browsers and Scrapy send for "\\" in a path and "'" in a query (WHATWG).
    ("http://example.org/a\\b", "http://example.org/a/b"),
    ("http://example.org/s?q=a'b", "http://example.org/s?q=a%27b"),
    # A "%" that starts no escape stands for itself.
    ("http://example.org/100%", "http://example.org/100%25"),
    ("http://example.org/a%zzb", "http://example.org/a%25zzb"),
    ("http://example.org/a%4", "http://example.org/a%254"),
    # Dot segments (RFC 3986 §5.2.4), escaped dots first decoded as unreserved (§2.3).
    ("http://example.org/a/./b", "http://example.org/a/b"),
    ("http://example.org/a/x/../b", "http://example.org/a/b"),
    ("http://example.org/../../a", "http://example.org/a"),
    ("http://example.org/a/%2E/b", "http://example.org/a/b"),
    ("http://example.org/a/x/%2E%2E/b", "http://example.org/a/b"),
    ("http://example.org/a/x/%2e%2E/b", "http://example.org/a/b"),
    ("http://example.org/a/x/.%2e/b", "http://example.org/a/b"),
    # Queries: hex case, unreserved escapes, raw characters that must be encoded.
    ("http://example.org/s?q=a%2fb", "http://example.org/s?q=a%2Fb"),
    ("http://example.org/s?q=%7E%41", "http://example.org/s?q=~A"),
    ("http://example.org/s?q=a b", "http://example.org/s?q=a%20b"),
    ("http://example.org/s?q=café", "http://example.org/s?q=caf%C3%A9"),
    ("http://example.org/s?q=100%", "http://example.org/s?q=100%25"),
    ("http://example.org/s?b=1&a=2", "http://example.org/s?a=2&b=1"),
    ("http://example.org/s?a=1&&b=2&", "http://example.org/s?a=1&b=2"),
    # Tracking parameters go by their decoded name, whatever its case or escapes.
    ("http://example.org/s?utm%5Fsource=x&id=1", "http://example.org/s?id=1"),
    ("http://example.org/s?%75tm_medium=x&id=1", "http://example.org/s?id=1"),
    ("http://example.org/s?UTM_Campaign=x&id=1", "http://example.org/s?id=1"),
    ("http://example.org/s?ref&id=1", "http://example.org/s?id=1"),
    ("http://example.org/s?utm_source=x", "http://example.org/s"),
    ("http://example.org/s?", "http://example.org/s"),
]


@pytest.mark.parametrize(("first", "second"), SAME)
def test_spellings_of_one_address_share_a_key(first: str, second: str) -> None:
    assert url_key(first) == url_key(second)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://example.org/caf%e9", "http://example.org/caf%E9"),
        ("http://example.org/a%2fb%3b%3f", "http://example.org/a%2Fb%3B%3F"),
        ("http://example.org/%7e%41%2d", "http://example.org/~A-"),
        ("http://example.org/café", "http://example.org/caf%C3%A9"),
        ("http://example.org/a/b/c/./../../g", "http://example.org/a/g"),
        ("http://example.org/a/b/..", "http://example.org/a/"),
        ("http://example.org/a/.", "http://example.org/a/"),
        ("http://example.org/..", "http://example.org/"),
        ("http://example.org/a//../b", "http://example.org/a/b"),
        ("http://example.org/a/...", "http://example.org/a/..."),  # not a dot segment
        ("http://example.org/a/.b/..c", "http://example.org/a/.b/..c"),
        ("http://example.org/a/%2E%2E", "http://example.org/"),
        ("http://example.org/a%2F..%2Fb", "http://example.org/a%2F..%2Fb"),
        ("http://example.org/50%", "http://example.org/50%25"),
        (
            "http://example.org/s?q=a+b&q=a%2bb&utm_source=x&p=a%26b&p=a%3db=c",
            "http://example.org/s?p=a%26b&p=a%3Db=c&q=a+b&q=a%2Bb",
        ),
        ("http://example.org/s?b=2&a&a=", "http://example.org/s?a&a=&b=2"),
        ("http://example.org/s?q=/?:@", "http://example.org/s?q=/?:@"),
        ("HTTP://[2001:DB8::1]:80/a/./b", "http://[2001:db8::1]/a/b"),
        ("https://Example.ORG.:8443/%7Ea", "https://example.org:8443/~a"),
    ],
)
def test_url_key_normalises_escapes_and_dot_segments(url: str, key: str) -> None:
    assert url_key(url) == key


@pytest.mark.parametrize("url", [pair[i] for pair in DISTINCT + SAME for i in (0, 1)])
def test_a_key_is_its_own_key(url: str) -> None:
    # Stored keys are looked up again by key (aliases, the migration that re-keys archives).
    key = url_key(url)
    assert url_key(key) == key


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("%e9%2f%3b%7e%41", "%E9%2F%3B~A"),
        ("a b\tc", "a%20b%09c"),
        ("\udce9", "%ED%B3%A9"),  # a lone surrogate (badly decoded bytes) gets bytes of its own
        ("%", "%25"),
        ("%%41", "%25A"),
        ("é%41ü東", "%C3%A9A%C3%BC%E6%9D%B1"),
        ("a%%%2", "a%25%25%252"),
        ("!$&'()*+,;=:@/?-._~", "!$&'()*+,;=:@/?-._~"),
    ],
)
def test_normalise_escapes(text: str, normalised: str) -> None:
    assert normalise_escapes(text) == normalised


@pytest.mark.parametrize(
    ("path", "resolved"),
    [
        # RFC 3986 §5.4's examples, as absolute paths.
        ("/a/b/c/./../../g", "/a/g"),
        ("/b/c/./g", "/b/c/g"),
        ("/b/c/../g", "/b/g"),
        ("/b/c/../../../g", "/g"),
        ("/b/c/g/..", "/b/c/"),
        ("/b/c/g/.", "/b/c/g/"),
        ("/b/c/g;x=1/./y", "/b/c/g;x=1/y"),
        ("/b/c/g;x=1/../y", "/b/c/y"),
        ("/.", "/"),
        ("/..", "/"),
        ("/", "/"),
        ("/a//b", "/a//b"),
    ],
)
def test_remove_dot_segments(path: str, resolved: str) -> None:
    assert remove_dot_segments(path) == resolved


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
