"""What the spider hands the pipelines, and how a pipeline says an item ends here.

They live here, not in scraper/, because imports flow one way: scraper -> pipelines -> storage.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from scrapy.exceptions import DropItem

from storage import outcomes
from storage.content import Content
from storage.records import Page, Reading
from storage.store import Earlier

# Scrapy stats: every outcome is counted under this prefix; every URL requested under the other.
OUTCOME_STAT = "archive/outcome/"
REQUESTS_STAT = "archive/requests"
EXTRACTED_STAT = "archive/extracted"
# What readings left out of pages (storage.records.Dropped): dates no story can have, and
# stated metadata that could not be read (JSON-LD too large or too deep, ...).
DATES_DROPPED_STAT = "archive/dates_dropped"
METADATA_SKIPPED_STAT = "archive/metadata_skipped"
# How the run's readings went (storage.health judges a source by them): pages read, how many
# had a title, an author, a date, and the median body length in characters.
READING_STAT = "archive/reading/"


@dataclass
class PageItem:
    """An article page as downloaded (with the Content-Type it came with, for its charset);
    the extract pipeline fills ``reading`` (and ``reread``: how it reads an earlier version's
    stored page again, which the store asks for when another extractor read that version),
    the store pipeline ``outcome``, the version it stored and what changed."""

    page: Page
    content_type: str | None = None
    # Not in repr: Scrapy logs dropped and failed items, and a page does not belong in a log.
    reading: Reading | None = field(default=None, repr=False)
    reread: Callable[[Earlier], Awaitable[Content | None]] | None = field(default=None, repr=False)
    outcome: str | None = None
    version: int | None = None
    changed: tuple[str, ...] = ()


@dataclass
class AliasItem:
    """More addresses of an article whose page is (or will be) stored under ``url_key``."""

    url_key: str
    urls: tuple[str, ...]


class Rejected(DropItem):
    """The page is not archived by policy (too large, not HTML, ...)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.outcome = outcomes.rejected(reason)
        super().__init__(f"{self.outcome} {detail}".strip(), log_level="INFO")


class Failed(DropItem):
    """The page could not be archived (extraction timed out, came back empty, ...); logged at
    *log_level* (Scrapy logs every dropped item with its repr)."""

    def __init__(self, reason: str, detail: str = "", *, log_level: str = "WARNING") -> None:
        self.outcome = outcomes.failed(reason)
        super().__init__(f"{self.outcome} {detail}".strip(), log_level=log_level)
