"""Read the archive's stored pages again with this extractor (``archiver reextract``).

After a trafilatura upgrade, a change of the reader's rules or of a source's ``extract``
options, every article's next fetch would read differently. Re-reading ahead of time records
those readings as versions of cause ``extractor`` (storage.history), one per article whose
latest version reads differently now, so that the next crawl compares like with like. Run
twice, the second run records nothing: a version read by this extractor is not read again.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipelines.extract import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT, EXTRACT_TARGET, read_in
from pipelines.options import Options, extractor_name
from pipelines.workers import WorkerPool
from storage import Archive, queries
from storage.blobs import get_blob
from storage.queries import LatestVersion
from storage.records import Reading
from storage.store import record_reading

# Articles read per round: their pages are in memory together (a real page is 100-150 KB).
BATCH = 64


@dataclass
class Tally:
    """What a re-reading did: the ``reextract --json`` contract."""

    versions_read: int = 0
    articles_changed: int = 0
    versions_new: int = 0
    # Latest versions this extractor read already: nothing to read again.
    up_to_date: int = 0
    failed: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        return {
            "versions_read": self.versions_read,
            "articles_changed": self.articles_changed,
            "versions_new": self.versions_new,
            "up_to_date": self.up_to_date,
            "failed": dict(sorted(self.failed.items())),
        }


def reextract(
    archive: Archive,
    options_of: Callable[[str | None], Options],
    *,
    sources: list[str] | None = None,
    since: datetime | None = None,
    dry_run: bool = False,
    workers: int | None = None,
    progress: Callable[[int], None] = lambda done: None,
) -> Tally:
    """Read the latest version of every article of *sources* (None: all), first seen at or
    after *since*, again with this extractor and the options *options_of* gives for the
    article's source; record each that reads differently (unless *dry_run*). *progress* is
    called with the number of articles done after each round."""
    tally = Tally()
    size = workers or min(4, os.cpu_count() or 1)
    pool = WorkerPool(
        EXTRACT_TARGET, size=size, timeout=DEFAULT_TIMEOUT, memory_limit=DEFAULT_MEMORY_LIMIT
    )
    pool.start()
    try:
        with ThreadPoolExecutor(max_workers=size, thread_name_prefix="reextract") as threads:
            after = 0
            while True:
                with archive.session() as session:
                    batch = queries.latest_versions(
                        session, sources=sources, since=since, after=after, limit=BATCH
                    )
                if not batch:
                    break
                after = batch[-1].article_id
                todo = [v for v in batch if v.extractor != extractor_name(options_of(v.source))]
                tally.up_to_date += len(batch) - len(todo)
                readings = list(threads.map(lambda v: _read(archive, pool, v, options_of), todo))
                _record(archive, todo, readings, tally, dry_run)
                progress(len(batch))
    finally:
        pool.close()
    return tally


def _read(
    archive: Archive,
    pool: WorkerPool,
    version: LatestVersion,
    options_of: Callable[[str | None], Options],
) -> Reading | str:
    """This extractor's reading of *version*'s stored page, or why there is none."""
    with archive.session() as session:
        blob = get_blob(session, version.blob_sha256)
    if blob is None:
        return "blob_missing"
    raw, encoding = blob
    content_type = f"text/html; charset={encoding}" if encoding else None
    options = options_of(version.source)
    return read_in(pool, raw, content_type, version.url, version.first_seen_at, options)


def _record(
    archive: Archive,
    versions: list[LatestVersion],
    readings: list[Reading | str],
    tally: Tally,
    dry_run: bool,
) -> None:
    """Record one round's readings in one transaction (or only count them: *dry_run*)."""
    with archive.session() as session:
        for version, reading in zip(versions, readings, strict=True):
            if isinstance(reading, str):
                tally.failed[reading] += 1
                continue
            tally.versions_read += 1
            if reading.content.content_hash == version.content_hash:
                continue
            tally.articles_changed += 1
            if not dry_run and record_reading(session, version.version_id, reading) is not None:
                tally.versions_new += 1
