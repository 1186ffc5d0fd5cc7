"""LocalRunner: each run is a child process on this machine, with a hard time limit (DESIGN §2).

Twisted's reactor cannot be restarted in one process, and a child keeps a crash, a leak or a
hung crawl away from the daemon. The child is ``archiver crawl SOURCE --run-id N`` (or
``revisit``): exactly what a person would run, recording into the run the daemon made. Past
its limit a child gets SIGINT (Scrapy then closes the crawl and records it), and past a grace
period SIGKILL. A child started here dies with the daemon (see ``die_with_parent``): a daemon
killed with SIGKILL leaves no orphan crawl holding its source's lock, and its run stops beating
and is found stale.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from typing import IO, Any

from schedules.runner import RunEnd, RunOrder

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


# The subcommand that runs each kind of run.
COMMANDS = {"discover": "crawl", "revisit": "revisit"}


class LocalRunner:
    """Runs each crawl as ``COMMAND... crawl|revisit SOURCE --json --run-id N``."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        stderr: IO[str] | None = None,
    ) -> None:
        self.command = tuple(command)
        self.env = env
        self.stderr = stderr

    async def start(self, order: RunOrder) -> Child:
        argv = [*self.command, COMMANDS[order.kind], order.source, "--json"]
        child = Child(
            order, [*argv, "--run-id", str(order.run_id)], env=self.env, stderr=self.stderr
        )
        await child.start()
        return child


class Child:
    """One run in a child process: ``await child.start()``, then ``await child.wait(...)``."""

    def __init__(
        self,
        order: RunOrder,
        argv: list[str],
        *,
        env: Mapping[str, str] | None = None,
        stderr: IO[str] | None = None,
    ) -> None:
        self.order = order
        self.argv = argv
        self.env = {**(env or os.environ), PARENT_ENV: str(os.getpid())}
        self.stderr = stderr
        self.process: asyncio.subprocess.Process | None = None
        self.stopped: str | None = None
        self._started = 0.0

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

    async def wait(self, limit: float, grace: float) -> RunEnd:
        """Wait for the run: SIGINT after *limit* seconds, SIGKILL *grace* seconds later."""
        process = self.process
        assert process is not None
        assert process.stdout is not None
        output = asyncio.ensure_future(process.stdout.read())
        try:
            await asyncio.wait_for(process.wait(), limit)
        except TimeoutError:
            logger.warning(
                "%s ran past its limit of %.0f s: stopping it",
                self.order.label,
                limit,
                extra=self.order.log_extra,
            )
            self.interrupt("time_limit")
        killed = await self._wait_or_kill(grace)
        stdout = (await output).decode("utf-8", "replace")
        code = process.returncode if process.returncode is not None else -signal.SIGKILL
        return RunEnd(
            seconds=time.monotonic() - self._started,
            detail=f"exited with code {code}" if code >= 0 else f"was killed by signal {-code}",
            ok=code == 0,
            stopped=self.stopped,
            killed=killed,
            summary=_summary(stdout),
        )

    async def _wait_or_kill(self, grace: float) -> bool:
        """Wait up to *grace* seconds for the process to end, then kill it; True if killed."""
        process = self.process
        assert process is not None
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            logger.error(
                "%s did not stop within %.0f s: killing it",
                self.order.label,
                grace,
                extra=self.order.log_extra,
            )
            process.kill()
            await process.wait()
            return True
        return False


def _summary(stdout: str) -> dict[str, Any] | None:
    try:
        data = json.loads(stdout)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
