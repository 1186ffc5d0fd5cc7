"""How the daemon starts runs: one small interface, whatever runs the crawls (DESIGN §1, §8).

The daemon makes a run's row first (storage.runs), then asks a Runner to start the crawl of
it; the crawl records into that row, and its end is read from there, not from the runner.
Local child processes (schedules.local) are one Runner; crawl nodes are another, behind the
same interface, without the scheduling code knowing which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class RunOrder:
    """Crawl source *source* (a ``discover`` or ``revisit`` run) into run *run_id*."""

    run_id: int
    source: str
    kind: str

    @property
    def label(self) -> str:
        return f"{self.kind} run of {self.source}"

    @property
    def log_extra(self) -> dict[str, Any]:
        """``extra=`` for a log line about this run: the line then names its source and run
        like the crawl's own lines do (scraper.logformat)."""
        return {"source": self.source, "run_id": self.run_id}


@dataclass(frozen=True)
class RunEnd:
    """How a crawl ended, as its runner saw it."""

    seconds: float
    # What the runner saw, for the log: "exited with code 1", "was killed", ...
    detail: str
    # Whether the crawl ended well as far as the runner can tell (a crawl's own outcome is
    # in its run: a crawl whose every page failed still ends well here).
    ok: bool
    # Stopped by the daemon: "time_limit" or "shutdown"; None when it ended by itself.
    stopped: str | None = None
    # Still going after the grace period, so killed.
    killed: bool = False
    # The crawl's own summary, when it gave one (``archiver crawl --json``).
    summary: dict[str, Any] | None = None


class Crawl(Protocol):
    """A crawl a runner started."""

    order: RunOrder

    async def wait(self, limit: float, grace: float) -> RunEnd:
        """Wait for the end: asked to stop after *limit* seconds, killed *grace* seconds on."""
        ...

    def interrupt(self, why: str) -> None:
        """Ask the crawl to stop now (it closes its run itself); *why* goes to RunEnd.stopped."""
        ...

    def kill(self) -> None:
        """Stop the crawl at once (its run is closed by whoever waits for it)."""
        ...


class Runner(Protocol):
    async def start(self, order: RunOrder) -> Crawl:
        """Start the crawl of *order*; raise when it cannot be started at all."""
        ...
