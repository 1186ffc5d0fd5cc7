"""ExtractPipeline: each article page decoded and read off the event loop, in a worker process,
within a hard time budget per page (DESIGN §5)."""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from statistics import median
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured

from pipelines.items import (
    DATES_DROPPED_STAT,
    EXTRACTED_STAT,
    METADATA_SKIPPED_STAT,
    READING_STAT,
    Failed,
    PageItem,
    Rejected,
)
from pipelines.options import Options, parse_options
from pipelines.refcounted import RefCounted
from pipelines.workers import WorkerCrashed, WorkerError, WorkerPool, WorkerTimeout
from storage import outcomes
from storage.content import Content
from storage.records import Reading
from storage.store import Earlier

if TYPE_CHECKING:
    from datetime import datetime
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from pipelines.reader import Unreadable

logger = logging.getLogger(__name__)

# The worker's function (pipelines.reader.read_page), by name: the crawler process never
# imports trafilatura itself.
EXTRACT_TARGET = "pipelines.reader:read_page"
# Seconds and bytes of address space a worker may spend on one page (EXTRACT_TIMEOUT,
# EXTRACT_MEMORY_LIMIT).
DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_LIMIT = 2 * 1024**3
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


@dataclass
class ReadingTally:
    """What a run's readings found, for the source's health (storage.health)."""

    read: int = 0
    title: int = 0
    author: int = 0
    date: int = 0
    lengths: list[int] = field(default_factory=list)

    def add(self, content: Content) -> None:
        self.read += 1
        self.title += bool(content.title)
        self.author += bool(content.author)
        self.date += content.published_at is not None
        self.lengths.append(len(content.text))

    def save(self, stats: StatsCollector) -> None:
        for name in ("read", "title", "author", "date"):
            stats.set_value(READING_STAT + name, getattr(self, name))
        stats.set_value(READING_STAT + "text_median", int(median(self.lengths or [0])))


# One pool of extraction processes for every crawl in this process.
POOLS: RefCounted[PoolSpec, WorkerPool] = RefCounted(_start_pool, WorkerPool.close)


class ExtractPipeline:
    """Fill ``PageItem.reading`` using a pool of killable extraction processes.

    Settings: EXTRACT_ENABLED, EXTRACT_WORKERS (default: CPU count, at most 4),
    EXTRACT_TIMEOUT (seconds per page, default 10), EXTRACT_MEMORY_LIMIT (bytes of address
    space per worker, default 2 GiB), EXTRACT_OPTIONS (a source's ``extract`` table,
    pipelines.options). Pages too large or not HTML never get here
    (scraper.middlewares.pagefilter). What a reading leaves out of a page is counted in
    archive/dates_dropped and archive/metadata_skipped.
    """

    def __init__(
        self,
        spec: PoolSpec,
        stats: StatsCollector | None = None,
        crawler: Crawler | None = None,
        options: Options = (),
    ) -> None:
        self.spec = spec
        self.options = options
        self.stats = stats
        # Attached to what this pipeline logs, and what its workers log: the crawl's run.
        self.log_extra = {"crawler": crawler} if crawler is not None else {}
        self.pool: WorkerPool | None = None
        self.tally = ReadingTally()
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
            timeout=settings.getfloat("EXTRACT_TIMEOUT", DEFAULT_TIMEOUT),
            memory_limit=settings.getint("EXTRACT_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT) or None,
        )
        try:
            options = parse_options(settings.getdict("EXTRACT_OPTIONS"))
        except ValueError as exc:
            raise ValueError(f"EXTRACT_OPTIONS: {exc}") from exc
        return cls(spec, crawler.stats, crawler, options)

    async def _pool(self) -> WorkerPool:
        """The worker pool, started on first use: a re-check run whose pages all answer 304
        or come back byte for byte never pays for starting extraction processes."""
        async with self._starting:
            if self.pool is None:
                loop = asyncio.get_running_loop()
                self.pool = await loop.run_in_executor(self._threads, POOLS.acquire, self.spec)
        return self.pool

    def close_spider(self) -> None:
        if self.stats is not None:
            self.tally.save(self.stats)
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
        try:
            read = await self._read(pool, page.raw, item.content_type, page.url, page.fetched_at)
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
        self.tally.add(read.content)
        item.reading = read
        item.reread = partial(self._reread, pool)
        return item

    async def _read(
        self,
        pool: WorkerPool,
        raw: bytes,
        content_type: str | None,
        url: str,
        fetched_at: datetime | None,
    ) -> Reading | Unreadable:
        loop = asyncio.get_running_loop()
        call = partial(pool.call, log_extra=self.log_extra)
        return await loop.run_in_executor(
            self._threads, call, raw, content_type, url, fetched_at, self.options
        )

    async def _reread(self, pool: WorkerPool, earlier: Earlier) -> Content | None:
        """An earlier version's stored page read as this run reads pages (storage.store asks
        when that version was read by another extractor); None when it cannot be read."""
        content_type = f"text/html; charset={earlier.encoding}" if earlier.encoding else None
        try:
            read = await self._read(pool, earlier.raw, content_type, earlier.url, earlier.at)
        except (WorkerTimeout, WorkerCrashed, WorkerError) as exc:
            logger.warning(
                "cannot read the earlier version of %s again: %s",
                earlier.url,
                exc,
                extra=self.log_extra,
            )
            return None
        return read.content if isinstance(read, Reading) else None

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
            extra=self.log_extra,
        )


def read_in(
    pool: WorkerPool,
    raw: bytes,
    content_type: str | None,
    url: str,
    fetched_at: datetime | None,
    options: Options = (),
) -> Reading | str:
    """A stored or imported page read in *pool* (off any crawl), or why it cannot be: the
    outcome's reason (``extract_timeout``, ``extract_empty``, ``not_text``, ...)."""
    try:
        read = pool.call(raw, content_type, url, fetched_at, options)
    except WorkerTimeout:
        return "extract_timeout"
    except WorkerCrashed:
        return "extract_crashed"
    except WorkerError:
        return "extract_error"
    if isinstance(read, Reading):
        return read
    return str(read.outcome).partition(":")[2]


def _unreadable(outcome: str, detail: str) -> DropItem:
    reason = outcome.partition(":")[2]
    if outcome.startswith(outcomes.REJECTED_PREFIX):
        return Rejected(reason, detail)
    return Failed(reason, detail)
