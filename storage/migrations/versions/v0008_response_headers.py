"""The answer each version was read from: its HTTP status and response headers, so that a
WARC export replays the page as it was served (storage.export).

Versions archived before this revision have neither (NULL): their export says so with a
minimal header set of what is known (the stored charset and length).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("versions", sa.Column("http_status", sa.Integer(), nullable=True))
    op.add_column("versions", sa.Column("http_headers", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later), not batch mode: SQLite's table copy would
    # drop versions, which checks refer to, and lose the full-text triggers.
    op.drop_column("versions", "http_headers")
    op.drop_column("versions", "http_status")
