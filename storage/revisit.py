"""When to look at an article again (DESIGN §4 rule 4).

Fresh stories change often and old ones rarely, so the wait before the next check grows with
the time since the article last changed: the longest step of the ladder that this time has
reached (the first step at least). Past ``stop`` without a change, the article is no longer
re-checked (discovery still sees it when a feed or sitemap lists it). Each wait gets a little
random jitter so that articles archived together do not all fall due in the same second.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")


def parse_duration(text: str) -> timedelta:
    """``"90s"``, ``"15m"``, ``"1h"``, ``"3d"``, ``"2w"`` as a timedelta."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"bad duration {text!r}: use a number and a unit, e.g. 30s, 15m, 1h, 3d")
    amount, unit = match.groups()
    duration = timedelta(**{UNITS[unit]: int(amount)})
    if not duration:
        raise ValueError(f"bad duration {text!r}: must be longer than zero")
    return duration


DEFAULT_STEPS = ("1h", "3h", "12h", "1d", "3d", "7d", "30d")
DEFAULT_STOP = "90d"


@dataclass(frozen=True)
class Ladder:
    steps: tuple[timedelta, ...]
    stop: timedelta
    # Each wait is stretched or shrunk by up to this fraction, at random.
    jitter: float = 0.1

    @classmethod
    def parse(
        cls, steps: tuple[str, ...] | list[str] = DEFAULT_STEPS, stop: str = DEFAULT_STOP
    ) -> Ladder:
        parsed = tuple(parse_duration(step) for step in steps)
        if not parsed:
            raise ValueError("a revisit ladder needs at least one step")
        if list(parsed) != sorted(parsed):
            raise ValueError(f"revisit steps must grow: {', '.join(steps)}")
        return cls(parsed, parse_duration(stop))

    def wait(self, unchanged_for: timedelta) -> timedelta | None:
        """The wait before the next check of an article unchanged for *unchanged_for*."""
        if unchanged_for >= self.stop:
            return None
        reached = [step for step in self.steps if step <= unchanged_for]
        return reached[-1] if reached else self.steps[0]

    def next_check(
        self, last_changed: datetime, now: datetime, rng: random.Random | None = None
    ) -> datetime | None:
        """When to check next, jitter included; None when the article is past ``stop``."""
        wait = self.wait(now - last_changed)
        if wait is None:
            return None
        spread = (rng or random).uniform(-self.jitter, self.jitter)
        return now + wait * (1 + spread)


DEFAULT_LADDER = Ladder.parse()
