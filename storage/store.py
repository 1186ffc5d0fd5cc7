"""The write side: turn one fetched page into a new article, a new version or a check.

Every function takes a Session and never commits: the caller owns the transaction, which is
short (one page) so that a kill at any moment leaves either all of a fetch or none of it.
Idempotent by construction: re-storing content equal to the latest version records a check,
never a second version, so a crawl restarted after a crash cannot double anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from storage import history, notices, outcomes
from storage.blobs import put_blob, sha256
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


def _labels(previous: Version | None, content: Content) -> dict[str, Any]:
    """Why the new version exists and what kind of change it is (storage.history)."""
    if previous is None:
        return {"cause": history.FIRST, "silent": None, "significance": history.SUBSTANTIVE}
    return {
        "cause": history.EDIT,
        "silent": history.silent(previous.modified_at, content.modified_at),
        "significance": history.significance(_version_fields(previous), content.version_fields()),
    }


def store_fetch(
    session: Session, page: Page, reading: Reading, run: RunContext = RunContext()
) -> Stored:
    """Store one fetched and read article page (DESIGN §4 rules 2 and 7)."""
    article = _article_for(session, page, run)
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

    previous = latest_version(session, article.id)
    content = reading.content
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
    version = Version(
        article_id=article.id,
        number=number,
        first_seen_at=page.fetched_at,
        content_hash=content.content_hash,
        simhash=content.simhash,
        **content.columns(),
        changed=list(changed),
        **_labels(previous, content),
        extractor=reading.extractor,
        url=page.url,
        blob_sha256=put_blob(session, page.raw, reading.encoding),
        run_id=run.run_id,
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
