from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schedules.triggers import parse_duration, parse_schedule


def test_durations() -> None:
    assert parse_duration("30s") == timedelta(seconds=30)
    assert parse_duration("15m") == timedelta(minutes=15)
    assert parse_duration("1h") == timedelta(hours=1)
    assert parse_duration("3d") == timedelta(days=3)
    for bad in ("", "3", "h", "1y", "0m", "-1h"):
        with pytest.raises(ValueError, match="bad duration"):
            parse_duration(bad)


def test_every_is_an_interval() -> None:
    trigger = parse_schedule("every 30m")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    first = trigger.get_next_fire_time(None, start)
    assert trigger.get_next_fire_time(first, first) - first == timedelta(minutes=30)


def test_cron_weekdays_count_from_sunday_as_in_crontab() -> None:
    # 2026-01-04 is a Sunday; crontab's 0 is Sunday (APScheduler's 0 would be Monday).
    trigger = parse_schedule("0 6 * * 0")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert trigger.get_next_fire_time(None, start) == datetime(2026, 1, 4, 6, tzinfo=UTC)
    weekdays = parse_schedule("0 6 * * 1-5")
    assert weekdays.get_next_fire_time(None, datetime(2026, 1, 3, tzinfo=UTC)) == datetime(
        2026, 1, 5, 6, tzinfo=UTC
    )


@pytest.mark.parametrize("text", ["* * *", "61 * * * *", "every", "every 5x", "0 6 * * 9"])
def test_bad_schedules_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="bad"):
        parse_schedule(text)
