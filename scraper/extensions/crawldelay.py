"""RobotsCrawlDelay: honour robots.txt ``Crawl-delay`` as a floor on the host's download delay.

Scrapy reads robots.txt but ignores Crawl-delay, and AutoThrottle lowers a host's delay as the
site answers quickly; the floor is re-applied after every AutoThrottle adjustment (this
extension's signal handlers are connected after AutoThrottle's, so they run after them). The
host's random jitter is switched off, since it would make some gaps shorter than asked.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)


class RobotsCrawlDelay:
    def __init__(self, crawler: Crawler, max_delay: float) -> None:
        self.crawler = crawler
        self.max_delay = max_delay
        self.floors: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY") or not settings.getbool(
            "ROBOTSTXT_CRAWL_DELAY_ENABLED", True
        ):
            raise NotConfigured("robots.txt is not obeyed")
        # A robots.txt asking for an hour between pages would stall the crawl; cap it.
        extension = cls(crawler, settings.getfloat("ROBOTSTXT_CRAWL_DELAY_MAX", 60.0))
        crawler.signals.connect(extension.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(extension.response_downloaded, signal=signals.response_downloaded)
        return extension

    def _user_agent(self) -> str:
        return str(
            self.crawler.settings.get("ROBOTSTXT_USER_AGENT")
            or self.crawler.settings.get("USER_AGENT")
        )

    def robots_parsed(self, robotparser: RobotParser, request: Request, **_: Any) -> None:
        delay = robotparser.crawl_delay(self._user_agent())
        if not delay:
            return
        delay = min(float(delay), self.max_delay)
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        self.floors[key] = delay
        # Slots are garbage-collected when idle; a recreated one starts from these settings.
        downloader.per_slot_settings.setdefault(key, {}).update(delay=delay, jitter=0.0)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay, slot.jitter = max(slot.delay, delay), 0.0
        logger.info(
            "robots.txt asks for %.1f s between requests to %s",
            delay,
            key,
            extra={"crawler": self.crawler},
        )

    def response_downloaded(self, response: Response, request: Request, **_: Any) -> None:
        if not self.floors:
            return
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        floor = self.floors.get(key)
        slot = downloader.slots.get(key)
        if floor and slot is not None and slot.delay < floor:
            slot.delay = floor
