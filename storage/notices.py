"""The outbox: what is announced, written in the transaction of what it announces.

A new version of an article, an article gone, a source's health changing: each writes one
notice row in the same transaction as the version, the check or the health it announces, so
a notice exists exactly when its event does. Its key names the event ("version_new:1234"),
so a write repeated after a kill announces nothing twice. Notices are sent after commit by
whoever sends them (schedules.notify), to each configured target, and marked sent there.

The payload is the webhook's body (README, "Notifications"):
``{"id", "event", "source", "at", "url", "version", "changed", "summary", "diff", "health",
"problems"}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from storage.diff import diff_text
from storage.insert_ignore import insert_ignore
from storage.models import Notice, NoticeDelivery, NotifyTarget, Source, utcnow

VERSION_NEW = "version_new"
ARTICLE_GONE = "article_gone"
SOURCE_FAILING = "source_failing"
SOURCE_DEGRADED = "source_degraded"
SOURCE_RECOVERED = "source_recovered"
EVENTS = (VERSION_NEW, ARTICLE_GONE, SOURCE_FAILING, SOURCE_DEGRADED, SOURCE_RECOVERED)
# The longest word diff a notice carries.
MAX_DIFF = 2000
# Words of unchanged text shown on each side of a change.
CONTEXT_CHARS = 40


def _source_name(session: Session, source_id: int | None) -> str | None:
    if source_id is None:
        return None
    return session.scalars(select(Source.name).where(Source.id == source_id)).first()


def _write(
    session: Session, key: str, event: str, source_id: int | None, payload: dict[str, Any]
) -> None:
    now = utcnow()
    insert_ignore(
        session,
        Notice,
        {
            "key": key,
            "event": event,
            "source_id": source_id,
            "created_at": now,
            "payload": {"event": event, "at": now.isoformat(), **payload},
        },
        conflict=["key"],
    )


def short_diff(old: str, new: str, limit: int = MAX_DIFF) -> str:
    """The changes between two texts, ``[-old-]{+new+}`` with a little context each,
    at most *limit* characters."""
    parts: list[str] = []
    chunks = diff_text(old, new)
    for index, chunk in enumerate(chunks):
        if chunk.op == "equal":
            continue
        before = (
            chunks[index - 1].new[-CONTEXT_CHARS:]
            if index and chunks[index - 1].op == "equal"
            else ""
        )
        after = (
            chunks[index + 1].new[:CONTEXT_CHARS]
            if index + 1 < len(chunks) and chunks[index + 1].op == "equal"
            else ""
        )
        marked = (f"[-{chunk.old.strip()}-]" if chunk.old.strip() else "") + (
            f"{{+{chunk.new.strip()}+}}" if chunk.new.strip() else ""
        )
        parts.append(" ".join(f"{before.lstrip()}{marked}{after.rstrip()}".split()))
    text = " … ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def announce_version(
    session: Session,
    *,
    version_id: int,
    source_id: int | None,
    url: str,
    number: int,
    title: str | None,
    changed: Sequence[str],
    old_text: str,
    new_text: str,
) -> None:
    """A new version (2 and up) of an article: an edit."""
    fields = ", ".join(changed) or "content"
    _write(
        session,
        f"{VERSION_NEW}:{version_id}",
        VERSION_NEW,
        source_id,
        {
            "source": _source_name(session, source_id),
            "url": url,
            "version": number,
            "changed": list(changed),
            "summary": f"{title or url} changed ({fields}): version {number}",
            "diff": short_diff(old_text, new_text) if "text" in changed else "",
            "health": None,
            "problems": [],
        },
    )


def announce_gone(
    session: Session,
    *,
    article_id: int,
    source_id: int | None,
    url: str,
    status: int | None,
    at: datetime,
) -> None:
    """An article that was live is gone (404, 410)."""
    answer = f"HTTP {status}" if status else "no longer there"
    _write(
        session,
        f"{ARTICLE_GONE}:{article_id}:{at.isoformat()}",
        ARTICLE_GONE,
        source_id,
        {
            "source": _source_name(session, source_id),
            "url": url,
            "version": None,
            "changed": [],
            "summary": f"{url} is gone ({answer})",
            "diff": "",
            "health": None,
            "problems": [],
        },
    )


def announce_health(
    session: Session,
    source_id: int,
    source: str,
    event: str,
    health: str,
    problems: Sequence[str],
    run_id: int | None,
) -> None:
    """A source's health changed (storage.health.refresh)."""
    said = {
        SOURCE_FAILING: "is failing",
        SOURCE_DEGRADED: "is degraded",
        SOURCE_RECOVERED: "has recovered",
    }[event]
    detail = f": {'; '.join(problems)}" if problems else ""
    _write(
        session,
        f"{event}:{source}:{run_id}",
        event,
        source_id,
        {
            "source": source,
            "url": None,
            "version": None,
            "changed": [],
            "summary": f"{source} {said}{detail}",
            "diff": "",
            "health": health,
            "problems": list(problems),
        },
    )


# -- delivery -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """A notice due to be sent to one target."""

    id: int
    event: str
    payload: dict[str, Any]
    attempts: int

    @property
    def body(self) -> dict[str, Any]:
        return {"id": self.id, **self.payload}


def register_targets(session: Session, targets: Iterable[str]) -> None:
    """Record targets seen for the first time: they get the notices from now on, not the
    archive's history."""
    wanted = list(targets)
    if not wanted:
        return
    first = (session.scalar(select(func.max(Notice.id))) or 0) + 1
    now = utcnow()
    rows = [{"target": t, "first_notice_id": first, "created_at": now} for t in wanted]
    insert_ignore(session, NotifyTarget, rows, conflict=["target"])


def pending(
    session: Session,
    target: str,
    *,
    events: Iterable[str],
    sources: Iterable[str] | None,
    now: datetime,
    limit: int = 100,
) -> list[Pending]:
    """The notices *target* is due to be sent, oldest first; none before it was registered,
    none sent already, none whose next try is still to come."""
    first = session.scalar(
        select(NotifyTarget.first_notice_id).where(NotifyTarget.target == target)
    )
    if first is None:
        return []
    # A notice waiting for its next try holds back the ones after it: each target gets its
    # notices in order.
    held = session.scalar(
        select(func.min(NoticeDelivery.notice_id)).where(
            NoticeDelivery.target == target,
            NoticeDelivery.sent_at.is_(None),
            NoticeDelivery.next_attempt_at > now,
        )
    )
    query = (
        select(Notice.id, Notice.event, Notice.payload, NoticeDelivery.attempts)
        .outerjoin(
            NoticeDelivery,
            and_(NoticeDelivery.notice_id == Notice.id, NoticeDelivery.target == target),
        )
        .where(
            Notice.id >= first,
            Notice.event.in_(list(events)),
            NoticeDelivery.sent_at.is_(None),
            or_(NoticeDelivery.id.is_(None), NoticeDelivery.next_attempt_at <= now),
        )
        .order_by(Notice.id)
        .limit(limit)
    )
    if held is not None:
        query = query.where(Notice.id < held)
    if sources is not None:
        query = query.join(Source, Source.id == Notice.source_id).where(
            Source.name.in_(list(sources))
        )
    return [
        Pending(row.id, row.event, dict(row.payload), row.attempts or 0)
        for row in session.execute(query)
    ]


def _delivery(session: Session, notice_id: int, target: str, now: datetime) -> NoticeDelivery:
    insert_ignore(
        session,
        NoticeDelivery,
        {"notice_id": notice_id, "target": target, "attempts": 0, "next_attempt_at": now},
        conflict=["notice_id", "target"],
    )
    return session.scalars(
        select(NoticeDelivery)
        .where(NoticeDelivery.notice_id == notice_id, NoticeDelivery.target == target)
        .with_for_update()
    ).one()


def mark_sent(session: Session, notice_id: int, target: str) -> None:
    now = utcnow()
    delivery = _delivery(session, notice_id, target, now)
    delivery.attempts += 1
    delivery.sent_at = now
    delivery.last_error = None


def mark_failed(
    session: Session, notice_id: int, target: str, error: str, *, backoff: timedelta
) -> None:
    now = utcnow()
    delivery = _delivery(session, notice_id, target, now)
    delivery.attempts += 1
    delivery.next_attempt_at = now + backoff
    delivery.last_error = error[:500]


def backlog(
    session: Session, target: str, *, events: Iterable[str], sources: Iterable[str] | None
) -> int:
    """How many notices *target* has still to be sent (due now or later)."""
    far = utcnow() + timedelta(days=36500)
    return len(pending(session, target, events=events, sources=sources, now=far, limit=100_000))
