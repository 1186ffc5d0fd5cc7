"""Shared fixtures: a fresh archive database per test on SQLite and on PostgreSQL.

PostgreSQL is not optional: ARCHIVER_TEST_POSTGRES_URL names a server where the tests may create
and drop databases, and an unreachable server fails the run instead of skipping half of it.
Each test gets its own database, copied from a migrated template (fast, and isolated even when
the code under test runs in another process).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from storage.engine import normalize_url, redact
from tests.databases import migrated, scratch_postgres
from tests.site import NewsSite, serve

# The robustness report: its fixture, and its table at the end of the run.
pytest_plugins = ["tests.report"]

POSTGRES_ENV = "ARCHIVER_TEST_POSTGRES_URL"


def _postgres_url() -> URL:
    raw = os.environ.get(POSTGRES_ENV)
    if not raw:
        pytest.fail(
            f"{POSTGRES_ENV} is not set; point it at a PostgreSQL server where tests may create "
            "databases, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres "
            "(`make test` sets this default)"
        )
    return normalize_url(raw)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[URL]:
    """A migrated database that every PostgreSQL test database is copied from."""
    base = _postgres_url()
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"archiver_template_{os.getpid()}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        pytest.fail(f"PostgreSQL at {redact(base)} is unreachable: {exc}")
    template = base.set(database=name)
    migrated(template)
    yield template
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgres_url(postgres_template: URL) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test."""
    yield from scratch_postgres(postgres_template, postgres_template.database)


@pytest.fixture
def empty_postgres_url(postgres_template: URL) -> Iterator[str]:
    """A PostgreSQL database with no tables at all, for migration tests."""
    yield from scratch_postgres(postgres_template, None)


@pytest.fixture
def empty_sqlite_url(tmp_path: os.PathLike[str]) -> str:
    """Where a new SQLite archive may be made: no file yet."""
    return f"sqlite:///{os.path.join(tmp_path, 'archive.db')}"


@pytest.fixture
def sqlite_url(empty_sqlite_url: str) -> str:
    """A fresh, migrated SQLite archive."""
    migrated(empty_sqlite_url)
    return empty_sqlite_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty archive database URL, once for SQLite and once for PostgreSQL."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
def second_db_url(
    db_url: str, tmp_path: os.PathLike[str], request: pytest.FixtureRequest
) -> Iterator[str]:
    """Another fresh archive of the same kind as ``db_url``, to compare a run against."""
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{os.path.join(tmp_path, 'second.db')}"
        migrated(url)
        yield url
        return
    template: URL = request.getfixturevalue("postgres_template")
    yield from scratch_postgres(template, template.database)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest) -> str:
    """A database without any schema, once for SQLite and once for PostgreSQL."""
    url: str = request.getfixturevalue(f"empty_{request.param}_url")
    return url


@pytest.fixture
def site() -> Iterator[NewsSite]:
    """The local test news site, served on 127.0.0.1 for one test."""
    with serve(NewsSite()) as served:
        yield served
