"""Migrations alone make the schema; a check fails when the models and migrations drift; data
migrations bring old archives in line (revision 0004: URL keys)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    insert,
    inspect,
    select,
    sql,
)
from sqlalchemy.orm import Session

from storage import ArchiveError, NotFound, migrate, queries
from storage.content import Content
from storage.engine import create_archive_engine
from storage.models import Article, ArticleURL, Base, UTCDateTime
from storage.records import Page, Reading
from storage.rekey import rekey
from storage.store import store_fetch
from storage.urls import url_key


def test_migrations_build_the_schema_and_match_the_models(empty_db_url: str) -> None:
    engine = create_archive_engine(empty_db_url)
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    migrate.upgrade(engine)  # idempotent
    assert migrate.current_revision(engine) == migrate.head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    migrate.check(engine)
    engine.dispose()


def test_the_drift_check_catches_a_model_without_migration(
    empty_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_archive_engine(empty_db_url)
    migrate.upgrade(engine)
    drifted = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    Table("unmigrated", drifted, Column("id", Integer, primary_key=True))
    monkeypatch.setattr(Base, "metadata", drifted)
    with pytest.raises(ArchiveError, match="drift"):
        migrate.check(engine)
    engine.dispose()


# An archive the old url_key (before revision 0004) filled: each article under the key it
# gave the article's address, each alias under the key it gave the alias. The old function
# decoded whole paths and queries: "%E8" and "%E9" both became "%EF%BF%BD", "%2F" became "/",
# "+" in a query became "%20"; it left dot segments alone.
OLD = "https://news.example"
OLD_ARCHIVE = [
    # (article address, its old key, [(alias, old key of the alias)])
    (  # /caf%E9 was fetched once, then /caf%E8 under the same key: one article for both
        "/caf%E8",
        "/caf%EF%BF%BD",
        [("/caf%E9", "/caf%EF%BF%BD"), ("/caf%E8?utm_source=rss", "/caf%EF%BF%BD")],
    ),
    ("/p/./q", "/p/./q", []),  # wants /p/q, which the next article leaves only when it moves
    ("/p%2Fq", "/p/q", []),
    ("/x/y", "/x/y", []),
    ("/x/./y", "/x/./y", []),  # wants /x/y: another article's, which stays
    ("/m/./n", "/m/./n", []),  # wants the free /m/n: the older of two takes it
    ("/m/../m/n", "/m/../m/n", []),  # wants /m/n too
    ("/s?q=a+b", "/s?q=a%20b", [("/s?q=a%20b", "/s?q=a%20b")]),
    ("/plain", "/plain", [("/plain/amp/", "/plain/amp/")]),  # an AMP copy: its own key
    ("/k%2Fl", "/k/l", [("/k/l", "/k/l")]),  # /k/l is the next article's address now
    ("/k/./l", "/k/./l", []),
]
# After revision 0004: address -> its article's key.
NEW_KEYS = {
    "/caf%E8": "/caf%E8",
    "/p/./q": "/p/q",
    "/p%2Fq": "/p%2Fq",
    "/x/y": "/x/y",
    "/x/./y": "/x/./y",  # kept: /x/y is the other article's
    "/m/./n": "/m/n",
    "/m/../m/n": "/m/../m/n",  # kept: /m/n went to the older article
    "/s?q=a+b": "/s?q=a+b",
    "/plain": "/plain",
    "/k%2Fl": "/k%2Fl",
    "/k/./l": "/k/l",
}
# After revision 0004: alias -> (its key, the address of its article); None: dropped.
NEW_ALIASES = {
    "/caf%E8": ("/caf%E8", "/caf%E8"),
    "/caf%E8?utm_source=rss": ("/caf%E8", "/caf%E8"),
    "/caf%E9": None,  # only the old key had it under /caf%E8; its next fetch files it anew
    "/p/./q": ("/p/q", "/p/./q"),
    "/p%2Fq": ("/p%2Fq", "/p%2Fq"),
    "/x/y": ("/x/y", "/x/y"),
    "/x/./y": ("/x/y", "/x/./y"),
    "/m/./n": ("/m/n", "/m/./n"),
    "/m/../m/n": ("/m/n", "/m/../m/n"),
    "/s?q=a+b": ("/s?q=a+b", "/s?q=a+b"),
    "/s?q=a%20b": None,
    "/plain": ("/plain", "/plain"),
    "/plain/amp/": ("/plain/amp/", "/plain"),
    "/k%2Fl": ("/k%2Fl", "/k%2Fl"),
    "/k/l": ("/k/l", "/k/./l"),  # handed to the article that holds its key now
    "/k/./l": ("/k/l", "/k/./l"),
}


def _fill_old_archive(engine: Engine) -> None:
    """Rows as the old key function wrote them, into a schema at revision 0003."""
    when = datetime(2026, 11, 1, tzinfo=UTC)
    articles = sql.table(
        "articles",
        *(sql.column(name, Text) for name in ("url", "url_key", "state")),
        *(sql.column(name, UTCDateTime()) for name in STAMPS),
    )
    aliases = sql.table(
        "article_urls",
        *(sql.column(name, Text) for name in ("url", "url_key")),
        sql.column("article_id", Integer),
        sql.column("first_seen_at", UTCDateTime()),
    )
    with engine.begin() as connection:
        for number, (url, key, extra) in enumerate(OLD_ARCHIVE, start=1):
            stamps = dict.fromkeys(STAMPS, when)
            connection.execute(
                insert(articles).values(url=OLD + url, url_key=OLD + key, state="live", **stamps)
            )
            rows = [(url, key), *extra]  # the store records each article's own address too
            connection.execute(
                insert(aliases),
                [
                    {
                        "url": OLD + a,
                        "url_key": OLD + k,
                        "article_id": number,
                        "first_seen_at": when,
                    }
                    for a, k in rows
                ],
            )


STAMPS = ("first_seen_at", "last_checked_at", "last_changed_at")


def test_revision_0004_rekeys_without_merging_articles(
    empty_db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_archive_engine(empty_db_url)
    migrate.upgrade(engine, "0003")
    _fill_old_archive(engine)
    with caplog.at_level(logging.INFO, logger="storage.rekey"):
        migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()

    with Session(engine) as session:
        keys = dict(session.execute(select(Article.url, Article.url_key)).all())
        assert keys == {OLD + url: OLD + key for url, key in NEW_KEYS.items()}
        ids = {article.id: article.url for article in session.scalars(select(Article))}
        aliases = {
            alias.url: (alias.url_key, ids[alias.article_id])
            for alias in session.scalars(select(ArticleURL))
        }
        assert aliases == {
            OLD + url: (OLD + found[0], OLD + found[1])
            for url, found in NEW_ALIASES.items()
            if found is not None
        }
        # Every address finds its own article, the kept ones too (by their exact URL).
        for url in NEW_KEYS:
            assert queries.find_article(session, OLD + url).url == OLD + url
        # A dropped alias leaves nothing under another address's article...
        with pytest.raises(NotFound):
            queries.find_article(session, OLD + "/caf%E9")
        # ...so that its next fetch makes it an article of its own.
        page = Page(
            url_key=url_key(OLD + "/caf%E9"),
            url=OLD + "/caf%E9",
            aliases=(),
            fetched_at=datetime(2026, 12, 3, tzinfo=UTC),
            status=200,
            raw=b"<html>Caf\xe9 Lumi\xe8re</html>",
        )
        reading = Reading(Content(title="Café Lumière", text="It reopened."), "latin-1", "test")
        assert store_fetch(session, page, reading).outcome == "article_new"
        assert queries.show(session, OLD + "/caf%E9").title == "Café Lumière"
        assert queries.find_article(session, OLD + "/caf%E8").url == OLD + "/caf%E8"

    kept = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert kept == [
        "URL keys: 2 articles keep their old key, because their new key belongs to another "
        f"article (later fetches of the address go to that one): {OLD}/x/./y, {OLD}/m/../m/n"
    ]
    assert any(
        "7 articles and 10 aliases re-keyed; 3 aliases detached" in r.getMessage()
        and "(1 moved to the article holding their key, 2 dropped" in r.getMessage()
        for r in caplog.records
    ), caplog.text
    engine.dispose()


def test_rekeying_an_archive_with_current_keys_changes_nothing(db_url: str) -> None:
    # What the store writes today, re-keyed again: nothing moves, nothing is detached.
    addresses = ["/caf%E9", "/caf%E8", "/a%2Fb", "/a/b", "/s?q=a+b", "/s?q=a%20b", "/x/y"]
    variants = {"/caf%E9": "/caf%e9?utm_source=rss", "/x/y": "/x/./y", "/a/b": "/a/b/amp/"}
    when = datetime(2026, 11, 1, tzinfo=UTC)
    engine = create_archive_engine(db_url)
    with engine.begin() as connection:
        for url in addresses:
            article_id = connection.scalar(
                insert(Article)
                .values(url=OLD + url, url_key=url_key(OLD + url), state="live")
                .values(dict.fromkeys(STAMPS, when))
                .returning(Article.id)
            )
            seen = [url, *([variants[url]] if url in variants else [])]
            connection.execute(
                insert(ArticleURL),
                [
                    {"url": OLD + u, "url_key": url_key(OLD + u), "article_id": article_id}
                    | {"first_seen_at": when}
                    for u in seen
                ],
            )
        before = connection.execute(select(ArticleURL.url, ArticleURL.url_key)).all()
        done = rekey(connection)
        after = connection.execute(select(ArticleURL.url, ArticleURL.url_key)).all()
    assert (done.articles, done.kept, done.aliases) == (0, [], 0)
    assert (done.moved_aliases, done.dropped_aliases) == (0, 0)
    assert sorted(after) == sorted(before)
    assert len(after) == len(addresses) + len(variants)
    engine.dispose()


def test_an_upgrade_says_so_and_a_backfill_how_far_it_got(
    db_url: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_archive_engine(db_url)
    migrate.upgrade(engine)
    with Session(engine) as session, session.begin():
        for n in range(3):
            url = f"https://example.org/{n}/"
            for hours, text in ((0, "One."), (1, "Two.")):
                page = Page(url, url, (), datetime(2026, 1, 1, hours, tzinfo=UTC), 200, b"x")
                store_fetch(session, page, Reading(Content(title="T", text=text), None, "test"))
    migrate.downgrade(engine, "0006")
    monkeypatch.setattr(migrate, "PROGRESS_EVERY", 1)
    with caplog.at_level(logging.INFO, logger="storage.migrate"):
        migrate.ensure_schema(engine)
    said = [r.getMessage() for r in caplog.records if r.name == "storage.migrate"]
    assert said[0].startswith("upgrading the archive's schema from revision 0006 to")
    assert said[1:] == [f"labelling earlier versions: {n} of 3 read" for n in (1, 2, 3)]
    with Session(engine) as session:
        causes = session.scalars(sql.text("SELECT cause FROM versions ORDER BY id")).all()
        assert causes == ["first", "edit"] * 3
    engine.dispose()
