"""Tests of the local news site itself: every crawl and extraction test trusts it."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import selectors
import signal
import socket
import struct
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import lxml.etree
import lxml.html
import pytest

from tests.site import ARTICLES, PRIVATE_ARTICLES, SECTIONS, NewsSite, serve
from tests.site import boilerplate as bp

ARTICLE_URL = re.compile(r"/\d{4}/\d{2}/\d{2}/")
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
}
REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(
    url: str, method: str = "GET", headers: dict[str, str] | None = None, body: bytes = b""
) -> Answer:
    """One request on its own connection; redirects are not followed."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    target += f"#{parts.fragment}" if parts.fragment else ""
    try:
        connection.request(method, target, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return Answer(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


def html_doc(body: bytes) -> lxml.html.HtmlElement:
    document = lxml.html.fromstring(body)
    assert isinstance(document, lxml.html.HtmlElement)
    return document


def xml_doc(body: bytes) -> lxml.etree._Element:
    return lxml.etree.fromstring(body)


def texts(node: lxml.etree._Element, path: str) -> list[str]:
    """The strings an XPath selects (attribute values, text nodes)."""
    found = node.xpath(path, namespaces=NS)
    assert isinstance(found, list)
    return [str(item) for item in found]


def nodes(node: lxml.etree._Element, path: str) -> list[lxml.etree._Element]:
    """The elements an XPath selects."""
    found = node.xpath(path, namespaces=NS)
    assert isinstance(found, list)
    return [item for item in found if isinstance(item, lxml.etree._Element)]


def page_text(body: bytes) -> str:
    """The visible text of an HTML page, whitespace normalised."""
    document = html_doc(body)
    lxml.etree.strip_elements(document, "script", "style", with_tail=False)
    return " ".join(document.text_content().split())


def hrefs(url: str) -> list[str]:
    """Absolute targets of a page's <a> links."""
    document = html_doc(fetch(url).body)
    document.make_links_absolute(url)
    return [str(a.get("href")) for a in document.iter("a") if a.get("href")]


def bare(url: str) -> str:
    """A URL without query and fragment."""
    return url.split("#", maxsplit=1)[0].split("?", maxsplit=1)[0]


def by_id(site: NewsSite) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in site.truth()["articles"]}


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    """A served corpus site that no test changes."""
    with serve(NewsSite()) as served:
        yield served


@pytest.fixture
def fresh() -> Iterator[NewsSite]:
    """A served corpus site of the test's own, free to change."""
    with serve(NewsSite()) as served:
        yield served


# --- the corpus ----------------------------------------------------------------------------


def test_corpus_is_big_varied_and_well_formed() -> None:
    assert len(ARTICLES) >= 24
    assert {a.section for a in ARTICLES} == set(SECTIONS)
    templates = [a.template for a in ARTICLES]
    assert templates.count("wp") >= 12
    assert templates.count("jsonld") >= 8
    assert len({a.id for a in ARTICLES}) == len(ARTICLES)
    assert len({a.slug for a in ARTICLES}) == len(ARTICLES)
    assert len({a.title for a in ARTICLES}) == len(ARTICLES)
    days = [a.published.date() for a in ARTICLES]
    assert len(set(days)) == len(days)
    paragraphs = [p for a in ARTICLES + PRIVATE_ARTICLES for p in a.paragraphs]
    assert len(set(paragraphs)) == len(paragraphs)
    for article in ARTICLES:
        assert article.published.tzinfo is not None
        assert date(2026, 8, 1) <= article.published.date() <= date(2026, 11, 20)
        assert 4 <= len(article.paragraphs) <= 9, article.id
        for paragraph in article.paragraphs:
            assert 40 <= len(paragraph.split()) <= 120, (article.id, paragraph)
            assert "lorem" not in paragraph.lower()
    prose = " ".join(paragraphs)
    for mark in ("\u201c", "\u201d", "\u2019", "\u2014", "José Núñez", "Zoë Brandt"):
        assert mark in prose


# --- pages ---------------------------------------------------------------------------------


def test_every_article_serves_canonical_amp_and_print_copies(site: NewsSite) -> None:
    for article in site.truth()["articles"]:
        for key in ("url", "amp_url", "print_url"):
            answer = fetch(article[key])
            assert answer.status == 200, article[key]
            assert answer.headers["content-type"] == "text/html; charset=utf-8"
            text = page_text(answer.body)
            assert article["title"] in text
            assert article["author"] in text
            for paragraph in article["paragraphs"]:
                assert paragraph in text, (article[key], paragraph)
            document = html_doc(answer.body)
            assert texts(document, "//link[@rel='canonical']/@href") == [article["url"]]


def test_url_pattern_matches_articles_and_copies_only(site: NewsSite) -> None:
    truth = site.truth()
    for article in truth["articles"]:
        for key in ("url", "amp_url", "print_url"):
            assert ARTICLE_URL.search(article[key]), article[key]
    for url in truth["non_article_urls"]:
        assert not ARTICLE_URL.search(url), url
        assert fetch(url).status == 200, url


def test_wp_template_head_and_body(site: NewsSite) -> None:
    article = next(a for a in site.truth()["articles"] if a["template"] == "wp")
    answer = fetch(article["url"])
    document = html_doc(answer.body)

    def meta(attribute: str, name: str) -> list[str]:
        return [str(v) for v in texts(document, f"//meta[@{attribute}='{name}']/@content")]

    assert document.findtext(".//title") == f"{article['title']} \u2013 The Riverside Ledger"
    assert meta("property", "og:type") == ["article"]
    assert meta("property", "og:title") == [article["title"]]
    assert meta("property", "og:url") == [article["url"]]
    assert meta("name", "author") == [article["author"]]
    assert meta("property", "article:published_time") == [article["published"]]
    assert meta("property", "article:published_time")[0].endswith("+00:00")
    assert meta("property", "article:modified_time")
    assert texts(document, "//link[@rel='amphtml']/@href") == [article["amp_url"]]
    assert texts(document, "//h1[@class='entry-title']/text()") == [article["title"]]
    assert texts(document, "//a[@rel='author']/text()")[0] == article["author"]
    times = texts(document, "//time[contains(@class, 'published')]/@datetime")
    assert times == [article["published"]]
    body = texts(document, "//div[@class='entry-content']/p/text()")
    assert body == article["paragraphs"]
    text = page_text(answer.body)
    for furniture in (
        bp.SHARE_HEADING,
        bp.LEAVE_REPLY,
        bp.EMAIL_NOTE,
        bp.REQUIRED_NOTE,
        bp.TRENDING_HEADING,
        bp.MOST_READ_HEADING,
        bp.BREAKING,
        bp.WP_FOOTER_TAGLINE,
        site.truth()["today_banner"],
    ):
        assert furniture in text, furniture
    assert "About " + article["author"] + ":" in text
    assert f'value="{bp.POST_COMMENT}"' in answer.text
    assert len(nodes(document, "//div[@id='jp-relatedposts']//a")) == 3
    trending = texts(document, "//section[contains(@class, 'widget_trending')]//a/@href")
    assert len(trending) == 5
    assert any(h.endswith("/amp/") or "print=1" in h for h in trending)
    assert any("utm_" in h for h in trending)


def test_jsonld_template_head_and_body(site: NewsSite) -> None:
    article = next(a for a in site.truth()["articles"] if a["template"] == "jsonld")
    answer = fetch(article["url"])
    document = html_doc(answer.body)
    assert document.findtext(".//title") == f"{article['title']} | The Riverside Ledger"
    assert not nodes(document, "//meta[@property='article:published_time']")
    assert texts(document, "//meta[@property='og:type']/@content") == ["article"]
    scripts = [
        json.loads(s) for s in texts(document, "//script[@type='application/ld+json']/text()")
    ]
    news = next(s for s in scripts if s["@type"] == "NewsArticle")
    assert news["headline"] == article["title"]
    assert news["author"][0] == {
        "@type": "Person",
        "name": article["author"],
        "url": news["author"][0]["url"],
    }
    published = datetime.fromisoformat(news["datePublished"])
    assert published == datetime.fromisoformat(article["published"])
    assert published.date().isoformat() == article["published_date"]
    assert news["mainEntityOfPage"]["@id"] == article["url"]
    assert news["publisher"]["name"] == "The Riverside Ledger"
    assert "dateModified" in news
    byline = "".join(texts(document, "//span[@class='byline']//text()"))
    assert byline == f"By {article['author']}"
    body = texts(document, "//div[@class='article-body']/p[not(@class)]/text()")
    assert body == article["paragraphs"]
    assert texts(document, "//p[@class='standfirst']/text()") == [article["dek"]]
    newsletter = nodes(document, "//div[@class='article-body']/aside[@class='newsletter-signup']")
    assert len(newsletter) == 1
    previous = newsletter[0].getprevious()
    assert previous is not None
    assert previous.text == article["paragraphs"][1]
    assert nodes(document, "//p[@class='read-more']//a")
    assert texts(document, "//figure/figcaption/text()")[0].startswith("Photo: ")
    text = page_text(answer.body)
    assert bp.COOKIE_TEXT in text
    assert f"More from {article['section'].title()}" in text


def test_amp_and_print_copies_are_what_they_claim(site: NewsSite) -> None:
    for article in site.truth()["articles"][:6]:
        amp = html_doc(fetch(article["amp_url"]).body)
        assert amp.get("amp") is not None
        printed = fetch(article["print_url"])
        assert "window.print()" in printed.text
        assert "noindex" in printed.text
    wp = next(a for a in site.truth()["articles"] if a["template"] == "wp")
    with_tracking = fetch(wp["url"] + "?utm_source=x&print=1")
    assert with_tracking.body == fetch(wp["print_url"]).body


def test_page_truth_lists_furniture_that_is_on_the_page(site: NewsSite) -> None:
    for article in site.truth()["articles"]:
        text = page_text(fetch(article["url"]).body)
        assert article["page_boilerplate"]
        for furniture in article["page_boilerplate"]:
            assert furniture in text, (article["id"], furniture)


def test_no_boilerplate_string_occurs_in_story_text() -> None:
    for candidate in (NewsSite(), NewsSite.generated(200, seed=3)):
        truth = candidate.truth()
        forbidden = truth["boilerplate"]
        assert len(forbidden) > 50
        for article in truth["articles"]:
            story = [*article["paragraphs"], article["title"], article["dek"] or ""]
            for furniture in forbidden + article["page_boilerplate"]:
                for piece in story:
                    assert furniture not in piece, (article["id"], furniture)


def test_date_banner_is_today_and_no_publication_date(site: NewsSite) -> None:
    truth = site.truth()
    banner = datetime.strptime(truth["today_banner"], "%A, %B %d, %Y").date()
    assert banner == datetime.now().astimezone().date()
    assert banner.isoformat() not in {a["published_date"] for a in truth["articles"]}
    home = page_text(fetch(site.base_url + "/").body)
    assert truth["today_banner"] in home
    assert bp.ticker(banner) in home


def test_banner_follows_the_clock_but_last_modified_does_not() -> None:
    now = [datetime(2026, 11, 25, 9, 0, tzinfo=UTC)]
    with serve(NewsSite(clock=lambda: now[0])) as ticking:
        url = ticking.url("bridge-repair")
        first = fetch(url)
        assert "Wednesday, November 25, 2026" in first.text
        now[0] += timedelta(days=1)
        second = fetch(url)
        assert "Thursday, November 26, 2026" in second.text
        assert first.headers["etag"] != second.headers["etag"]
        assert first.headers["last-modified"] == second.headers["last-modified"]


def test_rendering_is_deterministic(site: NewsSite) -> None:
    url = site.url("flood-mural")
    first, second = fetch(url), fetch(url)
    assert first.body == second.body
    assert first.headers["etag"] == second.headers["etag"]
    other = NewsSite()
    other.base_url = site.base_url
    assert other.html("flood-mural") == site.html("flood-mural")
    assert site.html("flood-mural").encode() == first.body


def test_aliases_serve_the_same_bytes(site: NewsSite) -> None:
    url = site.url("okafor-budget")
    plain = fetch(url)
    for alias in (url + "?utm_source=homepage&utm_medium=referral", url + "#comments"):
        assert fetch(alias).body == plain.body


def test_listing_pages_and_fixed_pages(site: NewsSite) -> None:
    base = site.base_url
    home = html_doc(fetch(base + "/").body)
    assert texts(home, "//meta[@property='og:type']/@content") == ["website"]
    teasers = texts(home, "//h2[@class='entry-title']/a/@href")
    assert len(teasers) == 12
    assert any("utm_source=homepage" in h for h in teasers)
    assert any("#comments" in h for h in teasers)
    politics = fetch(base + "/category/politics/")
    assert "Older posts" in politics.text
    assert len(nodes(html_doc(politics.body), "//h2[@class='entry-title']")) == 5
    second = fetch(base + "/category/politics/page/2/")
    assert second.status == 200
    assert "Newer posts" in second.text
    assert fetch(base + "/category/politics/page/9/").status == 404
    assert (
        fetch(base + "/category/politics/page/1/")
        .headers["location"]
        .endswith("/category/politics/")
    )
    for path in ("/about/", "/contact/"):
        page = html_doc(fetch(base + path).body)
        assert texts(page, "//meta[@property='og:type']/@content") == ["website"]
        assert not nodes(page, "//time")


def test_unknown_paths_and_methods(site: NewsSite) -> None:
    base = site.base_url
    assert fetch(base + "/no/such/page/").status == 404
    wp = next(a for a in site.truth()["articles"] if a["template"] == "wp")
    wrong_day = re.sub(r"/(\d{2})/([^/]+)/$", "/01/\\2/", wp["url"])
    assert fetch(wrong_day).status == 404
    slashless = fetch(wp["url"].rstrip("/"))
    assert slashless.status == 301
    assert slashless.headers["location"] == wp["url"]
    assert fetch(base + "/", method="POST").status == 405


# --- HTTP behaviour ------------------------------------------------------------------------


def test_conditional_requests(site: NewsSite) -> None:
    url = site.url("millrace-eels")
    first = fetch(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert parsedate_to_datetime(modified) == datetime(2026, 9, 9, 10, 30, tzinfo=UTC)
    cached = fetch(url, headers={"If-None-Match": etag})
    assert cached.status == 304
    assert cached.body == b""
    assert cached.headers["etag"] == etag
    assert fetch(url, headers={"If-None-Match": f'"other", W/{etag}'}).status == 304
    assert fetch(url, headers={"If-None-Match": '"other"'}).status == 200
    assert fetch(url, headers={"If-Modified-Since": modified}).status == 304
    earlier = "Tue, 08 Sep 2026 10:30:00 GMT"
    assert fetch(url, headers={"If-Modified-Since": earlier}).status == 200
    # If-None-Match wins over If-Modified-Since.
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert fetch(url, headers=both).status == 200
    assert fetch(site.url("millrace-eels", "amp"), headers={"If-None-Match": etag}).status == 200


def test_gzip_when_accepted(site: NewsSite) -> None:
    url = site.url("jazz-festival")
    plain = fetch(url)
    assert "content-encoding" not in plain.headers
    assert int(plain.headers["content-length"]) == len(plain.body)
    zipped = fetch(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert int(zipped.headers["content-length"]) == len(zipped.body)
    assert gzip.decompress(zipped.body) == plain.body
    refused = fetch(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused.headers
    robots = fetch(site.base_url + "/robots.txt", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in robots.headers


def test_head_and_keep_alive(site: NewsSite) -> None:
    url = site.url("heat-map")
    got, head = fetch(url), fetch(url, method="HEAD")
    assert head.status == 200
    assert head.body == b""
    assert head.headers["content-length"] == got.headers["content-length"]
    assert head.headers["etag"] == got.headers["etag"]
    parts = urlsplit(site.base_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        sockets = set()
        for path in ("/", "/robots.txt", urlsplit(url).path):
            connection.request("GET", path)
            response = connection.getresponse()
            assert response.status == 200
            response.read()
            sockets.add(id(connection.sock))
        assert len(sockets) == 1
    finally:
        connection.close()


# --- feeds, sitemaps, robots ---------------------------------------------------------------


def test_robots_txt(site: NewsSite) -> None:
    answer = fetch(site.base_url + "/robots.txt")
    assert answer.headers["content-type"].startswith("text/plain")
    lines = answer.text.splitlines()
    for line in (
        "User-agent: *",
        "Disallow: /private/",
        "Disallow: /_control/",
        f"Sitemap: {site.base_url}/sitemap_index.xml",
        f"Sitemap: {site.base_url}/sitemap-pages.xml",
    ):
        assert line in lines
    rules = RobotFileParser()
    rules.parse(lines)
    for url in site.truth()["private_urls"]:
        assert not rules.can_fetch("archiver", url)
        assert url in hrefs(site.base_url + "/")
    assert not rules.can_fetch("archiver", site.base_url + "/_control/truth.json")
    assert rules.can_fetch("archiver", site.url("heat-map"))


def test_rss_feed(site: NewsSite) -> None:
    answer = fetch(site.base_url + "/feed/")
    assert answer.headers["content-type"].startswith("application/rss+xml")
    channel = xml_doc(answer.body).find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert len(items) == 10
    live = [a for a in reversed(site.truth()["articles"]) if a["visibility"] != "archive_only"]
    for item, article in zip(items, live, strict=False):
        link = item.findtext("link") or ""
        assert link == article["url"] + "?utm_source=rss&utm_medium=feed"
        assert item.findtext("title") == article["title"]
        assert item.findtext("dc:creator", namespaces=NS) == article["author"]
        published = parsedate_to_datetime(item.findtext("pubDate") or "")
        assert published == datetime.fromisoformat(article["published"])
        guid = item.find("guid")
        assert guid is not None
        assert guid.get("isPermaLink") == "false"
        assert item.findtext("description")


def test_atom_feed_resolves_against_xml_base(site: NewsSite) -> None:
    answer = fetch(site.base_url + "/feed/atom/")
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = xml_doc(answer.body)
    base = feed.get(XML_BASE) or ""
    assert base == site.base_url + "/"
    links = [str(h) for h in texts(feed, "//atom:entry/atom:link[@rel='alternate']/@href")]
    assert len(links) == 10
    assert any(not h.startswith("http") for h in links)
    urls = {a["url"] for a in site.truth()["articles"]}
    assert all(urljoin(base, h) in urls for h in links)


def test_sitemaps(site: NewsSite) -> None:
    base = site.base_url
    index = xml_doc(fetch(base + "/sitemap_index.xml").body)
    children = [str(loc) for loc in texts(index, "//sm:sitemap/sm:loc/text()")]
    assert children == [base + "/news-sitemap.xml", base + "/sitemaps/archive.xml.gz"]
    news = xml_doc(fetch(children[0]).body)
    assert len(nodes(news, "//sm:url")) == 8
    assert texts(news, "//news:publication/news:name/text()")[0] == "The Riverside Ledger"
    assert len(nodes(news, "//news:publication_date")) == 8
    assert len(nodes(news, "//news:title")) == 8
    archive = fetch(children[1], headers={"Accept-Encoding": "gzip"})
    assert archive.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in archive.headers
    urlset = xml_doc(gzip.decompress(archive.body))
    assert len(nodes(urlset, "//sm:url/sm:lastmod")) == len(nodes(urlset, "//sm:url"))
    pages = xml_doc(fetch(base + "/sitemap-pages.xml").body)
    locs = texts(pages, "//sm:loc/text()")
    assert locs == [base + "/about/", base + "/contact/"]


def discover(site: NewsSite) -> dict[str, set[str]]:
    """Where each article is actually linked, found the way a crawler would find it."""
    truth = site.truth()
    ids = {a["url"]: a["id"] for a in truth["articles"]}
    found: dict[str, set[str]] = {article_id: set() for article_id in ids.values()}

    def note(source: str, urls: list[str]) -> None:
        for url in urls:
            if bare(url) in ids:
                found[ids[bare(url)]].add(source)

    base = site.base_url
    home = hrefs(base + "/")
    teasers = texts(html_doc(fetch(base + "/").body), "//main//h2/a/@href")
    note("home", [str(h) for h in teasers])
    level_one = {bare(h) for h in home if "/category/" in h}
    level_two = {
        bare(h) for page in level_one for h in hrefs(page) if "/category/" in h or "/page/" in h
    }
    for page in level_one | level_two:
        note("section", hrefs(page))
    rss = xml_doc(fetch(base + "/feed/").body)
    note("feed", [str(link) for link in texts(rss, "//item/link/text()")])
    atom = xml_doc(fetch(base + "/feed/atom/").body)
    xml_base = atom.get(XML_BASE) or ""
    entry_links = texts(atom, "//atom:entry/atom:link[@rel='alternate']/@href")
    note("atom", [urljoin(xml_base, str(h)) for h in entry_links])
    robots = fetch(base + "/robots.txt").text
    for sitemap in re.findall(r"^Sitemap: (\S+)$", robots, re.MULTILINE):
        document = xml_doc(fetch(sitemap).body)
        for child in texts(document, "//sm:sitemap/sm:loc/text()"):
            body = fetch(str(child)).body
            if str(child).endswith(".gz"):
                body = gzip.decompress(body)
            source = "news_sitemap" if "news" in str(child) else "archive_sitemap"
            note(
                source,
                [str(u) for u in texts(xml_doc(body), "//sm:loc/text()")],
            )
    return found


def test_ground_truth_discovery_matches_the_site(site: NewsSite) -> None:
    found = discover(site)
    truth = site.truth()
    for article in truth["articles"]:
        assert found[article["id"]] == set(article["discovered_via"]), article["id"]
        assert article["discovered_via"], article["id"]
    archive_only = [a for a in truth["articles"] if a["discovered_via"] == ["archive_sitemap"]]
    feed_only = [a for a in truth["articles"] if a["discovered_via"] == ["feed", "atom"]]
    assert len(archive_only) >= 3
    assert len(feed_only) >= 2
    on_sections = [a for a in truth["articles"] if "section" in a["discovered_via"]]
    assert len(on_sections) == len(truth["articles"]) - len(archive_only) - len(feed_only)


def test_truth_lists_every_article(site: NewsSite) -> None:
    truth = site.truth()
    assert json.loads(json.dumps(truth)) == truth
    assert truth["base_url"] == site.base_url
    assert [a["id"] for a in truth["articles"]] == site.article_ids()
    assert {a["id"] for a in truth["articles"]} == {a.id for a in ARTICLES}
    for article in truth["articles"]:
        source = next(a for a in ARTICLES if a.id == article["id"])
        assert article["paragraphs"] == list(source.paragraphs)
        assert article["title"] == source.title
        assert article["published_date"] == source.published.date().isoformat()
        assert article["state"] == "live"
        assert article["redirect_to"] is None
        assert article["url"] == site.url(article["id"])
        assert article["amp_url"] == site.url(article["id"], "amp")
        assert article["print_url"] == site.url(article["id"], "print")
    assert len(truth["private_urls"]) == 2
    for url in truth["private_urls"]:
        assert fetch(url).status == 200


# --- controls ------------------------------------------------------------------------------


def test_edit_body_inserts_a_paragraph_and_bumps_validators(fresh: NewsSite) -> None:
    url = fresh.url("fare-freeze")
    before = fetch(url)
    old = by_id(fresh)["fare-freeze"]["paragraphs"]
    inserted = fresh.edit_body("fare-freeze")
    after = fetch(url)
    paragraphs = by_id(fresh)["fare-freeze"]["paragraphs"]
    assert paragraphs == [*old[: len(old) // 2], inserted, *old[len(old) // 2 :]]
    assert 40 <= len(inserted.split()) <= 120
    assert inserted in page_text(after.body)
    assert after.headers["etag"] != before.headers["etag"]
    assert parsedate_to_datetime(after.headers["last-modified"]) > parsedate_to_datetime(
        before.headers["last-modified"]
    )
    conditional = {"If-Modified-Since": before.headers["last-modified"]}
    assert fetch(url, headers=conditional).status == 200
    again = fresh.edit_body("fare-freeze", "A second paragraph, given by the test.")
    assert again == "A second paragraph, given by the test."
    third = fetch(url)
    assert parsedate_to_datetime(third.headers["last-modified"]) > parsedate_to_datetime(
        after.headers["last-modified"]
    )
    assert fetch(url, headers={"If-Modified-Since": after.headers["last-modified"]}).status == 200


def test_edit_title_changes_every_place_the_title_shows(fresh: NewsSite) -> None:
    new = fresh.edit_title("sepsis-patch")
    assert by_id(fresh)["sepsis-patch"]["title"] == new
    document = html_doc(fetch(fresh.url("sepsis-patch")).body)
    assert document.findtext(".//title") == f"{new} | The Riverside Ledger"
    assert texts(document, "//h1/text()") == [new]
    assert new in texts(document, "//script[@type='application/ld+json']/text()")[0]
    assert fresh.edit_title("sepsis-patch", "A headline of the test's own") == (
        "A headline of the test's own"
    )
    assert new != fresh.edit_title("sepsis-patch")


def test_edit_boilerplate_changes_bytes_not_content(fresh: NewsSite) -> None:
    url = fresh.url("credit-union-merger")
    before, truth_before = fetch(url), by_id(fresh)["credit-union-merger"]
    fresh.edit_boilerplate("credit-union-merger")
    after, truth_after = fetch(url), by_id(fresh)["credit-union-merger"]
    assert after.body != before.body
    assert after.headers["etag"] != before.headers["etag"]
    assert after.headers["last-modified"] == before.headers["last-modified"]
    for key in ("title", "author", "published", "paragraphs", "modified"):
        assert truth_after[key] == truth_before[key]
    assert truth_after["page_boilerplate"] != truth_before["page_boilerplate"]
    other = fresh.url("heat-map")
    other_before = fetch(other).body
    fresh.edit_boilerplate()
    assert fetch(other).body != other_before
    assert fetch(url).body != after.body


def test_revert_restores_the_previous_text(fresh: NewsSite) -> None:
    url = fresh.url("tool-and-die-sold")
    original = by_id(fresh)["tool-and-die-sold"]
    fresh.edit_body("tool-and-die-sold")
    edited = fetch(url)
    fresh.revert("tool-and-die-sold")
    reverted = fetch(url)
    now = by_id(fresh)["tool-and-die-sold"]
    assert now["paragraphs"] == original["paragraphs"]
    assert reverted.body != edited.body
    assert parsedate_to_datetime(reverted.headers["last-modified"]) > parsedate_to_datetime(
        edited.headers["last-modified"]
    )
    fresh.edit_title("tool-and-die-sold")
    fresh.revert("tool-and-die-sold")
    assert by_id(fresh)["tool-and-die-sold"]["title"] == original["title"]
    with pytest.raises(ValueError, match="no edit to revert"):
        fresh.revert("tool-and-die-sold")
    with pytest.raises(KeyError):
        fresh.revert("no-such-article")


def test_publish_puts_a_story_on_top_of_everything(fresh: NewsSite) -> None:
    before = {a["id"] for a in fresh.truth()["articles"]}
    new_id = fresh.publish("science")
    assert new_id not in before
    truth = by_id(fresh)
    article = truth[new_id]
    assert article["section"] == "science"
    assert article["template"] == "jsonld"
    assert set(article["discovered_via"]) == {"home", "section", "feed", "atom", "news_sitemap"}
    assert article["published"] > max(a["published"] for a in truth.values() if a["id"] != new_id)
    assert article["published_date"] != datetime.now().astimezone().date().isoformat()
    base = fresh.base_url
    teasers = texts(html_doc(fetch(base + "/").body), "//main//h2/a/@href")
    assert bare(str(teasers[0])) == article["url"]
    section = html_doc(fetch(base + "/category/science/").body)
    assert texts(section, "//main//h2/a/@href")[0] == article["url"]
    assert fetch(article["url"]).status == 200
    wp_id = fresh.publish("culture", "wp")
    assert by_id(fresh)[wp_id]["template"] == "wp"
    with pytest.raises(ValueError, match="unknown section"):
        fresh.publish("sport")


def test_unpublish_answers_gone_and_leaves_listings(fresh: NewsSite) -> None:
    target = next(a for a in fresh.truth()["articles"] if "home" in a["discovered_via"])
    fresh.unpublish(target["id"], 410)
    for key in ("url", "amp_url", "print_url"):
        assert fetch(target[key]).status == 410
    assert target["url"] not in {bare(h) for h in hrefs(fresh.base_url + "/")}
    assert target["url"] not in fetch(fresh.base_url + "/feed/").text
    gone = by_id(fresh)[target["id"]]
    assert gone["state"] == "gone"
    assert gone["discovered_via"] == []
    other = next(a for a in fresh.truth()["articles"] if a["state"] == "live")
    fresh.unpublish(other["id"])
    assert fetch(other["url"]).status == 404
    with pytest.raises(ValueError, match="404 or 410"):
        fresh.unpublish(other["id"], 500)


def test_redirects(fresh: NewsSite) -> None:
    fresh.redirect("flood-mural", "jazz-festival")
    answer = fetch(fresh.url("flood-mural"))
    assert answer.status == 301
    assert answer.headers["location"] == fresh.url("jazz-festival")
    assert fetch(fresh.url("flood-mural", "amp")).headers["location"] == fresh.url("jazz-festival")
    moved = by_id(fresh)["flood-mural"]
    assert moved["state"] == "redirected"
    assert moved["redirect_to"] == fresh.url("jazz-festival")
    fresh.redirect("heat-map", "/about/", 308)
    answer = fetch(fresh.url("heat-map"))
    assert answer.status == 308
    assert answer.headers["location"] == fresh.base_url + "/about/"
    with pytest.raises(ValueError, match="neither an article id nor a URL"):
        fresh.redirect("heat-map", "nowhere")


def test_counts(fresh: NewsSite) -> None:
    url = fresh.url("bridge-repair")
    path = urlsplit(url).path
    first = fetch(url)
    fetch(url + "?utm_source=x")
    fetch(url, headers={"If-None-Match": first.headers["etag"]})
    fetch(fresh.base_url + "/missing/")
    assert fresh.requests[path] == 3
    assert fresh.requests_full[path + "?utm_source=x"] == 1
    assert fresh.statuses[(path, 200)] == 2
    assert fresh.statuses[(path, 304)] == 1
    assert fresh.statuses[("/missing/", 404)] == 1
    fetch(fresh.base_url + "/_control/truth.json")
    assert not any(p.startswith("/_control/") for p in fresh.requests)
    counts = json.loads(fetch(fresh.base_url + "/_control/counts.json").body)
    assert counts["requests"][path] == 3
    assert counts["statuses"][path] == {"200": 2, "304": 1}
    fresh.reset_counts()
    assert not fresh.requests
    assert not fresh.statuses
    fetch(url)
    assert fetch(fresh.base_url + "/_control/counts/reset", method="POST").status == 200
    assert not fresh.requests_full


def test_control_endpoints_over_http(fresh: NewsSite) -> None:
    control = fresh.base_url + "/_control"

    def post(path: str, body: bytes = b"") -> tuple[int, Any]:
        answer = fetch(control + path, method="POST", body=body)
        assert answer.headers["content-type"] == "application/json"
        return answer.status, json.loads(answer.body)

    status, data = post("/edit/okafor-budget/body", b"Given paragraph text.")
    assert (status, data["inserted"]) == (200, "Given paragraph text.")
    assert "Given paragraph text." in by_id(fresh)["okafor-budget"]["paragraphs"]
    status, data = post("/edit/okafor-budget/body")
    assert data["inserted"] in by_id(fresh)["okafor-budget"]["paragraphs"]
    status, data = post("/edit/okafor-budget/title", b"Retitled")
    assert by_id(fresh)["okafor-budget"]["title"] == "Retitled"
    post("/revert/okafor-budget")
    assert by_id(fresh)["okafor-budget"]["title"] != "Retitled"
    before = fetch(fresh.url("okafor-budget")).body
    assert post("/edit/okafor-budget/boilerplate")[0] == 200
    middle = fetch(fresh.url("okafor-budget")).body
    assert middle != before
    assert post("/edit/boilerplate")[0] == 200
    assert fetch(fresh.url("okafor-budget")).body != middle
    status, data = post("/publish?section=business")
    assert status == 200
    assert data["url"] == fresh.url(data["id"])
    assert fetch(data["url"]).status == 200
    post(f"/unpublish/{data['id']}?status=410")
    assert fetch(data["url"]).status == 410
    post("/redirect/heat-map?to=jazz-festival&status=302")
    assert fetch(fresh.url("heat-map")).headers["location"] == fresh.url("jazz-festival")
    truth = json.loads(fetch(control + "/truth.json").body)
    assert truth == json.loads(json.dumps(fresh.truth()))
    assert post("/edit/no-such-article/body")[0] == 404
    assert post("/unpublish/bridge-repair?status=500")[0] == 400
    assert post("/revert/bridge-repair")[0] == 400
    assert post("/nothing-here")[0] == 404
    assert fetch(control + "/publish").status == 405


# --- generated sites -----------------------------------------------------------------------


def test_generated_sites_are_deterministic_and_varied() -> None:
    first, again, other = (
        NewsSite.generated(120, seed=7),
        NewsSite.generated(120, seed=7),
        NewsSite.generated(120, seed=8),
    )
    truth = first.truth()
    assert truth == again.truth()
    assert truth["articles"] != other.truth()["articles"]
    articles = truth["articles"]
    assert len(articles) == 120
    assert {a["template"] for a in articles} == {"wp", "jsonld"}
    assert {a["section"] for a in articles} == set(SECTIONS)
    assert len({a["title"] for a in articles}) == 120
    assert len({a["url"] for a in articles}) == 120
    paragraphs = [p for a in articles for p in a["paragraphs"]]
    assert len(set(paragraphs)) == len(paragraphs)
    assert all(4 <= len(a["paragraphs"]) <= 9 for a in articles)
    assert all(a["discovered_via"] for a in articles)
    assert first.html(articles[0]["id"]) == again.html(articles[0]["id"])
    with serve(first):
        for article in articles[:4]:
            assert fetch(first.url(article["id"])).status == 200


# --- the command line ----------------------------------------------------------------------


def test_command_line_serves_and_stops_cleanly() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "tests.site", "--generated", "30", "--seed", "2"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            with selectors.DefaultSelector() as selector:
                selector.register(process.stdout, selectors.EVENT_READ)
                assert selector.select(timeout=10), "the site never printed its URL"
            base = process.stdout.readline().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base)
            parts = urlsplit(base)
            # Clients that hang up early, politely or not, must not upset the server.
            for request in (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"GET /feed/ HT"):
                with socket.create_connection((parts.hostname or "", parts.port or 0)) as client:
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    client.sendall(request)
            assert fetch(base + "/robots.txt").status == 200
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
            assert process.stderr is not None
            assert process.stderr.read() == ""
        finally:
            if process.poll() is None:
                process.kill()
