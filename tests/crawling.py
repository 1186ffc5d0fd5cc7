"""Running the real command line against the local test site, as users do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
# Crawl the loopback site as fast as it answers: politeness is for other people's servers.
# A heartbeat every 2 s: a killed crawl's run is stale (storage.runs) 6 s after its last one.
FAST = (
    "{ DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, CONCURRENT_REQUESTS_PER_DOMAIN = 8, "
    "ARCHIVE_HEARTBEAT = 2 }"
)
# The same for ad hoc fetches, which run without a source's settings.
FAST_FLAGS = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false")


def sources_file(
    path: Path,
    base_url: str,
    *,
    name: str = "riverside",
    feeds: bool = True,
    sitemaps: bool = True,
    start: bool = True,
    patterns: bool = True,
    max_depth: int = 2,
    extra: str = "",
) -> Path:
    """A sources file for the test site (written to *path*)."""
    lines = ["[[sources]]", f'name = "{name}"']
    if feeds:
        lines.append(f'feeds = ["{base_url}/feed/", "{base_url}/feed/atom/"]')
    if sitemaps:
        lines.append(f'sitemaps = ["{base_url}/sitemap_index.xml"]')
    if start:
        lines.append(f'start_urls = ["{base_url}/"]')
    if patterns:
        lines.append("article_pattern = '/\\d{4}/\\d{2}/\\d{2}/'")
        lines.append("follow_pattern = '/(category|page)/'")
    lines += [f"max_depth = {max_depth}", f"settings = {FAST}", extra]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def archiver(*args: str, config: Path | None = None, db: str | None = None) -> Result:
    """Run ``archiver ARGS`` in a child process (a crawl needs a fresh Twisted reactor)."""
    command = [sys.executable, "-m", "scraper.cli"]
    if config is not None:
        command += ["--config", str(config)]
    if db is not None:
        command += ["--db", db]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    done = subprocess.run(
        [*command, *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=env,
        timeout=300,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def crawl(config: Path, db: str, *sources: str) -> dict[str, Any]:
    """``archiver crawl --json``; fails the test with the crawl's log if it did not run."""
    result = archiver("crawl", *(sources or ("riverside",)), "--json", config=config, db=db)
    assert result.code == 0, result.stderr[-3000:]
    summary: dict[str, Any] = result.json()
    assert summary["urls"] == summary["requests"], summary  # every URL ended in an outcome
    assert "unsettled" not in summary["failed"], summary
    return summary
