"""The viewer in a real browser: Debian's Chromium driven by Playwright, against the viewer
served by uvicorn on 127.0.0.1 in a thread of the test's process.

No browser is downloaded (only the package registries are reachable): Playwright starts the
system's Chromium, which `make test` installs (`make browser`). A missing Chromium fails the
tests with that advice; they never skip.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Locator,
    Page,
    Playwright,
    Request,
    ViewportSize,
)
from playwright.sync_api import Error as PlaywrightError

from storage import Archive
from web.app import Viewer, create_app

CHROMIUM = Path("/usr/bin/chromium")
# As root, with no display and a closed network: no sandbox (root cannot have one), no GPU,
# and none of the browser's own traffic (updates, sync, QUIC probes), which this machine's
# network refuses. Playwright gives each launch a new, empty profile (--user-data-dir).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# The screen the tests look at, and that the README's screenshot shows.
VIEWPORT: ViewportSize = {"width": 1200, "height": 800}
START_TIMEOUT = 15.0


def launch(playwright: Playwright) -> Browser:
    """Debian's headless Chromium, or a failure that says how to install it."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"the browser tests need Debian's Chromium at {CHROMIUM}, which is missing: "
            "`make browser` installs it (apt-get install chromium; `make test` does it too)",
            pytrace=False,
        )
    try:
        return playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_FLAGS)
        )
    except PlaywrightError as exc:
        pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}", pytrace=False)


@dataclass
class Served:
    """The viewer of one archive on a loopback port."""

    base_url: str

    def url(self, path: str, **params: str) -> str:
        """The address of *path* with the query *params*."""
        return self.base_url + path + (f"?{urlencode(params)}" if params else "")


@contextmanager
def serving(
    db_url: str, *, sources: tuple[str, ...] = ("riverside",), base_path: str = "/"
) -> Iterator[Served]:
    """Serve the viewer of the archive at *db_url* (read-only) with uvicorn on 127.0.0.1,
    on a free port, in a background thread; stopped and joined on the way out."""
    archive = Archive(db_url, read_only=True)
    app = create_app(Viewer(archive, sources=sources, base_path=base_path))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))  # the port is ours before the server starts
    port = listener.getsockname()[1]
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="viewer", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail(f"the viewer did not start on 127.0.0.1:{port}", pytrace=False)
            time.sleep(0.01)
        yield Served(f"http://127.0.0.1:{port}{base_path.rstrip('/')}")
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT)
        listener.close()
        archive.close()
    assert not thread.is_alive(), "the viewer's server did not stop"


@dataclass
class Watched:
    """What a page did: every request it tried, those its Content-Security-Policy stopped
    before they left, every dialog (alert, confirm, print...) and console message."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # uncaught in the viewer's own scripts

    def outside(self, base_url: str) -> list[str]:
        """The requests tried anywhere but the viewer at *base_url*."""
        return [url for url in self.requests if not url.startswith(base_url + "/")]


def watch(page: Page) -> Watched:
    """Record the page's requests, dialogs and console messages (its frames' too)."""
    seen = Watched()

    def on_request(request: Request) -> None:
        seen.requests.append(request.url)

    def on_failed(request: Request) -> None:
        # Chromium's reason for a request its policy refused, never sent.
        if request.failure == "csp":
            seen.blocked.append(request.url)

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        seen.console.append(f"{message.type}: {message.text}")

    def on_error(error: PlaywrightError) -> None:
        seen.errors.append(str(error))

    page.on("request", on_request)
    page.on("pageerror", on_error)
    page.on("requestfailed", on_failed)
    page.on("dialog", on_dialog)
    page.on("console", on_console)
    return seen


def in_viewport(element: Locator) -> bool:
    """Whether a reader sees *element* on the screen now: its first line is inside the
    viewport, and nothing (a sticky header, a floating button) covers that line's middle."""
    seen: bool = element.first.evaluate(
        """(element) => {
            const line = element.getClientRects()[0];
            if (!line || line.width === 0 || line.height === 0) {
                return false;
            }
            const x = line.left + Math.min(line.width, 40) / 2;
            const y = line.top + line.height / 2;
            if (x < 0 || y < 0 || x >= window.innerWidth || y >= window.innerHeight) {
                return false;
            }
            const top = document.elementFromPoint(x, y);
            return top !== null && (top === element || element.contains(top));
        }"""
    )
    return seen


def comes_into_view(element: Locator, timeout: float = 3.0) -> bool:
    """Whether *element* is seen on the screen within *timeout* seconds (a jump may scroll
    smoothly, over a few frames)."""
    deadline = time.monotonic() + timeout
    while not in_viewport(element):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
