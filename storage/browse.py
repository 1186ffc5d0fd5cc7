"""What the viewer lists besides what the command line shows: an article's addresses, a
source's articles, and recent changes across the archive. Reads only, each one query
ordered by an index and cut to a page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from storage import history
from storage.diff import Chunk, FieldChange, Op, diff_text
from storage.models import Article, ArticleURL, Source, Version
from storage.queries import find_article


def aliases(session: Session, url: str) -> list[str]:
    """Every address the article at *url* (any of them) was seen at, first seen first."""
    article = find_article(session, url)
    return list(
        session.scalars(
            select(ArticleURL.url)
            .where(ArticleURL.article_id == article.id)
            .order_by(ArticleURL.first_seen_at, ArticleURL.id)
        )
    )


@dataclass(frozen=True)
class ArticleRow:
    url: str
    title: str | None
    state: str
    last_changed_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "state": self.state,
            "last_changed_at": self.last_changed_at.isoformat(),
        }


def source_articles(
    session: Session, source: str, *, limit: int = 50, offset: int = 0
) -> list[ArticleRow]:
    """A source's articles, the most recently changed first, with their latest title."""
    latest = (
        select(Version.title)
        .where(Version.article_id == Article.id)
        .order_by(Version.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    source_id = session.scalar(select(Source.id).where(Source.name == source))
    if source_id is None:
        return []
    # By the source's id rather than a join on its name: Postgres then plans for this
    # source's articles, and can walk an index on (source_id, last_changed_at, id) backwards
    # for a page instead of sorting all of them.
    rows = session.execute(
        select(Article.url, latest, Article.state, Article.last_changed_at)
        .where(Article.source_id == source_id)
        .order_by(Article.last_changed_at.desc(), Article.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [ArticleRow(*row) for row in rows]


# -- recent changes -------------------------------------------------------------------------

# A page of changes (the viewer's pages and feeds show no more).
CHANGES_LIMIT = 50
# How long a change's gist is at most, and the words of unchanged text shown around it.
GIST_CHARS = 160
GIST_CONTEXT_WORDS = 6


@dataclass(frozen=True)
class Change:
    """A version of an article with what it changed from the version before it (a first
    version: everything inserted)."""

    id: int  # the version's id: the order of the changes, and their pages' cursor
    url: str
    url_key: str
    source: str | None
    number: int
    first_seen_at: datetime
    title: str | None
    author: str | None
    # The fields that changed from the version before, as stored with the version.
    changed: tuple[str, ...]
    # Why the version exists and what kind of change it is (storage.history).
    cause: str
    silent: bool | None
    significance: str
    # Title and byline before and after, when they changed.
    fields: tuple[FieldChange, ...]
    text: str = field(repr=False)
    old_text: str = field(repr=False)  # "" for a first version

    @property
    def body(self) -> tuple[Chunk, ...]:
        """The word diff of the body (storage.diff.diff_text), computed on each call."""
        return diff_text(self.old_text, self.text)

    @property
    def gist(self) -> tuple[Chunk, ...]:
        """The start of the change on one line: a few words before it, then what was
        deleted and inserted, each chunk ``equal``, ``delete`` or ``insert``, at most
        GIST_CHARS characters in all; from the body, or else the title or byline."""
        found = gist(opening(self.old_text, self.text))
        for change in self.fields:
            found = found or gist(diff_text(change.old or "", change.new or ""))
        return found

    @property
    def why(self) -> str:
        """Why the version exists, in a few words (storage.history.describe)."""
        return history.describe(self.cause, self.silent, self.significance)

    @property
    def gist_text(self) -> str:
        """The gist as the command line marks changes: ``[-deleted-]{+inserted+}``."""
        marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
        return "".join(marks[c.op].format(c.new or c.old) for c in self.gist)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "source": self.source,
            "version": self.number,
            "first_seen_at": self.first_seen_at.isoformat(),
            "title": self.title,
            "changed": list(self.changed),
            "cause": self.cause,
            "silent": self.silent,
            "significance": self.significance,
            "gist": self.gist_text,
        }


def opening(old: str, new: str) -> tuple[Chunk, ...]:
    """The first change of diff_text(old, new) and the paragraph after it, found cheaply
    enough for a page of gists: of a stretch of paragraphs replaced, only the first old and
    the first new one are compared word by word, the rest shown deleted and inserted."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            continue
        if op == "replace":
            chunks = list(diff_text(a[i1], b[j1]))
            rest = Chunk("replace", "".join(a[i1 + 1 : i2]), "".join(b[j1 + 1 : j2]))
            chunks.extend([rest] if rest.old or rest.new else [])
        else:
            chunks = [Chunk(op, "".join(a[i1:i2]), "".join(b[j1:j2]))]
        if index + 1 < len(opcodes) and opcodes[index + 1][0] == "equal":
            after = b[opcodes[index + 1][3]]
            chunks.append(Chunk("equal", after, after))
        return tuple(chunks)
    return ()


def gist(chunks: tuple[Chunk, ...], limit: int = GIST_CHARS) -> tuple[Chunk, ...]:
    """The first changes of a diff on one line (see Change.gist); nothing when nothing
    changed."""
    start = next((i for i, chunk in enumerate(chunks) if chunk.op != "equal"), None)
    if start is None:
        return ()
    line: list[Chunk] = []
    left = limit
    pieces = _pieces(chunks, start)
    for index, (op, piece) in enumerate(pieces):
        last = index == len(pieces) - 1
        text = _elide(piece, first=index == 0, last=last) if op == "equal" else piece
        text = text.lstrip() if not line else text
        text = text.rstrip() if last else text
        if not text:
            continue
        if len(text) > left:
            text = text[: max(left - 1, 0)].rstrip() + "…"
        line.append(_piece(op, text))
        left -= len(text)
        if left <= 0:
            break
    return tuple(line)


def _pieces(chunks: tuple[Chunk, ...], start: int) -> list[tuple[Op, str]]:
    """The chunks from the first change at *start* as equal, deleted and inserted text on
    one line, after a little of the paragraph before the change."""
    # Context from the changed paragraph only: what precedes its last line break is another
    # paragraph.
    before = chunks[start - 1].new.rsplit("\n", 1)[-1] if start else ""
    pieces: list[tuple[Op, str]] = [("equal", before)]
    for chunk in chunks[start:]:
        if chunk.op == "equal":
            pieces.append(("equal", chunk.new))
            continue
        if chunk.old:
            pieces.append(("delete", chunk.old))
        if chunk.new:
            pieces.append(("insert", chunk.new))
    merged: list[tuple[Op, str]] = []
    for op, text in pieces:
        flat = _SPACES.sub(" ", text)
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + flat)
        elif flat:
            merged.append((op, flat))
    return merged


_SPACES = re.compile(r"\s+")


def _elide(text: str, *, first: bool, last: bool) -> str:
    """Unchanged text between changes, cut to a few words on each side of the changes."""
    words = text.split(" ")
    keep = GIST_CONTEXT_WORDS + 1  # the space at the edge of a change splits off a "" word
    if first and len(words) > keep:
        return "… " + " ".join(words[-keep:])
    if last and len(words) > keep:
        return " ".join(words[:keep]) + " …"
    if not (first or last) and len(words) > 2 * keep:
        return " ".join(words[:keep]) + " … " + " ".join(words[-keep:])
    return text


def _piece(op: Op, text: str) -> Chunk:
    return Chunk(op, "" if op == "insert" else text, "" if op == "delete" else text)


_previous = aliased(Version)
_COLUMNS = (
    Version.id,
    Article.url,
    Article.url_key,
    Source.name,
    Version.number,
    Version.first_seen_at,
    Version.title,
    Version.author,
    Version.changed,
    Version.cause,
    Version.silent,
    Version.significance,
    Version.text,
    _previous.title,
    _previous.author,
    _previous.text,
)


def _change(row: Sequence[Any]) -> Change:
    (id_, url, key, source, number, seen, title, author, changed) = row[:9]
    cause, silent, significance, text = row[9:13]
    old_title, old_author, old_text = row[13:]
    first = number == 1
    fields = tuple(
        FieldChange(name, None if first else old, new)
        for name, old, new in (("title", old_title, title), ("author", old_author, author))
        if first or old != new
    )
    return Change(
        id_,
        url,
        key,
        source,
        number,
        seen,
        title,
        author,
        tuple(changed or ()),
        cause,
        silent,
        significance,
        fields,
        text,
        old_text or "",
    )


def recent_changes(
    session: Session,
    *,
    source: str | None = None,
    before: int | None = None,
    limit: int = CHANGES_LIMIT,
    since: datetime | None = None,
    silent: bool = False,
    substantive: bool = False,
) -> list[Change]:
    """The latest changes across the archive (versions 2 and up; a new reading of an
    unchanged page, cause ``extractor``, is not a change of it), newest first: those of
    *source* only, when given; those before the version with id *before* (the next page),
    when given; those first seen at or after *since*; only the *silent* ones, only the
    *substantive* ones (storage.history); at most *limit*.

    The versions' primary key is walked backwards: the newest versions are read first, and
    the walk stops at *limit* changes, whatever the size of the archive. A source's changes
    are found on the same walk by Postgres, which weighs it against the source's index
    itself. SQLite has no statistics to weigh them: a source's changes are looked for among
    the newest WALK versions first, which hold a page of them when the source is a busy one;
    otherwise (a small source, a quiet one, an old page) the ids of its changes are read
    from the indexes of its articles and their versions, and only the page of them is read
    whole. (Versions have no index by source: an unbounded walk would read most of the
    archive for a page of a quiet source.)
    """
    limit = max(1, limit)
    query = (
        select(*_COLUMNS)
        .join(Article, Article.id == Version.article_id)
        .join(
            _previous,
            and_(
                _previous.article_id == Version.article_id,
                _previous.number == Version.number - 1,
            ),
        )
        .outerjoin(Source, Source.id == Article.source_id)
        .order_by(Version.id.desc())
        .limit(limit)
    )
    filters = [Version.number > 1, Version.cause != history.EXTRACTOR]
    if before is not None:
        filters.append(Version.id < before)
    if since is not None:
        filters.append(Version.first_seen_at >= since)
    if silent:
        filters.append(Version.silent.is_(True))
    if substantive:
        filters.append(Version.significance == history.SUBSTANTIVE)
    query = query.where(*filters)
    if source is None:
        return [_change(row) for row in session.execute(query)]
    source_id = session.scalar(select(Source.id).where(Source.name == source))
    if source_id is None:
        return []
    if session.get_bind().dialect.name != "sqlite":
        # Postgres has the statistics to weigh the walk against the source's index itself.
        return [
            _change(row) for row in session.execute(query.where(Article.source_id == source_id))
        ]
    if not _few_articles(session, source_id):
        newest = before - 1 if before is not None else session.scalar(select(func.max(Version.id)))
        # "+ 0": no index by source for SQLite to start from, so that it stays on the walk.
        walked = query.where(Article.source_id + 0 == source_id, Version.id > (newest or 0) - WALK)
        found = [_change(row) for row in session.execute(walked)]
        if len(found) == limit:
            return found
    ids = (
        select(Version.id)
        .join(Article, Article.id == Version.article_id)
        .where(Article.source_id == source_id, *filters)
        .order_by(Version.id.desc())
        .limit(limit)
    )
    return [_change(row) for row in session.execute(query.where(Version.id.in_(ids)))]


# How many of the newest versions a source's changes are looked for among first.
WALK = 5_000
# A source with fewer than this share of the archive's articles is read from its indexes.
FEW_ARTICLES = 1 / 500


def _few_articles(session: Session, source_id: int) -> bool:
    """Whether the source has few of the archive's articles (FEW_ARTICLES): counted on its
    index, up to that many, against the highest article id."""
    bound = max(1, int((session.scalar(select(func.max(Article.id))) or 0) * FEW_ARTICLES))
    some = select(Article.id).where(Article.source_id == source_id).limit(bound).subquery()
    return (session.scalar(select(func.count()).select_from(some)) or 0) < bound


def article_changes(session: Session, url: str, *, limit: int = CHANGES_LIMIT) -> list[Change]:
    """Every version of the article at *url* (any of its addresses), the first included,
    newest first, at most *limit*."""
    article = find_article(session, url)
    query = (
        select(*_COLUMNS)
        .join(Article, Article.id == Version.article_id)
        .outerjoin(Source, Source.id == Article.source_id)
        .outerjoin(
            _previous,
            and_(
                _previous.article_id == Version.article_id,
                _previous.number == Version.number - 1,
            ),
        )
        .where(Version.article_id == article.id)
        .order_by(Version.number.desc())
        .limit(max(1, limit))
    )
    return [_change(row) for row in session.execute(query)]
