"""RobotsMiddleware: Scrapy's robots.txt middleware, with RFC 9309's rule for an unreachable file.

Scrapy reads whatever a robots.txt request returns as the rules, so a server error page (or no
answer at all) means "allow everything". RFC 9309 §2.3.1.4 says the opposite: when robots.txt
is unreachable because of a server or network error, the crawler must assume complete
disallow (a 4xx, "unavailable", still means allow). Here a 5xx answer (after the usual
retries), a 429, or a failed download makes every request to that host in this run end as
``rejected:robots_unavailable``; the next run asks again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.robotstxt import RobotParser
from twisted.internet.defer import Deferred

from scraper.extensions.outcomes import FAILURE_OUTCOMES, RequestRejected

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class Unreachable(RobotParser):
    """The rules of a host whose robots.txt could not be read: nothing is allowed."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> Self:
        return cls("robots.txt unreachable")

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


def unreachable_answer(status: int) -> bool:
    # 429 is a 4xx, but it says "come back later", not "there is no file": Google, Bing and
    # others treat it as a server error, and so do we.
    return status >= 500 or status == 429


class _SaidInOneLine(logging.Filter):
    """Scrapy's middleware logs a robots.txt that could not be downloaded as an ERROR with a
    long traceback; RobotsMiddleware says the same in one WARNING line (and the run, if it
    fetched nothing, in another). Errors that are not download failures still show whole."""

    failures = tuple(cls for cls, _ in FAILURE_OUTCOMES)

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, self.failures)


# One filter on Scrapy's logger for every crawl of the process (adding it again is a no-op).
_SAID_IN_ONE_LINE = _SaidInOneLine()


class RobotsMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        logging.getLogger(RobotsTxtMiddleware.__module__).addFilter(_SAID_IN_ONE_LINE)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if unreachable_answer(response.status):
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            self._unreachable(netloc, f"robots.txt answered {response.status}")
            return
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):  # refused by policy (offsite...), not unreachable
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._unreachable(netloc, f"robots.txt could not be fetched ({type(exc).__name__})")

    def _unreachable(self, netloc: str, reason: str) -> None:
        logger.warning(
            "%s: %s; nothing on this host is fetched in this run",
            netloc,
            reason,
            extra={"crawler": self.crawler},
        )
        waiting = self._parsers[netloc]  # the requests of this host wait on it
        rules = Unreachable(reason)
        self._parsers[netloc] = rules
        if isinstance(waiting, Deferred):
            waiting.callback(rules)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        if isinstance(rp, Unreachable):
            self._stats.inc_value("robotstxt/unreachable_refused")
            raise RequestRejected("robots_unavailable", rp.reason)
        super().process_request_2(rp, request)
