"""An archive with a history for the viewer's tests: the test site archived, then a story
edited, one taken down, one moved, one with a hostile title, and re-checked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.testclient import TestClient

from storage import Archive
from tests.crawling import archiver
from tests.site import NewsSite
from web.app import Viewer, create_app

# A title no page should ever run or break on.
HOSTILE_TITLE = '<script>alert("x")</script> "quoted" </textarea><b>bold</b>'


@dataclass(frozen=True)
class History:
    config: Path
    db_url: str
    edited: str  # the URL of the story edited once (2 versions)
    inserted: str  # the paragraph the edit inserted
    gone: str
    moved: str
    moved_to: str
    hostile: str  # the URL of the story whose title became HOSTILE_TITLE


def make_history(site: NewsSite, config: Path, db_url: str) -> History:
    ids = site.article_ids()
    edited, gone, moved, target, hostile = ids[-1], ids[-2], ids[-3], ids[-4], ids[-5]
    inserted = site.edit_body(edited)
    site.edit_title(hostile, HOSTILE_TITLE)
    site.unpublish(gone, status=410)
    site.redirect(moved, to=target)
    result = archiver("revisit", "--all", "--everything", config=config, db=db_url)
    assert result.code == 0, result.stderr[-2000:]
    return History(
        config,
        db_url,
        site.url(edited),
        inserted,
        site.url(gone),
        site.url(moved),
        site.url(target),
        site.url(hostile),
    )


@contextmanager
def client(
    db_url: str,
    *,
    sources: tuple[str, ...] = ("riverside",),
    auth: str | None = None,
    base_path: str = "/",
) -> Iterator[TestClient]:
    """Starlette's test client on the viewer of the archive at *db_url*, opened read-only."""
    archive = Archive(db_url, read_only=True)
    try:
        with TestClient(
            create_app(Viewer(archive, sources=sources, base_path=base_path, auth=auth))
        ) as test_client:
            yield test_client
    finally:
        archive.close()
