"""Resources shared by every crawl running in one process (``archiver crawl --all``).

Each crawl's components acquire the writer and the extraction pool they need from a
RefCounted registry; crawls of several sources in one process then share one writer thread
per database (DESIGN §4 rule 7) and one pool of extraction processes, instead of one of each
per source.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class RefCounted(Generic[K, T]):
    """Instances made on first use of a key and closed when its last user releases it."""

    def __init__(self, make: Callable[[K], T], close: Callable[[T], None]) -> None:
        self._make = make
        self._close = close
        self._lock = threading.Lock()
        self._items: dict[K, tuple[T, int]] = {}

    def acquire(self, key: K) -> T:
        with self._lock:
            item, users = self._items.get(key, (None, 0))
            if item is None:
                item = self._make(key)
            self._items[key] = (item, users + 1)
            return item

    def release(self, key: K) -> None:
        with self._lock:
            item, users = self._items[key]
            if users > 1:
                self._items[key] = (item, users - 1)
                return
            del self._items[key]
        self._close(item)
