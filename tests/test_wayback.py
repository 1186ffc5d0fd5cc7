"""The Wayback client (pipelines.wayback) against a small server on 127.0.0.1 that answers as
the Internet Archive does: its JSON listing, its robots.txt, its "try later"."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from pipelines import wayback as wayback_module
from pipelines.captures import Found
from pipelines.wayback import Wayback, WaybackError, replay_base

ARTICLE = "https://news.example/2024/05/01/story/"
LISTING = [
    ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
    ["example,news)/2024/05/01/story", "20240501120000", ARTICLE, "text/html", "200", "AAA", "9"],
    ["example,news)/2024/05/01/story", "20240502120000", ARTICLE, "text/html", "301", "BBB", "9"],
]


# A listing as servers in the wild give them: a bad timestamp, an address with a space and
# an accent in it (pywb lists one JSON object a line).
ODD = "https://news.example/2024/05/01/café story/"
ODD_LISTING = [
    {"timestamp": "2024050", "url": ODD, "mime": "text/html", "status": "200", "digest": "C"},
    {"timestamp": "20241399", "url": ODD, "mime": "text/html", "status": "200", "digest": "D"},
    {"timestamp": "20240501120000", "url": ODD, "mime": "text/html", "status": "200"},
]


class _Archive(BaseHTTPRequestHandler):
    """/robots.txt forbids /web/2024050212*; /cdx/search/cdx lists LISTING (after one 429);
    /web/<ts>id_/<url> is the raw capture with the original headers prefixed. /odd/cdx lists
    ODD_LISTING, /odd/<ts>id_/<url> answers; /broken/cdx answers no HTTP at all."""

    asked: ClassVar[list[str]] = []
    busy: ClassVar[int] = 1

    def do_GET(self) -> None:
        self.asked.append(self.path)
        path = urlsplit(self.path).path
        if path == "/robots.txt":
            self._send(200, b"User-agent: *\nDisallow: /web/2024050212\n", "text/plain")
        elif path == "/cdx/search/cdx":
            if _Archive.busy:
                _Archive.busy -= 1
                self._send(429, b"slow down", "text/plain", {"Retry-After": "0"})
                return
            query = parse_qs(urlsplit(self.path).query)
            assert query["output"] == ["json"]
            self._send(200, json.dumps(LISTING).encode(), "application/json")
        elif path == "/odd/cdx":
            lines = "\n".join(json.dumps(row) for row in ODD_LISTING)
            self._send(200, lines.encode(), "text/x-ndjson")
        elif path == "/broken/cdx":
            self.wfile.write(b"garbage\r\n\r\n")
        elif path.startswith(("/web/20240501120000id_/", "/odd/20240501120000id_/")):
            self._send(
                200,
                b"<html><p>Story.</p></html>",
                "text/html; charset=utf-8",
                {"X-Archive-Orig-ETag": '"abc"', "X-Archive-Orig-Set-Cookie": "s=1"},
            )
        else:
            self._send(404, b"", "text/plain")

    def _send(
        self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def archive() -> Iterator[str]:
    _Archive.asked.clear()
    _Archive.busy = 1
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Archive)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_internet_archives_listing_robots_and_retry_after(archive: str) -> None:
    wayback = Wayback(f"{archive}/cdx/search/cdx", delay=0)
    captures = wayback.captures(ARTICLE)  # after a 429 with Retry-After: 0
    assert [(c.timestamp, c.status, c.digest) for c in captures] == [
        ("20240501120000", "200", "AAA"),
        ("20240502120000", "301", "BBB"),
    ]
    assert _Archive.asked.count(_Archive.asked[1]) == 2  # the listing, asked again once
    found = wayback.fetch(captures[0])
    assert isinstance(found, Found)
    assert found.raw == b"<html><p>Story.</p></html>"
    assert found.at.isoformat() == "2024-05-01T12:00:00+00:00"
    assert ("ETag", '"abc"') in found.headers  # the original's, unprefixed
    assert ("Set-Cookie", "s=1") in found.headers  # kept out later (response_headers)
    assert wayback.fetch(captures[1]) == "robots"  # the archive's robots.txt says no
    assert not any("20240502120000id_" in path for path in _Archive.asked)


def test_a_server_that_is_not_a_cdx_api_is_one_line(archive: str) -> None:
    with pytest.raises(WaybackError, match="answered HTTP 404"):
        Wayback(f"{archive}/nothing/cdx", delay=0).captures(ARTICLE)
    with pytest.raises(WaybackError, match="cannot reach"):
        Wayback("http://127.0.0.1:9/cdx", delay=0).captures(ARTICLE)


def test_where_captures_replay() -> None:
    assert replay_base("https://web.archive.org/cdx/search/cdx") == "https://web.archive.org/web"
    assert replay_base("http://127.0.0.1:8080/news/cdx") == "http://127.0.0.1:8080/news"


def test_odd_listings_and_addresses_are_reasons_not_tracebacks(
    archive: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    wayback = Wayback(f"{archive}/odd/cdx", delay=0)
    captures = {c.timestamp: c for c in wayback.captures(ODD)}
    assert captures["2024050"].at == datetime(2024, 5, 1, tzinfo=UTC)  # the earliest it allows
    assert captures["20241399"].at is None  # month 13
    assert wayback.fetch(captures["20241399"]) == "bad_timestamp"
    found = wayback.fetch(captures["20240501120000"], "https://news.example/key")
    assert isinstance(found, Found)  # asked for with its space and accent escaped
    assert found.url == ODD
    assert found.article_key == "https://news.example/key"
    assert "/odd/20240501120000id_/https://news.example/2024/05/01/caf%C3%A9%20story/" in (
        _Archive.asked
    )
    with pytest.raises(WaybackError, match=r"cannot reach .*BadStatusLine"):
        Wayback(f"{archive}/broken/cdx", delay=0).captures(ARTICLE)
    monkeypatch.setattr(wayback_module, "MAX_LISTING_BYTES", 100)
    with pytest.raises(WaybackError, match="a period at a time"):
        wayback.captures(ODD)  # cut at the limit: said so, not "not a CDX listing"
