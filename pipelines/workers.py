"""A pool of worker processes with a hard time limit per call (DESIGN §5).

A thread cannot be stopped and a process pool's tasks cannot be cancelled once running, so a
pathological page could hold a worker forever. Here each call goes to one dedicated process;
when it overruns its budget that process is killed and a fresh one takes its place.

Workers are forked from a forkserver that has already imported the target's module, so a
replacement is ready in milliseconds and never inherits the crawler's threads or sockets.

What a call logs in its worker (trafilatura's warnings, say) comes back with its result and is
logged again in the calling process, where its handlers (scraper.logformat) say which run the
line belongs to; a worker has no handler of its own.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import queue
import resource
import threading
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from typing import Any

logger = logging.getLogger(__name__)


class WorkerTimeout(Exception):
    """The call ran past its time limit; its worker was killed."""


class WorkerCrashed(Exception):
    """The worker died during the call (killed by the OS, out of memory, a crash in C code)."""


class WorkerError(Exception):
    """The call raised inside the worker; the message names the exception."""


def _resolve(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return function


# The most records one call sends back (a page could make its reader warn without end).
MAX_RECORDS = 50


class _Collector(logging.Handler):
    """In a worker: what one call logs at WARNING or above, as plain values (picklable)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[dict[str, Any]] = []
        self.left_out = 0
        self._formatter = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) >= MAX_RECORDS:
            self.left_out += 1
            return
        try:
            exc_text = self._formatter.formatException(record.exc_info) if record.exc_info else None
            self.records.append(
                {
                    "name": record.name,
                    "levelno": record.levelno,
                    "levelname": record.levelname,
                    "msg": record.getMessage(),
                    "created": record.created,
                    "msecs": record.msecs,
                    "process": record.process,
                    "processName": record.processName,
                    "exc_text": exc_text,
                    "stack_info": record.stack_info,
                }
            )
        except Exception:
            self.handleError(record)

    def take(self) -> list[dict[str, Any]]:
        taken, self.records = self.records, []
        if self.left_out:
            taken.append(
                {
                    "name": __name__,
                    "levelno": logging.WARNING,
                    "levelname": "WARNING",
                    "msg": f"{self.left_out} more log record(s) of this call left out",
                }
            )
            self.left_out = 0
        return taken


def _replay(records: list[dict[str, Any]], extra: Mapping[str, Any] | None) -> None:
    """Log what a worker's call logged, here, through this process's handlers (with *extra*'s
    attributes, as ``logger.log(..., extra=extra)`` would give them)."""
    for fields in records:
        record = logging.makeLogRecord({**(extra or {}), **fields})
        log = logging.getLogger(record.name)
        if log.isEnabledFor(record.levelno):
            log.handle(record)


def _serve(connection: Connection, target: str, memory_limit: int | None) -> None:
    """Worker main loop: receive arguments, send back ("ok", result, records) or ("error",
    message, records), *records* being what the call logged."""
    if memory_limit:
        # A page that would balloon the worker fails inside it instead of swapping the host.
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    collector = _Collector()
    logging.getLogger().addHandler(collector)
    function = _resolve(target)
    while True:
        try:
            args = connection.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if args is None:
            return
        try:
            result = function(*args)
        except MemoryError:
            message = "MemoryError: the worker's memory limit was reached"
            connection.send(("error", message, collector.take()))
        except Exception as exc:  # any failure of one page is reported, never fatal
            connection.send(("error", f"{type(exc).__name__}: {exc}", collector.take()))
        else:
            connection.send(("ok", result, collector.take()))


class _Worker:
    def __init__(self, context: ForkServerContext, target: str, memory_limit: int | None) -> None:
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_serve, args=(child, target, memory_limit), daemon=True
        )
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # already gone: nothing to tell it
            self.connection.send(None)
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()
        else:
            self.connection.close()


class WorkerPool:
    """Run ``target(*args)`` ("module:function") in one of *size* processes, at most *timeout*
    seconds per call. ``call`` blocks and is safe to use from many threads at once."""

    def __init__(
        self, target: str, *, size: int, timeout: float, memory_limit: int | None = None
    ) -> None:
        self.target = target
        self.size = size
        self.timeout = timeout
        self.memory_limit = memory_limit
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload([target.partition(":")[0]])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.target, self.memory_limit)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        if not closed:
            self._idle.put(self._spawn())

    def call(self, *args: Any, log_extra: Mapping[str, Any] | None = None) -> Any:
        """``target(*args)`` in a worker; what it logged there is logged here, each record
        with *log_extra*'s attributes (``{"crawler": crawler}`` names the crawl's run)."""
        worker = self._idle.get()
        try:
            worker.connection.send(args)
            if not worker.connection.poll(self.timeout):
                self._replace(worker)
                raise WorkerTimeout(f"no result within {self.timeout:g} s")
            status, value, records = worker.connection.recv()
        except (EOFError, OSError) as exc:
            self._replace(worker)
            raise WorkerCrashed(f"worker exited with code {worker.process.exitcode}") from exc
        self._idle.put(worker)
        _replay(records, log_extra)
        if status == "error":
            raise WorkerError(value)
        return value

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
