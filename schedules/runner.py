"""Each run is a child process with a hard time limit (DESIGN §2).

Twisted's reactor cannot be restarted in one process, and a child keeps a crash, a leak or a
hung crawl away from the daemon. Past its limit a child gets SIGINT (Scrapy then closes the
crawl and records it), and past a grace period SIGKILL. A child started here dies with the
daemon (see ``die_with_parent``): a daemon killed with SIGKILL leaves no orphan crawl holding
its source's lock, and its run is found open and closed as interrupted at the next start.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO

logger = logging.getLogger(__name__)

# Set in a child's environment: the parent's pid, which the child watches for (below).
PARENT_ENV = "ARCHIVER_PARENT_PID"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child started by the daemon: be killed when the daemon dies (Linux)."""
    parent = os.environ.get(PARENT_ENV)
    if not parent or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != int(parent):  # the parent died before prctl took effect
        os._exit(1)


@dataclass(frozen=True)
class ChildResult:
    pid: int
    returncode: int
    stdout: str
    seconds: float
    # Stopped by the daemon: "time_limit" or "shutdown"; None when it ended by itself.
    stopped: str | None
    # Still alive after the grace period: killed with SIGKILL.
    killed: bool


class Child:
    """One run: ``await child.start()``, then ``await child.finish(limit, grace)``."""

    def __init__(
        self,
        argv: list[str],
        label: str,
        *,
        env: Mapping[str, str] | None = None,
        stderr: IO[str] | None = None,
    ) -> None:
        self.argv = argv
        self.label = label
        self.env = {**(env or os.environ), PARENT_ENV: str(os.getpid())}
        self.stderr = stderr
        self.process: asyncio.subprocess.Process | None = None
        self.stopped: str | None = None
        self._started = 0.0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        self._started = time.monotonic()
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=self.stderr,
            env=self.env,
        )

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()

    def interrupt(self, why: str) -> None:
        """Ask the run to stop (SIGINT: Scrapy closes the crawl and records it)."""
        if self.process is not None and self.process.returncode is None:
            self.stopped = self.stopped or why
            self.process.send_signal(signal.SIGINT)

    async def finish(self, limit: float, grace: float) -> ChildResult:
        """Wait for the run: SIGINT after *limit* seconds, SIGKILL *grace* seconds later."""
        process = self.process
        assert process is not None
        assert process.stdout is not None
        output = asyncio.ensure_future(process.stdout.read())
        try:
            await asyncio.wait_for(process.wait(), limit)
        except TimeoutError:
            logger.warning("%s ran past its limit of %.0f s: stopping it", self.label, limit)
            self.interrupt("time_limit")
        killed = await self.wait_or_kill(grace)
        stdout = (await output).decode("utf-8", "replace")
        return ChildResult(
            pid=process.pid,
            returncode=process.returncode if process.returncode is not None else -9,
            stdout=stdout,
            seconds=time.monotonic() - self._started,
            stopped=self.stopped,
            killed=killed,
        )

    async def wait_or_kill(self, grace: float) -> bool:
        """Wait up to *grace* seconds for the process to end, then kill it; True if killed."""
        process = self.process
        assert process is not None
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            logger.error("%s did not stop within %.0f s: killing it", self.label, grace)
            process.kill()
            await process.wait()
            return True
        return False
