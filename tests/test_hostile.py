"""The hostile corpus (tests/hostile): every case ends in an explained outcome, nothing
crashes, no garbage is stored, no file or network leaks out of XML, limits end every trap."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage import Archive
from storage.models import Version
from tests.crawling import PROJECT
from tests.hostile import CASES, Case, HostileSite, serve_hostile
from tests.hostile.cases import SECRET_FILE_TEXT, routes
from tests.memory import run_measured
from tests.report import Report

pytestmark = pytest.mark.e2e

LIMIT_MB = 600
SETTINGS = (
    "{ DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, CONCURRENT_REQUESTS_PER_DOMAIN = 8, "
    "DOWNLOAD_TIMEOUT = 4, EXTRACT_TIMEOUT = 3, RETRY_TIMES = 1, "
    "ARCHIVE_MAX_REQUESTS_PER_HOST = 300, "
    'DEFAULT_REQUEST_HEADERS = { Authorization = "Bearer s3cret-token", '
    'Cookie = "session=s3cret-cookie" } }'
)


@dataclass
class Run:
    outcomes: dict[str, str]
    summary: dict[str, Any]
    stderr: str
    seconds: float
    peak_mb: float


@dataclass
class Battery:
    site: HostileSite
    db_url: str
    pages: Run
    discovery: Run


def _run(args: list[str], workdir: Path, name: str) -> Run:
    """Run the command line; its outcomes, summary, log, time and its own peak memory."""
    log, out, err = (workdir / f"{name}.{ext}" for ext in ("jsonl", "out", "err"))
    command = [sys.executable, "-m", "scraper.cli", *args, "--outcomes", str(log), "--json"]
    started = time.monotonic()
    with out.open("w") as stdout, err.open("w") as stderr:
        code, peak_mb = run_measured(
            command, workdir / f"{name}.peak", cwd=PROJECT, stdout=stdout, stderr=stderr
        )
    seconds = time.monotonic() - started
    assert code == 0, err.read_text()[-3000:]
    outcomes: dict[str, str] = {}
    for line in log.read_text().splitlines():
        record = json.loads(line)
        assert record["url"] not in outcomes, f"two outcomes for {record['url']}"
        outcomes[record["url"]] = record["outcome"]
    summary = json.loads(out.read_text())
    return Run(outcomes, summary, err.read_text(), seconds, peak_mb)


def _sources_file(path: Path, base: str) -> None:
    discovery = [base + case.path for case in CASES if case.kind == "discovery"]
    feeds = [url for url in discovery if url.endswith(("feed.xml", "entities.xml"))]
    sitemaps = [url for url in discovery if "/xml/" in url and url not in feeds]
    starts = [url for url in discovery if "/xml/" not in url]
    path.write_text(
        "[[sources]]\n"
        'name = "hostile"\n'
        f"feeds = {json.dumps(feeds)}\n"
        f"sitemaps = {json.dumps(sitemaps)}\n"
        f"start_urls = {json.dumps(starts)}\n"
        'allowed_hosts = ["localhost"]\n'
        "max_depth = 3\n"
        f"settings = {SETTINGS}\n"
    )


@pytest.fixture(scope="module")
def battery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Battery]:
    workdir = tmp_path_factory.mktemp("hostile")
    secret = workdir / "secret.txt"
    secret.write_text(SECRET_FILE_TEXT)
    site = HostileSite(routes())
    site.secret_path = str(secret)
    db_url = f"sqlite:///{workdir / 'archive.db'}"
    with serve_hostile(site) as served:
        config = workdir / "archiver.toml"
        _sources_file(config, served.base_url)
        common = ["--config", str(config), "--db", db_url]
        pages = [served.base_url + case.path for case in CASES if case.kind == "page"]
        first = _run([*common, "fetch", "--source", "hostile", *pages], workdir, "pages")
        second = _run([*common, "crawl", "hostile"], workdir, "discovery")
        yield Battery(served, db_url, first, second)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.path)
def test_each_hostile_case_ends_in_an_explained_outcome(
    battery: Battery, case: Case, report: Report
) -> None:
    run = battery.pages if case.kind == "page" else battery.discovery
    url = battery.site.base_url + case.path
    outcome = run.outcomes.get(url)
    report.hostile(case.path, outcome or "none")
    assert outcome in case.expected, f"{case.path}: {outcome}"
    if case.must_contain:
        with Archive(battery.db_url) as archive:
            text = archive.show(url).text
        assert case.must_contain in text
        assert "\ufffd" not in text


def test_nothing_crashed_and_every_url_has_one_outcome(battery: Battery, report: Report) -> None:
    for run in (battery.pages, battery.discovery):
        assert "Traceback" not in run.stderr, run.stderr[-3000:]
        summary = run.summary
        assert summary["urls"] == summary["requests"] == len(run.outcomes)
        assert "unsettled" not in summary["failed"]
        assert "spider_error" not in summary["failed"]
        assert "pipeline_error" not in summary["failed"]
        report.peak_memory(run.peak_mb)
        assert run.peak_mb < LIMIT_MB
    report.outcomes(Counter(battery.pages.outcomes.values()))
    report.outcomes(Counter(battery.discovery.outcomes.values()))


def test_no_garbage_is_stored(battery: Battery) -> None:
    with Archive(battery.db_url) as archive, archive.session() as session:
        texts = list(session.scalars(select(Version.text)))
    assert texts
    for text in texts:
        assert text.count("\ufffd") <= 2
        assert "\x00" not in text
        assert "Ã©" not in text
        assert SECRET_FILE_TEXT not in text


def test_xml_reads_no_files_and_fetches_nothing_it_names(battery: Battery) -> None:
    requested = [request.path for request in battery.site.requests]
    assert not any(SECRET_FILE_TEXT in path for path in requested)
    assert battery.site.hits("/xml/evil.dtd") == []
    assert not any("leak" in path or "lol" in path for path in requested)


def test_traps_end_at_the_limits(battery: Battery) -> None:
    site = battery.site
    calendar = len(site.hits("/calendar/"))
    sessions = len(site.hits("/session/"))
    pages = len(site.hits("/list"))
    repeated = len(site.hits("/a/"))
    assert 0 < calendar <= 2**4  # both directions, max_depth 3
    assert 0 < sessions <= 2**4
    assert 0 < pages <= 4
    assert 0 < repeated <= 4
    big = len(site.hits("/trap/big/"))
    assert 0 < big < 300  # the per-host limit stopped the 50,000-URL sitemap
    assert battery.discovery.summary["urls"] < 400


def test_credentials_do_not_follow_a_redirect_to_another_host(battery: Battery) -> None:
    landed = battery.site.hits("/landing")
    sent_to_other_host = [r for r in landed if r.headers.get("host", "").startswith("localhost")]
    assert sent_to_other_host, "the redirect to the other host was followed"
    for request in sent_to_other_host:
        assert "authorization" not in request.headers
        assert "cookie" not in request.headers
    first = battery.site.hits("/redirect/other-host")[0]
    assert first.headers["authorization"] == "Bearer s3cret-token"  # sent where it belongs


def test_a_slow_page_does_not_hold_the_crawl(battery: Battery) -> None:
    # The stalled server (4 s timeout, one retry) and the page too slow to extract (3 s budget)
    # are in the same run: both end, and the run ends without waiting for either twice.
    pages = battery.pages
    stalled = pages.outcomes[battery.site.base_url + "/server/stalls"]
    assert stalled == "failed:timeout"
    assert pages.seconds < 4 * 2 + 3 + 25
