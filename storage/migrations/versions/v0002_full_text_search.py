"""Full-text search over every version: SQLite FTS5, Postgres tsvector + GIN.

SQLite: an external-content FTS5 table (the text is not stored twice) kept in step with
`versions` by triggers, named and declared the way Datasette recognises (content="versions").
Postgres: a generated tsvector column weighting title over byline over body, with a GIN index.
Both tokenise without stemming (`unicode61`, the `simple` configuration): archives hold many
languages, and a search for a name should find that name.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE versions_fts USING fts5(
        title, author, text,
        content="versions", content_rowid="id",
        tokenize="unicode61 remove_diacritics 2"
    )""",
    """CREATE TRIGGER versions_fts_insert AFTER INSERT ON versions BEGIN
        INSERT INTO versions_fts(rowid, title, author, text)
        VALUES (new.id, new.title, new.author, new.text);
    END""",
    """CREATE TRIGGER versions_fts_delete AFTER DELETE ON versions BEGIN
        INSERT INTO versions_fts(versions_fts, rowid, title, author, text)
        VALUES ('delete', old.id, old.title, old.author, old.text);
    END""",
    """CREATE TRIGGER versions_fts_update AFTER UPDATE ON versions BEGIN
        INSERT INTO versions_fts(versions_fts, rowid, title, author, text)
        VALUES ('delete', old.id, old.title, old.author, old.text);
        INSERT INTO versions_fts(rowid, title, author, text)
        VALUES (new.id, new.title, new.author, new.text);
    END""",
    "INSERT INTO versions_fts(versions_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER versions_fts_update",
    "DROP TRIGGER versions_fts_delete",
    "DROP TRIGGER versions_fts_insert",
    "DROP TABLE versions_fts",
]
POSTGRES_UP = [
    """ALTER TABLE versions ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(author, '')), 'B')
        || setweight(to_tsvector('simple', coalesce(text, '')), 'C')
    ) STORED""",
    "CREATE INDEX ix_versions_search ON versions USING gin (search)",
]
POSTGRES_DOWN = ["DROP INDEX ix_versions_search", "ALTER TABLE versions DROP COLUMN search"]


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements[op.get_bind().dialect.name]:
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN})
