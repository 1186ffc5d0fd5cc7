"""Every log line of a run names its source and run (scraper.logformat): the crawl commands'
lines, Scrapy's own among them, and a daemon's runs'; ``--log-format json`` for collectors."""

from __future__ import annotations

import io
import json
import logging
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from pipelines.workers import WorkerPool
from scraper.logformat import RunFields, RunTag, log_handler, url_secrets
from tests.crawling import FAST, archiver, sources_file
from tests.daemons import daemon, runs, wait_for
from tests.site import NewsSite

# A text line: ``TIME source=NAME run=N [LOGGER] LEVEL: MESSAGE``; the lines after the first
# of a message or traceback: ``    source=NAME run=N | ...``.
LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d source=(?P<source>\S+) run=(?P<run>\S+) "
    r"\[(?P<logger>[^\]]+)\] (?P<level>[A-Z]+): "
)
CONTINUED = re.compile(r"^    source=(?P<source>\S+) run=(?P<run>\S+) \| ")
FIELDS = {"time", "level", "logger", "message", "source", "run_id"}


def second_source(base_url: str) -> str:
    """Another source of the test site, to crawl alongside riverside."""
    return (
        f'[[sources]]\nname = "second"\nfeeds = ["{base_url}/feed/"]\nmax_depth = 1\n'
        f"settings = {FAST}\n"
    )


# -- the formats, in this process -----------------------------------------------------------


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO, RunFields]]:
    """A logger of its own writing text through the module's handler into a string."""
    out = io.StringIO()
    fields = RunFields(RunTag("riverside", 42))
    handler = log_handler(out, "text", secrets=["s3cret-Pa55"], fields=fields)
    log = logging.getLogger("tests.test_logging.text")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    yield log, out, fields
    log.removeHandler(handler)


def test_a_text_line_names_its_run_on_every_line_of_it(
    logged: tuple[logging.Logger, io.StringIO, RunFields],
) -> None:
    log, out, fields = logged
    log.info("one line")
    log.warning("about run 7", extra={"source": "ledger", "run_id": 7})
    try:
        raise ValueError("bad page")
    except ValueError:
        log.exception("two\nlines")
    with fields.meanwhile(RunTag(None, None)):
        log.info("nobody's")
    log.info("about a source, not a run", extra={"source": "ledger"})
    lines = out.getvalue().splitlines()
    first = LINE.match(lines[0])
    assert first is not None
    assert (first["source"], first["run"], first["logger"], first["level"]) == (
        "riverside",
        "42",
        "tests.test_logging.text",
        "INFO",
    )
    assert lines[0].endswith("INFO: one line")
    assert re.match(r".* source=ledger run=7 \[.*\] WARNING: about run 7$", lines[1])
    assert lines[2].endswith("ERROR: two")
    assert lines[3] == "    source=riverside run=42 | lines"
    assert lines[4] == "    source=riverside run=42 | Traceback (most recent call last):"
    assert lines[-3].endswith("ValueError: bad page")
    assert all(CONTINUED.match(line) for line in lines[3:-2])
    assert " source=- run=- [" in lines[-2]
    assert " source=ledger run=- [" in lines[-1]


def test_a_source_name_with_spaces_stays_one_field(
    logged: tuple[logging.Logger, io.StringIO, RunFields],
) -> None:
    log, out, _ = logged
    log.info("spaced", extra={"source": "city desk", "run_id": 3})
    assert ' source="city desk" run=3 [' in out.getvalue()


def test_a_json_line_has_every_field_and_the_traceback() -> None:
    out = io.StringIO()
    log = logging.getLogger("tests.test_logging.json")
    handler = log_handler(out, "json", fields=RunFields(RunTag("riverside", 42)))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        log.warning('plain, with "quotes" and\na newline and caf\u00e9')
        log.info("of no run", extra={"source": None, "run_id": None})
        try:
            raise ValueError("bad page")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    plain, none, failed = map(json.loads, lines)
    assert plain.keys() >= FIELDS
    assert "exc_info" not in plain
    assert (plain["level"], plain["logger"], plain["source"], plain["run_id"]) == (
        "WARNING",
        "tests.test_logging.json",
        "riverside",
        42,
    )
    assert plain["message"] == 'plain, with "quotes" and\na newline and caf\u00e9'
    moment = datetime.fromisoformat(plain["time"])
    assert moment.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - moment) < timedelta(minutes=1)
    assert (none["source"], none["run_id"]) == (None, None)
    assert failed["level"] == "ERROR"
    assert failed["exc_info"].startswith("Traceback (most recent call last):")
    assert failed["exc_info"].endswith("ValueError: bad page")
    assert lines[0].isascii()  # valid JSON in a log file of any encoding


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_passwords_never_reach_a_line(log_format: str) -> None:
    secret = "s3cret-Pa55"
    url = f"postgresql+psycopg://archiver:{secret}@db.example.org/archive"
    out = io.StringIO()
    log = logging.getLogger(f"tests.test_logging.redact.{log_format}")
    handler = log_handler(out, log_format, secrets=url_secrets(url))
    log.addHandler(handler)
    log.propagate = False
    try:
        log.error("cannot open %s", url)
        log.error("from a driver: host=db port=5432 password=%s user=archiver", secret)
        log.error("just the secret: %s", secret)
        log.error("another service: https://bot:t0ken-xyz@hooks.example.org/path")
        try:
            raise ConnectionError(f"connection to {url} failed")
        except ConnectionError:
            log.exception("with a traceback")
    finally:
        log.removeHandler(handler)
    text = out.getvalue()
    assert secret not in text
    assert "t0ken-xyz" not in text
    assert "archiver:***@db.example.org/archive" in text
    assert "password=*** user=archiver" in text
    assert "bot:***@hooks.example.org/path" in text
    # Ports, times and addresses without credentials are left as they are.
    log.addHandler(handler)
    try:
        log.error("fetching http://127.0.0.1:8080/2026/11/02/story/ at 12:30:00")
    finally:
        log.removeHandler(handler)
    assert "http://127.0.0.1:8080/2026/11/02/story/ at 12:30:00" in out.getvalue()


def test_what_a_worker_logs_comes_back_as_a_line_of_the_run() -> None:
    """A library logging inside an extraction worker (trafilatura) is logged again by the
    crawl's process, with the run's fields: a worker has no handler of its own."""
    out = io.StringIO()
    handler = log_handler(out, "json", fields=RunFields(RunTag("riverside", 42)))
    log = logging.getLogger("tests.worker_targets")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    pool = WorkerPool("tests.worker_targets:behave", size=1, timeout=30.0)
    pool.start()
    try:
        assert pool.call("log", "careful").startswith("careful from ")
        # A caller that knows the run says so (a crawl of several: its crawler).
        pool.call("log", "ledger's", log_extra={"source": "ledger", "run_id": 7})
    finally:
        pool.close()
        log.removeHandler(handler)
        log.setLevel(logging.NOTSET)
    line, other = map(json.loads, out.getvalue().splitlines())
    assert line["message"] == "careful, said the worker"
    assert (line["logger"], line["level"], line["source"], line["run_id"]) == (
        "tests.worker_targets",
        "WARNING",
        "riverside",
        42,
    )
    assert (other["message"], other["source"], other["run_id"]) == (
        "ledger's, said the worker",
        "ledger",
        7,
    )


def test_the_log_module_pulls_in_neither_scrapy_nor_twisted() -> None:
    """The daemon formats its lines with it, and the daemon never imports Scrapy."""
    code = (
        "import sys, scraper.logformat\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('scrapy', 'twisted')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# -- real crawls ----------------------------------------------------------------------------


def _run_of(line: str) -> tuple[str, str, str | None]:
    """A text line's source, run and logger (None on a continued line); fails on a line
    without them."""
    found = LINE.match(line)
    if found is not None:
        return found["source"], found["run"], found["logger"]
    continued = CONTINUED.match(line)
    assert continued is not None, f"a line without its source and run: {line!r}"
    return continued["source"], continued["run"], None


@pytest.mark.e2e
def test_every_line_of_a_crawl_names_its_source_and_run(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    site.refuse("/feed/", 429, retry_after="1")  # the Retry-After middleware logs it
    # -v: Scrapy's own log too, its settings and stats over many lines.
    result = archiver("crawl", "riverside", "--json", "-v", config=config, db=db_url)
    assert result.code == 0, result.stderr[-3000:]
    [run] = result.json()["runs"]
    lines = result.stderr.splitlines()
    assert len(lines) > 50
    loggers = set()
    for line in lines:
        source, run_id, logger = _run_of(line)
        assert (source, run_id) == ("riverside", str(run["id"])), line
        loggers.add(logger)
    assert {
        "scrapy.utils.log",
        "scrapy.middleware",
        "scrapy.core.engine",
        "scrapy.extensions.logstats",
        "scrapy.statscollectors",
        "scraper.middlewares.retryafter",
        None,  # continued lines: the settings, the stats
    } <= loggers, loggers
    # Then a re-check by hand, quiet (Scrapy's progress lines only): its own run's.
    again = archiver("revisit", "riverside", "--everything", "--json", config=config, db=db_url)
    assert again.code == 0, again.stderr[-3000:]
    [rerun] = again.json()["runs"]
    assert rerun["id"] != run["id"]
    lines = again.stderr.splitlines()
    assert any("[scrapy.extensions.logstats] INFO: Crawled " in line for line in lines), lines
    assert {_run_of(line)[:2] for line in lines} == {("riverside", str(rerun["id"]))}


def _json_lines(stderr: str) -> list[dict[str, Any]]:
    records = []
    for line in stderr.splitlines():
        record = json.loads(line)  # every line is one object
        assert isinstance(record, dict), line
        assert record.keys() >= FIELDS, line
        assert datetime.fromisoformat(record["time"]).utcoffset() == timedelta(0)
        records.append(record)
    return records


@pytest.mark.e2e
def test_json_lines_attribute_each_crawl_of_several_in_one_process(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(
        tmp_path / "archiver.toml", site.base_url, extra=second_source(site.base_url)
    )
    site.refuse("/feed/", 429, retry_after="1")
    result = archiver(
        "crawl", "--all", "--json", "-v", "--log-format", "json", config=config, db=db_url
    )
    assert result.code == 0, result.stderr[-3000:]
    ids = {run["source"]: run["id"] for run in result.json()["runs"]}
    assert set(ids) == {"riverside", "second"}
    records = _json_lines(result.stderr)
    assert len(records) > 20
    for record in records:
        if record["run_id"] is None:
            assert record["source"] is None, record
        else:
            assert ids[record["source"]] == record["run_id"], record
    # Each crawl's own lines are its own: Scrapy's, with a spider or made while the crawl
    # was set up, and ours.
    for source, run_id in ids.items():
        said = [r["message"] for r in records if r["run_id"] == run_id]
        for start in ("Overridden settings:", "Enabled item pipelines:", "Spider opened"):
            assert any(message.startswith(start) for message in said), (source, start)
        assert any(message.startswith("Dumping Scrapy stats:") for message in said), source
    waited = [r for r in records if r["logger"] == "scraper.middlewares.retryafter"]
    assert len(waited) == 1
    assert waited[0]["run_id"] in ids.values()
    # What only the process as a whole says stays unattributed: its start, its versions.
    unattributed = {r["logger"] for r in records if r["run_id"] is None}
    assert unattributed <= {"scrapy.utils.log"}, unattributed


@pytest.mark.e2e
def test_a_fetch_logs_json_with_its_run_and_no_source(site: NewsSite, sqlite_url: str) -> None:
    url = site.url(site.article_ids()[0])
    result = archiver(
        "fetch", url, "--json", "--log-format", "json", "-s", "DOWNLOAD_DELAY=0", db=sqlite_url
    )
    assert result.code == 0, result.stderr[-3000:]
    [run] = result.json()["runs"]
    records = _json_lines(result.stderr)
    assert records
    assert {(r["source"], r["run_id"]) for r in records} == {(None, run["id"])}


@pytest.mark.e2e
@pytest.mark.postgres
def test_json_lines_never_show_the_database_password(
    site: NewsSite, postgres_url: str, tmp_path: Path
) -> None:
    secret = "s3cret-Pa55word"  # trust authentication on the tests' server takes any
    url = make_url(postgres_url).set(password=secret).render_as_string(hide_password=False)
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    result = archiver("crawl", "riverside", "-v", "--log-format", "json", config=config, db=url)
    assert result.code == 0, result.stderr[-3000:]
    assert secret not in result.stderr
    records = _json_lines(result.stderr)
    stats = next(r for r in records if r["message"].startswith("Dumping Scrapy stats:"))
    assert ":***@127.0.0.1" in stats["message"]  # the database, named without its password


@pytest.mark.daemon
def test_a_daemons_runs_log_in_its_format_with_its_run_ids(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url, extra='schedule = "every 1h"')
    log = tmp_path / "daemon.log"
    with daemon(config, db_url, log, "--log-format", "json") as process:
        # The source never ran: a catch-up discovery at once.
        wait_for("the catch-up run", lambda: any(r.finished_at for r in runs(db_url)), 20)
        # Its crawl logged all it had to say before it recorded its end; the daemon, stopping,
        # waits for the crawl's exit.
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    [run] = runs(db_url)
    records = _json_lines(process.text())
    mine = [r for r in records if r["logger"].startswith(("scrapy.", "scraper.", "pipelines."))]
    assert any(r["message"].startswith("Crawled ") for r in mine), records
    assert {(r["source"], r["run_id"]) for r in mine} == {("riverside", run.id)}
    assert any(r["message"].startswith("daemon started") for r in records)
