"""Run crawls in this process: what ``archiver crawl``, ``revisit`` and ``fetch`` do.

The Twisted reactor cannot be restarted, so one call per process; the daemon starts each run as
a child process running ``archiver crawl``, which lands here. The caller has made each crawl's
run already (storage.runs) and hands its id to the crawl in ARCHIVE_RUN_ID.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from pipelines.store import STORAGE_ERROR_STAT
from scraper.config import Config, Source
from scraper.spiders.archive import ArchiveSpider
from storage.runs import DEFAULT_HEARTBEAT


def crawl_settings(
    config: Config, database_url: str, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """The project's settings, plus the sources file, database and ``-s`` overrides."""
    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    if config.path is not None:
        settings.set("ARCHIVER_CONFIG", str(config.path), priority="cmdline")
    settings.set("ARCHIVE_DATABASE_URL", database_url, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def source_settings(settings: Settings, source: Source | None) -> Settings:
    """*settings* as a crawl of *source* sees them: the source's own under the command line's
    (the spider applies the same when it opens)."""
    effective = settings.copy()
    if source is not None:
        effective.setdict(dict(source.crawl_settings), priority="spider")
    return effective


def heartbeat(settings: Settings) -> float:
    """Seconds between a crawl's progress saves (the run recorder's ARCHIVE_HEARTBEAT)."""
    return settings.getfloat("ARCHIVE_HEARTBEAT", DEFAULT_HEARTBEAT)


@dataclass(frozen=True)
class Job:
    """One crawl to run: the run made for it, and the spider's arguments."""

    run_id: int
    arguments: Mapping[str, Any]


@dataclass(frozen=True)
class CrawlResult:
    """How one crawl of ``run_crawls`` went: its run, and the archive database's error if
    that stopped it."""

    run_id: int
    storage_error: str | None = None


def run_crawls(
    settings: Settings, jobs: Sequence[Job], *, quiet: bool = False
) -> list[CrawlResult]:
    """Run one ArchiveSpider per job at once, in this process.

    *quiet* keeps Scrapy's own INFO chatter out of the log but for its progress lines.
    """
    if quiet:
        settings.set("LOG_VERSIONS", [], priority="cmdline")
    process = CrawlerProcess(settings)
    if quiet:
        # After the process configured logging (it sets the "scrapy" logger to DEBUG).
        logging.getLogger("scrapy").setLevel(logging.WARNING)
        logging.getLogger("scrapy.extensions.logstats").setLevel(logging.INFO)
    crawlers = []
    for job in jobs:
        crawler = process.create_crawler(ArchiveSpider)
        crawler.settings.set("ARCHIVE_RUN_ID", job.run_id, priority="cmdline")
        process.crawl(crawler, **job.arguments)
        crawlers.append(crawler)
    process.start()
    results = []
    for job, crawler in zip(jobs, crawlers, strict=True):
        try:
            stats = crawler.stats.get_stats() if crawler.stats else {}
        except RuntimeError:  # the crawl never started: no stats collector was made
            stats = {}
        results.append(CrawlResult(job.run_id, stats.get(STORAGE_ERROR_STAT)))
    return results
