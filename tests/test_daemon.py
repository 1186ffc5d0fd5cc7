"""The daemon on short schedules against the local site, on SQLite and Postgres: runs on time,
never overlapping, surviving kills and stops, with nothing lost or doubled."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from storage import Archive
from storage import runs as runs_module
from storage.models import Article, Check, Version
from tests.crawling import FAST, PROJECT, archiver, child_env, sources_file
from tests.daemons import daemon, runs, wait_for
from tests.site import NewsSite

pytestmark = pytest.mark.daemon

# A source whose start page hangs for as long as the test says (see NewsSite.hang).
SLOW = """
[[sources]]
name = "slow"
feeds = ["{base}/feed/"]
start_urls = ["{base}/"]
max_depth = 0
schedule = "every 1h"
settings = {fast}
"""


def finished(db_url: str, source: str, reason: str = "finished", kind: str = "discover") -> int:
    return sum(1 for r in runs(db_url, source) if r.finish_reason == reason and r.kind == kind)


def stale(db_url: str, source: str) -> bool:
    return any(r.state() == "stale" for r in runs(db_url, source))


def running(db_url: str, source: str) -> bool:
    """Whether a crawl of *source* is going (its run made, and claimed by the crawl)."""
    return any(r.state() == "running" for r in runs(db_url, source))


def test_the_daemon_runs_sources_on_schedule_and_revisits_catch_edits(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(
        tmp_path / "archiver.toml",
        site.base_url,
        extra='schedule = "every 1h"\nrevisit = ["3s"]\nrevisit_stop = "1h"',
    )
    edited = site.article_ids()[-1]
    with daemon(config, db_url, tmp_path / "daemon.log", "--revisit-every", "1s") as process:
        wait_for("the first discovery run", lambda: finished(db_url, "riverside") == 1)
        inserted = site.edit_body(edited)
        with Archive(db_url) as archive:
            wait_for(
                "the edit to be archived", lambda: len(archive.versions(site.url(edited))) == 2
            )
            wait_for(
                "re-checks of the others",
                lambda: finished(db_url, "riverside", kind="revisit") >= 2,
            )
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    assert "catching up once" in process.text()  # never crawled: runs at start
    with Archive(db_url) as archive:
        versions = archive.versions(site.url(edited))
        assert versions[1].changed == ("text",)
        assert inserted in versions[1].text
        assert archive.stats()["versions"] == 25  # nothing else changed, nothing else stored
        with archive.session() as session:
            outcomes = Counter(session.scalars(select(Check.outcome)))
    # Untouched articles were re-checked with their validators and answered 304.
    assert outcomes["not_modified"] >= 23
    assert sum(n for (_, status), n in site.statuses.items() if status == 304) >= 23
    history = runs(db_url)
    assert all(r.finished_at is not None for r in history)
    assert Counter(r.kind for r in history)["discover"] == 1  # the next one is due in an hour
    assert {r.finish_reason for r in history} == {"finished"}


def test_runs_of_a_source_never_overlap(site: NewsSite, db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "archiver.toml"
    config.write_text(SLOW.format(base=site.base_url, fast=FAST))
    site.hang("/", 6)
    with daemon(config, db_url, tmp_path / "daemon.log") as process:
        wait_for("the daemon's run", lambda: running(db_url, "slow"))
        manual = archiver("crawl", "slow", "--json", config=config, db=db_url)
        assert manual.code == 0, manual.stderr[-2000:]
        assert manual.json()["runs"][0]["finish_reason"] == "already_running"
        assert manual.json()["requests"] == 0
        wait_for("the daemon's run to end", lambda: finished(db_url, "slow") == 1)
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    history = runs(db_url, "slow")
    assert [r.finish_reason for r in history] == ["finished", "already_running"]


def test_kill_9_mid_run_then_restart_catches_up_once_and_doubles_nothing(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "archiver.toml"
    config.write_text(SLOW.format(base=site.base_url, fast=FAST))
    site.hang("/", 60)  # the run stays open, its feed articles stored meanwhile
    with daemon(config, db_url, tmp_path / "first.log") as first:
        with Archive(db_url) as archive:
            wait_for("articles of the run", lambda: archive.stats()["articles"] >= 10)
            stored = archive.stats()
        first.signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert running(db_url, "slow")  # left open: nobody could close it
    # Its crawl died with the daemon: once its heartbeat is a few beats old it is stale.
    wait_for("the killed run to go stale", lambda: stale(db_url, "slow"), timeout=30)
    site.hang("/", 0)
    with daemon(config, db_url, tmp_path / "second.log") as second:
        wait_for("the catch-up run", lambda: finished(db_url, "slow") == 1, timeout=90)
        time.sleep(2)  # room for a second, wrong, catch-up run to start
        second.signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0
    assert "interrupted" in second.text()
    history = runs(db_url, "slow")
    assert [r.finish_reason for r in history] == ["interrupted", "finished"]
    with Archive(db_url) as archive, archive.session() as session:
        articles = session.scalar(select(func.count()).select_from(Article)) or 0
        versions = session.scalar(select(func.count()).select_from(Version)) or 0
        assert articles == versions  # one version each: none doubled
        assert articles >= stored["articles"]


def test_sigterm_during_a_run_exits_0_within_the_grace_period(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "archiver.toml"
    config.write_text(SLOW.format(base=site.base_url, fast=FAST))
    site.hang("/", 60)
    with daemon(config, db_url, tmp_path / "daemon.log", "--grace", "3s") as process:
        wait_for("a run in progress", lambda: running(db_url, "slow"))
        stopped = time.monotonic()
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        assert time.monotonic() - stopped < 3 + 8
    history = runs(db_url, "slow")
    assert len(history) == 1
    assert history[0].finished_at is not None
    assert history[0].finish_reason in ("shutdown", "killed")


def test_a_crashing_or_hanging_source_does_not_stop_the_others(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "archiver.toml"
    good = sources_file(
        tmp_path / "good.toml",
        site.base_url,
        name="good",
        start=False,  # the site's start page is what hangs
        extra='schedule = "every 1h"',
    )
    broken = (
        f'[[sources]]\nname = "broken"\nfeeds = ["{site.base_url}/feed/"]\nschedule = "every 1h"\n'
        'settings = { EXTENSIONS = { "no.such.Extension" = 1 } }\n'
    )
    stuck = SLOW.format(base=site.base_url, fast=FAST).replace('"slow"', '"stuck"')
    config.write_text(good.read_text() + broken + stuck)
    site.hang("/", 120)
    # Long enough for the good crawl (about 7 s alone on two cores, with the others beside it).
    options = ("--run-limit", "20s", "--grace", "2s")
    with daemon(config, db_url, tmp_path / "daemon.log", *options) as process:
        wait_for("the good source's run", lambda: finished(db_url, "good") == 1, timeout=90)
        wait_for(
            "the stuck run to be stopped",
            lambda: all(r.finished_at is not None for r in runs(db_url, "stuck")),
            timeout=30,
        )
        wait_for("the crash to be logged", lambda: "run of broken exited" in process.text())
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    with Archive(db_url) as archive:
        assert archive.stats()["articles"] == 24
    assert [r.finish_reason for r in runs(db_url, "stuck")] in (["shutdown"], ["killed"])
    assert "ran past its limit" in process.text()


def test_a_second_daemon_stands_by_and_doubles_no_run(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(
        tmp_path / "archiver.toml",
        site.base_url,
        sitemaps=False,
        start=False,
        max_depth=0,
        extra='schedule = "every 3s"',
    )
    with daemon(config, db_url, tmp_path / "a.log") as first:
        wait_for("the first daemon's run", lambda: finished(db_url, "riverside") >= 1)
        with daemon(config, db_url, tmp_path / "b.log") as second:
            wait_for("the standby", lambda: "standing by" in second.text(), timeout=30)
            wait_for("more runs", lambda: finished(db_url, "riverside") >= 3, timeout=60)
            first.signal(signal.SIGTERM)
            assert first.wait(timeout=20) == 0
            handover = len(runs(db_url))
            wait_for("the standby to take over", lambda: "taking over" in second.text())
            wait_for("runs after the handover", lambda: finished(db_url, "riverside") > handover)
            second.signal(signal.SIGTERM)
            assert second.wait(timeout=20) == 0
    history = runs(db_url)
    assert all(r.finish_reason == "finished" for r in history)
    # Never two runs at once: each started after the one before it had ended.
    for before, after in itertools.pairwise(history):
        assert before.finished_at is not None
        assert after.started_at >= before.finished_at
    assert len({r.pid for r in history}) == len(history)
    assert os.getpid() not in {r.pid for r in history}


def test_no_run_of_the_daemon_is_dropped_when_discovery_and_revisit_meet(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    """A 4 s schedule and 3 s re-checks, for 30 s and until three discoveries and two
    re-checks have run (however slow the machine): every run the daemon starts runs; none
    finds the source busy with another of the daemon's own."""
    config = sources_file(
        tmp_path / "archiver.toml",
        site.base_url,
        sitemaps=False,
        max_depth=1,
        extra='schedule = "every 4s"\nrevisit = ["3s"]\nrevisit_stop = "1h"',
    )

    def finished_kinds() -> Counter[str]:
        return Counter(r.kind for r in runs(db_url) if r.finish_reason == "finished")

    with daemon(config, db_url, tmp_path / "daemon.log", "--revisit-every", "3s") as process:
        began = time.monotonic()

        def status() -> Any:
            return archiver("status", "--json", config=config, db=db_url).json()

        # Its next runs are known from its first heartbeat after start (every 10 s), which
        # comes 10 s after however long the daemon took to start.
        wait_for(
            "the daemon's next runs",
            lambda: status()["sources"][0]["next_run_at"] is not None,
            timeout=25,
        )
        during = status()
        # The rest of the 30 s the issue asks the daemon to run for, and the runs it asks
        # for (each run is a child process: a few seconds each on a loaded machine).
        time.sleep(max(0.0, 30 - (time.monotonic() - began)))
        wait_for(
            "three discoveries and two re-checks",
            lambda: finished_kinds()["discover"] >= 3 and finished_kinds()["revisit"] >= 2,
            timeout=90,
        )
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    after = archiver("status", "--json", config=config, db=db_url).json()
    assert during["daemon"]["state"] == "running"
    assert during["sources"][0]["next_run_at"] is not None
    assert after["daemon"]["state"] == "stopped"
    assert after["daemon"]["heartbeat_at"] is not None
    history = runs(db_url)
    assert history[0].kind == "discover"  # the catch-up, before the first revisit
    assert "catching up once" in process.text()
    reasons = Counter(r.finish_reason for r in history)
    assert reasons[runs_module.ALREADY_RUNNING] == 0, process.text()[-3000:]
    kinds = Counter(r.kind for r in history if r.finish_reason == "finished")
    assert kinds["discover"] >= 3, history
    assert kinds["revisit"] >= 2, history
    for before, after in itertools.pairwise(history):  # one after the other, never two at once
        assert before.finished_at is not None
        assert after.started_at >= before.finished_at


def test_a_run_held_back_by_a_crawl_started_by_hand_runs_when_that_ends(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "archiver.toml"
    config.write_text(SLOW.format(base=site.base_url, fast=FAST))
    site.hang("/", 8)
    command = [sys.executable, "-m", "scraper.cli", "--config", str(config), "--db", db_url]
    manual = subprocess.Popen(
        [*command, "crawl", "slow", "--json"],
        cwd=PROJECT,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for("the crawl by hand", lambda: running(db_url, "slow"))
        with daemon(config, db_url, tmp_path / "daemon.log") as process:
            wait_for("the held-back run to be logged", lambda: "started outside" in process.text())
            assert finished(db_url, "slow") == 0
            manual.communicate(timeout=60)
            site.hang("/", 0)
            wait_for("the daemon's run", lambda: finished(db_url, "slow") == 2, timeout=60)
            process.signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0
    finally:
        manual.kill()
        manual.communicate()
    assert " WARNING: " in next(
        line for line in process.text().splitlines() if "started outside" in line
    )
    history = runs(db_url, "slow")
    assert [r.finish_reason for r in history] == ["finished", "finished"]
    assert history[1].started_at >= history[0].finished_at  # type: ignore[operator]
