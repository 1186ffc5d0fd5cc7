"""Bring the URL keys an archive stores in line with storage.urls.url_key after it changed.

Migrations call this (storage/migrations/versions): keys are data, and a new key function
leaves old rows under keys that nothing computes any more. An article's key is the key of its
address (`articles.url`: a page is stored under the key of the URL kept as its address), and
an alias row keeps the key of its own URL.

No article is ever merged into another here. An article moves to its new key only when no
other article holds it; otherwise it keeps its old key (counted and logged), and later
fetches of that address go to the article that holds the key.

An alias that shares its article's *old* key but not its *new* one was filed there only
because the old function merged two addresses (``/caf%E9`` under ``/caf%E8``'s article).
Left in place, it would keep its URL on the wrong article for good (an alias URL keeps its
first article), so it is detached: moved to the article that now holds its key, or dropped,
so that the next fetch of that URL files it under an article of its own. What was fetched
from it stays in the merged article's versions and checks, which record their URL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVarTuple

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    Select,
    Text,
    bindparam,
    column,
    delete,
    select,
    table,
    update,
)

from storage.urls import BadURL, url_key

logger = logging.getLogger(__name__)
Ts = TypeVarTuple("Ts")

BATCH = 1000
# How many of the articles left under their old key the log names.
NAMED = 10

# Only the columns read and written here: the tables may gain others in later revisions.
_articles = table("articles", column("id", Integer), column("url", Text), column("url_key", Text))
_aliases = table(
    "article_urls",
    column("id", Integer),
    column("url", Text),
    column("url_key", Text),
    column("article_id", Integer),
)


class Mover(NamedTuple):
    """An article whose key changes: its id (the order it is moved in), new key, address."""

    article_id: int
    key: str
    url: str


@dataclass
class Rekeyed:
    """What re-keying changed."""

    articles: int = 0  # moved to their new key
    kept: list[str] = field(default_factory=list)  # addresses left under their old key
    aliases: int = 0  # alias rows given their new key
    moved_aliases: int = 0  # detached aliases handed to the article holding their key
    dropped_aliases: int = 0  # detached aliases no article holds the key of


def _new_key(url: str) -> str | None:
    try:
        return url_key(url)
    except BadURL:  # not an address url_key accepts: leave its row as stored
        return None


def _rows(connection: Connection, query: Select[int, *Ts]) -> Iterator[Row[int, *Ts]]:
    """The rows of *query* (whose first column is the id), read in id order a batch at a
    time: an archive's tables do not fit in memory, nor in one fetch."""
    first = query.selected_columns[0]
    last = 0
    while True:
        batch = connection.execute(query.where(first > last).order_by(first).limit(BATCH)).all()
        if not batch:
            return
        yield from batch
        last = batch[-1][0]


def rekey(connection: Connection) -> Rekeyed:
    """Recompute every stored key with the current url_key, on *connection*'s transaction."""
    done = Rekeyed()
    articles, aliases = _articles.c, _aliases.c
    movers = []
    for article_id, url, stored in _rows(
        connection, select(articles.id, articles.url, articles.url_key)
    ):
        new = _new_key(url)
        if new is not None and new != stored:
            movers.append(Mover(article_id, new, url))

    rekeyed: list[dict[str, object]] = []
    detached: list[tuple[int, str, int]] = []
    with_articles = select(
        aliases.id, aliases.url, aliases.url_key, aliases.article_id, articles.url, articles.url_key
    ).join_from(_aliases, _articles, aliases.article_id == articles.id)
    for alias_id, url, stored, article_id, article_url, article_stored in _rows(
        connection, with_articles
    ):
        new = _new_key(url)
        if new is None:
            continue
        article_new = _new_key(article_url) if stored == article_stored else None
        if article_new is not None and new != article_new:
            detached.append((alias_id, new, article_id))
        elif new != stored:
            rekeyed.append({"alias_id": alias_id, "new_key": new})

    _move_articles(connection, movers, done)
    if rekeyed:
        connection.execute(
            update(_aliases)
            .where(aliases.id == bindparam("alias_id"))
            .values(url_key=bindparam("new_key")),
            rekeyed,
        )
        done.aliases = len(rekeyed)
    _detach(connection, detached, done)
    _log(done)
    return done


def _holder(connection: Connection, key: str) -> int | None:
    found = connection.scalar(select(_articles.c.id).where(_articles.c.url_key == key))
    return None if found is None else int(found)


def _move_articles(connection: Connection, movers: list[Mover], done: Rekeyed) -> None:
    """Give each article its new key when nobody holds it, oldest article first.

    In passes: an article whose new key is another's old key moves once that one moved on
    (a later pass), so no update ever meets the unique constraint.
    """
    pending = sorted(movers)
    while pending:
        blocked = []
        for mover in pending:
            if _holder(connection, mover.key) is None:
                connection.execute(
                    update(_articles)
                    .where(_articles.c.id == mover.article_id)
                    .values(url_key=mover.key)
                )
                done.articles += 1
            else:
                blocked.append(mover)
        if len(blocked) == len(pending):
            break
        pending = blocked
    done.kept = [mover.url for mover in pending]  # what no pass could move


def _detach(connection: Connection, detached: list[tuple[int, str, int]], done: Rekeyed) -> None:
    for alias_id, key, article_id in detached:
        holder = _holder(connection, key)
        row = _aliases.c.id == alias_id
        if holder == article_id:  # its own article kept the old key it shares
            continue
        if holder is None:
            connection.execute(delete(_aliases).where(row))
            done.dropped_aliases += 1
        else:
            connection.execute(update(_aliases).where(row).values(url_key=key, article_id=holder))
            done.moved_aliases += 1


def _log(done: Rekeyed) -> None:
    logger.info(
        "URL keys: %d articles and %d aliases re-keyed; %d aliases detached from an article "
        "they were filed under by the old key (%d moved to the article holding their key, "
        "%d dropped until their URL is fetched again)",
        done.articles,
        done.aliases,
        done.moved_aliases + done.dropped_aliases,
        done.moved_aliases,
        done.dropped_aliases,
    )
    if done.kept:
        logger.warning(
            "URL keys: %d articles keep their old key, because their new key belongs to "
            "another article (later fetches of the address go to that one): %s",
            len(done.kept),
            ", ".join(done.kept[:NAMED]) + (" ..." if len(done.kept) > NAMED else ""),
        )
