"""Re-checks (DESIGN §4 rules 3 to 5): cheap when nothing changed, every edit caught, gone and
moved articles recorded; on SQLite and Postgres."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from storage import Archive
from storage.locks import source_lock
from storage.models import Article, Check, utcnow
from tests.crawling import archiver, crawl, sources_file
from tests.site import NewsSite

pytestmark = pytest.mark.e2e


def revisit(config: Path, db_url: str, *flags: str) -> dict[str, Any]:
    result = archiver("revisit", "riverside", "--json", *flags, config=config, db=db_url)
    assert result.code == 0, result.stderr[-3000:]
    summary: dict[str, Any] = result.json()
    assert summary["urls"] == summary["requests"]
    return summary


def states(db_url: str) -> Counter[str]:
    with Archive(db_url) as archive, archive.session() as session:
        return Counter(session.scalars(select(Article.state)))


def test_a_revisit_catches_edits_and_costs_little_when_nothing_changed(
    site: NewsSite, archived: Path, db_url: str
) -> None:
    config = archived
    site.reset_counts()
    quiet = revisit(config, db_url, "--everything")
    # Every article answered 304 to its stored validators: no body, nothing parsed.
    assert (quiet["not_modified"], quiet["versions_new"]) == (24, 0)
    assert quiet["runs"][0]["kind"] == "revisit"
    assert quiet["runs"][0]["stats"]["extracted"] == 0
    assert sum(n for (_, status), n in site.statuses.items() if status == 304) == 24

    ids = site.article_ids()
    edited, gone, moved, target = ids[-1], ids[-2], ids[-3], ids[-4]
    inserted = site.edit_body(edited)
    site.unpublish(gone, status=410)
    site.redirect(moved, to=target)
    summary = revisit(config, db_url, "--everything")
    assert summary["versions_new"] == 1
    assert summary["gone"] == 1
    assert summary["redirected"] == 1
    # Unpublishing and moving stories reshuffled every page's widgets (new bytes, new ETags):
    # the other 21 were fetched and extracted again, and are unchanged.
    assert summary["unchanged"] + summary["not_modified"] == 21
    assert states(db_url) == {"live": 22, "gone": 1, "redirected": 1}
    with Archive(db_url) as archive:
        versions = archive.versions(site.url(edited))
        assert [v.changed for v in versions] == [(), ("text",)]
        assert inserted in versions[-1].text
        assert archive.stats()["versions"] == 25
        with archive.session() as session:
            redirected = session.scalars(select(Article).where(Article.state == "redirected")).one()
            assert redirected.redirect_to == site.url(target)


def test_identical_bytes_need_no_extraction_even_without_validators(
    site: NewsSite, archived: Path, db_url: str
) -> None:
    """Validators are hints: with none stored (or a server that ignores them), the raw bytes
    are compared with the last fetch before anything is parsed."""
    config = archived
    with Archive(db_url) as archive, archive.session() as session:
        session.execute(update(Article).values(etag=None, last_modified=None))
    summary = revisit(config, db_url, "--everything")
    assert (summary["unchanged"], summary["versions_new"]) == (24, 0)
    assert summary["runs"][0]["stats"]["extracted"] == 0


def test_only_due_articles_are_rechecked_and_each_check_schedules_the_next(
    site: NewsSite, archived: Path, db_url: str
) -> None:
    config = archived
    assert revisit(config, db_url)["requests"] == 0  # nothing is due an hour after archiving
    ids = site.article_ids()
    due = [site.url(i) for i in ids[:3]]
    with Archive(db_url) as archive, archive.session() as session:
        session.execute(
            update(Article)
            .where(Article.url.in_(due))
            .values(next_check_at=utcnow() - timedelta(minutes=1))
        )
    summary = revisit(config, db_url)
    assert (summary["requests"], summary["not_modified"]) == (3, 3)
    with Archive(db_url) as archive, archive.session() as session:
        rechecked = session.scalars(select(Article).where(Article.url.in_(due))).all()
        for article in rechecked:
            assert article.next_check_at is not None
            # Unchanged for less than the first step: checked again in an hour, ±10%.
            wait = article.next_check_at - article.last_checked_at
            assert timedelta(minutes=53) < wait < timedelta(minutes=67)
        outcomes = Counter(session.scalars(select(Check.outcome)))
        assert outcomes == {"article_new": 24, "not_modified": 3}


def test_a_run_of_a_busy_source_ends_as_already_running(
    site: NewsSite, archived: Path, db_url: str
) -> None:
    config = archived
    lock = source_lock(db_url, "riverside")  # as a crawl of the source in another process
    assert lock.acquire()
    try:
        result = archiver("crawl", "riverside", "--json", config=config, db=db_url)
        assert result.code == 0, result.stderr[-2000:]
        assert result.json()["runs"][0]["finish_reason"] == "already_running"
        assert result.json()["requests"] == 0
        busy = archiver("revisit", "riverside", "--json", "--everything", config=config, db=db_url)
        assert busy.json()["runs"][0]["finish_reason"] == "already_running"
    finally:
        lock.release()
    assert crawl(config, db_url)["runs"][0]["finish_reason"] == "finished"


def test_a_redirect_to_the_same_article_is_followed_within_limits(
    site: NewsSite, sqlite_url: str, tmp_path: Path
) -> None:
    config = sources_file(tmp_path / "archiver.toml", site.base_url)
    crawl(config, sqlite_url)
    looping = site.article_ids()[-1]
    # Its address now redirects to itself with a tracking parameter, which redirects again...
    site.redirect(looping, to=site.url(looping) + "?utm_source=loop")
    summary = revisit(config, sqlite_url, "--everything")
    assert summary["failed"] == {"too_many_redirects": 1}
    assert summary["gone"] + summary["redirected"] == 0
    path = site.url(looping).removeprefix(site.base_url)
    assert site.statuses[(path, 301)] == 6  # the first answer and five hops, then it stopped


def test_a_revisit_rechecks_and_discovers_nothing(
    site: NewsSite, archived: Path, db_url: str
) -> None:
    """Discovery does discovery: a revisit re-checks the archived articles (following their
    redirects), and no link on a re-checked page leads it to an article it has not got."""
    config = archived
    fresh = site.publish()  # linked from every listing and from the archived pages' widgets
    site.reset_counts()
    summary = revisit(config, db_url, "--everything")
    assert (summary["articles_new"], summary["versions_new"]) == (0, 0)
    assert summary["unchanged"] + summary["not_modified"] == 24
    fetched = {path for path in site.counts()["requests"] if path != "/robots.txt"}
    with Archive(db_url) as archive, archive.session() as session:
        urls = session.scalars(select(Article.url)).all()
    assert len(urls) == 24
    # The 24 articles and nothing else: no listing, no section page, not the new story.
    assert fetched == {url.removeprefix(site.base_url) for url in urls}
    assert crawl(config, db_url)["articles_new"] == 1  # the next discovery finds it
    with Archive(db_url) as archive:
        assert archive.show(site.url(fresh)).number == 1


def test_the_summary_and_runs_count_the_same_things_in_the_same_words(
    site: NewsSite, archived: Path, db_url: str
) -> None:
    config = archived
    site.edit_body(site.article_ids()[-1])  # one new version; the others answer 304
    printed = archiver("revisit", "riverside", "--everything", config=config, db=db_url)
    assert printed.code == 0, printed.stderr[-3000:]
    counts = "0 new articles, 1 new versions, 0 unchanged, 23 not modified, 0 failed, 0 rejected"
    assert f"riverside (run 2, finished): {counts};" in printed.stdout
    listed = archiver("runs", "--limit", "1", config=config, db=db_url)
    assert listed.code == 0, listed.stderr
    (line,) = listed.stdout.splitlines()
    assert line.split()[:4] == ["riverside", "run", "2", "revisit"]
    assert line.endswith(f"finished        {counts}")
