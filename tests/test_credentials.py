"""Database credentials never leave the URL they were given in: not to logs, messages, crawl
summaries or the crawl_runs table (Postgres: SQLite URLs carry none)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from storage import Archive
from storage.models import CrawlRun
from tests.crawling import archiver, sources_file
from tests.daemons import daemon, runs, wait_for
from tests.site import NewsSite

pytestmark = pytest.mark.e2e

# Trust authentication on the tests' server accepts any password, so a crawl given one runs.
SECRET = "s3cret-Pa55word"


def test_a_password_in_the_database_url_never_shows(
    postgres_url: str, site: NewsSite, tmp_path: Path
) -> None:
    url = make_url(postgres_url).set(password=SECRET).render_as_string(hide_password=False)
    config = sources_file(
        tmp_path / "archiver.toml", site.base_url, extra='schedule = "every 1h"\nrevisit = ["1h"]'
    )
    # The daemon, which hands the URL to its runs (through their environment) and logs theirs.
    with daemon(config, url, tmp_path / "daemon.log") as process:
        wait_for("the daemon's first run", lambda: len(runs(postgres_url)) == 1)
        wait_for("its end", lambda: all(r.finished_at for r in runs(postgres_url)))
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert "daemon started" in process.text()
    outputs = [process.text()]
    crawled = archiver("crawl", "riverside", "--json", config=config, db=url)
    assert crawled.code == 0, crawled.stderr[-3000:]
    assert "INFO" in crawled.stderr  # the log was written, and read here
    outputs += [crawled.stdout, crawled.stderr]
    for command in (
        ("runs", "--json"),
        ("stats",),
        ("versions", site.url(site.article_ids()[0])),
        ("db", "check"),
    ):
        shown = archiver(*command, db=url)
        assert shown.code == 0, shown.stderr
        outputs += [shown.stdout, shown.stderr]
        if command == ("stats",):
            assert "postgres:***@127.0.0.1" in shown.stdout  # it names the database, masked
    # The server is away: the error names it, not the password.
    away = make_url(url).set(port=9).render_as_string(hide_password=False)
    failed = archiver("crawl", "riverside", config=config, db=away)
    assert failed.code == 1
    assert "127.0.0.1:9" in failed.stderr
    outputs += [failed.stdout, failed.stderr]
    with Archive(postgres_url) as archive, archive.session() as session:
        rows = session.scalars(select(CrawlRun)).all()
        assert rows
        outputs += [
            repr({c.key: getattr(run, c.key) for c in CrawlRun.__mapper__.columns}) for run in rows
        ]
    leaks = [output for output in outputs if SECRET in output]
    assert not leaks, leaks[0][:2000]
