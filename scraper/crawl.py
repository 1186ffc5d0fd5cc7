"""Run crawls in this process: what ``archiver crawl`` and ``archiver fetch`` do.

The Twisted reactor cannot be restarted, so one call per process; the daemon starts each run as
a child process running ``archiver crawl``, which lands here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from pipelines.store import STORAGE_ERROR_STAT
from scraper.config import Config
from scraper.spiders.archive import ArchiveSpider


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


@dataclass(frozen=True)
class CrawlResult:
    """What one crawl of ``run_crawls`` left: its run (None if it never started) and, if
    the archive database stopped it, the database's error."""

    run_id: int | None
    storage_error: str | None = None


def run_crawls(
    settings: Settings, jobs: Sequence[Mapping[str, Any]], *, quiet: bool = False
) -> list[CrawlResult]:
    """Run one ArchiveSpider per job (its spider arguments) at once.

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
        process.crawl(crawler, **job)
        crawlers.append(crawler)
    process.start()
    results = []
    for crawler in crawlers:
        try:
            stats = crawler.stats.get_stats() if crawler.stats else {}
        except RuntimeError:  # the crawl never started: no stats collector was made
            stats = {}
        run_id = stats.get("archive/run_id")
        error = stats.get(STORAGE_ERROR_STAT)
        results.append(CrawlResult(int(run_id) if run_id is not None else None, error))
    return results
