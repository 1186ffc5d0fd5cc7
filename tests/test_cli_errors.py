"""Bad input to the command line is one line on stderr and exit code 1, and loses nothing:
an output path that cannot be written, an unknown source, a setting of the wrong type."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import Archive
from storage.runs import ensure_source
from tests.crawling import Result, archiver

UNWRITABLE = "/nonexistent-folder/file"


def _one_line(result: Result) -> str:
    assert result.code == 1, (result.code, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def with_source(db_url: str) -> str:
    """An archive with one source, "ledger", and nothing in it yet."""
    with Archive(db_url, write=True) as archive, archive.session() as session:
        ensure_source(session, "ledger")
    return db_url


@pytest.mark.parametrize("output", ["jsonl", "csv", "warc"])
def test_an_export_to_a_path_that_cannot_be_written_is_one_line(
    with_source: str, output: str
) -> None:
    result = archiver("export", "--format", output, "-o", UNWRITABLE, db=with_source)
    line = _one_line(result)
    assert f"cannot write the export {UNWRITABLE}" in line
    assert "No such file or directory" in line


def test_an_unknown_source_is_an_error_and_leaves_the_last_export_alone(
    with_source: str, tmp_path: Path
) -> None:
    earlier = tmp_path / "ledger.jsonl"
    earlier.write_text('{"an": "earlier export"}\n')
    result = archiver(
        "export", "--format", "jsonl", "--source", "ledgr", "-o", str(earlier), db=with_source
    )
    assert "no source 'ledgr' in the archive (its sources: ledger)" in _one_line(result)
    assert earlier.read_text() == '{"an": "earlier export"}\n'
    searched = archiver("search", "budget", "--source", "ledgr", db=with_source)
    assert "no source 'ledgr'" in _one_line(searched)
    # The known source still answers (with nothing in it yet).
    assert archiver("search", "budget", "--source", "ledger", db=with_source).code == 0
    exported = archiver(
        "export", "--format", "jsonl", "--source", "ledger", "-o", "-", db=with_source
    )
    assert (exported.code, exported.stdout) == (0, "")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("DOWNLOAD_DELAY=soon", "DOWNLOAD_DELAY takes a number"),
        ("CONCURRENT_REQUESTS=1.5", "CONCURRENT_REQUESTS takes a whole number"),
        ("ROBOTSTXT_OBEY=maybe", "ROBOTSTXT_OBEY takes true or false"),
        ("AUTOTHROTTLE_ENABLED=yes please", "AUTOTHROTTLE_ENABLED takes true or false"),
        ("DOWNLOAD_TIMEOUT=", "DOWNLOAD_TIMEOUT takes a number"),
        ("REDIRECT_MAX_TIMES=ten", "REDIRECT_MAX_TIMES takes a whole number"),
        ("NOEQUALS", "use NAME=VALUE"),
    ],
)
def test_a_setting_of_the_wrong_type_is_refused_before_the_crawl(
    empty_sqlite_url: str, setting: str, message: str
) -> None:
    result = archiver("fetch", "http://127.0.0.1:9/story", "-s", setting, db=empty_sqlite_url)
    assert message in _one_line(result)
    assert not Path(empty_sqlite_url.removeprefix("sqlite:///")).exists()  # nothing started


def test_settings_of_the_right_type_pass_the_check(sqlite_url: str) -> None:
    # A crawl of a port nobody listens on: it runs, and fails the URL, not the command.
    result = archiver(
        "fetch",
        "http://127.0.0.1:9/story",
        "-s",
        "DOWNLOAD_DELAY=0.5",
        "-s",
        "ROBOTSTXT_OBEY=false",
        "-s",
        "RETRY_TIMES=0",
        "-s",
        "DOWNLOAD_TIMEOUT=2.5",
        "-s",
        "USER_AGENT=any text at all",
        "--json",
        db=sqlite_url,
    )
    assert result.code == 0, result.stderr[-2000:]
    assert result.json()["failed"] == {"connection_refused": 1}


def test_an_outcomes_file_that_cannot_be_written_stops_the_crawl_before_it_starts(
    empty_sqlite_url: str,
) -> None:
    url = empty_sqlite_url
    result = archiver("fetch", "http://127.0.0.1:9/story", "--outcomes", UNWRITABLE, db=url)
    assert f"cannot write the outcomes file {UNWRITABLE}" in _one_line(result)
    assert not Path(url.removeprefix("sqlite:///")).exists()


def test_a_daemon_log_file_that_cannot_be_written_is_one_line(
    sqlite_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "archiver.toml"
    config.write_text('[[sources]]\nname = "ledger"\nstart_urls = ["http://127.0.0.1:9/"]\n')
    result = archiver("daemon", "--log-file", UNWRITABLE, config=config, db=sqlite_url)
    assert f"cannot write the log file {UNWRITABLE}" in _one_line(result)
