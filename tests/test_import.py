"""Earlier captures merged into the chains (pipelines.captures, storage.merge), and WARC
exports that replay (storage.export): on SQLite and Postgres, with a real pywb on loopback."""

from __future__ import annotations

import io
import json
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines.captures import _exported
from storage.export import http_headers
from tests import pywb
from tests.crawling import archiver, crawl, sources_file
from tests.site import NewsSite


def _page(url: str) -> bytes:
    with urllib.request.urlopen(url) as answer:  # the local test site, on loopback
        body: bytes = answer.read()
        return body


def _versions(url: str, db_url: str) -> list[dict[str, Any]]:
    result = archiver("versions", url, "--json", db=db_url)
    assert result.code == 0, result.stderr
    versions: list[dict[str, Any]] = result.json()
    return versions


def _import(*args: str, db: str, config: Path | None = None) -> dict[str, Any]:
    result = archiver("import", "warc", *args, "--json", db=db, config=config)
    assert result.code == 0, result.stderr
    summary: dict[str, Any] = result.json()
    return summary


class _Warc:
    """A WARC file written by hand, as another crawler would have written it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stream = path.open("wb")
        self._writer = WARCWriter(self._stream, gzip=True)

    def response(
        self,
        url: str,
        when: datetime,
        body: bytes,
        *,
        status: str = "200 OK",
        headers: list[tuple[str, str]] | None = None,
    ) -> Any:
        http = StatusAndHeaders(
            status, headers or [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = self._writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),  # else warcio spools to a temporary file it never closes
            http_headers=http,
            warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")},
        )
        self._writer.write_record(record)
        return record

    def revisit(self, url: str, when: datetime, original: Any) -> None:
        record = self._writer.create_revisit_record(
            url,
            digest=original.rec_headers.get_header("WARC-Payload-Digest"),
            refers_to_uri=url,
            refers_to_date=original.rec_headers.get_header("WARC-Date"),
        )
        record.rec_headers.replace_header("WARC-Date", when.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self._writer.write_record(record)

    def request(self, url: str) -> None:
        request = b"GET / HTTP/1.1\r\n\r\n"
        record = self._writer.create_warc_record(
            url, "request", payload=io.BytesIO(request), length=len(request)
        )
        self._writer.write_record(record)

    def close(self) -> Path:
        self._stream.close()
        return self.path


JAN, FEB, MAR = (datetime(2025, month, 1, 9, tzinfo=UTC) for month in (1, 2, 3))


@pytest.mark.e2e
def test_captures_at_three_dates_merge_before_the_archived_version(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    article_id, other = site.article_ids()[:2]
    url = site.url(article_id)
    first = _page(url)
    site.edit_body(article_id)
    second = _page(url)
    site.edit_title(article_id)
    crawl(sources_file(tmp_path / "archiver.toml", site.base_url), db_url)  # today: a third
    archived = _versions(url, db_url)
    assert [v["cause"] for v in archived] == ["first"]

    warc = _Warc(tmp_path / "earlier.warc.gz")
    january = warc.response(url + "?utm_source=feed", JAN, first)
    warc.revisit(url, FEB, january)  # the same page again, a month later
    warc.response(url, MAR, second)
    warc.request(url)
    warc.response(site.url(other), MAR, b"", status="301 Moved Permanently")
    warc.response(url + "logo.png", MAR, b"\x89PNG\r\n", headers=[("Content-Type", "image/png")])
    warc.response(site.url(other) + "gone/", MAR, b"<html></html>", status="404 Not Found")
    path = warc.close()

    summary = _import(str(path), db=db_url)
    assert summary == {
        "records": 6,
        "articles_new": 0,
        "versions_new": 2,
        "unchanged": 1,  # the revisit repeats January
        "renumbered": 1,
        "skipped": {"http_404": 1, "not_html": 1, "redirect": 1},
    }
    versions = _versions(url, db_url)
    assert [(v["version"], v["cause"]) for v in versions] == [
        (1, "import"),
        (2, "import"),
        (3, "edit"),  # no longer the first state known: labelled against March's
    ]
    assert [v["first_seen_at"][:10] for v in versions[:2]] == ["2025-01-01", "2025-03-01"]
    assert versions[2]["content_hash"] == archived[0]["content_hash"]
    assert versions[1]["changed"] == ["text"]
    assert versions[2]["changed"] == ["title"]
    at = archiver("show", url, "--at", "2025-02-15", "--json", db=db_url).json()
    assert at["version"] == 1

    again = _import(str(path), db=db_url)  # the same file again changes nothing
    assert (again["versions_new"], again["unchanged"], again["renumbered"]) == (0, 3, 0)
    assert _versions(url, db_url) == versions

    text = archiver("import", "warc", str(path), db=db_url)
    assert "6 captures: 0 new articles, 0 new versions, 3 unchanged, 3 skipped" in text.stdout


@pytest.mark.e2e
def test_wayback_captures_from_a_pywb_merge_in_time_order_and_resume(
    site: NewsSite, db_url: str, second_db_url: str, tmp_path: Path
) -> None:
    article_id = site.article_ids()[1]
    url = site.url(article_id)
    first = _page(url)
    site.edit_body(article_id)
    second = _page(url)
    warc = _Warc(tmp_path / "wayback.warc.gz")
    january = warc.response(url, JAN, first)
    warc.revisit(url, FEB, january)
    warc.response(url, MAR, second)
    path = warc.close()
    root = tmp_path / "pywb"
    root.mkdir()

    def wayback(server: pywb.Pywb, db: str, *more: str) -> dict[str, Any]:
        result = archiver(
            "import",
            "wayback",
            url,
            "--cdx",
            server.cdx_url,
            "--delay",
            "0",
            *more,
            "--json",
            db=db,
        )
        assert result.code == 0, result.stderr
        summary: dict[str, Any] = result.json()
        return summary

    with pywb.serving(root, [path]) as server:
        summary = wayback(server, db_url)
        assert summary == {
            "records": 3,
            "articles_new": 1,
            "versions_new": 2,
            "unchanged": 1,  # February repeats January's payload: not even fetched
            "renumbered": 0,
            "skipped": {},
        }
        versions = _versions(url, db_url)
        assert [(v["cause"], v["first_seen_at"][:10]) for v in versions] == [
            ("import", "2025-01-01"),
            ("import", "2025-03-01"),
        ]
        assert versions[1]["changed"] == ["text"]
        # Again: every capture is known, nothing is fetched, nothing doubled.
        again = wayback(server, db_url)
        assert (again["versions_new"], again["unchanged"]) == (0, 3)
        assert _versions(url, db_url) == versions
        later = wayback(server, second_db_url, "--from", "2025-02-15")
        assert (later["records"], later["versions_new"]) == (1, 1)

    refused = archiver("import", "wayback", url, "--cdx", "ftp://example.org/cdx", db=db_url)
    assert refused.code == 1
    assert "is not an http(s) URL" in refused.stderr
    neither = archiver("import", "wayback", db=db_url)
    assert neither.code == 2
    assert "name one or more URLs, or --source" in neither.stderr


@pytest.mark.e2e
def test_an_export_imported_into_an_empty_archive_gives_back_its_versions(
    site: NewsSite, archived: Path, db_url: str, second_db_url: str, tmp_path: Path
) -> None:
    edited = site.article_ids()[0]
    site.edit_body(edited)
    crawl(archived, db_url)
    warc = tmp_path / "export.warc.gz"
    exported = archiver("export", "--format", "warc", "--all-versions", "-o", str(warc), db=db_url)
    assert exported.code == 0, exported.stderr

    summary = _import(str(warc), "--source", "riverside", db=second_db_url, config=archived)
    articles = len(site.article_ids())
    assert summary["articles_new"] == articles
    assert summary["versions_new"] == summary["records"] == articles + 1
    for article_id in site.article_ids():
        url = site.url(article_id)
        kept = ("version", "first_seen_at", "content_hash", "title", "extractor")
        before = [{k: v[k] for k in kept} for v in _versions(url, db_url)]
        after = [{k: v[k] for k in kept} for v in _versions(url, second_db_url)]
        assert after == before
    shown = archiver("show", site.url(edited), "--json", db=second_db_url).json()
    original = archiver("show", site.url(edited), "--json", db=db_url).json()
    assert shown["text"] == original["text"]
    assert shown["cause"] == "import"
    again = _import(str(warc), db=second_db_url)
    assert (again["versions_new"], again["unchanged"]) == (0, articles + 1)


@pytest.mark.e2e
def test_pywb_replays_an_exported_article_with_its_text(
    site: NewsSite, archived: Path, db_url: str, tmp_path: Path
) -> None:
    warc = tmp_path / "export.warc.gz"
    exported = archiver("export", "--format", "warc", "-o", str(warc), db=db_url)
    assert exported.code == 0, exported.stderr
    article_id = site.article_ids()[3]
    url = site.url(article_id)
    shown = archiver("show", url, "--json", db=db_url).json()
    stamp = datetime.fromisoformat(shown["first_seen_at"]).strftime("%Y%m%d%H%M%S")
    first_paragraph = site.article(article_id).paragraphs[0]

    root = tmp_path / "pywb"
    root.mkdir()
    with pywb.serving(root, [warc]) as server:
        with urllib.request.urlopen(f"{server.collection_url}/{stamp}id_/{url}") as raw:
            assert raw.status == 200
            # The headers the page was served with (pywb renames those it does not serve).
            assert raw.headers["X-Archive-Orig-Etag"].startswith('"')
            assert raw.headers["X-Archive-Orig-Server"]
            assert raw.read() == _page(url)  # the very bytes fetched
        # mp_: the page itself, rewritten for replay (without mp_, the frame around it).
        with urllib.request.urlopen(f"{server.collection_url}/{stamp}mp_/{url}") as replay:
            page = replay.read().decode("utf-8")
        assert first_paragraph.split("“")[0][:60] in page
        assert '"content_hash"' not in page  # the page, not the metadata record
        with urllib.request.urlopen(f"{server.cdx_url}?url={url}&output=json") as cdx:
            lines = [json.loads(line) for line in cdx.read().decode().splitlines()]
        assert [line["mime"] for line in lines] == ["text/html"]


def _arc(path: Path, captures: list[tuple[str, str, bytes]]) -> Path:
    """An ARC (version 1) file of *captures* (URL, 14-digit date, HTML), each record gzipped
    on its own as the Internet Archive's crawlers wrote them."""
    import gzip  # noqa: PLC0415

    version_block = b"1 0 archiver-test\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [
        b"filedesc://"
        + path.name.encode()
        + b" 0.0.0.0 20250101000000 text/plain "
        + str(len(version_block)).encode()
        + b"\n"
        + version_block
    ]
    for url, date, html in captures:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
        header = f"{url} 127.0.0.1 {date} text/html {len(http)}\n".encode()
        records.append(header + http)
    with path.open("wb") as out:
        for record in records:
            out.write(gzip.compress(record + b"\n"))
    return path


@pytest.mark.e2e
def test_arc_files_import_like_warc_files(site: NewsSite, db_url: str, tmp_path: Path) -> None:
    article_id = site.article_ids()[2]
    url = site.url(article_id)
    first = _page(url)
    site.edit_title(article_id)
    second = _page(url)
    path = _arc(
        tmp_path / "old.arc.gz", [(url, "20050101090000", first), (url, "20050301090000", second)]
    )
    summary = _import(str(path), db=db_url)
    assert (summary["records"], summary["articles_new"], summary["versions_new"]) == (2, 1, 2)
    versions = _versions(url, db_url)
    assert [(v["first_seen_at"][:10], v["changed"]) for v in versions] == [
        ("2005-01-01", []),
        ("2005-03-01", ["title"]),
    ]


def test_versions_from_before_headers_were_kept_export_an_honest_minimum() -> None:
    old = {"raw": b"<p>x</p>", "encoding": "utf-8", "http_status": None, "http_headers": None}
    assert http_headers(old) == (
        "200 OK",
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("X-Archiver-Headers", "rebuilt"),
            ("Content-Length", "8"),
        ],
    )
    served = old | {
        "http_status": 200,
        "http_headers": [
            ["Server", "nginx"],
            ["Content-Encoding", "gzip"],
            ["Content-Length", "3"],
        ],
    }
    # The body is stored decoded: its own length, and no coding it does not have.
    assert http_headers(served) == ("200 OK", [("Server", "nginx"), ("Content-Length", "8")])


def test_a_damaged_file_is_one_line_and_keeps_what_was_read(
    site: NewsSite, db_url: str, tmp_path: Path
) -> None:
    url, after = (site.url(a) for a in site.article_ids()[4:6])
    first, second = _Warc(tmp_path / "first.warc.gz"), _Warc(tmp_path / "second.warc.gz")
    first.response(url, JAN, _page(url))
    second.response(after, JAN, _page(after))
    path = tmp_path / "damaged.warc.gz"
    # A record, then bytes that are no record, then a record that cannot be reached.
    path.write_bytes(first.close().read_bytes() + b"garbage\r\n" + second.close().read_bytes())
    result = archiver("import", "warc", str(path), db=db_url)
    assert result.code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"{path}: not a WARC or ARC file, or damaged after 1 captures" in result.stderr
    assert [v["cause"] for v in _versions(url, db_url)] == ["import"]
    not_warc = tmp_path / "notes.txt"
    not_warc.write_text("hello\n")
    refused = archiver("import", "warc", str(not_warc), db=db_url)
    assert refused.code == 1
    assert "not a WARC or ARC file, or damaged after 0 captures" in refused.stderr


def test_an_exported_reading_is_checked_like_a_page() -> None:
    fields = {
        "title": "Head\x00line",
        "text": "Body.",
        "language": "en-" + "x" * 100,
        "tags": ["a", "b"],
        "published_at": "2025-01-01T09:00:00Z",
        "extractor": "trafilatura 2.3.1; reader 2",
    }
    read = _exported(fields)
    assert read is not None
    content, extractor = read
    assert content.title == "Headline"  # no NUL: Postgres refuses it in text
    assert content.language is not None
    assert len(content.language) == 32
    assert content.tags == ("a", "b")
    assert extractor == "trafilatura 2.3.1; reader 2"
    assert content.published_at == datetime(2025, 1, 1, 9, tzinfo=UTC)
    # A record that does not hold a reading this archive can store: the page is read again.
    for bad in (
        {"text": 5},
        {"title": ["Head"]},
        {"tags": "a,b"},
        {"tags": [1]},
        {"published_at": "yesterday"},
        {"published_at": 20250101},
        {"extractor": "x" * 101},
        {"text": ""},
    ):
        assert _exported(fields | bad) is None, bad
