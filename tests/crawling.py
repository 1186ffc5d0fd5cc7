"""Running the real command line against the local test site, as users do."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from scraper.cli import cli
from tests.preloaded import Preloaded

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


# Commands that only read the archive run in the test's own process, through click's test
# runner: the same command code, without a second of interpreter start-up and imports each.
# Everything that crawls needs a fresh Twisted reactor, so it runs in a child, as users run it.
IN_PROCESS = frozenset(
    {
        "changes",
        "diff",
        "export",
        "notify",
        "runs",
        "schedule",
        "search",
        "show",
        "sources",
        "stats",
        "status",
        "timeline",
        "versions",
    }
)


# Commands that crawl start from a process that has imported the command line once (see
# tests/preloaded.py): a fresh process each, without paying for the imports each time.
PRELOADED = Preloaded(PROJECT)


def child_env() -> dict[str, str]:
    """The environment of a command the tests start: this one without ARCHIVER_ settings,
    so that the command reads only its options and the test's config."""
    return {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}


def archiver(*args: str, config: Path | None = None, db: str | None = None) -> Result:
    """Run ``archiver ARGS``: a reading command in this process, any other in a child
    process of its own."""
    options: list[str] = []
    if config is not None:
        options += ["--config", str(config)]
    if db is not None:
        options += ["--db", db]
    if args and args[0] in IN_PROCESS:
        return _in_process([*options, *args])
    env = child_env()
    with tempfile.TemporaryDirectory() as scratch:
        code, stdout, stderr = PRELOADED.run([*options, *args], env, Path(scratch), timeout=300)
    return Result(code, stdout, stderr)


class _Warnings(logging.Handler):
    """What a child's stderr would show of log records: with no handler configured, Python
    prints records of WARNING and above, message only."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage() + "\n")


def _in_process(args: list[str]) -> Result:
    """Run the command as the child would: from the project folder, without the ARCHIVER_
    environment, its log warnings and any traceback on stderr, exit code 1 on a crash."""
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("ARCHIVER_")}
    warnings = _Warnings()
    root = logging.getLogger()
    root.addHandler(warnings)
    try:
        with contextlib.chdir(PROJECT):
            done = CliRunner().invoke(cli, args, prog_name="archiver", env=unset)
    finally:
        root.removeHandler(warnings)
    stderr = done.stderr + "".join(warnings.lines)
    if done.exc_info is not None and not isinstance(done.exc_info[1], SystemExit):
        stderr += "".join(traceback.format_exception(*done.exc_info))
    return Result(done.exit_code, done.stdout, stderr)


def scrapy(config: Path, db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``scrapy ARGS`` from the project folder, as a Scrapy user runs it; fails the test on
    an exit code or a traceback."""
    env = {**os.environ, "ARCHIVER_CONFIG": str(config), "ARCHIVER_DATABASE_URL": db_url}
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        check=False,
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


def crawl(config: Path, db: str, *sources: str) -> dict[str, Any]:
    """``archiver crawl --json``; fails the test with the crawl's log if it did not run."""
    result = archiver("crawl", *(sources or ("riverside",)), "--json", config=config, db=db)
    assert result.code == 0, result.stderr[-3000:]
    summary: dict[str, Any] = result.json()
    assert summary["urls"] == summary["requests"], summary  # every URL ended in an outcome
    assert "unsettled" not in summary["failed"], summary
    return summary
