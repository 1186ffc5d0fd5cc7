"""What the spider hands the pipelines, and how a pipeline says an item ends here.

They live here, not in scraper/, because imports flow one way: scraper -> pipelines -> storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scrapy.exceptions import DropItem

from storage import outcomes
from storage.content import Content

# Scrapy stats: every outcome is counted under this prefix; every URL requested under the other.
OUTCOME_STAT = "archive/outcome/"
REQUESTS_STAT = "archive/requests"
EXTRACTED_STAT = "archive/extracted"


@dataclass
class PageItem:
    """An article page as downloaded; the extract pipeline fills ``content``, the store pipeline
    ``outcome``."""

    url_key: str
    url: str
    aliases: tuple[str, ...]
    fetched_at: datetime
    status: int
    # Not in repr: Scrapy logs dropped and failed items, and a page does not belong in a log.
    body: bytes = field(repr=False)
    encoding: str | None
    text: str = field(repr=False)
    etag: str | None = None
    last_modified: str | None = None
    content: Content | None = field(default=None, repr=False)
    extractor: str | None = None
    outcome: str | None = None
    version: int | None = None
    changed: tuple[str, ...] = field(default=())


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
    """The page could not be archived (extraction timed out, came back empty, ...)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.outcome = outcomes.failed(reason)
        super().__init__(f"{self.outcome} {detail}".strip(), log_level="WARNING")
