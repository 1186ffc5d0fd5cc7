"""The records a crawl hands the store: a page as downloaded, what the extractor read off it,
and a re-check that needed no reading. Plain data without SQLAlchemy: the extraction workers
make Readings.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    # The response's headers as kept (response_headers), name and value, in order.
    headers: tuple[tuple[str, str], ...] = ()


# Headers kept with a version: at most this many, each value cut to MAX_HEADER characters.
MAX_HEADERS = 100
MAX_HEADER = 4096
# Never kept: what a server set for the crawler's session is a credential, not the page's.
SECRET_HEADERS = frozenset({"set-cookie", "set-cookie2", "www-authenticate", "authorization"})


def response_headers(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The headers of a response as a version keeps them, for a WARC export to replay: in
    their order, without cookies, bounded in number and size."""
    kept = []
    for name, value in pairs:
        if name.lower() in SECRET_HEADERS:
            continue
        kept.append((name[:MAX_HEADER], value[:MAX_HEADER]))
        if len(kept) == MAX_HEADERS:
            break
    return tuple(kept)


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
