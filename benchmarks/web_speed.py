"""How fast the web viewer answers on an archive of 1,000,000 versions, next to the command
line asked the same question, in the same run.

    python -m benchmarks.web_speed [--versions 1000000] [--requests 50] [--postgres URL]
                                   [--keep DIR] [--db URL] [--only TEXT ...]

Builds the archive (benchmarks.web_archive: five sources, articles with edits, checks and
runs as a daemon leaves them) in a new SQLite file and, with --postgres (a server URL; a
scratch database is made, and dropped after), in Postgres too. Then, on each, every route of
the viewer is asked --requests times over varied articles, words and sources, through
Starlette's TestClient in this process (the ASGI app as `archiver serve` runs it, without
the sockets), after the archive is read once (as a serving machine holds it in memory)
and one request to warm up. 50 articles: 45 drawn at random, 5 long reads
(1,500 words; 2% of the archive), one address in five a tracking variant never stored.

Beside each route: the command line's answer to the same question, each command run in
this process through click's CliRunner as `archiver` runs it (opening the archive, as each
command does, but without starting Python), e.g. `show URL` and `timeline URL` for
/article. Routes with no command-line equivalent (the recent changes, the feed of all
changes, the snapshots) have none. A route the app does not have yet (404 for the route
itself) is skipped with a note.

The target: p95 at most 100 ms on SQLite at 1,000,000 versions. --keep DIR keeps the SQLite
archive there (and the Postgres database), and reuses them when they were built alike;
--db URL measures an archive built before (a copy with an index added, say) and builds none;
--only /sources measures only the routes whose name holds /sources.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from starlette.applications import Starlette
from starlette.routing import Match
from starlette.testclient import TestClient

from benchmarks.query_speed import percentile
from benchmarks.web_archive import FORMAT, SOURCES, build, describe, is_long_read
from scraper.cli import cli
from storage import Archive
from storage.engine import sqlite_path
from storage.models import Article, Version
from tests.bulk import COMMON, TOPICS, WORDS
from web.app import Viewer, create_app
from web.pages import SEARCH_LIMIT

TARGET_MS = 100.0
SOURCE_NAMES = [name for name, _ in SOURCES]
POSTGRES_DATABASE = "archiver_web_speed"


@dataclass(frozen=True)
class Story:
    url: str  # the article's address
    asked: str  # the address a request names: the article's, or a tracking variant of it
    versions: int


@dataclass(frozen=True)
class Case:
    """A route asked with varied parameters, and the commands answering the same."""

    route: str
    path: str
    params: list[dict[str, str]]
    cli: str | None = None  # the commands, as the table names them
    commands: list[list[list[str]]] = field(default_factory=list)  # per request


@dataclass
class Result:
    case: Case
    web: list[float] = field(default_factory=list)
    cli: list[float] = field(default_factory=list)
    note: str = ""

    def web_ms(self, share: float) -> float:
        return percentile(self.web, share)

    def cli_ms(self, share: float) -> float | None:
        return percentile(self.cli, share) if self.cli else None


def stories(archive: Archive, count: int, rng: random.Random, *, edited: bool) -> list[Story]:
    """*count* articles: a tenth long reads, the rest drawn at random; only articles with
    two versions or more when *edited*. One address in five is a tracking variant."""
    with archive.session() as session:
        last = session.scalar(select(func.max(Article.id))) or 0
        long_reads = max(1, count // 10)
        chosen: list[Story] = []
        while len(chosen) < count:
            article_id = rng.randint(1, last)
            if is_long_read(article_id - 1) != (len(chosen) < long_reads):
                continue
            url, versions = session.execute(
                select(Article.url, func.count(Version.id))
                .join(Version, Version.article_id == Article.id)
                .where(Article.id == article_id)
                .group_by(Article.url)
            ).one()
            if (edited and versions < 2) or any(s.url == url for s in chosen):
                continue
            variant = len(chosen) % 5 == 4
            asked = f"{url}?utm_campaign=bench-{len(chosen)}" if variant else url
            chosen.append(Story(url, asked, versions))
    rng.shuffle(chosen)
    return chosen


def phrases(archive: Archive, picked: list[Story], rng: random.Random) -> list[str]:
    """Two words in a row from each article's latest text, quoted: words people search
    for, not two of the commonest ("of the")."""
    found = []
    for story in picked:
        words = archive.show(story.url).text.replace(".", "").lower().split()
        pairs = [
            f'"{a} {b}"'
            for a, b in itertools.pairwise(words)
            if a not in COMMON and b not in COMMON
        ]
        found.append(rng.choice(pairs))
    return found


def cases(archive: Archive, requests: int) -> list[Case]:
    rng = random.Random(42)
    picked = stories(archive, requests, rng, edited=False)
    edited = stories(archive, requests, rng, edited=True)
    common = [TOPICS[n % len(TOPICS)] for n in range(requests)]
    rare = rng.sample(WORDS[-5000:], requests)
    quoted = phrases(archive, picked, rng)
    mixed = [(common, rare, quoted)[n % 3][n] for n in range(requests)]
    names = [SOURCE_NAMES[n % len(SOURCE_NAMES)] for n in range(requests)]
    numbers = [rng.randint(1, s.versions) for s in picked]
    nothing: list[dict[str, str]] = [{} for _ in range(requests)]

    def searches(label: str, words: list[str]) -> Case:
        return Case(
            f"/search?q= ({label})",
            "/search",
            [{"q": q} for q in words],
            f"search Q --limit {SEARCH_LIMIT}",
            [[["search", q, "--limit", str(SEARCH_LIMIT)]] for q in words],
        )

    def feed_commands(story: Story) -> list[list[str]]:
        # The article's feed: an entry per version, each with its diff from the one before.
        diffs = [
            ["diff", story.asked, "--from", str(n - 1), "--to", str(n), "--json"]
            for n in range(max(2, story.versions - 48), story.versions + 1)
        ]
        return [["versions", story.asked, "--json"], *diffs]

    return [
        Case("/", "/", nothing),
        Case("/?source=NAME", "/", [{"source": name} for name in names]),
        searches("common word", common),
        searches("rare word", rare),
        searches("phrase", quoted),
        Case("/sources", "/sources", nothing, "status", [[["status"]] for _ in nothing]),
        Case(
            "/sources/NAME",
            "/sources/{name}",
            [{"name": name} for name in names],
            "status + runs --source NAME --limit 30",
            [[["status"], ["runs", "--source", name, "--limit", "30"]] for name in names],
        ),
        Case(
            "/article?url=",
            "/article",
            [{"url": s.asked} for s in picked],
            "show URL + timeline URL",
            [[["show", s.asked], ["timeline", s.asked]] for s in picked],
        ),
        Case(
            "/article/version?url=&n=",
            "/article/version",
            [{"url": s.asked, "n": str(n)} for s, n in zip(picked, numbers, strict=True)],
            "show URL --version N",
            [
                [["show", s.asked, "--version", str(n)]]
                for s, n in zip(picked, numbers, strict=True)
            ],
        ),
        Case(
            "/diff?url=",
            "/diff",
            [{"url": s.asked} for s in edited],
            "diff URL --format html",
            [[["diff", s.asked, "--format", "html"]] for s in edited],
        ),
        Case(
            "/snapshot?url=&n=",
            "/snapshot",
            [{"url": s.asked, "n": str(n)} for s, n in zip(picked, numbers, strict=True)],
        ),
        Case("/feeds/changes.atom", "/feeds/changes.atom", nothing),
        Case(
            "/feeds/changes.atom?source=NAME",
            "/feeds/changes.atom",
            [{"source": name} for name in names],
        ),
        Case(
            "/feeds/article.atom?url=",
            "/feeds/article.atom",
            [{"url": s.asked} for s in edited],
            "versions URL + diff URL per version",
            [feed_commands(s) for s in edited],
        ),
        Case(
            "/api/search?q=",
            "/api/search",
            [{"q": q} for q in mixed],
            "search Q --json",
            [[["search", q, "--json"]] for q in mixed],
        ),
        Case(
            "/api/versions?url=",
            "/api/versions",
            [{"url": s.asked} for s in picked],
            "versions URL --json",
            [[["versions", s.asked, "--json"]] for s in picked],
        ),
    ]


def registered(app: Starlette, path: str) -> bool:
    """Whether a route of *app* answers *path* (else the route itself would be a 404)."""
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    return any(route.matches(scope)[0] == Match.FULL for route in app.routes)


def _concrete(case: Case, params: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A path's {name} filled from *params*; the other params as the query."""
    path, query = case.path, dict(params)
    for name in list(query):
        if "{" + name + "}" in path:
            path = path.replace("{" + name + "}", query.pop(name))
    return path, query


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def measure_case(
    client: TestClient, app: Starlette, runner: CliRunner, options: list[str], result: Result
) -> None:
    """Each request, and then the commands answering the same question, in turn: both
    meet the same machine (another process's load falls on both)."""
    case = result.case
    if not registered(app, _concrete(case, case.params[0])[0]):
        result.note = "skipped: no such route yet (404)"
        return
    failures: list[str] = []

    def get(params: dict[str, str]) -> None:
        path, query = _concrete(case, params)
        response = client.get(path, params=query)
        if response.status_code != 200:
            failures.append(f"{response.status_code} for {path}?{query}")

    def run(commands: list[list[str]]) -> None:
        for command in commands:
            outcome = runner.invoke(cli, [*options, *command], catch_exceptions=False)
            if outcome.exit_code != 0:
                raise RuntimeError(f"archiver {' '.join(command)}: {outcome.output[-500:]}")

    get(case.params[0])  # to warm up
    if case.commands:
        run(case.commands[0])
    failures.clear()
    for number, params in enumerate(case.params):
        result.web.append(timed(lambda: get(params)))  # noqa: B023  (called at once)
        if case.commands:
            commands = case.commands[number]
            result.cli.append(timed(lambda: run(commands)))  # noqa: B023
    if failures:
        result.note = f"{len(failures)} not 200, e.g. {failures[0]}"


def warm(url: str) -> None:
    """Read the whole archive once, as the operating system holds an archive that a server
    has served for a while. Without it, whichever of the route and the command asks first
    about a rare word pays the disk reads (150 ms and more here) that the other is spared."""
    started = time.perf_counter()
    path = sqlite_path(url)
    if path is not None:
        for name in (path, path.with_name(path.name + "-wal")):
            if name.exists():
                with name.open("rb") as data:
                    while data.read(1 << 24):
                        pass
    else:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
            # 'read': into the operating system's cache (shared_buffers is far smaller).
            connection.execute(
                text(
                    "SELECT pg_prewarm(oid::regclass, 'read') FROM pg_class "
                    "WHERE relkind IN ('r', 'i', 't') AND relpersistence = 'p'"
                )
            )
        engine.dispose()
    print(f"   (the archive read once in {time.perf_counter() - started:.0f} s)", flush=True)


def measure(
    url: str, label: str, requests: int, config: Path, only: list[str] | None = None
) -> list[Result]:
    warm(url)
    archive = Archive(url, read_only=True)
    load = os.getloadavg()[0]
    try:
        found = [
            case
            for case in cases(archive, requests)
            if not only or any(text in case.route for text in only)
        ]
        app = create_app(Viewer(archive, sources=SOURCE_NAMES))
        runner = CliRunner()
        options = ["--config", str(config), "--db", url]
        results = [Result(case) for case in found]
        with TestClient(app) as client:
            for result in results:
                measure_case(client, app, runner, options, result)
                print(f"   {_line(result)}", flush=True)
        opening = [timed(lambda: Archive(url).close()) for _ in range(20)]
        print(
            f"   (each command opens the archive, as `archiver` does: "
            f"p50 {percentile(opening, 0.5):.1f} ms of its time)\n   (load average {load:.1f} "
            f"at the start, {os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores: "
            "other work on the machine slows both sides)"
        )
    finally:
        archive.close()
    print(f"\n{label}, {requests} requests a route:\n")
    print(table(results))
    slow = [r for r in results if r.web and r.web_ms(0.95) > TARGET_MS]
    verdict = ", ".join(r.case.route for r in slow) or "none"
    print(f"\n   routes over {TARGET_MS:.0f} ms p95 on {label}: {verdict}\n", flush=True)
    return results


def _line(result: Result) -> str:
    if not result.web:
        return f"{result.case.route:<36} {result.note}"
    cli_p50 = result.cli_ms(0.5)
    cli = f"   CLI p50 {cli_p50:7.1f} ms" if cli_p50 is not None else ""
    note = f"   ({result.note})" if result.note else ""
    return (
        f"{result.case.route:<36} p50 {result.web_ms(0.5):7.1f} ms   "
        f"p95 {result.web_ms(0.95):7.1f} ms{cli}{note}"
    )


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def table(results: list[Result]) -> str:
    """The figures as a Markdown table (for the README)."""
    lines = [
        "| route | p50 ms | p95 ms | the command line's equivalent | p50 ms | p95 ms "
        "| ratio route / CLI (p50) |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        route = f"`{result.case.route}`"
        if not result.web:
            lines.append(f"| {route} | {result.note} | | | | | |")
            continue
        cli_p50 = result.cli_ms(0.5)
        ratio = "—" if cli_p50 is None else f"{result.web_ms(0.5) / cli_p50:.2f}"
        command = f"`{result.case.cli}`" if result.case.cli else "none"
        lines.append(
            f"| {route} | {result.web_ms(0.5):.1f} | {result.web_ms(0.95):.1f} | {command} | "
            f"{_ms(cli_p50)} | {_ms(result.cli_ms(0.95))} | {ratio} |"
        )
    return "\n".join(lines)


def both(sqlite: list[Result], postgres: list[Result]) -> str:
    """SQLite and Postgres side by side: route p50 / p95, and the CLI's p50."""
    lines = [
        "| route | SQLite p50 / p95 ms | CLI p50 ms (ratio) | Postgres p50 / p95 ms "
        "| CLI p50 ms (ratio) |",
        "|---|---|---|---|---|",
    ]

    def cell(result: Result) -> tuple[str, str]:
        if not result.web:
            return "skipped", ""
        cli_p50 = result.cli_ms(0.5)
        figures = f"{result.web_ms(0.5):.1f} / {result.web_ms(0.95):.1f}"
        if cli_p50 is None:
            return figures, "—"
        return figures, f"{cli_p50:.1f} ({result.web_ms(0.5) / cli_p50:.2f})"

    for one, other in zip(sqlite, postgres, strict=True):
        (a, b), (c, d) = cell(one), cell(other)
        lines.append(f"| `{one.case.route}` | {a} | {b} | {c} | {d} |")
    return "\n".join(lines)


def sources_file(folder: Path) -> Path:
    """The sources the command line's `status` reports on: the archive's five."""
    path = folder / "archiver.toml"
    path.write_text(
        "".join(
            f'[[sources]]\nname = "{name}"\nfeeds = ["https://{name}.example/feed/"]\n\n'
            for name in SOURCE_NAMES
        ),
        encoding="utf-8",
    )
    return path


def _built(versions: int) -> str:
    return f"{FORMAT} {versions}"


def _migrate(url: str) -> None:
    """Bring a kept archive to the current schema, as an upgrade of archiver would."""
    with Archive(url):
        pass


@contextmanager
def sqlite_archive(keep: Path | None, versions: int) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"web-speed-{versions}.db"
        marker = path.with_name(path.name + ".built")
        url = f"sqlite:///{path}"
        if keep and marker.exists() and marker.read_text() == _built(versions):
            print(f"== SQLite: reusing {path}", flush=True)
            _migrate(url)
        else:
            for stale in folder.glob(f"{path.name}*"):
                stale.unlink()
            print(f"== SQLite: building {versions:,} versions in {path}", flush=True)
            print(f"   {describe(build(url, versions))}", flush=True)
            marker.write_text(_built(versions))
        yield url


@contextmanager
def postgres_archive(server_url: str, keep: bool, versions: int) -> Iterator[str]:
    server = make_url(server_url).set(drivername="postgresql+psycopg")
    target = server.set(database=POSTGRES_DATABASE).render_as_string(hide_password=False)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            comment = connection.scalar(
                text(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                    "WHERE datname = :name"
                ),
                {"name": POSTGRES_DATABASE},
            )
        if keep and comment == _built(versions):
            print(f"== Postgres: reusing database {POSTGRES_DATABASE}", flush=True)
            _migrate(target)
        else:
            with admin.connect() as connection:
                connection.execute(
                    text(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
                )
                connection.execute(text(f"CREATE DATABASE {POSTGRES_DATABASE}"))
            print(f"== Postgres: building {versions:,} versions", flush=True)
            print(f"   {describe(build(target, versions))}", flush=True)
            started = time.perf_counter()
            scratch = create_engine(target, isolation_level="AUTOCOMMIT")
            with scratch.connect() as connection:
                # What autovacuum does soon after a load like this one: the planner's
                # statistics, and the visibility map index-only scans read.
                connection.execute(text("VACUUM ANALYZE"))
            scratch.dispose()
            print(f"   VACUUM ANALYZE in {time.perf_counter() - started:.0f} s", flush=True)
            with admin.connect() as connection:
                connection.execute(
                    text(f"COMMENT ON DATABASE {POSTGRES_DATABASE} IS '{_built(versions)}'")
                )
        yield target
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(
                    text(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
                )
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50, help="requests a route")
    parser.add_argument("--postgres", metavar="URL", help="a server to measure Postgres on too")
    parser.add_argument(
        "--keep", metavar="DIR", type=Path, help="keep the archives (and reuse them) there"
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="measure this archive only (one built by benchmarks.web_archive, e.g. a copy "
        "with an index added), building nothing",
    )
    parser.add_argument(
        "--only",
        metavar="TEXT",
        action="append",
        help="measure only the routes whose name holds TEXT (repeatable), e.g. /sources",
    )
    args = parser.parse_args()
    # As `archiver` does: Alembic's INFO lines on each schema check are noise.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    config_dir = Path(tempfile.mkdtemp())
    try:
        config = sources_file(config_dir)
        if args.db:
            measure(args.db, make_url(args.db).get_backend_name(), args.requests, config, args.only)
            return 0
        with sqlite_archive(args.keep, args.versions) as url:
            sqlite = measure(url, "SQLite", args.requests, config, args.only)
        if args.postgres:
            with postgres_archive(args.postgres, args.keep is not None, args.versions) as url:
                postgres = measure(url, "Postgres", args.requests, config, args.only)
            print(f"Both, {args.versions:,} versions, {args.requests} requests a route:\n")
            print(both(sqlite, postgres))
    finally:
        shutil.rmtree(config_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
