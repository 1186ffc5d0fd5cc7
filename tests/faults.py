"""Tools of the fault tests: crawls to kill, a database that goes away, a disk that fills up,
and the checks that nothing stored was lost, doubled or left half-written."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from itertools import pairwise
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from storage import Archive
from storage.engine import sqlite_path
from storage.models import Article, Version
from tests.crawling import PROJECT, child_env


class CrawlProcess:
    """``archiver crawl`` in a session of its own, so that a kill takes its workers too."""

    def __init__(self, config: Path, db_url: str, log: Path, *args: str) -> None:
        command = [sys.executable, "-m", "scraper.cli", "--config", str(config), "--db", db_url]
        command += ["crawl", *args, "--json"]
        env = child_env()
        self.log = log
        with log.open("w") as stderr:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL the crawl and every process it started."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.communicate()

    def finish(self, timeout: float = 300) -> tuple[int, str, str]:
        """Wait for the crawl; its exit code, stdout and log."""
        stdout, _ = self.process.communicate(timeout=timeout)
        return self.process.returncode, stdout, self.log.read_text()


def versions(db_url: str) -> Counter[tuple[str, str]]:
    """Every stored version as (article key, content hash), with how often it is stored."""
    with Archive(db_url) as archive, archive.session() as session:
        rows = session.execute(
            select(Article.url_key, Version.content_hash).join(
                Article, Article.id == Version.article_id
            )
        ).all()
    return Counter((key, digest) for key, digest in rows)


def check_consistent(db_url: str) -> None:
    """Fail unless the archive is whole: SQLite's own check passes, every article has its
    versions numbered 1..n with each differing from the one before (no half-written or
    doubled version)."""
    path = sqlite_path(db_url)
    if path is not None:
        connection = sqlite3.connect(path)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            connection.close()
    with Archive(db_url) as archive, archive.session() as session:
        rows = session.execute(
            select(Article.url_key, Version.number, Version.content_hash)
            .select_from(Article)
            .outerjoin(Version, Version.article_id == Article.id)
            .order_by(Article.url_key, Version.number)
        ).all()
    history: dict[str, list[tuple[int | None, str | None]]] = {}
    for key, number, digest in rows:
        history.setdefault(key, []).append((number, digest))
    for key, stored in history.items():
        numbers = [number for number, _ in stored]
        assert numbers == list(range(1, len(stored) + 1)), (key, numbers)
        digests = [digest for _, digest in stored]
        assert all(a != b for a, b in pairwise(digests)), key


class TcpProxy:
    """A TCP relay on loopback to a database server, which can go away and come back.

    ``refuse()`` and ``drop()`` refuse new connections and cut open ones, as a server being
    restarted does; ``up()`` listens on the same port again.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._listener = self._listen(0)
        self.port: int = self._listener.getsockname()[1]
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._acceptor = self._serve(self._listener)

    @staticmethod
    def _listen(port: int) -> socket.socket:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        return listener

    def _serve(self, listener: socket.socket) -> threading.Thread:
        thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        thread.start()
        return thread

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # the listener was closed: the server is "down"
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def refuse(self) -> None:
        """Refuse new connections (open ones go on).

        Closing the listener alone does not wake an accept() blocked on it in another thread,
        which would let one more connection in; shutting it down does, and the accepting
        thread is gone before this returns.
        """
        with suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._acceptor.join()

    def drop(self) -> None:
        """Cut every open connection."""
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for end in sockets:
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def up(self) -> None:
        self._listener = self._listen(self.port)
        self._acceptor = self._serve(self._listener)

    def close(self) -> None:
        self.refuse()
        self.drop()


def _lock_exclusively(connection: sqlite3.Connection, timeout: float = 30.0) -> None:
    """Take the SQLite file's write lock from under a busy crawl.

    SQLite's own busy handler backs off to 100 ms between tries, and a crawl committing
    every few milliseconds would take the lock again each time: polling every millisecond
    gets it at the crawl's next pause between commits.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.execute("BEGIN EXCLUSIVE")
            return
        except sqlite3.OperationalError:  # the crawl is committing
            assert time.monotonic() < deadline, "could not lock the archive for the outage"
            time.sleep(0.001)


@contextmanager
def outage(db_url: str, proxy: TcpProxy | None) -> Iterator[None]:
    """The database away for the block, for clients of *proxy*: a Postgres server being
    restarted (its sessions terminated, new connections refused) or, for SQLite, another
    process holding the file under an exclusive lock."""
    path = sqlite_path(db_url)
    if path is not None:
        holder = sqlite3.connect(path, isolation_level=None, timeout=0)
        _lock_exclusively(holder)
        try:
            yield
        finally:
            holder.execute("COMMIT")
            holder.close()
        return
    assert proxy is not None, "a Postgres outage needs the proxy its clients go through"
    proxy.refuse()
    admin = create_engine(make_url(db_url), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        # What a shutdown sends every session: "terminating connection due to administrator
        # command" (57P01). The timeout makes each call wait until its session has ended.
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    admin.dispose()
    proxy.drop()
    try:
        yield
    finally:
        proxy.up()


@contextmanager
def small_disk(megabytes: int) -> Iterator[Path]:
    """A tmpfs of *megabytes* for the block, mounted where the database server's own user
    can reach it too (needs root: mount(2))."""
    path = Path(tempfile.mkdtemp(prefix="archiver-disk-"))
    path.chmod(0o755)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0755", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, (
        f"the disk-full test mounts a small tmpfs and needs root (CAP_SYS_ADMIN): {done.stderr}"
    )
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
        path.rmdir()


def fill(directory: Path, leave_kib: int) -> Path:
    """Fill the file system of *directory* up to *leave_kib* KiB free; return the filler."""
    filler = directory / "filler"
    free = shutil.disk_usage(directory).free - leave_kib * 1024
    with filler.open("wb") as out:
        out.write(b"\0" * max(0, free))
    return filler
