"""What a response for a known article says before anything is parsed (DESIGN §4 rules 3 to 5).

A 304 means not modified; the very bytes stored last time mean unchanged (no extraction);
404 and 410 mean gone; a redirect to another address means moved. Anything else is a page to
extract and compare as usual.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from scrapy.http import Response

from storage import outcomes
from storage.models import utcnow
from storage.queries import KnownArticle
from storage.records import Recheck
from storage.urls import BadURL, url_key

GONE_STATUSES = (404, 410)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# Statuses a re-check wants to see itself instead of Scrapy's errback or redirect handling.
RECHECK_STATUSES = [*GONE_STATUSES, *REDIRECT_STATUSES]


@dataclass(frozen=True)
class Found:
    """The check to record, the item the spider yields (None: follow the redirect as the
    same article), and where the known article's address now points (to fetch it there)."""

    item: Recheck | None
    location: str | None = None


# Answers that settle a re-check by their status alone.
STATUS_OUTCOMES = {304: outcomes.NOT_MODIFIED} | dict.fromkeys(GONE_STATUSES, outcomes.GONE)


def recheck(response: Response, known: KnownArticle) -> Found | None:
    """The outcome of *response* when no extraction is needed, else None."""
    if response.status == 200:
        return _same_bytes(response, known)
    if response.status in REDIRECT_STATUSES:
        return _redirect(response, known)
    outcome = STATUS_OUTCOMES.get(response.status)
    return Found(_check(response, known, outcome)) if outcome else None


def _check(
    response: Response,
    known: KnownArticle,
    outcome: str,
    *,
    raw_sha256: str | None = None,
    redirect_to: str | None = None,
) -> Recheck:
    return Recheck(
        url_key=known.url_key,
        url=response.url,
        outcome=outcome,
        status=response.status,
        checked_at=utcnow(),
        raw_sha256=raw_sha256,
        redirect_to=redirect_to,
    )


def _same_bytes(response: Response, known: KnownArticle) -> Found | None:
    digest = hashlib.sha256(response.body).hexdigest()
    if digest != known.raw_sha256:
        return None
    return Found(_check(response, known, outcomes.UNCHANGED, raw_sha256=digest))


def _redirect(response: Response, known: KnownArticle) -> Found | None:
    target = _location(response)
    try:
        moved = target is not None and url_key(target) != known.url_key
    except BadURL:
        return None
    if target is None:
        return None
    if not moved:  # e.g. a tracking parameter added: still this article, follow it
        return Found(None, target)
    return Found(_check(response, known, outcomes.REDIRECTED, redirect_to=target), target)


def _location(response: Response) -> str | None:
    location = response.headers.get("Location")
    if not location:
        return None
    try:
        return response.urljoin(location.decode("latin-1").strip())
    except ValueError:
        return None
