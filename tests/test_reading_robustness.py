"""No article is lost to what a page holds besides it: references to characters XML cannot
hold, JSON-LD nested, sized or shaped to break a parser, HTML nested deeper than libxml2
parses. A date no story can have is left out, and counted.

The reading itself (pipelines.reader.read_page: real pages, real trafilatura) first, then
``archiver fetch`` of the hostile corpus's reading cases, on SQLite and on Postgres.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trafilatura
from lxml import etree
from scrapy.http import HtmlResponse
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

from pipelines.metadata import MAX_JSON_LD_DEPTH, MAX_JSON_LD_SCRIPTS, is_article
from pipelines.reader import OPTIONS, impossible_date, read_page
from scraper.cli.crawling import _print_summary
from storage import Archive
from storage.records import Dropped, Reading
from tests.crawling import FAST_FLAGS, archiver
from tests.hostile import HostileSite, serve_hostile
from tests.hostile.cases import (
    BAD_REFERENCES,
    NEWS_JSON_LD,
    PARAGRAPHS,
    RAW_CONTROLS,
    article,
    json_ld,
    reading_cases,
    scattered,
)

URL = "https://example.org/news/quay-budget"
# A fetch a month ago, so that htmldate (whose latest date is today) does not reject the
# dates near it that the reading is to judge.
FETCHED = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)


def read(html: str, fetched_at: datetime | None = None) -> Reading:
    reading = read_page(html.encode("utf-8", "surrogatepass"), "text/html", URL, fetched_at)
    assert isinstance(reading, Reading), reading
    return reading


def body_lines(reading: Reading) -> list[str]:
    return reading.content.text.split("\n")


# --- characters XML cannot hold -----------------------------------------------------------------


def test_trafilatura_alone_loses_a_page_with_a_control_character_reference() -> None:
    """Where the article was lost: libxml2 keeps the character a reference names, lxml refuses
    to set a text holding it, and trafilatura, which rewrites texts, discards the page."""
    html = article("Pasted", (scattered(PARAGRAPHS[0], ("&#11;",)), *PARAGRAPHS[1:]))
    tree = load_html(html)
    assert tree is not None
    assert "\x0b" in tree.text_content()
    with pytest.raises(ValueError, match="XML compatible"):
        etree.Element("p").text = "\x0b"
    assert trafilatura.bare_extraction(tree, options=Extractor(url=URL, **OPTIONS)) is None
    assert body_lines(read(html))[0] == PARAGRAPHS[0]


@pytest.mark.parametrize("mark", [*BAD_REFERENCES, *RAW_CONTROLS, "&#x0B", "&#27;", "&#1114112;"])
def test_a_character_xml_cannot_hold_is_left_out_and_the_text_kept(mark: str) -> None:
    paragraph = scattered(PARAGRAPHS[1], (mark,) * 8)
    reading = read(article("Pasted", (PARAGRAPHS[0], paragraph, PARAGRAPHS[2])))
    assert body_lines(reading)[-3:] == list(PARAGRAPHS)
    assert reading.dropped == ()


def test_references_to_characters_xml_holds_are_read_as_before() -> None:
    marked = "Rents rose 5&#128; a week, the mayor&#8217;s office said &#x2014; again&#x1F3E0;."
    reading = read(article("Rents", (marked, *PARAGRAPHS)))
    # &#128; is the euro sign: HTML reads references to C1 controls as windows-1252.
    assert (
        body_lines(reading)[0]
        == "Rents rose 5\u20ac a week, the mayor\u2019s office said \u2014 again\U0001f3e0."
    )


# --- JSON-LD that breaks parsers ---------------------------------------------------------------


def _nested(depth: int) -> str:
    """A NewsArticle whose JSON nests *depth* deep in all."""
    return (
        '{"@type": "NewsArticle", "headline": "Quay budget approved", "x": '
        + "[" * (depth - 1)
        + "]" * (depth - 1)
        + "}"
    )


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        (json_ld("[" * 100_000), "a block nested 100000 deep, over the limit of 64"),
        (json_ld('{"a":' * 100_000), "a block nested 100000 deep, over the limit of 64"),
        (json_ld('{"a": [' * 50_000 + "1" + "]}" * 50_000), "a block nested 100000 deep"),
        (json_ld(_nested(MAX_JSON_LD_DEPTH + 1)), "a block nested 65 deep"),
        (json_ld('{"a": "' + "x" * 600_000 + '"}'), "a block of 600009 characters"),
        (json_ld(*['{"@type": "WebPage"}'] * 2000), "1937 blocks after the first 64"),
        (
            json_ld(*['["' + "y" * 400_000 + '"]'] * 3),
            "a block past the first 1048576 characters of JSON",
        ),
    ],
    ids=["arrays", "objects", "mixed", "just-too-deep", "too-large", "too-many", "too-much"],
)
def test_json_ld_too_costly_to_parse_is_left_out_and_the_article_kept(
    head: str, reason: str
) -> None:
    reading = read(article("Quay budget", head=head + NEWS_JSON_LD))
    assert body_lines(reading)[-3:] == list(PARAGRAPHS)
    assert [d.what for d in reading.dropped] == ["json_ld"]
    assert reading.dropped[0].why.startswith(reason)


def test_json_ld_that_can_be_read_still_is_after_a_bomb() -> None:
    bombed = read(article("Quay budget", head=json_ld("[" * 100_000) + NEWS_JSON_LD))
    assert bombed.content.title == "Quay budget approved"  # the headline of the next block
    assert bombed.content.published_at == datetime(2026, 11, 2, 8, tzinfo=UTC)
    at_the_limit = read(article("Quay budget", head=json_ld(_nested(MAX_JSON_LD_DEPTH))))
    assert at_the_limit.content.title == "Quay budget approved"
    assert at_the_limit.dropped == ()
    up_to_the_count = json_ld(*['{"@type": "WebPage"}'] * (MAX_JSON_LD_SCRIPTS - 1))
    counted = read(article("Quay budget", head=up_to_the_count + NEWS_JSON_LD))
    assert counted.content.title == "Quay budget approved"
    assert counted.dropped == ()


@pytest.mark.parametrize(
    "block",
    [
        '"a string"',
        "[1, 2, 3]",
        "null",
        "3.5e999",
        "[" + "9" * 5000 + "]",  # more digits than int() takes from a string
        '{"@graph": "not a list"}',
        '{"@graph": 7}',
        '{"@graph": [1, "two", null, [{"@type": "NewsArticle"}]]}',
        '{"@type": "NewsArticle", "author": 42}',
        '{"@type": "NewsArticle", "author": [null, 3, {"name": ["x"]}, {"name": {"a": 1}}]}',
        '{"@type": "NewsArticle", "datePublished": {"when": "soon"}, "dateModified": [1]}',
        '{"@type": "NewsArticle", "datePublished": "not a date", "dateModified": ""}',
        '{"@type": "NewsArticle", "headline": ["a", "b"]}',
        '{"@type": 5, "headline": "typed by number"}',
        '{"@type": [null, {"x": 1}], "headline": "typed by nothing"}',
    ],
)
def test_json_ld_of_unexpected_shapes_is_read_for_what_it_holds(block: str) -> None:
    reading = read(article("Odd shapes", head=json_ld(block)))
    assert body_lines(reading)[-3:] == list(PARAGRAPHS)
    assert reading.content.title == "Odd shapes"
    assert reading.content.author is None
    assert reading.content.published_at is None
    assert reading.dropped == ()


def test_a_graph_of_one_object_is_read() -> None:
    block = '{"@graph": {"@type": "NewsArticle", "headline": "A lone graph", "author": "Ann Lee"}}'
    reading = read(article("Odd shapes", head=json_ld(block)))
    assert (reading.content.title, reading.content.author) == ("A lone graph", "Ann Lee")


@pytest.mark.parametrize("bomb", ["[" * 100_000, '{"a":' * 100_000], ids=["arrays", "objects"])
def test_the_spider_tells_an_article_from_its_json_ld_whatever_else_it_holds(bomb: str) -> None:
    """The spider reads a page's stated metadata itself, in the crawl's process, to tell an
    article (scraper.spiders.archive): a bomb there must not end the page as spider_error."""
    for head, kind in ((NEWS_JSON_LD, "website"), ("", "article")):
        html = article("Quay", head=json_ld(bomb) + head).replace('"article"', f'"{kind}"')
        response = HtmlResponse(URL, body=html.encode(), encoding="utf-8")
        assert is_article(response.selector.root)
    page = article("Quay", head=json_ld(bomb)).replace('"article"', '"website"')
    response = HtmlResponse(URL, body=page.encode(), encoding="utf-8")
    assert not is_article(response.selector.root)


# --- HTML nested deeper than libxml2 parses ----------------------------------------------------


@pytest.mark.parametrize("depth", [300, 5000, 100_000])
@pytest.mark.parametrize(
    ("where", "tag", "closed"),
    [("<body>", "div", True), ("<body>", "h2", False), ("<article>", "span", False)],
)
def test_an_article_in_or_after_a_deep_structure_is_read(
    depth: int, where: str, tag: str, closed: bool
) -> None:
    """Elements nested deeper than libxml2 parses, closed after the junk they hold or never
    closed at all, before the article or around it."""
    deep = f"<{tag}>" * depth + "ad" + (f"</{tag}>" * depth if closed else "")
    assert body_lines(read(article("Deep").replace(where, where + deep)))[-3:] == list(PARAGRAPHS)


# --- dates no story can have -------------------------------------------------------------------


def _published(value: str) -> str:
    return article("Dated", head=f'<meta property="article:published_time" content="{value}">')


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00Z",
        "0001-01-01",
        "1799-12-31T23:59:59Z",
        "9999-12-31T00:00:00Z",
        "9999-12-31",
        # After the fetch: given as offsets, so that every test worker collects the same ids.
        timedelta(hours=25),
        timedelta(days=20),
    ],
)
def test_a_date_no_story_can_have_is_left_out(value: str | timedelta) -> None:
    if isinstance(value, timedelta):
        value = _iso(FETCHED + value)
    reading = read(_published(value), FETCHED)
    assert reading.content.published_at is None
    assert [d.what for d in reading.dropped] == ["published_at"]
    assert body_lines(reading)[-3:] == list(PARAGRAPHS)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1800, 1, 1, tzinfo=UTC),
        datetime(1923, 5, 4, 10, tzinfo=UTC),
        FETCHED - timedelta(days=3),
        FETCHED + timedelta(hours=23),  # the publisher's clock or time zone ahead of ours
    ],
)
def test_a_possible_date_is_kept(moment: datetime) -> None:
    reading = read(_published(_iso(moment)), FETCHED)
    assert reading.content.published_at == moment
    assert reading.dropped == ()


def test_each_impossible_date_is_left_out_on_its_own() -> None:
    head = (
        '<meta property="article:published_time" content="2026-10-01T08:00:00Z">'
        '<meta property="article:modified_time" content="9999-12-31T23:59:59Z">'
    )
    reading = read(article("Dated", head=head), FETCHED)
    assert reading.content.published_at == datetime(2026, 10, 1, 8, tzinfo=UTC)
    assert reading.content.modified_at is None
    assert reading.dropped == (
        Dropped("modified_at", "9999-12-31T23:59:59+00:00 is after the page was fetched"),
    )
    stated = json_ld('{"@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00Z"}')
    from_json_ld = read(article("Dated", head=stated), FETCHED)
    assert from_json_ld.content.published_at is None
    assert from_json_ld.dropped == (
        Dropped("published_at", "0001-01-01T00:00:00+00:00 is before 1800"),
    )


def test_the_fetch_time_is_the_reading_time_unless_given() -> None:
    # Two months on: htmldate, which reads a month alone when it finds no whole date it
    # accepts, sees none it accepts either.
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=60)
    assert read(_published(_iso(later))).content.published_at is None
    # A fetch time without a zone, as SQLite gives them back, is UTC.
    naive = FETCHED.replace(tzinfo=None)
    assert read(_published(_iso(FETCHED)), naive).content.published_at == FETCHED
    assert impossible_date(None, FETCHED) is None


# --- end to end: archiver fetch ----------------------------------------------------------------


@pytest.mark.e2e
def test_fetch_archives_every_article_whatever_else_its_page_holds(
    db_url: str, tmp_path: Path
) -> None:
    cases = reading_cases()
    site = HostileSite({case.path: case.handler for case in cases})
    log = tmp_path / "outcomes.jsonl"
    with serve_hostile(site):
        urls = [site.base_url + case.path for case in cases]
        args = ("fetch", *urls, "--json", "--outcomes", str(log), *FAST_FLAGS)
        result = archiver(*args, db=db_url)
    assert result.code == 0, result.stderr[-3000:]
    summary = result.json()
    outcomes = {r["url"]: r["outcome"] for r in map(json.loads, log.read_text().splitlines())}
    assert outcomes == dict.fromkeys(urls, "article_new")
    assert summary["failed"] == {}
    assert "Traceback" not in result.stderr
    # The two impossible dates, and the three pages with JSON-LD too costly to read.
    assert summary["dates_dropped"] == summary["runs"][0]["stats"]["dates_dropped"] == 2
    assert summary["metadata_skipped"] == summary["runs"][0]["stats"]["metadata_skipped"] == 3
    with Archive(db_url) as archive:
        shown = {case.path: archive.show(site.base_url + case.path) for case in cases}
    for case in cases:
        assert case.must_contain is not None
        assert case.must_contain in shown[case.path].text, case.path
    assert shown["/reading/year-9999"].published_at is None
    assert shown["/reading/year-1"].published_at is None
    assert shown["/reading/json-ld-nested-arrays"].title == "Quay budget approved"
    assert shown["/reading/json-ld-nested-arrays"].published_at == datetime(
        2026, 11, 2, 8, tzinfo=UTC
    )
    # One line of the crawl's log for each page read without something, saying what.
    for path, level in (
        ("/reading/year-9999", "INFO"),
        ("/reading/json-ld-nested-objects", "WARNING"),
    ):
        lines = [line for line in result.stderr.splitlines() if site.base_url + path in line]
        said = [line for line in lines if "is archived without" in line]
        assert len(said) == 1, lines
        assert re.search(rf"\] {level}: ", said[0]), said[0]


def test_the_printed_summary_says_what_articles_were_archived_without(
    capsys: pytest.CaptureFixture[str],
) -> None:
    stats = {"articles_new": 3, "pages": 3, "dates_dropped": 2, "metadata_skipped": 1}
    run = {"id": 7, "source": None, "finish_reason": "finished", "stats": stats}
    _print_summary({"runs": [run]})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("ad hoc (run 7, finished): 3 new articles")
    assert printed[1:] == ["  archived without: impossible dates 2, unreadable metadata 1"]
    _print_summary({"runs": [{**run, "stats": {"articles_new": 3}}]})
    assert len(capsys.readouterr().out.splitlines()) == 1
