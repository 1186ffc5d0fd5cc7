"""Every version says why it exists: ``cause``, ``silent`` and ``significance``.

The rules are storage.history's. Versions already archived get them here: ``first`` for
each article's version 1, ``edit`` for the others; ``silent`` from the stated modification
dates of each version and the one before it; ``significance`` from their title, byline and
text. Reading every pair of versions takes time: 4 min 49 s for the 1,000,000 versions of
the viewer benchmark's archive on SQLite, on two cores.

SQLite's full-text trigger on versions fired on any update: it now fires only when the
indexed columns change (versions are written once; this backfill is what updates them).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage import migrate
from storage.history import MINOR, significance

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UPDATE_TRIGGER = """CREATE TRIGGER versions_fts_update AFTER UPDATE {of} ON versions BEGIN
        INSERT INTO versions_fts(versions_fts, rowid, title, author, text)
        VALUES ('delete', old.id, old.title, old.author, old.text);
        INSERT INTO versions_fts(rowid, title, author, text)
        VALUES (new.id, new.title, new.author, new.text);
    END"""
# How many versions' labels are written at once.
BATCH = 5_000


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER versions_fts_update")
        op.execute(_UPDATE_TRIGGER.format(of="OF title, author, text"))
    # Plain ADD COLUMN, not batch mode: SQLite's table copy would drop versions, which
    # checks refer to.
    op.add_column(
        "versions", sa.Column("cause", sa.String(16), server_default="edit", nullable=False)
    )
    op.add_column("versions", sa.Column("silent", sa.Boolean(), nullable=True))
    op.add_column(
        "versions",
        sa.Column("significance", sa.String(16), server_default="substantive", nullable=False),
    )
    op.execute("UPDATE versions SET cause = 'first' WHERE number = 1")
    op.execute(
        """UPDATE versions SET silent = (
            modified_at IS NULL OR coalesce(modified_at = (
                SELECT p.modified_at FROM versions AS p
                WHERE p.article_id = versions.article_id AND p.number = versions.number - 1
            ), false)
        ) WHERE number > 1"""
    )
    # Of the versions already labelled substantive, mark the minor ones.
    total = bind.scalar(sa.text("SELECT count(*) FROM versions WHERE number > 1")) or 0
    pairs = bind.execute(
        sa.text(
            """SELECT v.id, p.title, p.author, p.text, v.title, v.author, v.text
            FROM versions AS v JOIN versions AS p
              ON p.article_id = v.article_id AND p.number = v.number - 1"""
        ).execution_options(yield_per=BATCH)
    )
    minor: list[dict[str, Any]] = []
    for done, (id_, *fields) in enumerate(pairs, start=1):
        if done % migrate.PROGRESS_EVERY == 0:
            migrate.log.info("labelling earlier versions: %d of %d read", done, total)
        before = dict(zip(("title", "author", "text"), fields[:3], strict=True))
        after = dict(zip(("title", "author", "text"), fields[3:], strict=True))
        if significance(before, after) == MINOR:
            minor.append({"id": id_, "label": MINOR})
    pairs.close()
    for start in range(0, len(minor), BATCH):
        bind.execute(
            sa.text("UPDATE versions SET significance = :label WHERE id = :id"),
            minor[start : start + BATCH],
        )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later): a table copy would lose the triggers.
    for name in ("significance", "silent", "cause"):
        op.drop_column("versions", name)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER versions_fts_update")
        op.execute(_UPDATE_TRIGGER.format(of=""))
