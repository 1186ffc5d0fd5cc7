"""The revisit ladder, jitter and the daemon's plan, on a fake clock."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from schedules.plan import SourcePlan, needs_catch_up, trigger_for, upcoming
from storage.revisit import DEFAULT_LADDER, Ladder

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)


@pytest.mark.parametrize(
    ("unchanged_for", "wait"),
    [
        (timedelta(minutes=0), H),
        (timedelta(minutes=50), H),
        (2 * H, H),
        (3 * H, 3 * H),
        (11 * H, 3 * H),
        (12 * H, 12 * H),
        (2 * D, D),
        (5 * D, 3 * D),
        (10 * D, 7 * D),
        (45 * D, 30 * D),
        (89 * D, 30 * D),
        (90 * D, None),
        (400 * D, None),
    ],
)
def test_the_default_ladder_grows_with_the_time_since_the_last_change(
    unchanged_for: timedelta, wait: timedelta | None
) -> None:
    assert DEFAULT_LADDER.wait(unchanged_for) == wait


def test_jitter_spreads_checks_within_bounds() -> None:
    rng = random.Random(7)
    ladder = Ladder.parse(["1h", "1d"], "30d")
    moments = [ladder.next_check(NOW - 2 * D, NOW, rng) for _ in range(500)]
    waits = [m - NOW for m in moments if m is not None]
    assert len(waits) == 500
    assert min(waits) >= 0.9 * D
    assert max(waits) <= 1.1 * D
    assert len({round(w.total_seconds()) for w in waits}) > 100  # really spread out
    assert ladder.next_check(NOW - 31 * D, NOW, rng) is None


def test_ladders_from_the_sources_file_are_checked() -> None:
    assert Ladder.parse(["30s", "15m"], "1d").steps == (
        timedelta(seconds=30),
        timedelta(minutes=15),
    )
    with pytest.raises(ValueError, match="must grow"):
        Ladder.parse(["1d", "1h"])
    with pytest.raises(ValueError, match="bad duration"):
        Ladder.parse(["1 fortnight"])
    with pytest.raises(ValueError, match="at least one"):
        Ladder.parse([])


def test_one_catch_up_after_downtime_however_many_slots_were_missed() -> None:
    every_hour, half_past = "0 * * * *", NOW + timedelta(minutes=30)
    assert needs_catch_up(every_hour, None, half_past)  # never ran
    assert not needs_catch_up(every_hour, half_past - timedelta(minutes=10), half_past)
    assert needs_catch_up(every_hour, half_past - timedelta(minutes=40), half_past)  # 12:00
    assert needs_catch_up(every_hour, half_past - 30 * D, half_past)  # 720 missed: one run
    assert not needs_catch_up("every 6h", half_past - 5 * H, half_past)
    assert needs_catch_up("every 6h", half_past - 7 * H, half_past)


def test_upcoming_runs_and_jitter_scale_with_the_schedule() -> None:
    plans = [SourcePlan("a", "every 6h"), SourcePlan("b", "30 9 * * 1-5"), SourcePlan("c", None)]
    runs = upcoming(plans, NOW, timedelta(days=1))
    assert [name for _, name in runs].count("a") == 4
    assert [when for when, name in runs if name == "b"] == [
        datetime(2026, 11, 26, 9, 30, tzinfo=UTC)  # Thursday; crontab weekdays 1-5
    ]
    assert all(NOW <= when <= NOW + timedelta(days=1) for when, _ in runs)
    assert trigger_for("every 10s", NOW).jitter == 1.0
    assert trigger_for("every 6h", NOW).jitter == 60.0
