"""The archive refusing writes, on SQLite and Postgres: a crawl whose archive fills up or turns
read-only stops cleanly, keeps everything it stored and closes its run as ``storage_failed``,
or says in one line why it could not; a crawl on an archive that cannot be written is refused
in one line before anything starts, and reading the archive goes on working.

Tests run as root, for whom a chmod refuses nothing: what refuses here is what refuses root
too, a full tmpfs, a read-only mount, an immutable file (on ext4, which unlike tmpfs holds
descriptors already open to it), a Postgres database set read-only.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from storage import Archive
from storage.engine import sqlite_path
from tests.crawling import archiver, sources_file
from tests.daemons import runs, wait_for
from tests.databases import migrated
from tests.faults import CrawlProcess, check_consistent, fill, small_disk
from tests.site import NewsSite, serve

pytestmark = pytest.mark.faults

# The one ERROR line of a run the archive stopped, and the command's own line at the end.
STOPPING = "ERROR: the archive database failed, stopping the run: "
NOT_CLOSED = "ERROR: could not close run 1 as storage_failed, the archive refused that too: "
STOPPED = "Error: run 1 stopped, the archive database failed: "


def error_lines(log: str) -> list[str]:
    """The log's ERROR lines, each from its level on (without the time and logger)."""
    return [line[line.index("ERROR: ") :] for line in log.splitlines() if " ERROR: " in line]


def says(line: str, start: str, cause: str) -> bool:
    """Whether *line* begins with *start* and names *cause* after it."""
    return line.startswith(start) and cause in line.removeprefix(start)


def stored(db_url: str) -> int:
    with Archive(db_url) as archive:
        return archive.stats()["articles"]


def run_command(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(command)}: {done.stderr}"


@contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """The files (or folders) immutable for the block: refused to root too."""
    run_command("chattr", "+i", *map(str, paths))
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=False)


@contextmanager
def remounted_read_only(disk: Path) -> Iterator[None]:
    """The file system mounted at *disk* read-only for the block (nothing may have a file on
    it open for writing)."""
    run_command("mount", "-o", "remount,ro", str(disk))
    try:
        yield
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=False)


@contextmanager
def ext4_disk(megabytes: int) -> Iterator[Path]:
    """An ext4 file system of its own for the block (an image file on a loop device): ext4
    refuses writes to a file made immutable even through descriptors open already, as a
    crawl's are; tmpfs refuses only new ones."""
    folder = Path(tempfile.mkdtemp(prefix="archiver-ext4-"))
    image, mount = folder / "disk.img", folder / "disk"
    with image.open("wb") as out:
        out.truncate(megabytes << 20)
    run_command("mkfs.ext4", "-q", "-F", str(image))
    mount.mkdir()
    run_command("mount", "-o", "loop", str(image), str(mount))
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
        shutil.rmtree(folder)


@contextmanager
def read_only_database(db_url: str) -> Iterator[None]:
    """The Postgres database read-only for the block: every new session's transactions are,
    and the sessions open now are ended (as a failover to a standby does)."""
    url = make_url(db_url)
    # From the server's own database: a session of this one would turn read-only too.
    admin = create_engine(
        url.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(
            text(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = on')
        )
        # The timeout makes each call wait until its session has ended.
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": url.database},
        )
    try:
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(f'ALTER DATABASE "{url.database}" RESET default_transaction_read_only')
            )
        admin.dispose()


def leave_side_files(db_url: str) -> None:
    """Leave the archive's -wal and -shm files behind, as a reader killed while it had the
    archive open does (a clean close removes them)."""
    path = sqlite_path(db_url)
    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "c.execute('SELECT count(*) FROM sources').fetchall()\n"
        "os.kill(os.getpid(), 9)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=False)
    assert {p.name for p in (path.parent.iterdir() if path else ())} >= {
        "archive.db-wal",
        "archive.db-shm",
    }


# -- the disk fills up mid-crawl -------------------------------------------------------------


def test_a_crawl_that_fills_the_disk_closes_its_run_as_storage_failed(
    small_disk_db_url: tuple[str, Path], site: NewsSite, tmp_path: Path
) -> None:
    """The disk fills up mid-crawl: the crawl stops with one ERROR line and the command's one
    line, no traceback; its run is closed as ``storage_failed`` with the counts it got to
    (on a connection of its own: the writer's had its writes refused), ``archiver runs``
    shows it so while the disk is still full, and every article it counted as stored is.

    SQLite may find no room even for closing the run: its log takes the close where the
    refused writes stopped, and that is the end of the file when the first refused page did
    not fit at all. Then one more ERROR line says so, and the run stays open to go stale.
    Postgres updates the run's row in the free space of its page."""
    db_url, disk = small_disk_db_url
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    full = "database or disk is full" if sqlite_path(db_url) else "No space left on device"
    # A session of a new Postgres database first writes its catalog cache file, which a
    # full disk refuses at connect ("could not write init file"): written now, while
    # there is room.
    assert stored(db_url) == 0
    filler = fill(disk, leave_kib=512)
    result = archiver("crawl", "riverside", config=config, db=db_url)
    assert result.code == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    errors = error_lines(result.stderr)
    assert errors, result.stderr[-3000:]
    assert says(errors[0], STOPPING, full), errors
    last = result.stderr.strip().splitlines()[-1]
    assert says(last, STOPPED, full), last
    listed = archiver("runs", "--json", config=config, db=db_url)
    assert listed.code == 0, listed.stderr
    [run] = listed.json()
    filler.unlink()
    check_consistent(db_url)
    with Archive(db_url) as archive:
        counts = archive.stats()
    assert counts["articles"] == counts["versions"] < 24, counts
    if sqlite_path(db_url) is not None and len(errors) == 2:  # no room left for the close
        assert says(errors[1], NOT_CLOSED, full), errors
        assert (run["state"], run["finish_reason"]) == ("running", None), run
        return
    assert len(errors) == 1, errors
    assert (run["state"], run["finish_reason"]) == ("finished", "storage_failed"), run
    stats = run["stats"]
    assert stats["failed"]["storage"] >= 1, stats
    assert stats["urls"] == stats["requests"], stats  # every URL fetched has its outcome
    # Every page counted stored is there. (A SQLite write now and then is stored although
    # the writer heard it refused: counted failed:storage, it is found unchanged next run.)
    assert stats["articles_new"] <= counts["articles"], (counts, stats)
    assert counts["articles"] <= stats["articles_new"] + stats["failed"]["storage"], stats


# -- the archive turns read-only mid-crawl ---------------------------------------------------

ReadOnly = Callable[[], AbstractContextManager[None]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def turning_read_only(request: pytest.FixtureRequest) -> Iterator[tuple[str, ReadOnly, str]]:
    """A migrated archive, what makes it read-only, and what its database then answers to
    a write: the SQLite file and its log made immutable, on an ext4 disk of its own; the
    Postgres database set read-only."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        yield url, lambda: read_only_database(url), "read-only transaction"
        return
    with ext4_disk(64) as disk:
        path = disk / "archive.db"
        url = f"sqlite:///{path}"
        migrated(url)
        # The -shm is left alone: a write into it refused is a SIGBUS, not an error.
        side = path.with_name("archive.db-wal")
        yield url, lambda: immutable(path, side), "disk I/O error"


def test_a_crawl_whose_archive_turns_read_only_stops_and_keeps_what_it_stored(
    turning_read_only: tuple[str, ReadOnly, str], tmp_path: Path
) -> None:
    """The archive turns read-only while a crawl is storing articles: the crawl stops in one
    ERROR line and the command's one line, no traceback; everything stored before is there,
    whole. Its run cannot be closed on the read-only archive either: one more ERROR line
    says so, and the run stays open for the next run to find stale."""
    db_url, read_only, refusal = turning_read_only
    with serve(NewsSite.generated(150, seed=11)) as site:
        config = sources_file(tmp_path / "archiver.toml", site.base_url)
        process = CrawlProcess(config, db_url, tmp_path / "crawl.log", "riverside")
        wait_for("the first articles", lambda: stored(db_url) >= 20)
        with read_only():
            before = stored(db_url)  # nothing can be stored from now on
            assert before < 150, "the crawl stored everything before the archive turned"
            code, out, log = process.finish(timeout=120)
    assert code == 1, log[-3000:]
    assert out == ""
    assert "Traceback" not in log, log[-3000:]
    errors = error_lines(log)
    assert len(errors) == 2, log[-3000:]
    stopping, not_closed = errors
    assert says(stopping, STOPPING, refusal), stopping
    assert not_closed.startswith(NOT_CLOSED), not_closed
    last = log.strip().splitlines()[-1]
    assert says(last, STOPPED, refusal), last
    check_consistent(db_url)
    with Archive(db_url) as archive:
        counts = archive.stats()
    assert counts["articles"] == counts["versions"] == before, (counts, before)
    [run] = runs(db_url)
    assert (run.claimed, run.finished_at) == (True, None), run


# -- a crawl on an archive that cannot be written --------------------------------------------

Unwritable = Callable[[Path], AbstractContextManager[None]]
# How a SQLite archive on a disk of its own is made unwritable; whether its -wal and -shm
# files are there (left by a killed crawl); what the refusal says; whether reading works.
UNWRITABLE: dict[str, tuple[Unwritable, bool, str, bool]] = {
    "read-only mount": (remounted_read_only, False, "it is on a read-only file system", False),
    "read-only mount, -wal and -shm left": (
        remounted_read_only,
        True,
        "it is on a read-only file system",
        True,
    ),
    "immutable file": (lambda disk: immutable(disk / "archive.db"), False, "it is not", True),
    "immutable folder": (immutable, False, "its folder", False),
    "immutable -shm": (
        lambda disk: immutable(disk / "archive.db-shm"),
        True,
        "its -shm file is not writable",
        True,
    ),
}


@pytest.mark.parametrize("how", list(UNWRITABLE))
def test_a_crawl_on_an_archive_that_cannot_be_written_is_refused_in_one_line(
    how: str, site: NewsSite, tmp_path: Path
) -> None:
    """Refused before anything starts: one line, exit 1, no run made, no lock taken, no page
    fetched, no file made beside the archive; reading commands work as they did (or fail in
    one line, when SQLite cannot make the -shm file it reads a WAL archive through)."""
    make_unwritable, side_files, refusal, readable = UNWRITABLE[how]
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    with small_disk(16) as disk:
        db_url = f"sqlite:///{disk / 'archive.db'}"
        migrated(db_url)
        if side_files:
            leave_side_files(db_url)
        files = sorted(p.name for p in disk.iterdir())
        with make_unwritable(disk):
            result = archiver("crawl", "riverside", config=config, db=db_url)
            left = sorted(p.name for p in disk.iterdir())
            listed = archiver("runs", "--json", config=config, db=db_url)
            counted = archiver("stats", "--json", config=config, db=db_url)
        assert result.code == 1, result.stderr[-3000:]
        [line] = result.stderr.splitlines()
        assert line.startswith(f"Error: cannot write the archive {disk / 'archive.db'}: "), line
        assert refusal in line, line
        assert result.stdout == ""
        assert site.counts()["total"] == 0
        assert left == files  # no lock file, no -wal
        if readable:
            assert (listed.code, listed.stderr, listed.json()) == (0, "", []), listed.stderr
            assert (counted.code, counted.stderr) == (0, ""), counted.stderr
            assert counted.json()["articles"] == 0
        for read in () if readable else (listed, counted):
            assert read.code == 1, read.stderr
            [line] = read.stderr.splitlines()
            assert "SQLite makes its -wal and -shm files beside it, but" in line, line
        assert runs(db_url) == []


@pytest.mark.postgres
def test_a_crawl_on_a_read_only_postgres_database_is_refused_in_one_line(
    postgres_url: str, site: NewsSite, tmp_path: Path
) -> None:
    """The database's first write, the run's row, is refused: one line, exit 1, no run, no
    page fetched; reading commands work."""
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    with read_only_database(postgres_url):
        result = archiver("crawl", "riverside", config=config, db=postgres_url)
        listed = archiver("runs", "--json", config=config, db=postgres_url)
    assert result.code == 1, result.stderr[-3000:]
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: the archive database at postgresql"), line
    assert line.endswith("refused the write: cannot execute INSERT in a read-only transaction")
    assert site.counts()["total"] == 0
    assert (listed.code, listed.json()) == (0, [])
    assert runs(postgres_url) == []
