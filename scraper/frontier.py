"""Frontier: what one run has asked for, so that each article is fetched once per run.

URLs are compared by their canonical key (storage.urls). A key is *requested* once; the page
fetched for it is *emitted* to the pipelines once. Addresses of a key found while its page is
on its way wait as pending aliases and go with the page; addresses found after it was emitted
are aliases of a stored article. Requests per host are counted against crawler traps.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from enum import Enum


class Admission(Enum):
    ADMITTED = "admitted"
    # The key was requested in this run already: nothing to do.
    SEEN = "seen"
    # The host reached its request limit (a trap, or a site larger than configured for).
    HOST_LIMIT = "host_limit"


class Frontier:
    def __init__(self, max_requests_per_host: int = 0) -> None:
        self.max_requests_per_host = max_requests_per_host
        self._requested: set[str] = set()
        self._emitted: set[str] = set()
        self._pending: defaultdict[str, set[str]] = defaultdict(set)
        self._per_host: Counter[str] = Counter()

    def admit(self, key: str, host: str) -> Admission:
        """Whether a request for *key* on *host* may go out; if so it counts as requested."""
        if key in self._requested:
            return Admission.SEEN
        self._per_host[host] += 1
        if self.max_requests_per_host and self._per_host[host] > self.max_requests_per_host:
            return Admission.HOST_LIMIT
        self._requested.add(key)
        return Admission.ADMITTED

    def requested(self, key: str) -> bool:
        return key in self._requested

    def emitted(self, key: str) -> bool:
        return key in self._emitted

    def emit(self, key: str) -> list[str]:
        """The page of *key* goes to the pipelines; the addresses that waited for it."""
        self._emitted.add(key)
        self._requested.add(key)
        return sorted(self._pending.pop(key, ()))

    def wait(self, key: str, urls: Iterable[str]) -> None:
        """Keep *urls* as addresses of the page of *key*, requested but not emitted yet."""
        self._pending[key].update(urls)
