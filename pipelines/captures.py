"""Earlier captures of articles, read and merged into the archive (``archiver import``).

A capture is a page as some archive saved it (a WARC or ARC file, the Wayback Machine):
where, when, the answer and its bytes. Each HTML capture is read with this extractor, in
the killable worker processes a crawl uses, and merged into its article's chain in time
order (storage.merge). A WARC written by ``archiver export`` carries what was read off each
page in a metadata record concurrent to its response: that reading is kept as it was, so
that an export imported into an empty archive gives back the same versions.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from pipelines.decoding import looks_binary
from pipelines.extract import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT, EXTRACT_TARGET, read_in
from pipelines.options import Options
from pipelines.workers import WorkerPool
from storage import Archive, queries
from storage.content import CONTENT_FIELDS, Content
from storage.export import FIELDS_URN
from storage.merge import Capture, merge_captures
from storage.records import response_headers
from storage.urls import BadURL

# Captures read and merged per round: their pages are in memory together.
BATCH = 64
# A page larger than this is not read (as in a crawl: EXTRACT_MAX_BYTES).
MAX_PAGE_BYTES = 8 * 1024 * 1024
# Pages kept in memory to resolve revisit records (they repeat an earlier record's payload).
REVISIT_MEMORY_BYTES = 256 * 1024 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Found:
    """A capture as an archive holds it, before anything read it."""

    url: str
    at: datetime
    status: int
    headers: tuple[tuple[str, str], ...]
    raw: bytes = field(repr=False)
    record_id: str | None = None
    # What an archiver export says was read off the page (its metadata record).
    fields: dict[str, Any] | None = None
    # The key of the article it belongs to, when whoever found it knows (a Wayback listing
    # is of one article); else it is looked up by its URL (storage.queries.capture_key).
    article_key: str | None = None


@dataclass
class ImportTally:
    """What an import did: the ``import --json`` contract."""

    records: int = 0
    articles_new: int = 0
    versions_new: int = 0
    unchanged: int = 0
    renumbered: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "articles_new": self.articles_new,
            "versions_new": self.versions_new,
            "unchanged": self.unchanged,
            "renumbered": self.renumbered,
            "skipped": dict(sorted(self.skipped.items())),
        }


class Importer:
    """Read captures and merge them into *archive*, a round of BATCH at a time."""

    def __init__(
        self,
        archive: Archive,
        *,
        source_id: int | None = None,
        options: Options = (),
        workers: int | None = None,
        progress: Callable[[int], None] = lambda done: None,
    ) -> None:
        self.archive = archive
        self.source_id = source_id
        self.options = options
        self.progress = progress
        self.tally = ImportTally()
        size = workers or min(4, os.cpu_count() or 1)
        self._pool = WorkerPool(
            EXTRACT_TARGET, size=size, timeout=DEFAULT_TIMEOUT, memory_limit=DEFAULT_MEMORY_LIMIT
        )
        self._threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="import")
        self._pending: list[Found] = []

    def __enter__(self) -> Importer:
        self._pool.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._threads.shutdown(wait=True)
        self._pool.close()

    def add(self, found: Found) -> None:
        """Queue one capture (merged when its round is full, or at ``flush``)."""
        self.tally.records += 1
        reason = _unusable(found)
        if reason is not None:
            self.tally.skipped[reason] += 1
            return
        self._pending.append(found)

    def skip(self, reason: str) -> None:
        self.tally.records += 1
        self.tally.skipped[reason] += 1

    def repeat(self) -> None:
        """Count a capture known to repeat a state already in the chain, without reading it."""
        self.tally.records += 1
        self.tally.unchanged += 1

    @property
    def full(self) -> bool:
        return len(self._pending) >= BATCH

    def flush(self) -> None:
        """Read the queued captures and merge them, one transaction for the round."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        read = list(self._threads.map(self._capture, pending))
        with self.archive.writing() as session:
            by_key: defaultdict[str, list[Capture]] = defaultdict(list)
            for found, capture in zip(pending, read, strict=True):
                if isinstance(capture, str):
                    self.tally.skipped[capture] += 1
                    continue
                try:
                    key = found.article_key or queries.capture_key(session, found.url)
                except BadURL:
                    self.tally.skipped["bad_url"] += 1
                    continue
                by_key[key].append(capture)
            for key, captures in by_key.items():
                merged = merge_captures(session, key, captures, self.source_id)
                self.tally.articles_new += merged.article_new
                self.tally.versions_new += merged.versions_new
                self.tally.unchanged += merged.unchanged
                self.tally.renumbered += merged.renumbered
        self.progress(len(pending))

    def _capture(self, found: Found) -> Capture | str:
        """*found* read with this extractor (or as its export says it was read)."""
        content_type = _header(found.headers, "content-type")
        read = read_in(self._pool, found.raw, content_type, found.url, found.at, self.options)
        if isinstance(read, str):
            return read
        content, extractor = read.content, read.extractor
        if found.fields is not None and (exported := _exported(found.fields)) is not None:
            content, extractor = exported
        return Capture(
            url=found.url,
            at=found.at,
            raw=found.raw,
            encoding=read.encoding,
            content=content,
            extractor=extractor,
            http_status=found.status,
            # Whoever found the capture, its headers are kept as a crawl keeps them.
            http_headers=response_headers(found.headers),
        )


def _unusable(found: Found) -> str | None:
    """Why *found* cannot become a version, or None."""
    if 300 <= found.status < 400:
        return "redirect"
    if found.status != 200:
        return f"http_{found.status}"
    content_type = (_header(found.headers, "content-type") or "").split(";")[0].strip().lower()
    if content_type and content_type not in HTML_TYPES:
        return "not_html"
    if len(found.raw) > MAX_PAGE_BYTES:
        return "too_large"
    if looks_binary(found.raw):
        return "not_html"
    return None


def _header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


# Column limits an exported reading is held to, as a crawl's reading is (storage.models).
_MAX_LANGUAGE = 32
_MAX_EXTRACTOR = 100


def _exported(fields: dict[str, Any]) -> tuple[Content, str] | None:
    """The reading an archiver export recorded, or None when the record does not hold one
    this archive can store as it is (then the page is read again). The record is as
    untrusted as the page: every field's type is checked, NUL removed (Postgres refuses it
    in text), lengths held to the columns'."""
    try:
        values: dict[str, Any] = {}
        for name in CONTENT_FIELDS:
            value = fields.get(name)
            if name in ("published_at", "modified_at"):
                values[name] = _moment(_text(value)) if value else None
            elif name == "tags":
                if not isinstance(value, list | None):
                    return None
                values[name] = tuple(_text(tag) for tag in value or ())
            else:
                values[name] = _text(value) if value is not None else None
        if values["language"] is not None:
            values["language"] = values["language"][:_MAX_LANGUAGE]
        extractor = _text(fields.get("extractor") or "import")
        if not values["text"] or len(extractor) > _MAX_EXTRACTOR:
            return None
        return Content(**values), extractor
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    """*value* as a text field holds it; TypeError unless it is text."""
    if not isinstance(value, str):
        raise TypeError(f"not text: {type(value).__name__}")
    return value.replace("\x00", "")


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class DamagedFile(Exception):
    """A file is not a WARC or ARC file, or cannot be read past some record: one line."""


def import_warcs(importer: Importer, streams: Iterable[tuple[str, IO[bytes]]]) -> ImportTally:
    """Read every WARC or ARC stream (gzipped or not; each with its name) into *importer*.

    A file that cannot be read on is DamagedFile, after what was read of it is merged: an
    import is idempotent, so the same command can be run again once the file is mended.
    """
    for name, stream in streams:
        records = importer.tally.records
        found_in = read_warc(stream, importer)
        while True:
            try:
                found = next(found_in, None)
            # warcio raises what its parsers meet (ArchiveLoadFailed, ValueError, zlib.error,
            # AttributeError on a record without headers it expects): all mean a damaged
            # file. Only reading is guarded: the archive's own errors are not the file's.
            except Exception as exc:
                importer.flush()
                read = importer.tally.records - records
                raise DamagedFile(
                    f"{name}: not a WARC or ARC file, or damaged after {read} captures"
                    f" ({type(exc).__name__}: {exc}); what was read of it is merged"
                ) from exc
            if found is None:
                break
            if importer.full:
                importer.flush()
            importer.add(found)
    importer.flush()
    return importer.tally


def read_warc(stream: IO[bytes], importer: Importer) -> Iterator[Found]:
    """The captures of one WARC or ARC file: responses, and revisits resolved to the record
    they repeat. A metadata record of an archiver export joins the response it is
    concurrent to (which comes just before it). Records that are neither are passed over;
    a revisit of a payload not seen is skipped as ``revisit_unresolved``. A file damaged
    past some record raises after the captures before it."""
    last: Found | None = None
    try:
        for item in _records(stream, importer):
            if isinstance(item, _Fields):
                if last is not None and item.concurrent_to == last.record_id:
                    last = _with_fields(last, item.payload)
                continue
            if last is not None:
                yield last
            last = item
    except Exception:
        if last is not None:  # read whole before the damage: it counts
            yield last
        raise
    if last is not None:
        yield last


@dataclass(frozen=True)
class _Fields:
    """An archiver export's metadata record: the fields read off the response it names."""

    concurrent_to: str | None
    payload: bytes = field(repr=False)


def _records(stream: IO[bytes], importer: Importer) -> Iterator[Found | _Fields]:
    # Here, not at the top: only imports need warcio.
    from warcio.archiveiterator import ArchiveIterator  # noqa: PLC0415

    payloads = _Payloads()
    for record in ArchiveIterator(stream, arc2warc=True):
        kind = record.rec_type
        target = record.rec_headers.get_header("WARC-Target-URI") or ""
        if kind == "metadata" and target.startswith(FIELDS_URN):
            concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
            yield _Fields(concurrent, record.content_stream().read(MAX_PAGE_BYTES))
            continue
        if kind not in ("response", "revisit"):
            continue
        if not target.startswith(("http://", "https://")):
            importer.skip("not_http")
            continue
        http = record.http_headers
        status = int(http.get_statuscode() or 0) if http is not None else 0
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        if kind == "revisit":
            raw = payloads.get(digest)
            if raw is None:
                importer.skip("revisit_unresolved")
                continue
            if status in (0, 304):  # a "not modified" revisit: the repeated answer was a 200
                status = 200
        else:
            raw = record.content_stream().read(MAX_PAGE_BYTES + 1)
            payloads.remember(digest, raw)
        yield Found(
            target,
            _moment(record.rec_headers.get_header("WARC-Date") or ""),
            status,
            response_headers(http.headers) if http is not None else (),
            raw,
            record.rec_headers.get_header("WARC-Record-ID"),
        )


class _Payloads:
    """The pages a revisit record may repeat, by payload digest: the newest ones, up to
    REVISIT_MEMORY_BYTES in all."""

    def __init__(self) -> None:
        self._pages: OrderedDict[str, bytes] = OrderedDict()
        self._held = 0

    def remember(self, digest: str | None, raw: bytes) -> None:
        if not digest or len(raw) > MAX_PAGE_BYTES or digest in self._pages:
            return
        self._pages[digest] = raw
        self._held += len(raw)
        while self._held > REVISIT_MEMORY_BYTES:
            self._held -= len(self._pages.popitem(last=False)[1])

    def get(self, digest: str | None) -> bytes | None:
        return self._pages.get(digest) if digest else None


def _with_fields(found: Found, payload: bytes) -> Found:
    try:
        fields = json.loads(payload)
    except ValueError:
        return found
    if not isinstance(fields, dict):
        return found
    return dataclasses.replace(found, fields=fields)
