"""Crawl runs (DESIGN §1): made by whoever starts one, kept alive by the crawl's heartbeat,
closed by the crawl, or found stale and closed as ``interrupted`` by whoever comes across it.

A run's row exists before its crawl does: the command line, the daemon or a dispatcher makes
it and hands its id to the crawl, which claims it (records its pid and host) and saves its
progress every ``heartbeat_every`` seconds. A crawl that dies (killed, crashed, its machine
gone) stops beating; once its heartbeat is older than STALE_AFTER_BEATS beats the run is
stale, wherever it ran. That one rule is all anybody uses to decide that a run is dead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.errors import ArchiveError, NotFound
from storage.insert_ignore import insert_ignore
from storage.models import CrawlRun, Source, utcnow

# Finish reasons of the archive's own, beside Scrapy's ("finished", "shutdown", ...): the crawl
# went away without recording its end; it found its source being crawled already; the archive
# database could not take its writes (disk full, server away for longer than the writer's
# retries).
INTERRUPTED = "interrupted"
ALREADY_RUNNING = "already_running"
STORAGE_FAILED = "storage_failed"
# Whoever started a crawl closes its run when the crawl ended without doing so: it was killed
# after its grace period, or it died (or never got going) by itself.
KILLED = "killed"
CRASHED = "crashed"
# Seconds between a running crawl's progress saves, unless it says otherwise.
DEFAULT_HEARTBEAT = 30.0
# A run whose heartbeat is older than this many of its own beats is stale: its crawl is gone.
STALE_AFTER_BEATS = 3
# A run's crawl has not claimed it yet (it records its pid and host when it does).
UNCLAIMED_PID = 0


def is_stale(heartbeat_at: datetime, heartbeat_every: float, now: datetime) -> bool:
    """Whether a run last heard of at *heartbeat_at* counts as dead at *now*."""
    return now - heartbeat_at > timedelta(seconds=STALE_AFTER_BEATS * heartbeat_every)


@dataclass(frozen=True)
class RunView:
    id: int
    source: str | None
    kind: str
    started_at: datetime
    finished_at: datetime | None
    finish_reason: str | None
    stats: dict[str, Any]
    pid: int
    host: str
    heartbeat_at: datetime
    heartbeat_every: float

    def state(self, now: datetime | None = None) -> str:
        """``starting`` (made, its crawl not going yet), ``running``, ``stale`` (open, but its
        crawl stopped beating) or ``finished``."""
        if self.finished_at is not None:
            return "finished"
        stale = is_stale(self.heartbeat_at, self.heartbeat_every, now or utcnow())
        if stale:
            return "stale"
        return "running" if self.claimed else "starting"

    @property
    def claimed(self) -> bool:
        return self.pid != UNCLAIMED_PID

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "kind": self.kind,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "finish_reason": self.finish_reason,
            "state": self.state(),
            "heartbeat_at": _iso(self.heartbeat_at),
            "stats": self.stats,
            "pid": self.pid,
            "host": self.host,
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _view(crawl_run: CrawlRun, source: str | None) -> RunView:
    return RunView(
        id=crawl_run.id,
        source=source,
        kind=crawl_run.kind,
        started_at=crawl_run.started_at,
        finished_at=crawl_run.finished_at,
        finish_reason=crawl_run.finish_reason,
        stats=dict(crawl_run.stats),
        pid=crawl_run.pid,
        host=crawl_run.host,
        heartbeat_at=crawl_run.heartbeat_at,
        heartbeat_every=crawl_run.heartbeat_every,
    )


# -- writes ---------------------------------------------------------------------------------


def ensure_source(session: Session, name: str, fingerprint: str | None = None) -> int:
    """The id of the source named *name*, its row made on first use; a *fingerprint* given
    replaces the recorded one."""
    insert_ignore(
        session,
        Source,
        {"name": name, "config_fingerprint": fingerprint, "created_at": utcnow()},
        conflict=["name"],
    )
    source_id = session.scalars(select(Source.id).where(Source.name == name)).one()
    if fingerprint is not None:
        session.execute(
            update(Source).where(Source.id == source_id).values(config_fingerprint=fingerprint)
        )
    return source_id


def start_run(
    session: Session, *, source: str | None, kind: str, heartbeat: float = DEFAULT_HEARTBEAT
) -> int:
    """Make the row of a run about to start; its crawl claims it (``claim_run``)."""
    now = utcnow()
    run = CrawlRun(
        source_id=ensure_source(session, source) if source is not None else None,
        kind=kind,
        started_at=now,
        heartbeat_at=now,
        heartbeat_every=heartbeat,
        stats={},
        pid=UNCLAIMED_PID,
        host="",
    )
    session.add(run)
    session.flush()
    return run.id


def claim_run(
    session: Session, run_id: int, *, source: str | None, pid: int, host: str, heartbeat: float
) -> None:
    """The crawl of run *run_id* starts: it records where it runs and how often it beats.

    Refused when the run is not the crawl's (another source), or is over already: closed as
    stale before its crawl got going, say, in which case nothing may be recorded under it.
    """
    found = session.execute(
        select(CrawlRun, Source.name)
        .outerjoin(Source, Source.id == CrawlRun.source_id)
        .where(CrawlRun.id == run_id)
        .with_for_update(of=CrawlRun)
    ).first()
    if found is None:
        raise NotFound(f"no crawl run {run_id} to record this crawl in")
    crawl_run, name = found
    if name != source:
        raise ArchiveError(f"run {run_id} is a run of {name or 'no source'}, not of {source}")
    if crawl_run.finished_at is not None:
        raise ArchiveError(f"run {run_id} is over already ({crawl_run.finish_reason})")
    crawl_run.pid, crawl_run.host = pid, host
    crawl_run.heartbeat_every = heartbeat
    crawl_run.heartbeat_at = utcnow()


def save_progress(
    session: Session, run_id: int, stats: dict[str, Any], finish_reason: str | None = None
) -> None:
    """Save a run's counts so far (its heartbeat); with *finish_reason*, close it.

    A run closed as stale while its crawl was in fact alive (a database outage can hold up
    heartbeats) gets the crawl's own finish reason when the crawl ends: the crawl knows best.
    """
    now = utcnow()
    values: dict[str, Any] = {"stats": stats, "heartbeat_at": now}
    if finish_reason is not None:
        values |= {"finish_reason": finish_reason, "finished_at": now}
    session.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(**values))


def close_run(session: Session, run_id: int, reason: str) -> bool:
    """Close a run that its crawl left open; False when it was closed already."""
    result = session.execute(
        update(CrawlRun)
        .where(CrawlRun.id == run_id, CrawlRun.finished_at.is_(None))
        .values(finished_at=utcnow(), finish_reason=reason)
    )
    return bool(getattr(result, "rowcount", 0))


def close_stale_runs(
    session: Session, *, source: str | None = None, now: datetime | None = None
) -> list[RunView]:
    """Close every stale run (of *source*, or of the whole archive) as ``interrupted``;
    return the runs closed."""
    moment = now or utcnow()
    closed = []
    for run in open_runs(session, source=source):
        if run.state(moment) == "stale" and close_run(session, run.id, INTERRUPTED):
            closed.append(run)
    return closed


# -- reads ----------------------------------------------------------------------------------


def run(session: Session, run_id: int) -> RunView:
    row = session.execute(
        select(CrawlRun, Source.name)
        .outerjoin(Source, Source.id == CrawlRun.source_id)
        .where(CrawlRun.id == run_id)
    ).first()
    if row is None:
        raise NotFound(f"no crawl run {run_id}")
    return _view(*row)


def runs(
    session: Session,
    *,
    source: str | None = None,
    kind: str | None = None,
    finished_as: str | None = None,
    limit: int | None = 20,
) -> list[RunView]:
    """Crawl runs, newest first."""
    query = select(CrawlRun, Source.name).outerjoin(Source, Source.id == CrawlRun.source_id)
    if source is not None:
        query = query.where(Source.name == source)
    if kind is not None:
        query = query.where(CrawlRun.kind == kind)
    if finished_as is not None:
        query = query.where(CrawlRun.finish_reason == finished_as)
    query = query.order_by(CrawlRun.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_view(crawl_run, name) for crawl_run, name in session.execute(query)]


def open_runs(session: Session, *, source: str | None = None) -> list[RunView]:
    """Runs not closed yet (running, or stale), oldest first."""
    query = (
        select(CrawlRun, Source.name)
        .outerjoin(Source, Source.id == CrawlRun.source_id)
        .where(CrawlRun.finished_at.is_(None))
        .order_by(CrawlRun.id)
    )
    if source is not None:
        query = query.where(Source.name == source)
    return [_view(crawl_run, name) for crawl_run, name in session.execute(query)]


def last_tried(session: Session, source: str) -> RunView | None:
    """The source's latest run that tried to crawl: one that found the source busy with
    another run says nothing about it."""
    for found in runs(session, source=source, limit=5):
        if found.finish_reason != ALREADY_RUNNING:
            return found
    return None


def last_complete_discovery(session: Session, source: str) -> datetime | None:
    """When the last discovery run of *source* that ran to its end started.

    Runs that were interrupted, killed, stopped or found the source busy do not count: after
    them the source still needs a complete run.
    """
    complete = runs(session, source=source, kind="discover", finished_as="finished", limit=1)
    return complete[0].started_at if complete else None
