"""The archive as a Python object: what the command line calls, and what scripts can call too.

>>> from storage import Archive
>>> archive = Archive("sqlite:///archive.db")
>>> [v.title for v in archive.versions("https://example.org/2026/11/02/story/")]
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from storage import browse, diff, export, migrate, queries, runs, search
from storage.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    create_archive_engine,
    first_line,
    is_unavailable,
    redact,
    sqlite_path,
)
from storage.errors import ArchiveError, NotFound
from storage.writable import unwritable

DEFAULT_DATABASE_URL = "sqlite:///archive.db"


class Archive:
    """An archive database, opened by SQLAlchemy URL; the schema is brought up to date on open."""

    def __init__(
        self, url: str = DEFAULT_DATABASE_URL, *, write: bool = False, read_only: bool = False
    ) -> None:
        """Open the archive at *url*; only a writer may create a new SQLite file (so a typo in
        a read-only command's path is an error, not a new empty archive). ``read_only``: the
        database refuses every write (the web viewer), and an archive that needs migrating is
        an error rather than migrated."""
        self.url = url
        path = sqlite_path(url)
        if not write and path is not None and not path.exists():
            raise ArchiveError(f"no archive at {path} (crawl or fetch something first)")
        try:
            self.engine: Engine = create_archive_engine(url, write=write, read_only=read_only)
        except OSError as exc:  # the SQLite file's folder cannot be made
            raise ArchiveError(f"cannot open the archive at {redact(url)}: {exc}") from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite opens a WAL database read-only (mode=ro) only while its -wal and -shm files
        # exist, and the last connection to close removes them: one plain connection, which
        # never writes, holds them for as long as the archive is open.
        self._keeper = (
            sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
            if read_only and path is not None
            else None
        )
        if self._keeper is not None:
            self._keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()
        try:
            if read_only:
                migrate.require_current(self.engine)
            else:
                migrate.ensure_schema(self.engine)
        except (OperationalError, OSError) as exc:
            self.close()
            # To read a WAL archive SQLite needs its -wal and -shm files, made on first use.
            refused = unwritable(url)
            hint = (
                f" (SQLite makes its -wal and -shm files beside it, but {refused})"
                if refused
                else ""
            )
            raise ArchiveError(
                f"cannot open the archive at {redact(url)}: {first_line(exc)}{hint}"
            ) from exc

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """``session()`` for writes a command makes itself (the bookkeeping below, imports):
        a database that refuses writes (disk full, read-only, away) is an ArchiveError, one
        line for the command line."""
        try:
            with self.session() as session:
                yield session
        except DBAPIError as exc:
            if not is_unavailable(exc):
                raise
            raise ArchiveError(
                f"the archive database at {redact(self.url)} refused the write: {first_line(exc)}"
            ) from exc

    def close(self) -> None:
        self.engine.dispose()
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def versions(self, url: str) -> list[queries.VersionView]:
        """Every version of the article at *url* (any of its URLs), oldest first."""
        with self.session() as session:
            return queries.versions(session, url)

    def show(
        self, url: str, *, at: datetime | None = None, version: int | None = None
    ) -> queries.VersionView:
        """One version: number *version*, the one current at *at*, or the latest."""
        with self.session() as session:
            return queries.show(session, url, at=at, number=version)

    def search(
        self,
        query: str,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        all_versions: bool = False,
        limit: int = 20,
    ) -> search.Results:
        """Versions matching *query* (words, "phrases", OR, -word), best first, among its
        search.RANKED newest matches; by default each article's latest version only."""
        with self.session() as session:
            queries.require_source(session, source)
            return search.search(
                session,
                query,
                source=source,
                since=since,
                until=until,
                all_versions=all_versions,
                limit=limit,
            )

    def changes(
        self,
        *,
        source: str | None = None,
        since: datetime | None = None,
        silent: bool = False,
        substantive: bool = False,
        limit: int = browse.CHANGES_LIMIT,
    ) -> list[browse.Change]:
        """The latest changes across the archive, newest first (storage.browse)."""
        with self.session() as session:
            queries.require_source(session, source)
            return browse.recent_changes(
                session,
                source=source,
                since=since,
                silent=silent,
                substantive=substantive,
                limit=limit,
            )

    def timeline(self, url: str) -> queries.Timeline:
        """Every check of the article (and the versions they found), and its state now."""
        with self.session() as session:
            return queries.timeline(session, url)

    def diff(self, url: str, *, old: int | None = None, new: int | None = None) -> diff.Diff:
        """What changed from version *old* to version *new* (default: the last two)."""
        with self.session() as session:
            versions = queries.versions(session, url)
        count = len(versions)
        if count < 2:
            raise NotFound(f"{versions[0].url} has only one version: nothing to compare")
        new = count if new is None else new
        old = new - 1 if old is None else old
        for number in (old, new):
            if not 1 <= number <= count:
                raise NotFound(f"{versions[0].url} has versions 1 to {count}, not {number}")
        return diff.diff_versions(versions[old - 1], versions[new - 1])

    def require_source(self, name: str | None) -> None:
        """Raise NotFound unless *name* (when given) is a source of this archive."""
        with self.session() as session:
            queries.require_source(session, name)

    def export(
        self,
        out: IO[Any],
        format: export.Format,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        all_versions: bool = False,
    ) -> int:
        """Write the versions to *out* (text for jsonl and csv, bytes for warc), streaming;
        return how many were written."""
        with self.session() as session:
            queries.require_source(session, source)
            versions = export.rows(
                session,
                source=source,
                since=since,
                until=until,
                all_versions=all_versions,
                raw=format == "warc",
            )
            return export.WRITERS[format](versions, out)

    def stats(self) -> dict[str, int]:
        with self.session() as session:
            return queries.stats(session)

    def crawl_run(self, run_id: int) -> runs.RunView:
        with self.session() as session:
            return runs.run(session, run_id)

    def start_run(
        self, source: str | None, kind: str, *, heartbeat: float = runs.DEFAULT_HEARTBEAT
    ) -> int:
        """Make the row of a run about to start, for its crawl to claim (storage.runs)."""
        with self.writing() as session:
            return runs.start_run(session, source=source, kind=kind, heartbeat=heartbeat)

    def close_run(self, run_id: int, reason: str) -> bool:
        """Close a run its crawl left open; False when it was closed already."""
        with self.writing() as session:
            return runs.close_run(session, run_id, reason)

    def close_stale_runs(self, source: str | None = None) -> list[runs.RunView]:
        """Close, as interrupted, the runs (of *source*) whose crawl stopped beating."""
        with self.writing() as session:
            return runs.close_stale_runs(session, source=source)

    def check_schema(self) -> None:
        """Raise ArchiveError when the models and the migrations disagree."""
        migrate.check(self.engine)
