"""StorePipeline: pages become articles, versions and checks; the run is recorded in crawl_runs."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro

from pipelines.items import (
    EXTRACTED_STAT,
    OUTCOME_STAT,
    REQUESTS_STAT,
    AliasItem,
    Failed,
    PageItem,
)
from pipelines.shared import Shared
from storage import outcomes, store
from storage.engine import first_line, is_unavailable, redact
from storage.locks import RunLock, source_lock
from storage.revisit import DEFAULT_LADDER, DEFAULT_STEPS, DEFAULT_STOP, Ladder
from storage.writer import Writer

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.spiders import Spider
    from scrapy.statscollectors import StatsCollector
    from sqlalchemy.orm import Session


P = ParamSpec("P")
T = TypeVar("T")
logger = logging.getLogger(__name__)

# One writer per database for every crawl in this process.
WRITERS: Shared[str, Writer] = Shared(Writer, Writer.close)


# The finish reason of a run that found its source already being crawled.
ALREADY_RUNNING = "already_running"
# The finish reason of a run stopped because its database could not take writes (disk full,
# server away for longer than the writer retries); the error is in this stat.
STORAGE_FAILED = "storage_failed"
STORAGE_ERROR_STAT = "archive/storage_error"


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
        "outcomes": dict(sorted(counts.items())),
        "bytes": int(stats.get("downloader/response_bytes", 0)),
        "elapsed": round(elapsed, 3),
    }


class StorePipeline:
    """Store every PageItem through one writer thread and set ``item.outcome``.

    Settings: ARCHIVE_DATABASE_URL (required), ARCHIVE_SOURCE (the source's name; empty for ad
    hoc fetches), ARCHIVE_SOURCE_FINGERPRINT, ARCHIVE_RUN_KIND (discover, revisit or adhoc),
    ARCHIVE_HEARTBEAT (seconds between progress saves, default 30), ARCHIVE_REVISIT and
    ARCHIVE_REVISIT_STOP (the revisit ladder, storage.revisit's defaults).

    A run of a source holds the source's lock (storage.locks) from start to end: a second run
    of the same source, from anywhere, ends at once as ``already_running``.
    """

    def __init__(
        self,
        database_url: str,
        stats: StatsCollector,
        *,
        source: str | None,
        fingerprint: str | None,
        kind: str,
        heartbeat: float,
        ladder: Ladder = DEFAULT_LADDER,
    ) -> None:
        self.database_url = database_url
        self.ladder = ladder
        self.stats = stats
        self.source = source
        self.fingerprint = fingerprint
        self.kind = kind
        self.heartbeat = heartbeat
        self.writer: Writer | None = None
        self.source_id: int | None = None
        self.run_id: int | None = None
        self.lock: RunLock | None = None
        self.crawler: Crawler | None = None
        self.storage_error: str | None = None
        self._started = time.monotonic()
        self._task: Any = None
        # Aliases that arrived before their article was stored, by article key.
        self._pending_aliases: defaultdict[str, set[str]] = defaultdict(set)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        url = settings.get("ARCHIVE_DATABASE_URL")
        if not url:
            raise NotConfigured("ARCHIVE_DATABASE_URL is not set")
        pipeline = cls(
            url,
            crawler.stats,
            source=settings.get("ARCHIVE_SOURCE") or None,
            fingerprint=settings.get("ARCHIVE_SOURCE_FINGERPRINT") or None,
            kind=settings.get("ARCHIVE_RUN_KIND", "discover"),
            heartbeat=settings.getfloat("ARCHIVE_HEARTBEAT", 30.0),
            ladder=Ladder.parse(
                settings.getlist("ARCHIVE_REVISIT", list(DEFAULT_STEPS)),
                settings.get("ARCHIVE_REVISIT_STOP", DEFAULT_STOP),
            ),
        )
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.writer = WRITERS.acquire(self.database_url)
        if self.source:
            self.source_id = self.writer.call(store.ensure_source, self.source, self.fingerprint)
        self.run_id = self.writer.call(
            store.start_run,
            source_id=self.source_id,
            kind=self.kind,
            pid=os.getpid(),
            host=socket.gethostname(),
        )
        self.stats.set_value("archive/run_id", self.run_id)
        self.stats.set_value("archive/database", redact(self.database_url))
        if self.source:
            lock = source_lock(self.database_url, self.source)
            if not lock.acquire():
                raise CloseSpider(ALREADY_RUNNING)
            self.lock = lock
            left_open = self.writer.call(
                store.close_runs_left_open, self.source_id or 0, self.run_id
            )
            for run_id in left_open:
                logger.warning(
                    "run %d of %s was left open by a process that is gone: interrupted",
                    run_id,
                    self.source,
                )
        self._task = create_looping_call(self._save_progress)
        self._task.start(self.heartbeat, now=False)

    def _writer(self) -> Writer:
        if self.writer is None:
            raise RuntimeError("StorePipeline used before open_spider")
        return self.writer

    def _save_progress(self) -> None:
        # Fire and forget: the writer thread saves it between page writes.
        stats = run_stats(self.stats.get_stats(), time.monotonic() - self._started)
        self._writer().submit(store.update_run, self.run_id or 0, stats)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            return await self._store_page(item)
        if isinstance(item, store.Recheck):
            return await self._store_check(item)
        if isinstance(item, AliasItem):
            await self._store_aliases(item)
        return item

    async def _write(
        self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a store function on the writer; a database that cannot take writes stops the run.

        The writer has already retried for minutes by then (storage.writer): going on would
        only fetch pages that cannot be stored. The next run fetches them again.
        """
        try:
            return await asyncio.wrap_future(self._writer().submit(fn, *args, **kwargs))
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            self._stop(exc)
            raise Failed("storage", first_line(exc)) from exc

    def _stop(self, exc: BaseException) -> None:
        if self.storage_error is not None:
            return
        self.storage_error = first_line(exc)
        logger.error("the archive database failed, stopping the run: %s", self.storage_error)
        self.stats.set_value(STORAGE_ERROR_STAT, self.storage_error)
        if self.crawler is not None and self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=STORAGE_FAILED))

    async def _store_check(self, item: store.Recheck) -> store.Recheck:
        check = replace(item, run_id=self.run_id, ladder=self.ladder)
        if await self._write(store.record_check, check) is None:
            raise Failed("not_archived", f"re-checked an article that is not archived: {item.url}")
        return item

    async def _store_page(self, item: PageItem) -> PageItem:
        if item.content is None or item.extractor is None:
            raise Failed("extract_missing", f"no content extracted for {item.url}")
        aliases = (*item.aliases, *sorted(self._pending_aliases.pop(item.url_key, ())))
        fetch = store.Fetch(
            url_key=item.url_key,
            url=item.url,
            aliases=aliases,
            fetched_at=item.fetched_at,
            status=item.status,
            raw=item.body,
            encoding=item.encoding,
            content=item.content,
            extractor=item.extractor,
            etag=item.etag,
            last_modified=item.last_modified,
            source_id=self.source_id,
            run_id=self.run_id,
            ladder=self.ladder,
        )
        stored = await self._write(store.store_fetch, fetch)
        item.outcome = stored.outcome
        item.version = stored.version
        item.changed = stored.changed
        return item

    async def _store_aliases(self, item: AliasItem) -> None:
        urls = list(item.urls)
        found = await self._write(store.add_aliases_by_key, item.url_key, urls)
        if not found:
            self._pending_aliases[item.url_key].update(urls)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Close the run with its final counts."""
        if self._task is not None and self._task.running:
            self._task.stop()
        if self.writer is None:  # the run never started (the database could not be opened)
            return
        ledger = getattr(spider, "ledger", None)
        if ledger is not None:
            ledger.close(reason)  # settle what is still open before the counts are final
        writer = self._writer()
        for key, urls in self._pending_aliases.items():
            writer.submit(store.add_aliases_by_key, key, sorted(urls))
        self._pending_aliases.clear()
        stats = run_stats(self.stats.get_stats(), time.monotonic() - self._started)
        try:
            writer.call(store.update_run, self.run_id or 0, stats, reason)
        except Exception as exc:  # left open: the next run of its source closes it
            logger.error("could not record the end of run %s: %s", self.run_id, first_line(exc))
        if self.lock is not None:
            self.lock.release()
        WRITERS.release(self.database_url)
