"""Migrations alone make the schema; a check fails when the models and migrations drift."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, inspect

from storage import ArchiveError, migrate
from storage.engine import create_archive_engine
from storage.models import Base


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
