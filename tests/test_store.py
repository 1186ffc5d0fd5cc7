"""The version rule and the idempotent store (DESIGN §4 rules 2 and 7), on SQLite and Postgres."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage import Archive, NotFound
from storage.blobs import get_blob
from storage.content import Content
from storage.export import rows as export_rows
from storage.models import Article, Check, HtmlBlob, Version
from storage.records import Page, Reading
from storage.runs import ensure_source
from storage.store import store_fetch
from storage.writer import Writer
from tests.crawling import archiver

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
URL = "https://example.org/2026/11/01/story/"


def fetch(
    text: str,
    *,
    title: str = "Story",
    hours: float = 0,
    url: str = URL,
    aliases: tuple[str, ...] = (),
    raw: bytes | None = None,
) -> tuple[Page, Reading]:
    page = Page(
        url_key=url,
        url=url,
        aliases=aliases,
        fetched_at=T0 + timedelta(hours=hours),
        status=200,
        raw=raw if raw is not None else f"<html>{title}{text}</html>".encode(),
    )
    content = Content(title=title, author="Ann Writer", text=text)
    return page, Reading(content=content, encoding="utf-8", extractor="test")


@pytest.fixture
def writer(db_url: str) -> Iterator[Writer]:
    w = Writer(db_url)
    yield w
    w.close()


def test_versions_follow_the_content(writer: Writer, db_url: str) -> None:
    steps = [
        (fetch("A body."), "article_new", ()),
        (fetch("A  body. ", hours=1), "unchanged", ()),  # whitespace only
        (fetch("B body.", hours=2), "version_new", ("text",)),
        (fetch("B body.", title="New title", hours=3), "version_new", ("title",)),
        (fetch("A body.", title="New title", hours=4), "version_new", ("text",)),  # a revert
    ]
    for item, outcome, changed in steps:
        stored = writer.call(store_fetch, *item)
        assert (stored.outcome, stored.changed) == (outcome, changed)
    with Archive(db_url) as archive:
        versions = archive.versions(URL)
        assert [v.number for v in versions] == [1, 2, 3, 4]
        assert versions[-1].text == "A body."
        assert archive.stats() | {"urls": 0, "sources": 0} == {
            "articles": 1,
            "versions": 4,
            "checks": 5,
            "runs": 0,
            "urls": 0,
            "sources": 0,
        }


def test_storing_the_same_fetch_twice_doubles_nothing(writer: Writer, db_url: str) -> None:
    item = fetch("Body.", aliases=(URL + "?utm_source=rss",))
    assert writer.call(store_fetch, *item).outcome == "article_new"
    # A crashed run re-fetching the same page, e.g. after a kill -9.
    assert writer.call(store_fetch, *item).outcome == "unchanged"
    with Archive(db_url) as archive, archive.session() as session:
        assert session.scalar(select(func.count()).select_from(Version)) == 1
        assert session.scalar(select(func.count()).select_from(HtmlBlob)) == 1
        assert session.scalar(select(func.count()).select_from(Check)) == 2


def test_raw_html_is_kept_compressed_and_content_addressed(writer: Writer, db_url: str) -> None:
    raw = ("<html><body>" + "café " * 2000 + "</body></html>").encode()
    writer.call(store_fetch, *fetch("One.", raw=raw))
    writer.call(store_fetch, *fetch("Two.", raw=raw, hours=1))  # new version, same bytes
    with Archive(db_url) as archive, archive.session() as session:
        blobs = session.scalars(select(HtmlBlob)).all()
        assert len(blobs) == 1
        assert len(blobs[0].data) < len(raw) / 10
        assert get_blob(session, blobs[0].sha256) == (raw, "utf-8")


def test_any_alias_finds_the_article(writer: Writer, db_url: str) -> None:
    amp = "https://example.org/2026/11/01/story/amp/"
    writer.call(store_fetch, *fetch("Body.", aliases=(amp, URL + "?utm_source=rss")))
    with Archive(db_url) as archive:
        for variant in (
            URL,
            URL + "#comments",
            URL + "?utm_medium=email&utm_source=x",
            "HTTPS://EXAMPLE.ORG:443/2026/11/01/story/",
            amp,
            amp + "?utm_source=twitter",
        ):
            assert archive.show(variant).url == URL
        with pytest.raises(NotFound):
            archive.show("https://example.org/2026/11/01/other/")


def test_show_at_returns_the_version_current_then(writer: Writer, db_url: str) -> None:
    writer.call(store_fetch, *fetch("One."))
    writer.call(store_fetch, *fetch("Two.", hours=10))
    with Archive(db_url) as archive:
        assert archive.show(URL, at=T0 + timedelta(hours=5)).number == 1
        assert archive.show(URL, at=T0 + timedelta(hours=10)).number == 2
        assert archive.show(URL, at=T0 + timedelta(days=30)).number == 2
        assert archive.show(URL, version=1).text == "One."
        with pytest.raises(NotFound, match="not archived yet"):
            archive.show(URL, at=T0 - timedelta(seconds=1))
        with pytest.raises(NotFound, match="versions 1 to 2, not 3"):
            archive.show(URL, version=3)


def test_same_content_under_two_urls_is_labelled(writer: Writer, db_url: str) -> None:
    writer.call(store_fetch, *fetch("Syndicated text."))
    other = "https://example.org/partner/story/"
    writer.call(store_fetch, *fetch("Syndicated text.", url=other))
    with Archive(db_url) as archive, archive.session() as session:
        first, second = session.scalars(select(Article).order_by(Article.id)).all()
        assert second.duplicate_of == first.id
        assert first.duplicate_of is None


def test_show_versions_and_exports_name_the_article_a_copy_duplicates(
    writer: Writer, db_url: str
) -> None:
    writer.call(store_fetch, *fetch("Syndicated text."))
    copies = [f"https://example.org/partner/{n}/story/" for n in range(50)]
    for copy in copies:
        writer.call(store_fetch, *fetch("Syndicated text.", url=copy))
    with Archive(db_url) as archive:
        assert archive.show(URL).duplicate_of is None
        for copy in copies:
            assert archive.show(copy).duplicate_of == URL
            assert [v.duplicate_of for v in archive.versions(copy)] == [URL]
        with archive.session() as session:
            exported = {row["url"]: row["duplicate_of"] for row in export_rows(session)}
    assert exported == {URL: None} | dict.fromkeys(copies, URL)
    shown = archiver("show", copies[7], db=db_url)
    assert f"the same story as {URL}" in shown.stdout
    assert archiver("show", copies[7], "--json", db=db_url).json()["duplicate_of"] == URL
    listed = archiver("versions", copies[7], "--json", db=db_url).json()
    assert listed[0]["duplicate_of"] == URL
    assert "the same story" not in archiver("show", URL, db=db_url).stdout


def test_sources_are_created_once(writer: Writer) -> None:
    first = writer.call(ensure_source, "ledger", "abc")
    assert writer.call(ensure_source, "ledger", "def") == first
    assert writer.call(ensure_source, "courier", None) != first


def test_two_processes_storing_the_same_articles_at_once_double_nothing(
    db_url: str, tmp_path: Path
) -> None:
    """Two writers (as two crawls of sources sharing articles) store the same 400 articles
    in opposite orders, in batches, at the same time: Postgres resolves the deadlocks this
    provokes by failing one transaction, SQLite makes one wait; the writer tries again."""
    script = tmp_path / "writer.py"
    script.write_text(
        "import sys, time\n"
        "from datetime import UTC, datetime\n"
        "from storage.content import Content\n"
        "from storage.records import Page, Reading\n"
        "from storage.store import store_fetch\n"
        "from storage.writer import Writer\n"
        "writer = Writer(sys.argv[1])\n"
        "order = range(400) if sys.argv[2] == 'up' else range(399, -1, -1)\n"
        "time.sleep(max(0.0, float(sys.argv[3]) - time.time()))  # start together\n"
        "futures = [writer.submit(store_fetch, Page(\n"
        "    url_key=f'https://example.org/{i}', url=f'https://example.org/{i}', aliases=(),\n"
        "    fetched_at=datetime.now(UTC), status=200, raw=f'<p>{i}</p>'.encode()),\n"
        "    Reading(content=Content(title='T', author='A', text=f'Body {i}.'),\n"
        "    encoding='utf-8', extractor='test')) for i in order]\n"
        "print(sorted({f.result().outcome for f in futures}))\n"
        "writer.close()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    start = str(time.time() + 3)
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), db_url, direction, start],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for direction in ("up", "down")
    ]
    for process in writers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-2000:]
        assert set(ast.literal_eval(out)) <= {"article_new", "unchanged"}
    with Archive(db_url) as archive:
        assert archive.stats() | {"urls": 0, "sources": 0} == {
            "articles": 400,
            "versions": 400,
            "checks": 800,
            "runs": 0,
            "urls": 0,
            "sources": 0,
        }
