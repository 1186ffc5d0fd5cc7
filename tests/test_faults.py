"""Faults, on SQLite and Postgres: crawls killed at random moments, a database that goes away
mid-crawl, two crawls writing at once, a full disk. Nothing stored is lost, doubled or left
half-written; every failure is a clear message."""

from __future__ import annotations

import json
import random
import re
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from storage import Archive, NotFound
from storage.engine import sqlite_path
from tests.crawling import archiver, crawl, sources_file
from tests.daemons import runs as daemon_runs
from tests.daemons import wait_for
from tests.faults import (
    CrawlProcess,
    TcpProxy,
    check_consistent,
    fill,
    outage,
    versions,
)
from tests.report import Report
from tests.site import NewsSite, serve

pytestmark = pytest.mark.faults

KILLS = 20
# Longer than SQLite's busy timeout (30 s), so that there too the writer's own retries, not
# just the driver's wait for the lock, carry the crawl through.
OUTAGE = 40.0


def archived(archive: Archive, url: str) -> bool:
    try:
        archive.show(url)
    except NotFound:
        return False
    return True


def test_kill_9_at_20_random_moments_loses_and_doubles_nothing(
    db_url: str, second_db_url: str, tmp_path: Path, report: Report, seed: int
) -> None:
    """Crawls of one archive are killed (SIGKILL, workers and all) at random moments and
    started again, the site changing between them; an uninterrupted crawl of the same site
    into another archive is the reference. After a last crawl runs to completion both hold
    exactly the same versions: none lost, none doubled; the archive is whole after every kill.
    """
    # The kill moments come from the run's seed (in the header; ARCHIVER_TEST_SEED replays).
    rng = random.Random(seed)
    with serve(NewsSite.generated(150, seed=7)) as site:
        config = sources_file(tmp_path / "archiver.toml", site.base_url, max_depth=3)
        started = time.monotonic()
        crawl(config, second_db_url)  # the reference sees the first state of the site
        span = time.monotonic() - started
        edited: set[str] = set()
        kills = runs = 0
        while kills < KILLS:
            runs += 1
            assert runs <= 3 * KILLS, f"only {kills} kills landed in {runs} runs (seed {seed})"
            process = CrawlProcess(config, db_url, tmp_path / f"run{runs}.log", "riverside")
            started = time.monotonic()
            # The kill moment: anywhere from start-up to as long as a whole crawl takes.
            try:
                process.process.wait(timeout=rng.uniform(0.3, span))
            except subprocess.TimeoutExpired:
                process.kill()
                kills += 1
            else:  # it finished first: a complete run, not a kill
                # Crawls grow quicker as the archive fills (304s): the next kill moment is
                # drawn from how long a whole crawl takes now.
                span = max(1.0, time.monotonic() - started)
                code, _, log = process.finish()
                assert code == 0, log[-3000:]
            check_consistent(db_url)
            # The site moves on: new stories, and edits of stories already archived (each
            # edited once, so that the reference, crawling only the first and last states of
            # the site, must see every version too).
            with Archive(db_url) as archive:
                for article_id in [a for a in site.article_ids() if a not in edited]:
                    if archived(archive, site.url(article_id)):
                        site.edit_body(article_id)
                        edited.add(article_id)
                        if len(edited) % 3 == 0:
                            break
            site.publish()
        # A killed crawl's run stays open until its heartbeat is a few beats old; then the
        # next run of the source finds it stale and closes it.
        wait_for(
            "the killed runs to go stale",
            lambda: all(r.state() != "running" for r in daemon_runs(db_url)),
            timeout=60,
        )
        crawl(config, db_url)
        crawl(config, second_db_url)
    check_consistent(db_url)
    reference, killed = versions(second_db_url), versions(db_url)
    lost = sum((reference - killed).values())
    doubled = sum(killed.values()) - len(killed) + len(set(killed) - set(reference))
    report.killed(kills, lost, doubled)
    assert len(reference) == 150 + runs + len(edited), len(reference)
    assert (lost, doubled) == (0, 0), f"seed {seed}: {lost} lost, {doubled} doubled"
    with Archive(db_url) as archive:
        assert archive.stats()["articles"] == 150 + runs
    # Each killed run was found stale and closed by a later run of the source (a kill may
    # land before a run began, or after it ended).
    reasons = Counter(run.finish_reason for run in daemon_runs(db_url))
    assert set(reasons) == {"interrupted", "finished"}, reasons
    assert reasons["interrupted"] <= kills, reasons
    assert reasons["finished"] >= runs - kills + 1, reasons


def test_the_database_away_for_40_s_mid_crawl_loses_nothing(db_url: str, tmp_path: Path) -> None:
    """Postgres restarted (every connection terminated, new ones refused for 40 s) or the
    SQLite file held under an exclusive lock for 40 s, while a crawl is storing articles:
    the writer retries with backoff, and the run ends with every article stored once."""
    proxy = None
    crawl_url = db_url
    if sqlite_path(db_url) is None:
        server = make_url(db_url)
        proxy = TcpProxy((server.host or "127.0.0.1", server.port or 5432))
        crawl_url = server.set(port=proxy.port).render_as_string(hide_password=False)
    with serve(NewsSite.generated(150, seed=3)) as site, Archive(db_url) as archive:
        config = sources_file(tmp_path / "archiver.toml", site.base_url)
        process = CrawlProcess(config, crawl_url, tmp_path / "crawl.log", "riverside")
        wait_for("the first articles", lambda: archive.stats()["articles"] >= 20)
        with outage(db_url, proxy):
            stored = archive.stats()["articles"]
            assert stored < 150, "the outage began after the crawl had stored everything"
            time.sleep(OUTAGE)  # the outage itself: the crawl must ride it out
            assert archive.stats()["articles"] == stored  # nothing got through meanwhile
        code, out, log = process.finish()
    if proxy is not None:
        proxy.close()
    assert code == 0, log[-3000:]
    assert "archive write retried" in log
    summary = json.loads(out)
    assert summary["failed"] == {}, summary
    assert summary["articles_new"] == 150
    assert [run["finish_reason"] for run in summary["runs"]] == ["finished"]
    check_consistent(db_url)
    with Archive(db_url) as archive:
        assert archive.stats()["articles"] == archive.stats()["versions"] == 150


def test_two_crawls_writing_one_archive_at_once_double_nothing(db_url: str, tmp_path: Path) -> None:
    """Two ``archiver crawl`` processes, started together, of two sources that find the same
    articles (one through the sitemaps, one through the section pages): each article is stored
    once, by one of them, and neither trips over the other's lock."""
    with serve(NewsSite.generated(150, seed=5)) as site:
        config = tmp_path / "archiver.toml"
        sitemaps = sources_file(
            tmp_path / "a.toml", site.base_url, name="by-sitemap", feeds=False, start=False
        )
        pages = sources_file(
            tmp_path / "b.toml",
            site.base_url,
            name="by-pages",
            feeds=False,
            sitemaps=False,
            max_depth=3,
        )
        config.write_text(sitemaps.read_text() + pages.read_text())
        crawls = [
            CrawlProcess(config, db_url, tmp_path / f"{name}.log", name)
            for name in ("by-sitemap", "by-pages")
        ]
        finished = [process.finish() for process in crawls]
        # The site's stories, but for those behind robots.txt.
        public = len(site.article_ids()) - len(site.truth()["private_urls"])
    summaries = []
    for code, out, log in finished:
        assert code == 0, log[-3000:]
        assert "database is locked" not in log
        # A Postgres deadlock between the two (each inserting articles the other also found)
        # may be retried, but no write may fail for good.
        assert "archive write of" not in log
        summaries.append(json.loads(out))
    assert [s["failed"] for s in summaries] == [{}, {}], summaries
    # Every article was new to exactly one of the two crawls, and seen unchanged by the other
    # when both found it.
    assert sum(s["articles_new"] for s in summaries) == public, json.dumps(summaries)
    assert all(s["articles_new"] + s["unchanged"] == public for s in summaries), summaries
    check_consistent(db_url)
    with Archive(db_url) as archive:
        assert archive.stats()["articles"] == archive.stats()["versions"] == public


def test_a_full_disk_stops_the_run_cleanly_and_the_next_run_recovers(
    small_disk_db_url: tuple[str, Path], site: NewsSite, tmp_path: Path
) -> None:
    """The archive's disk fills up mid-crawl: the run stops with a one-line error naming the
    cause, nothing half-written is left, and once space is freed the next run stores
    everything the failed one missed."""
    db_url, disk = small_disk_db_url
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    filler = fill(disk, leave_kib=512)
    result = archiver("crawl", "riverside", config=config, db=db_url)
    assert result.code == 1, result.stderr[-3000:]
    last_line = result.stderr.strip().splitlines()[-1]
    # Mid-crawl, or already when the command makes the run's row: on a busy machine the
    # database's own background writes may take the last of the space before the crawl.
    assert re.search(r"the archive database (failed|at \S+ refused the write)", last_line), (
        last_line
    )
    full = "database or disk is full" if sqlite_path(db_url) else "No space left on device"
    assert full in last_line, last_line
    filler.unlink()
    check_consistent(db_url)
    with Archive(db_url) as archive:
        stored = archive.stats()["articles"]
    assert stored < 24
    summary = crawl(config, db_url)
    assert summary["articles_new"] == 24 - stored
    assert summary["failed"] == {}
    check_consistent(db_url)
    with Archive(db_url) as archive:
        assert archive.stats()["articles"] == archive.stats()["versions"] == 24
