"""ExtractPipeline: each article page decoded and read off the event loop, in a worker process,
within a hard time budget per page (DESIGN §5)."""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured

from pipelines.items import (
    DATES_DROPPED_STAT,
    EXTRACTED_STAT,
    METADATA_SKIPPED_STAT,
    Failed,
    PageItem,
    Rejected,
)
from pipelines.refcounted import RefCounted
from pipelines.workers import WorkerCrashed, WorkerError, WorkerPool, WorkerTimeout
from storage import outcomes
from storage.records import Reading

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

# The worker's function (pipelines.reader.read_page), by name: the crawler process never
# imports trafilatura itself.
EXTRACT_TARGET = "pipelines.reader:read_page"
# Where each kind of thing a reading left out is counted (storage.records.Dropped.what).
DROPPED_STATS = {
    "published_at": DATES_DROPPED_STAT,
    "modified_at": DATES_DROPPED_STAT,
    "json_ld": METADATA_SKIPPED_STAT,
    "metadata": METADATA_SKIPPED_STAT,
}


@dataclass(frozen=True)
class PoolSpec:
    size: int
    timeout: float
    memory_limit: int | None


def _start_pool(spec: PoolSpec) -> WorkerPool:
    pool = WorkerPool(
        EXTRACT_TARGET, size=spec.size, timeout=spec.timeout, memory_limit=spec.memory_limit
    )
    pool.start()
    return pool


# One pool of extraction processes for every crawl in this process.
POOLS: RefCounted[PoolSpec, WorkerPool] = RefCounted(_start_pool, WorkerPool.close)


class ExtractPipeline:
    """Fill ``PageItem.reading`` using a pool of killable extraction processes.

    Settings: EXTRACT_ENABLED, EXTRACT_WORKERS (default: CPU count, at most 4),
    EXTRACT_TIMEOUT (seconds per page, default 10), EXTRACT_MEMORY_LIMIT (bytes of address
    space per worker, default 2 GiB). Pages too large or not HTML never get here
    (scraper.middlewares.pagefilter). What a reading leaves out of a page is counted in
    archive/dates_dropped and archive/metadata_skipped.
    """

    def __init__(self, spec: PoolSpec, stats: StatsCollector | None = None) -> None:
        self.spec = spec
        self.stats = stats
        self.pool: WorkerPool | None = None
        self._starting = asyncio.Lock()
        # One waiting thread per worker: a page waits for a free worker off the event loop.
        self._threads = ThreadPoolExecutor(max_workers=spec.size, thread_name_prefix="extract")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("EXTRACT_ENABLED", True):
            raise NotConfigured("EXTRACT_ENABLED is off")
        spec = PoolSpec(
            size=settings.getint("EXTRACT_WORKERS", min(4, os.cpu_count() or 1)),
            timeout=settings.getfloat("EXTRACT_TIMEOUT", 10.0),
            memory_limit=settings.getint("EXTRACT_MEMORY_LIMIT", 2 * 1024**3) or None,
        )
        return cls(spec, crawler.stats)

    async def _pool(self) -> WorkerPool:
        """The worker pool, started on first use: a re-check run whose pages all answer 304
        or come back byte for byte never pays for starting extraction processes."""
        async with self._starting:
            if self.pool is None:
                loop = asyncio.get_running_loop()
                self.pool = await loop.run_in_executor(self._threads, POOLS.acquire, self.spec)
        return self.pool

    def close_spider(self) -> None:
        self._threads.shutdown(wait=True)
        if self.pool is not None:
            POOLS.release(self.spec)
            self.pool = None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        pool = await self._pool()
        if self.stats is not None:
            self.stats.inc_value(EXTRACTED_STAT)
        page = item.page
        loop = asyncio.get_running_loop()
        try:
            read = await loop.run_in_executor(
                self._threads, pool.call, page.raw, item.content_type, page.url, page.fetched_at
            )
        except WorkerTimeout as exc:
            raise Failed("extract_timeout", f"{exc}: {page.url}") from exc
        except WorkerCrashed as exc:
            raise Failed("extract_crashed", f"{exc}: {page.url}") from exc
        except WorkerError as exc:
            raise Failed("extract_error", f"{exc}: {page.url}") from exc
        if not isinstance(read, Reading):
            raise _unreadable(read.outcome, f"{read.detail}: {page.url}".lstrip(": "))
        if read.dropped:
            self._count_dropped(read, page.url)
        item.reading = read
        return item

    def _count_dropped(self, read: Reading, url: str) -> None:
        """Count what the reading left out; one log line per page says what and why."""
        for dropped in read.dropped:
            if self.stats is not None:
                self.stats.inc_value(DROPPED_STATS.get(dropped.what, METADATA_SKIPPED_STAT))
        # An impossible date is the page's own mistake; unread metadata may be an attack.
        dates_only = all(DROPPED_STATS.get(d.what) == DATES_DROPPED_STAT for d in read.dropped)
        logger.log(
            logging.INFO if dates_only else logging.WARNING,
            "%s is archived without %s",
            url,
            "; ".join(f"{dropped.what} ({dropped.why})" for dropped in read.dropped),
        )


def _unreadable(outcome: str, detail: str) -> DropItem:
    reason = outcome.partition(":")[2]
    if outcome.startswith(outcomes.REJECTED_PREFIX):
        return Rejected(reason, detail)
    return Failed(reason, detail)
