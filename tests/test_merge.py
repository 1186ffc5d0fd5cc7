"""Earlier captures merged into a chain that crawls and re-readings also write (storage.merge,
storage.store): time order, labels and the last fetch's validators, on SQLite and Postgres."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage import Archive, queries
from storage.content import Content
from storage.merge import Capture, merge_captures
from storage.models import Article, Version
from storage.records import Page, Reading
from storage.store import Earlier, Reread, store_fetch, store_page

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://example.org/2025/03/01/story/"


def _page(hours: float, raw: bytes, etag: str | None = None) -> Page:
    return Page(URL, URL, (), T0 + timedelta(hours=hours), 200, raw, etag=etag)


def _content(text: str, modified: datetime | None = None) -> Content:
    return Content(title="Story", text=text, modified_at=modified)


def _capture(
    hours: float, raw: bytes, content: Content, extractor: str = "old", url: str = URL
) -> Capture:
    return Capture(url, T0 + timedelta(hours=hours), raw, "utf-8", content, extractor)


def _chain(archive: Archive) -> list[tuple[int, str, str, datetime]]:
    with archive.session() as session:
        rows = session.execute(
            select(Version.number, Version.cause, Version.text, Version.first_seen_at)
            .join(Article)
            .where(Article.url_key == URL)
            .order_by(Version.number)
        )
        return [(row.number, row.cause, row.text, row.first_seen_at) for row in rows]


def test_a_new_reading_and_an_edit_stay_in_time_order(db_url: str) -> None:
    with Archive(db_url) as archive:
        with archive.session() as session:
            store_fetch(session, _page(0, b"<p>A"), Reading(_content("A."), "utf-8", "old"))
        # Another extractor, and the page edited meanwhile: its old page reads "A, again."
        page, new = _page(10, b"<p>B"), Reading(_content("B."), "utf-8", "new")
        with archive.session() as session:
            earlier = store_page(session, page, new)
            assert isinstance(earlier, Earlier)
            store_page(session, page, new, reread=Reread(earlier.version_id, _content("A2.")))
        chain = _chain(archive)
        assert [(n, cause, text) for n, cause, text, _ in chain] == [
            (1, "first", "A."),
            (2, "extractor", "A2."),  # the first page as read now: dated as that page
            (3, "edit", "B."),
        ]
        assert chain[1][3] == chain[0][3] == T0
        assert chain[2][3] == T0 + timedelta(hours=10)

        # A capture taken between them lands between the re-reading and the edit.
        with archive.session() as session:
            merged = merge_captures(session, URL, [_capture(5, b"<p>C", _content("C."), "new")])
        assert (merged.versions_new, merged.renumbered) == (1, 1)
        assert [(n, cause, text) for n, cause, text, _ in _chain(archive)] == [
            (1, "first", "A."),
            (2, "extractor", "A2."),
            (3, "import", "C."),
            (4, "edit", "B."),
        ]


def test_an_edit_after_an_imported_state_is_labelled_against_it(db_url: str) -> None:
    stated = T0 + timedelta(hours=9)
    with Archive(db_url) as archive:
        with archive.session() as session:
            store_fetch(session, _page(0, b"<p>A"), Reading(_content("A."), "utf-8", "old"))
            store_fetch(
                session, _page(10, b"<p>B"), Reading(_content("B.", stated), "utf-8", "old")
            )
        assert _labels(archive)[-1] == ("edit", False)  # announced: a new modified date
        # A capture shows the page already said it was modified then: the edit after it
        # changed the text without a new date.
        with archive.session() as session:
            merge_captures(session, URL, [_capture(5, b"<p>C", _content("C.", stated))])
        assert _labels(archive) == [("first", None), ("import", None), ("edit", True)]


def _labels(archive: Archive) -> list[tuple[str, bool | None]]:
    with archive.session() as session:
        rows = session.execute(select(Version.cause, Version.silent).order_by(Version.number)).all()
        return [(row.cause, row.silent) for row in rows]


def test_a_capture_that_becomes_the_latest_state_forgets_the_last_fetchs_validators(
    db_url: str,
) -> None:
    with Archive(db_url) as archive:
        with archive.session() as session:
            page = _page(0, b"<p>A", etag='"v1"')
            store_fetch(session, page, Reading(_content("A."), "utf-8", "old"))
            merge_captures(session, URL, [_capture(-5, b"<p>Z", _content("Z."))])  # before
        with archive.session() as session:
            article = session.scalars(select(Article)).one()
            assert (article.etag, article.raw_sha256 is not None) == ('"v1"', True)
            merge_captures(session, URL, [_capture(5, b"<p>C", _content("C."))])  # after
        with archive.session() as session:
            article = session.scalars(select(Article)).one()
            # A 304 or the same bytes at the next revisit must not pass for "still C".
            assert (article.etag, article.last_modified, article.raw_sha256) == (None, None, None)


def test_the_same_bytes_read_another_way_are_not_a_new_state(db_url: str) -> None:
    with Archive(db_url) as archive:
        with archive.session() as session:
            merge_captures(session, URL, [_capture(0, b"<p>A", _content("A."), "old")])
        # The same file imported again after an extractor upgrade: read differently.
        again = [
            _capture(0, b"<p>A", _content("A, read anew."), "new"),
            _capture(3, b"<p>A", _content("A, read anew."), "new"),
        ]
        with archive.session() as session:
            merged = merge_captures(session, URL, again)
        assert (merged.versions_new, merged.unchanged) == (0, 2)
        assert [text for _, _, text, _ in _chain(archive)] == ["A."]


def test_captures_join_the_article_of_their_alias_or_other_scheme(db_url: str) -> None:
    amp = "https://example.org/2025/03/01/story/amp/"
    with Archive(db_url) as archive:
        with archive.session() as session:
            page = Page(URL, URL, (amp,), T0, 200, b"<p>A")
            store_fetch(session, page, Reading(_content("A."), "utf-8", "old"))
        with archive.session() as session:
            assert queries.capture_key(session, URL) == URL
            assert queries.capture_key(session, "http://example.org/2025/03/01/story/") == URL
            assert queries.capture_key(session, amp + "?utm_source=x") == URL
            assert queries.capture_key(session, "http://example.org/2025/03/01/story/amp/") == URL
            other = "http://example.org/2025/03/01/other/"
            assert queries.capture_key(session, other) == other
