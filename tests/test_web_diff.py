"""The diff page, /diff, and `archiver diff --format html`, made by the one renderer: both
versions side by side, aligned paragraph to paragraph, on SQLite and Postgres."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from parsel import Selector

from storage.content import normalize
from storage.diff import Segment, side_by_side
from tests.crawling import archiver
from tests.site import NewsSite
from tests.web import HOSTILE_TITLE, History, client, make_history

e2e = pytest.mark.e2e


@pytest.fixture
def history(site: NewsSite, archived: Path, db_url: str) -> History:
    return make_history(site, archived, db_url)


@dataclass(frozen=True)
class Shown:
    """A row of the side-by-side body, as a reader sees it."""

    kind: str  # same, changed, added or removed
    id: str | None
    old: str  # the text of the old version's side
    new: str
    deleted: tuple[str, ...]  # what is inside <del> on the old side
    inserted: tuple[str, ...]  # what is inside <ins> on the new side


def text(found: Selector) -> str:
    return found.xpath("string(.)").get("")


def body_rows(page: str) -> list[Shown]:
    rows = []
    for row in Selector(text=page).css("div.sides > div.row"):
        classes = row.attrib["class"].split()
        if "heading" in classes:
            continue
        (old,) = row.xpath("./div[@class='old']")
        (new,) = row.xpath("./div[@class='new']")
        rows.append(
            Shown(
                classes[1],
                row.attrib.get("id"),
                text(old),
                text(new),
                tuple(text(piece) for piece in old.css("del")),
                tuple(text(piece) for piece in new.css("ins")),
            )
        )
    return rows


def paragraphs(web_text: str) -> list[str]:
    return [line for line in web_text.splitlines() if line.strip()]


@e2e
def test_the_inserted_paragraph_is_marked_beside_the_unchanged_ones(history: History) -> None:
    with client(history.db_url) as web:
        page = web.get("/diff", params={"url": history.edited})
        first = web.get("/api/show", params={"url": history.edited, "n": 1}).json()["text"]
        second = web.get("/api/show", params={"url": history.edited, "n": 2}).json()["text"]
    assert page.status_code == 200
    rows = body_rows(page.text)
    changed = [row for row in rows if row.kind != "same"]
    assert len(changed) == 1
    (added,) = changed
    assert (added.kind, added.id, added.old, added.deleted) == ("added", "change-1", "", ())
    assert [normalize(text) for text in added.inserted] == [normalize(history.inserted)]
    assert added.new == added.inserted[0]
    # Every other paragraph is the same on both sides, in the same row, in order.
    same = [row for row in rows if row.kind == "same"]
    assert same
    assert all(row.old == row.new and not row.deleted for row in same)
    assert [row.old for row in rows if row.old] == paragraphs(first)
    assert [row.new for row in rows] == paragraphs(second)
    # Jump to the change: the top link goes to it, its own link (the last) back to the top.
    assert 'class="next-change" href="#change-1"' in page.text
    assert 'id="change-1"' in page.text
    assert 'href="#diff"' in page.text
    assert 'src="/static/diff.js"' in page.text
    assert 'href="/static/diff.css"' in page.text


@e2e
def test_changes_only_leaves_out_the_unchanged_paragraphs(history: History) -> None:
    with client(history.db_url) as web:
        whole = web.get("/diff", params={"url": history.edited})
        only = web.get("/diff", params={"url": history.edited, "changes": "1"})
    assert [row.kind for row in body_rows(only.text)] == ["added"]
    assert len(body_rows(whole.text)) > 1
    # The whole page offers the changes alone; that page links back to the whole text.
    assert "changes=1" in whole.text
    assert "Show the whole text" not in whole.text
    (link,) = Selector(text=only.text).xpath("//nav[@class='diff-nav']//a[not(@class)]")
    assert text(link) == "Show the whole text"
    assert "changes=" not in link.attrib["href"]
    assert "from=1" in link.attrib["href"]


@e2e
def test_the_last_two_versions_by_default_or_the_ones_asked(
    site: NewsSite, history: History
) -> None:
    second_insert = site.edit_body(site.article_ids()[-1])
    result = archiver("revisit", "--all", "--everything", config=history.config, db=history.db_url)
    assert result.code == 0, result.stderr[-2000:]
    with client(history.db_url) as web:
        latest = web.get("/diff", params={"url": history.edited})
        both = web.get("/diff", params={"url": history.edited, "from": 1, "to": 3})
        backwards = web.get("/diff", params={"url": history.edited, "from": 3, "to": 1})
    assert "Version 2</th><th>Version 3" in latest.text
    (added,) = (row for row in body_rows(latest.text) if row.kind != "same")
    assert normalize(added.new) == normalize(second_insert)
    assert normalize(history.inserted) in [normalize(row.old) for row in body_rows(latest.text)]
    changes = [row for row in body_rows(both.text) if row.kind != "same"]
    assert [(row.kind, row.id) for row in changes] == [("added", "change-1"), ("added", "change-2")]
    assert {normalize(row.new) for row in changes} == {
        normalize(history.inserted),
        normalize(second_insert),
    }
    removed = [row for row in body_rows(backwards.text) if row.kind != "same"]
    assert [row.kind for row in removed] == ["removed", "removed"]
    assert all(row.new == "" and row.deleted == (row.old,) for row in removed)


@e2e
def test_hostile_fields_are_compared_as_text(history: History) -> None:
    with client(history.db_url) as web:
        page = web.get("/diff", params={"url": history.hostile}).text
    cli = archiver(
        "diff", history.hostile, "--format", "html", config=history.config, db=history.db_url
    ).stdout
    for markup in (page, cli):
        assert "<script>alert" not in markup
        assert "</textarea><b>" not in markup
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in markup
        tree = Selector(text=markup)
        (title,) = tree.xpath("//table[@class='fields']/tbody/tr[th[starts-with(., 'Title')]]")
        assert title.attrib["class"] == "changed"
        assert text(title.xpath("./td")[1]) == HOSTILE_TITLE
        assert text(tree.css("h1")[0]) == HOSTILE_TITLE
        assert all(row.kind == "same" for row in body_rows(markup))


@e2e
def test_unknown_articles_and_versions_and_bad_numbers_are_pages(
    site: NewsSite, history: History
) -> None:
    with client(history.db_url) as web:
        nowhere = web.get("/diff", params={"url": "https://nowhere.example/"})
        no_version = web.get("/diff", params={"url": history.edited, "to": 9})
        one_version = web.get("/diff", params={"url": site.url(site.article_ids()[0])})
        not_a_number = web.get("/diff", params={"url": history.edited, "from": "x"})
        zero = web.get("/diff", params={"url": history.edited, "from": "0"})
        no_url = web.get("/diff")
    assert nowhere.status_code == 404
    assert "<h1>Not found</h1>" in nowhere.text
    assert no_version.status_code == 404
    assert "versions 1 to 2" in no_version.text
    assert one_version.status_code == 404
    assert "only one version" in one_version.text
    assert not_a_number.status_code == 400
    assert zero.status_code == 400
    assert no_url.status_code == 400
    pages = (nowhere, no_version, one_version, not_a_number, zero, no_url)
    assert all("Traceback" not in page.text for page in pages)


@e2e
def test_the_command_line_writes_the_same_page_standalone(history: History) -> None:
    with client(history.db_url) as web:
        page = web.get("/diff", params={"url": history.edited, "from": 1, "to": 2}).text
    result = archiver(
        "diff", history.edited, "--format", "html", config=history.config, db=history.db_url
    )
    assert result.code == 0, result.stderr
    alone = result.stdout
    assert alone.startswith("<!DOCTYPE html>")
    assert body_rows(alone) == body_rows(page)
    assert 'id="change-1"' in alone
    assert 'href="#change-1"' in alone
    # One file: its style and script inside it, no link into a viewer that is not there.
    assert "/* diff" in alone
    assert ".sides .row" in alone
    assert "next-change" in alone
    assert "<script>\n" in alone
    assert "<link" not in alone
    assert 'href="/' not in alone
    assert 'src="/' not in alone


def test_an_edited_paragraph_is_beside_what_it_became_and_the_others_alone() -> None:
    old = "Kept as it was.\nThe council approved the budget on Monday.\nDropped entirely.\nEnd."
    new = "Kept as it was.\nThe council rejected the budget on Tuesday night.\nA new one.\nEnd."
    rows = side_by_side(old, new)
    assert [row.kind for row in rows] == ["same", "changed", "removed", "added", "same"]
    edited = rows[1]
    assert edited.old == (
        Segment("The council ", "equal"),
        Segment("approved", "delete"),
        Segment(" the budget on ", "equal"),
        Segment("Monday", "delete"),
        Segment(".", "equal"),
    )
    assert [s.text for s in edited.new if s.kind == "insert"] == ["rejected", "Tuesday night"]
    # Each side is its version's text, paragraph by paragraph.
    assert ["".join(s.text for s in row.old) for row in rows if row.old] == old.split("\n")
    assert ["".join(s.text for s in row.new) for row in rows if row.new] == new.split("\n")


def test_paragraphs_are_paired_by_likeness_not_by_position() -> None:
    old = "First of two old words here.\nSecond paragraph with its many words intact."
    new = (
        "An added opening.\n"
        "First of two old words here, edited.\n"
        "Second paragraph with its many words intact!"
    )
    rows = side_by_side(old, new)
    assert [row.kind for row in rows] == ["added", "changed", "changed"]
    assert rows[0].new == (Segment("An added opening.", "insert"),)
    assert side_by_side("", "") == ()
    assert [row.kind for row in side_by_side("One.\n\nTwo.", "One.\nTwo.")] == ["same", "same"]
