"""Politeness on the wire: robots.txt rules and Crawl-delay, Retry-After, the User-Agent."""

from __future__ import annotations

import itertools
import statistics
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from scraper.middlewares.retryafter import retry_after_seconds
from storage import Archive
from tests.crawling import archiver, crawl, sources_file
from tests.site import NewsSite

pytestmark = pytest.mark.e2e


def test_retry_after_values() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90)), now) == 90.0
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=90)), now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


@pytest.mark.parametrize(
    "value",
    [
        "\u00b2",  # superscript two: a digit to str.isdigit(), not to float()
        "\u00b90",
        "\u0663",  # Arabic-Indic three
        "1e5",
        "-5",
        "5.5",
        "0x10",
        "\x00",
        "Fri, 31 Feb 2026 10:00:00 GMT",
        "Mon, 32 Jan 2026 00:00:00 GMT",
        "Mon, 01 Jan 99999 00:00:00 GMT",
        "Thu, 01 Jan 1970 00:00:00 -9999",
        "Mon, 01 Jan 0001 00:00:00 +2359",
        "",
        "   ",
    ],
)
def test_a_retry_after_that_is_neither_seconds_nor_a_date_is_absent(value: str) -> None:
    seconds = retry_after_seconds(value)
    # Out of range dates in the past may read as "now"; nothing raises, nothing odd waits.
    assert seconds is None or seconds == 0.0


def _fetch(site: NewsSite, db_url: str, article_id: str) -> dict[str, object]:
    result = archiver("fetch", site.url(article_id), "--json", db=db_url)
    assert result.code == 0, result.stderr[-2000:]
    summary: dict[str, object] = result.json()
    return summary


def test_a_429_is_retried_after_the_time_the_server_asks(site: NewsSite, sqlite_url: str) -> None:
    article_id = site.article_ids()[-1]
    path = site.url(article_id).removeprefix(site.base_url)
    site.refuse(path, status=429, retry_after="2", times=1)
    summary = _fetch(site, sqlite_url, article_id)
    assert summary["articles_new"] == 1
    hits = [(when, status) for when, hit_path, status in site.log if hit_path == path]
    assert [status for _, status in hits] == [429, 200]
    assert hits[1][0] - hits[0][0] >= 1.9


def test_a_wait_longer_than_a_run_allows_is_a_counted_failure(
    site: NewsSite, sqlite_url: str
) -> None:
    article_id = site.article_ids()[-1]
    path = site.url(article_id).removeprefix(site.base_url)
    site.refuse(path, status=503, retry_after="86400", times=5)
    summary = _fetch(site, sqlite_url, article_id)
    assert summary["failed"] == {"retry_after": 1}
    assert site.requests[path] == 1  # gave up at once instead of hammering


def test_robots_crawl_delay_spaces_out_requests(
    site: NewsSite, sqlite_url: str, tmp_path: Path
) -> None:
    site.crawl_delay = 0.4
    config = sources_file(
        tmp_path / "archiver.toml", site.base_url, sitemaps=False, start=False, max_depth=0
    )
    crawl(config, sqlite_url)
    times = sorted(when for when, path, _ in site.log if path != "/robots.txt")
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert len(gaps) >= 10
    # The test site's settings ask for no delay at all: the spacing comes from robots.txt.
    # Scrapy spaces the requests it sends; the site logs them as its threads get to them, a
    # few tens of milliseconds late or early on a loaded machine (0.374 s seen for 0.4 s).
    assert min(gaps) >= 0.3
    assert statistics.median(gaps) >= 0.39


def test_requests_identify_the_crawler(site: NewsSite, sqlite_url: str) -> None:
    article_id = site.article_ids()[-1]
    _fetch(site, sqlite_url, article_id)
    with Archive(sqlite_url) as archive:
        assert archive.stats()["articles"] == 1
    agents = set(site.user_agents)
    assert len(agents) == 1
    assert next(iter(agents)).startswith("archiver/")
