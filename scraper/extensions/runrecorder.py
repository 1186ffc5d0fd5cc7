"""RunRecorder: the crawl's row in crawl_runs, from the spider opening to its close (DESIGN §1).

Whoever starts a crawl makes its run first and hands the id over in ARCHIVE_RUN_ID; the crawl
claims that run. Without one (``scrapy crawl`` by hand) the recorder makes the run itself.
A run of a source holds the source's lock (storage.locks) from start to end: a second run of
the same source, from anywhere, ends at once as ``already_running``. While it runs, the
recorder saves the crawl's counts every ARCHIVE_HEARTBEAT seconds, which is the run's
heartbeat, and closes the stale runs of its source that it comes across; at the end it saves
the final counts with the finish reason. A crawl stopped because the archive refused writes
(disk full, read-only, the server away) closes its run as ``storage_failed`` on a connection
of its own: the writer's may be wedged, its queue full of writes that can only fail.

Settings: ARCHIVE_DATABASE_URL (required), ARCHIVE_RUN_ID, ARCHIVE_SOURCE (empty for ad hoc
fetches), ARCHIVE_SOURCE_FINGERPRINT, ARCHIVE_RUN_KIND (discover, revisit or adhoc),
ARCHIVE_HEARTBEAT (seconds, default storage.runs.DEFAULT_HEARTBEAT).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.utils.asyncio import create_looping_call
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from pipelines.items import (
    DATES_DROPPED_STAT,
    EXTRACTED_STAT,
    METADATA_SKIPPED_STAT,
    OUTCOME_STAT,
    READING_STAT,
    REQUESTS_STAT,
)
from pipelines.signals import run_opened
from pipelines.store import STORAGE_ERROR_STAT, WRITERS, archive_url
from storage import health, outcomes, runs
from storage.engine import create_archive_engine, first_line, is_unavailable, redact, sqlite_path
from storage.errors import ArchiveError
from storage.locks import NamedLock, source_lock
from storage.writer import Writer

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session

P = ParamSpec("P")
T = TypeVar("T")
logger = logging.getLogger(__name__)

RUN_ID_STAT = "archive/run_id"
# The finish reason of a crawl handed a run that is not its own (unknown, another source's,
# or over already): it ends at once and records nothing.
RUN_REFUSED = "run_refused"
# Finish reasons of runs that did not run their course, or whose end says why already: a
# run that fetched nothing then is not warned about (the user stopped it, another run held the
# source, the run was not this crawl's, the archive failed with an ERROR of its own).
SAID_ELSEWHERE = frozenset({"shutdown", runs.ALREADY_RUNNING, RUN_REFUSED, runs.STORAGE_FAILED})
# Seconds a crawl waits for a Postgres server to take the connection its run is closed on
# after the archive failed (libpq would wait as long as the system lets a connect take).
CLOSE_CONNECT_TIMEOUT = 10


def run_stats(stats: dict[str, Any], elapsed: float) -> dict[str, Any]:
    """The summary of a crawl saved in crawl_runs.stats, from Scrapy's stats."""
    counts = {
        key.removeprefix(OUTCOME_STAT): int(value)
        for key, value in stats.items()
        if key.startswith(OUTCOME_STAT)
    }
    return {
        **outcomes.summarize(counts, pages=int(stats.get("response_received_count", 0))),
        "requests": int(stats.get(REQUESTS_STAT, 0)),
        "extracted": int(stats.get(EXTRACTED_STAT, 0)),
        "dates_dropped": int(stats.get(DATES_DROPPED_STAT, 0)),
        "metadata_skipped": int(stats.get(METADATA_SKIPPED_STAT, 0)),
        "outcomes": dict(sorted(counts.items())),
        "reading": {
            key.removeprefix(READING_STAT): int(value)
            for key, value in stats.items()
            if key.startswith(READING_STAT)
        },
        "bytes": int(stats.get("downloader/response_bytes", 0)),
        "elapsed": round(elapsed, 3),
    }


class RunRecorder:
    def __init__(
        self,
        crawler: Crawler,
        database_url: str,
        *,
        run_id: int | None,
        source: str | None,
        fingerprint: str | None,
        kind: str,
        heartbeat: float,
    ) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.run_id = run_id
        self.source = source
        self.fingerprint = fingerprint
        self.kind = kind
        self.heartbeat = heartbeat
        self.source_id: int | None = None
        # Set once the run is this crawl's: from then on its end is recorded.
        self.recording = False
        self.writer: Writer | None = None
        self.lock: NamedLock | None = None
        self._started = time.monotonic()
        self._beat: Any = None
        self._pending: Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        recorder = cls(
            crawler,
            archive_url(settings),
            run_id=settings.getint("ARCHIVE_RUN_ID") or None,
            source=settings.get("ARCHIVE_SOURCE") or None,
            fingerprint=settings.get("ARCHIVE_SOURCE_FINGERPRINT") or None,
            kind=settings.get("ARCHIVE_RUN_KIND") or "discover",
            heartbeat=settings.getfloat("ARCHIVE_HEARTBEAT", runs.DEFAULT_HEARTBEAT),
        )
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    async def _write(
        self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        assert self.writer is not None
        return await asyncio.wrap_future(self.writer.submit(fn, *args, **kwargs))

    async def spider_opened(self) -> None:
        """Claim (or make) the run, take the source's lock, close what stale runs it finds."""
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("archive/database", redact(self.database_url))
        self.writer = WRITERS.acquire(self.database_url)
        try:
            await self._open_run()
        except ArchiveError as exc:  # the run is not this crawl's to record in
            logger.error("cannot record this crawl: %s", exc, extra={"crawler": self.crawler})
            raise CloseSpider(RUN_REFUSED) from exc
        except Exception as exc:  # the database failed (the writer retried for minutes)
            raise self._cannot_start(exc) from exc
        stats.set_value(RUN_ID_STAT, self.run_id)
        await self.crawler.signals.send_catch_log_async(
            run_opened, run_id=self.run_id, source_id=self.source_id
        )
        if self.source is not None:
            lock = source_lock(self.database_url, self.source)
            try:
                taken = await asyncio.to_thread(lock.acquire)
            except Exception as exc:  # its file cannot be made, its server is away
                raise self._cannot_start(exc) from exc
            if not taken:
                raise CloseSpider(runs.ALREADY_RUNNING)
            self.lock = lock
        try:
            await self._close_stale()
        except Exception as exc:
            raise self._cannot_start(exc) from exc
        self._beat = create_looping_call(self._save_progress)
        self._beat.start(self.heartbeat, now=False)

    def _cannot_start(self, exc: BaseException) -> CloseSpider:
        """The archive failed before the crawl got going: one ERROR line, and the reason to
        stop with (an error from a spider_opened handler would not stop the crawl)."""
        logger.error(
            "the archive database failed, the crawl cannot start: %s",
            first_line(exc),
            extra={"crawler": self.crawler},
        )
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(STORAGE_ERROR_STAT, first_line(exc))
        return CloseSpider(runs.STORAGE_FAILED)

    async def _open_run(self) -> None:
        if self.source is not None:
            self.source_id = await self._write(runs.ensure_source, self.source, self.fingerprint)
        if self.run_id is None:
            self.run_id = await self._write(
                runs.start_run, source=self.source, kind=self.kind, heartbeat=self.heartbeat
            )
        await self._write(
            runs.claim_run,
            self.run_id,
            source=self.source,
            pid=os.getpid(),
            host=socket.gethostname(),
            heartbeat=self.heartbeat,
        )
        self.recording = True

    async def _close_stale(self) -> None:
        if self.source is not None:  # ad hoc fetches hold no lock and sweep nothing
            self._log_closed(await self._write(runs.close_stale_runs, source=self.source))

    def _log_closed(self, closed: list[runs.RunView]) -> None:
        for run in closed:
            logger.warning(
                "run %d of %s stopped beating at %s, its crawl is gone: interrupted",
                run.id,
                run.source,
                run.heartbeat_at.isoformat(timespec="seconds"),
                extra={"crawler": self.crawler},
            )

    def _stats(self) -> dict[str, Any]:
        stats = self.crawler.stats
        assert stats is not None
        return run_stats(stats.get_stats(), time.monotonic() - self._started)

    def _save_progress(self) -> None:
        """The heartbeat: the counts so far, then a look for stale runs of the source.

        Fire and forget (the writer thread saves it between page writes); while a beat is
        still waiting for the writer, as when the database is away, no more pile up. None
        once the archive has failed: the crawl is stopping, and records its end aside.
        """
        assert self.writer is not None
        assert self.run_id is not None
        assert self.crawler.stats is not None
        if self.crawler.stats.get_value(STORAGE_ERROR_STAT) is not None:
            return
        if self._pending is not None and not self._pending.done():
            return
        self._pending = self.writer.submit(runs.save_progress, self.run_id, self._stats())
        self._pending.add_done_callback(self._beat_done)

    def _beat_done(self, future: Future[None]) -> None:
        """On the writer thread, after a beat: on to the sweep for stale runs of the source."""
        error = future.exception() if not future.cancelled() else None
        if error is not None:  # the next beat tries again; the store pipeline stops the run
            logger.warning(
                "could not save the progress of run %s: %s",
                self.run_id,
                first_line(error),
                extra={"crawler": self.crawler},
            )
        elif self.source is not None and self.writer is not None:
            sweep = self.writer.submit(runs.close_stale_runs, source=self.source)
            sweep.add_done_callback(self._swept)

    def _swept(self, future: Future[list[runs.RunView]]) -> None:
        if not future.cancelled() and future.exception() is None:
            self._log_closed(future.result())

    async def spider_closed(self, reason: str) -> None:
        """Save the final counts with the finish reason, then let go of the source."""
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        try:
            if self.recording and self.run_id is not None:
                self._warn_if_nothing_usable(self.run_id, reason)
                await self._record_end(self.run_id, reason)
        finally:
            if self.lock is not None:
                await asyncio.to_thread(self.lock.release)
                self.lock = None
            if self.writer is not None:
                WRITERS.release(self.database_url)
                self.writer = None

    def _warn_if_nothing_usable(self, run_id: int, reason: str) -> None:
        """A run that ran its course and fetched nothing usable says so in one WARNING line,
        with its outcomes counted: an operator reads why at a glance (the site down, every
        page 404), where Scrapy's own log has only per-request lines."""
        if reason in SAID_ELSEWHERE:
            return
        counts = self._stats()["outcomes"]
        if not outcomes.nothing_usable(counts):
            return
        reasons = ", ".join(
            f"{outcome} {n}"
            for outcome, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        )
        of = f"of {self.source}" if self.source is not None else "(ad hoc)"
        logger.warning(
            "run %d %s fetched nothing usable: %s",
            run_id,
            of,
            reasons,
            extra={"crawler": self.crawler},
        )

    async def _record_end(self, run_id: int, reason: str) -> None:
        """The final counts and finish reason: through the writer; once the archive has
        failed, as ``storage_failed`` on a connection of its own."""
        stats = self.crawler.stats
        assert stats is not None
        if stats.get_value(STORAGE_ERROR_STAT) is None:
            try:
                await self._write(runs.save_progress, run_id, self._stats(), reason)
                await self._judge_source()
                return
            except Exception as exc:
                if not is_unavailable(exc):  # left open: found stale and closed later
                    logger.error(
                        "could not record the end of run %s: %s",
                        run_id,
                        first_line(exc),
                        extra={"crawler": self.crawler},
                    )
                    return
                # The crawl's last write is the one the archive refused.
                logger.error(
                    "the archive database failed at the run's end: %s",
                    first_line(exc),
                    extra={"crawler": self.crawler},
                )
                stats.set_value(STORAGE_ERROR_STAT, first_line(exc))
        # Counted after the store pipeline closed: every page's outcome is in.
        await asyncio.to_thread(self._close_aside, run_id, self._stats())

    async def _judge_source(self) -> None:
        """After a discovery run: the source's health, a notice if it changed."""
        if self.source is None or self.kind != "discover":
            return
        rules = health.HealthRules.from_mapping(
            dict(self.crawler.settings.getdict("ARCHIVE_HEALTH"))
        )
        try:
            judged = await self._write(health.refresh, self.source, rules)
        except Exception as exc:  # the run is recorded; whoever looks next judges again
            logger.warning(
                "could not judge the health of %s: %s",
                self.source,
                first_line(exc),
                extra={"crawler": self.crawler},
            )
            return
        if judged.health in (health.FAILING, health.DEGRADED):
            logger.warning(
                "%s is %s: %s",
                self.source,
                judged.health,
                "; ".join(judged.problems),
                extra={"crawler": self.crawler},
            )

    def _close_aside(self, run_id: int, stats: dict[str, Any]) -> None:
        """Close the run as ``storage_failed`` on a fresh connection; when the archive refuses
        that too (still full, read-only), say so in one line: the run is then found stale
        and closed as ``interrupted``."""
        options: dict[str, Any] = {"poolclass": NullPool}
        if sqlite_path(self.database_url) is None:
            options["connect_args"] = {"connect_timeout": CLOSE_CONNECT_TIMEOUT}
        try:
            engine = create_archive_engine(self.database_url, write=True, **options)
            try:
                with sessionmaker(engine).begin() as session:
                    runs.save_progress(session, run_id, stats, runs.STORAGE_FAILED)
            finally:
                engine.dispose()
        except Exception as exc:
            logger.error(
                "could not close run %s as %s, the archive refused that too: %s "
                "(it stays open until found stale, then it is closed as %s)",
                run_id,
                runs.STORAGE_FAILED,
                first_line(exc),
                runs.INTERRUPTED,
                extra={"crawler": self.crawler},
            )
