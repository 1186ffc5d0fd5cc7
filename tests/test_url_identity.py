"""End to end: addresses that differ only in escapes a careless key decodes are different
articles (storage.urls): each is fetched, stored with its own text, and shown by its own URL.

The articles sit on the hostile server, which serves exactly the request-target it is sent:
a Latin-1 site's ``/caf%E9`` and ``/caf%E8`` (which decoding as UTF-8 made one key), and
``/a%2Fb`` next to ``/a/b`` (which decoding made one key too). And the key of a link is
the key of the request Scrapy sends for it, so that a page is fetched once a run and
re-checked with its validators.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy import Request as ScrapyRequest

from storage import Archive
from storage.urls import url_key
from tests.crawling import FAST_FLAGS, archiver, crawl, sources_file
from tests.hostile import HostileSite, serve_hostile
from tests.hostile.server import Handler, Reply, Request

LATIN_1 = "text/html; charset=iso-8859-1"
# path -> (title, the paragraph only that article has)
ARTICLES = {
    "/caf%E9": (
        "Café Lumière reopens on the quay",
        "The café on the quay reopened on Monday after a winter of repairs to its terrace, "
        "and its owner served the first coffee to the harbour pilots at six in the morning.",
    ),
    "/caf%E8": (
        "Cafè Rosso closes its doors",
        "The cafè in the old market hall closed on Friday after forty years, its last "
        "customers queuing past the fishmongers for a final espresso and a slice of cake.",
    ),
    "/a%2Fb": (
        "Ferry timetable changes for the winter",
        "The island ferry will sail four times a day from November, the operator said, "
        "dropping the late crossing that carried the night shift back from the mainland.",
    ),
    "/a/b": (
        "Lighthouse keeper retires after thirty years",
        "The keeper of the northern light climbed its hundred and twelve steps for the last "
        "time on Sunday, handing the keys to the trust that will run it as a museum.",
    ),
}
COMMON = (
    "Residents gathered on the seafront to talk it over, and the council said it would "
    "publish the figures behind its decision at the next public meeting of the harbour board.",
    "Local traders said the season had been longer than usual, with visitors arriving well "
    "into October and the promenade busy on every weekend of the autumn.",
)


def _article(title: str, paragraph: str) -> Handler:
    paragraphs = "".join(f"<p>{p}</p>" for p in (paragraph, *COMMON))
    body = (
        f"<html><head><meta charset='iso-8859-1'><title>{title}</title>"
        '<meta property="og:type" content="article"></head>'
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode("latin-1")

    def handler(site: HostileSite, request: Request) -> Reply:
        return Reply(200, [("Content-Type", LATIN_1)], body)

    return handler


def _front_page(site: HostileSite, request: Request) -> Reply:
    links = "".join(
        f'<li><a href="{path}">{title}</a></li>' for path, (title, _) in ARTICLES.items()
    )
    body = f"<html><head><title>Harbour news</title></head><body><ul>{links}</ul></body></html>"
    return Reply(200, [("Content-Type", LATIN_1)], body.encode("latin-1"))


@pytest.fixture
def harbour() -> Iterator[HostileSite]:
    """A Latin-1 news site whose article addresses differ only in their escapes."""
    routes: dict[str, Handler] = {"/": _front_page}
    routes |= {path: _article(*story) for path, story in ARTICLES.items()}
    with serve_hostile(HostileSite(routes)) as site:
        yield site


def _shows_its_own_story(db_url: str, url: str, path: str) -> None:
    title, paragraph = ARTICLES[path]
    shown = archiver("show", url, "--json", db=db_url)
    assert shown.code == 0, shown.stderr
    view = shown.json()
    assert view["title"] == title
    assert paragraph in view["text"]
    for other, (_, elsewhere) in ARTICLES.items():
        if other != path:
            assert elsewhere not in view["text"], (path, other)


@pytest.mark.e2e
def test_fetched_articles_that_differ_in_escapes_stay_apart(
    harbour: HostileSite, db_url: str
) -> None:
    urls = [harbour.base_url + path for path in ARTICLES]
    result = archiver("fetch", *urls, "--json", *FAST_FLAGS, db=db_url)
    assert result.code == 0, result.stderr[-3000:]
    summary = result.json()
    assert (summary["urls"], summary["articles_new"]) == (4, 4), summary
    # Each address was requested as written, once: none was taken for another's duplicate.
    assert sorted(r.path for r in harbour.requests if r.path != "/robots.txt") == sorted(ARTICLES)
    with Archive(db_url) as archive:
        assert (archive.stats()["articles"], archive.stats()["versions"]) == (4, 4)
    for path in ARTICLES:
        _shows_its_own_story(db_url, harbour.base_url + path, path)
    # Spellings of the same address (hex case, an escaped unreserved letter) find the same
    # article, though nobody fetched them so.
    _shows_its_own_story(db_url, harbour.base_url + "/caf%e9", "/caf%E9")
    _shows_its_own_story(db_url, harbour.base_url + "/%61%2fb", "/a%2Fb")
    _shows_its_own_story(db_url, harbour.base_url + "/a/./b", "/a/b")


@pytest.mark.e2e
def test_crawled_articles_that_differ_in_escapes_stay_apart_across_runs(
    harbour: HostileSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(
        tmp_path / "archiver.toml",
        harbour.base_url,
        name="harbour",
        feeds=False,
        sitemaps=False,
        patterns=False,
    )
    first = crawl(config, db_url, "harbour")
    assert first["articles_new"] == 4, first
    for path in ARTICLES:
        _shows_its_own_story(db_url, harbour.base_url + path, path)
    # The next run finds each article under its own key again: four re-checks of the same
    # bytes, no new article, no new version (a merged key would flip one article between
    # two stories, a version each time).
    again = crawl(config, db_url, "harbour")
    assert (again["articles_new"], again["versions_new"], again["unchanged"]) == (0, 0, 4), again
    with Archive(db_url) as archive:
        assert (archive.stats()["articles"], archive.stats()["versions"]) == (4, 4)
    for path in ARTICLES:
        _shows_its_own_story(db_url, harbour.base_url + path, path)


# Every printable ASCII character but "#" (which ends the query), and some that are not ASCII.
CHARACTERS = [chr(c) for c in range(0x20, 0x7F) if chr(c) != "#"] + ["é", "東", "\u00a0"]


@pytest.mark.parametrize("char", CHARACTERS)
def test_a_link_has_the_key_of_the_request_the_crawl_sends_for_it(char: str) -> None:
    # The spider keys a link as written and stores the page under the key of the URL Scrapy
    # requested: were they to differ, the frontier would fetch the page twice a run and
    # every run would re-fetch it without its validators.
    for url in (f"https://example.org/a{char}b", f"https://example.org/s?q=a{char}b"):
        assert url_key(ScrapyRequest(url).url) == url_key(url), url
