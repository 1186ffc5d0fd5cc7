"""The write side: turn one fetch into a new article, a new version or a check.

Every function takes a Session and never commits: the caller owns the transaction, which is
short (one page) so that a kill at any moment leaves either all of a fetch or none of it.
Idempotent by construction: re-storing content equal to the latest version records a check,
never a second version, so a crawl restarted after a crash cannot double anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from storage import outcomes
from storage.blobs import put_blob, sha256
from storage.content import Content, changed_fields
from storage.models import Article, ArticleURL, Check, CrawlRun, Source, Version, utcnow
from storage.revisit import DEFAULT_LADDER, Ladder
from storage.upsert import insert_ignore
from storage.urls import BadURL, url_key


@dataclass(frozen=True)
class Fetch:
    """An article page as fetched and extracted, ready to store."""

    url_key: str
    url: str
    aliases: tuple[str, ...]
    fetched_at: datetime
    status: int
    raw: bytes
    encoding: str | None
    content: Content
    extractor: str
    etag: str | None = None
    last_modified: str | None = None
    source_id: int | None = None
    run_id: int | None = None
    ladder: Ladder = DEFAULT_LADDER


@dataclass(frozen=True)
class Recheck:
    """A fetch of a known article that needs no extraction: 304, identical bytes, gone, moved."""

    url_key: str
    url: str
    outcome: str
    status: int | None
    checked_at: datetime
    raw_sha256: str | None = None
    redirect_to: str | None = None
    run_id: int | None = None
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


def ensure_source(session: Session, name: str, fingerprint: str | None = None) -> int:
    insert_ignore(
        session,
        Source,
        {"name": name, "config_fingerprint": fingerprint, "created_at": utcnow()},
        conflict=["name"],
    )
    source_id = session.scalars(select(Source.id).where(Source.name == name)).one()
    if fingerprint is not None:
        session.execute(
            update(Source).where(Source.id == source_id).values(config_fingerprint=fingerprint)
        )
    return source_id


def _article_for(session: Session, fetch: Fetch) -> tuple[Article, bool]:
    """The article row for the fetch's key, created if new, locked against concurrent writers."""
    created = insert_ignore(
        session,
        Article,
        {
            "url_key": fetch.url_key,
            "url": fetch.url,
            "source_id": fetch.source_id,
            "first_seen_at": fetch.fetched_at,
            "last_checked_at": fetch.fetched_at,
            "last_changed_at": fetch.fetched_at,
            "state": "live",
        },
        conflict=["url_key"],
    )
    # FOR UPDATE serialises version numbering on Postgres; SQLite writers already hold the
    # database lock (BEGIN IMMEDIATE) and ignore the clause.
    article = session.scalars(
        select(Article).where(Article.url_key == fetch.url_key).with_for_update()
    ).one()
    return article, created


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


def store_fetch(session: Session, fetch: Fetch) -> Stored:
    """Store one fetched article page (DESIGN §4 rules 2 and 7)."""
    article, _ = _article_for(session, fetch)
    add_aliases(session, article.id, (fetch.url, *fetch.aliases))
    raw_digest = sha256(fetch.raw)
    article.last_checked_at = fetch.fetched_at
    article.raw_sha256 = raw_digest
    article.etag = fetch.etag
    article.last_modified = fetch.last_modified
    article.state = "live"
    article.redirect_to = None
    if article.source_id is None:  # first fetched ad hoc, now found by a source
        article.source_id = fetch.source_id

    previous = latest_version(session, article.id)
    new_hash = fetch.content.content_hash
    if previous is not None and previous.content_hash == new_hash:
        article.next_check_at = fetch.ladder.next_check(article.last_changed_at, fetch.fetched_at)
        _add_check(
            session,
            article_id=article.id,
            fetch=fetch,
            outcome=outcomes.UNCHANGED,
            raw_digest=raw_digest,
            version_id=None,
        )
        return Stored(outcomes.UNCHANGED, article.id, previous.number, ())

    number = 1 if previous is None else previous.number + 1
    changed = (
        ()
        if previous is None
        else tuple(changed_fields(_version_fields(previous), fetch.content.version_fields()))
    )
    version = _add_version(session, article.id, number, fetch, changed)
    article.url = fetch.url
    article.last_changed_at = fetch.fetched_at
    article.next_check_at = fetch.ladder.next_check(fetch.fetched_at, fetch.fetched_at)
    if previous is None:
        article.duplicate_of = _same_content_elsewhere(session, article.id, new_hash)
    outcome = outcomes.ARTICLE_NEW if previous is None else outcomes.VERSION_NEW
    _add_check(
        session,
        article_id=article.id,
        fetch=fetch,
        outcome=outcome,
        raw_digest=raw_digest,
        version_id=version.id,
    )
    return Stored(outcome, article.id, number, changed)


def record_check(session: Session, check: Recheck) -> Stored | None:
    """Record a check that found no new content; None when the article is not archived.

    Core statements rather than ORM objects: a revisit records thousands of these, and they
    are most of what a quiet revisit costs.
    """
    connection = session.connection()  # Core all the way: no ORM bookkeeping per statement
    row = connection.execute(
        select(Article.id, Article.last_changed_at)
        .where(Article.url_key == check.url_key)
        .with_for_update()
    ).first()
    if row is None:
        return None
    values: dict[str, Any] = {
        "last_checked_at": check.checked_at,
        "state": CHECK_STATES[check.outcome],
        "redirect_to": check.redirect_to,
        "next_check_at": check.ladder.next_check(row.last_changed_at, check.checked_at),
    }
    if check.raw_sha256 is not None:
        values["raw_sha256"] = check.raw_sha256
    connection.execute(update(Article).where(Article.id == row.id).values(**values))
    connection.execute(
        insert(Check).values(
            article_id=row.id,
            run_id=check.run_id,
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
    return {"title": version.title, "author": version.author, "text": version.text}


def _add_version(
    session: Session, article_id: int, number: int, fetch: Fetch, changed: tuple[str, ...]
) -> Version:
    content = fetch.content
    version = Version(
        article_id=article_id,
        number=number,
        first_seen_at=fetch.fetched_at,
        content_hash=content.content_hash,
        title=content.title,
        author=content.author,
        published_at=content.published_at,
        modified_at=content.modified_at,
        language=content.language,
        description=content.description,
        site_name=content.site_name,
        tags=list(content.tags),
        image=content.image,
        text=content.text,
        changed=list(changed),
        simhash=content.simhash,
        extractor=fetch.extractor,
        url=fetch.url,
        blob_sha256=put_blob(session, fetch.raw, fetch.encoding),
        run_id=fetch.run_id,
    )
    session.add(version)
    session.flush()
    return version


def _add_check(
    session: Session,
    *,
    article_id: int,
    fetch: Fetch,
    outcome: str,
    raw_digest: str | None,
    version_id: int | None,
) -> None:
    session.add(
        Check(
            article_id=article_id,
            run_id=fetch.run_id,
            checked_at=fetch.fetched_at,
            outcome=outcome,
            http_status=fetch.status,
            url=fetch.url,
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


def start_run(session: Session, *, source_id: int | None, kind: str, pid: int, host: str) -> int:
    now = utcnow()
    run = CrawlRun(
        source_id=source_id,
        kind=kind,
        started_at=now,
        heartbeat_at=now,
        stats={},
        pid=pid,
        host=host,
    )
    session.add(run)
    session.flush()
    return run.id


# The finish reason of a run whose process went away without recording its end.
INTERRUPTED = "interrupted"


def close_run(session: Session, run_id: int, reason: str) -> bool:
    """Close a run that its process left open (killed, crashed); False if it was closed."""
    result = session.execute(
        update(CrawlRun)
        .where(CrawlRun.id == run_id, CrawlRun.finished_at.is_(None))
        .values(finished_at=utcnow(), finish_reason=reason)
    )
    return bool(getattr(result, "rowcount", 0))


def close_runs_left_open(session: Session, source_id: int, current_run: int) -> list[int]:
    """Close as ``interrupted`` every other open run of a source; return their ids.

    Called by a run holding its source's lock: a live run holds that lock for its whole life,
    so any other open run of the source belongs to a process that is gone (killed, crashed).
    """
    ids = list(
        session.scalars(
            select(CrawlRun.id).where(
                CrawlRun.source_id == source_id,
                CrawlRun.finished_at.is_(None),
                CrawlRun.id != current_run,
            )
        )
    )
    for run_id in ids:
        close_run(session, run_id, INTERRUPTED)
    return ids


def update_run(
    session: Session, run_id: int, stats: dict[str, Any], finish_reason: str | None = None
) -> None:
    """Save a run's progress; with *finish_reason*, close it."""
    now = utcnow()
    values: dict[str, Any] = {"stats": stats, "heartbeat_at": now}
    if finish_reason is not None:
        values |= {"finish_reason": finish_reason, "finished_at": now}
    session.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(**values))
