"""Exports that stream: JSON lines, CSV and WARC, in constant memory whatever the archive's size.

Versions are read in batches from a server-side cursor (Postgres) or a stepped one (SQLite)
and written as they come. JSONL holds one version per line with every field; CSV one row per
version, text included, quoted per RFC 4180 (lists as JSON, none as an empty cell); WARC 1.1
holds, for every version, a ``response`` record of the stored raw HTML with the status and
headers it was served with, dated when it was fetched, and a ``metadata`` record with the
extracted fields that replay tools do not take for the page (write_warc).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http import HTTPStatus
from importlib import metadata as package
from pathlib import Path
from typing import IO, Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from storage.blobs import decompress
from storage.content import CONTENT_FIELDS, jsonable
from storage.history import LABELS
from storage.models import Article, HtmlBlob, Source, Version

Format = Literal["jsonl", "csv", "warc"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv", "warc")
# Every field of a version, in export order: where it is, then what it says, then how it
# was read.
FIELDS = (
    "url",
    "url_key",
    "source",
    "version",
    "first_seen_at",
    "content_hash",
    *CONTENT_FIELDS,
    "changed",
    *LABELS,
    "simhash",
    "extractor",
    "fetched_url",
    "blob_sha256",
    "duplicate_of",
)
BATCH = 500


def rows(
    session: Session,
    *,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    all_versions: bool = False,
    raw: bool = False,
) -> Iterator[dict[str, Any]]:
    """Versions as dicts of FIELDS (plus ``raw``, ``encoding`` and the answer's
    ``http_status`` and ``http_headers`` with *raw*), oldest first."""
    columns = [
        Article.url,
        Article.url_key,
        Source.name.label("source"),
        Version.number.label("version"),
        Version.first_seen_at,
        Version.content_hash,
        *(getattr(Version, name) for name in CONTENT_FIELDS),
        Version.changed,
        *(getattr(Version, name) for name in LABELS),
        Version.simhash,
        Version.extractor,
        Version.url.label("fetched_url"),
        Version.blob_sha256,
    ]
    original = aliased(Article)
    columns.append(original.url.label("duplicate_of"))
    if raw:
        columns += [
            HtmlBlob.data.label("raw"),
            HtmlBlob.encoding,
            Version.http_status,
            Version.http_headers,
        ]
    query = (
        select(*columns)
        .join(Article, Article.id == Version.article_id)
        .outerjoin(Source, Source.id == Article.source_id)
        .outerjoin(original, original.id == Article.duplicate_of)
    )
    if raw:
        query = query.join(HtmlBlob, HtmlBlob.sha256 == Version.blob_sha256)
    if source is not None:
        query = query.where(Source.name == source)
    if since is not None:
        query = query.where(Version.first_seen_at >= since)
    if until is not None:
        query = query.where(Version.first_seen_at < until)
    if not all_versions:
        newer = aliased(Version)
        query = query.where(
            ~select(newer.id)
            .where(newer.article_id == Version.article_id, newer.number > Version.number)
            .exists()
        )
    result = session.execute(query.order_by(Version.id).execution_options(yield_per=BATCH))
    for row in result:
        data = row._asdict()
        if raw:
            data["raw"] = decompress(data["raw"])
        yield data


def write_jsonl(versions: Iterator[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for version in versions:
        record = {name: jsonable(version[name]) for name in FIELDS}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(jsonable(value))


def write_csv(versions: Iterator[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(FIELDS)
    count = 0
    for version in versions:
        writer.writerow([_cell(version[name]) for name in FIELDS])
        count += 1
    return count


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# Where a version's fields are, as a metadata record's target: not the page's own URL, so
# that a replay tool (pywb) never serves them in place of the page.
FIELDS_URN = "urn:archiver:fields:"
# Headers that described the body as it travelled: the stored body is the decoded whole, so
# its export states its own length and no transfer or content coding.
TRAVEL_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


def http_headers(version: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """The status line and headers of *version*'s answer, as a response record replays it:
    the stored ones, or for a version archived before they were kept the few that are known
    (its type and charset; X-Archiver-Headers says they were rebuilt)."""
    raw: bytes = version["raw"]
    status = version.get("http_status") or 200
    stored = version.get("http_headers")
    if stored is None:
        charset = f"; charset={version['encoding']}" if version["encoding"] else ""
        headers = [("Content-Type", f"text/html{charset}"), ("X-Archiver-Headers", "rebuilt")]
    else:
        headers = [(name, value) for name, value in stored if name.lower() not in TRAVEL_HEADERS]
    headers.append(("Content-Length", str(len(raw))))
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"{status} {phrase}".strip(), headers


def write_warc(versions: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    """Every version as a ``response`` record of its stored page (status and headers as
    served, dated when it was fetched) and a ``metadata`` record of its fields, concurrent
    to the response, after a ``warcinfo`` record that says what the file holds."""
    # Here, not at the top: only WARC exports need warcio.
    from warcio.statusandheaders import StatusAndHeaders  # noqa: PLC0415
    from warcio.warcwriter import WARCWriter  # noqa: PLC0415

    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    name = Path(str(getattr(out, "name", "archive.warc.gz"))).name
    writer.write_record(writer.create_warcinfo_record(name, _warcinfo()))
    count = 0
    for version in versions:
        raw: bytes = version["raw"]
        status, headers = http_headers(version)
        date = _warc_date(version["first_seen_at"])
        # With the lengths given, warcio digests the payloads in place; without, it spools
        # every record to a temporary file it never closes. The payload is the stored blob,
        # so its digest is the blob's address, already known.
        response = writer.create_warc_record(
            version["fetched_url"],
            "response",
            payload=io.BytesIO(raw),
            length=len(raw),
            http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Payload-Digest": f"sha256:{version['blob_sha256']}",
            },
        )
        writer.write_record(response)
        fields = json.dumps({name: jsonable(version[name]) for name in FIELDS}, ensure_ascii=False)
        encoded = fields.encode()
        metadata = writer.create_warc_record(
            f"{FIELDS_URN}{version['content_hash']}",
            "metadata",
            payload=io.BytesIO(encoded),
            length=len(encoded),
            warc_content_type="application/json",
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(metadata)
        count += 1
    return count


def _warcinfo() -> dict[str, str]:
    return {
        "software": f"archiver {package.version('archiver')} (warcio {package.version('warcio')})",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": (
            "Versions of news articles: for each, a response record of the page as it was"
            " fetched, and a metadata record (application/json) of what was read from it,"
            " concurrent to the response"
        ),
        "robots": "obey",
    }


WRITERS: dict[Format, Callable[[Iterator[dict[str, Any]], Any], int]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "warc": write_warc,
}
