"""The scheduling daemon: every source on its schedule, due articles re-checked, for months.

APScheduler 3 (AsyncIOScheduler) with an in-memory job store rebuilt from the sources file at
every start: nothing is pickled, and what happened before a restart is read from crawl_runs.
Each run is a child process (``archiver crawl`` / ``archiver revisit``) with a hard time
limit. One daemon schedules per archive: a second one waits as a standby and takes over when
the first one's lock is released, which happens when it exits or dies.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from schedules import bookkeeping
from schedules.plan import SourcePlan, needs_catch_up, trigger_for
from schedules.runner import Child, ChildResult
from storage import Archive, queries
from storage.locks import daemon_lock
from storage.models import utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DaemonSettings:
    database_url: str
    # The `archiver` command line that children run, up to the subcommand (with --config),
    # and their environment.
    command: tuple[str, ...]
    child_env: Mapping[str, str]
    sources: tuple[SourcePlan, ...]
    # Hard limit of one run, then the grace period between SIGINT and SIGKILL.
    run_limit: timedelta = timedelta(hours=1)
    grace: timedelta = timedelta(seconds=30)
    # How often due articles are looked for (each source with some gets a revisit run).
    revisit_every: timedelta = timedelta(minutes=5)
    # A run that could not start on time (the daemon was busy or suspended) still starts if
    # it is at most this late; later ones are logged as missed (coalesced into one).
    misfire_grace: timedelta = timedelta(minutes=5)
    standby_poll: timedelta = timedelta(seconds=5)
    max_jitter: float = 60.0


class Daemon:
    def __init__(self, settings: DaemonSettings, *, child_stderr: IO[str] | None = None) -> None:
        self.settings = settings
        self.child_stderr = child_stderr
        self.archive = Archive(settings.database_url, write=True)
        self.lock = daemon_lock(settings.database_url)
        self.scheduler: AsyncIOScheduler | None = None
        self.children: set[Child] = set()
        self._stop = asyncio.Event()

    # -- life cycle -----------------------------------------------------------------------

    async def run(self) -> int:
        """Run until SIGTERM or SIGINT; 0 when every run ended and was recorded."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.stop, signal.Signals(signum).name)
        try:
            if not await self._lead():
                return 0
            closed = await asyncio.to_thread(bookkeeping.close_dead_runs, self.archive)
            if closed:
                logger.warning("closed %d run(s) left open before this start", len(closed))
            self.scheduler = await self._schedule()
            self.scheduler.start()
            logger.info(
                "daemon started: %d source(s) scheduled", len(self.scheduler.get_jobs()) - 1
            )
            await self._stop.wait()
            await self._shut_down()
        finally:
            self.lock.release()
            self.archive.close()
        return 0

    def stop(self, why: str = "stop") -> None:
        if not self._stop.is_set():
            logger.info("%s received: stopping", why)
            self._stop.set()

    async def _lead(self) -> bool:
        """Take the archive's daemon lock, waiting as a standby while another daemon has it."""
        if self.lock.acquire():
            return True
        logger.warning(
            "another daemon is scheduling this archive; standing by to take over when it stops"
        )
        poll = self.settings.standby_poll.total_seconds()
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), poll)
            except TimeoutError:
                if await asyncio.to_thread(self.lock.acquire):
                    logger.warning("the other daemon is gone: taking over")
                    return True
        return False

    async def _shut_down(self) -> None:
        """Stop scheduling, ask every run to stop, wait out the grace period, kill the rest."""
        if self.scheduler is not None:
            # Paused, not shut down yet: shutting down would cancel the running jobs before
            # they record how their runs ended.
            self.scheduler.pause()
        for child in list(self.children):
            child.interrupt("shutdown")
        grace = self.settings.grace.total_seconds()
        deadline = asyncio.get_running_loop().time() + grace
        while self.children and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
        for child in list(self.children):
            child.kill()
        while self.children:  # their jobs record what the children left open
            await asyncio.sleep(0.05)
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        logger.info("daemon stopped")

    # -- jobs -----------------------------------------------------------------------------

    async def _schedule(self) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(
            timezone="UTC",
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(self.settings.misfire_grace.total_seconds()),
            },
        )
        scheduler.add_listener(
            self._job_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR | EVENT_JOB_MAX_INSTANCES
        )
        now = utcnow()
        for plan in self.settings.sources:
            if plan.schedule is None:
                continue
            last = await asyncio.to_thread(self._last_discovery, plan.name)
            catch_up = needs_catch_up(plan.schedule, last, now)
            if catch_up:
                logger.info(
                    "%s missed its schedule (last run %s): catching up once", plan.name, last
                )
            scheduler.add_job(
                self.run_source,
                trigger_for(plan.schedule, now, self.settings.max_jitter),
                args=[plan.name, "discover"],
                id=f"discover:{plan.name}",
                name=f"discover {plan.name}",
                **({"next_run_time": now} if catch_up else {}),
            )
        scheduler.add_job(
            self.revisit_due,
            IntervalTrigger(seconds=self.settings.revisit_every.total_seconds(), timezone="UTC"),
            id="revisit",
            name="revisit due articles",
            next_run_time=now,
        )
        return scheduler

    def _job_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            logger.warning("job %s missed its run at %s", event.job_id, event.scheduled_run_time)
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            logger.warning("job %s skipped: its previous run is still going", event.job_id)
        else:
            logger.error("job %s failed: %r", event.job_id, event.exception)

    def _last_discovery(self, source: str) -> datetime | None:
        with self.archive.session() as session:
            return queries.last_complete_discovery(session, source)

    async def revisit_due(self) -> None:
        """One revisit run for every source with articles due for a check."""
        now = utcnow()
        due = await asyncio.to_thread(self._due_sources, now)
        if due:
            await asyncio.gather(*(self.run_source(name, "revisit") for name in due))

    def _due_sources(self, now: datetime) -> list[str]:
        with self.archive.session() as session:
            return [
                plan.name
                for plan in self.settings.sources
                if queries.due_count(session, plan.name, now) > 0
            ]

    async def run_source(self, source: str, kind: str) -> ChildResult | None:
        """Run one crawl of *source* in a child process and check what it recorded."""
        if self._stop.is_set():
            return None
        command = "crawl" if kind == "discover" else "revisit"
        child = Child(
            [*self.settings.command, command, source, "--json"],
            f"{kind} run of {source}",
            env=self.settings.child_env,
            stderr=self.child_stderr,
        )
        started = utcnow()
        await child.start()
        # Registered until its end is recorded: a shutdown waits for that, not just the exit.
        self.children.add(child)
        try:
            result = await child.finish(
                self.settings.run_limit.total_seconds(), self.settings.grace.total_seconds()
            )
            await asyncio.to_thread(self._record, child, result, started)
        finally:
            self.children.discard(child)
        return result

    def _record(self, child: Child, result: ChildResult, started: datetime) -> None:
        reason = "killed" if result.killed else result.stopped or "crashed"
        runs = bookkeeping.close_runs_of(self.archive, result.pid, started, reason)
        if not runs:
            logger.error(
                "%s exited with code %d without recording a run", child.label, result.returncode
            )
            return
        summary = _summary(result.stdout)
        for run in runs:
            with self.archive.session() as session:
                final = queries.run(session, run.id)
            logger.info(
                "%s: run %d %s in %.1f s%s",
                child.label,
                final.id,
                final.finish_reason,
                result.seconds,
                f" ({summary})" if summary else "",
            )


def _summary(stdout: str) -> str:
    try:
        data: dict[str, Any] = json.loads(stdout)
    except ValueError:
        return ""
    keys = ("articles_new", "versions_new", "unchanged", "not_modified")
    parts = [f"{key} {data.get(key, 0)}" for key in keys]
    failed = sum(data.get("failed", {}).values())
    return ", ".join([*parts, f"failed {failed}"])
