from __future__ import annotations

from storage.content import (
    COMPARED_FIELDS,
    CONTENT_FIELDS,
    VERSION_FIELDS,
    Content,
    changed_fields,
    content_hash,
    normalize,
    simhash,
    simhash_distance,
)
from storage.export import FIELDS
from storage.models import Version

BODY = (
    "The council approved the budget on Tuesday after a long debate about transport.\n"
    "Opponents said the plan would raise taxes in the eastern districts of the city.\n"
    "The mayor is expected to sign the measure next week, a spokesperson said."
)


def test_normalize_collapses_whitespace_and_composes_unicode() -> None:
    decomposed = "Jose\u0301  Nu\u0301n\u0303ez\n\tsaid"
    assert normalize(decomposed) == "Jos\u00e9 N\u00fa\u00f1ez said"
    assert normalize(None) == ""


def test_hash_ignores_whitespace_but_not_words() -> None:
    a = Content(title="Budget passes", author="Ann", text=BODY)
    b = Content(title="Budget  passes ", author="Ann", text=BODY.replace("\n", "\n\n  "))
    c = Content(title="Budget passes", author="Ann", text=BODY.replace("Tuesday", "Monday"))
    assert a.content_hash == b.content_hash
    assert a.content_hash != c.content_hash


def test_hash_covers_title_author_and_text_only() -> None:
    a = Content(title="T", author="A", text="x", description="one", tags=("a",))
    b = Content(title="T", author="A", text="x", description="two", tags=("b",))
    assert a.content_hash == b.content_hash
    assert content_hash({"title": "T", "author": "A", "text": "x"}) == a.content_hash
    assert content_hash({"title": "T", "author": "B", "text": "x"}) != a.content_hash


def test_changed_fields_names_what_differs() -> None:
    old = {"title": "T", "author": "A", "text": "body"}
    assert changed_fields(old, {"title": "T2", "author": "A", "text": "body"}) == ["title"]
    assert changed_fields(old, {"title": "T", "author": "A", "text": "body 2"}) == ["text"]
    assert changed_fields(old, {"title": "T", "author": "A ", "text": " body"}) == []


def test_simhash_labels_small_edits_as_near() -> None:
    edited = BODY.replace("next week", "next month")
    other = "A completely different story about football results and weather in the north."
    near = simhash_distance(simhash(BODY), simhash(edited))
    far = simhash_distance(simhash(BODY), simhash(other))
    assert near < far
    assert -(2**63) <= simhash(BODY) < 2**63


def test_the_content_fields_are_declared_once_and_stored_as_declared() -> None:
    # Stored hashes depend on this order: it never changes.
    assert VERSION_FIELDS == ("title", "author", "text")
    assert COMPARED_FIELDS == ("title", "author", "published_at", "modified_at")
    columns = set(Version.__table__.columns.keys())
    assert set(CONTENT_FIELDS) <= columns  # every field has its column
    assert set(CONTENT_FIELDS) <= set(FIELDS)  # and its export column
    content = Content(title="T", author="A", text="x", tags=("a", "b"))
    assert content.columns()["tags"] == ["a", "b"]
    assert set(content.columns()) == set(CONTENT_FIELDS)


def test_simhash_values_stay_what_the_archive_stored() -> None:
    # Stored versions keep their simhash: a new way of computing it must give the same bits
    # (these were computed by the first implementation, bit strings counted column by column).
    assert simhash("The council met on Tuesday and voted on the budget for the coming year.") == (
        -8306368957208326911
    )
    assert simhash("") == -1970711489451281740
    assert simhash("one") == 3815355558890182089
    assert simhash("a b c d e f g h i j k l m n o p" * 20) == -141156577787517769
