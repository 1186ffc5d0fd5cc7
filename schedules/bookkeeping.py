"""Closing runs that their process could not close: killed, crashed, or cut off by a crash
of the whole machine. A run stays "running" in crawl_runs only while a process runs it."""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime

from storage import Archive, queries, store
from storage.locks import source_lock
from storage.queries import RunView

logger = logging.getLogger(__name__)

HOST = socket.gethostname()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def is_dead(run: RunView, database_url: str) -> bool:
    """Whether no process runs *run* any more.

    A source's run holds the source's lock for its whole life, so a free lock means nobody
    runs it, on any machine. A run without a source is judged by its process, on this host.
    """
    if run.source is not None:
        lock = source_lock(database_url, run.source)
        if not lock.acquire():
            return False
        lock.release()
        return True
    return run.host == HOST and not _process_alive(run.pid)


def close_dead_runs(archive: Archive) -> list[int]:
    """Mark every open run whose process is gone as ``interrupted``; return their ids."""
    closed = []
    with archive.session() as session:
        open_runs = queries.runs(session, unfinished=True, limit=None)
    for run in open_runs:
        if is_dead(run, archive.url):
            with archive.session() as session:
                if store.close_run(session, run.id, store.INTERRUPTED):
                    closed.append(run.id)
                    logger.warning(
                        "run %d (%s, %s) was left open by a process that is gone: interrupted",
                        run.id,
                        run.source or "ad hoc",
                        run.kind,
                    )
    return closed


def close_runs_of(archive: Archive, pid: int, since: datetime, reason: str) -> list[RunView]:
    """After a child ended: close what it left open; return all its runs."""
    with archive.session() as session:
        runs = queries.runs(session, pid=pid, host=HOST, since=since, limit=5)
    for run in runs:
        if run.finished_at is None:
            with archive.session() as session:
                store.close_run(session, run.id, reason)
    return runs
