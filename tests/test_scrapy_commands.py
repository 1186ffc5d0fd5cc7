"""Scrapy's own commands on the archive spider, as a Scrapy user runs them from the project
folder: ``scrapy crawl archive -o FILE`` writes one row per archived page, ``scrapy parse``
shows what the spider makes of a page; with the real test site, on SQLite and Postgres."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage import Archive
from tests.crawling import scrapy, sources_file
from tests.site import NewsSite

pytestmark = pytest.mark.e2e

FIELDS = {"url", "title", "version", "outcome", "changed"}


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_feed_export_has_one_row_per_archived_page(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    first = tmp_path / "first.jsonl"
    scrapy(config, db_url, "crawl", "archive", "-a", "source=riverside", "-o", str(first))
    with Archive(db_url) as archive:
        titles = {url: archive.show(url).title for url in (site.url(i) for i in site.article_ids())}
    written = rows(first)
    assert all(set(row) == FIELDS for row in written)  # pages only: no aliases, no bytes
    assert {row["url"]: row["title"] for row in written} == titles
    assert len(written) == 24
    assert {(row["outcome"], row["version"]) for row in written} == {("article_new", 1)}

    edited = site.article_ids()[-1]
    site.edit_body(edited)
    again = tmp_path / "revisit.jsonl"
    revisit = ("-a", "source=riverside", "-a", "kind=revisit", "-a", "everything=1")
    scrapy(config, db_url, "crawl", "archive", *revisit, "-O", str(again))
    by_url = {row["url"]: row for row in rows(again)}
    assert len(by_url) == 24
    assert by_url.pop(site.url(edited)) == {
        "url": site.url(edited),
        "title": titles[site.url(edited)],
        "version": 2,
        "outcome": "version_new",
        "changed": ["text"],
    }
    # Re-checks that needed no reading: no title read, no version looked up.
    assert {(r["outcome"], r["title"], r["version"]) for r in by_url.values()} == {
        ("not_modified", None, None)
    }


def test_scrapy_parse_shows_the_page_and_stores_nothing(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    url = site.url(site.article_ids()[0])
    shown = scrapy(config, db_url, "parse", "--spider", "archive", url)
    assert "# Scraped Items" in shown.stdout
    assert f"'url_key': '{url}'" in shown.stdout
    with_source = scrapy(
        config, db_url, "parse", "--spider", "archive", "-a", "source=riverside", url
    )
    assert f"'url_key': '{url}'" in with_source.stdout
    with Archive(db_url) as archive:
        assert archive.stats()["articles"] == 0
        runs = [archive.crawl_run(n) for n in (1, 2)]
    assert [(r.source, r.kind, r.finish_reason) for r in runs] == [
        (None, "adhoc", "finished"),
        ("riverside", "adhoc", "finished"),
    ]
    assert all(r.stats["rejected"] == {"scrapy_parse": 1} for r in runs)
