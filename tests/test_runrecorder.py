"""The run recorder (scraper.extensions.runrecorder): a crawl records into the run its caller
made, and a crawl that died is found stale by its heartbeat and closed by the next run of its
source; with the real command line and Scrapy, on SQLite and Postgres."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage import Archive
from tests.crawling import PROJECT, archiver, crawl, sources_file
from tests.daemons import runs, wait_for
from tests.faults import CrawlProcess
from tests.site import NewsSite

pytestmark = pytest.mark.e2e


def scrapy_crawl(config: Path, db_url: str, *settings: str) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl archive -a source=riverside``, as a Scrapyd node would run it."""
    env = {**os.environ, "ARCHIVER_CONFIG": str(config), "ARCHIVER_DATABASE_URL": db_url}
    command = [sys.executable, "-m", "scrapy", "crawl", "archive", "-a", "source=riverside"]
    for setting in settings:
        command += ["-s", setting]
    return subprocess.run(
        command, check=False, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
    )


def test_scrapy_crawl_records_into_the_run_it_is_handed(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    with Archive(db_url, write=True) as archive:
        made = archive.start_run("riverside", "discover")
        other = archive.start_run("courier", "discover")
    done = scrapy_crawl(config, db_url, f"ARCHIVE_RUN_ID={made}")
    assert done.returncode == 0, done.stderr[-3000:]
    with Archive(db_url) as archive:
        run = archive.crawl_run(made)
        assert (run.finish_reason, run.stats["articles_new"], run.claimed) == ("finished", 24, True)
        assert run.pid != os.getpid()
        assert [r.id for r in runs(db_url)] == [made, other]  # no run of its own
    # Handed another source's run, the crawl records nothing and fetches nothing.
    site.reset_counts()
    refused = scrapy_crawl(config, db_url, f"ARCHIVE_RUN_ID={other}")
    assert "run 2 is a run of courier, not of riverside" in refused.stderr
    with Archive(db_url) as archive:
        assert archive.crawl_run(other).state() == "starting"
    assert site.counts()["total"] == 0


def test_a_killed_crawl_goes_stale_and_the_next_run_of_its_source_closes_it(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url)  # a heartbeat every 2 s
    site.hang("/", 60)  # the start page: the crawl stays open, its feed articles stored
    killed = CrawlProcess(config, db_url, tmp_path / "killed.log", "riverside")
    with Archive(db_url) as archive:
        wait_for("articles of the crawl", lambda: archive.stats()["articles"] >= 10)
    killed.kill()
    listed = archiver("runs", "--json", config=config, db=db_url).json()
    assert [(r["state"], r["finish_reason"]) for r in listed] == [("running", None)]
    wait_for("the killed run to go stale", lambda: runs(db_url)[0].state() == "stale")
    text = archiver("runs", config=config, db=db_url).stdout
    assert "stale" in text
    site.hang("/", 0)
    result = archiver("crawl", "riverside", "--json", config=config, db=db_url)
    assert result.code == 0, result.stderr[-3000:]
    assert "run 1 of riverside stopped beating" in result.stderr
    assert [(r.id, r.finish_reason) for r in runs(db_url)] == [(1, "interrupted"), (2, "finished")]
    assert crawl(config, db_url)["runs"][0]["finish_reason"] == "finished"


def test_a_run_that_fetched_nothing_usable_says_so_in_one_warning(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    """Every URL failed (404s, and a server that is down): one WARNING with the reasons
    counted, no traceback."""
    config = tmp_path / "archiver.toml"
    config.write_text(
        "[[sources]]\n"
        'name = "broken"\n'
        f'feeds = ["{site.base_url}/no-such-feed/", "{site.base_url}/nor-this/"]\n'
        'start_urls = ["http://127.0.0.1:9/"]\n'  # nothing listens on the discard port
        "settings = { DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, RETRY_TIMES = 0 }\n"
    )
    result = archiver("crawl", "broken", config=config, db=db_url)
    assert result.code == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr
    (warning,) = [line for line in result.stderr.splitlines() if "nothing usable" in line]
    assert "WARNING" in warning
    assert warning.endswith(
        "run 1 of broken fetched nothing usable: failed:http_404 2, rejected:robots_unavailable 1"
    )
    # A run that fetched something says nothing of the kind.
    fine = archiver("crawl", "riverside", config=sources_file(config, site.base_url), db=db_url)
    assert fine.code == 0, fine.stderr[-3000:]
    assert "nothing usable" not in fine.stderr
