"""The write side: turn one fetched page into a new article, a new version or a check.

Every function takes a Session and never commits: the caller owns the transaction, which is
short (one page) so that a kill at any moment leaves either all of a fetch or none of it.
Idempotent by construction: re-storing content equal to the latest version records a check,
never a second version, so a crawl restarted after a crash cannot double anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from storage import history, notices, outcomes
from storage.blobs import get_blob, put_blob, sha256
from storage.content import VERSION_FIELDS, Content, changed_fields
from storage.insert_ignore import insert_ignore
from storage.models import Article, ArticleURL, Check, Version, utcnow
from storage.records import Page, Reading, Recheck
from storage.revisit import DEFAULT_LADDER, Ladder
from storage.urls import BadURL, url_key


@dataclass(frozen=True)
class RunContext:
    """What every write of one crawl shares: its run, its source, its revisit ladder."""

    run_id: int | None = None
    source_id: int | None = None
    ladder: Ladder = DEFAULT_LADDER


# What each check outcome says about the article.
CHECK_STATES = {
    outcomes.NOT_MODIFIED: "live",
    outcomes.UNCHANGED: "live",
    outcomes.GONE: "gone",
    outcomes.REDIRECTED: "redirected",
}


@dataclass(frozen=True)
class Stored:
    outcome: str
    article_id: int
    version: int
    changed: tuple[str, ...]


def _article_for(session: Session, page: Page, run: RunContext) -> Article:
    """The article row for the page's key, created if new, locked against concurrent writers."""
    insert_ignore(
        session,
        Article,
        {
            "url_key": page.url_key,
            "url": page.url,
            "source_id": run.source_id,
            "first_seen_at": page.fetched_at,
            "last_checked_at": page.fetched_at,
            "last_changed_at": page.fetched_at,
            "state": "live",
        },
        conflict=["url_key"],
    )
    # FOR UPDATE serialises version numbering on Postgres; SQLite writers already hold the
    # database lock (BEGIN IMMEDIATE) and ignore the clause.
    return session.scalars(
        select(Article).where(Article.url_key == page.url_key).with_for_update()
    ).one()


def add_aliases(session: Session, article_id: int, urls: tuple[str, ...] | list[str]) -> None:
    """Record *urls* as addresses of the article; a URL already known keeps its first article."""
    now = utcnow()
    rows = []
    for url in dict.fromkeys(urls):
        try:
            key = url_key(url)
        except BadURL:
            continue  # an unusable address must not cost the article its version
        rows.append({"url": url, "url_key": key, "article_id": article_id, "first_seen_at": now})
    if rows:
        insert_ignore(session, ArticleURL, rows, conflict=["url"])


def latest_version(session: Session, article_id: int) -> Version | None:
    return session.scalars(
        select(Version)
        .where(Version.article_id == article_id)
        .order_by(Version.number.desc())
        .limit(1)
    ).first()


@dataclass(frozen=True)
class Earlier:
    """The latest version of an article, read by another extractor than the page being
    stored: ``store_fetch`` asks for it to be read again before it can tell an edit from a
    different reading of the same page."""

    version_id: int
    raw: bytes = field(repr=False)
    encoding: str | None
    url: str
    at: datetime


@dataclass(frozen=True)
class Reread:
    """What reading an Earlier version's page again gave; None when it could not be read."""

    version_id: int
    content: Content | None


def _edit_labels(previous: Mapping[str, Any], content: Content) -> dict[str, Any]:
    """Why a new version of the page exists and what kind of change it is (storage.history);
    *previous*: the version it is compared with, as fields."""
    return {
        "cause": history.EDIT,
        "silent": history.silent(previous["modified_at"], content.modified_at),
        "significance": history.significance(previous, content.version_fields()),
    }


FIRST_LABELS = {"cause": history.FIRST, "silent": None, "significance": history.SUBSTANTIVE}


def store_fetch(
    session: Session, page: Page, reading: Reading, run: RunContext = RunContext()
) -> Stored:
    """``store_page`` for a caller that cannot read an earlier version's page again: the
    new content is compared with that version as it was read then."""
    result = store_page(session, page, reading, run)
    while isinstance(result, Earlier):
        result = store_page(session, page, reading, run, Reread(result.version_id, None))
    return result


def store_page(
    session: Session,
    page: Page,
    reading: Reading,
    run: RunContext = RunContext(),
    reread: Reread | None = None,
) -> Stored | Earlier:
    """Store one fetched and read article page (DESIGN §4 rules 2 and 7).

    When its content differs from the latest version and another extractor read that
    version, nothing is written and the Earlier version is returned: call again with what
    this run's extractor makes of it (*reread*). Equal to the new content, the page did not
    change, its reading did: an ``extractor`` version records the new reading. Different, the
    re-reading is recorded first (as an ``extractor`` version) and the edit after it, so the
    edit's changed fields and diff hold the edit alone.
    """
    article = _article_for(session, page, run)
    previous = latest_version(session, article.id)
    content = reading.content
    same = previous is not None and previous.content_hash == content.content_hash
    read_apart = previous is not None and not same and previous.extractor != reading.extractor
    if previous is not None and read_apart and (reread is None or reread.version_id != previous.id):
        return _earlier(session, previous)
    add_aliases(session, article.id, (page.url, *page.aliases))
    raw_digest = sha256(page.raw)
    article.last_checked_at = page.fetched_at
    article.raw_sha256 = raw_digest
    article.etag = page.etag
    article.last_modified = page.last_modified
    article.state = "live"
    article.redirect_to = None
    if article.source_id is None:  # first fetched ad hoc, now found by a source
        article.source_id = run.source_id

    if previous is not None and not same and reread is not None and reread.content is not None:
        previous = _record_reading(session, previous, reread.content, reading.extractor, run)
        if previous.content_hash == content.content_hash:  # the reading changed, not the page
            article.next_check_at = run.ladder.next_check(article.last_changed_at, page.fetched_at)
            _add_check(session, article.id, page, run, outcomes.REREAD, raw_digest, previous.id)
            return Stored(outcomes.REREAD, article.id, previous.number, tuple(previous.changed))
    if previous is not None and previous.content_hash == content.content_hash:
        article.next_check_at = run.ladder.next_check(article.last_changed_at, page.fetched_at)
        _add_check(session, article.id, page, run, outcomes.UNCHANGED, raw_digest, None)
        return Stored(outcomes.UNCHANGED, article.id, previous.number, ())

    number = 1 if previous is None else previous.number + 1
    changed = (
        ()
        if previous is None
        else tuple(changed_fields(_version_fields(previous), content.version_fields()))
    )
    labels = FIRST_LABELS if previous is None else _edit_labels(_compared(previous), content)
    version = Version(
        article_id=article.id,
        number=number,
        first_seen_at=page.fetched_at,
        content_hash=content.content_hash,
        simhash=content.simhash,
        **content.columns(),
        changed=list(changed),
        **labels,
        extractor=reading.extractor,
        url=page.url,
        blob_sha256=put_blob(session, page.raw, reading.encoding),
        run_id=run.run_id,
        http_status=page.status,
        http_headers=[list(pair) for pair in page.headers],
    )
    session.add(version)
    session.flush()
    article.url = page.url
    article.last_changed_at = page.fetched_at
    article.next_check_at = run.ladder.next_check(page.fetched_at, page.fetched_at)
    if previous is None:
        article.duplicate_of = _same_content_elsewhere(session, article.id, content.content_hash)
    else:  # an edit: announced in this same transaction (storage.notices)
        notices.announce_version(
            session,
            version_id=version.id,
            source_id=article.source_id,
            url=article.url,
            number=number,
            title=version.title,
            changed=changed,
            old_text=previous.text,
            new_text=version.text,
        )
    outcome = outcomes.ARTICLE_NEW if previous is None else outcomes.VERSION_NEW
    _add_check(session, article.id, page, run, outcome, raw_digest, version.id)
    return Stored(outcome, article.id, number, changed)


def _earlier(session: Session, version: Version) -> Earlier:
    blob = get_blob(session, version.blob_sha256)
    raw, encoding = blob if blob is not None else (b"", None)
    return Earlier(version.id, raw, encoding, version.url, version.first_seen_at)


def _record_reading(
    session: Session, previous: Version, content: Content, extractor: str, run: RunContext
) -> Version:
    """Record *content*, another reading of *previous*'s own page, as the version after it
    (cause ``extractor``); *previous* itself when the reading is the same. Not an edit: the
    article's last change, its revisit ladder and its notices stay as they were.

    Dated as *previous*: it is the same page, first seen then, so "what did the page say at
    T" reads it the current way from then on, and versions stay in time order when an edit
    is stored right after it or earlier captures are merged in (storage.merge)."""
    if content.content_hash == previous.content_hash:
        return previous
    version = Version(
        article_id=previous.article_id,
        number=previous.number + 1,
        first_seen_at=previous.first_seen_at,
        content_hash=content.content_hash,
        simhash=content.simhash,
        **content.columns(),
        changed=changed_fields(_version_fields(previous), content.version_fields()),
        cause=history.EXTRACTOR,
        silent=None,
        significance=history.significance(_compared(previous), content.version_fields()),
        extractor=extractor,
        url=previous.url,
        blob_sha256=previous.blob_sha256,
        run_id=run.run_id,
        http_status=previous.http_status,
        http_headers=previous.http_headers,
    )
    session.add(version)
    session.flush()
    return version


def record_reading(
    session: Session, version_id: int, reading: Reading, run: RunContext = RunContext()
) -> int | None:
    """Record *reading*, this extractor's reading of version *version_id*'s stored page, as
    an ``extractor`` version when the version is still its article's latest and reads
    differently now (``archiver reextract``); the new version's number, or None."""
    article_id = session.scalar(select(Version.article_id).where(Version.id == version_id))
    if article_id is None:
        return None
    # The article locked first (serialised with a crawl storing it, see _article_for, and
    # with an import renumbering its versions), then its latest version read under the lock.
    session.scalars(select(Article.id).where(Article.id == article_id).with_for_update()).one()
    previous = latest_version(session, article_id)
    if previous is None or previous.id != version_id:
        return None
    recorded = _record_reading(session, previous, reading.content, reading.extractor, run)
    return recorded.number if recorded is not previous else None


def record_check(session: Session, check: Recheck, run: RunContext = RunContext()) -> Stored | None:
    """Record a check that found no new content; None when the article is not archived.

    Core statements rather than ORM objects: a revisit records thousands of these, and they
    are most of what a quiet revisit costs.
    """
    connection = session.connection()  # Core all the way: no ORM bookkeeping per statement
    row = connection.execute(
        select(Article.id, Article.last_changed_at, Article.state, Article.source_id, Article.url)
        .where(Article.url_key == check.url_key)
        .with_for_update()
    ).first()
    if row is None:
        return None
    if check.outcome == outcomes.GONE and row.state != "gone":
        notices.announce_gone(
            session,
            article_id=row.id,
            source_id=row.source_id,
            url=row.url,
            status=check.status,
            at=check.checked_at,
        )
    values: dict[str, Any] = {
        "last_checked_at": check.checked_at,
        "state": CHECK_STATES[check.outcome],
        "redirect_to": check.redirect_to,
        "next_check_at": run.ladder.next_check(row.last_changed_at, check.checked_at),
    }
    if check.raw_sha256 is not None:
        values["raw_sha256"] = check.raw_sha256
    connection.execute(update(Article).where(Article.id == row.id).values(**values))
    connection.execute(
        insert(Check).values(
            article_id=row.id,
            run_id=run.run_id,
            checked_at=check.checked_at,
            outcome=check.outcome,
            http_status=check.status,
            url=check.url,
            raw_sha256=check.raw_sha256,
        )
    )
    # The version number is not looked up: nothing that records a check needs it.
    return Stored(check.outcome, row.id, 0, ())


def _version_fields(version: Version) -> dict[str, str | None]:
    return {name: getattr(version, name) for name in VERSION_FIELDS}


def _compared(version: Version) -> dict[str, Any]:
    """What a new version's labels compare it with: its fields and stated modification."""
    return {**_version_fields(version), "modified_at": version.modified_at}


def _add_check(
    session: Session,
    article_id: int,
    page: Page,
    run: RunContext,
    outcome: str,
    raw_digest: str | None,
    version_id: int | None,
) -> None:
    session.add(
        Check(
            article_id=article_id,
            run_id=run.run_id,
            checked_at=page.fetched_at,
            outcome=outcome,
            http_status=page.status,
            url=page.url,
            raw_sha256=raw_digest,
            version_id=version_id,
        )
    )


def _same_content_elsewhere(session: Session, article_id: int, content_hash: str) -> int | None:
    """Another article whose versions hold exactly this content (syndication, mirrors)."""
    return session.scalars(
        select(Version.article_id)
        .where(Version.content_hash == content_hash, Version.article_id != article_id)
        .order_by(Version.article_id)
        .limit(1)
    ).first()


def add_aliases_by_key(session: Session, key: str, urls: list[str]) -> bool:
    """Record aliases of the article stored under *key*; False when there is none yet."""
    article_id = session.scalars(select(Article.id).where(Article.url_key == key)).first()
    if article_id is None:
        return False
    add_aliases(session, article_id, urls)
    return True
