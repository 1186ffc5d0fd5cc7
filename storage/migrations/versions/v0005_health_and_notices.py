"""What an operator and a newsroom are told: daemon heartbeats, source health, the outbox.

``daemons``: one row per daemon start, beating while it lives, so ``archiver status`` can tell
a scheduling daemon from a standby and from one that died. ``sources.health``: the health last
announced for a source, so a change of health is announced once. ``notices``: the outbox,
written in the transaction of what each notice announces (a new version, an article gone, a
source's health changing), unique by what it announces so that nothing is announced twice;
``notify_targets`` and ``notice_deliveries``: where each notice went, and how often it was
tried. A target is known by a digest of its address: the address may hold a secret, and
stays in the sources file.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daemons",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_every", sa.Float(), nullable=False),
        sa.Column("next_runs", sa.JSON(), nullable=False),
    )
    op.create_index("ix_daemons_heartbeat_at", "daemons", ["heartbeat_at"])
    # Plain ADD COLUMN, not batch mode: SQLite's table copy would drop sources, which
    # articles and crawl_runs refer to.
    op.add_column("sources", sa.Column("health", sa.String(16), nullable=True))
    op.add_column("sources", sa.Column("health_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("sources.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
    )
    op.create_table(
        "notify_targets",
        sa.Column("target", sa.String(64), primary_key=True),
        # Notices older than the target are not sent to it: a webhook added today does not
        # receive the archive's whole history.
        sa.Column("first_notice_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "notice_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("notice_id", sa.Integer(), sa.ForeignKey("notices.id"), nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.UniqueConstraint("notice_id", "target"),
    )
    op.create_index("ix_notice_deliveries_sent_at", "notice_deliveries", ["sent_at"])


def downgrade() -> None:
    op.drop_table("notice_deliveries")
    op.drop_table("notify_targets")
    op.drop_table("notices")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("health_at")
        batch.drop_column("health")
    op.drop_index("ix_daemons_heartbeat_at", "daemons")
    op.drop_table("daemons")
