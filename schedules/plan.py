"""When each source runs: what the daemon schedules, and what `archiver schedule` shows.

The daemon's job store is rebuilt from the sources file at every start, so what happened
before a restart is read from crawl_runs: a source whose last discovery run is older than its
latest scheduled slot missed at least one run while nothing was running, and gets exactly one
catch-up run, however many slots it missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger

from schedules.triggers import parse_schedule
from storage.runs import DEFAULT_HEARTBEAT

# Jitter: a tenth of the interval between runs, at most this many seconds.
MAX_JITTER = 60.0


@dataclass(frozen=True)
class SourcePlan:
    """A source as the scheduler sees it: its name, its `schedule` (None: never by itself),
    and how often its crawls beat (its ARCHIVE_HEARTBEAT), which its runs are made with."""

    name: str
    schedule: str | None
    heartbeat: float = DEFAULT_HEARTBEAT


def period(trigger: BaseTrigger, now: datetime) -> timedelta | None:
    """The time between two consecutive runs of *trigger* from *now*."""
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first) if first else None
    return second - first if first and second else None


def trigger_for(schedule: str, now: datetime, max_jitter: float = MAX_JITTER) -> BaseTrigger:
    """The source's trigger, with jitter proportional to how often it runs."""
    step = period(parse_schedule(schedule, now=now), now)
    jitter = min(max_jitter, step.total_seconds() / 10) if step else 0.0
    return parse_schedule(schedule, jitter=jitter or None, now=now)


def needs_catch_up(schedule: str, last_started: datetime | None, now: datetime) -> bool:
    """Whether a scheduled run was due between the last run and *now* and did not happen."""
    if last_started is None:
        return True
    due = parse_schedule(schedule, now=last_started).get_next_fire_time(None, last_started)
    return due is not None and due <= now


def upcoming(
    plans: list[SourcePlan], now: datetime, horizon: timedelta
) -> list[tuple[datetime, str]]:
    """The discovery runs due from *now* to *now + horizon*, by time (jitter aside)."""
    found: list[tuple[datetime, str]] = []
    end = now + horizon
    for plan in plans:
        if plan.schedule is None:
            continue
        trigger = parse_schedule(plan.schedule, now=now)
        previous: datetime | None = None
        moment = trigger.get_next_fire_time(None, now)
        while moment is not None and moment <= end and len(found) < 10_000:
            found.append((moment, plan.name))
            previous, moment = moment, trigger.get_next_fire_time(moment, moment)
            if moment == previous:  # a trigger that would repeat itself
                break
    return sorted(found)
