"""Exports stream: 100,000 versions go out in well under 200 MB, on SQLite and Postgres."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.bulk import fill
from tests.crawling import PROJECT
from tests.memory import run_measured

pytestmark = pytest.mark.slow

VERSIONS = 100_000
LIMIT_MB = 200


def peak_megabytes(command: list[str], report: Path) -> float:
    """Run *command*; return its own peak resident size."""
    code, peak = run_measured(command, report, cwd=PROJECT, stderr=subprocess.DEVNULL)
    assert code == 0
    return peak


def test_exporting_100000_versions_keeps_memory_flat(db_url: str, tmp_path: Path) -> None:
    fill(db_url, VERSIONS)
    base = [sys.executable, "-m", "scraper.cli", "--db", db_url, "export", "--all-versions"]
    lines, warc = tmp_path / "archive.jsonl", tmp_path / "archive.warc.gz"
    report = tmp_path / "peak"
    assert peak_megabytes([*base, "--format", "jsonl", "-o", str(lines)], report) < LIMIT_MB
    with lines.open("rb") as exported:
        assert sum(1 for _ in exported) == VERSIONS
    assert peak_megabytes([*base, "--format", "warc", "-o", str(warc)], report) < LIMIT_MB
    assert warc.stat().st_size > VERSIONS * 500  # a response and a metadata record each
