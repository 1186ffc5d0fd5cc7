"""Alembic environment: runs on the connection the archive hands it (see storage.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from storage.models import Base

# A fixed key for the Postgres advisory lock that serialises concurrent upgrades.
MIGRATION_LOCK_KEY = 0x61726368  # "arch"

config = context.config
connection = config.attributes["connection"]

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)

with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Two processes starting on an empty database must not both create the tables.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    context.run_migrations()
