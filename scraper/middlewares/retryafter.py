"""RetryAfterMiddleware: a 429 or 503 with Retry-After is retried no sooner than asked.

Scrapy's RetryMiddleware retries 429 and 503 at once and ignores Retry-After. Here the host's
download slot is slowed to the requested interval before the retry goes out, so every request
to that host waits, not just the retried one. A wait longer than RETRY_AFTER_MAX (default 120 s)
is not sat through inside a crawl: the URL fails with ``failed:retry_after`` and the next run
tries again. Without a Retry-After header the response is left to RetryMiddleware.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest, NotConfigured

from storage import outcomes

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.core.downloader import Slot
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class RetryAfterExceeded(IgnoreRequest):
    """The server asked for a longer pause than a crawl waits."""

    def __init__(self, seconds: float, limit: float) -> None:
        self.outcome = outcomes.failed("retry_after")
        super().__init__(f"{self.outcome}: asked to wait {seconds:.0f} s, more than {limit:.0f} s")


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None if unreadable
    (a header that is neither is treated as absent, RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    # ASCII digits only: str.isdigit() also accepts "²" or "٣", which float() refuses or
    # reads as a number no server meant.
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    except (TypeError, ValueError, OverflowError):  # not a date, or one out of range
        return None


@dataclass
class _Pause:
    """A host that asked to be left alone: until when, for how long, and what to restore."""

    until: float
    seconds: float
    saved_delay: float
    saved_jitter: float


class RetryAfterMiddleware:
    """Settings: RETRY_AFTER_ENABLED (default on), RETRY_AFTER_MAX (seconds, default 120),
    RETRY_AFTER_HTTP_CODES (default 429 and 503); retries count against RETRY_TIMES."""

    def __init__(self, crawler: Crawler, max_wait: float, codes: frozenset[int]) -> None:
        self.crawler = crawler
        self.max_wait = max_wait
        self.codes = codes
        self._pauses: dict[str, _Pause] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("RETRY_AFTER_ENABLED", True):
            raise NotConfigured("RETRY_AFTER_ENABLED is off")
        codes = frozenset(
            int(code) for code in settings.getlist("RETRY_AFTER_HTTP_CODES", [429, 503])
        )
        return cls(crawler, settings.getfloat("RETRY_AFTER_MAX", 120.0), codes)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if self._pauses:
            self._keep_paused(request)
        if response.status not in self.codes or request.meta.get("dont_retry"):
            return response
        header = response.headers.get("Retry-After")
        seconds = retry_after_seconds(header.decode("latin-1") if header else None)
        if seconds is None:
            return response
        if seconds > self.max_wait:
            raise RetryAfterExceeded(seconds, self.max_wait)
        assert self.crawler.spider is not None
        retry = get_retry_request(
            request, spider=self.crawler.spider, reason=f"retry_after_{response.status}"
        )
        if retry is None:
            return response
        self._pause(request, seconds)
        return retry

    def _slot(self, request: Request) -> tuple[str, Slot | None]:
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        return key, downloader.slots.get(key)

    def _pause(self, request: Request, seconds: float) -> None:
        key, slot = self._slot(request)
        if slot is None:
            return
        logger.info(
            "%s asks to wait %.0f s; slowing down requests to it",
            request.url,
            seconds,
            extra={"crawler": self.crawler},
        )
        earlier = self._pauses.get(key)
        self._pauses[key] = _Pause(
            until=time.monotonic() + seconds,
            seconds=max(seconds, earlier.seconds if earlier else 0.0),
            saved_delay=earlier.saved_delay if earlier else slot.delay,
            saved_jitter=earlier.saved_jitter if earlier else slot.jitter,
        )
        self._keep_paused(request)

    def _keep_paused(self, request: Request) -> None:
        """Hold the host's delay at the asked wait until the pause is over, then restore it.

        Checked on every response from the host: other responses arriving meanwhile must not
        end the pause, and AutoThrottle, which adjusts delays as responses come in, must not
        shorten it. No random jitter while paused: it would cut the wait by up to half.
        """
        key, slot = self._slot(request)
        pause = self._pauses.get(key)
        if pause is None or slot is None:
            return
        if time.monotonic() < pause.until:
            slot.delay, slot.jitter = max(slot.delay, pause.seconds), 0.0
        else:
            slot.delay, slot.jitter = pause.saved_delay, pause.saved_jitter
            del self._pauses[key]
