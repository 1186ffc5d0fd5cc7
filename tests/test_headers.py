"""Response heads are bounded (scraper.downloader): a server sending header lines without end,
an enormous line or a slow trickle of lines costs a fetch one counted failure,
``failed:headers_too_large``, within a second or two and without the memory to match; heads
of ordinary pages, large ones included, are read as before."""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.crawling import PROJECT, child_env
from tests.hostile import HostileSite, heads, serve_hostile
from tests.hostile.cases import HTML, PARAGRAPHS, article, header_cases
from tests.hostile.server import Handler, Reply, Request
from tests.memory import run_measured

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("test_headers")]

TOO_LARGE = "failed:headers_too_large"
# The download timeout of these fetches: a head that took it to end would show in the times.
TIMEOUT = 20
# How long the server may be kept answering a head over a limit ("at once", on a busy
# machine; the trickles take some 0.9 s of their own to pass the byte limit).
ENDS_WITHIN = 2.5
LIMIT_MB = 600
# What the hostile heads may add to the peak of a fetch of the same pages without them. Read
# to their download timeout, they add some 160 MB (from 110 MB): Twisted's line reader takes
# them in slowly, so the absolute limit alone could not tell.
EXTRA_MB = 40
HOSTILE = header_cases()


def page(path: str) -> bytes:
    return article(f"Page {path}", (f"This is the page at {path}.", *PARAGRAPHS)).encode()


def with_headers(headers: list[tuple[str, str]]) -> Handler:
    def handler(site: HostileSite, request: Request) -> Reply:
        return Reply(200, [("Content-Type", HTML), *headers], page(request.path))

    return handler


def with_head(head: bytes) -> Handler:
    def handler(site: HostileSite, request: Request) -> Reply:
        return Reply(head=[head], body=page(request.path))

    return handler


def trickling_short_lines(site: HostileSite, request: Request) -> Reply:
    lines = heads.trickle(heads.OK, lambda n: b"X-Slow-%d: s\r\n" % n)
    return Reply(head=lines, body=page(request.path))


ORDINARY = [
    ("Date", "Tue, 01 Dec 2026 09:00:00 GMT"),
    ("Server", "nginx"),
    ("Cache-Control", "public, max-age=60"),
    ("ETag", '"5f2a-1c9e"'),
    ("Last-Modified", "Mon, 30 Nov 2026 18:30:00 GMT"),
    ("Vary", "Accept-Encoding, Cookie"),
    ("Set-Cookie", "session=abc123; Path=/; HttpOnly"),
    ("Set-Cookie", "consent=0; Path=/; Max-Age=31536000"),
    ("Content-Security-Policy", "default-src 'self'; " + "img-src https://cdn.example.org; " * 20),
    ("X-Frame-Options", "SAMEORIGIN"),
]
# 150 headers of some 200 bytes each: a large head, but not a hostile one.
MANY = [(f"X-Meta-{n:03d}", "m" * 190) for n in range(150)]
# Six lines of 15,000 bytes: over the byte limit, each line within Twisted's own bound.
WIDE = heads.OK + b"".join(b"X-Wide-%d: %s\r\n" % (n, b"w" * 15_000) for n in range(6)) + heads.END

ROUTES: dict[str, Handler] = {
    **{case.path: case.handler for case in HOSTILE},
    "/ordinary": with_headers(ORDINARY),
    "/ordinary/150-headers": with_headers(MANY),
    "/edge/bytes-at-limit": with_head(heads.of_size(65_536)),
    "/edge/bytes-over-limit": with_head(heads.of_size(65_537)),
    "/edge/lines-at-limit": with_head(heads.of_lines(200)),
    "/edge/lines-over-limit": with_head(heads.of_lines(201)),
    # One line longer than Twisted's bound on a line (16 KiB), well within the head's.
    "/edge/long-line": with_head(heads.of_size(20_000)),
    "/edge/wide": with_head(WIDE),
    # Short lines, one every 50 ms: 200 of them would take 10 s; only a lower limit is tried.
    "/edge/trickle-short": trickling_short_lines,
}
# What the default limits (65,536 bytes, 200 lines) make of the pages that are not hostile.
WITH_DEFAULTS = {
    "/ordinary": "article_new",
    "/ordinary/150-headers": "article_new",
    "/edge/bytes-at-limit": "article_new",
    "/edge/bytes-over-limit": TOO_LARGE,
    "/edge/lines-at-limit": "article_new",
    "/edge/lines-over-limit": TOO_LARGE,
    "/edge/long-line": "article_new",
    "/edge/wide": TOO_LARGE,
}
# With ARCHIVE_MAX_HEADER_LINES=30 and ARCHIVE_MAX_HEADER_BYTES=0 (off).
LOWERED = ("-s", "ARCHIVE_MAX_HEADER_LINES=30", "-s", "ARCHIVE_MAX_HEADER_BYTES=0")
WITH_LOWERED = {
    "/ordinary": "article_new",
    "/ordinary/150-headers": TOO_LARGE,
    "/edge/wide": "article_new",
    "/edge/long-line": TOO_LARGE,  # Twisted's bound on a line holds with the byte limit off
    "/edge/trickle-short": TOO_LARGE,
    "/head/cookies/short": TOO_LARGE,
    "/head/line/endless": TOO_LARGE,
}


# The warning the download handler logs for each URL whose head it stopped reading.
WARNING = re.compile(r"Response headers of (\S+) too large: (.+)$")


@dataclass
class Fetch:
    site: HostileSite
    outcomes: dict[str, str]  # by path
    warnings: list[tuple[str, str]]  # (path, the limit passed), in the log's order
    stderr: str
    seconds: float
    peak_mb: float


def _fetch(routes: dict[str, Handler], paths: list[str], workdir: Path, *settings: str) -> Fetch:
    """``archiver fetch`` of *paths* from a hostile server of its own, in a process of its
    own, measured."""
    log, out, err = (workdir / name for name in ("outcomes.jsonl", "out.json", "err.txt"))
    with serve_hostile(HostileSite(routes)) as site:
        command = [
            *(sys.executable, "-m", "scraper.cli", "--db", f"sqlite:///{workdir / 'archive.db'}"),
            *("fetch", *(site.base_url + path for path in paths), "--outcomes", str(log)),
            *("--json", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false"),
            *("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", f"DOWNLOAD_TIMEOUT={TIMEOUT}"),
            *settings,
        ]
        started = time.monotonic()
        with out.open("w") as stdout, err.open("w") as stderr:
            code, peak_mb = run_measured(
                command,
                workdir / "peak",
                cwd=PROJECT,
                env=child_env(),
                stdout=stdout,
                stderr=stderr,
            )
        seconds = time.monotonic() - started
    stderr_text = err.read_text()
    assert code == 0, stderr_text[-3000:]
    outcomes: dict[str, str] = {}
    for line in log.read_text().splitlines():
        record = json.loads(line)
        outcomes[record["url"].removeprefix(site.base_url)] = record["outcome"]
    warnings = [
        (found[1].removeprefix(site.base_url), found[2])
        for found in map(WARNING.search, stderr_text.splitlines())
        if found
    ]
    return Fetch(site, outcomes, warnings, stderr_text, seconds, peak_mb)


@pytest.fixture(scope="module")
def defaults(tmp_path_factory: pytest.TempPathFactory) -> Fetch:
    paths = [case.path for case in HOSTILE] + list(WITH_DEFAULTS)
    return _fetch(ROUTES, paths, tmp_path_factory.mktemp("defaults"))


@pytest.fixture(scope="module")
def without_hostile(tmp_path_factory: pytest.TempPathFactory) -> Fetch:
    return _fetch(ROUTES, list(WITH_DEFAULTS), tmp_path_factory.mktemp("without_hostile"))


@pytest.fixture(scope="module")
def lowered(tmp_path_factory: pytest.TempPathFactory) -> Fetch:
    return _fetch(ROUTES, list(WITH_LOWERED), tmp_path_factory.mktemp("lowered"), *LOWERED)


@pytest.mark.parametrize("path", [case.path for case in HOSTILE])
def test_a_hostile_head_fails_at_once_and_is_not_retried(defaults: Fetch, path: str) -> None:
    assert defaults.outcomes[path] == TOO_LARGE
    answers = defaults.site.answer_seconds(path)
    assert len(answers) == 1, answers  # a head too large is not retried
    assert answers[0] < ENDS_WITHIN


def test_ordinary_and_large_heads_are_read_up_to_the_limits_exactly(defaults: Fetch) -> None:
    assert {path: defaults.outcomes[path] for path in WITH_DEFAULTS} == WITH_DEFAULTS


def test_each_head_too_large_is_one_warning_naming_its_url_and_limit(defaults: Fetch) -> None:
    failed = [path for path, outcome in defaults.outcomes.items() if outcome == TOO_LARGE]
    assert sorted(path for path, _ in defaults.warnings) == sorted(failed)
    limits = dict(defaults.warnings)
    assert limits["/edge/bytes-over-limit"] == "more than 65536 bytes (ARCHIVE_MAX_HEADER_BYTES)"
    assert limits["/edge/lines-over-limit"] == "more than 200 lines (ARCHIVE_MAX_HEADER_LINES)"
    assert limits["/head/many/short"] == "more than 200 lines (ARCHIVE_MAX_HEADER_LINES)"
    assert limits["/head/line/endless"] == "more than 65536 bytes (ARCHIVE_MAX_HEADER_BYTES)"
    assert "Traceback" not in defaults.stderr, defaults.stderr[-3000:]


def test_hostile_heads_cost_neither_memory_nor_the_download_timeout(
    defaults: Fetch, without_hostile: Fetch
) -> None:
    assert without_hostile.outcomes == WITH_DEFAULTS
    assert defaults.peak_mb < LIMIT_MB
    assert defaults.peak_mb < without_hostile.peak_mb + EXTRA_MB
    # Had any URL waited for its download timeout, the whole fetch would have taken longer.
    assert defaults.seconds < TIMEOUT


def test_the_limits_are_settings_and_zero_turns_one_off(lowered: Fetch) -> None:
    assert lowered.outcomes == WITH_LOWERED
    answers = lowered.site.answer_seconds("/edge/trickle-short")  # 31 lines, 50 ms apart
    assert len(answers) == 1, answers
    assert answers[0] < ENDS_WITHIN
    limits = dict(lowered.warnings)
    assert limits["/ordinary/150-headers"] == "more than 30 lines (ARCHIVE_MAX_HEADER_LINES)"
    assert limits["/edge/trickle-short"] == "more than 30 lines (ARCHIVE_MAX_HEADER_LINES)"
    assert limits["/edge/long-line"] == "a line of more than 16384 bytes (Twisted's bound per line)"
    assert lowered.peak_mb < LIMIT_MB
