"""The scheduling daemon: every source on its schedule, due articles re-checked, for months.

APScheduler 3 (AsyncIOScheduler) with an in-memory job store rebuilt from the sources file at
every start: nothing is pickled, and what happened before a restart is read from crawl_runs.
Scheduled jobs only ask for runs: each source has a queue (SourceQueue) that starts its runs
one after the other, so a discovery due while the source's revisit runs starts right after
it, and several runs of one kind waiting become one. A source being crawled by a run started
elsewhere (by hand, by another machine) holds its runs back until that run ends.

The daemon makes each run's row, then starts its crawl through a Runner (schedules.runner;
local child processes by default) with a hard time limit, and closes the run if the crawl
could not. After a discovery run it judges the source's health (storage.health), and it sends
the outbox (schedules.notify). Runs whose crawl stopped beating are closed as interrupted at
start and on every revisit tick. The daemon beats in its own row (storage.daemons) for
``archiver status``. One daemon schedules per archive: a second one waits as a standby and
takes over when the first one's lock is released, which happens when it exits or dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from dataclasses import dataclass, field
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

from schedules import notify
from schedules.plan import SourcePlan, needs_catch_up, trigger_for
from schedules.runner import Crawl, RunEnd, Runner, RunOrder
from storage import Archive, daemons, health, queries, runs
from storage.engine import first_line
from storage.locks import daemon_lock, source_lock
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
    # How often the daemon beats in its row (storage.daemons), and sends the outbox.
    heartbeat: float = daemons.DEFAULT_BEAT
    notify_every: timedelta = timedelta(seconds=5)
    # How often a source held by a run started elsewhere is looked at again.
    busy_poll: timedelta = timedelta(seconds=5)
    targets: tuple[notify.Target, ...] = ()
    health: health.HealthRules = field(default_factory=health.HealthRules)


@dataclass
class SourceQueue:
    """The runs a source waits for, in order (kinds, each at most once), and the task that
    starts them one after the other."""

    waiting: list[str] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    # Whether the wait for a run started elsewhere was logged (once per wait).
    held_logged: bool = False


class Daemon:
    def __init__(self, settings: DaemonSettings, runner: Runner) -> None:
        self.settings = settings
        self.runner = runner
        self.archive = Archive(settings.database_url, write=True)
        self.lock = daemon_lock(settings.database_url)
        self.scheduler: AsyncIOScheduler | None = None
        self.crawls: set[Crawl] = set()
        self._plans = {plan.name: plan for plan in settings.sources}
        self._queues: dict[str, SourceQueue] = {}
        self._stop = asyncio.Event()
        self._notify_now = asyncio.Event()
        self._daemon_id: int | None = None
        self._state = daemons.STANDBY

    # -- life cycle -----------------------------------------------------------------------

    async def run(self) -> int:
        """Run until SIGTERM or SIGINT; 0 when every run ended and was recorded."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.stop, signal.Signals(signum).name)
        self._daemon_id = await asyncio.to_thread(self._start_beating)
        beating = asyncio.create_task(self._beat_loop())
        try:
            if not await self._lead():
                return 0
            self._state = daemons.LEADER
            await asyncio.to_thread(self._beat)
            closed = await self._close_stale()
            if closed:
                logger.warning("closed %d run(s) left open before this start", len(closed))
            if self.settings.targets:
                await asyncio.to_thread(self._register_targets)
            sending = asyncio.create_task(self._notify_loop())
            self.scheduler = await self._schedule()
            self.scheduler.start()
            logger.info(
                "daemon started: %d source(s) scheduled", len(self.scheduler.get_jobs()) - 1
            )
            await self._stop.wait()
            await self._shut_down()
            sending.cancel()
            await asyncio.gather(sending, return_exceptions=True)
            if self.settings.targets:
                await asyncio.to_thread(self._flush_notices)  # what the last runs announced
        finally:
            beating.cancel()
            await asyncio.gather(beating, return_exceptions=True)
            self._state = daemons.STOPPED
            await asyncio.to_thread(self._beat)
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
        tasks = [q.task for q in self._queues.values() if q.task is not None]
        # Each queue's task records how its crawl ended, then starts nothing more.
        await asyncio.gather(*tasks, return_exceptions=True)
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
            if needs_catch_up(plan.schedule, last, now):
                logger.info(
                    "%s missed its schedule (last run %s): catching up once", plan.name, last
                )
                # Asked for before the first revisit tick: the catch-up runs first.
                self.request(plan.name, "discover")
            scheduler.add_job(
                self._scheduled,
                trigger_for(plan.schedule, now, self.settings.max_jitter),
                args=[plan.name],
                id=f"discover:{plan.name}",
                name=f"discover {plan.name}",
            )
        scheduler.add_job(
            self.revisit_due,
            IntervalTrigger(seconds=self.settings.revisit_every.total_seconds(), timezone="UTC"),
            id="revisit",
            name="revisit due articles",
            next_run_time=now,
        )
        return scheduler

    async def _scheduled(self, source: str) -> None:
        """A source's scheduled discovery: asked for, started by its queue."""
        self.request(source, "discover")

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
                extra={"source": run.source, "run_id": run.id},
            )
        return closed

    async def revisit_due(self) -> None:
        """A revisit run asked for every source with articles due for a check."""
        closed = await self._close_stale()
        for name in {run.source for run in closed if run.source in self._plans}:
            await asyncio.to_thread(self._judge, name)
        now = utcnow()
        for name in await asyncio.to_thread(self._due_sources, now):
            self.request(name, "revisit")

    # -- each source's queue --------------------------------------------------------------

    def request(self, source: str, kind: str) -> None:
        """Ask for a run of *source*; it starts when the source's earlier runs have ended.
        A run of the same kind already waiting stands for this one too."""
        if self._stop.is_set():
            return
        queue = self._queues.setdefault(source, SourceQueue())
        if kind in queue.waiting:
            logger.info(
                "a %s run of %s is waiting already: this one is the same",
                kind,
                source,
                extra={"source": source},
            )
            return
        queue.waiting.append(kind)
        if queue.task is None or queue.task.done():
            queue.task = asyncio.create_task(self._drain(source, queue))

    async def _drain(self, source: str, queue: SourceQueue) -> None:
        """Start the source's waiting runs one after the other, until none waits."""
        poll = self.settings.busy_poll.total_seconds()
        while queue.waiting and not self._stop.is_set():
            kind = queue.waiting[0]
            if not await asyncio.to_thread(self._free, source, kind, queue):
                await self._pause(poll)
                continue
            queue.waiting.pop(0)
            final = await self.run_source(source, kind)
            if final is not None and final.finish_reason == runs.ALREADY_RUNNING:
                # Taken between the look and the start, by a run started elsewhere.
                logger.warning(
                    "%s run %d of %s found the source busy: it runs again when the source is free",
                    kind,
                    final.id,
                    source,
                    extra={"source": source, "run_id": final.id},
                )
                if kind not in queue.waiting:
                    queue.waiting.insert(0, kind)
                await self._pause(poll)

    def _free(self, source: str, kind: str, queue: SourceQueue) -> bool:
        """Whether nothing holds the source's lock (a run started outside this daemon)."""
        lock = source_lock(self.settings.database_url, source)
        try:
            taken = lock.acquire()
        except Exception as exc:  # its file cannot be made, its server is away: try anyway
            logger.warning("cannot tell whether %s is being crawled: %s", source, first_line(exc))
            return True
        if taken:
            lock.release()
            if queue.held_logged:
                logger.info("%s is free again: its %s run starts", source, kind)
            queue.held_logged = False
            return True
        if not queue.held_logged:
            with self.archive.session() as session:
                others = [r for r in runs.open_runs(session, source=source) if r.claimed]
            by = (
                f"run {others[-1].id} (pid {others[-1].pid} on {others[-1].host})"
                if others
                else "a crawl"
            )
            logger.warning(
                "%s is being crawled by %s started outside this daemon: its %s run waits "
                "until that ends",
                source,
                by,
                kind,
            )
            queue.held_logged = True
        return False

    async def _pause(self, seconds: float) -> None:
        """Sleep *seconds*, or less if the daemon is stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    def _due_sources(self, now: datetime) -> list[str]:
        with self.archive.session() as session:
            return [
                plan.name
                for plan in self.settings.sources
                if queries.due_count(session, plan.name, now) > 0
            ]

    async def run_source(self, source: str, kind: str) -> runs.RunView | None:
        """Run one crawl of *source*: make its run, start it, wait for it, check its end."""
        if self._stop.is_set():
            return None
        beat = self._plans[source].heartbeat
        run_id = await asyncio.to_thread(self.archive.start_run, source, kind, heartbeat=beat)
        order = RunOrder(run_id, source, kind)
        try:
            crawl = await self.runner.start(order)
        except Exception as exc:  # the crawl could not even start (no such program, ...)
            logger.error("%s could not start: %s", order.label, exc, extra=order.log_extra)
            await asyncio.to_thread(self.archive.close_run, run_id, runs.CRASHED)
            return await asyncio.to_thread(self.archive.crawl_run, run_id)
        logger.info("%s: run %d started", order.label, run_id, extra=order.log_extra)
        # Registered until its end is recorded: a shutdown waits for that, not just the exit.
        self.crawls.add(crawl)
        try:
            end = await crawl.wait(
                self.settings.run_limit.total_seconds(), self.settings.grace.total_seconds()
            )
            final = await asyncio.to_thread(self._record, order, end)
        finally:
            self.crawls.discard(crawl)
        self._notify_now.set()
        return final

    def _record(self, order: RunOrder, end: RunEnd) -> runs.RunView:
        """Close the run if its crawl did not, log how it ended, judge the source."""
        reason = runs.KILLED if end.killed else end.stopped or runs.CRASHED
        self.archive.close_run(order.run_id, reason)  # a no-op when the crawl closed it
        final = self.archive.crawl_run(order.run_id)
        if order.kind == "discover":
            self._judge(order.source)
        if not final.claimed:
            logger.error(
                "%s %s before its crawl started (run %d: %s)",
                order.label,
                end.detail,
                final.id,
                final.finish_reason,
                extra=order.log_extra,
            )
            return final
        summary = _summary(end.summary)
        logger.info(
            "%s: run %d %s in %.1f s%s",
            order.label,
            final.id,
            final.finish_reason,
            end.seconds,
            f" ({summary})" if summary else "",
            extra=order.log_extra,
        )
        return final

    def _judge(self, source: str) -> None:
        """The source's health after a run; a notice when it changed (storage.health)."""
        try:
            with self.archive.session() as session:
                judged = health.refresh(session, source, self.settings.health)
        except Exception as exc:  # judged again after its next run
            logger.warning(
                "could not judge the health of %s: %s",
                source,
                first_line(exc),
                extra={"source": source},
            )
            return
        if judged.health in (health.FAILING, health.DEGRADED):
            logger.warning(
                "%s is %s: %s",
                source,
                judged.health,
                "; ".join(judged.problems),
                extra={"source": source},
            )

    # -- the daemon's heartbeat and the outbox --------------------------------------------

    def _start_beating(self) -> int:
        with self.archive.session() as session:
            return daemons.start(
                session,
                host=socket.gethostname(),
                pid=os.getpid(),
                state=self._state,
                heartbeat_every=self.settings.heartbeat,
            )

    def _beat(self) -> None:
        assert self._daemon_id is not None
        with self.archive.session() as session:
            daemons.beat(session, self._daemon_id, state=self._state, next_runs=self._next_runs())

    def _next_runs(self) -> dict[str, str | None]:
        """When each source runs next: now when a run of it waits, else its next slot."""
        now = utcnow().isoformat()
        upcoming: dict[str, str | None] = {}
        for name in self._plans:
            queue = self._queues.get(name)
            job = self.scheduler.get_job(f"discover:{name}") if self.scheduler else None
            if queue is not None and queue.waiting:
                upcoming[name] = now
            elif job is not None and job.next_run_time is not None:
                upcoming[name] = job.next_run_time.isoformat()
            else:
                upcoming[name] = None
        return upcoming

    async def _beat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.heartbeat)
            try:
                await asyncio.to_thread(self._beat)
            except Exception as exc:  # the archive away: beat again next time
                logger.warning("could not record the daemon's heartbeat: %s", first_line(exc))

    def _register_targets(self) -> None:
        with self.archive.session() as session:
            notify.register(session, self.settings.targets)

    def _flush_notices(self) -> None:
        try:
            notify.flush(self.archive.session, self.settings.targets)
        except Exception as exc:  # what is not sent stays in the outbox
            logger.warning("could not send notices: %s", first_line(exc))

    async def _notify_loop(self) -> None:
        """Send the outbox every notify_every, and soon after each run."""
        if not self.settings.targets:
            return
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._notify_now.wait(), self.settings.notify_every.total_seconds()
                )
            self._notify_now.clear()
            await asyncio.to_thread(self._flush_notices)


def _summary(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    keys = ("articles_new", "versions_new", "unchanged", "not_modified")
    parts = [f"{key} {data.get(key, 0)}" for key in keys]
    failed = sum(data.get("failed", {}).values())
    return ", ".join([*parts, f"failed {failed}"])
