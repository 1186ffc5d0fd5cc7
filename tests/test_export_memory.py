"""Exports stream: 100,000 versions go out in well under 200 MB, on SQLite and Postgres."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.bulk import fill
from tests.crawling import PROJECT

VERSIONS = 100_000
LIMIT_MB = 200


def peak_megabytes(command: list[str]) -> float:
    """Run *command*; return its own peak resident size (wait4's ru_maxrss is in KiB)."""
    process = subprocess.Popen(command, cwd=PROJECT, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    assert process.returncode == 0
    return usage.ru_maxrss / 1024


def test_exporting_100000_versions_keeps_memory_flat(db_url: str, tmp_path: Path) -> None:
    fill(db_url, VERSIONS)
    base = [sys.executable, "-m", "scraper.cli", "--db", db_url, "export", "--all-versions"]
    lines, warc = tmp_path / "archive.jsonl", tmp_path / "archive.warc.gz"
    assert peak_megabytes([*base, "--format", "jsonl", "-o", str(lines)]) < LIMIT_MB
    with lines.open("rb") as exported:
        assert sum(1 for _ in exported) == VERSIONS
    assert peak_megabytes([*base, "--format", "warc", "-o", str(warc)]) < LIMIT_MB
    assert warc.stat().st_size > VERSIONS * 500  # a response and a metadata record each
