"""Each run records how often its crawl beats, so that anybody can tell when it stopped.

A run is stale once its heartbeat is older than a few of its own intervals (storage.runs);
the interval is the crawl's ARCHIVE_HEARTBEAT, which a source or a command line may change.
An added column with a default: no table is rebuilt, old runs read as 30 s.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: SQLite's table copy would drop crawl_runs, which
    # versions and checks refer to.
    op.add_column(
        "crawl_runs",
        sa.Column("heartbeat_every", sa.Float(), server_default="30", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("heartbeat_every")
