from __future__ import annotations

from pathlib import Path

import pytest

from scraper.discovery import Discovered, NotXML, parse_xml

BASE = "https://example.org/feed/"


def test_rss_items_and_permalink_guids() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel>
    <item><title>A</title><link>https://example.org/a?utm_source=rss</link></item>
    <item><title>B</title><guid>https://example.org/b</guid></item>
    <item><title>C</title><guid isPermaLink="false">tag:example.org,2026:c</guid></item>
    </channel></rss>"""
    kind, found = parse_xml(body, BASE)
    assert kind == "rss"
    assert [d.url for d in found] == [
        "https://example.org/a?utm_source=rss",
        "https://example.org/b",
    ]


def test_atom_links_resolve_against_xml_base() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/news/">
    <entry><link rel="alternate" href="2026/01/02/a.html"/><link rel="edit" href="/x"/></entry>
    <entry><link href="/2026/01/03/b.html"/></entry>
    </feed>"""
    kind, found = parse_xml(body, BASE)
    assert kind == "atom"
    assert [d.url for d in found] == [
        "https://example.org/news/2026/01/02/a.html",
        "https://example.org/2026/01/03/b.html",
    ]


def test_sitemap_index_and_urlset() -> None:
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://example.org/news.xml</loc></sitemap></sitemapindex>"""
    assert parse_xml(index, BASE) == (
        "sitemapindex",
        [Discovered("sitemap", "https://example.org/news.xml")],
    )
    urlset = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
    <url><loc> https://example.org/a </loc><news:news><news:title>A</news:title></news:news></url>
    </urlset>"""
    assert parse_xml(urlset, BASE) == ("urlset", [Discovered("article", "https://example.org/a")])


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    body = f"""<?xml version="1.0"?>
    <!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}">]>
    <urlset><url><loc>https://example.org/&xxe;</loc></url></urlset>""".encode()
    _, found = parse_xml(body, BASE)
    assert all("TOP-SECRET" not in d.url for d in found)


def test_entity_expansion_bombs_stay_small() -> None:
    # "Billion laughs": each entity expands to ten of the previous one, 10**9 "lol"s in all.
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    body = f"""<?xml version="1.0"?><!DOCTYPE r [{entities}]>
    <urlset><url><loc>https://example.org/&l9;</loc></url></urlset>""".encode()
    _, found = parse_xml(body, BASE)
    assert all(len(d.url) < 1000 for d in found)


def test_html_is_not_a_sitemap() -> None:
    with pytest.raises(NotXML):
        parse_xml(b"<html><body><p>hello</p></body></html>", BASE)
    with pytest.raises(NotXML):
        parse_xml(b"", BASE)


def test_one_malformed_entry_does_not_sink_the_others() -> None:
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://example.org/a</loc></url>
    <url><loc>http://[bad/x</loc></url>
    <url><loc>https://example.org/b</loc></url></urlset>"""
    _, found = parse_xml(body, BASE)
    # Kept as written: the crawl refuses it as rejected:bad_url (tests/test_url_limits.py).
    assert [d.url for d in found] == [
        "https://example.org/a",
        "http://[bad/x",
        "https://example.org/b",
    ]
