"""ExtractPipeline: article text and metadata, off the event loop, within a hard budget per page."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from pipelines.items import EXTRACTED_STAT, Failed, PageItem, Rejected
from pipelines.shared import Shared
from pipelines.workers import WorkerCrashed, WorkerError, WorkerPool, WorkerTimeout
from storage.content import Content

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

EXTRACT_TARGET = "pipelines.extraction:extract"
# Named from package metadata so the crawler process never imports trafilatura itself.
EXTRACTOR = f"trafilatura {version('trafilatura')}"


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
POOLS: Shared[PoolSpec, WorkerPool] = Shared(_start_pool, WorkerPool.close)


class ExtractPipeline:
    """Fill ``PageItem.content`` using a pool of killable extraction processes.

    Settings: EXTRACT_ENABLED, EXTRACT_WORKERS (default: CPU count, at most 4),
    EXTRACT_TIMEOUT (seconds per page, default 10), EXTRACT_MAX_BYTES (pages larger than this
    are rejected before parsing, default 8 MiB), EXTRACT_MEMORY_LIMIT (bytes of address space per
    worker, default 2 GiB).
    """

    def __init__(self, spec: PoolSpec, max_bytes: int, stats: StatsCollector | None = None) -> None:
        self.spec = spec
        self.stats = stats
        self.max_bytes = max_bytes
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
        return cls(spec, settings.getint("EXTRACT_MAX_BYTES", 8 * 1024 * 1024), crawler.stats)

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
        if len(item.body) > self.max_bytes:
            raise Rejected("too_large", f"{len(item.body)} bytes > {self.max_bytes}: {item.url}")
        pool = await self._pool()
        if self.stats is not None:
            self.stats.inc_value(EXTRACTED_STAT)
        loop = asyncio.get_running_loop()
        try:
            content = await loop.run_in_executor(self._threads, pool.call, item.text, item.url)
        except WorkerTimeout as exc:
            raise Failed("extract_timeout", f"{exc}: {item.url}") from exc
        except WorkerCrashed as exc:
            raise Failed("extract_crashed", f"{exc}: {item.url}") from exc
        except WorkerError as exc:
            raise Failed("extract_error", f"{exc}: {item.url}") from exc
        if not isinstance(content, Content):
            raise Failed("extract_empty", item.url)
        item.content = content
        item.extractor = EXTRACTOR
        return item
