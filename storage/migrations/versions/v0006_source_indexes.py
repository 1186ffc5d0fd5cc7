"""Indexes that answer a source's questions from its own rows: how many of its articles are
due, its articles by last change, its open runs.

The viewer's /sources pages and ``archiver status`` asked them of every article or run of a
source, which on SQLite cost 110 to 170 ms a page at 1,000,000 versions. ``articles
(source_id, next_check_at)`` counts the due ones and replaces the index on source_id alone
(its first column serves every lookup by source); ``articles (source_id, last_changed_at,
id)`` gives a page of a source's articles in order without sorting them all; ``crawl_runs
(source_id, finished_at)`` finds a source's open runs.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_articles_source_id_next_check_at", "articles", ["source_id", "next_check_at"]
    )
    op.create_index(
        "ix_articles_source_id_last_changed_at_id",
        "articles",
        ["source_id", "last_changed_at", "id"],
    )
    op.drop_index("ix_articles_source_id", "articles")
    op.create_index(
        "ix_crawl_runs_source_id_finished_at", "crawl_runs", ["source_id", "finished_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_crawl_runs_source_id_finished_at", "crawl_runs")
    op.create_index("ix_articles_source_id", "articles", ["source_id"])
    op.drop_index("ix_articles_source_id_last_changed_at_id", "articles")
    op.drop_index("ix_articles_source_id_next_check_at", "articles")
