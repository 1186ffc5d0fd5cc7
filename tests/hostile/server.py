"""The hostile site's server: raw HTTP over a socket, so that it can misbehave on purpose.

Every answer closes its connection. A reply may wait before answering (a stalled server),
stop sending in the middle of its body (a dropped connection), or stream a body too large to
hold (it is generated as it is sent), or a head of its own making (endless, enormous, slow).
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field


@dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""
    # Seconds to wait before answering.
    delay: float = 0.0
    # Send only this many bytes of the body, then close the connection.
    cut_after: int | None = None
    # The Content-Length to announce (by default, the body's length when it is bytes).
    length: int | None = None
    # The raw status line and header lines, blank line included, sent as they come instead
    # of the head made from status, headers and length: a generator may send a head that is
    # endless, enormous or slow.
    head: Iterable[bytes] | None = None


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]


Handler = Callable[["HostileSite", Request], Reply]
REASONS = {
    200: "OK",
    301: "Moved",
    302: "Found",
    304: "Not Modified",
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    503: "Service Unavailable",
}


class HostileSite:
    """Routes paths (with their query) to handlers; keeps every request it was sent."""

    def __init__(self, routes: dict[str, Handler]) -> None:
        self.routes = routes
        self.base_url = ""
        self.other_base_url = ""  # the same server under another host name
        # A local file an external XML entity could try to read (the test makes it).
        self.secret_path = ""
        self.requests: list[Request] = []
        # How long each answer lasted, until it was sent or the client hung up: path, seconds.
        self.answered: list[tuple[str, float]] = []
        self._lock = threading.Lock()

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def record_answered(self, request: Request, seconds: float) -> None:
        with self._lock:
            self.answered.append((request.path, seconds))

    def answer_seconds(self, path: str) -> list[float]:
        """How long each answer to *path* (exactly) lasted."""
        with self._lock:
            return [seconds for answered, seconds in self.answered if answered == path]

    def hits(self, prefix: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(prefix)]

    def answer(self, request: Request) -> Reply:
        path = request.path.split("?")[0]
        handler = self.routes.get(request.path) or self.routes.get(path)
        if handler is None:
            prefix = next(
                (p for p in self.routes if p.endswith("*") and path.startswith(p[:-1])), None
            )
            handler = self.routes[prefix] if prefix else None
        if handler is None:
            return Reply(404, [("Content-Type", "text/plain")], b"not found")
        return handler(self, request)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        with suppress(OSError):
            request = self._read()
            if request is None:
                return
            site = self.server.site
            site.record(request)
            started = time.monotonic()
            try:
                self._send(site.answer(request))
            finally:
                site.record_answered(request, time.monotonic() - started)

    def _read(self) -> Request | None:
        line = self.rfile.readline(65537).decode("latin-1").strip()
        if not line:
            return None
        method, path, _ = [*line.split(" "), "", ""][:3]
        headers: dict[str, str] = {}
        while True:
            header = self.rfile.readline(65537).decode("latin-1").rstrip("\r\n")
            if not header:
                break
            name, _, value = header.partition(":")
            headers[name.strip().lower()] = value.strip()
        return Request(method, path, headers)

    def _send(self, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        if reply.head is not None:
            for chunk in reply.head:
                self.wfile.write(chunk)
        else:
            self._send_head(reply)
        self._send_body(reply)

    def _send_head(self, reply: Reply) -> None:
        length = reply.length
        if length is None and isinstance(reply.body, bytes):
            length = len(reply.body)
        head = [f"HTTP/1.1 {reply.status} {REASONS.get(reply.status, 'Status')}"]
        head += [f"{name}: {value}" for name, value in reply.headers]
        if length is not None:
            head.append(f"Content-Length: {length}")
        head.append("Connection: close")
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))

    def _send_body(self, reply: Reply) -> None:
        sent = 0
        for chunk in _chunks(reply.body):
            if reply.cut_after is not None and sent + len(chunk) > reply.cut_after:
                self.wfile.write(chunk[: reply.cut_after - sent])
                self.wfile.flush()
                return  # the connection drops here, mid-body
            self.wfile.write(chunk)
            sent += len(chunk)
        self.wfile.flush()


def _chunks(body: bytes | Iterable[bytes]) -> Iterator[bytes]:
    if isinstance(body, bytes):
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]
    else:
        yield from body


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, site: HostileSite) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site


@contextmanager
def serve_hostile(site: HostileSite) -> Iterator[HostileSite]:
    server = _Server(site)
    port = server.server_address[1]
    site.base_url = f"http://127.0.0.1:{port}"
    site.other_base_url = f"http://localhost:{port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
