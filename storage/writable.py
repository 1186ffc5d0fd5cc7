"""Whether a SQLite archive can be written, asked before a crawl starts rather than found out
at its first write.

SQLite writes more than the archive's file: it makes its ``-wal`` and ``-shm`` files in the
archive's folder, and writes into the ``-shm`` through shared memory, where a refusal is not an
error it can report but a SIGBUS that kills the process. So the file, its folder and whichever
of those files are there already must all be writable. Asked the way the kernel decides
(access(2)), so that a read-only mount or an immutable file refuses root too. A Postgres
server says so itself at the first write (storage.engine.is_unavailable).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL

from storage.engine import sqlite_path
from storage.errors import ArchiveError

# What SQLite writes beside an archive: its write-ahead log, the log's shared-memory index,
# and the rollback journal of a database not (yet) in WAL mode.
SIDE_FILES = ("-wal", "-shm", "-journal")


def unwritable(url: str | URL) -> str | None:
    """Why the SQLite archive at *url* cannot be written, or None when it can (and for other
    databases). Of an archive not made yet, the folder it is to be made in."""
    path = sqlite_path(url)
    if path is None:
        return None
    if not path.exists():
        folder = path.parent.absolute()
        while not folder.exists():  # the writer makes the folders that are missing
            folder = folder.parent
        return _refused(folder, f"the folder {folder} it is to be made in")
    folder = path.parent.absolute()
    targets = [(path, "it"), (folder, f"its folder {folder}")]
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            targets.append((side, f"its {suffix} file"))
    for target, name in targets:
        refused = _refused(target, name)
        if refused is not None:
            return refused
    return None


def check_writable(url: str | URL) -> None:
    """Raise ArchiveError, in one line, when the SQLite archive at *url* cannot be written."""
    refused = unwritable(url)
    if refused is not None:
        raise ArchiveError(f"cannot write the archive {sqlite_path(url)}: {refused}")


def _refused(target: Path, name: str) -> str | None:
    # A folder is written by making files in it, which takes search permission too.
    if os.access(target, os.W_OK | os.X_OK if target.is_dir() else os.W_OK):
        return None
    if os.statvfs(target).f_flag & os.ST_RDONLY:
        return f"{name} is on a read-only file system"
    return f"{name} is not writable"
