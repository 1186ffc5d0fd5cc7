"""Full-text search over every version, one function for SQLite (FTS5) and Postgres (tsvector).

The query language is small and the same on both: words (all must match), "quoted phrases",
OR between two alternatives, and -word (or NOT word) to exclude. It is parsed here, and each
word or phrase reaches the database as a bound parameter only: FTS5 gets a MATCH expression
built of quoted strings, Postgres a tsquery built with plainto_tsquery/phraseto_tsquery.

By default each article's latest version is searched, and one result per article comes back;
``all_versions`` searches every version, so that a phrase that was edited out is found in the
versions that had it. Results are ranked: a match in the title weighs more than one in the
byline, which weighs more than one in the body; a query that matches more than RANKED
versions is ranked among its RANKED newest matches, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, column, func, literal_column, select, table
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from storage.errors import ArchiveError
from storage.models import Article, Source, Version

# The highlight around matched words in snippets.
MARK_START, MARK_END = "**", "**"
# FTS5 bm25 weights of the title, author and text columns.
SQLITE_WEIGHTS = (10.0, 3.0, 1.0)
_TOKEN = re.compile(r'"[^"]*"|\S+')


class BadQuery(ArchiveError):
    """The search query cannot be understood; the message says why."""


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False


@dataclass(frozen=True)
class Query:
    """Clauses that must all match, each a set of alternatives; and terms to exclude."""

    clauses: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]


OR, NOT = "or", "not"
_OPERATORS = {"OR": OR, "NOT": NOT, "-": NOT}


def _tokens(query: str) -> list[str | Term]:
    """Operators (OR, NOT) and terms; "-word" is NOT followed by the word."""
    tokens: list[str | Term] = []
    for raw in _TOKEN.findall(query):
        if raw in _OPERATORS:
            tokens.append(_OPERATORS[raw])
            continue
        if raw.startswith("-"):
            tokens.append(NOT)
        term = _term(raw.removeprefix("-"))
        if term is not None:  # punctuation alone is nothing a search index holds
            tokens.append(term)
    return tokens


def parse_query(query: str) -> Query:
    """Parse the search language; raise BadQuery with a one-line reason."""
    if query.count('"') % 2:
        raise BadQuery(f"unbalanced quotes in {query!r}")
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    pending: str | None = None
    for token in _tokens(query):
        if isinstance(token, str):
            if pending is not None or (token == OR and not clauses):
                raise BadQuery(f"{token.upper()} needs a word on each side in {query!r}")
            pending = token
        elif pending == NOT:
            excluded.append(token)
        elif pending == OR:
            clauses[-1].append(token)
        else:
            clauses.append([token])
        if not isinstance(token, str):
            pending = None
    if pending is not None:
        raise BadQuery(f"{pending.upper()} needs a word after it in {query!r}")
    if not clauses:
        raise BadQuery(f"nothing to search for in {query!r}")
    return Query(tuple(tuple(c) for c in clauses), tuple(excluded))


def _term(token: str) -> Term | None:
    phrase = token.startswith('"')
    words = token.strip('"').split()
    if not any(re.search(r"\w", word) for word in words):
        return None
    return Term(" ".join(words), phrase=phrase or len(words) > 1)


def _fts5(query: Query) -> str:
    """The FTS5 MATCH expression: every term a quoted string, so nothing is an operator."""

    def quoted(term: Term) -> str:
        return '"' + term.text.replace('"', '""') + '"'

    def clause(terms: tuple[Term, ...]) -> str:
        inner = " OR ".join(quoted(term) for term in terms)
        return f"({inner})" if len(terms) > 1 else inner

    expression = " AND ".join(clause(c) for c in query.clauses)
    for term in query.excluded:
        expression = f"({expression}) NOT {quoted(term)}"
    return expression


def _tsquery(query: Query) -> ColumnElement[Any]:
    """The Postgres tsquery, built from bound parameters."""

    def one(term: Term) -> ColumnElement[Any]:
        build = func.phraseto_tsquery if term.phrase else func.plainto_tsquery
        built: ColumnElement[Any] = build(SIMPLE, term.text)
        return built

    def either(terms: tuple[Term, ...]) -> ColumnElement[Any]:
        result = one(terms[0])
        for term in terms[1:]:
            result = func.tsquery_or(result, one(term))
        return result

    combined = either(query.clauses[0])
    for terms in query.clauses[1:]:
        combined = func.tsquery_and(combined, either(terms))
    for term in query.excluded:
        combined = func.tsquery_and(combined, func.tsquery_not(one(term)))
    return combined


@dataclass(frozen=True)
class Hit:
    url: str
    title: str | None
    version: int
    first_seen_at: datetime
    published_at: datetime | None
    snippet: str
    score: float

    def as_json(self) -> dict[str, Any]:
        """The ``search --json`` contract."""
        return {
            "url": self.url,
            "title": self.title,
            "version": self.version,
            "first_seen_at": self.first_seen_at.isoformat(),
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "snippet": self.snippet,
            "score": round(self.score, 6),
        }


@dataclass(frozen=True)
class Results:
    """The hits of a search, best first; ``ranked_among`` is set when the query matched more
    versions than were ranked: the hits are then the best of that many newest matches."""

    hits: list[Hit]
    ranked_among: int | None = None


# How many matches are ranked at most, the newest ones. Ranking scores every match, and a
# common word matches a third of an archive: 350,000 versions of 1,000,000, a second or
# more to rank for a page of 20. A news archive's newest matches are the ones wanted; a
# narrower query (more words, a phrase, --since, --until) reaches the older ones.
RANKED = 1_000


def search(
    session: Session,
    query: str,
    *,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    all_versions: bool = False,
    limit: int = 20,
    ranked: int | None = None,
) -> Results:
    """Versions matching *query*, best first, among its *ranked* (RANKED) newest matches."""
    ranked = ranked or RANKED
    parsed = parse_query(query)
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        matching = (
            select(FTS_ROWID.label("id"))
            .select_from(FTS)
            .join(Version, Version.id == FTS_ROWID)
            .where(_fts5_match(parsed))
        )
    else:
        matching = select(Version.id).where(SEARCH_VECTOR.op("@@")(_tsquery(parsed)))
    id_ = matching.selected_columns.id
    if source is not None:
        matching = (
            matching.join(Article, Article.id == Version.article_id)
            .join(Source, Source.id == Article.source_id)
            .where(Source.name == source)
        )
    if since is not None:
        matching = matching.where(Version.first_seen_at >= since)
    if until is not None:
        matching = matching.where(Version.first_seen_at < until)
    if not all_versions:
        newer = aliased(Version)
        matching = matching.where(
            ~select(newer.id)
            .where(newer.article_id == Version.article_id, newer.number > Version.number)
            .exists()
        )
    if sqlite:
        # The newest matches in the full-text index's own order (its rowids are the
        # versions' ids), scored in the same statement: bm25() belongs to the one that matches.
        newest = matching.add_columns(_sqlite_score()).order_by(id_.desc()).limit(ranked)
        scored = [(row_id, float(score)) for row_id, score in session.execute(newest)]
    else:
        scored = _postgres_newest(session, matching, parsed, ranked)
    best = sorted(scored, key=lambda row: (-row[1], row[0]))[:limit]
    scores = dict(best)
    shown = {
        row.id: row
        for row in session.execute(
            select(
                Version.id,
                Article.url,
                Version.title,
                Version.number,
                Version.first_seen_at,
                Version.published_at,
            )
            .join(Article, Article.id == Version.article_id)
            .where(Version.id.in_(scores))
        )
    }
    # Snippets only for the rows shown, in a second query: making one costs far more than
    # ranking a row, and SQLite would otherwise match the whole index again to join them.
    snippets = _snippets(session, parsed, list(scores), sqlite=sqlite)
    hits = [
        Hit(
            url=shown[row_id].url,
            title=shown[row_id].title,
            version=shown[row_id].number,
            first_seen_at=shown[row_id].first_seen_at,
            published_at=shown[row_id].published_at,
            snippet=" ".join(snippets.get(row_id, "").split()),
            score=score,
        )
        for row_id, score in scores.items()
    ]
    return Results(hits, ranked if len(scored) == ranked else None)


def _snippets(session: Session, query: Query, ids: list[int], *, sqlite: bool) -> dict[int, str]:
    if not ids:
        return {}
    if sqlite:
        statement = (
            select(FTS_ROWID, _sqlite_snippet(query))
            .select_from(FTS)
            .where(_fts5_match(query), FTS_ROWID.in_(ids))
        )
    else:
        statement = select(Version.id, _postgres_snippet(query)).where(Version.id.in_(ids))
    return {row_id: snippet or "" for row_id, snippet in session.execute(statement)}


FTS = table("versions_fts", column("rowid"), column("versions_fts"))
FTS_ROWID = FTS.c.rowid
SIMPLE: ColumnElement[Any] = literal_column("'simple'")


def _fts5_match(query: Query) -> ColumnElement[bool]:
    return FTS.c.versions_fts.op("MATCH")(_fts5(query))


def _sqlite_score() -> ColumnElement[Any]:
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    return literal_column(f"-bm25(versions_fts, {weights})").label("score")


def _sqlite_snippet(query: Query) -> ColumnElement[Any]:
    # Column -1: FTS5 picks the column with the best match (the title, the byline or the body).
    return literal_column(f"snippet(versions_fts, -1, '{MARK_START}', '{MARK_END}', '…', 16)")


SEARCH_VECTOR: ColumnElement[Any] = literal_column("versions.search")


# Postgres finds a query's newest matches by walking the versions' primary key backwards
# when it expects many, and it expects many for a phrase of a common word and a rare one:
# the walk then reads every version (27 s at 1,000,000). So the walk covers the newest
# WINDOW versions only; when fewer than enough match there, the matches come from the text
# index and are sorted ("id + 0": no index has that order, so nothing walks).
WINDOW = 50_000


def _postgres_newest(
    session: Session, matching: Select[tuple[int]], query: Query, ranked: int
) -> list[tuple[int, float]]:
    """The ids and scores of the *ranked* newest versions *matching* finds."""

    def scored(candidates: Select[tuple[int]]) -> list[tuple[int, float]]:
        found = candidates.limit(ranked).subquery()
        score = _postgres_score(query)
        rows = session.execute(select(found.c.id, score).join(Version, Version.id == found.c.id))
        return [(row_id, float(value)) for row_id, value in rows]

    top = session.scalar(select(func.max(Version.id))) or 0
    recent = scored(matching.where(Version.id > top - WINDOW).order_by(Version.id.desc()))
    if len(recent) == ranked:
        return recent
    return scored(matching.order_by((Version.id + 0).desc()))


def _postgres_score(query: Query) -> ColumnElement[Any]:
    score: ColumnElement[Any] = func.ts_rank_cd(SEARCH_VECTOR, _tsquery(query))
    return score


def _postgres_snippet(query: Query) -> ColumnElement[Any]:
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=8"
    headline: ColumnElement[Any] = func.ts_headline(SIMPLE, Version.text, _tsquery(query), options)
    return headline
