"""The records a crawl hands the store: a page as downloaded, what the extractor read off it,
and a re-check that needed no reading. Plain data without SQLAlchemy: the extraction workers
make Readings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from storage.content import Content


@dataclass(frozen=True)
class Page:
    """An article page as downloaded: what the crawl saw, before anything read it."""

    url_key: str
    url: str
    aliases: tuple[str, ...]
    fetched_at: datetime
    status: int
    raw: bytes = field(repr=False)
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Dropped:
    """Something a page states that its reading left out, and why.

    ``what`` is a content field ("published_at", "modified_at": a date no story can have) or
    the metadata that was not read ("json_ld": a block too large or too deep to parse,
    "metadata": reading the page's stated metadata failed).
    """

    what: str
    why: str


@dataclass(frozen=True)
class Reading:
    """What the extractor read off a page: its content, the charset it decoded it in, and
    what it left out (the crawl counts and logs that)."""

    content: Content
    encoding: str | None
    extractor: str
    dropped: tuple[Dropped, ...] = ()


@dataclass(frozen=True)
class Recheck:
    """A fetch of a known article that needs no extraction: 304, identical bytes, gone, moved."""

    url_key: str
    url: str
    outcome: str
    status: int | None
    checked_at: datetime
    raw_sha256: str | None = None
    redirect_to: str | None = None
