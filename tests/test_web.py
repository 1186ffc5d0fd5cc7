"""The viewer's routes with Starlette's test client, on SQLite and Postgres, against an
archive of the local test site with an edit, a story gone, one moved and a hostile title."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site import NewsSite
from tests.web import History, client, make_history

pytestmark = pytest.mark.e2e


@pytest.fixture
def history(site: NewsSite, archived: Path, db_url: str) -> History:
    return make_history(site, archived, db_url)


def test_the_article_page_shows_the_story_its_state_and_timeline(history: History) -> None:
    with client(history.db_url) as web:
        page = web.get("/article", params={"url": history.edited})
        gone = web.get("/article", params={"url": history.gone})
        moved = web.get("/article", params={"url": history.moved})
    assert page.status_code == 200
    assert history.inserted in page.text
    assert page.text.count('class="version-link"') == 2  # both versions on the timeline
    assert '<span class="labels">edit, announced, substantive</span>' in page.text
    assert "not_modified" in page.text or "unchanged" in page.text or "version_new" in page.text
    assert 'state-gone">gone' in gone.text
    assert 'state-redirected">redirected' in moved.text
    assert history.moved_to in moved.text


def test_a_version_page_shows_that_version_and_frames_its_snapshot(history: History) -> None:
    with client(history.db_url) as web:
        first = web.get("/article/version", params={"url": history.edited, "n": 1})
        second = web.get("/article/version", params={"url": history.edited, "n": 2})
        snapshot = web.get("/snapshot", params={"url": history.edited, "n": 2})
    assert history.inserted not in first.text
    assert history.inserted in second.text
    assert "<iframe" in second.text
    assert "sandbox" in second.text
    assert snapshot.status_code == 200
    assert snapshot.headers["content-security-policy"] == (
        "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    )
    assert history.inserted.split()[0] in snapshot.text  # the raw page as fetched


def test_hostile_text_is_shown_as_text(history: History) -> None:
    with client(history.db_url) as web:
        page = web.get("/article", params={"url": history.hostile})
        hits = web.get("/search", params={"q": "bold quoted"})
    assert page.status_code == 200
    for text in (page.text, hits.text):
        assert "<script>alert" not in text
        assert "</textarea><b>" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text


def test_search_marks_matches_and_reads_the_query_language(history: History) -> None:
    word = history.inserted.split()[-1].strip(".,;:!?\"'")
    with client(history.db_url) as web:
        found = web.get("/search", params={"q": word})
        every = web.get("/search", params={"q": word, "all_versions": "1"})
        bad = web.get("/search", params={"q": '"unclosed'})
        api = web.get("/api/search", params={"q": word})
    assert found.status_code == 200
    assert "<mark>" in found.text
    assert history.edited.split("//", 1)[1] in found.text or "article?url=" in found.text
    assert every.status_code == 200
    assert api.json()[0]["url"] == history.edited
    assert bad.status_code in (200, 400)


def test_search_says_when_it_ranked_only_the_newest_matches(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client(history.db_url) as web:
        everything = web.get("/search", params={"q": "the"})
        monkeypatch.setattr("storage.search.RANKED", 2)
        newest = web.get("/search", params={"q": "the"})
    assert "versions match" not in everything.text
    assert "more than 2 versions match, these are the best of the 2 newest" in newest.text
    assert newest.text.count('class="hit"') == 2


def test_sources_show_health_and_runs(history: History) -> None:
    with client(history.db_url) as web:
        listing = web.get("/sources")
        one = web.get("/sources/riverside")
        unknown = web.get("/sources/nosuch")
        status = web.get("/api/status")
    assert "riverside" in listing.text
    assert "health-ok" in listing.text
    assert one.status_code == 200
    assert "<svg" in one.text
    assert "<rect" in one.text
    assert unknown.status_code == 404
    assert status.json()["sources"][0]["health"] == "ok"


def test_the_api_answers_as_the_command_line_does(history: History) -> None:
    with client(history.db_url) as web:
        versions = web.get("/api/versions", params={"url": history.edited}).json()
        shown = web.get("/api/show", params={"url": history.edited, "n": 1}).json()
        changes = web.get("/api/diff", params={"url": history.edited}).json()
        missing = web.get("/api/show", params={"url": "https://nowhere.example/"})
    assert [v["version"] for v in versions] == [1, 2]
    assert shown["version"] == 1
    assert "text" in changes["fields"]
    assert missing.status_code == 404
    assert "error" in missing.json()


def test_unknown_articles_versions_and_bad_parameters_are_pages_not_tracebacks(
    history: History,
) -> None:
    with client(history.db_url) as web:
        nowhere = web.get("/article", params={"url": "https://nowhere.example/"})
        no_version = web.get("/article/version", params={"url": history.edited, "n": 9})
        bad_number = web.get("/article/version", params={"url": history.edited, "n": "x"})
        no_url = web.get("/article")
        no_route = web.get("/no/such/page")
    assert nowhere.status_code == 404
    assert "<h1>Not found</h1>" in nowhere.text
    assert no_version.status_code == 404
    assert "versions 1 to 2" in no_version.text
    assert bad_number.status_code == 400
    assert no_url.status_code == 400
    assert no_route.status_code == 404
    assert "Traceback" not in nowhere.text + no_version.text + bad_number.text


def test_the_viewer_writes_nothing_and_asks_for_its_credential(history: History) -> None:
    with client(history.db_url, auth="ann:s3cret") as web:
        refused = web.get("/sources")
        allowed = web.get("/sources", auth=("ann", "s3cret"))
        wrong = web.get("/sources", auth=("ann", "nope"))
    assert refused.status_code == 401
    assert "Basic" in refused.headers["www-authenticate"]
    assert allowed.status_code == 200
    assert wrong.status_code == 401


def test_the_archive_opened_read_only_refuses_writes(history: History) -> None:
    from sqlalchemy import text  # noqa: PLC0415
    from sqlalchemy.exc import DBAPIError  # noqa: PLC0415

    from storage import Archive  # noqa: PLC0415

    archive = Archive(history.db_url, read_only=True)
    try:
        with (
            pytest.raises(DBAPIError, match=r"(?i)read.only|readonly"),
            archive.session() as session,
        ):
            session.execute(text("UPDATE articles SET state = 'x'"))
    finally:
        archive.close()


def test_base_path_prefixes_every_link(history: History) -> None:
    with client(history.db_url, base_path="/archive") as web:
        page = web.get("/archive/article", params={"url": history.edited})
    assert page.status_code == 200
    assert 'href="/archive/static/style.css"' in page.text
    assert 'href="/archive/article/version?' in page.text
