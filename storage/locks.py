"""Locks that work across processes and die with their holder.

One crawl per source at a time, and one scheduling daemon per archive: both need a lock that
another process sees, and that a killed process (kill -9 included) cannot leave behind.

SQLite: ``flock`` on a small file next to the database (the kernel drops it with the process).
Postgres: a session-level advisory lock on a connection of its own (the server drops it with
the connection).
"""

from __future__ import annotations

import fcntl
import os
import zlib
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from storage.engine import normalize_url, sqlite_path

# Advisory lock namespace ("arch"); the second key is a hash of the lock's name.
ADVISORY_NAMESPACE = 0x61726368


def _signed32(value: int) -> int:
    return value - (1 << 32) if value >= 1 << 31 else value


class NamedLock:
    """``NamedLock(url, "source-riverside").acquire()`` is True for one holder at a time."""

    def __init__(self, database_url: str, name: str) -> None:
        self.database_url = database_url
        self.name = name
        self._fd: int | None = None
        self._connection: Connection | None = None
        path = sqlite_path(database_url)
        self._file = path.with_name(f"{path.name}.{name}.lock") if path is not None else None

    @property
    def held(self) -> bool:
        return self._fd is not None or self._connection is not None

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; never waits."""
        if self.held:
            return True
        if self._file is not None:
            return self._acquire_file(self._file)
        return self._acquire_advisory()

    def _acquire_file(self, path: Path) -> bool:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def _acquire_advisory(self) -> bool:
        engine = create_engine(
            normalize_url(self.database_url), poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        connection = engine.connect()
        key = _signed32(zlib.crc32(self.name.encode()))
        taken = connection.scalar(
            text("SELECT pg_try_advisory_lock(:namespace, :key)"),
            {"namespace": ADVISORY_NAMESPACE, "key": key},
        )
        if not taken:
            connection.close()
            engine.dispose()
            return False
        self._connection = connection
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._connection is not None:
            # Closing the session releases its advisory locks.
            engine = self._connection.engine
            self._connection.close()
            engine.dispose()
            self._connection = None

    def __enter__(self) -> NamedLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def source_lock(database_url: str, source: str) -> NamedLock:
    """The lock a crawl of *source* holds for its whole run (discovery or revisit)."""
    return NamedLock(database_url, f"source-{source}")


def daemon_lock(database_url: str) -> NamedLock:
    """The lock the scheduling daemon holds: one leader per archive."""
    return NamedLock(database_url, "daemon")
