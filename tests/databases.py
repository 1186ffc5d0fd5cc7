"""Test databases: migrated archives, and scratch PostgreSQL databases made on the tests'
server and dropped after."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from storage import migrate
from storage.engine import create_archive_engine

_databases = itertools.count(1)


def migrated(url: str | URL) -> None:
    """Build the archive's schema at *url* with the migrations, as users' archives get it."""
    engine = create_archive_engine(url)
    migrate.upgrade(engine)
    engine.dispose()


def scratch_postgres(
    template: URL, copy_of: str | None, tablespace: str | None = None
) -> Iterator[str]:
    """Yield the URL of a new database on *template*'s server (a copy of the database
    *copy_of*, or empty; in *tablespace* if given), dropped afterwards."""
    admin = create_engine(template.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"archiver_test_{os.getpid()}_{next(_databases)}"
    clause = f' TEMPLATE "{copy_of}"' if copy_of else ""
    if tablespace:
        clause += f' TABLESPACE "{tablespace}"'
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    yield template.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def postgres_tablespace(server: URL, directory: Path) -> Iterator[str]:
    """A tablespace in *directory* (made, and handed to the server's own user) for the block.

    The server runs on this machine as its own user, which must own the directory.
    """
    directory.mkdir()
    shutil.chown(directory, "postgres", "postgres")
    name = f"archiver_test_{os.getpid()}_{next(_databases)}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE TABLESPACE \"{name}\" LOCATION '{directory}'"))
    try:
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP TABLESPACE IF EXISTS "{name}"'))
        admin.dispose()
