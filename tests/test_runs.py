"""Run bookkeeping (storage.runs): made by the caller, claimed by its crawl, stale when its
heartbeat stops, closed once; on SQLite and Postgres."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from storage import Archive, ArchiveError, runs
from storage.models import CrawlRun, utcnow


def age(db_url: str, run_id: int, seconds: float) -> None:
    """Make the run's last heartbeat *seconds* old, as if its crawl had stopped then."""
    with Archive(db_url) as archive, archive.session() as session:
        session.execute(
            update(CrawlRun)
            .where(CrawlRun.id == run_id)
            .values(heartbeat_at=utcnow() - timedelta(seconds=seconds))
        )


def claim(db_url: str, run_id: int, source: str | None = "riverside", beat: float = 2.0) -> None:
    with Archive(db_url) as archive, archive.session() as session:
        runs.claim_run(session, run_id, source=source, pid=4242, host="crawl1", heartbeat=beat)


def test_a_run_is_starting_then_running_then_stale_once_its_heartbeat_stops(db_url: str) -> None:
    with Archive(db_url) as archive:
        run_id = archive.start_run("riverside", "discover", heartbeat=2.0)
        made = archive.crawl_run(run_id)
    assert (made.state(), made.claimed, made.pid, made.host) == ("starting", False, 0, "")
    claim(db_url, run_id)
    with Archive(db_url) as archive:
        claimed = archive.crawl_run(run_id)
    assert (claimed.state(), claimed.pid, claimed.host) == ("running", 4242, "crawl1")
    # Three beats of 2 s: alive at 5 s, stale at 7 s.
    assert claimed.state(claimed.heartbeat_at + timedelta(seconds=5)) == "running"
    assert claimed.state(claimed.heartbeat_at + timedelta(seconds=7)) == "stale"
    assert claimed.as_json()["state"] == "running"


def test_only_stale_runs_are_closed_and_only_once(db_url: str) -> None:
    with Archive(db_url) as archive:
        dead, alive, other, adhoc = (
            archive.start_run("riverside", "discover", heartbeat=2.0),
            archive.start_run("riverside", "revisit", heartbeat=2.0),
            archive.start_run("courier", "discover", heartbeat=2.0),
            archive.start_run(None, "adhoc", heartbeat=2.0),
        )
    for run_id in (dead, other, adhoc):
        age(db_url, run_id, 60)
    age(db_url, alive, 3)  # a beat and a half late: not stale yet
    with Archive(db_url) as archive:
        assert [run.id for run in archive.close_stale_runs("riverside")] == [dead]
        assert archive.close_stale_runs("riverside") == []  # closed once
        assert [run.id for run in archive.close_stale_runs()] == [other, adhoc]
        states = {run_id: archive.crawl_run(run_id) for run_id in (dead, alive, other, adhoc)}
    assert states[dead].finish_reason == states[adhoc].finish_reason == runs.INTERRUPTED
    assert states[alive].state() == "starting"  # made, not claimed: open, not stale


def test_a_run_is_claimed_only_by_a_crawl_of_its_source_while_it_is_open(db_url: str) -> None:
    with Archive(db_url) as archive:
        run_id = archive.start_run("riverside", "discover")
    with pytest.raises(ArchiveError, match="a run of riverside, not of courier"):
        claim(db_url, run_id, source="courier")
    with pytest.raises(ArchiveError, match="no crawl run 999"):
        claim(db_url, 999)
    with Archive(db_url) as archive:
        assert archive.close_run(run_id, runs.INTERRUPTED)
        assert not archive.close_run(run_id, runs.CRASHED)  # closed already: kept as it was
    with pytest.raises(ArchiveError, match=r"over already \(interrupted\)"):
        claim(db_url, run_id)


def test_a_crawl_that_was_alive_after_all_records_its_own_end(db_url: str) -> None:
    """A database outage can hold up heartbeats until a run looks stale; when its crawl then
    ends, the crawl's finish reason and counts win."""
    with Archive(db_url) as archive:
        run_id = archive.start_run("riverside", "discover", heartbeat=2.0)
    claim(db_url, run_id)
    age(db_url, run_id, 60)
    with Archive(db_url) as archive:
        assert [run.id for run in archive.close_stale_runs()] == [run_id]
        with archive.session() as session:
            runs.save_progress(session, run_id, {"articles_new": 3}, "finished")
        final = archive.crawl_run(run_id)
    assert (final.finish_reason, final.stats, final.state()) == (
        "finished",
        {"articles_new": 3},
        "finished",
    )
