"""The extraction worker pool: a hard time limit per call, and crashes that stay contained."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from pipelines.workers import WorkerCrashed, WorkerError, WorkerPool, WorkerTimeout


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    p = WorkerPool(
        "tests.worker_targets:behave", size=2, timeout=2.0, memory_limit=512 * 1024 * 1024
    )
    p.start()
    yield p
    p.close()


def test_calls_return_results(pool: WorkerPool) -> None:
    assert pool.call("echo", "hello").startswith("hello from ")


def test_an_overrunning_call_is_killed_and_its_worker_replaced(pool: WorkerPool) -> None:
    started = time.monotonic()
    with pytest.raises(WorkerTimeout):
        pool.call("sleep", "60")
    assert time.monotonic() - started < 10
    # The pool still has two working processes.
    assert pool.call("echo", "a").startswith("a from ")
    assert pool.call("echo", "b").startswith("b from ")


def test_a_slow_page_does_not_block_the_other_worker(pool: WorkerPool) -> None:
    errors: list[BaseException] = []

    def overrun() -> None:
        try:
            pool.call("sleep", "60")
        except WorkerTimeout as exc:
            errors.append(exc)

    slow = threading.Thread(target=overrun)
    slow.start()
    started = time.monotonic()
    assert pool.call("echo", "fast").startswith("fast")
    assert time.monotonic() - started < 1.5
    slow.join()
    assert len(errors) == 1


def test_a_crash_and_an_exception_are_reported(pool: WorkerPool) -> None:
    with pytest.raises(WorkerCrashed):
        pool.call("exit", "")
    with pytest.raises(WorkerError, match="ValueError: bad page"):
        pool.call("raise", "bad page")
    assert pool.call("echo", "still").startswith("still")


def test_the_memory_limit_stops_a_runaway_worker(pool: WorkerPool) -> None:
    with pytest.raises(WorkerError, match="MemoryError"):
        pool.call("allocate", str(2 * 1024**3))
    assert pool.call("echo", "ok").startswith("ok")
