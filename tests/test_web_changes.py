"""The viewer's recent changes (``/``) and its Atom feeds, with Starlette's test client on
SQLite and Postgres, against an archive of the local test site with an edited story, a
retitled one (its title hostile), one gone and one moved; and the gist and feed builders on
their own."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser  # type: ignore[import-untyped]
import lxml.etree
import lxml.html
import pytest
from sqlalchemy import select

from storage import Archive
from storage.browse import GIST_CHARS, Change, article_changes, gist, recent_changes
from storage.diff import FieldChange, diff_text
from storage.models import Article, Source, Version
from tests.bulk import START, fill
from tests.site import NewsSite
from tests.web import HOSTILE_TITLE, History, client, make_history
from web.feeds import MEDIA_TYPE, atom, entry_id

A = "{http://www.w3.org/2005/Atom}"
# RFC 3339 date-times, as RFC 4287 §3.3 has them.
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


@pytest.fixture
def history(site: NewsSite, archived: Path, db_url: str) -> History:
    return make_history(site, archived, db_url)


def html_of(page: str) -> lxml.html.HtmlElement:
    document = lxml.html.fromstring(page)
    assert isinstance(document, lxml.html.HtmlElement)
    return document


def only(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    (element,) = elements
    return element


def changes_on(page: str) -> dict[str, dict[str, str]]:
    """The changes a page lists, by article URL: title, fields, gist, links."""
    document = html_of(page)
    found = {}
    for item in document.find_class("change"):
        title = only(item.find_class("change-title"))
        gist_of = only(item.find_class("gist"))
        url = parse_qs(urlsplit(title.get("href", "")).query)["url"][0]
        found[url] = {
            "title": title.text_content(),
            "fields": only(item.find_class("fields")).text_content(),
            "inserted": " ".join(ins.text_content() for ins in gist_of.iter("ins")),
            "diff": only(item.find_class("diff-link")).get("href", ""),
        }
    return found


def older_link(page: str) -> str | None:
    links = [a.get("href") for a in html_of(page).iter("a") if a.get("rel") == "next"]
    return links[0] if links else None


def feeds_announced(page: str) -> list[str | None]:
    """The feeds a page's head links to."""
    head = html_of(page).head
    return [
        link.get("href")
        for link in head.iter("link")
        if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"
    ]


def atom_document(body: bytes) -> lxml.etree._Element:
    """The feed, parsed as XML, checked for what RFC 4287 requires of a feed and of each
    entry (and for what this viewer promises in them)."""
    feed = lxml.etree.fromstring(body)
    assert feed.tag == f"{A}feed"

    def one(parent: lxml.etree._Element, name: str) -> str:
        found = parent.findall(f"{A}{name}")
        assert len(found) == 1, f"{name}: {len(found)} in {parent.tag}"
        return found[0].text or ""

    for name in ("id", "title"):
        assert one(feed, name).strip()
    assert RFC3339.fullmatch(one(feed, "updated"))
    (self_link,) = feed.findall(f"{A}link[@rel='self']")
    assert urlsplit(self_link.get("href", "")).scheme == "http"
    entries = feed.findall(f"{A}entry")
    assert feed.findall(f"{A}author/{A}name") or all(
        e.findall(f"{A}author/{A}name") for e in entries
    )
    for entry in entries:
        assert urlsplit(one(entry, "id")).scheme  # an absolute IRI
        assert one(entry, "title").strip()
        assert RFC3339.fullmatch(one(entry, "updated"))
        (alternate,) = entry.findall(f"{A}link[@rel='alternate']")
        assert urlsplit(alternate.get("href", "")).scheme == "http"
        (content,) = entry.findall(f"{A}content")
        assert content.get("type") == "html"
        assert entry.findall(f"{A}author/{A}name")
    return feed


def parsed(body: bytes) -> feedparser.FeedParserDict:
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def entries_by_url(feed: lxml.etree._Element) -> dict[tuple[str, int], lxml.etree._Element]:
    """A feed's entries by the article and version they link to."""
    found = {}
    for entry in feed.findall(f"{A}entry"):
        (link,) = entry.findall(f"{A}link[@rel='alternate']")
        query = parse_qs(urlsplit(link.get("href", "")).query)
        number = int(query.get("to", query.get("n", ["0"]))[0])
        found[query["url"][0], number] = entry
    return found


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


# -- the changes page --------------------------------------------------------------------


@pytest.mark.e2e
def test_recent_changes_list_the_edits_with_their_fields_and_gist(
    history: History, site: NewsSite
) -> None:
    with client(history.db_url) as web:
        page = web.get("/")
        riverside = web.get("/", params={"source": "riverside"})
    assert page.status_code == 200
    found = changes_on(page.text)
    # The edited story and the retitled one; not the unchanged, gone or moved ones.
    assert set(found) == {history.edited, history.hostile}
    assert site.url(site.article_ids()[0]) not in page.text
    edited = found[history.edited]
    assert edited["fields"] == "text"
    assert history.inserted.startswith(edited["inserted"].removesuffix("…"))
    assert len(edited["inserted"]) > 20
    assert found[history.hostile]["fields"] == "title"
    diff = parse_qs(urlsplit(edited["diff"]).query)
    assert urlsplit(edited["diff"]).path == "/diff"
    assert diff == {"url": [history.edited], "from": ["1"], "to": ["2"]}
    # Its feed, announced in the head.
    assert feeds_announced(page.text) == ["/feeds/changes.atom"]

    assert riverside.status_code == 200
    assert set(changes_on(riverside.text)) == {history.edited, history.hostile}
    assert 'href="/feeds/changes.atom?source=riverside"' in riverside.text


@pytest.mark.e2e
def test_the_diff_and_article_links_of_a_change_open(history: History) -> None:
    with client(history.db_url) as web:
        edited = changes_on(web.get("/").text)[history.edited]
        diff = web.get(edited["diff"])
        article = web.get("/article", params={"url": history.edited})
    assert diff.status_code == 200
    assert history.inserted in diff.text
    assert article.status_code == 200


@pytest.mark.e2e
def test_an_unknown_source_is_a_404_page_and_a_quiet_one_has_no_changes(
    history: History,
) -> None:
    with client(history.db_url, sources=("riverside", "harbour")) as web:
        unknown = web.get("/", params={"source": "nosuch"})
        quiet = web.get("/", params={"source": "harbour"})  # configured, never crawled
        unknown_feed = web.get("/feeds/changes.atom", params={"source": "nosuch"})
        bad = web.get("/", params={"before": "soon"})
    assert unknown.status_code == 404
    assert "<h1>Not found</h1>" in unknown.text
    assert "nosuch" in unknown.text
    assert quiet.status_code == 200
    assert changes_on(quiet.text) == {}
    assert unknown_feed.status_code == 404
    assert bad.status_code == 400
    assert "Traceback" not in unknown.text + bad.text


@pytest.mark.e2e
def test_changes_come_a_page_at_a_time_newest_first(history: History) -> None:
    with client(history.db_url) as web:
        first = web.get("/", params={"limit": "1"})
        older = older_link(first.text)
        assert older is not None
        second = web.get(older)
        everything = web.get("/", params={"limit": "500"})  # at most a page of 50
    (newest,) = changes_on(first.text)
    (following,) = changes_on(second.text)
    assert {newest, following} == {history.edited, history.hostile}
    assert parse_qs(urlsplit(older).query)["limit"] == ["1"]
    assert older_link(second.text) is None  # the last page
    assert 'href="/?limit=1">newest</a>' in second.text
    assert list(changes_on(everything.text)) == [newest, following]
    assert older_link(everything.text) is None


# -- the feeds ---------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_changes_feed_is_valid_atom_with_the_word_diff(history: History) -> None:
    with client(history.db_url) as web:
        reply = web.get("/feeds/changes.atom")
        riverside = web.get("/feeds/changes.atom", params={"source": "riverside"})
        feed = atom_document(reply.content)
        links = {
            key: web.get(path_of(entry.find(f"{A}link").get("href", "")))  # type: ignore[union-attr]
            for key, entry in entries_by_url(feed).items()
        }
    assert reply.status_code == 200
    assert reply.headers["content-type"] == MEDIA_TYPE
    assert parsed(reply.content).entries
    entries = entries_by_url(feed)
    assert set(entries) == {(history.edited, 2), (history.hostile, 2)}
    edited = entries[history.edited, 2]
    content = edited.findtext(f"{A}content") or ""
    assert f"<ins>{html.escape(history.inserted)}</ins>" in content
    assert b"&lt;ins&gt;" in reply.content  # HTML, escaped as the element's text
    assert edited.findtext(f"{A}title", "").endswith(" (version 2)")
    assert [c.get("term") for c in edited.findall(f"{A}category")] == ["text"]
    # Every entry links to the viewer's diff of its version, and that page opens.
    for (url, number), link in links.items():
        assert link.status_code == 200, (url, number)
        assert urlsplit(str(link.url)).path == "/diff"
    assert history.inserted in links[history.edited, 2].text

    assert riverside.status_code == 200
    river = atom_document(riverside.content)
    parsed(riverside.content)
    assert set(entries_by_url(river)) == set(entries)
    assert "source=riverside" in (river.find(f"{A}link[@rel='self']").get("href") or "")  # type: ignore[union-attr]


@pytest.mark.e2e
def test_the_article_feed_has_every_version_by_any_alias(history: History) -> None:
    alias = history.edited + "?utm_source=feed&utm_medium=rss"
    with client(history.db_url) as web:
        reply = web.get("/feeds/article.atom", params={"url": alias})
        changes = atom_document(web.get("/feeds/changes.atom").content)
        feed = atom_document(reply.content)
        first_link = feed.findall(f"{A}entry")[-1].find(f"{A}link")
        assert first_link is not None
        first = web.get(path_of(first_link.get("href", "")))
        unknown = web.get("/feeds/article.atom", params={"url": "https://nowhere.example/"})
        no_url = web.get("/feeds/article.atom")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == MEDIA_TYPE
    parsed(reply.content)
    entries = entries_by_url(feed)
    assert list(entries) == [(history.edited, 2), (history.edited, 1)]  # newest first
    # The same entry in both feeds: one id for one version of one article.
    same = (entries[history.edited, 2], entries_by_url(changes)[history.edited, 2])
    ids = [entry.findtext(f"{A}id") for entry in same]
    assert ids[0] == ids[1]
    assert ids[0] is not None
    assert ids[0].startswith("urn:uuid:")
    assert urlsplit(first_link.get("href", "")).path == "/article/version"
    assert first.status_code == 200
    assert history.inserted not in first.text  # version 1, before the edit
    version_one = entries[history.edited, 1].findtext(f"{A}content") or ""
    assert "<ins>" not in version_one
    assert "<p>" in version_one
    assert unknown.status_code == 404
    assert no_url.status_code == 400


@pytest.mark.e2e
def test_a_hostile_title_is_text_in_the_page_and_the_feed(history: History) -> None:
    with client(history.db_url) as web:
        page = web.get("/")
        reply = web.get("/feeds/changes.atom")
        article = web.get("/feeds/article.atom", params={"url": history.hostile})
    assert "<script>alert" not in page.text
    assert "</textarea><b>" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert changes_on(page.text)[history.hostile]["title"] == HOSTILE_TITLE
    for body in (reply.content, article.content):
        assert b"<script>" not in body
        assert b"</textarea>" not in body
        feed = atom_document(body)
        reader = parsed(body)
        entry = entries_by_url(feed)[history.hostile, 2]
        assert entry.findtext(f"{A}title") == f"{HOSTILE_TITLE} (version 2)"
        content = entry.findtext(f"{A}content") or ""
        assert f"<ins>{html.escape(HOSTILE_TITLE)}</ins>" in content
        assert "<script>" not in content
        (shown,) = (e for e in reader.entries if e.id == entry.findtext(f"{A}id"))
        assert shown.title == f"{HOSTILE_TITLE} (version 2)"  # as a feed reader shows it
        assert "<script>" not in shown.content[0].value
    assert lxml.etree.fromstring(article.content).findtext(f"{A}title") == (
        f"archiver: {HOSTILE_TITLE}"
    )


@pytest.mark.e2e
def test_feed_links_are_absolute_under_the_base_path(history: History) -> None:
    with client(history.db_url, base_path="/archive") as web:
        page = web.get("/archive/")
        feed = atom_document(web.get("/archive/feeds/changes.atom").content)
        entry = entries_by_url(feed)[history.edited, 2]
        link = entry.find(f"{A}link")
        assert link is not None
        diff = web.get(path_of(link.get("href", "")))
    self_link = feed.find(f"{A}link[@rel='self']")
    assert self_link is not None
    assert self_link.get("href") == "http://testserver/archive/feeds/changes.atom"
    assert (link.get("href") or "").startswith("http://testserver/archive/diff?")
    assert diff.status_code == 200
    assert feeds_announced(page.text) == ["/archive/feeds/changes.atom"]
    assert changes_on(page.text)[history.edited]["diff"].startswith("/archive/diff?")


# -- the query on its own ----------------------------------------------------------------


def test_a_source_with_few_articles_and_one_with_many_page_alike(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two are read in two ways (see storage.browse.recent_changes), and a source with
    many articles in a third when its changes are not among the newest versions: all give
    the source's changes, newest first, a page at a time."""
    fill(db_url, 4000)  # source "bulk": 1,000 articles of 4 versions
    with Archive(db_url, write=True) as archive, archive.session() as session:
        small = Source(name="small", created_at=START)
        session.add(small)
        session.flush()
        story = Article(
            url_key="https://small.example/a",
            url="https://small.example/a",
            source_id=small.id,
            first_seen_at=START,
            last_checked_at=START,
            last_changed_at=START,
        )
        session.add(story)
        session.flush()
        blob = session.scalars(select(Version.blob_sha256).limit(1)).one()
        for number, text in ((1, "The ferry runs hourly."), (2, "The ferry runs every half hour.")):
            session.add(
                Version(
                    article_id=story.id,
                    number=number,
                    first_seen_at=START,
                    content_hash=str(number) * 64,
                    title="Ferry",
                    text=text,
                    changed=["text"] if number > 1 else [],
                    tags=[],
                    simhash=0,
                    extractor="test",
                    url=story.url,
                    blob_sha256=blob,
                )
            )
    with Archive(db_url, read_only=True) as archive, archive.session() as session:
        (few,) = recent_changes(session, source="small")
        first = recent_changes(session, source="bulk", limit=5)
        second = recent_changes(session, source="bulk", before=first[-1].id, limit=5)
        every = recent_changes(session)
        versions = article_changes(session, "https://small.example/a?utm_source=x")
        nothing = recent_changes(session, source="nosuch")
        # Too short a walk to find a page of "bulk": its changes come from the indexes.
        monkeypatch.setattr("storage.browse.WALK", 3)
        indexed = recent_changes(session, source="bulk", limit=5)
        indexed += recent_changes(session, source="bulk", before=indexed[-1].id, limit=5)
    assert (few.url, few.number, few.source) == ("https://small.example/a", 2, "small")
    assert few.gist_text == "The ferry runs [-hourly-]{+every half hour+}."
    ids = [change.id for change in first + second]
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == 10
    assert {change.source for change in first + second} == {"bulk"}
    assert [change.id for change in indexed] == ids
    assert all(change.number > 1 for change in every)
    assert [change.id for change in every] == sorted((c.id for c in every), reverse=True)
    assert len(every) == 50
    assert every[0].source == "small"  # the newest version of all
    assert [change.number for change in versions] == [2, 1]
    assert nothing == []


# -- the gist and the feed on their own -------------------------------------------------


def test_a_gist_starts_at_the_change_on_one_line() -> None:
    old = "The council met on Monday.\nThe bridge will close in May for repairs.\nEnd."
    inserted = old.replace("\nEnd.", "\nA new paragraph\nabout the ferry.\nEnd.")
    edited = old.replace("close in May", "close in June")
    assert gist(diff_text(old, old)) == ()
    (insertion, after) = gist(diff_text(old, inserted))
    assert (insertion.op, insertion.new) == ("insert", "A new paragraph about the ferry. ")
    assert (after.op, after.new) == ("equal", "End.")
    pieces = [(c.op, c.old or c.new) for c in gist(diff_text(old, edited))]
    assert pieces == [
        ("equal", "The bridge will close in "),
        ("delete", "May"),
        ("insert", "June"),
        ("equal", " for repairs. End."),
    ]
    long = gist(diff_text("", "word " * 200))
    assert sum(len(c.new) for c in long) == GIST_CHARS
    assert long[-1].new.endswith("…")


def change(number: int, title: str, old: str, new: str, retitled: bool = False) -> Change:
    return Change(
        id=7,
        url="https://example.org/story/",
        url_key="https://example.org/story/",
        source="riverside",
        number=number,
        first_seen_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        title=title,
        author=None,
        changed=("title", "text") if number > 1 else (),
        cause="edit" if number > 1 else "first",
        silent=None,
        significance="substantive",
        fields=(FieldChange("title", "before", title),) if retitled else (),
        text=new,
        old_text=old,
    )


def test_a_feed_holds_any_archived_text_and_stays_valid_xml() -> None:
    # Characters XML cannot hold at all, markup, and an ampersand, in a title and a text.
    title = 'Bell\x07 & <b>"Whistle"</b>\x1b'
    entry = change(2, title, "One.\nTwo.", "One.\nTwo <i>&amp;</i>\x00 three.", retitled=True)
    body = atom(
        title=f"archiver: {title}",
        self_url="http://127.0.0.1:8080/feeds/article.atom?url=x",
        page_url="http://127.0.0.1:8080/article?url=x",
        entries=[(entry, "http://127.0.0.1:8080/diff?url=x&from=1&to=2")],
    )
    feed = atom_document(body)
    reader = parsed(body)
    (item,) = feed.findall(f"{A}entry")
    assert item.findtext(f"{A}title") == 'Bell & <b>"Whistle"</b> (version 2)'
    content = item.findtext(f"{A}content") or ""
    assert "Two<ins> &lt;i&gt;&amp;amp;&lt;/i&gt; three</ins>." in content
    assert "<ins>Bell &amp; &lt;b&gt;&quot;Whistle&quot;&lt;/b&gt;</ins>" in content
    assert reader.entries[0].link == "http://127.0.0.1:8080/diff?url=x&from=1&to=2"
    assert item.findtext(f"{A}id") == entry_id(entry)
    assert item.findtext(f"{A}updated") == "2026-11-02T09:30:00Z"
    # Stable: the same article and version, the same id; another version, another.
    assert entry_id(change(2, "other", "", "")) == entry_id(entry)
    assert entry_id(change(3, title, "", "")) != entry_id(entry)


def test_an_empty_feed_is_valid_too() -> None:
    body = atom(
        title="archiver: recent changes",
        self_url="http://127.0.0.1:8080/feeds/changes.atom",
        page_url="http://127.0.0.1:8080/",
        entries=[],
    )
    assert atom_document(body).findall(f"{A}entry") == []
    assert parsed(body).entries == []
