"""Schedules and durations as people write them in the sources file.

``schedule = "*/30 * * * *"`` (5-field cron, weekdays numbered as in crontab: 0 and 7 are
Sunday) or ``schedule = "every 30m"``; durations such as ``30s``, ``15m``, ``1h``, ``3d``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from storage.revisit import parse_duration

__all__ = ["parse_duration", "parse_schedule"]

_EVERY = re.compile(r"^\s*every\s+(.+)$", re.IGNORECASE)
# crontab numbers weekdays from Sunday (0 or 7); APScheduler 3 from Monday (0).
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_TERM = re.compile(r"^(\*|\d+)(?:-(\d+))?(?:/(\d+))?$")


def parse_schedule(
    text: str,
    *,
    timezone: tzinfo = UTC,
    jitter: float | None = None,
    now: datetime | None = None,
) -> BaseTrigger:
    """A trigger for a cron expression or an ``every <duration>`` interval.

    An interval counts from *now* (by default, the moment the trigger is made).
    """
    every = _EVERY.match(text)
    if every:
        interval = parse_duration(every.group(1))
        return IntervalTrigger(
            seconds=interval.total_seconds(),
            start_date=(now + interval) if now is not None else None,
            timezone=timezone,
            jitter=jitter,
        )
    fields = text.split()
    if len(fields) != 5:
        raise ValueError(
            f"bad schedule {text!r}: use 5 cron fields (e.g. '*/30 * * * *') or 'every 30m'"
        )
    minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=_crontab_weekdays(weekday),
            timezone=timezone,
            jitter=jitter,
        )
    except ValueError as exc:
        raise ValueError(f"bad schedule {text!r}: {exc}") from exc


def _crontab_weekdays(field: str) -> str:
    """Translate crontab weekday numbers into names, which APScheduler reads unambiguously."""
    names: list[str] = []
    for term in field.split(","):
        match = _WEEKDAY_TERM.match(term)
        if match is None or (match.group(1) == "*" and match.group(3) is None):
            names.append(term)  # "*", or names such as "mon-fri": same meaning in both
            continue
        start, end, step = match.groups()
        first = 0 if start == "*" else int(start)
        last = 6 if start == "*" else int(end) if end is not None else first
        if step is not None and end is None and start != "*":
            last = 6  # "1/2" means from Monday to the end of the week
        if not 0 <= first <= 7 or not 0 <= last <= 7 or first > last:
            raise ValueError(f"bad weekday {term!r}: use 0-7 (0 and 7 are Sunday) or names")
        names.extend(_WEEKDAYS[day] for day in range(first, last + 1, int(step or 1)))
    return ",".join(dict.fromkeys(names))
