"""The operator's commands: sources, runs, schedule; on SQLite and Postgres."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.crawling import archiver, crawl, sources_file
from tests.site import NewsSite

pytestmark = pytest.mark.e2e


def test_sources_runs_and_schedule(site: NewsSite, db_url: str, tmp_path: Path) -> None:
    config = sources_file(
        tmp_path / "archiver.toml",
        site.base_url,
        extra='schedule = "every 6h"\nrevisit = ["2h", "1d"]',
    )
    never = tmp_path / "never.toml"
    quiet_source = (
        '[[sources]]\nname = "quiet"\nfeeds = ["http://127.0.0.1:9/feed"]\nschedule = "0 6 * * *"\n'
    )
    never.write_text(config.read_text() + quiet_source)
    crawl(never, db_url, "riverside")

    listing = archiver("sources", "--json", config=never, db=db_url)
    assert listing.code == 0, listing.stderr
    by_name = {row["name"]: row for row in listing.json()}
    riverside, quiet = by_name["riverside"], by_name["quiet"]
    assert (riverside["articles"], riverside["due"], riverside["schedule"]) == (24, 0, "every 6h")
    assert riverside["last_run"]["finish_reason"] == "finished"
    assert riverside["last_run"]["stats"]["articles_new"] == 24
    next_run = datetime.fromisoformat(riverside["next_run"])
    started = datetime.fromisoformat(riverside["last_run"]["started_at"])
    assert timedelta(hours=5) < next_run - started <= timedelta(hours=6, minutes=1)
    assert quiet["last_run"] is None
    assert quiet["next_run"] is not None  # never crawled: at once (a catch-up)
    text = archiver("sources", config=never, db=db_url)
    assert "riverside" in text.stdout
    assert "never run" in text.stdout

    runs = archiver("runs", "--json", config=never, db=db_url).json()
    assert len(runs) == 1
    assert set(runs[0]) >= {
        "id",
        "source",
        "kind",
        "started_at",
        "finished_at",
        "finish_reason",
        "stats",
    }
    assert (runs[0]["source"], runs[0]["kind"]) == ("riverside", "discover")
    only = archiver("runs", "--source", "quiet", "--json", config=never, db=db_url)
    assert only.json() == []
    unknown = archiver("runs", "--source", "nope", config=never, db=db_url)
    assert unknown.code == 1
    assert len(unknown.stderr.strip().splitlines()) == 1

    plan = archiver("schedule", "--json", config=never, db=db_url).json()
    crawls = [(c["source"], datetime.fromisoformat(c["at"])) for c in plan["crawls"]]
    assert sum(1 for name, _ in crawls if name == "riverside") == 4  # every 6 h in 24 h
    assert sum(1 for name, _ in crawls if name == "quiet") == 2  # now (catch-up), then 06:00
    revisits = {row["source"]: row for row in plan["revisits"]}
    # Archived a moment ago, unchanged for less than the first step: all due within 24 h.
    assert (revisits["riverside"]["due_now"], revisits["riverside"]["due_within"]) == (0, 24)
