"""StorePipeline: pages become articles, versions and checks, through one writer thread.

The run they are filed under is the run recorder's (scraper.extensions.runrecorder), which
announces it with the ``run_opened`` signal before any item arrives.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from pipelines.items import AliasItem, Failed, PageItem
from pipelines.refcounted import RefCounted
from pipelines.signals import run_opened
from storage import runs, store
from storage.engine import first_line, is_unavailable
from storage.records import Recheck
from storage.revisit import DEFAULT_STEPS, DEFAULT_STOP, Ladder
from storage.store import RunContext
from storage.writer import Writer

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from sqlalchemy.orm import Session


P = ParamSpec("P")
T = TypeVar("T")
logger = logging.getLogger(__name__)

# One writer per database for every crawl in this process.
WRITERS: RefCounted[str, Writer] = RefCounted(Writer, Writer.close)

# A run stopped because its database could not take writes has its error in this stat.
STORAGE_ERROR_STAT = "archive/storage_error"


def archive_url(settings: BaseSettings) -> str:
    """ARCHIVE_DATABASE_URL, which every component that writes the archive needs."""
    url: str | None = settings.get("ARCHIVE_DATABASE_URL")
    if not url:
        raise NotConfigured("ARCHIVE_DATABASE_URL is not set")
    return url


class StorePipeline:
    """Store every PageItem, Recheck and AliasItem; set ``item.outcome`` of pages.

    Settings: ARCHIVE_DATABASE_URL (required), ARCHIVE_REVISIT and ARCHIVE_REVISIT_STOP (the
    revisit ladder, storage.revisit's defaults). A database that cannot take writes stops the
    crawl as ``storage_failed``.
    """

    def __init__(self, crawler: Crawler, database_url: str, ladder: Ladder) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.ladder = ladder
        self.writer: Writer | None = None
        self.run = RunContext(ladder=ladder)
        self.storage_error: str | None = None
        # Aliases that arrived before their article was stored, by article key.
        self._pending_aliases: defaultdict[str, set[str]] = defaultdict(set)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        url = archive_url(settings)
        ladder = Ladder.parse(
            settings.getlist("ARCHIVE_REVISIT", list(DEFAULT_STEPS)),
            settings.get("ARCHIVE_REVISIT_STOP", DEFAULT_STOP),
        )
        pipeline = cls(crawler, url, ladder)
        crawler.signals.connect(pipeline.run_opened, signal=run_opened)
        return pipeline

    def run_opened(self, run_id: int, source_id: int | None) -> None:
        self.run = RunContext(run_id=run_id, source_id=source_id, ladder=self.ladder)

    def open_spider(self) -> None:
        self.writer = WRITERS.acquire(self.database_url)

    def close_spider(self) -> None:
        if self.writer is None:
            return
        if self.storage_error is None:  # else they could only fail too
            for key, urls in self._pending_aliases.items():
                self.writer.submit(store.add_aliases_by_key, key, sorted(urls))
        self._pending_aliases.clear()
        self.writer = None
        WRITERS.release(self.database_url)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            return await self._store_page(item)
        if isinstance(item, Recheck):
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
        if self.writer is None:
            raise RuntimeError("StorePipeline used before open_spider")
        if self.storage_error is not None:  # stopping: the pages still coming are not tried
            raise Failed("storage", self.storage_error, log_level="INFO")
        try:
            return await asyncio.wrap_future(self.writer.submit(fn, *args, **kwargs))
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            self._stop(exc)
            # Counted as failed:storage; the run's one ERROR line (``_stop``) says why, so
            # each of the pages caught in the stop is not logged as a warning of its own.
            raise Failed("storage", first_line(exc), log_level="INFO") from exc

    def _stop(self, exc: BaseException) -> None:
        if self.storage_error is not None:
            return
        self.storage_error = first_line(exc)
        logger.error(
            "the archive database failed, stopping the run: %s",
            self.storage_error,
            extra={"crawler": self.crawler},
        )
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(STORAGE_ERROR_STAT, self.storage_error)
        if self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=runs.STORAGE_FAILED))

    async def _store_check(self, item: Recheck) -> Recheck:
        if await self._write(store.record_check, item, self.run) is None:
            raise Failed("not_archived", f"re-checked an article that is not archived: {item.url}")
        return item

    async def _store_page(self, item: PageItem) -> PageItem:
        if item.reading is None:
            raise Failed("extract_missing", f"no content extracted for {item.page.url}")
        page = item.page
        pending = self._pending_aliases.pop(page.url_key, ())
        if pending:
            page = replace(page, aliases=(*page.aliases, *sorted(pending)))
        stored = await self._write(store.store_page, page, item.reading, self.run)
        # The latest version was read by another extractor: read its page as this run reads
        # pages, so that a different reading is not taken for an edit (storage.store). Asked
        # again should another version have been stored meanwhile.
        while isinstance(stored, store.Earlier):
            content = await item.reread(stored) if item.reread is not None else None
            reread = store.Reread(stored.version_id, content)
            stored = await self._write(store.store_page, page, item.reading, self.run, reread)
        item.outcome = stored.outcome
        item.version = stored.version
        item.changed = stored.changed
        return item

    async def _store_aliases(self, item: AliasItem) -> None:
        urls = list(item.urls)
        found = await self._write(store.add_aliases_by_key, item.url_key, urls)
        if not found:
            self._pending_aliases[item.url_key].update(urls)
