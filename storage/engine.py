"""Engine set-up per dialect.

SQLite: WAL so readers never block the writer, a busy timeout, foreign keys on, and
``BEGIN IMMEDIATE`` for writing engines: a deferred read-then-write transaction fails under
concurrency even with WAL (it cannot upgrade its read lock), an immediate one waits its turn.
The driver's own transaction handling is switched off so SQLAlchemy's BEGIN is the only one.

Postgres: psycopg 3, whatever driver the URL names.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from storage.errors import ArchiveError

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalize_url(url: str | URL) -> URL:
    """Parse a database URL, steering every Postgres spelling to psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ArchiveError(f"not a database URL: {redact(str(url))}") from exc
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ArchiveError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql://"
        )
    return parsed


def redact(url: str | URL) -> str:
    """The URL with its password hidden (also a ``?password=`` one), for logs and messages."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "<unparseable database URL>"
    if "password" in parsed.query:
        parsed = parsed.update_query_dict({"password": "***"})
    return parsed.render_as_string(hide_password=True)


def create_archive_engine(
    url: str | URL, *, write: bool = True, read_only: bool = False, **kwargs: Any
) -> Engine:
    """An engine for the archive at *url*; ``write=False`` for read-only commands.

    ``read_only=True`` (the web viewer) makes the database itself refuse writes: SQLite
    opened with ``mode=ro``, Postgres sessions whose transactions are read-only.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, write=write and not read_only, read_only=read_only, **kwargs)
    if read_only:
        options = "-c default_transaction_read_only=on"
        kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "options": options}
    return create_engine(parsed, pool_pre_ping=True, **kwargs)


# Postgres errors that a later try of the same transaction can succeed past: deadlock
# detected, serialization failure, lock not available, and the server shutting down,
# crashing or still starting up (a restart).
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001", "55P03", "57P01", "57P02", "57P03"})
# SQLSTATE class 08: the connection failed or broke.
CONNECTION_SQLSTATE_CLASS = "08"


def is_transient(exc: BaseException) -> bool:
    """Whether running the failed transaction again may well succeed."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:  # the connection broke under us: the server went away
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in TRANSIENT_SQLSTATES or sqlstate.startswith(CONNECTION_SQLSTATE_CLASS)
    if type(exc.orig).__module__.startswith("psycopg") and isinstance(exc, OperationalError):
        # psycopg gives no SQLSTATE when it cannot reach the server at all (refused, reset).
        return True
    # SQLite: another process held the write lock for longer than the busy timeout.
    return "database is locked" in str(exc.orig)


# Postgres refusing every write, not one: a read-only transaction (the database or server set
# read-only, a hot standby answering after a failover) and a privilege taken away. psycopg
# raises them as InternalError and ProgrammingError, not OperationalError.
REFUSING_SQLSTATES = frozenset({"25006", "42501"})


def is_unavailable(exc: BaseException) -> bool:
    """Whether *exc* is the database's trouble rather than one write's: a full disk, a
    read-only file or database, a server that cannot be reached, a file locked or unreadable,
    permission taken away. Writing more will not help; a single wrong write is an
    IntegrityError or DataError instead."""
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and (
        getattr(exc.orig, "sqlstate", None) in REFUSING_SQLSTATES
    )


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (a database error's own, not SQLAlchemy's)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite archive URL; None for other databases and in-memory ones."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def location(url: str | URL) -> str:
    """Where the archive at *url* is, for people: the absolute path of a SQLite file (a
    relative one is relative to the current directory), else the URL without its password."""
    try:
        path = sqlite_path(url)
    except ArchiveError:
        path = None
    return os.path.abspath(path) if path is not None else redact(url)


def _sqlite_engine(url: URL, *, write: bool, read_only: bool = False, **kwargs: Any) -> Engine:
    path = sqlite_path(url)
    if write and path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    connect_args: dict[str, Any] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    if read_only and path is not None:
        # SQLite's own read-only mode: no statement can write, whatever the code asks.
        url = url.set(database=f"file:{quote(str(path.absolute()))}").update_query_dict(
            {"mode": "ro", "uri": "true"}
        )
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    begin = "BEGIN IMMEDIATE" if write else "BEGIN"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (the driver would otherwise BEGIN on its own,
        # deferred, and silently break SAVEPOINTs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if read_only:  # a read-only connection cannot set the journal mode (the writer did)
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.close()
            return
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a commit reported done survives a power loss too, not only a killed process.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine
