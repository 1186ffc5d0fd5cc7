"""INSERT ... ON CONFLICT DO NOTHING, spelled for whichever dialect the session talks to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def insert_ignore(
    session: Session,
    model: type[DeclarativeBase],
    values: dict[str, Any] | list[dict[str, Any]],
    conflict: Sequence[str],
) -> bool:
    """Insert rows, skipping any that would break the unique key *conflict*; True when at
    least one was inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(values).on_conflict_do_nothing(index_elements=list(conflict))
    result = session.execute(statement)
    return bool(getattr(result, "rowcount", 0))
