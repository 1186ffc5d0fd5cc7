"""Run crawls in this process: what ``archiver crawl``, ``revisit`` and ``fetch`` do.

The Twisted reactor cannot be restarted, so one call per process; the daemon starts each run as
a child process running ``archiver crawl``, which lands here. The caller has made each crawl's
run already (storage.runs) and hands its id to the crawl in ARCHIVE_RUN_ID.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import BaseSettings, Settings

from pipelines.store import STORAGE_ERROR_STAT
from scraper.config import Config, Source
from scraper.logformat import RunFields, RunTag, dress, url_secrets
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
    # The thresholds a discovery run judges its source's health by (storage.health).
    settings.set("ARCHIVE_HEALTH", asdict(config.health), priority="cmdline")
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


class CrawlTags:
    """Which run a log record belongs to, by the crawler or spider it carries (Scrapy logs
    many with ``extra={"spider": ...}``, some with ``extra={"crawler": ...}``)."""

    def __init__(self) -> None:
        self._tags: dict[Crawler, RunTag] = {}

    def add(self, crawler: Crawler, tag: RunTag) -> None:
        self._tags[crawler] = tag

    def __call__(self, record: logging.LogRecord) -> RunTag | None:
        crawler = getattr(record, "crawler", None)
        if crawler is None:
            crawler = getattr(getattr(record, "spider", None), "crawler", None)
        return self._tags.get(crawler) if isinstance(crawler, Crawler) else None


def install_logging(settings: BaseSettings, log_format: str, default: RunTag) -> RunFields:
    """Log this process's records in *log_format*, each line with its run (see
    scraper.logformat), where Scrapy's own root handler would (LOG_FILE, LOG_FILE_APPEND,
    LOG_ENCODING, LOG_ENABLED, LOG_LEVEL) and instead of it; the fields it returns say which
    run a line belongs to (set its ``default`` once the run is made).
    """
    handler: logging.Handler
    filename = settings.get("LOG_FILE")
    if filename:
        mode = "a" if settings.getbool("LOG_FILE_APPEND", True) else "w"
        handler = logging.FileHandler(filename, mode, encoding=settings.get("LOG_ENCODING"))
    elif settings.getbool("LOG_ENABLED", True):
        handler = logging.StreamHandler()
    else:
        handler = logging.NullHandler()
    fields = RunFields(default)
    secrets = url_secrets(settings.get("ARCHIVE_DATABASE_URL"))
    dress(handler, log_format, secrets=secrets, fields=fields)
    level = settings.get("LOG_LEVEL", "INFO")
    handler.setLevel(level)
    logging.basicConfig(level=level, handlers=[handler], force=True)
    return fields


def run_crawls(
    settings: Settings,
    jobs: Sequence[Job],
    *,
    quiet: bool = False,
    log: RunFields | None = None,
) -> list[CrawlResult]:
    """Run one ArchiveSpider per job at once, in this process.

    *quiet* keeps Scrapy's own INFO chatter out of the log but for its progress lines. With
    *log* (from ``install_logging``), Scrapy installs no log handler of its own, and a
    record a crawl's spider or crawler is attached to is that crawl's run's.
    """
    if quiet:
        settings.set("LOG_VERSIONS", [], priority="cmdline")
    tags = CrawlTags()
    if log is not None:
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
        log.attribute = tags
    fields = log if log is not None else RunFields()  # without *log*, used by nothing
    process = CrawlerProcess(settings)
    if quiet:
        # After the process configured logging (it sets the "scrapy" logger to DEBUG).
        logging.getLogger("scrapy").setLevel(logging.WARNING)
        logging.getLogger("scrapy.extensions.logstats").setLevel(logging.INFO)
    crawlers = []
    for job in jobs:
        crawler = process.create_crawler(ArchiveSpider)
        crawler.settings.set("ARCHIVE_RUN_ID", job.run_id, priority="cmdline")
        tag = RunTag(job.arguments.get("source"), job.run_id)
        tags.add(crawler, tag)
        # The crawl sets itself up here, before the reactor runs (its settings, extensions,
        # middlewares): what is logged meanwhile is its own, with its spider or without.
        with fields.meanwhile(tag):
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
