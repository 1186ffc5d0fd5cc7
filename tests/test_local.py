"""LocalRunner (schedules.local), the daemon's way of starting runs on this machine: the
crawl records into the run the daemon made, a time limit stops it, a kill ends it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from schedules.local import LocalRunner
from schedules.runner import RunEnd, RunOrder
from storage import Archive
from tests.crawling import sources_file
from tests.daemons import runs, wait_for
from tests.site import NewsSite

pytestmark = pytest.mark.daemon


def runner(config: Path, db_url: str) -> LocalRunner:
    return LocalRunner(
        [sys.executable, "-m", "scraper.cli", "--config", str(config), "--db", db_url]
    )


def start(
    config: Path, db_url: str, limit: float, *, grace: float = 10, kill_when_running: bool = False
) -> RunEnd:
    with Archive(db_url, write=True) as archive:
        order = RunOrder(archive.start_run("riverside", "discover"), "riverside", "discover")

    async def go() -> RunEnd:
        crawl = await runner(config, db_url).start(order)
        if kill_when_running:
            await asyncio.to_thread(
                wait_for, "the crawl to claim its run", lambda: runs(db_url)[0].claimed
            )
            crawl.kill()
        return await crawl.wait(limit, grace)

    return asyncio.run(go())


def test_a_run_is_crawled_into_the_run_the_daemon_made(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    end = start(sources_file(tmp_path / "archiver.toml", site.base_url), db_url, limit=120)
    assert (end.ok, end.detail, end.stopped, end.killed) == (
        True,
        "exited with code 0",
        None,
        False,
    )
    assert end.summary is not None
    assert end.summary["articles_new"] == 24
    [run] = runs(db_url)
    assert (run.finish_reason, run.claimed, run.stats["articles_new"]) == ("finished", True, 24)


def test_past_its_limit_a_run_is_stopped_and_a_killed_one_says_so(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    # The start page answers after 10 s: past the limit, within the grace period. A crawl
    # stopped by SIGINT finishes the downloads it has started, then closes its run itself.
    site.hang("/", 10)
    stopped = start(config, db_url, limit=4, grace=30)
    assert (stopped.stopped, stopped.killed) == ("time_limit", False)
    assert runs(db_url)[0].finish_reason == "shutdown"  # Scrapy's reason for a SIGINT
    site.hang("/", 60)
    killed = start(config, db_url, limit=120, kill_when_running=True)
    assert (killed.ok, killed.detail) == (False, "was killed by signal 9")
    assert runs(db_url)[1].finished_at is None  # left for whoever waited for it (the daemon)
