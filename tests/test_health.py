"""A source's health as `archiver status` reports it, against the local site taken down and
redesigned, on SQLite and Postgres; and the rules themselves, on runs made up to test them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from storage import health
from storage.models import utcnow
from storage.runs import RunView
from tests.crawling import archiver, crawl, sources_file
from tests.site import NewsSite


def status(config: Path, db_url: str) -> dict[str, Any]:
    result = archiver("status", "--json", config=config, db=db_url)
    assert result.code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def source(config: Path, db_url: str) -> dict[str, Any]:
    entry: dict[str, Any] = status(config, db_url)["sources"][0]
    return entry


def test_status_follows_a_source_down_redesigned_and_back(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    assert source(config, db_url)["health"] == "new"
    crawl(config, db_url)
    first = source(config, db_url)
    assert first["health"] == "ok", first
    assert first["last_run"]["finish_reason"] == "finished"
    assert first["consecutive_failures"] == 0
    assert status(config, db_url)["daemon"] == {"state": "stopped", "heartbeat_at": None}

    site.consent_wall = True  # every story now shows a consent wall: nothing of itself
    crawl(config, db_url)
    walled = source(config, db_url)
    assert walled["health"] == "degraded", walled
    assert any("template changed?" in p for p in walled["problems"]), walled["problems"]
    check = archiver("status", "--check", config=config, db=db_url)
    assert check.code == 1
    lines = check.stdout.splitlines()
    assert lines[0].startswith("archive: ")  # which archive it looked at
    assert lines[1].startswith("daemon: stopped")
    assert lines[2].startswith("riverside: degraded, last run ")
    assert lines[3].strip() == walled["problems"][0]

    site.consent_wall = False
    site.take_down(503)
    crawl(config, db_url)
    once = source(config, db_url)
    assert once["consecutive_failures"] == 1
    assert once["health"] != "failing"  # one bad run is not yet a failing source
    crawl(config, db_url)
    down = source(config, db_url)
    assert down["health"] == "failing", down
    assert down["consecutive_failures"] == 2
    assert "fetched nothing usable" in down["problems"][0]
    assert down["last_success_at"] == walled["last_run"]["finished_at"]

    site.bring_up()
    crawl(config, db_url)
    back = source(config, db_url)
    assert back["health"] == "ok", back
    assert back["problems"] == []
    assert archiver("status", "--check", config=config, db=db_url).code == 0


# -- the rules, on made-up runs ---------------------------------------------------------------


def run(
    number: int,
    *,
    reason: str = "finished",
    read: int = 20,
    empty: int = 0,
    author: int | None = None,
    text_median: int = 3000,
    failed: int = 0,
) -> RunView:
    """A finished discovery run (number 1 the oldest) that read *read* pages."""
    stored = read
    outcomes = {"article_new": stored} if stored else {}
    if empty:
        outcomes["failed:extract_empty"] = empty
    if failed:
        outcomes["failed:http_503"] = failed
    else:
        outcomes["navigation"] = 3
    now = utcnow() - timedelta(hours=100 - number)
    return RunView(
        id=number,
        source="s",
        kind="discover",
        started_at=now,
        finished_at=now + timedelta(minutes=1),
        finish_reason=reason,
        stats={
            "articles_new": stored,
            "navigation": 0 if failed else 3,
            "failed": {"http_503": failed} if failed else {},
            "outcomes": outcomes,
            "reading": {
                "read": read,
                "title": read,
                "author": read if author is None else author,
                "date": read,
                "text_median": text_median,
            },
        },
        pid=1,
        host="h",
        heartbeat_at=now,
        heartbeat_every=30.0,
    )


def judge(
    *oldest_first: RunView, rules: health.HealthRules = health.DEFAULT_RULES
) -> health.Health:
    return health.judge(list(reversed(oldest_first)), rules)


def test_a_source_with_no_run_is_new_and_one_good_run_is_ok() -> None:
    assert judge().health == "new"
    assert judge(run(1)).health == "ok"
    assert judge(run(1, reason="already_running")).health == "new"  # it did not try


def test_failing_takes_two_runs_in_a_row_and_broken_runs_count() -> None:
    assert judge(run(1), run(2, read=0, failed=9)).health == "ok"
    failing = judge(run(1), run(2, read=0, failed=9), run(3, reason="crashed"))
    assert failing.health == "failing"
    assert failing.consecutive_failures == 2
    assert "ended crashed" in failing.problems[0]
    three = health.HealthRules(failing_after=3)
    assert (
        judge(run(1), run(2, read=0, failed=9), run(3, read=0, failed=9), rules=three).health
        == "ok"
    )


@pytest.mark.parametrize(
    ("latest", "problem"),
    [
        (run(4, read=4, empty=16), "extract_empty on 16 of 20 article pages (usually 0 of 20)"),
        (run(4, text_median=900), "median body length 900 characters (usually 3000)"),
        (run(4, author=2), "author found on 2 of 20 pages (usually 20 of 20)"),
        (run(4, read=6), "discovery found 6 articles (usually 20)"),
    ],
    ids=["empty", "short", "no-author", "fewer-articles"],
)
def test_a_sharp_drop_in_reading_degrades_the_source(latest: RunView, problem: str) -> None:
    judged = judge(run(1), run(2), run(3), latest)
    assert judged.health == "degraded"
    assert any(p.startswith(problem) for p in judged.problems), judged.problems


def test_small_changes_and_small_runs_are_not_problems() -> None:
    assert judge(run(1), run(2), run(3, text_median=2000), run(4, author=15)).health == "ok"
    assert judge(run(1, read=3), run(2, read=1, empty=2)).health == "ok"  # too few to judge
    # A source whose pages never had an author is not degraded for missing one.
    assert judge(run(1, author=0), run(2, author=0)).health == "ok"
