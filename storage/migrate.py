"""Schema management: the Alembic migrations are the only way the schema is made."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from storage.errors import ArchiveError
from storage.models import Base

MIGRATIONS = Path(__file__).parent / "migrations"

# Where migrations say what they do; a long one (a backfill) says how far it got, every
# PROGRESS_EVERY rows.
log = logging.getLogger(__name__)
PROGRESS_EVERY = 100_000


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("version_path_separator", "os")
    return config


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema at *engine* up to *revision* (idempotent; safe to run concurrently)."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema at *engine* back to *revision* (to run an older archiver on it)."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def require_current(engine: Engine) -> None:
    """Refuse an archive whose schema is not the current one (a reader cannot migrate it)."""
    current = current_revision(engine)
    if current != head_revision():
        raise ArchiveError(
            f"the archive's schema is at revision {current or 'none'}, this archiver needs "
            f"{head_revision()}: run 'archiver db upgrade' (or any crawl) "
            "to bring it up to date"
        )


def ensure_schema(engine: Engine) -> None:
    """Apply pending migrations; cheap when the schema is already current."""
    current = current_revision(engine)
    if current != head_revision():
        if current is not None:  # a new archive is made in no time: nothing to say
            log.info(
                "upgrading the archive's schema from revision %s to %s"
                " (minutes on an archive of millions of versions)",
                current,
                head_revision(),
            )
        upgrade(engine)


# Full-text search lives outside the models (it differs per database): the FTS5 table and
# its shadow tables on SQLite, the generated tsvector column and its index on Postgres.
SEARCH_OBJECTS = ("versions_fts", "search", "ix_versions_search")


def _modelled(obj: object, name: str | None, kind: str, reflected: bool, other: object) -> bool:
    return not (name and name.startswith(SEARCH_OBJECTS))


def check(engine: Engine) -> None:
    """Raise ArchiveError when the models and the migrated schema disagree (drift)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _modelled}
        )
        diffs = compare_metadata(context, Base.metadata)
    if diffs:
        raise ArchiveError(f"schema drift between models and migrations: {diffs}")
