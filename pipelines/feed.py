"""FeedPipeline, the last one: what a feed export (``scrapy crawl archive -o FILE``) writes.

Scrapy's feed exports write whatever the last pipeline returns. The spider's items are for the
pipelines: a page carries its raw bytes, which no feed format takes. Here a stored page or
re-check becomes one ArchivedPage row. The addresses the crawl finds (AliasItem) pass through
too, stored; the spider points its feeds at ArchivedPage only (ArchiveSpider._configure).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipelines.items import PageItem
from storage.records import Recheck


@dataclass
class ArchivedPage:
    """One archived page, as a feed export writes it. ``version`` is the article's version
    the page holds; None for a re-check that needed no reading (a 304, the same bytes, gone,
    moved). ``outcome`` is as in crawl_runs.stats; ``changed``, the fields a new version
    changed."""

    url: str
    title: str | None
    version: int | None
    outcome: str
    changed: list[str]


class FeedPipeline:
    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            assert item.outcome is not None  # the store pipeline set it, or dropped the page
            title = item.reading.content.title if item.reading is not None else None
            return ArchivedPage(
                item.page.url, title, item.version, item.outcome, list(item.changed)
            )
        if isinstance(item, Recheck):
            return ArchivedPage(item.url, None, None, item.outcome, [])
        return item
