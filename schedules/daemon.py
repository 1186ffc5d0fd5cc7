"""The scheduling daemon: every source on its schedule, due articles re-checked, for months.

APScheduler 3 (AsyncIOScheduler) with an in-memory job store rebuilt from the sources file at
every start: nothing is pickled, and what happened before a restart is read from crawl_runs.
The daemon makes each run's row, then starts its crawl through a Runner (schedules.runner;
local child processes by default) with a hard time limit, and closes the run if the crawl
could not. Runs whose crawl stopped beating are closed as interrupted at start and on every
revisit tick. One daemon schedules per archive: a second one waits as a standby and takes
over when the first one's lock is released, which happens when it exits or dies.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from schedules.plan import SourcePlan, needs_catch_up, trigger_for
from schedules.runner import Crawl, RunEnd, Runner, RunOrder
from storage import Archive, queries, runs
from storage.locks import daemon_lock
from storage.models import utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DaemonSettings:
    database_url: str
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
    def __init__(self, settings: DaemonSettings, runner: Runner) -> None:
        self.settings = settings
        self.runner = runner
        self.archive = Archive(settings.database_url, write=True)
        self.lock = daemon_lock(settings.database_url)
        self.scheduler: AsyncIOScheduler | None = None
        self.crawls: set[Crawl] = set()
        self._plans = {plan.name: plan for plan in settings.sources}
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
            closed = await self._close_stale()
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
        for crawl in list(self.crawls):
            crawl.interrupt("shutdown")
        grace = self.settings.grace.total_seconds()
        deadline = asyncio.get_running_loop().time() + grace
        while self.crawls and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
        for crawl in list(self.crawls):
            crawl.kill()
        while self.crawls:  # their jobs record what the crawls left open
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
            return runs.last_complete_discovery(session, source)

    async def _close_stale(self) -> list[runs.RunView]:
        """Close the runs, of any source or none, whose crawl stopped beating."""
        closed = await asyncio.to_thread(self.archive.close_stale_runs)
        for run in closed:
            logger.warning(
                "run %d (%s, %s) stopped beating at %s, its crawl is gone: interrupted",
                run.id,
                run.source or "ad hoc",
                run.kind,
                run.heartbeat_at.isoformat(timespec="seconds"),
            )
        return closed

    async def revisit_due(self) -> None:
        """One revisit run for every source with articles due for a check."""
        await self._close_stale()
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

    async def run_source(self, source: str, kind: str) -> RunEnd | None:
        """Run one crawl of *source*: make its run, start it, wait for it, check its end."""
        if self._stop.is_set():
            return None
        beat = self._plans[source].heartbeat
        run_id = await asyncio.to_thread(self.archive.start_run, source, kind, heartbeat=beat)
        order = RunOrder(run_id, source, kind)
        try:
            crawl = await self.runner.start(order)
        except Exception as exc:  # the crawl could not even start (no such program, ...)
            logger.error("%s could not start: %s", order.label, exc)
            await asyncio.to_thread(self.archive.close_run, run_id, runs.CRASHED)
            return None
        # Registered until its end is recorded: a shutdown waits for that, not just the exit.
        self.crawls.add(crawl)
        try:
            end = await crawl.wait(
                self.settings.run_limit.total_seconds(), self.settings.grace.total_seconds()
            )
            await asyncio.to_thread(self._record, order, end)
        finally:
            self.crawls.discard(crawl)
        return end

    def _record(self, order: RunOrder, end: RunEnd) -> None:
        """Close the run if its crawl did not, and log how it ended."""
        reason = runs.KILLED if end.killed else end.stopped or runs.CRASHED
        self.archive.close_run(order.run_id, reason)  # a no-op when the crawl closed it
        final = self.archive.crawl_run(order.run_id)
        if not final.claimed:
            logger.error(
                "%s %s before its crawl started (run %d: %s)",
                order.label,
                end.detail,
                final.id,
                final.finish_reason,
            )
            return
        summary = _summary(end.summary)
        logger.info(
            "%s: run %d %s in %.1f s%s",
            order.label,
            final.id,
            final.finish_reason,
            end.seconds,
            f" ({summary})" if summary else "",
        )


def _summary(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    keys = ("articles_new", "versions_new", "unchanged", "not_modified")
    parts = [f"{key} {data.get(key, 0)}" for key in keys]
    failed = sum(data.get("failed", {}).values())
    return ", ".join([*parts, f"failed {failed}"])
