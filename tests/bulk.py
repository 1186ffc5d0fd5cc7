"""A large archive made quickly, for the export memory test and the query benchmarks.

Rows go in with executemany (COPY on Postgres) in big batches (the crawl's write path would
take an hour for 100,000 versions); the full-text index is kept by the same triggers or
generated column as always, so searches see everything.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from storage import Archive
from storage.blobs import put_blob
from storage.models import Article, Source, Version


def _words(text: str) -> list[str]:
    return text.split()


# Words of the kind news text is made of, from very common to rare (Zipf's law: the n-th
# most common word is about n times rarer than the first), so that searches meet the mix of
# common and rare terms a real archive has.
COMMON = _words(
    "the of and to in a is that for on was with said as by at from his it an be have are "
    "has but not were this which they after had who their been would new one year also "
    "more"
)
TOPICS = _words(
    "council budget bridge river harbour school library transit fare election mayor "
    "museum festival weather storm flood port factory union strike court hearing inquiry "
    "housing rent hospital clinic vaccine theatre concert market bakery tram ferry park "
    "garden police fire university research study climate energy solar wind tax bond loan "
    "bank credit jobs"
)
SYLLABLES = _words("ka lo mi ren tas vor el di pan sul bri no gat hem ul fa zin cor est mab")
NAMES = ("Okafor", "Núñez", "Brandt", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Kowalski")
START = datetime(2026, 1, 1, tzinfo=UTC)
BATCH = 5_000


def vocabulary(size: int = 20_000) -> tuple[list[str], list[float]]:
    """Words and their cumulative Zipf weights: common words, then topic words, then made-up
    rare ones in a shuffled (but fixed) order."""
    rng = random.Random(1)
    made_up = {
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)
    }
    rare = sorted(made_up - set(COMMON) - set(TOPICS))
    rng.shuffle(rare)
    words = COMMON + TOPICS + rare
    return words, list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))


WORDS, CUMULATIVE = vocabulary()


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, cum_weights=CUMULATIVE, k=rng.randint(10, 24))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), rng.choice(NAMES))
    return " ".join(words).capitalize() + "."


def fill(url: str, versions: int, *, per_article: int = 4, seed: int = 7) -> None:
    """Add *versions* versions (*per_article* per article) of generated text to the archive."""
    rng = random.Random(seed)
    with Archive(url, write=True) as archive, archive.session() as session:
        source_id = session.scalar(
            insert(Source).values(name="bulk", created_at=START).returning(Source.id)
        )
        blob = put_blob(session, b"<html><body><p>bulk</p></body></html>", "utf-8")
    articles = versions // per_article
    for first in range(0, articles, BATCH // per_article):
        ids = range(first, min(first + BATCH // per_article, articles))
        with Archive(url, write=True) as archive, archive.session() as session:
            rows = [
                {
                    "url_key": f"https://bulk.example/{n}",
                    "url": f"https://bulk.example/{n}",
                    "source_id": source_id,
                    "first_seen_at": START,
                    "last_checked_at": START,
                    "last_changed_at": START,
                    "state": "live",
                }
                for n in ids
            ]
            article_ids = list(session.scalars(insert(Article).returning(Article.id), rows))
            batch = [
                _version(rng, article_id, index, number, blob)
                for index, article_id in zip(ids, article_ids, strict=True)
                for number in range(1, per_article + 1)
            ]
            if session.get_bind().dialect.name == "postgresql":
                _copy_versions(session, batch)
            else:
                session.execute(insert(Version), batch)


def _copy_versions(session: Session, versions: list[dict[str, object]]) -> None:
    """Postgres takes rows fastest through COPY (a third of executemany's time here)."""
    columns = list(versions[0])
    cursor = session.connection().connection.cursor()
    names = ", ".join(columns)
    with cursor.copy(f"COPY versions ({names}) FROM STDIN") as copy:
        for version in versions:
            # COPY's text format takes JSON columns as JSON text.
            copy.write_row([json.dumps(v) if isinstance(v, list) else v for v in version.values()])


def _version(
    rng: random.Random, article_id: int, index: int, number: int, blob: str
) -> dict[str, object]:
    """Version *number* of the *index*-th article (https://bulk.example/<index>), first seen
    on day ``index % 300`` of 2026 at <number> o'clock."""
    text = "\n".join(sentence(rng) for _ in range(rng.randint(3, 6)))
    seen = START + timedelta(days=index % 300, hours=number)
    return {
        "article_id": article_id,
        "number": number,
        "first_seen_at": seen,
        "content_hash": hashlib.sha256(text.encode()).hexdigest(),
        "title": sentence(rng)[:80],
        "author": rng.choice(NAMES),
        "published_at": START + timedelta(days=index % 300),
        "modified_at": None,
        "language": "en",
        "description": None,
        "site_name": "Bulk",
        "tags": [],
        "image": None,
        "text": text,
        "changed": [] if number == 1 else ["text"],
        "simhash": 0,
        "extractor": "bulk",
        "url": f"https://bulk.example/{index}",
        "blob_sha256": blob,
        "run_id": None,
    }
