"""Every URL a crawl meets ends in one outcome, whatever is wrong with it: bad entries in a
sitemap or feed, limits broken by a redirect target, a robots.txt that cannot be read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from scraper.extensions.outcomes import RequestRejected
from scraper.middlewares.urllimits import UrlLimitsMiddleware
from storage import Archive
from tests.crawling import FAST, archiver
from tests.hostile import HostileSite, serve_hostile
from tests.hostile.cases import HTML, article, page
from tests.hostile.server import Handler, Reply
from tests.hostile.server import Request as Received

pytestmark = pytest.mark.e2e

# Entries that are not URLs the archive can key or request, and the outcome of each: a bad
# URL, or (for one that Scrapy can request) the policy that refuses it.
BAD_ENTRIES = {
    "http://[::1/unclosed-ipv6": "rejected:bad_url",
    "http://[::g]/not-an-address": "rejected:bad_url",
    "http://[fe80::1%eth0]/zone": "rejected:private_address",
    "http://a..b/empty-label": "rejected:offsite",
    "http://" + "x" * 70 + ".example/label-too-long": "rejected:offsite",
    "http://exa mple.org/space-in-host": "rejected:offsite",
    "http://127.0.0.1:99999/port-out-of-range": "rejected:bad_url",
    "http://[::1]:0x50/hex-port": "rejected:bad_url",
    "javascript:alert(1)": "rejected:bad_url",
}


def _articles(site: HostileSite, count: int) -> list[str]:
    return [f"{site.base_url}/news/{n}" for n in range(count)]


def _sitemap(urls: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</urlset>"
    ).encode()


def _feed(urls: list[str]) -> bytes:
    items = "".join(f"<item><title>t</title><link>{url}</link></item>" for url in urls)
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def _story(site: HostileSite, request: Received) -> Reply:
    number = request.path.rsplit("/", 1)[-1]
    return Reply(200, [("Content-Type", HTML)], article(f"Story number {number}").encode())


@contextmanager
def _served(routes: dict[str, Handler]) -> Iterator[HostileSite]:
    table: dict[str, Handler] = {
        "/robots.txt": page(b"User-agent: *\nAllow: /\n", "text/plain"),
        "/news/*": _story,
    }
    with serve_hostile(HostileSite(table | routes)) as site:
        yield site


def _crawl(
    tmp_path: Path, db_url: str, site: HostileSite, *, sitemaps: list[str], feeds: list[str]
) -> tuple[dict[str, str], dict[str, object]]:
    """Crawl the site as a source; each URL's outcome, and the summary."""
    config = tmp_path / "archiver.toml"
    config.write_text(
        "[[sources]]\n"
        'name = "entries"\n'
        f"sitemaps = {json.dumps(sitemaps)}\n"
        f"feeds = {json.dumps(feeds)}\n"
        f"settings = {FAST}\n"
    )
    log = tmp_path / "outcomes.jsonl"
    result = archiver(
        "crawl", "entries", "--json", "--outcomes", str(log), config=config, db=db_url
    )
    assert result.code == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    outcomes: dict[str, str] = {}
    for line in log.read_text().splitlines():
        record = json.loads(line)
        assert record["url"] not in outcomes, f"two outcomes for {record['url']}"
        outcomes[record["url"]] = record["outcome"]
    summary: dict[str, object] = result.json()
    assert summary["urls"] == summary["requests"] == len(outcomes), summary
    return outcomes, summary


def test_bad_entries_each_get_an_outcome_and_lose_none_of_the_others(
    db_url: str, tmp_path: Path
) -> None:
    with _served({}) as site:
        good = _articles(site, 12)
        # Good and bad entries interleaved: a bad one must not end the document.
        bad = list(BAD_ENTRIES)
        mixed = [url for pair in zip(good[:9], bad, strict=True) for url in pair]
        routes = {
            "/sitemap.xml": page(_sitemap(mixed), "application/xml"),
            "/feed.xml": page(_feed([*bad[:3], *good[9:]]), "application/rss+xml"),
        }
        site.routes |= routes
        outcomes, _ = _crawl(
            tmp_path,
            db_url,
            site,
            sitemaps=[site.base_url + "/sitemap.xml"],
            feeds=[site.base_url + "/feed.xml"],
        )
    for url in good:
        assert outcomes.get(url) == "article_new", (url, outcomes.get(url))
    refused = {url: outcome for url, outcome in outcomes.items() if url in BAD_ENTRIES}
    assert refused == BAD_ENTRIES
    with Archive(db_url) as archive:
        assert archive.show(good[-1]).title == "Story number 11"


def _redirect_to(target: str) -> Handler:
    def handler(site: HostileSite, request: Received) -> Reply:
        location = target.format(base=site.base_url)
        return Reply(302, [("Location", location), ("Content-Type", "text/plain")], b"moved")

    return handler


REDIRECTS = {
    # path: (Location, the outcome of the redirected request)
    "/to-long": ("{base}/news/" + "a" * 10_000, "rejected:url_too_long"),
    "/to-long-query": ("{base}/news/1?q=" + "b" * 3_000, "rejected:url_too_long"),
    "/to-bad-host": ("http://[::1/news/1", "rejected:bad_url"),
    "/to-bad-port": ("http://127.0.0.1:99999/news/1", "rejected:bad_url"),
    "/to-short": ("{base}/news/5", "article_new"),
}


def test_limits_hold_for_redirect_targets(db_url: str, tmp_path: Path) -> None:
    routes = {path: _redirect_to(location) for path, (location, _) in REDIRECTS.items()}
    with _served(routes) as site:
        sitemap = [site.base_url + path for path in REDIRECTS]
        site.routes["/sitemap.xml"] = page(_sitemap(sitemap), "application/xml")
        outcomes, _ = _crawl(
            tmp_path, db_url, site, sitemaps=[site.base_url + "/sitemap.xml"], feeds=[]
        )
        fetched = [request.path for request in site.requests]
    for path, (_, expected) in REDIRECTS.items():
        assert outcomes[site.base_url + path] == expected, path
    # Refused before anything was sent: the long target never reached the server.
    assert not any(len(path) > 2000 for path in fetched)
    with Archive(db_url) as archive:
        assert archive.show(site.base_url + "/news/5").title == "Story number 5"


@pytest.mark.parametrize(
    ("url", "outcome"),
    [
        ("https://example.org/" + "a" * 2100, "rejected:url_too_long"),
        ("https://example.org/short", None),
        ("http://[::1/x", "rejected:bad_url"),
        ("ftp://example.org/file", "rejected:bad_url"),
    ],
)
def test_the_url_limits_middleware_refuses_what_breaks_a_limit(
    url: str, outcome: str | None
) -> None:
    middleware = UrlLimitsMiddleware.from_crawler(get_crawler(settings_dict={}))
    try:
        request = Request(url)
    except ValueError:  # Scrapy refuses some itself; the spider counts those as bad_url
        assert outcome == "rejected:bad_url"
        return
    if outcome is None:
        middleware.process_request(request)
    else:
        with pytest.raises(RequestRejected) as refused:
            middleware.process_request(request)
        assert refused.value.outcome == outcome


def _robots(status: int) -> Handler:
    return lambda site, request: Reply(status, [("Content-Type", "text/plain")], b"oops")


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (500, "rejected:robots_unavailable"),
        (503, "rejected:robots_unavailable"),
        (429, "rejected:robots_unavailable"),
        (404, "article_new"),  # no robots.txt: everything allowed (RFC 9309 §2.3.1.3)
        (410, "article_new"),
    ],
)
def test_an_unreachable_robots_txt_means_nothing_is_fetched(
    status: int, outcome: str, db_url: str, tmp_path: Path
) -> None:
    with _served({"/robots.txt": _robots(status)}) as site:
        stories = _articles(site, 3)
        site.routes["/feed.xml"] = page(_feed(stories), "application/rss+xml")
        outcomes, _ = _crawl(
            tmp_path, db_url, site, sitemaps=[], feeds=[site.base_url + "/feed.xml"]
        )
        asked = {request.path for request in site.requests}
        robots_asked = len(site.hits("/robots.txt"))
    feed = site.base_url + "/feed.xml"
    expected_feed = "navigation" if outcome == "article_new" else outcome
    assert outcomes[feed] == expected_feed
    for url in stories:
        assert outcomes.get(url, "none") in ({outcome} if outcome == "article_new" else {"none"})
    if outcome != "article_new":
        assert asked == {"/robots.txt"}  # nothing but robots.txt was requested
        assert robots_asked >= 2  # a server error is retried before it counts


def _with_canonical(canonical: str) -> Handler:
    def handler(site: HostileSite, request: Received) -> Reply:
        href = canonical.format(base=site.base_url)
        head = f'<link rel="canonical" href="{href}"><link rel="amphtml" href="{href}/amp">'
        body = article(f"Copy at {request.path}", head=head)
        return Reply(200, [("Content-Type", HTML)], body.encode())

    return handler


CANONICALS = {
    "/copy/long": "{base}/news/" + "c" * 3000,
    "/copy/long-query": "{base}/news/7?ref=" + "d" * 2100,
}


def test_a_canonical_url_past_the_limits_is_ignored(db_url: str, tmp_path: Path) -> None:
    with _served({path: _with_canonical(target) for path, target in CANONICALS.items()}) as site:
        pages = [site.base_url + path for path in CANONICALS]
        log = tmp_path / "outcomes.jsonl"
        result = archiver("fetch", *pages, "--json", "--outcomes", str(log), db=db_url)
        assert result.code == 0, result.stderr[-3000:]
        asked = [request.path for request in site.requests]
    records = [json.loads(line) for line in log.read_text().splitlines()]
    outcomes = {record["url"]: record["outcome"] for record in records}
    assert outcomes == dict.fromkeys(pages, "article_new")
    assert not any(path.startswith("/news/") for path in asked)
    with Archive(db_url) as archive:
        for url, path in zip(pages, CANONICALS, strict=True):
            shown = archive.show(url)
            assert shown.title == f"Copy at {path}"
            assert shown.url == url
