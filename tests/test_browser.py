"""The viewer in a real headless Chromium (tests/browser.py), on SQLite and Postgres, against
an archive of the local test site with an edit, a story gone, one moved and a hostile title:
what a reader does (search, the timeline, the diff, the feed) and what an archived page must
never do there (run a script, reach anything but the viewer)."""

from __future__ import annotations

import html
import os
import re
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser  # type: ignore[import-untyped]
import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright

from tests.browser import (
    VIEWPORT,
    Served,
    comes_into_view,
    in_viewport,
    launch,
    serving,
    watch,
)
from tests.crawling import FAST_FLAGS, archiver
from tests.hostile import HostileSite, serve_hostile
from tests.hostile.cases import PARAGRAPHS
from tests.hostile.server import Reply, Request
from tests.site import NewsSite
from tests.web import HOSTILE_TITLE, History, make_history

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 10_000
# A folder to save the screenshots in (the README's: benchmarks/screenshots).
SCREENSHOTS_ENV = "ARCHIVER_SCREENSHOTS"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the module's tests (each gets a context of its own).

    Module-scoped, not session-scoped: while Playwright's sync API is active its event loop
    counts as running in this thread, which other modules' asyncio code must not meet."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def history(site: NewsSite, archived: Path, db_url: str) -> History:
    return make_history(site, archived, db_url)


@pytest.fixture
def viewer(history: History) -> Iterator[Served]:
    with serving(history.db_url) as served:
        yield served


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh page (its own context: no cookies or cache shared) of the viewport's size."""
    context = chromium.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_search_the_timeline_and_the_diff_show_the_inserted_sentence_on_the_first_screen(
    history: History, viewer: Served, page: Page, chromium: Browser, tmp_path: Path
) -> None:
    seen = watch(page)
    page.goto(viewer.url("/search"))
    phrase = " ".join(re.findall(r"\w+", history.inserted)[:6])
    page.locator(".search-form input[name=q]").fill(f'"{phrase}"')
    page.locator(".search-form input[name=q]").press("Enter")
    page.wait_for_url("**/search?*")
    hit = page.locator("a.hit").first
    assert page.locator(".hits mark").count() >= 1
    hit.click()

    # The article page, and its timeline: both versions, each where its check found it.
    page.wait_for_url("**/article?*")
    assert parse_qs(urlsplit(page.url).query)["url"] == [history.edited]
    timeline = page.locator("#timeline")
    assert timeline.locator("a.version-link").all_text_contents() == ["version 1", "version 2"]
    timeline.get_by_role("link", name="diff", exact=True).click()

    page.wait_for_url("**/diff?*")
    assert parse_qs(urlsplit(page.url).query) == {
        "url": [history.edited],
        "from": ["1"],
        "to": ["2"],
    }
    inserted = _insertion(page, history.inserted)
    assert not in_viewport(inserted), "the change was on the first screen before the jump"
    page.locator("a.next-change").click()
    page.wait_for_function("() => location.hash === '#change-1'")
    assert comes_into_view(inserted), "after the jump the inserted sentence is not on screen"
    assert seen.errors == []
    _screenshot(page, tmp_path / "diff.png")

    # Without JavaScript the jump is a plain link to the first change, and works as well.
    plain = chromium.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        static = plain.new_page()
        static.goto(page.url.partition("#")[0])
        inserted = _insertion(static, history.inserted)
        assert not in_viewport(inserted)
        static.locator("a.next-change").click()
        static.wait_for_url("**#change-1")
        assert comes_into_view(inserted)
    finally:
        plain.close()


def _insertion(page: Page, sentence: str) -> Locator:
    """The <ins> of a changed row of the diff that holds the whole *sentence*."""
    found = page.locator(".sides .row[id^='change-'] .new ins").filter(has_text=sentence)
    assert found.count() == 1, f"no <ins> of a changed row holds {sentence!r}"
    return found


def _screenshot(page: Page, path: Path) -> None:
    """A screenshot of the viewport (the README's, when $ARCHIVER_SCREENSHOTS names a
    folder: `make screenshots`)."""
    page.screenshot(path=path)
    png = path.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (VIEWPORT["width"], VIEWPORT["height"])
    folder = os.environ.get(SCREENSHOTS_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(folder) / path.name)


def test_the_atom_feed_parses_and_its_entry_opens_the_diff(
    history: History, viewer: Served, page: Page
) -> None:
    feed_url = viewer.url("/feeds/changes.atom")
    reply = page.request.get(feed_url)
    assert reply.ok
    assert reply.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(reply.body())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    by_url = {parse_qs(urlsplit(e.link).query)["url"][0]: e for e in feed.entries}
    edited = by_url[history.edited]
    assert f"<ins>{html.escape(history.inserted)}</ins>" in edited.content[0].value
    # As text in a feed reader too: the title, whole, not markup.
    assert by_url[history.hostile].title == f"{HOSTILE_TITLE} (version 2)"

    seen = watch(page)
    page.goto(edited.link)  # the entry links back into the viewer: to the diff
    assert urlsplit(page.url).path == "/diff"
    assert edited.title == f"{page.locator('h1').text_content()} (version 2)"
    _insertion(page, history.inserted)
    assert seen.outside(viewer.base_url) == []


def test_a_hostile_title_shows_as_text_and_runs_nothing(
    history: History, viewer: Served, page: Page
) -> None:
    seen = watch(page)
    for path, params in (
        ("/article", {"url": history.hostile}),
        ("/article/version", {"url": history.hostile, "n": "2"}),
    ):
        page.goto(viewer.url(path, **params))
        assert page.locator("h1").text_content() == HOSTILE_TITLE
        assert page.title() == f"{HOSTILE_TITLE} · archiver"
    page.goto(viewer.url("/search", q="bold quoted"))
    assert page.locator("a.hit").first.text_content() == HOSTILE_TITLE
    page.goto(viewer.url("/sources/riverside"))
    assert page.get_by_role("link", name=HOSTILE_TITLE, exact=True).count() == 1
    for path, params in (
        ("/article", {"url": history.hostile}),
        ("/search", {"q": "bold quoted"}),
    ):
        page.goto(viewer.url(path, **params))
        # Nothing of it became markup: no <b>, no <textarea>, no script holding its alert.
        assert page.locator("main b, main textarea").count() == 0
        assert not page.evaluate(
            "() => [...document.scripts].some((s) => s.textContent.includes('alert'))"
        )
    assert seen.dialogs == []


# An archived page that tries everything: inline and external scripts, an onload handler, a
# stylesheet, a font, a background, an image, a frame, a beacon. Served by a site of the
# test's own, which keeps every request it is sent.
TRAP_PATH = "/2026/11/02/council-approves-quay-budget/"
TRAP_FLAG = "this page's own script did not run"


def _trap_page(site: HostileSite, request: Request) -> Reply:
    base = site.base_url
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in PARAGRAPHS)
    body = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Council approves quay budget</title>
<meta property="og:type" content="article">
<link rel="stylesheet" href="{base}/trap/style.css">
<style>@font-face {{ font-family: trap; src: url({base}/trap/font.woff2); }}
body {{ font-family: trap, serif; background-image: url({base}/trap/background.png); }}</style>
<script src="{base}/trap/script.js"></script>
<script>
  alert("the archived script ran");
  console.log("the archived script ran");
  fetch("{base}/trap/beacon");
  document.addEventListener("DOMContentLoaded", function () {{
    document.getElementById("flag").textContent = "the archived script ran";
  }});
</script>
</head>
<body onload="alert('the archived onload ran')">
<article><h1>Council approves quay budget</h1>
<p id="flag">{TRAP_FLAG}</p>
{paragraphs}
<img src="{base}/trap/photo.jpg" alt="the quay">
<iframe src="{base}/trap/embed"></iframe>
</article></body></html>
"""
    return Reply(200, [("Content-Type", "text/html; charset=utf-8")], body.encode())


def test_the_snapshot_frame_runs_no_script_and_reaches_nothing_but_the_viewer(
    history: History, viewer: Served, page: Page, site: NewsSite
) -> None:
    trap = HostileSite({TRAP_PATH: _trap_page})
    with serve_hostile(trap):
        trap_url = trap.base_url + TRAP_PATH
        fetched = archiver("fetch", trap_url, *FAST_FLAGS, db=history.db_url)
        assert fetched.code == 0, fetched.stderr[-2000:]
        fetches = len(trap.requests)
        site.reset_counts()
        seen = watch(page)
        # The trap, and a page of the test site, which loads its theme's script and style.
        for url in (trap_url, history.edited):
            page.goto(viewer.url("/article/version", url=url, n="1"))
            frame = page.locator(".snapshot iframe")
            assert frame.get_attribute("sandbox") == ""  # every restriction, none lifted
            frame.scroll_into_view_if_needed()  # it loads lazily
            inside = page.frame_locator(".snapshot iframe")
            inside.locator("h1").first.wait_for()  # the archived page is shown...
            if url == trap_url:  # ...and its script did not run
                assert inside.locator("#flag").text_content() == TRAP_FLAG
        # Opened alone, outside its frame, the page is under the same policy.
        page.goto(viewer.url("/snapshot", url=trap_url, n="1"))
        assert page.locator("#flag").text_content() == TRAP_FLAG
        page.wait_for_timeout(300)  # time for a late timer, a beacon, an onload
        assert trap.requests[fetches:] == []  # not one request reached the trap's site
    assert site.counts()["total"] == 0  # nor the test site, whose pages name its files
    assert seen.dialogs == []
    assert not [line for line in seen.console if "archived script ran" in line]
    assert seen.requests, "the browser tried no request at all"
    outside = seen.outside(viewer.base_url)
    assert outside, "the archived pages name files elsewhere: their requests were expected"
    assert sorted(set(outside)) == sorted(set(seen.blocked)), "a request left the viewer"
