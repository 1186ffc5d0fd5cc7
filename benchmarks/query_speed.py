"""How fast the archive answers on 100,000 versions: search, as-of lookups, exports.

    python -m benchmarks.query_speed [--versions 100000] [--postgres URL]

Builds a generated archive (tests.bulk: Zipf-distributed vocabulary, 4 versions an article)
in a new SQLite file and, with --postgres (a server URL; a scratch database is made and
dropped), in Postgres too. Then, on each:

- search: 50 fixed queries (common, mid and rare words, two-word searches, phrases, names,
  OR), each the median of 3 runs; p50 and p95 (targets on SQLite: 50 ms and 200 ms), against
  finding every version with the query's first word by LIKE over all the text (what a search
  without the index costs);
- as-of: 200 "what did this page say at T" lookups (target p50: 5 ms), against looking up the
  latest version of the same pages;
- export: JSON lines of every version to /dev/null, in versions/s, against reading the same
  rows without writing anything.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from storage import Archive
from storage.export import rows
from storage.models import Version
from tests.bulk import COMMON, NAMES, START, TOPICS, WORDS, fill


def queries(rng: random.Random, samples: list[str]) -> list[str]:
    """50 searches of the kinds people type, drawn from the archive's own text."""
    content = [w for w in WORDS if w not in COMMON]
    mid, rare = content[60:600], content[600:]
    return (
        [rng.choice(TOPICS) for _ in range(8)]
        + [rng.choice(mid) for _ in range(10)]
        + [rng.choice(rare) for _ in range(8)]
        + [f"{rng.choice(TOPICS)} {rng.choice(mid)}" for _ in range(8)]
        + [f'"{_phrase(rng, sample)}"' for sample in rng.sample(samples, 8)]
        + [rng.choice(NAMES) for _ in range(4)]
        + [f"{rng.choice(mid)} OR {rng.choice(rare)}" for _ in range(4)]
    )


def _phrase(rng: random.Random, sample: str) -> str:
    words = sample.split()
    start = rng.randrange(max(1, len(words) - 2))
    return " ".join(words[start : start + 2]).strip(".")


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    """Milliseconds of the median of *repeat* runs."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(url: str, label: str, versions: int) -> None:
    print(f"== {label}: building {versions} versions", flush=True)
    started = time.perf_counter()
    fill(url, versions)
    print(f"   built in {time.perf_counter() - started:.0f} s", flush=True)
    rng = random.Random(42)
    with Archive(url) as archive:
        with archive.session() as session:
            samples = list(session.scalars(select(Version.text).limit(200)))
            articles = session.scalar(select(func.count(func.distinct(Version.article_id)))) or 1
        searches = queries(rng, samples)
        archive.search(searches[0])  # warm the caches
        search_ms = [timed(partial(archive.search, q), repeat=3) for q in searches]
        like_ms = [timed(partial(_like, archive, q)) for q in searches[:10]]
        numbers = [rng.randrange(articles) for _ in range(200)]
        pages = [f"https://bulk.example/{n}" for n in numbers]
        # A moment during each page's life (its versions are an hour apart from its first day).
        moments = [
            START + timedelta(days=n % 300, hours=rng.randint(1, 4), minutes=30) for n in numbers
        ]
        asof_ms = [
            timed(partial(archive.show, p, at=m)) for p, m in zip(pages, moments, strict=True)
        ]
        latest_ms = [timed(partial(archive.show, p)) for p in pages]
        export_s = timed(partial(archive.export, io.StringIO(), "jsonl", all_versions=True)) / 1000
        read_s = timed(partial(_read_all, archive)) / 1000
    search_p50, like_p50 = percentile(search_ms, 0.5), percentile(like_ms, 0.5)
    print(
        f"   search p50 {search_p50:7.1f} ms   p95 {percentile(search_ms, 0.95):7.1f} ms"
        f"   (LIKE over every version: p50 {like_p50:7.1f} ms, ratio {search_p50 / like_p50:.3f})"
    )
    asof_p50, latest_p50 = percentile(asof_ms, 0.5), percentile(latest_ms, 0.5)
    print(
        f"   as-of p50  {asof_p50:7.2f} ms   p95 {percentile(asof_ms, 0.95):7.2f} ms"
        f"   (latest version: p50 {latest_p50:.2f} ms, ratio {asof_p50 / latest_p50:.2f})"
    )
    print(
        f"   export     {versions / export_s:7.0f} versions/s"
        f"   (reading the rows alone: {versions / read_s:.0f}/s, ratio {read_s / export_s:.2f})"
    )


def _like(archive: Archive, query: str) -> None:
    word = query.strip('"').split()[0]
    with archive.session() as session:
        # Every matching version, as ranking them would need, not just the first 20 found.
        session.scalar(select(func.count()).where(Version.text.like(f"%{word}%")))


def _read_all(archive: Archive) -> None:
    with archive.session() as session:
        for _ in rows(session, all_versions=True):
            pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--postgres", metavar="URL", help="a server to measure Postgres on too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure(f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite", args.versions)
    if args.postgres:
        server = make_url(args.postgres).set(drivername="postgresql+psycopg")
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS archiver_query_bench"))
            connection.execute(text("CREATE DATABASE archiver_query_bench"))
        try:
            target = server.set(database="archiver_query_bench")
            measure(target.render_as_string(hide_password=False), "Postgres", args.versions)
        finally:
            with admin.connect() as connection:
                connection.execute(
                    text("DROP DATABASE IF EXISTS archiver_query_bench WITH (FORCE)")
                )
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
