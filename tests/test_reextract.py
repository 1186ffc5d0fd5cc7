"""Edits told from extractor changes (storage.store, pipelines.reextract): the local site read
under two extractor configurations, on SQLite and Postgres."""

from __future__ import annotations

import tomllib
import urllib.request
from pathlib import Path

import pytest

from pipelines.options import extractor_name
from pipelines.reader import read_page
from scraper.config import ConfigError, parse_config
from storage.records import Reading
from tests.crawling import archiver, crawl, sources_file
from tests.site import NewsSite

RECALL = (("favor_recall", True),)


def _reads_differently(site: NewsSite) -> list[str]:
    """The site's articles that trafilatura's favor_recall reads differently."""
    found = []
    for article_id in site.article_ids():
        url = site.url(article_id)
        with urllib.request.urlopen(url) as answer:  # the local site, on loopback
            body = answer.read()
        plain, recall = (read_page(body, "text/html", url, options=o) for o in ((), RECALL))
        assert isinstance(plain, Reading)
        assert isinstance(recall, Reading)
        if plain.content.content_hash != recall.content.content_hash:
            found.append(article_id)
    return found


def _recall_sources(site: NewsSite, tmp_path: Path) -> Path:
    return sources_file(
        tmp_path / "recall.toml", site.base_url, extra="extract = { favor_recall = true }"
    )


def _causes(url: str, db_url: str) -> list[str]:
    result = archiver("versions", url, "--json", db=db_url)
    assert result.code == 0, result.stderr
    return [version["cause"] for version in result.json()]


@pytest.mark.e2e
def test_a_crawl_after_switching_the_extractor_records_readings_not_edits(
    site: NewsSite, archived: Path, db_url: str, tmp_path: Path
) -> None:
    differing = _reads_differently(site)
    assert len(differing) >= 3, "the site must have pages the two configurations read apart"
    edited, *unedited = differing
    same = next(a for a in site.article_ids() if a not in differing)
    site.redeploy()  # every page's bytes change, so that every page is read again
    word = next(w for w in site.article(edited).paragraphs[1].split() if len(w) > 6 and w.isalpha())
    site.fix_word(edited, word, word.upper())  # a real edit, of one word

    summary = crawl(_recall_sources(site, tmp_path), db_url)

    assert summary["versions_new"] == 1, summary  # the one real edit
    assert summary["reread"] == len(unedited), summary
    for article_id in unedited:
        assert _causes(site.url(article_id), db_url) == ["first", "extractor"]
    assert _causes(site.url(same), db_url) == ["first"]
    # The edit comes after the re-reading of the page it edits: its diff is the edit alone.
    url = site.url(edited)
    assert _causes(url, db_url) == ["first", "extractor", "edit"]
    diff = archiver("diff", url, "--json", db=db_url).json()
    assert (diff["from"], diff["to"]) == (2, 3)
    edits = [(c["old"].strip(), c["new"].strip()) for c in diff["body"] if c["op"] != "equal"]
    assert edits == [(word, word.upper())], edits
    versions = archiver("versions", url, "--json", db=db_url).json()
    assert versions[1]["extractor"] == versions[2]["extractor"] == extractor_name(RECALL)
    assert versions[0]["extractor"] == extractor_name()
    # What changed across the archive is the edit: new readings are not changes of a page.
    changes = archiver("changes", "--json", db=db_url).json()
    assert [row["url"] for row in changes] == [url]
    assert changes[0]["cause"] == "edit"


@pytest.mark.e2e
def test_reextract_records_each_new_reading_once(
    site: NewsSite, archived: Path, db_url: str, tmp_path: Path
) -> None:
    differing = _reads_differently(site)
    recall = _recall_sources(site, tmp_path)
    articles = len(site.article_ids())

    dry = archiver("reextract", "riverside", "--dry-run", "--json", config=recall, db=db_url)
    assert dry.code == 0, dry.stderr
    assert dry.json() == {
        "versions_read": articles,
        "articles_changed": len(differing),
        "versions_new": 0,
        "up_to_date": 0,
        "failed": {},
    }
    assert _causes(site.url(differing[0]), db_url) == ["first"]  # a dry run records nothing

    first = archiver("reextract", "riverside", "--json", config=recall, db=db_url).json()
    assert first["versions_new"] == first["articles_changed"] == len(differing)
    second = archiver("reextract", "--all", "--json", config=recall, db=db_url).json()
    assert (second["versions_new"], second["articles_changed"]) == (0, 0)
    assert second["up_to_date"] == len(differing)  # read by this extractor: not read again
    for article_id in differing:
        assert _causes(site.url(article_id), db_url) == ["first", "extractor"]

    # The next crawl compares like with like: nothing new, though every page's bytes changed.
    site.redeploy()
    summary = crawl(recall, db_url)
    assert (summary["versions_new"], summary["reread"]) == (0, 0), summary

    text = archiver("reextract", "riverside", config=recall, db=db_url)
    assert text.code == 0, text.stderr
    assert "0 read differently, 0 new versions, 0 failed" in text.stdout


def test_reextract_says_what_it_needs(archived: Path, db_url: str) -> None:
    neither = archiver("reextract", config=archived, db=db_url)
    assert neither.code == 2
    assert "name one or more SOURCES, or use --all" in neither.stderr
    unknown = archiver("reextract", "nosuch", config=archived, db=db_url)
    assert unknown.code == 1
    assert "no source 'nosuch'" in unknown.stderr


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("extract = { favour_recall = true }", "unknown option 'favour_recall'"),
        ('extract = { favor_recall = "yes" }', "favor_recall must be true or false"),
        (
            "extract = { favor_recall = true, favor_precision = true }",
            "cannot both be true",
        ),
        ("extract = true", "must be a table"),
    ],
)
def test_bad_extract_options_are_one_line_errors(table: str, message: str) -> None:
    data = tomllib.loads(f'[[sources]]\nname = "a"\nstart_urls = ["https://a.example/"]\n{table}')
    with pytest.raises(ConfigError, match=message) as caught:
        parse_config(data, Path("archiver.toml"))
    assert "key 'extract'" in str(caught.value)


def test_the_options_name_the_extractor() -> None:
    assert extractor_name() != extractor_name(RECALL)
    assert extractor_name(RECALL).endswith("; favor_recall")
    assert extractor_name((("favor_recall", False),)) == extractor_name()
