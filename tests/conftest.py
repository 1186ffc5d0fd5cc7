"""Shared fixtures: a fresh archive database per test on SQLite and on PostgreSQL.

PostgreSQL is not optional: ARCHIVER_TEST_POSTGRES_URL names a server where the tests may create
and drop databases, and an unreachable server fails the run instead of skipping half of it.
Each test gets its own database, copied from a migrated template (fast, and isolated even when
the code under test runs in another process). Tests that start from "the site archived once"
get a copy of an archive crawled once per module and database (``archived``).

The suite runs on every core (pytest-xdist): each worker has its own template database and
sites. The longest tests are handed out first, so that they do not finish last. One random
seed serves the whole run, printed in the header; ARCHIVER_TEST_SEED=N replays a run.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from storage.engine import normalize_url, redact, sqlite_path
from tests.crawling import crawl, sources_file
from tests.databases import migrated, postgres_tablespace, scratch_postgres
from tests.faults import small_disk
from tests.site import NewsSite, SiteHost, hosting

# The robustness report: its fixture, and its table at the end of the run.
pytest_plugins = ["tests.report"]
SEED = pytest.StashKey[int]()

POSTGRES_ENV = "ARCHIVER_TEST_POSTGRES_URL"
SEED_ENV = "ARCHIVER_TEST_SEED"
# The order tests are handed to workers in: the marks of the longest first.
FIRST = ("faults", "slow", "daemon", "e2e")
# Module fixtures that crawl: the tests using one are kept together (see below).
SHARED = ("archived", "battery")


def pytest_configure(config: pytest.Config) -> None:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:  # a pytest-xdist worker: the controller's seed
        config.stash[SEED] = int(workerinput["archiver_seed"])
    else:
        chosen = os.environ.get(SEED_ENV) or random.SystemRandom().randrange(1_000_000)
        config.stash[SEED] = int(chosen)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    node.workerinput["archiver_seed"] = node.config.stash[SEED]


def pytest_report_header(config: pytest.Config) -> str:
    seed = config.stash[SEED]
    return f"random seed: {seed} (replay with {SEED_ENV}={seed})"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest first, so that no worker is left with a long test at the end: the marks of
    the slow groups in order, and within a group the Postgres variants (the slower) before
    the SQLite ones, which also puts the two variants of a long test on different workers.

    The tests of a module that share a costly module fixture (SHARED) run on one worker,
    one group per database, so that the fixture is built once, not once per worker.
    """

    def rank(item: pytest.Item) -> tuple[int, bool]:
        marks = {mark.name for mark in item.iter_markers()}
        group = next((i for i, name in enumerate(FIRST) if name in marks), len(FIRST))
        return group, "postgres" not in marks

    items.sort(key=rank)  # stable: within a rank, the order of the files
    for item in items:
        shared = [name for name in SHARED if name in getattr(item, "fixturenames", ())]
        if shared:
            kind = "postgres" if item.get_closest_marker("postgres") else "sqlite"
            item.add_marker(pytest.mark.xdist_group(f"{item.path.stem}-{kind}"))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Fail, not slow down, if pytest-xdist stops grouping: it does so by appending
    ``@group`` to each node id, which some pytest releases no longer let it do."""
    if not session.config.getoption("loadgroup", default=False):
        return
    for item in session.items:
        mark = item.get_closest_marker("xdist_group")
        if mark is not None and not item.nodeid.endswith(f"@{mark.args[0]}"):
            raise pytest.UsageError(
                f"pytest-xdist did not group {item.nodeid}: this pytest and pytest-xdist "
                "do not work together (see the pytest pin in pyproject.toml)"
            )


@pytest.fixture(scope="session")
def seed(pytestconfig: pytest.Config) -> int:
    """The run's random seed: the same in every worker, printed in the header."""
    return pytestconfig.stash[SEED]


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


@pytest.fixture(scope="module")
def site_host() -> Iterator[SiteHost]:
    """One address on 127.0.0.1 for the test site, the same for every test of a module."""
    with hosting(NewsSite()) as host:
        yield host


@pytest.fixture
def site(site_host: SiteHost) -> NewsSite:
    """The local test news site, fresh for each test (its address the module's)."""
    return site_host.serve(NewsSite())


class ArchivedOnce:
    """The test site crawled once per module and database kind, copied into each test's
    database: what a test that starts with ``crawl(config, db_url)`` would find there."""

    def __init__(self, host: SiteHost, folder: Path, template: URL) -> None:
        self.host = host
        self.folder = folder
        self.postgres = template
        self._stack = ExitStack()
        self._made: dict[str, str] = {}

    def _make(self, kind: str) -> str:
        if kind == "sqlite":
            url = f"sqlite:///{self.folder / 'archived.db'}"
            migrated(url)
        else:
            copies = scratch_postgres(self.postgres, self.postgres.database)
            url = next(copies)
            self._stack.callback(lambda: next(copies, None))  # drops it
        test_site = self.host.site
        self.host.serve(NewsSite())  # a site of its own: the test's stays untouched
        try:
            crawl(sources_file(self.folder / "archiver.toml", self.host.base_url), url)
        finally:
            self.host.serve(test_site)
        return url

    def copy_into(self, db_url: str) -> None:
        kind = "sqlite" if db_url.startswith("sqlite") else "postgres"
        if kind not in self._made:
            self._made[kind] = self._make(kind)
        source = self._made[kind]
        target = sqlite_path(db_url)
        if target is not None:
            shutil.copyfile(sqlite_path(source) or "", target)
            return
        admin = create_engine(self.postgres.set(database="postgres"), isolation_level="AUTOCOMMIT")
        name, template = make_url(db_url).database, make_url(source).database
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        admin.dispose()

    def close(self) -> None:
        self._stack.close()


@pytest.fixture(scope="module")
def archived_once(
    site_host: SiteHost, tmp_path_factory: pytest.TempPathFactory, postgres_template: URL
) -> Iterator[ArchivedOnce]:
    once = ArchivedOnce(site_host, tmp_path_factory.mktemp("archived"), postgres_template)
    yield once
    once.close()


@pytest.fixture
def archived(site: NewsSite, db_url: str, tmp_path: Path, archived_once: ArchivedOnce) -> Path:
    """The test site archived once into ``db_url``; the sources file it was crawled with.

    Crawled once per module and database, and copied into each test's database: the same
    archive a crawl of the test's own site would make, without crawling it again.
    """
    archived_once.copy_into(db_url)
    return sources_file(tmp_path / "archiver.toml", site.base_url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def small_disk_db_url(request: pytest.FixtureRequest) -> Iterator[tuple[str, Path]]:
    """A migrated archive whose every file is on a 64 MB tmpfs, and that tmpfs: the SQLite
    file, or the Postgres database (made in a tablespace there)."""
    with small_disk(64) as disk:
        if request.param == "sqlite":
            url = f"sqlite:///{disk / 'archive.db'}"
            migrated(url)
            yield url, disk
            return
        template: URL = request.getfixturevalue("postgres_template")
        with postgres_tablespace(template, disk / "postgres") as tablespace:
            for url in scratch_postgres(template, template.database, tablespace):
                yield url, disk
