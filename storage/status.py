"""Is everything all right? What ``archiver status`` (and the viewer) says of the archive.

One entry for the daemon (storage.daemons) and one per configured source: its health
(storage.health), its last run, since when it has failed, whether it is running now, how
many of its articles are due for a re-check, and when the daemon runs it next.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage import daemons, health, queries, runs
from storage.models import utcnow


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass(frozen=True)
class SourceStatus:
    name: str
    health: health.Health
    last_run: runs.RunView | None
    running: bool
    due: int
    next_run_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        last = self.last_run
        return {
            "name": self.name,
            "health": self.health.health,
            "problems": list(self.health.problems),
            "last_run": None
            if last is None
            else {
                "id": last.id,
                "kind": last.kind,
                "started_at": _iso(last.started_at),
                "finished_at": _iso(last.finished_at),
                "finish_reason": last.finish_reason,
            },
            "last_success_at": _iso(self.health.last_success_at),
            "consecutive_failures": self.health.consecutive_failures,
            "running": self.running,
            "due": self.due,
            "next_run_at": _iso(self.next_run_at),
        }


@dataclass(frozen=True)
class Status:
    daemon: daemons.DaemonView
    sources: tuple[SourceStatus, ...]

    @property
    def ok(self) -> bool:
        """False when a source is failing or degraded (``status --check`` exits 1)."""
        return all(s.health.health not in (health.FAILING, health.DEGRADED) for s in self.sources)

    def as_json(self) -> dict[str, Any]:
        return {
            "daemon": self.daemon.as_json(),
            "sources": [source.as_json() for source in self.sources],
        }


def _next_run(daemon: daemons.DaemonView, source: str) -> datetime | None:
    if daemon.state != "running" or not daemon.next_runs:
        return None  # nothing will run it
    moment = daemon.next_runs.get(source)
    return datetime.fromisoformat(moment) if isinstance(moment, str) else None


def status(
    session: Session,
    sources: Iterable[str],
    rules: health.HealthRules = health.DEFAULT_RULES,
    now: datetime | None = None,
) -> Status:
    moment = now or utcnow()
    daemon = daemons.current(session, moment)
    found = []
    for name in sources:
        open_runs = runs.open_runs(session, source=name)
        found.append(
            SourceStatus(
                name=name,
                health=health.source_health(session, name, rules),
                last_run=runs.last_tried(session, name),
                running=any(r.state(moment) in ("running", "starting") for r in open_runs),
                due=queries.due_count(session, name, moment),
                next_run_at=_next_run(daemon, name),
            )
        )
    return Status(daemon, tuple(found))
