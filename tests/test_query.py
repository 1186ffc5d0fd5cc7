"""Asking the archive: search, timeline, diff and exports, on SQLite and Postgres."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from datasette.utils import detect_fts
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from storage import Archive, NotFound
from storage.blobs import get_blob
from storage.content import Content, normalize
from storage.export import FIELDS, FIELDS_URN, rows
from storage.models import Article, Version, utcnow
from storage.records import Page, Reading
from storage.search import search
from storage.store import store_fetch
from storage.writer import Writer
from tests.crawling import archiver, crawl, sources_file
from tests.site import NewsSite

pytestmark = pytest.mark.e2e

PHRASE = "the floodgates of the old quay were welded shut in 1987"


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", text)}


def test_search_finds_edited_out_phrases_only_among_all_versions(
    site: NewsSite, archived: Path, db_url: str
) -> None:
    config = archived
    article = site.article_ids()[-1]
    site.edit_body(article, f"An archivist noted that {PHRASE}.")
    crawl(config, db_url)
    site.revert(article)  # the sentence is gone again from the live page
    crawl(config, db_url)
    quoted = f'"{PHRASE}"'

    latest = archiver("search", quoted, "--json", db=db_url)
    assert latest.code == 0, latest.stderr
    assert latest.json() == []
    every = archiver("search", quoted, "--all-versions", "--json", db=db_url).json()
    assert [(hit["url"], hit["version"]) for hit in every] == [(site.url(article), 2)]
    assert set(every[0]) == {
        "url",
        "title",
        "version",
        "first_seen_at",
        "published_at",
        "snippet",
        "score",
    }
    assert "**" in every[0]["snippet"]  # the match is marked
    assert "floodgates" in every[0]["snippet"]

    # --since and --until select by when a version was first seen.
    with Archive(db_url) as archive:
        seen = archive.versions(site.url(article))[1].first_seen_at
        assert archive.search(quoted, all_versions=True, since=seen).hits
        assert not archive.search(quoted, all_versions=True, since=seen + timedelta(seconds=1)).hits
        assert not archive.search(quoted, all_versions=True, until=seen).hits
        assert archive.search(quoted, all_versions=True, until=seen + timedelta(seconds=1)).hits
        assert archive.search(quoted, all_versions=True, source="riverside").hits
        # A source the archive does not hold is an error, not an empty answer.
        with pytest.raises(NotFound, match="no source 'elsewhere'"):
            archive.search(quoted, all_versions=True, source="elsewhere")


def test_a_title_match_ranks_above_a_passing_mention(
    site: NewsSite, archived: Path, db_url: str
) -> None:
    articles = [a for a in site.truth()["articles"] if a["state"] == "live"]
    # A word of one article's title that another article only mentions in its body.
    pairs = [
        (word, titled, mentioned)
        for titled in articles
        for word in sorted(_words(titled["title"]))
        if len(word) > 6
        for mentioned in articles
        if mentioned is not titled
        and word not in _words(mentioned["title"])
        and word in _words(" ".join(mentioned["paragraphs"]))
        and sum(word in _words(a["title"]) for a in articles) == 1
    ]
    assert pairs, "the corpus should have such a word"
    word, titled, mentioned = pairs[0]
    with Archive(db_url) as archive:
        ranked = [hit.url for hit in archive.search(word).hits]
    assert titled["url"] in ranked
    assert mentioned["url"] in ranked
    assert ranked.index(titled["url"]) < ranked.index(mentioned["url"])


def test_a_query_matching_more_than_are_ranked_ranks_its_newest_and_says_so(
    archived: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Archive(db_url) as archive, archive.session() as session:
        every = search(session, "the", limit=1000, ranked=1000)
        newest = search(session, "the", limit=1000, ranked=3)
        # Postgres looks among the newest versions first, then in the whole index.
        monkeypatch.setattr("storage.search.WINDOW", 1)
        beyond = search(session, "the", limit=1000, ranked=3)
        monkeypatch.undo()
        ids = {
            (url, number): id_
            for id_, url, number in session.execute(
                select(Version.id, Article.url, Version.number).join(Article)
            )
        }
    assert every.ranked_among is None  # all of them ranked
    assert len(every.hits) > 3
    assert newest.ranked_among == 3
    by_id = sorted(every.hits, key=lambda hit: ids[hit.url, hit.version], reverse=True)
    assert {(h.url, h.version) for h in newest.hits} == {(h.url, h.version) for h in by_id[:3]}
    assert [h.score for h in newest.hits] == sorted((h.score for h in newest.hits), reverse=True)
    assert beyond == newest

    monkeypatch.setattr("storage.search.RANKED", 3)
    result = archiver("search", "the", db=db_url)
    assert result.code == 0, result.stderr
    assert "more than 3 versions match: these are the best of the 3 newest" in result.stderr
    assert result.stdout.count("\n  http") == 3


@pytest.mark.parametrize(
    "query", ['"unbalanced quote', "OR", "council OR", "OR council", "-", "NOT", "council NOT"]
)
def test_malformed_queries_are_one_line_errors(query: str, sqlite_url: str) -> None:
    result = archiver("search", query, db=sqlite_url)
    assert result.code == 1
    assert len(result.stderr.strip().splitlines()) == 1


def test_query_text_never_reaches_sql_as_sql(site: NewsSite, archived: Path, db_url: str) -> None:
    hostile = (
        "'; DROP TABLE versions; --",
        '"\'; DROP TABLE versions; --"',
        "x' OR 1=1",
        "versions_fts MATCH *",
        "bridge) OR (1=1",
        "NEAR(bridge council) title:bridge ^bridge",
    )
    for query in hostile:
        result = archiver("search", query, "--json", db=db_url)
        # A search that runs, or a one-line refusal: never a database error.
        assert result.code in (0, 1), result.stderr
        assert len(result.stderr.strip().splitlines()) <= 1, result.stderr
    with Archive(db_url) as archive:
        assert archive.stats()["versions"] == 24


def test_diff_shows_the_inserted_sentence_and_title_edits(
    site: NewsSite, archived: Path, db_url: str
) -> None:
    config = archived
    edited, retitled = site.article_ids()[-1], site.article_ids()[-2]
    inserted = site.edit_body(edited)
    new_title = site.edit_title(retitled)
    crawl(config, db_url)

    body = archiver("diff", site.url(edited), "--json", db=db_url).json()
    assert (body["from"], body["to"]) == (1, 2)
    assert "text" in body["fields"]
    changed = [chunk for chunk in body["body"] if chunk["op"] != "equal"]
    assert [(c["op"], c["old"], normalize(c["new"])) for c in changed] == [
        ("insert", "", normalize(inserted))
    ]
    title = archiver("diff", site.url(retitled), "--json", db=db_url).json()
    assert "title" in title["fields"]
    assert "text" not in title["fields"]
    assert all(chunk["op"] == "equal" for chunk in title["body"])
    assert title["changes"]["title"]["new"] == new_title

    piped = archiver("diff", site.url(edited), db=db_url)
    assert "{+" + inserted.split()[0] in piped.stdout
    page = archiver("diff", site.url(edited), "--format", "html", db=db_url).stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "<ins>" in page
    assert inserted.split()[0] in page
    assert 'class="row added" id="change-1"' in page  # the viewer's aligned diff page
    only_one = archiver("diff", site.url(site.article_ids()[0]), db=db_url)
    assert only_one.code == 1
    assert "only one version" in only_one.stderr


def test_timeline_lists_checks_and_the_state(site: NewsSite, archived: Path, db_url: str) -> None:
    config = archived
    gone = site.article_ids()[-1]
    site.unpublish(gone, status=410)
    result = archiver("revisit", "riverside", "--everything", config=config, db=db_url)
    assert result.code == 0, result.stderr
    timeline = archiver("timeline", site.url(gone), "--json", db=db_url).json()
    assert timeline["state"] == "gone"
    assert [(c["outcome"], c["http_status"], c["version"]) for c in timeline["checks"]] == [
        ("article_new", 200, 1),
        ("gone", 410, None),
    ]
    text = archiver("timeline", site.url(gone), db=db_url).stdout
    assert "gone" in text
    assert "410" in text


TRICKY = Content(
    title='He said "no", then left; the council\'s reply',
    author="Zoë Brandt, José Núñez",
    text='Line one with "quotes", commas, and a tab\there.\nLine two: naïve café — ✓ 😀\n\nEnd.',
    tags=("politics", 'a "quoted" tag'),
    description=None,
)


def _store_tricky(db_url: str) -> None:
    writer = Writer(db_url)
    writer.call(
        store_fetch,
        Page(
            url_key="https://example.org/tricky",
            url="https://example.org/tricky",
            aliases=(),
            fetched_at=utcnow(),
            status=200,
            raw="<html><body><p>Zoë “tricky”</p></body></html>".encode(),
        ),
        Reading(content=TRICKY, encoding="utf-8", extractor="test"),
    )
    writer.close()


def _expected(db_url: str) -> list[dict[str, Any]]:
    with Archive(db_url) as archive, archive.session() as session:
        return [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
            for row in rows(session, all_versions=True)
        ]


def test_jsonl_and_csv_exports_round_trip_every_field(
    site: NewsSite, archived: Path, db_url: str, tmp_path: Path
) -> None:
    _store_tricky(db_url)
    expected = _expected(db_url)
    assert len(expected) == 25

    jsonl = tmp_path / "out.jsonl"
    result = archiver("export", "--format", "jsonl", "--all-versions", "-o", str(jsonl), db=db_url)
    assert result.code == 0, result.stderr
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == expected

    table = tmp_path / "out.csv"
    result = archiver("export", "--format", "csv", "--all-versions", "-o", str(table), db=db_url)
    assert result.code == 0, result.stderr
    with table.open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert list(read[0]) == list(FIELDS)
    for got, want in zip(read, expected, strict=True):
        for name in FIELDS:
            value = want[name]
            if isinstance(value, list):
                assert json.loads(got[name]) == value
            elif value is None:
                assert got[name] == ""
            else:
                assert got[name] == str(value), name
    tricky = next(row for row in read if row["url"] == "https://example.org/tricky")
    assert tricky["text"] == TRICKY.text
    assert tricky["title"] == TRICKY.title

    to_stdout = archiver("export", "--format", "csv", "-o", "-", db=db_url)
    assert to_stdout.stdout.startswith(",".join(FIELDS))
    assert len(list(csv.reader(io.StringIO(to_stdout.stdout)))) == 26  # latest versions only


def test_warc_export_passes_warcio_and_gives_back_the_raw_html(
    site: NewsSite, archived: Path, db_url: str, tmp_path: Path
) -> None:
    config = archived
    site.edit_body(site.article_ids()[-1])
    crawl(config, db_url)
    warc = tmp_path / "archive.warc.gz"
    result = archiver("export", "--format", "warc", "--all-versions", "-o", str(warc), db=db_url)
    assert result.code == 0, result.stderr
    warcio = str(Path(sys.executable).parent / "warcio")
    check = subprocess.run(
        [warcio, "check", "-v", str(warc)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    index = subprocess.run(
        [warcio, "index", "-f", "warc-type,warc-target-uri", str(warc)],
        capture_output=True,
        text=True,
        check=True,
    )
    kinds = [json.loads(line)["warc-type"] for line in index.stdout.splitlines()]
    assert kinds.count("response") == kinds.count("metadata") == 25

    responses: dict[str, tuple[bytes, str]] = {}
    with warc.open("rb") as stream, Archive(db_url) as archive, archive.session() as session:
        for record in ArchiveIterator(stream):
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            if record.rec_type == "warcinfo":
                info = record.content_stream().read().decode()
                assert "software: archiver " in info
                assert "conformsTo: https://iipc.github.io/" in info
            elif record.rec_type == "response":
                assert record.http_headers.get_header("ETag")  # as the site served it
                assert record.http_headers.get_statuscode() == "200"
                responses[record_id] = (
                    record.content_stream().read(),
                    record.rec_headers.get_header("WARC-Date"),
                )
            elif record.rec_type == "metadata":
                fields = json.loads(record.content_stream().read())
                raw, date = responses[record.rec_headers.get_header("WARC-Concurrent-To")]
                stored = get_blob(session, fields["blob_sha256"])
                assert stored is not None
                assert raw == stored[0]  # the very bytes that were fetched
                assert date.startswith(fields["first_seen_at"][:19])
                # Beside the page, not at its address: replay tools serve the page itself.
                target = record.rec_headers.get_header("WARC-Target-URI")
                assert target == FIELDS_URN + fields["content_hash"]


def test_the_sqlite_archive_opens_in_datasette_with_search(
    site: NewsSite, sqlite_url: str, tmp_path: Path
) -> None:
    crawl(sources_file(tmp_path / "archiver.toml", site.base_url), sqlite_url)
    path = sqlite_url.removeprefix("sqlite:///")
    connection = sqlite3.connect(path)
    try:
        assert detect_fts(connection, "versions") == "versions_fts"
        found = connection.execute(
            "select count(*) from versions join versions_fts on versions_fts.rowid = versions.id "
            "where versions_fts match ?",
            ("Tessel",),
        ).fetchone()[0]
        assert found > 0
    finally:
        connection.close()
