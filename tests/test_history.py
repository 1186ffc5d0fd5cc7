"""Every version says why it exists, whether the page announced it, and whether it matters
(storage.history): the rules on hand-made pairs, then edits of the local test site on
SQLite and Postgres, then the labels given to versions archived before them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from storage import Archive, migrate
from storage.engine import create_archive_engine
from storage.history import MINOR, SUBSTANTIVE, significance, silent
from storage.models import Version
from tests.crawling import archiver, crawl
from tests.site import NewsSite
from tests.web import client

BODY = "The council voted to close the bridge for repairs on Monday."


def _pair(old: str, new: str, *, title: tuple[str, str] = ("Bridge", "Bridge")) -> str:
    return significance(
        {"title": title[0], "author": "Ana Núñez", "text": old},
        {"title": title[1], "author": "Ana Núñez", "text": new},
    )


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (BODY, MINOR),
        ("The council voted to close the bridge for repairs on  Monday!", MINOR),  # punctuation
        ("the Council voted to close the Bridge for repairs on Monday.", MINOR),  # case
        ("The councl voted to close the bridge for repairs on Monday.", MINOR),  # a typo
        ("The councl voted to clse the bridge for repairs on Monday.", MINOR),  # two typos
        ("The councl voted to clse the brige for repairs on Monday.", SUBSTANTIVE),  # three
        ("The council voted to open the bridge for repairs on Monday.", SUBSTANTIVE),
        ("The council voted not to close the bridge for repairs on Monday.", SUBSTANTIVE),
        ("The council voted to close the bridge on Monday.", SUBSTANTIVE),  # words dropped
        ("The council voted to close the bridge for repairs on Tuesday.", SUBSTANTIVE),
        (BODY + "\n\nThe mayor disagreed.", SUBSTANTIVE),  # a paragraph added
    ],
)
def test_significance_of_body_changes(new: str, expected: str) -> None:
    assert _pair(BODY, new) == expected


def test_a_number_changed_by_one_digit_is_substantive() -> None:
    old = "Repairs will cost 5 million and take 18 months."
    assert _pair(old, old.replace("5 million", "6 million")) == SUBSTANTIVE
    assert _pair(old, old.replace("18", "13")) == SUBSTANTIVE


def test_a_changed_title_is_substantive_however_small() -> None:
    assert _pair(BODY, BODY, title=("Bridge closes", "Bridge closes!")) == MINOR
    assert _pair(BODY, BODY, title=("Bridge closes", "Bridge closed")) == SUBSTANTIVE


def test_a_byline_typo_is_minor_and_a_new_byline_substantive() -> None:
    def byline(old: str, new: str) -> str:
        return significance(
            {"title": "T", "author": old, "text": BODY}, {"title": "T", "author": new, "text": BODY}
        )

    assert byline("Ana Nunez", "Ana Nunes") == MINOR
    assert byline("Ana Núñez", "Ana Núñez and Tom Okafor") == SUBSTANTIVE


def test_silent_means_the_stated_modification_did_not_move() -> None:
    when = datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert silent(None, None) is True
    assert silent(when, when) is True
    assert silent(when, None) is True  # the page stopped stating it
    assert silent(when, when + timedelta(hours=1)) is False
    assert silent(None, when) is False  # it states one now
    # The same moment in another time zone is the same statement.
    assert silent(when, when.astimezone(datetime.now().astimezone().tzinfo)) is True


@pytest.mark.e2e
def test_edits_of_the_site_are_labelled_as_they_happened(
    site: NewsSite, archived: Path, db_url: str
) -> None:
    typo, announced, retitled = site.article_ids()[:3]
    urls_of = {name: site.url(name) for name in (typo, announced, retitled)}
    word = next(w for w in site.article(typo).paragraphs[0].split() if len(w) > 6 and w.isalpha())
    site.fix_word(typo, word, word[:-2] + word[-1], silent=True)  # a letter dropped, quietly
    site.edit_body(announced)  # a paragraph, and a new "Updated" time
    site.edit_title(retitled)
    crawl(archived, db_url)

    def latest(article_id: str) -> dict[str, object]:
        result = archiver("versions", site.url(article_id), "--json", db=db_url)
        assert result.code == 0, result.stderr
        first, second = result.json()
        assert (first["cause"], first["silent"], first["significance"]) == (
            "first",
            None,
            SUBSTANTIVE,
        )
        shown = archiver("show", site.url(article_id), "--json", db=db_url).json()
        assert {k: shown[k] for k in ("cause", "silent", "significance")} == {
            k: second[k] for k in ("cause", "silent", "significance")
        }
        return dict(second)

    assert {k: latest(typo)[k] for k in ("cause", "silent", "significance")} == {
        "cause": "edit",
        "silent": True,
        "significance": MINOR,
    }
    assert {k: latest(announced)[k] for k in ("cause", "silent", "significance")} == {
        "cause": "edit",
        "silent": False,
        "significance": SUBSTANTIVE,
    }
    assert latest(retitled)["significance"] == SUBSTANTIVE

    # A diff says what kind of change it shows, in each of its forms.
    typo_diff = archiver("diff", urls_of[typo], "--json", db=db_url).json()
    assert (typo_diff["silent"], typo_diff["significance"]) == (True, MINOR)
    announced_diff = archiver("diff", urls_of[announced], db=db_url).stdout
    assert "version 1 -> 2 (edit, announced, substantive)" in announced_diff
    page = archiver("diff", urls_of[typo], "--format", "html", db=db_url).stdout
    assert '<span class="labels">edit, silent, minor</span>' in page

    # The changes across the archive, newest first, filtered by the labels.
    def changes(*options: str) -> list[tuple[str, str]]:
        result = archiver("changes", *options, "--json", db=db_url)
        assert result.code == 0, result.stderr
        return [(row["url"], row["significance"]) for row in result.json()]

    assert set(changes()) == {
        (urls_of[typo], MINOR),
        (urls_of[announced], SUBSTANTIVE),
        (urls_of[retitled], SUBSTANTIVE),
    }
    assert changes("--silent") == [(urls_of[typo], MINOR)]
    assert {url for url, _ in changes("--substantive")} == {urls_of[announced], urls_of[retitled]}
    assert changes("--silent", "--substantive") == []
    assert len(changes("--source", "riverside", "--limit", "2")) == 2
    unknown = archiver("changes", "--source", "nosuch", db=db_url)
    assert unknown.code != 0
    assert "no source 'nosuch'" in unknown.stderr
    text_listing = archiver("changes", "--silent", db=db_url)
    assert "(edit, silent, minor; text)" in text_listing.stdout
    with client(db_url) as web:
        quiet = web.get("/", params={"silent": "1"})
    assert quiet.status_code == 200
    assert site.article(typo).title in quiet.text
    assert site.article(announced).title not in quiet.text
    assert 'name="silent" value="1" checked' in quiet.text

    exported = archiver("export", "--format", "jsonl", "-o", "-", "--all-versions", db=db_url)
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    labels = {(row["url"], row["version"]): (row["cause"], row["silent"]) for row in lines}
    assert labels[(site.url(typo), 2)] == ("edit", True)
    assert labels[(site.url(typo), 1)] == ("first", None)


def test_versions_archived_before_the_labels_get_them(empty_db_url: str) -> None:
    """Revision 0007 labels the versions already in an archive."""
    engine = create_archive_engine(empty_db_url)
    migrate.upgrade(engine, "0006")
    when = datetime(2026, 11, 1, tzinfo=UTC)
    later = when + timedelta(days=1)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO html_blobs (sha256, encoding, size, data, created_at) "
                "VALUES ('b', 'utf-8', 0, :data, :at)"
            ),
            {"data": b"", "at": when},
        )
        connection.execute(
            text(
                "INSERT INTO articles (id, url_key, url, first_seen_at, last_checked_at, "
                "last_changed_at, state) VALUES (1, 'k', 'https://a.example/', :at, :at, :at, "
                "'live')"
            ),
            {"at": when},
        )
        texts = [  # body, stated modification
            (BODY, when),
            (BODY.replace("council", "councl"), when),  # a typo, unannounced
            (BODY + "\n\nThe mayor disagreed.", later),  # a paragraph, announced
            (BODY.replace("Monday", "Friday") + "\n\nThe mayor disagreed.", None),
        ]
        for number, (body, modified) in enumerate(texts, start=1):
            connection.execute(
                text(
                    "INSERT INTO versions (article_id, number, first_seen_at, content_hash, "
                    "title, text, modified_at, tags, changed, simhash, extractor, url, "
                    "blob_sha256) VALUES (1, :n, :at, :hash, 'Bridge', :body, :modified, "
                    "'[]', '[]', 0, 'test', 'https://a.example/', 'b')"
                ),
                {"n": number, "at": when, "hash": str(number), "body": body, "modified": modified},
            )
    migrate.upgrade(engine)
    with Archive(empty_db_url) as archive, archive.session() as session:
        labels = session.execute(
            select(Version.cause, Version.silent, Version.significance).order_by(Version.number)
        ).all()
        found = archive.search("councl", all_versions=True).hits
    engine.dispose()
    assert [tuple(row) for row in labels] == [
        ("first", None, SUBSTANTIVE),
        ("edit", True, MINOR),
        ("edit", False, SUBSTANTIVE),
        ("edit", True, SUBSTANTIVE),
    ]
    assert [hit.version for hit in found] == [2]  # the full-text index is whole
