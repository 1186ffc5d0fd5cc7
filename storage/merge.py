"""Earlier captures of an article (a WARC file, the Wayback Machine) merged into its chain.

The chain stays one version per distinct state, in time order (DESIGN §4 rule 2): a capture
becomes a version of cause ``import`` where it differs from the state before it, and is
counted unchanged where it repeats it. Versions already archived are never dropped and keep
their ids; when captures land before them they are numbered again, in time order, and the
version right after each imported one is labelled against its new predecessor. Merging the
same captures twice changes nothing: each one then repeats a version dated as it is. A
capture of the very bytes of the state before it repeats that state too, however this
extractor reads them now (re-reading is ``archiver reextract``'s work, not an import's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage import history
from storage.blobs import put_blob, sha256
from storage.content import VERSION_FIELDS, Content, changed_fields
from storage.insert_ignore import insert_ignore
from storage.models import Article, Version, utcnow
from storage.store import add_aliases

# Numbers are moved out of the way by this much before they are set again, so that the
# (article_id, number) constraint holds at every statement.
_ASIDE = 1_000_000_000


@dataclass(frozen=True)
class Capture:
    """One earlier capture of a page: where and when, the answer, and what was read off it."""

    url: str
    at: datetime
    raw: bytes = field(repr=False)
    encoding: str | None
    content: Content
    extractor: str
    http_status: int | None = None
    http_headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Merged:
    """What merging one article's captures did."""

    article_new: bool = False
    versions_new: int = 0
    unchanged: int = 0
    # Versions already archived that got a new number (captures landed before them).
    renumbered: int = 0


@dataclass
class _Entry:
    at: datetime
    content_hash: str
    raw_sha256: str
    version: Version | None = None  # an archived version
    capture: Capture | None = None  # or a capture to import


def merge_captures(
    session: Session, url_key: str, captures: list[Capture], source_id: int | None = None
) -> Merged:
    """Merge *captures* (any order) of the article stored under *url_key* into its chain,
    creating the article when it is new (as *source_id*'s, when given)."""
    merged = Merged()
    if not captures:
        return merged
    captures = sorted(captures, key=lambda c: c.at)
    merged.article_new = _ensure_article(session, url_key, captures, source_id)
    article = session.scalars(
        select(Article).where(Article.url_key == url_key).with_for_update()
    ).one()
    add_aliases(session, article.id, [c.url for c in captures])
    archived = list(
        session.scalars(
            select(Version).where(Version.article_id == article.id).order_by(Version.number)
        )
    )
    chain = _chain(archived, captures, merged)
    if merged.versions_new == 0:
        return merged
    _renumber(session, chain, merged)
    previous: Version | None = None
    for number, entry in enumerate(chain, start=1):
        if entry.capture is not None:
            version = _imported(session, article.id, number, entry.capture, previous)
            session.add(version)
            entry.version = version
        elif previous is not None and (previous_entry := chain[number - 2]).capture is not None:
            _relabel(entry.version, previous_entry.version)
        previous = entry.version
    session.flush()
    newest = chain[-1]
    if newest.capture is not None:  # the latest state known is a capture: its address
        article.url = newest.capture.url
        article.last_changed_at = max(article.last_changed_at, newest.at)
        # The validators of the last fetch belong to a state that is no longer the latest:
        # a 304 or the same bytes at the next revisit must not pass for "still the capture".
        article.etag = article.last_modified = article.raw_sha256 = None
    article.first_seen_at = min(article.first_seen_at, chain[0].at)
    return merged


def _ensure_article(
    session: Session, url_key: str, captures: list[Capture], source_id: int | None
) -> bool:
    """Create the article for *url_key* unless it exists; whether it was created."""
    exists = session.scalar(select(Article.id).where(Article.url_key == url_key))
    if exists is not None:
        return False
    first, last = captures[0], captures[-1]
    insert_ignore(
        session,
        Article,
        {
            "url_key": url_key,
            "url": last.url,
            "source_id": source_id,
            "first_seen_at": first.at,
            "last_checked_at": last.at,
            "last_changed_at": last.at,
            # A source's next revisit checks the live page; an article of no source waits.
            "next_check_at": utcnow() if source_id is not None else None,
            "state": "live",
        },
        conflict=["url_key"],
    )
    return True


def _chain(archived: list[Version], captures: list[Capture], merged: Merged) -> list[_Entry]:
    """The article's states in time order, each differing from the one before it."""
    entries = [_Entry(v.first_seen_at, v.content_hash, v.blob_sha256, version=v) for v in archived]
    entries += [_Entry(c.at, c.content.content_hash, sha256(c.raw), capture=c) for c in captures]
    # At the same moment an archived version comes first: a capture repeating it is the
    # same state seen again (this is what makes a second import change nothing). The sort
    # is stable: archived versions of one moment (an edit stored right after the re-reading
    # of its predecessor) keep their order.
    entries.sort(key=lambda e: (e.at, e.capture is not None))
    chain: list[_Entry] = []
    for entry in entries:
        last = chain[-1] if chain else None
        both_archived = last is not None and last.capture is None and entry.capture is None
        repeats = last is not None and (
            last.content_hash == entry.content_hash or last.raw_sha256 == entry.raw_sha256
        )
        if last is None or not repeats or both_archived:
            chain.append(entry)
        elif entry.capture is None:  # an archived version repeating a capture keeps its place
            chain[-1] = entry
            merged.unchanged += 1
        else:
            merged.unchanged += 1
    merged.versions_new = sum(entry.capture is not None for entry in chain)
    return chain


def _renumber(session: Session, chain: list[_Entry], merged: Merged) -> None:
    """Give the archived versions their numbers in the merged chain, ids kept (the session's
    objects follow the UPDATEs)."""
    moves = {
        entry.version.id: number
        for number, entry in enumerate(chain, start=1)
        if entry.version is not None and entry.version.number != number
    }
    if not moves:
        return
    merged.renumbered = len(moves)
    ids = list(moves)
    session.execute(
        update(Version).where(Version.id.in_(ids)).values(number=Version.number + _ASIDE)
    )
    for version_id, number in moves.items():
        session.execute(update(Version).where(Version.id == version_id).values(number=number))


def _fields(version: Version | Content) -> dict[str, Any]:
    return {name: getattr(version, name) for name in VERSION_FIELDS}


def _imported(
    session: Session, article_id: int, number: int, capture: Capture, previous: Version | None
) -> Version:
    content = capture.content
    if previous is None:
        changed: list[str] = []
        significance = history.SUBSTANTIVE
    else:
        changed = changed_fields(_fields(previous), content.version_fields())
        significance = history.significance(_fields(previous), content.version_fields())
    return Version(
        article_id=article_id,
        number=number,
        first_seen_at=capture.at,
        content_hash=content.content_hash,
        simhash=content.simhash,
        **content.columns(),
        changed=changed,
        cause=history.IMPORT,
        silent=None,
        significance=significance,
        extractor=capture.extractor,
        url=capture.url,
        blob_sha256=put_blob(session, capture.raw, capture.encoding),
        http_status=capture.http_status,
        http_headers=[list(pair) for pair in capture.http_headers] or None,
    )


def _relabel(version: Version | None, previous: Version | None) -> None:
    """Label an archived *version* against the imported one now before it."""
    if version is None or previous is None:
        return
    fields = _fields(version)
    version.changed = changed_fields(_fields(previous), fields)
    version.significance = history.significance(_fields(previous), fields)
    if version.cause in (history.FIRST, history.EDIT):  # an edit of the imported state now
        version.cause = history.EDIT
        version.silent = history.silent(previous.modified_at, version.modified_at)
