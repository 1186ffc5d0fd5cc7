"""OutcomeLedger: every request a crawl sends ends in exactly one counted outcome.

A request is opened when Scrapy schedules it and settled once: by the spider (navigation,
alias, an error), by the pipelines (the item's outcome, or the reason it was dropped), or by
Scrapy itself (a duplicate dropped by the scheduler). Redirects and retries keep the request's
meta, so they stay the same entry. Whatever is still open when the spider closes is settled as
``failed:interrupted`` (the run was stopped) or ``failed:unsettled`` (a bug: logged loudly).
Counts go to the stats as ``archive/outcome/<outcome>``, and with ARCHIVE_OUTCOME_LOG set,
each URL and its outcome to that file.

Listed in EXTENSIONS before the run recorder (scraper.extensions.runrecorder): signal handlers
run in the order their components were made, so that what is still open at the close is
counted before the recorder saves the run's final counts.
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import IO, TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotSupported,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.spidermiddlewares.httperror import HttpError

from pipelines.items import OUTCOME_STAT, REQUESTS_STAT, PageItem
from scraper.downloader import HeadersTooLarge
from scraper.meta import LEDGER_ID
from storage import outcomes

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)


class RequestRejected(IgnoreRequest):
    """A downloader middleware refusing a request by policy; its errback records the reason."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.outcome = outcomes.rejected(reason)
        super().__init__(f"{self.outcome} {detail}".strip())


# What a download failure means, most specific class first.
FAILURE_OUTCOMES: tuple[tuple[type[BaseException], str], ...] = (
    (DownloadTimeoutError, outcomes.failed("timeout")),
    (CannotResolveHostError, outcomes.failed("dns")),
    (DownloadConnectionRefusedError, outcomes.failed("connection_refused")),
    (ResponseDataLossError, outcomes.failed("data_loss")),
    (DownloadFailedError, outcomes.failed("connection")),
    # Scrapy cancels a download whose size passes DOWNLOAD_MAXSIZE.
    (DownloadCancelledError, outcomes.rejected("too_large")),
    (UnsupportedURLSchemeError, outcomes.rejected("unsupported_scheme")),
    (NotSupported, outcomes.rejected("unsupported_scheme")),
    # A server sending more header lines or bytes than BoundedHeadersDownloadHandler reads.
    (HeadersTooLarge, outcomes.failed("headers_too_large")),
)


# Scrapy's own middlewares say why they ignore a request only in the message.
IGNORE_MESSAGES = (
    ("Forbidden by robots.txt", outcomes.rejected("robots")),
    ("max redirections reached", outcomes.failed("too_many_redirects")),
    ("exceeded DOWNLOAD_MAXSIZE", outcomes.rejected("too_large")),  # a compression bomb
)


def failure_outcome(exc: BaseException) -> str:
    """The outcome of a request whose download or processing raised *exc*."""
    own: str | None = getattr(exc, "outcome", None)  # our own exceptions know their outcome
    if own:
        return own
    if isinstance(exc, HttpError):
        location = (exc.response.headers.get("Location") or b"").decode("latin-1").strip()
        if (
            300 <= exc.response.status < 400
            and location
            and not location.lower().startswith(("http://", "https://", "/"))
        ):
            # A redirect out of the web (file:, ftp:, javascript:): not followed, on purpose.
            return outcomes.rejected("redirect_scheme")
        return outcomes.failed(f"http_{exc.response.status}")
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        return next(
            (outcome for text, outcome in IGNORE_MESSAGES if text in message),
            outcomes.rejected("ignored"),
        )
    for cls, outcome in FAILURE_OUTCOMES:
        if isinstance(exc, cls):
            return outcome
    return outcomes.failed(type(exc).__name__.lower())


class OutcomeLedger:
    """Settings: ARCHIVE_OUTCOME_LOG, a file that gets one JSON line per URL,
    ``{"url", "outcome"}`` (appended to)."""

    def __init__(self, crawler: Crawler, log: IO[str] | None = None) -> None:
        self.crawler = crawler
        self.log = log
        self._ids = itertools.count(1)
        self._open: dict[int, str] = {}
        self._refused: set[str] = set()

    @property
    def stats(self) -> StatsCollector:
        # Scrapy creates the stats collector when the crawl starts, after the spider.
        stats = self.crawler.stats
        assert stats is not None
        return stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutcomeLedger:
        path = crawler.settings.get("ARCHIVE_OUTCOME_LOG")
        # Held open for the whole crawl (a line per URL), closed when the spider closes.
        log = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115  (open for the crawl)
        ledger = cls(crawler, log)
        connect = crawler.signals.connect
        connect(ledger.spider_closed, signal=signals.spider_closed)
        connect(ledger.request_scheduled, signal=signals.request_scheduled)
        connect(ledger.request_dropped, signal=signals.request_dropped)
        connect(ledger.item_scraped, signal=signals.item_scraped)
        connect(ledger.item_dropped, signal=signals.item_dropped)
        connect(ledger.item_error, signal=signals.item_error)
        connect(ledger.spider_error, signal=signals.spider_error)
        return ledger

    @property
    def open_count(self) -> int:
        return len(self._open)

    def request_scheduled(self, request: Request, **_: Any) -> None:
        if LEDGER_ID not in request.meta:
            ledger_id = next(self._ids)
            request.meta[LEDGER_ID] = ledger_id
            self._open[ledger_id] = request.url
            self.stats.inc_value(REQUESTS_STAT)

    def request_dropped(self, request: Request, **_: Any) -> None:
        self.settle(request, outcomes.rejected("duplicate"))

    def item_scraped(self, item: Any, response: Response, **_: Any) -> None:
        outcome = getattr(item, "outcome", None)
        if outcome:
            self.settle(response, outcome)

    def item_dropped(self, item: Any, response: Response, exception: Exception, **_: Any) -> None:
        self.settle(response, getattr(exception, "outcome", outcomes.failed("dropped")))

    def item_error(self, item: Any, response: Response, failure: Failure, **_: Any) -> None:
        # Only a page decides its URL's outcome; a failed side item (an alias) does not.
        if isinstance(item, PageItem):
            self.settle(response, outcomes.failed("pipeline_error"))

    def spider_error(self, failure: Failure, response: Response, **_: Any) -> None:
        self.settle(response, outcomes.failed("spider_error"))

    def settle(self, request: Request | Response, outcome: str) -> bool:
        """Record *outcome* for *request* (or the request of a response); once only."""
        ledger_id = request.meta.get(LEDGER_ID)
        url = self._open.pop(ledger_id, None) if ledger_id is not None else None
        if url is None:
            return False
        self._count(url, outcome)
        return True

    def refuse(self, url: str, outcome: str) -> None:
        """Record *outcome* for *url*, which never became a request (it could not): it is
        taken up and settled at once, so that it is counted like any other (once a run)."""
        if url in self._refused:
            return
        self._refused.add(url)
        self.stats.inc_value(REQUESTS_STAT)
        self._count(url, outcome)

    def _count(self, url: str, outcome: str) -> None:
        self.stats.inc_value(OUTCOME_STAT + outcome)
        if self.log is not None:
            self.log.write(json.dumps({"url": url, "outcome": outcome}) + "\n")

    def spider_closed(self, reason: str) -> None:
        """Settle whatever is still open when the crawl ends."""
        self._settle_open(reason)
        if self.log is not None:
            self.log.close()
            self.log = None

    def _settle_open(self, reason: str) -> None:
        if not self._open:
            return
        outcome = outcomes.failed("unsettled" if reason == "finished" else "interrupted")
        log = logger.error if reason == "finished" else logger.warning
        log(
            "%d URL(s) ended without an outcome (crawl %s), counted as %s; first: %s",
            len(self._open),
            reason,
            outcome,
            next(iter(self._open.values())),
            extra={"crawler": self.crawler},
        )
        while self._open:
            _, url = self._open.popitem()
            self._count(url, outcome)
