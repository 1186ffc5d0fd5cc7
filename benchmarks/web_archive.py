"""An archive that looks crawled, for the viewer's benchmark (benchmarks/web_speed.py):
1,000,000 versions in minutes.

tests.bulk makes versions of unrelated text, which is what the search benchmark needs. The
viewer shows more of an archive than search does, so this one holds what a daemon leaves
behind after 300 days:

- five sources of very different sizes (45%, 30%, 15%, 9% and 1% of the articles), the
  smallest one silent, its feed failing, for the last third of the time;
- articles of 3 to 5 paragraphs of 2 or 3 sentences (about 170 words; one in 50 is a long
  read of 25 to 35 paragraphs, about 1,500 words) with 1 to 30 versions, 4 on average,
  each an edit of the one before: a word corrected, a sentence rewritten or added, a
  paragraph added or dropped, the title rewritten; words from tests.bulk's Zipf vocabulary;
- version ids in the order the versions were found, as a crawl makes them;
- a check for every version, and the re-checks the revisit ladder (storage.revisit) makes
  between versions and for 90 days after the last one (304s mostly): about 30 checks an
  article; 1% of the articles gone since, 0.5% redirected;
- a discovery and a revisit run of each source every 2 hours, counting what they found;
- each article's address, and a tracking variant of one in three; raw HTML of a real
  page's size (64 pages of about 80 KB, shared by the versions).

The schema is made by the migrations (storage.Archive). Rows then go in through the driver
with their ids given (executemany on SQLite, COPY on Postgres), with the secondary indexes
and SQLite's full-text trigger dropped for the load and made again after it from their own
definitions (the full-text index rebuilt from the versions), and the schema then checked
against the models. The archive ends an hour before it is made, so its newest articles are
still being re-checked.
"""

from __future__ import annotations

import json
import queue
import random
import sqlite3
import threading
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage import Archive
from storage.blobs import put_blob
from storage.content import content_hash
from storage.engine import sqlite_path
from storage.outcomes import (
    ARTICLE_NEW,
    GONE,
    NAVIGATION,
    NOT_MODIFIED,
    REDIRECTED,
    UNCHANGED,
    VERSION_NEW,
    failed,
    summarize,
)
from storage.revisit import DEFAULT_LADDER
from storage.urls import url_key
from tests.bulk import CUMULATIVE, NAMES, TOPICS, WORDS, sentence

# What makes the archive: change it when the rows change, so a kept copy is rebuilt.
FORMAT = "web-archive-1"
# Name, share of the articles.
SOURCES: tuple[tuple[str, float], ...] = (
    ("bulk", 0.45),
    ("metro", 0.30),
    ("coast", 0.15),
    ("valley", 0.09),
    ("capital", 0.01),
)
# The source that fell silent, and the day its feed started failing.
DORMANT, DORMANT_FROM = len(SOURCES) - 1, 200
DAYS = 300
SLOT = 2 * 3600  # seconds between two runs of a kind of a source
HOUR, DAY = 3600, 86400
BATCH = 5000
BLOBS = 64
LONG_READ_EVERY = 50


@dataclass(frozen=True)
class Plan:
    """When an article's versions were found (seconds from the archive's start), its
    source, its length and its fate."""

    source: int
    long: bool
    seen: tuple[int, ...]
    fate: str  # "live", "gone" or "redirected"


@dataclass(frozen=True)
class Built:
    articles: int
    versions: int
    checks: int
    runs: int
    seconds: float
    # Of which writing each table (the rest: making the rows).
    writing: dict[str, float]


def is_long_read(index: int) -> bool:
    """Whether the article of *index* (its id less one) is a long read."""
    return (index * 2654435761) % LONG_READ_EVERY == 3


def article_url(index: int, plan_source: int, day: int) -> str:
    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day)
    host = SOURCES[plan_source][0]
    return f"https://{host}.example/{moment:%Y/%m/%d}/story-{index}/"


def _source(index: int, day: int) -> int:
    share = (index * 40503 + 17) % 10007 / 10007
    total = 0.0
    for number, (_, weight) in enumerate(SOURCES):
        total += weight
        if share < total:
            return 0 if number == DORMANT and day >= DORMANT_FROM else number
    return 0


def _count(rng: random.Random) -> int:
    """How many versions an article has: most one or two, a few dozens (4 on average)."""
    draw = rng.random()
    if draw < 0.30:
        return 1
    if draw < 0.50:
        return 2
    if draw < 0.65:
        return 3
    if draw < 0.85:
        return rng.randint(4, 6)
    if draw < 0.97:
        return rng.randint(7, 12)
    return rng.randint(13, 30)


def plans(versions: int, seed: int) -> list[Plan]:
    rng = random.Random(seed)
    counts: list[int] = []
    total = 0
    while total < versions:
        counts.append(min(_count(rng), versions - total))
        total += counts[-1]
    spread = DAYS * DAY / len(counts)
    found = []
    for index, count in enumerate(counts):
        first = int(index * spread) + rng.randrange(60)
        seen = [first]
        for number in range(2, count + 1):
            # Edits come quickly at first, then further apart.
            seen.append(seen[-1] + int(rng.uniform(0.3, 6) * HOUR * (1 + (number - 2) / 2)))
        draw = rng.random()
        fate = "gone" if draw < 0.01 else "redirected" if draw < 0.015 else "live"
        found.append(Plan(_source(index, first // DAY), is_long_read(index), tuple(seen), fate))
    return found


def _ladder() -> list[int]:
    """Seconds after a change at which the revisit ladder checks an unchanged article."""
    offsets: list[int] = []
    at = HOUR
    while True:
        wait = DEFAULT_LADDER.wait(timedelta(seconds=at))
        if wait is None:
            return offsets
        offsets.append(at)
        at += int(wait.total_seconds())


LADDER = _ladder()
STOP = int(DEFAULT_LADDER.stop.total_seconds())


class CheckPlan(NamedTuple):
    at: int
    outcome: str
    status: int
    version: int | None


def checks(index: int, plan: Plan, end: int) -> list[CheckPlan]:
    """Every check of the article: one per version, the ladder's re-checks in between and
    after the last version (until 90 days after it, or the end), its fate at the third
    re-check after the last version."""
    found = []
    for number, at in enumerate(plan.seen, start=1):
        found.append(CheckPlan(at, ARTICLE_NEW if number == 1 else VERSION_NEW, 200, number))
        last = number == len(plan.seen)
        until = end if last else plan.seen[number]
        for step, offset in enumerate(LADDER):
            if at + offset >= until:
                break
            if last and step == 2 and plan.fate != "live":
                gone = plan.fate == "gone"
                found.append(
                    CheckPlan(at + offset, GONE if gone else REDIRECTED, 410 if gone else 301, None)
                )
                break
            quiet = (index * 7919 + step * 104729) % 10 < 7
            found.append(
                CheckPlan(
                    at + offset, NOT_MODIFIED if quiet else UNCHANGED, 304 if quiet else 200, None
                )
            )
    return found


def run_id(at: int, source: int, revisit: bool) -> int:
    return ((at // SLOT) * len(SOURCES) + source) * 2 + int(revisit) + 1


class Loader:
    """Rows into the archive's tables through the driver, in one transaction a call."""

    def __init__(self, url: str, start: datetime) -> None:
        self.path = sqlite_path(url)
        self.start = start
        self.naive_start = start.replace(tzinfo=None)
        self.sqlite: sqlite3.Connection | None = None
        self.postgres: psycopg.Connection[Any] | None = None
        # Batches to write, and the thread writing them while the next ones are made.
        self.queue: queue.Queue[tuple[str, Sequence[str], Sequence[Sequence[object]]]] = (
            queue.Queue(maxsize=2)
        )
        self.thread: threading.Thread | None = None
        self.failure: BaseException | None = None
        # Seconds spent writing each table.
        self.seconds: defaultdict[str, float] = defaultdict(float)
        if self.path is not None:
            self.sqlite = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.sqlite.execute("PRAGMA synchronous=OFF")  # a scratch archive
        else:
            server = make_url(url).set(drivername="postgresql")
            self.postgres = psycopg.connect(server.render_as_string(hide_password=False))
            # Rows made consistent by construction: no foreign key trigger per row.
            self.postgres.execute("SET session_replication_role = replica")
            self.postgres.execute("SET maintenance_work_mem = '1GB'")
            self.postgres.commit()

    def defer_indexes(self) -> list[str]:
        """Drop the secondary indexes of the big tables (and SQLite's full-text trigger on
        insert) for the load; return the statements that make them again, exactly as the
        migrations made them (restore_indexes). Building an index at once is several times
        faster than keeping it up row by row."""
        tables = "('versions', 'checks', 'article_urls')"
        if self.sqlite is not None:
            found = self.sqlite.execute(
                f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN {tables} "
                "AND sql IS NOT NULL AND (type = 'index' OR name = 'versions_fts_insert')"
            ).fetchall()
            for kind, name, _ in found:
                self.sqlite.execute(f"DROP {kind.upper()} {name}")
            return [sql for _, _, sql in found]
        assert self.postgres is not None
        rows = self.postgres.execute(
            f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN {tables} "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        ).fetchall()
        for name, _ in rows:
            self.postgres.execute(f"DROP INDEX {name}")
        self.postgres.commit()
        return [definition for _, definition in rows]

    def restore_indexes(self, statements: list[str]) -> None:
        self.flush()
        started = time.perf_counter()
        if self.sqlite is not None:
            if any("versions_fts_insert" in sql for sql in statements):
                # The full-text index of every version at once, from the versions table.
                self.sqlite.execute("INSERT INTO versions_fts(versions_fts) VALUES ('rebuild')")
            for sql in statements:
                self.sqlite.execute(sql)
        else:
            assert self.postgres is not None
            for sql in statements:
                self.postgres.execute(sql)
            self.postgres.commit()
        self.seconds["indexes"] += time.perf_counter() - started

    def stamp(self, seconds: int) -> object:
        """The moment *seconds* after the start, as the database takes it."""
        if self.sqlite is not None:  # as SQLAlchemy stores a DateTime in SQLite
            return (self.naive_start + timedelta(seconds=seconds)).isoformat(" ", "microseconds")
        return self.start + timedelta(seconds=seconds)

    def write(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """Hand a batch to the writing thread (the next batch is made meanwhile)."""
        if self.failure is not None:
            raise self.failure
        if self.thread is None:
            self.thread = threading.Thread(target=self._drain, name="loader", daemon=True)
            self.thread.start()
        self.queue.put((table, columns, rows))

    def flush(self) -> None:
        """Wait until every batch handed over is written."""
        self.queue.join()
        if self.failure is not None:
            raise self.failure

    def _drain(self) -> None:
        while True:
            table, columns, rows = self.queue.get()
            try:
                if self.failure is None:
                    started = time.perf_counter()
                    self._write(table, columns, rows)
                    self.seconds[table] += time.perf_counter() - started
            except BaseException as exc:  # handed to the main thread by write and flush
                self.failure = exc
            finally:
                self.queue.task_done()

    def _write(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        names = ", ".join(columns)
        if self.sqlite is not None:
            marks = ", ".join("?" * len(columns))
            self.sqlite.execute("BEGIN")
            self.sqlite.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            self.sqlite.execute("COMMIT")
            return
        assert self.postgres is not None
        with (
            self.postgres.cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        self.postgres.commit()

    def close(self) -> None:
        if self.sqlite is not None:
            self.sqlite.close()
        if self.postgres is not None:
            self.postgres.close()


def _page(rng: random.Random) -> bytes:
    """Raw HTML of a news page's size: head, navigation, the story, links, scripts."""
    links = "".join(
        f'<li><a href="/2026/{rng.randrange(1, 13):02d}/story-{rng.randrange(10**6)}/">'
        f"{sentence(rng)}</a></li>\n"
        for _ in range(260)
    )
    story = "".join(f"<p>{sentence(rng)} {sentence(rng)} {sentence(rng)}</p>\n" for _ in range(12))
    style = "".join(
        f".c{n} {{ margin: {n % 7}px; color: #{n * 2654435761 % 0xFFFFFF:06x} }}\n"
        for n in range(400)
    )
    script = "".join(
        f"window.dataLayer.push({{event: 'e{n}', value: {n * 7}}});\n" for n in range(300)
    )
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{sentence(rng)}</title>"
        f"<style>{style}</style></head><body><nav><ul>{links[:6000]}</ul></nav>"
        f"<article><h1>{sentence(rng)}</h1>{story}</article><aside><ul>{links}</ul></aside>"
        f"<script>{script}</script></body></html>"
    ).encode()


def _title(rng: random.Random) -> str:
    words = rng.choices(WORDS, cum_weights=CUMULATIVE, k=rng.randint(6, 12))
    return " ".join(words).capitalize()


@dataclass
class Story:
    """An article's text while it is still being edited."""

    title: str
    author: str
    paragraphs: list[list[str]]
    modified: int | None = None

    def text(self) -> str:
        return "\n".join(" ".join(paragraph) for paragraph in self.paragraphs)


def _story(rng: random.Random, long: bool) -> Story:
    count = rng.randint(25, 35) if long else rng.randint(3, 5)
    paragraphs = [[sentence(rng) for _ in range(rng.randint(2, 3))] for _ in range(count)]
    return Story(_title(rng), rng.choice(NAMES), paragraphs)


def _edit(rng: random.Random, story: Story, at: int) -> list[str]:
    """Edit *story* as a newsroom does; return the fields that changed."""
    paragraphs = story.paragraphs
    draw = rng.random()
    where = rng.randrange(len(paragraphs))
    changed = ["text"]
    if draw < 0.25:  # a word corrected
        sentences = paragraphs[where]
        pick = rng.randrange(len(sentences))
        words = sentences[pick].split()
        spot = rng.randrange(len(words) - 1)  # not the last word, which ends the sentence
        words[spot] = rng.choices(WORDS, cum_weights=CUMULATIVE)[0]
        sentences[pick] = " ".join(words)
    elif draw < 0.45:  # a sentence rewritten
        paragraphs[where][rng.randrange(len(paragraphs[where]))] = sentence(rng)
    elif draw < 0.65:  # a sentence added
        paragraphs[where].insert(rng.randrange(len(paragraphs[where]) + 1), sentence(rng))
    elif draw < 0.80:  # a paragraph added
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), [sentence(rng), sentence(rng)])
    elif draw < 0.90 and len(paragraphs) > 2:  # a paragraph dropped
        del paragraphs[where]
    else:  # the headline rewritten, sometimes with the story
        story.title = _title(rng)
        changed = ["title"]
        if rng.random() < 0.5:
            paragraphs[where].append(sentence(rng))
            changed.append("text")
    if rng.random() < 0.5:
        story.modified = at
    return changed


VERSION_COLUMNS = (
    "id",
    "article_id",
    "number",
    "first_seen_at",
    "content_hash",
    "title",
    "author",
    "published_at",
    "modified_at",
    "language",
    "description",
    "site_name",
    "tags",
    "image",
    "text",
    "changed",
    "simhash",
    "extractor",
    "url",
    "blob_sha256",
    "run_id",
)


def build(url: str, versions: int, *, seed: int = 11) -> Built:
    """Make the archive at *url* (a new SQLite file, or an empty Postgres database)."""
    started = time.perf_counter()
    found = plans(versions, seed)
    end = max(plan.seen[-1] for plan in found) + HOUR
    # The archive ends an hour before now, on the hour.
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(seconds=end)
    with Archive(url, write=True) as archive, archive.session() as session:
        blobs = [put_blob(session, _page(random.Random(n)), "utf-8") for n in range(BLOBS)]
    loader = Loader(url, start)
    try:
        deferred = loader.defer_indexes()
        runs = _write_runs(loader, found, end)
        _write_articles(loader, found, end, blobs)
        ids = _write_versions(loader, found, blobs, seed)
        check_count = _write_checks(loader, found, end, ids, blobs)
        loader.restore_indexes(deferred)  # after the last batch is written
        writing = dict(loader.seconds)
    finally:
        loader.close()
    with Archive(url, write=True) as archive, archive.session() as session:
        archive.check_schema()  # the indexes made again as the migrations make them
        if session.get_bind().dialect.name == "postgresql":
            for table in (
                "sources",
                "crawl_runs",
                "articles",
                "article_urls",
                "versions",
                "checks",
            ):
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    return Built(len(found), versions, check_count, runs, time.perf_counter() - started, writing)


def _write_runs(loader: Loader, found: list[Plan], end: int) -> int:
    """The sources, and their runs with what each counted."""
    loader.write(
        "sources",
        ("id", "name", "created_at"),
        [(n + 1, name, loader.stamp(0)) for n, (name, _) in enumerate(SOURCES)],
    )
    counts: dict[int, Counter[str]] = {}
    for index, plan in enumerate(found):
        for check in checks(index, plan, end):
            run = run_id(check.at, plan.source, check.outcome != ARTICLE_NEW)
            counts.setdefault(run, Counter())[check.outcome] += 1
    slots = end // SLOT + 1
    rows = []
    for slot in range(slots):
        for source in range(len(SOURCES)):
            for revisit in (False, True):
                number = run_id(slot * SLOT, source, revisit)
                outcomes = counts.get(number, Counter())
                if not revisit:
                    if source == DORMANT and slot * SLOT >= DORMANT_FROM * DAY:
                        outcomes[failed("http_404")] += 2  # its feed and sitemap moved
                    else:
                        outcomes[NAVIGATION] += 3  # the feed, sitemap and front page read
                        outcomes[NOT_MODIFIED] += 20  # stories still in the feed
                pages = sum(outcomes.values())
                read = outcomes[ARTICLE_NEW] + outcomes[VERSION_NEW] + outcomes[UNCHANGED]
                stats = {
                    **summarize(outcomes, pages=pages),
                    "outcomes": dict(sorted(outcomes.items())),
                    "reading": {
                        "read": read,
                        "title": read,
                        "author": read,
                        "date": read,
                        "text_median": 1300 if read else 0,
                    },
                }
                begun = slot * SLOT + (1800 if revisit else 0)
                rows.append(
                    (
                        number,
                        source + 1,
                        "revisit" if revisit else "discover",
                        loader.stamp(begun),
                        loader.stamp(begun + 300),
                        30.0,
                        loader.stamp(begun + 300),
                        "finished",
                        json.dumps(stats),
                        4242,
                        "bench",
                    )
                )
    columns = (
        "id",
        "source_id",
        "kind",
        "started_at",
        "heartbeat_at",
        "heartbeat_every",
        "finished_at",
        "finish_reason",
        "stats",
        "pid",
        "host",
    )
    for batch in _batches(rows, BATCH * 4):
        loader.write("crawl_runs", columns, batch)
    return len(rows)


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_articles(loader: Loader, found: list[Plan], end: int, blobs: list[str]) -> None:
    """Every article as the last check left it, and its addresses."""

    def articles() -> Iterator[tuple[object, ...]]:
        for index, plan in enumerate(found):
            url = article_url(index, plan.source, plan.seen[0] // DAY)
            history = checks(index, plan, end)
            last = history[-1]
            state = {GONE: "gone", REDIRECTED: "redirected"}.get(last.outcome, "live")
            next_at = None
            if state == "live":
                since = last.at - plan.seen[-1]
                later = [offset for offset in LADDER if offset > since]
                next_at = loader.stamp(plan.seen[-1] + later[0]) if later else None
            target = (
                article_url(index + 1, found[index + 1].source, found[index + 1].seen[0] // DAY)
                if state == "redirected" and index + 1 < len(found)
                else None
            )
            yield (
                index + 1,
                url_key(url),
                url,
                plan.source + 1,
                loader.stamp(plan.seen[0]),
                loader.stamp(last.at),
                loader.stamp(plan.seen[-1]),
                next_at,
                state,
                target,
                f'"{index}-{len(plan.seen)}"',
                None,
                blobs[(index * 31 + len(plan.seen)) % BLOBS],
            )

    columns = (
        "id",
        "url_key",
        "url",
        "source_id",
        "first_seen_at",
        "last_checked_at",
        "last_changed_at",
        "next_check_at",
        "state",
        "redirect_to",
        "etag",
        "last_modified",
        "raw_sha256",
    )
    for batch in _batches(articles(), BATCH * 4):
        loader.write("articles", columns, batch)

    def addresses() -> Iterator[tuple[object, ...]]:
        number = 0
        for index, plan in enumerate(found):
            url = article_url(index, plan.source, plan.seen[0] // DAY)
            urls = [url] + ([f"{url}?utm_source=rss&utm_medium=feed"] if index % 3 == 0 else [])
            for address in urls:
                number += 1
                yield (number, address, url_key(address), index + 1, loader.stamp(plan.seen[0]))

    for batch in _batches(addresses(), BATCH * 4):
        loader.write("article_urls", ("id", "url", "url_key", "article_id", "first_seen_at"), batch)


def _write_versions(loader: Loader, found: list[Plan], blobs: list[str], seed: int) -> array[int]:
    """Every version, in the order they were found; the id of each (by the article's first
    version's place in the returned array, plus its number less one)."""
    article_bits = max(1, len(found).bit_length())
    events = [
        ((at << article_bits | index) << 5) | (number - 1)
        for index, plan in enumerate(found)
        for number, at in enumerate(plan.seen, start=1)
    ]
    events.sort()
    first = array("q", [0]) * len(found)
    total = 0
    for index, plan in enumerate(found):
        first[index] = total
        total += len(plan.seen)
    ids = array("q", [0]) * total
    rng = random.Random(seed + 1)
    stories: dict[int, Story] = {}

    def rows() -> Iterator[tuple[object, ...]]:
        for version_id, event in enumerate(events, start=1):
            number = (event & 31) + 1
            index = (event >> 5) & ((1 << article_bits) - 1)
            at = event >> (5 + article_bits)
            plan = found[index]
            ids[first[index] + number - 1] = version_id
            if number == 1:
                story = stories[index] = _story(rng, plan.long)
                changed: list[str] = []
            else:
                story = stories[index]
                changed = _edit(rng, story, at)
            body = story.text()
            if number == len(plan.seen):
                del stories[index]
            yield (
                version_id,
                index + 1,
                number,
                loader.stamp(at),
                content_hash({"title": story.title, "author": story.author, "text": body}),
                story.title,
                story.author,
                loader.stamp(plan.seen[0] - plan.seen[0] % 60),
                None if story.modified is None else loader.stamp(story.modified),
                "en",
                story.paragraphs[0][0],
                SOURCES[plan.source][0].capitalize(),
                json.dumps([TOPICS[index % len(TOPICS)]]),
                f"https://{SOURCES[plan.source][0]}.example/images/{index}.jpg",
                body,
                json.dumps(changed),
                0,
                "bench",
                article_url(index, plan.source, plan.seen[0] // DAY),
                blobs[(index * 31 + number) % BLOBS],
                run_id(at, plan.source, number > 1),
            )

    for batch in _batches(rows(), BATCH):
        loader.write("versions", VERSION_COLUMNS, batch)
    # The id of version n of article i: ids[first[i] + n - 1]; flattened for the checks.
    return ids


def _write_checks(
    loader: Loader, found: list[Plan], end: int, ids: array[int], blobs: list[str]
) -> int:
    count = 0

    def rows() -> Iterator[tuple[object, ...]]:
        nonlocal count
        offset = 0
        for index, plan in enumerate(found):
            url = article_url(index, plan.source, plan.seen[0] // DAY)
            for check in checks(index, plan, end):
                count += 1
                version = None if check.version is None else ids[offset + check.version - 1]
                raw = None if check.status != 200 else blobs[(index * 31 + len(plan.seen)) % BLOBS]
                yield (
                    count,
                    index + 1,
                    run_id(check.at, plan.source, check.outcome != ARTICLE_NEW),
                    loader.stamp(check.at),
                    check.outcome,
                    check.status,
                    url,
                    raw,
                    version,
                )
            offset += len(plan.seen)

    columns = (
        "id",
        "article_id",
        "run_id",
        "checked_at",
        "outcome",
        "http_status",
        "url",
        "raw_sha256",
        "version_id",
    )
    for batch in _batches(rows(), BATCH * 4):
        loader.write("checks", columns, batch)
    return count


def describe(built: Built) -> str:
    per = built.checks / max(1, built.articles)
    return (
        f"{built.versions:,} versions of {built.articles:,} articles, {built.checks:,} checks "
        f"({per:.1f} an article), {built.runs:,} runs in {built.seconds:.0f} s (writing "
        + ", ".join(f"{table} {s:.0f} s" for table, s in built.writing.items() if s >= 1)
        + ")"
    )
