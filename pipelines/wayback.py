"""Earlier captures from a Wayback server (``archiver import wayback``).

Any server that speaks the Wayback CDX API: the Internet Archive's (the default), pywb,
OpenWayback. For each article URL its captures are listed (``output=json``), runs of the same
payload digest collapsed, and each remaining capture fetched raw (the ``id_`` form of its
replay URL, the bytes as archived) one at a time, DELAY seconds apart, as the archive's own
robots.txt allows, then merged into the chain (pipelines.captures). A capture already in
the chain (an imported version with its time) is not fetched again, so an import cut short
resumes where it stopped.

Plain HTTP requests, not a Scrapy crawl: this is a polite client of one API, one request at
a time, with the limits a crawl has (time, size, robots.txt, Retry-After).
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from importlib.metadata import version
from typing import Any

from pipelines.captures import MAX_PAGE_BYTES, Found, Importer
from storage import queries
from storage.urls import BadURL

DEFAULT_CDX = "https://web.archive.org/cdx/search/cdx"
USER_AGENT = f"archiver/{version('archiver')} (importing earlier captures; Wayback CDX client)"
# Seconds between two requests to the archive, and for one answer.
DELAY = 1.0
TIMEOUT = 30.0
# A CDX listing larger than this is cut (about 100,000 captures of one URL).
MAX_LISTING_BYTES = 32 * 1024 * 1024
# How long a 429 or 503 answer's Retry-After may make the import wait, and how often.
MAX_RETRY_AFTER = 300.0
RETRIES = 3
# What the archive prefixes the original response's headers with in a raw (id_) replay.
ORIGINAL_PREFIX = "x-archive-orig-"


class WaybackError(Exception):
    """The CDX server cannot be used (unreachable, refuses, answers garbage): one line."""


@dataclass(frozen=True)
class Listed:
    """One capture as the CDX server lists it."""

    timestamp: str  # 14 digits, UTC
    url: str
    mime: str
    status: str
    digest: str

    @property
    def at(self) -> datetime | None:
        """When it was taken; None when the listing's timestamp is not one."""
        if not _TIMESTAMP.fullmatch(self.timestamp):
            return None
        try:
            whole = self.timestamp + _EARLIEST[len(self.timestamp) :]
            moment = datetime.strptime(whole, "%Y%m%d%H%M%S")
        except ValueError:  # month 13, day 32...
            return None
        return moment.replace(tzinfo=UTC)


# A CDX timestamp: 4 to 14 digits, those left off the earliest moment they allow.
_TIMESTAMP = re.compile(r"[0-9]{4,14}")
_EARLIEST = "00000101000000"


def replay_base(cdx: str) -> str:
    """Where a CDX server's captures replay: the Internet Archive's /web, pywb's collection."""
    if cdx.endswith("/cdx/search/cdx"):
        return cdx.removesuffix("/cdx/search/cdx") + "/web"
    return cdx.removesuffix("/cdx")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A raw capture of a redirect is the redirect: it is not followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Wayback:
    """A polite client of one Wayback server."""

    def __init__(self, cdx: str = DEFAULT_CDX, *, delay: float = DELAY) -> None:
        parts = urllib.parse.urlsplit(cdx)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise WaybackError(f"--cdx {cdx!r} is not an http(s) URL")
        self.cdx = cdx
        self.replay = replay_base(cdx)
        self.delay = delay
        self._opener = urllib.request.build_opener(_NoRedirects())
        self._last = 0.0
        self._robots = self._read_robots()

    def _read_robots(self) -> urllib.robotparser.RobotFileParser:
        parts = urllib.parse.urlsplit(self.replay)
        robots = urllib.robotparser.RobotFileParser()
        try:
            status, _, body = self._get(f"{parts.scheme}://{parts.netloc}/robots.txt", 512 * 1024)
        except WaybackError:
            status, body = 404, b""
        if status >= 500:  # as a crawl does: robots unknown, nothing fetched
            robots.parse(["User-agent: *", "Disallow: /"])
        elif status == 200:
            robots.parse(body.decode("utf-8", "replace").splitlines())
        else:  # no robots.txt: everything allowed
            robots.parse([])
        return robots

    def allowed(self, url: str) -> bool:
        return self._robots.can_fetch(USER_AGENT, url)

    def captures(
        self, url: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[Listed]:
        """The captures of *url*, oldest first."""
        query = {"url": url, "output": "json"}
        if since is not None:
            query["from"] = since.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        if until is not None:
            query["to"] = until.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        listing = f"{self.cdx}?{urllib.parse.urlencode(query)}"
        if not self.allowed(listing):
            raise WaybackError(f"the archive's robots.txt forbids {listing}")
        status, _, body = self._get(listing, MAX_LISTING_BYTES + 1)
        if status != 200:
            raise WaybackError(f"{self.cdx} answered HTTP {status}")
        if len(body) > MAX_LISTING_BYTES:  # cut, it would not parse: say so, not "garbage"
            raise WaybackError(
                f"the captures of {url} are more than {MAX_LISTING_BYTES // 2**20} MB of"
                " listing: import them a period at a time (--from, --to)"
            )
        if not body.strip():  # no captures (pywb, the Internet Archive)
            return []
        try:
            return sorted(_parse_listing(body.decode("utf-8")), key=lambda c: c.timestamp)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise WaybackError(f"{self.cdx} did not answer a CDX listing: {exc}") from exc

    def fetch(self, listed: Listed, article_key: str | None = None) -> Found | str:
        """The capture as archived (of the article stored under *article_key*, when known),
        or why it cannot be had."""
        at = listed.at
        if at is None:
            return "bad_timestamp"
        raw_url = f"{self.replay}/{listed.timestamp}id_/{_as_sent(listed.url)}"
        if not self.allowed(raw_url):
            return "robots"
        try:
            status, message, body = self._get(raw_url, MAX_PAGE_BYTES + 1)
        except WaybackError:
            return "unreachable"
        if len(body) > MAX_PAGE_BYTES:
            return "too_large"
        return Found(
            listed.url, at, status, _original_headers(message), body, article_key=article_key
        )

    def _get(self, url: str, limit: int) -> tuple[int, Message, bytes]:
        """GET *url* (at most *limit* bytes read), DELAY after the previous request, waiting
        out a bounded Retry-After."""
        for attempt in range(RETRIES + 1):
            wait = self._last + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()
            # Only http(s): every URL here starts with the --cdx one, checked in __init__.
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
            try:
                with self._opener.open(request, timeout=TIMEOUT) as answer:
                    return answer.status, answer.headers, answer.read(limit)
            except urllib.error.HTTPError as error:
                retry_after = _retry_after(error.headers.get("Retry-After"))
                if error.code in (429, 503) and attempt < RETRIES and retry_after is not None:
                    time.sleep(retry_after)
                    continue
                with error:
                    return error.code, error.headers, error.read(limit)
            # URLError and OSError: not reached; HTTPException: a broken answer (cut short,
            # a bad status line); ValueError and UnicodeError: an address http.client
            # refuses (a non-ASCII host in --cdx).
            except (OSError, http.client.HTTPException, ValueError) as exc:
                reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
                raise WaybackError(f"cannot reach {url}: {reason}") from exc
        raise WaybackError(f"{url} kept answering 'try later'")


def _as_sent(url: str) -> str:
    """*url* as it can go on a request line: spaces and non-ASCII percent-encoded (UTF-8),
    its escapes and delimiters as they are."""
    return urllib.parse.quote(url, safe="/:?#[]@!$&'()*+,;=%~")


def _retry_after(value: str | None) -> float | None:
    try:
        seconds = float(value) if value else None
    except ValueError:
        return None
    return min(seconds, MAX_RETRY_AFTER) if seconds is not None and seconds >= 0 else None


def _parse_listing(text: str) -> Iterator[Listed]:
    """The Internet Archive's JSON (an array of rows after a header row) or pywb's (one JSON
    object a line)."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        rows = json.loads(stripped)
        if not rows:
            return
        header = rows[0]
        for row in rows[1:]:
            yield _listed(dict(zip(header, row, strict=False)))
        return
    for line in stripped.splitlines():
        if line.strip():
            yield _listed(json.loads(line))


def _listed(fields: dict[str, Any]) -> Listed:
    return Listed(
        timestamp=str(fields["timestamp"]),
        url=str(fields.get("original") or fields["url"]),
        mime=str(fields.get("mimetype") or fields.get("mime") or ""),
        status=str(fields.get("statuscode") or fields.get("status") or "-"),
        digest=str(fields.get("digest") or ""),
    )


def _original_headers(message: Message) -> tuple[tuple[str, str], ...]:
    """The archived response's headers, as the raw replay passes them on."""
    headers = []
    for name, value in message.items():
        lower = name.lower()
        if lower.startswith(ORIGINAL_PREFIX):
            headers.append((name[len(ORIGINAL_PREFIX) :], value))
        elif lower == "content-type":
            headers.append((name, value))
    return tuple(headers)


def import_wayback(
    importer: Importer,
    wayback: Wayback,
    urls: list[str],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    listed: Callable[[int], None] = lambda n: None,
) -> None:
    """Import the captures of each of *urls* from *wayback* through *importer*."""
    for url in urls:
        captures = wayback.captures(url, since, until)
        listed(len(captures))
        # The listing is of one article, whatever spelling each capture has (the CDX API
        # matches http and https, and more, for one URL).
        key, known = _article_of(importer, url)
        previous_digest = None
        for capture in captures:
            if capture.digest and capture.digest == previous_digest:
                importer.repeat()  # the payload of the capture taken before it
                continue
            if capture.at is None:
                importer.skip("bad_timestamp")
                continue
            if capture.at in known:
                importer.repeat()  # merged by an earlier import
                previous_digest = capture.digest or previous_digest
                continue
            if capture.status.startswith("3"):
                importer.skip("redirect")
                continue
            if capture.status not in ("200", "-"):
                importer.skip(f"http_{capture.status}")
                continue
            found = wayback.fetch(capture, key)
            if isinstance(found, str):
                importer.skip(found)
                continue
            if importer.full:
                importer.flush()
            importer.add(found)
            # Only a capture taken makes the next one of its payload a repeat: after one
            # that could not be had (unreachable, robots), the next is fetched.
            previous_digest = capture.digest or previous_digest
        importer.flush()  # each URL's captures committed before the next: resumable


def _article_of(importer: Importer, url: str) -> tuple[str | None, set[datetime]]:
    """The key *url*'s captures are merged under (None: not a URL an article can have), and
    when its versions were first seen (captures already merged)."""
    with importer.archive.session() as session:
        try:
            key = queries.capture_key(session, url)
        except BadURL:
            return None, set()
        return key, set(queries.version_times(session, key))
