"""The daemon's own heartbeat: whether anything is scheduling the archive (``archiver status``).

Each start of the daemon makes a row and beats in it every ``heartbeat_every`` seconds, as
``leader`` (it schedules) or ``standby`` (it waits to take over); it says ``stopped`` when it
exits. A daemon killed with SIGKILL stops beating: after STALE_AFTER_BEATS beats it counts
as stopped, the same rule as for runs (storage.runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import Daemon, utcnow
from storage.runs import is_stale

LEADER = "leader"
STANDBY = "standby"
STOPPED = "stopped"
# Seconds between a daemon's beats, unless it says otherwise.
DEFAULT_BEAT = 10.0


def start(session: Session, *, host: str, pid: int, state: str, heartbeat_every: float) -> int:
    now = utcnow()
    row = Daemon(
        host=host,
        pid=pid,
        state=state,
        started_at=now,
        heartbeat_at=now,
        heartbeat_every=heartbeat_every,
        next_runs={},
    )
    session.add(row)
    session.flush()
    return row.id


def beat(
    session: Session, daemon_id: int, *, state: str, next_runs: dict[str, Any] | None = None
) -> None:
    values: dict[str, Any] = {"state": state, "heartbeat_at": utcnow()}
    if next_runs is not None:
        values["next_runs"] = next_runs
    session.execute(update(Daemon).where(Daemon.id == daemon_id).values(**values))


@dataclass(frozen=True)
class DaemonView:
    """What ``status`` says of the daemon: ``running`` (a leader beats), ``standby`` (only a
    standby does) or ``stopped``; the last beat heard; when the leader next runs each source."""

    state: str
    heartbeat_at: datetime | None
    host: str | None = None
    pid: int | None = None
    next_runs: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        beat = self.heartbeat_at.isoformat() if self.heartbeat_at else None
        return {"state": self.state, "heartbeat_at": beat}


def current(session: Session, now: datetime | None = None) -> DaemonView:
    moment = now or utcnow()
    rows = session.scalars(select(Daemon).order_by(Daemon.heartbeat_at.desc()).limit(20)).all()
    alive = [
        row
        for row in rows
        if row.state != STOPPED and not is_stale(row.heartbeat_at, row.heartbeat_every, moment)
    ]
    leaders = [row for row in alive if row.state == LEADER]
    if leaders:
        row = leaders[0]
        return DaemonView("running", row.heartbeat_at, row.host, row.pid, dict(row.next_runs))
    last_beat = rows[0].heartbeat_at if rows else None
    if alive:
        return DaemonView("standby", last_beat, alive[0].host, alive[0].pid)
    return DaemonView("stopped", last_beat)
