"""A local site made of real article pages (the shared benchmark pages), for measurements.

The test site's generated pages weigh about 18 KB and extract in about 6 ms; real news pages
weigh 100-150 KB and take several times longer. Serving the real pages (as crawled, bytes
untouched) gives benchmarks the cost profile of real sites: ``/articles/<n>.html`` for each
page, a sitemap listing them all, and ETag / Last-Modified with 304 answers like the test site.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DEFAULT_BENCHDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "benchdata"
LAST_MODIFIED = formatdate(1_767_225_600, usegmt=True)  # 2026-01-01, fixed: pages never change


def load_pages(benchdata: Path, limit: int) -> list[bytes]:
    """Up to *limit* real pages, in a stable order."""
    files = sorted(benchdata.glob("*/html/*.html.gz"))
    if not files:
        raise SystemExit(f"no benchmark pages under {benchdata}")
    return [gzip.decompress(path.read_bytes()) for path in files[:limit]]


class RealSite:
    def __init__(self, pages: list[bytes]) -> None:
        self.pages = pages
        self.etags = [f'"{hashlib.sha256(page).hexdigest()[:32]}"' for page in pages]
        self.base_url = ""
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()

    def sitemap(self) -> bytes:
        urls = "".join(
            f"<url><loc>{self.base_url}/articles/{n}.html</loc></url>"
            for n in range(len(self.pages))
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        ).encode()

    def count(self, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        site = self.server.site
        path = self.path.split("?")[0]
        headers: dict[str, str] = {}
        if path == "/robots.txt":
            status, body, kind = 200, b"User-agent: *\nAllow: /\n", "text/plain"
        elif path == "/sitemap.xml":
            status, body, kind = 200, site.sitemap(), "application/xml"
        elif path.startswith("/articles/") and path.endswith(".html"):
            number = path.removeprefix("/articles/").removesuffix(".html")
            index = int(number) if number.isdigit() else -1
            if not 0 <= index < len(site.pages):
                status, body, kind = 404, b"not found", "text/plain"
            elif self.headers.get("If-None-Match") == site.etags[index]:
                status, body, kind = 304, b"", "text/html; charset=utf-8"
            else:
                status, body, kind = 200, site.pages[index], "text/html; charset=utf-8"
            headers = (
                {"ETag": site.etags[index], "Last-Modified": LAST_MODIFIED} if index >= 0 else {}
            )
        else:
            status, body, kind = 404, b"not found", "text/plain"
        site.count(status)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: RealSite) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site


@contextmanager
def serve_real_pages(pages: list[bytes]) -> Iterator[RealSite]:
    site = RealSite(pages)
    server = _Server(site)
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
