"""One writer thread per process: every write goes through it, in short batched transactions.

Serialising writes in-process keeps SQLite from contending with itself (one connection holds
the write lock per process) and keeps blocking database I/O off the crawler's event loop; the
crawler awaits the returned futures.

Writes that are waiting when the thread picks up work are committed together: one commit
(one fsync) for a batch. Should one of them fail, the batch is run again with each write in
its own SAVEPOINT, so that it fails alone. A future resolves only after its batch is
committed, so nothing is reported stored that a crash could still lose.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from storage import migrate
from storage.engine import create_archive_engine, first_line, is_transient, is_unavailable

P = ParamSpec("P")
T = TypeVar("T")
logger = logging.getLogger(__name__)

# Most writes committed in one transaction; bounded so that transactions stay short.
MAX_BATCH = 32
# A batch that fails for a passing reason (a deadlock, a busy SQLite file, a database server
# restarting) is tried again after about BACKOFF seconds, then twice as long each time up to
# MAX_BACKOFF, for RETRY_FOR seconds in all: enough to ride out a server restart or failover.
RETRY_FOR = 180.0
BACKOFF = 0.2
MAX_BACKOFF = 10.0


class _JobFailed(Exception):
    """A write of a batch run without SAVEPOINTs failed (the batch is rolled back)."""


@dataclass
class _Job:
    run: Callable[[Session], Any]
    future: Future[Any]


class Writer:
    def __init__(self, url: str) -> None:
        self.engine = create_archive_engine(url, write=True)
        migrate.ensure_schema(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._down = False
        # The last batch failed: the failures that follow it are not logged one by one.
        self._failing = False
        self._thread = threading.Thread(target=self._work, name="archive-writer", daemon=True)
        self._thread.start()

    def submit(
        self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> Future[T]:
        """Run ``fn(session, *args)`` on the writer thread; resolves once committed."""
        future: Future[T] = Future()
        self._jobs.put(_Job(lambda session: fn(session, *args, **kwargs), future))
        return future

    def call(
        self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``submit`` and wait for the result."""
        return self.submit(fn, *args, **kwargs).result()

    def close(self) -> None:
        """Finish every pending write, then release the database."""
        self._jobs.put(None)
        self._thread.join()
        self.engine.dispose()

    def _work(self) -> None:
        stopping = False
        while not stopping:
            first = self._jobs.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                batch.append(job)
            self._commit(batch)

    def _commit(self, batch: list[_Job]) -> None:
        isolate = False
        attempt = 0
        # After the database stayed away for a whole RETRY_FOR, further batches get one try
        # each until one succeeds, so that a crawl stopping on the failure is not held up.
        deadline = time.monotonic() + (0.0 if self._down else RETRY_FOR)
        while True:
            attempt += 1
            try:
                results = self._run_batch(batch, isolate=isolate)
            except _JobFailed:
                # One write failed: the batch again, each write in its own SAVEPOINT so that
                # only the failing one fails (rare, so not paid for on every batch).
                isolate = True
                continue
            except Exception as exc:  # the transaction failed: nothing in the batch was stored
                pause = min(MAX_BACKOFF, BACKOFF * 2 ** (attempt - 1))
                pause *= random.uniform(0.5, 1.5)  # noqa: S311  (jitter, not a secret)
                if is_transient(exc) and time.monotonic() + pause < deadline:
                    # Two writers locking the same rows in another order (Postgres deadlock
                    # detection picks one to fail), a busy SQLite file or a server restart.
                    log = logger.warning if attempt == 3 else logger.info
                    log("archive write retried (try %d): %s", attempt, first_line(exc))
                    time.sleep(pause)
                    continue
                self._down = is_transient(exc)
                # A warning, once for a series of failing batches: each caller hears of its
                # write's failure and says what it means (the store pipeline stops the run).
                log = logger.debug if self._failing else logger.warning
                log("archive write of %d item(s) failed: %s", len(batch), first_line(exc))
                self._failing = True
                for job in batch:
                    if not job.future.done():
                        job.future.set_exception(exc)
                return
            if attempt > 2:
                logger.warning("archive writes go through again after %d tries", attempt)
            self._down = self._failing = False
            for job, value, error in results:
                if error is None:
                    job.future.set_result(value)
                else:
                    job.future.set_exception(error)
            return

    def _run_batch(
        self, batch: list[_Job], *, isolate: bool
    ) -> list[tuple[_Job, Any, BaseException | None]]:
        results: list[tuple[_Job, Any, BaseException | None]] = []
        with self._sessions.begin() as session:
            for job in batch:
                if job.future.cancelled():
                    continue
                if not isolate:
                    try:
                        results.append((job, job.run(session), None))
                    except Exception as exc:
                        if is_transient(exc) or is_unavailable(exc):
                            raise  # the database's trouble, not this write's
                        raise _JobFailed from exc
                    continue
                try:
                    with session.begin_nested():
                        results.append((job, job.run(session), None))
                except Exception as exc:
                    if is_transient(exc) or is_unavailable(exc):
                        raise  # the whole batch goes again or fails, not just this write
                    results.append((job, None, exc))  # this write fails alone
        return results
