"""Extraction details that the shared benchmark and the test site depend on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from lxml.html import HtmlElement, fromstring

from pipelines.bylines import byline
from pipelines.metadata import is_article, parse_datetime, stated_metadata
from pipelines.reader import (
    Unreadable,
    drop_link_lines,
    extract,
    published_at,
    read_page,
)
from pipelines.titles import Brand, headline
from storage.engine import redact
from storage.records import Reading
from tests.site import NewsSite

NEWSROOM = timezone(timedelta(hours=-5))


def test_dates_keep_the_publishers_offset() -> None:
    evening = parse_datetime("2026-11-08T21:30:00-05:00")
    assert evening == datetime(2026, 11, 8, 21, 30, tzinfo=NEWSROOM)
    assert evening is not None
    assert evening.date().isoformat() == "2026-11-08"
    assert parse_datetime("2026-11-08") == datetime(2026, 11, 8, tzinfo=UTC)
    assert parse_datetime("2026-11-08 10:00:00") == datetime(2026, 11, 8, 10, tzinfo=UTC)
    assert parse_datetime("0001-01-01T00:00:00+01:00") is None  # would overflow in UTC
    assert parse_datetime("yesterday") is None


def test_htmldates_day_wins_and_the_stated_time_fills_in() -> None:
    stated = datetime(2026, 11, 8, 21, 30, tzinfo=NEWSROOM)
    assert published_at(stated, "2026-11-08") == stated
    assert published_at(stated, "2026-11-07") == datetime(2026, 11, 7, tzinfo=UTC)
    assert published_at(None, "2026-11-07") == datetime(2026, 11, 7, tzinfo=UTC)
    assert published_at(stated, None) == stated


def test_stated_metadata_reads_json_ld_graphs_and_open_graph() -> None:
    page = fromstring(
        """<html lang="en-GB"><head><script type="application/ld+json">
        {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"},
         {"@type": ["NewsArticle"], "headline": "  A  headline ",
          "author": [{"@type": "Person", "name": "Ann"}, {"name": "Bo"}],
          "datePublished": "2026-11-02T08:00:00Z"}]}</script></head><body></body></html>"""
    )
    stated = stated_metadata(page)
    assert (stated.headline, stated.author, stated.is_article) == ("A headline", "Ann; Bo", True)
    assert stated.published_at == datetime(2026, 11, 2, 8, tzinfo=UTC)
    assert stated.language == "en-GB"
    about = fromstring('<html><head><meta property="og:type" content="website"></head></html>')
    assert not stated_metadata(about).is_article
    assert is_article(page)  # the spider's question, answered alike
    assert not is_article(about)


def test_a_visible_updated_line_states_the_modification() -> None:
    when = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)

    def modified(body: str) -> datetime | None:
        return stated_metadata(fromstring(f"<html><body>{body}</body></html>")).modified_at

    assert modified('<p>Updated <time datetime="2026-12-01T10:30:00Z">Dec 1</time></p>') == when
    assert (
        modified('<p>By Ann. Last updated: <time datetime="2026-12-01T10:30Z">x</time></p>') == when
    )
    assert (
        modified('<span><b>x</b> modified on <time datetime="2026-12-01T10:30Z"></time></span>')
        == when
    )
    assert (
        modified('<time class="entry-date updated" datetime="2026-12-01T10:30Z">x</time>') == when
    )
    # A publication time, or any other time on the page, is not an update.
    assert modified('<p>Published <time datetime="2026-12-01T10:30:00Z">Dec 1</time></p>') is None
    assert modified('<p>Updated weekly. <time datetime="2026-12-01T10:30Z">x</time></p>') is None
    # The page's metadata wins over what it shows.
    stated = fromstring(
        '<html><head><meta property="article:modified_time" content="2026-11-30T08:00:00Z">'
        '</head><body><p>Updated <time datetime="2026-12-01T10:30Z">x</time></p></body></html>'
    )
    assert stated_metadata(stated).modified_at == datetime(2026, 11, 30, 8, tzinfo=UTC)


def test_site_names_are_cut_from_titles() -> None:
    ledger = Brand.of(["The Ledger"], "https://ledger.example/")
    assert headline("Budget passes | The Ledger", ledger) == "Budget passes"
    assert headline("The Ledger \u2013 Budget passes", ledger) == "Budget passes"
    assert headline("Budget passes - and what it means", ledger) == (
        "Budget passes - and what it means"
    )
    assert headline("  Budget\n  passes ", Brand.of([], "")) == "Budget passes"


def test_a_brand_is_known_however_the_site_spells_it() -> None:
    # Initials of the name the site gives itself, and a label of its host.
    awards = Brand.of(["World Future Awards"], "https://worldfutureawards.example/")
    assert headline("Top 100 Companies | WFA", awards) == "Top 100 Companies"
    mottiv = Brand.of([], "https://www.mymottiv.example/plan")
    assert headline("Marathon Training Plan | MOTTIV", mottiv) == "Marathon Training Plan"
    centre = Brand.of([], "https://writingcenter.unc.example/tips")
    assert headline("Book Reviews \u2013 The Writing Center", centre) == "Book Reviews"
    # A headline that merely mentions the site keeps every word.
    docker = Brand.of(["Docker"], "https://www.docker.example/blog")
    assert headline("Docker Hardened Images: Validated | Docker", docker) == (
        "Docker Hardened Images: Validated"
    )
    assert headline("Docker Desktop - and what comes next", docker) == (
        "Docker Desktop - and what comes next"
    )


def test_the_heading_the_title_starts_with_is_the_headline() -> None:
    nobody = Brand.of([], "https://news.example/")
    headings = ("News", "Best Movers in New York (2025)")
    assert headline(
        "Best Movers in New York (2025) \u2013 Local & Long-Distance", nobody, headings
    ) == ("Best Movers in New York (2025)")
    # A title that is the site's name alone gives way to the headline on the page.
    blog = Brand.of(["Playful Tones"], "https://playfultones.example/")
    assert headline("Playful Tones", blog, ("Playful Tones", "Building a UI Pipeline")) == (
        "Building a UI Pipeline"
    )
    # A heading that is not the title's start changes nothing.
    assert headline("Council passes budget", nobody, ("Budget",)) == "Council passes budget"


def test_entities_escaped_twice_are_decoded() -> None:
    nobody = Brand.of([], "")
    assert headline("M&amp;#038;A rankings &#8211; 2025", nobody) == "M&A rankings \u2013 2025"
    assert headline("Q&#x3a; Why &amp; how", nobody) == "Q: Why & how"
    assert headline("AT&T sues", nobody) == "AT&T sues"


def test_bylines_lose_roles_dates_labels_and_the_site() -> None:
    ledger = Brand.of(["The Ledger"], "https://ledger.example/")
    assert byline("Linda Rosencrance Contributing Writer", ledger) == "Linda Rosencrance"
    assert byline("Nicoletta Richardson Trending Editor", ledger) == "Nicoletta Richardson"
    assert byline("Cazzy Magennis Last Updated August 1", ledger) == "Cazzy Magennis"
    assert byline("Luke Kim December", ledger) == "Luke Kim"
    assert byline("Theresa May", ledger) == "Theresa May"  # May, June, April are names
    assert byline("By Ann Lee; The Ledger", ledger) == "Ann Lee"
    assert byline("The Ledger", ledger) == "The Ledger"  # the site alone is who the page names
    assert byline("Written By", ledger) is None
    assert byline("Staff Writer", ledger) == "Staff Writer"
    assert byline("O&#039;Brien, Pat", ledger) == "O'Brien, Pat"
    # A personal site's host is its writer's name: the writer stays.
    assert byline("Jeff Kaufman; Ann Lee", Brand.of([], "https://jeffkaufman.example/")) == (
        "Jeff Kaufman; Ann Lee"
    )


def test_stated_metadata_names_the_site_and_follows_author_references() -> None:
    page = fromstring(
        "<html><head>"
        '<meta property="og:site_name" content="The Ledger">'
        '<script type="application/ld+json">{"@graph": ['
        '{"@type": "WebPage", "author": {"@id": "#person"}},'
        '{"@type": "WebSite", "name": "Ledger Online"},'
        '{"@type": "Person", "@id": "#person", "name": "q_admin"}]}</script>'
        "</head><body><h1>Budget passes</h1><h1>Budget passes</h1></body></html>"
    )
    stated = stated_metadata(page)
    assert stated.author == "q_admin"
    assert stated.site_names == ("Ledger Online", "The Ledger")
    assert stated.headings == ("Budget passes",)
    # Without JSON-LD, the byline of the meta tags (a single word included).
    plain = fromstring('<html><head><meta name="author" content="Hung"></head><body/></html>')
    assert stated_metadata(plain).author == "Hung"
    twitter = fromstring(
        '<html><head><meta name="twitter:label1" content="Written by">'
        '<meta name="twitter:data1" content="Chase Bernath"></head><body/></html>'
    )
    assert stated_metadata(twitter).author == "Chase Bernath"


def test_inline_links_to_other_stories_are_not_body() -> None:
    page = fromstring(
        "<html><body><article>"
        "<p>The council met on Tuesday and voted on the budget for the coming year.</p>"
        '<p class="x">Read more: <a href="/other">Another story about the bridge</a></p>'
        "<p>Read more: the council's own report, published online, runs to 300 pages.</p>"
        '<div><p><strong>RELATED</strong>:&#160;<a href="/b">The bridge reopens</a></p></div>'
        '<li>\u00a0Watch:\u00a0<a href="/v">Video of the vote</a></li>'
        "</article></body></html>"
    )
    assert isinstance(page, HtmlElement)
    drop_link_lines(page)
    text = page.text_content()
    assert "Another story" not in text
    # The label in its own element, in capitals, beside no-break spaces.
    assert "The bridge reopens" not in text
    assert "Video of the vote" not in text
    assert "the council's own report" in text  # a sentence that merely starts that way stays


def test_both_site_templates_extract_cleanly() -> None:
    site = NewsSite()
    truth = {a["id"]: a for a in site.truth()["articles"]}
    for template in ("wp", "jsonld"):
        article_id = next(i for i in site.article_ids() if truth[i]["template"] == template)
        content = extract(site.html(article_id), "http://127.0.0.1/" + article_id)
        assert content is not None
        assert content.title == truth[article_id]["title"]
        assert content.author == truth[article_id]["author"]
        assert content.text.split("\n")[0] == truth[article_id]["paragraphs"][0]
        assert content.text.count("\n") + 1 == len(truth[article_id]["paragraphs"])


def test_passwords_never_show_in_database_urls() -> None:
    assert "s3cret" not in redact("postgresql://reader:s3cret@db.example.org/archive")
    assert "s3cret" not in redact("postgresql://db.example.org/archive?user=r&password=s3cret")
    assert redact("sqlite:///archive.db") == "sqlite:///archive.db"


def test_the_worker_decodes_and_reads_a_page_or_says_why_not() -> None:
    """read_page is all a worker does with a page: its bytes in, its reading (or the reason
    there is none) out."""
    site = NewsSite()
    site.base_url = "https://example.org"
    article = site.truth()["articles"][0]
    html = site.html(article["id"]).encode("cp1252", "xmlcharrefreplace")
    read = read_page(html, "text/html; charset=windows-1252", article["url"])
    assert isinstance(read, Reading)
    assert read.content.title == article["title"]
    assert read.extractor.startswith("trafilatura ")
    assert read_page(b"%PDF-1.7 \x00\x01\x02", "text/html", "https://example.org/a") == Unreadable(
        "rejected:not_text", "binary content"
    )
    empty = read_page(b"<html><body></body></html>", None, "https://example.org/b")
    assert empty == Unreadable("failed:extract_empty")
