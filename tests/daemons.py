"""A real `archiver daemon` process for tests, and waiting on what it records."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from storage import Archive
from storage import runs as run_log
from storage.runs import RunView
from tests.crawling import PROJECT, child_env


class DaemonProcess:
    def __init__(self, config: Path, db_url: str, log: Path, *options: str) -> None:
        self.log = log
        command = [sys.executable, "-m", "scraper.cli", "--config", str(config), "--db", db_url]
        command += ["daemon", "--log-file", str(log), "--standby-poll", "1s", *options]
        env = child_env()
        self.process = subprocess.Popen(command, cwd=PROJECT, env=env)

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout=timeout)

    def text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def daemon(config: Path, db_url: str, log: Path, *options: str) -> Iterator[DaemonProcess]:
    process = DaemonProcess(config, db_url, log, *options)
    try:
        yield process
    finally:
        process.stop()


def wait_for(what: str, check: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll *check* until it holds; fail the test naming *what* after *timeout* seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def runs(db_url: str, source: str | None = None) -> list[RunView]:
    """Every crawl run, oldest first."""
    with Archive(db_url) as archive, archive.session() as session:
        return list(reversed(run_log.runs(session, source=source, limit=None)))
