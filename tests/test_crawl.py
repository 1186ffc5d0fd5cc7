"""End to end: crawl the local news site with the real command line, on SQLite and Postgres."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storage import Archive, NotFound
from storage.content import normalize
from tests.crawling import FAST_FLAGS, archiver, crawl, scrapy, sources_file
from tests.site import NewsSite

pytestmark = pytest.mark.e2e


def live_articles(truth: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in truth["articles"] if a["state"] == "live"]


def test_one_crawl_archives_every_article_once_and_nothing_else(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    summary = crawl(config, db_url)
    truth = site.truth()
    articles = live_articles(truth)
    assert summary["articles_new"] == len(articles) == 24
    assert summary["versions_new"] == 0
    assert summary["failed"] == {}

    # Stats add up: every response the site sent is one counted outcome (robots.txt aside,
    # which Scrapy fetches for itself), and every robots-forbidden URL was never requested.
    counts = site.counts()
    assert summary["pages"] == counts["total"]
    downloaded = summary["urls"] - summary["rejected"].get("robots", 0)
    assert downloaded == counts["total"] - counts["requests"]["/robots.txt"]
    assert not any(path.startswith("/private/") for path in counts["requests"])

    with Archive(db_url) as archive:
        assert archive.stats()["articles"] == 24
        assert archive.stats()["versions"] == 24
        for url in truth["private_urls"] + truth["non_article_urls"]:
            with pytest.raises(NotFound):
                archive.show(url)
        right = {"title": 0, "author": 0, "date": 0}
        for article in articles:
            version = archive.show(article["url"])
            assert version.url == article["url"]
            assert version.number == 1
            right["title"] += version.title == article["title"]
            right["author"] += version.author == article["author"]
            published = version.published_at
            right["date"] += published is not None and (
                published.date().isoformat() == article["published_date"]
            )
            body = normalize(version.text)
            for paragraph in article["paragraphs"]:
                assert normalize(paragraph) in body, (article["url"], paragraph[:60])
            for furniture in truth["boilerplate"] + article["page_boilerplate"]:
                assert normalize(furniture) not in body, (article["url"], furniture)
            assert normalize(truth["today_banner"]) not in body
    for field, count in right.items():
        assert count >= 0.95 * len(articles), (field, count)


def test_recrawls_create_versions_for_edits_only(
    site: NewsSite, archived: Path, db_url: str
) -> None:
    config = archived

    again = crawl(config, db_url)
    # Re-fetched with the stored validators: the site answers 304 for every article.
    assert (again["articles_new"], again["versions_new"], again["not_modified"]) == (0, 0, 24)

    ids = site.article_ids()
    # Listed articles of both templates (the feeds show the newest ten).
    truth = {a["id"]: a for a in site.truth()["articles"]}
    wp = [i for i in reversed(ids) if truth[i]["template"] == "wp"][:2]
    jsonld = [i for i in reversed(ids) if truth[i]["template"] == "jsonld"][:1]
    edited = wp + jsonld
    inserted = {i: site.edit_body(i) for i in edited}
    body_edit = crawl(config, db_url)
    assert (body_edit["versions_new"], body_edit["not_modified"]) == (3, 21)

    retitled = jsonld[0]
    new_title = site.edit_title(retitled)
    title_edit = crawl(config, db_url)
    assert title_edit["versions_new"] == 1

    site.edit_boilerplate()
    boilerplate = crawl(config, db_url)
    # New bytes everywhere (new ETags, so no 304s): extracted, compared, unchanged.
    assert (boilerplate["versions_new"], boilerplate["unchanged"]) == (0, 24)

    site.revert(wp[0])
    reverted = crawl(config, db_url)
    assert reverted["versions_new"] == 1

    with Archive(db_url) as archive:
        for article_id in edited:
            history = archive.versions(truth[article_id]["url"])
            assert history[1].changed == ("text",)
            assert normalize(inserted[article_id]) in normalize(history[1].text)
            assert normalize(inserted[article_id]) not in normalize(history[0].text)
        titled = archive.versions(truth[retitled]["url"])
        assert [v.changed for v in titled] == [(), ("text",), ("title",)]
        assert titled[-1].title == new_title
        reverted_history = archive.versions(truth[wp[0]]["url"])
        assert len(reverted_history) == 3
        assert reverted_history[2].content_hash == reverted_history[0].content_hash
        assert archive.stats()["versions"] == 24 + 3 + 1 + 1


def test_every_address_of_an_article_finds_it(site: NewsSite, archived: Path, db_url: str) -> None:
    for article_id in site.article_ids():
        canonical = site.url(article_id)
        variants = [
            canonical + "?utm_source=newsletter&utm_medium=email",
            canonical + "#comments",
            site.url(article_id, "amp"),
            site.url(article_id, "print"),
        ]
        for variant in variants[:1] + variants[2:]:
            result = archiver("show", variant, "--json", db=db_url)
            assert result.code == 0, result.stderr
            assert result.json()["url"] == canonical
        break  # the CLI path once; the API for every article below
    with Archive(db_url) as archive:
        for article_id in site.article_ids():
            canonical = site.url(article_id)
            for kind in ("amp", "print"):
                assert archive.show(site.url(article_id, kind)).url == canonical
            assert archive.show(canonical + "?fbclid=abc#top").url == canonical


def test_show_at_and_the_json_contracts(site: NewsSite, db_url: str, tmp_path: Path) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    article_id = site.article_ids()[-1]
    url = site.url(article_id)
    crawl(config, db_url)
    site.edit_body(article_id)
    crawl(config, db_url)

    listing = archiver("versions", url, "--json", db=db_url)
    assert listing.code == 0, listing.stderr
    versions = listing.json()
    assert [v["version"] for v in versions] == [1, 2]
    assert set(versions[0]) == {
        "version",
        "first_seen_at",
        "content_hash",
        "title",
        "changed",
        "cause",
        "silent",
        "significance",
        "extractor",
        "duplicate_of",
    }
    assert versions[0]["duplicate_of"] is None
    assert versions[0]["changed"] == []
    assert versions[1]["changed"] == ["text"]
    assert [v["cause"] for v in versions] == ["first", "edit"]
    first, second = versions[0]["first_seen_at"], versions[1]["first_seen_at"]
    assert first < second

    before = archiver("show", url, "--at", "2000-01-01T00:00:00Z", db=db_url)
    assert before.code == 1
    assert len(before.stderr.strip().splitlines()) == 1
    for moment, expected in ((first, 1), (second, 2), ("2100-01-01", 2)):
        shown = archiver("show", url, "--at", moment, "--json", db=db_url)
        assert shown.code == 0, shown.stderr
        assert shown.json()["version"] == expected
    beyond = archiver("show", url, "--version", "3", db=db_url)
    assert (beyond.code, beyond.stderr.count("\n")) == (1, 1)
    assert "versions 1 to 2, not 3" in beyond.stderr
    between = archiver("show", url, "--version", "1", "--json", db=db_url).json()
    assert set(between) >= {
        "url",
        "version",
        "versions",
        "title",
        "author",
        "published_at",
        "text",
        "first_seen_at",
    }
    assert (between["version"], between["versions"], between["url"]) == (1, 2, url)

    stats = archiver("stats", "--json", db=db_url).json()
    assert (stats["articles"], stats["versions"], stats["runs"]) == (24, 25, 2)
    assert stats["checks"] == 48


@pytest.mark.parametrize("patterns", [True, False], ids=["patterns", "markup"])
def test_discovery_without_feeds_finds_sitemaps_in_robots_txt(
    site: NewsSite, db_url: str, tmp_path: Path, patterns: bool
) -> None:
    """Start pages alone, with or without URL patterns: robots.txt leads to the sitemaps (where
    the oldest articles are listed), and page markup tells articles from sections and about
    pages when no article_pattern is given."""
    config = sources_file(
        tmp_path / "archiver.toml", site.base_url, feeds=False, sitemaps=False, patterns=patterns
    )
    summary = crawl(config, db_url)
    truth = site.truth()
    reachable = [a for a in live_articles(truth) if set(a["discovered_via"]) - {"feed", "atom"}]
    assert summary["articles_new"] == len(reachable)
    with Archive(db_url) as archive:
        assert archive.stats()["articles"] == len(reachable)
        for article in reachable:
            assert archive.show(article["url"]).title == article["title"]
        for url in truth["non_article_urls"]:
            with pytest.raises(NotFound):
                archive.show(url)
    assert any("archive_sitemap" in a["discovered_via"] for a in reachable)


def test_scrapy_crawl_works_from_the_project_root(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    scrapy(config, db_url, "crawl", "archive", "-a", "source=riverside")
    with Archive(db_url) as archive:
        assert archive.stats()["articles"] == 24
        run = archive.crawl_run(1)
        assert (run.source, run.kind, run.finish_reason) == ("riverside", "discover", "finished")
        assert run.stats["articles_new"] == 24


def test_fetch_archives_given_urls_and_follows_canonical_links(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    first, second = site.article_ids()[-2:]
    result = archiver(
        "fetch",
        site.url(first),
        site.url(second, "amp") + "?utm_source=x",
        "--json",
        *FAST_FLAGS,
        db=db_url,
    )
    assert result.code == 0, result.stderr
    summary = result.json()
    assert (summary["articles_new"], summary["aliases"]) == (2, 1)
    assert summary["runs"][0]["kind"] == "adhoc"
    with Archive(db_url) as archive:
        assert archive.show(site.url(second)).url == site.url(second)
        assert archive.stats()["articles"] == 2
    missing = archiver("fetch", site.base_url + "/2026/01/01/no-such-story/", "--json", db=db_url)
    assert missing.code == 0  # the run happened; the failure is a counted outcome
    assert missing.json()["failed"] == {"http_404": 1}

    # Filed under a source, a fetch is still only that page, not a crawl of the source.
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    third = site.article_ids()[0]
    filed = archiver("fetch", "--source", "riverside", site.url(third), config=config, db=db_url)
    assert filed.code == 0, filed.stderr
    with Archive(db_url) as archive:
        assert archive.stats() | {"checks": 0} == {
            "articles": 3,
            "versions": 3,
            "checks": 0,
            "runs": 3,
            "urls": archive.stats()["urls"],
            "sources": 1,
        }


def test_redirects_and_offsite_hops_end_in_counted_outcomes(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    # Crawled here, not copied (``archived``): the site's counts include the crawl's requests.
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    crawl(config, db_url)
    ids = site.article_ids()
    moved, target, away = ids[-1], ids[-2], ids[-3]
    moved_url, away_url = site.url(moved), site.url(away)
    site.redirect(moved, to=target)
    # A host the fetch was not asked for (a name that never resolves: were the hop followed,
    # it would fail as a DNS error, not pass).
    site.redirect(away, to=away_url.replace("127.0.0.1", "news.example.invalid"))
    result = archiver("fetch", moved_url, away_url, "--json", *FAST_FLAGS, db=db_url)
    assert result.code == 0, result.stderr[-2000:]
    summary = result.json()
    assert summary["urls"] == summary["requests"] == 2
    assert summary["rejected"] == {"offsite": 1}
    assert summary["unchanged"] == 1  # the target, reached through the redirect
    assert site.statuses[(away_url.removeprefix(site.base_url), 301)] == 1
    assert site.requests[away_url.removeprefix(site.base_url)] == 2  # crawl, then fetch
    with Archive(db_url) as archive:
        assert archive.stats()["versions"] == 24
        # Still the moved story's own article: an address keeps the article it was first seen
        # for (following moves is the revisit's job).
        assert archive.show(moved_url).url == moved_url


def test_crawling_all_sources_at_once_shares_articles_without_doubling(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    """Two sources over the same site, crawled together in one process: every article is
    fetched by both at about the same time, and still stored once."""
    config = tmp_path / "archiver.toml"
    sources_file(tmp_path / "a.toml", site.base_url, name="by-feed", sitemaps=False, start=False)
    sources_file(tmp_path / "b.toml", site.base_url, name="by-pages", feeds=False)
    config.write_text((tmp_path / "a.toml").read_text() + (tmp_path / "b.toml").read_text())
    summary = crawl(config, db_url, "--all")
    assert {run["source"] for run in summary["runs"]} == {"by-feed", "by-pages"}
    assert all(run["finish_reason"] == "finished" for run in summary["runs"])
    assert summary["failed"] == {}
    assert summary["articles_new"] + summary["unchanged"] >= 24 + 12
    with Archive(db_url) as archive:
        assert archive.stats()["articles"] == 24
        assert archive.stats()["versions"] == 24


def test_a_redirect_loop_is_a_counted_failure(site: NewsSite, sqlite_url: str) -> None:
    article_id = site.article_ids()[-1]
    looping = site.url(article_id, "print")
    site.redirect(article_id, to=looping)  # every copy now redirects to the print copy
    result = archiver("fetch", looping, "--json", *FAST_FLAGS, db=sqlite_url)
    assert result.code == 0, result.stderr[-2000:]
    assert result.json()["failed"] == {"too_many_redirects": 1}
    assert site.requests[looping.removeprefix(site.base_url).split("?")[0]] == 11  # 1 + 10 hops
