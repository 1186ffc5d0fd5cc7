"""Response heads no server should send, made as they are sent (server.Reply.head): status
lines and header lines without end, enormous or slow; and heads of an exact size."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator

OK = b"HTTP/1.1 200 OK\r\n"
# The end of a head that does end: the page follows.
END = b"Content-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n"
# A write a line would make the server, not the crawler, the slow side.
LINES_PER_WRITE = 512
TRICKLE_SECONDS = 0.05


def _written(lines: Iterable[bytes]) -> Iterator[bytes]:
    """*lines*, LINES_PER_WRITE to a write."""
    remaining = iter(lines)
    while batch := b"".join(itertools.islice(remaining, LINES_PER_WRITE)):
        yield batch


def many_headers(count: int, value: bytes = b"v", eol: bytes = b"\r\n") -> Iterator[bytes]:
    """*count* distinct headers, then the end of the head."""
    lines = (b"X-Field-%06d: %s%s" % (n, value, eol) for n in range(count))
    return _written(itertools.chain([OK], lines, [END]))


def folded(continuation: bytes) -> Iterator[bytes]:
    """One header continued without end (obs-fold: *continuation* starts with a space or a
    tab)."""
    return _written(itertools.chain([OK, b"X-Folded: start\r\n"], itertools.repeat(continuation)))


def cookies(size: int, eol: bytes = b"\r\n") -> Iterator[bytes]:
    """Set-Cookie after Set-Cookie, each of *size* bytes of value, without end."""
    value = b"x" * size
    lines = (b"Set-Cookie: c%d=%s; Path=/%s" % (n, value, eol) for n in itertools.count())
    return _written(itertools.chain([OK], lines))


def long_line(start: bytes, size: int | None) -> Iterator[bytes]:
    """*start*, a line that goes on for *size* bytes (None: for ever), then the end of the
    head."""
    yield start
    block = b"a" * 65536
    blocks = itertools.repeat(block) if size is None else itertools.repeat(block, size >> 16)
    yield from blocks
    yield b"\r\n" + END


def interim_heads() -> Iterator[bytes]:
    """'100 Continue' heads without end: the final head never comes."""
    return _written(itertools.repeat(b"HTTP/1.1 100 Continue\r\n\r\n"))


def trickle(start: bytes, line: Callable[[int], bytes]) -> Iterator[bytes]:
    """*start*, then ``line(n)`` one every TRICKLE_SECONDS, without end: a server that is
    slow on purpose, the one sleep of the hostile server (it answers in a thread of its own)."""
    yield start
    for n in itertools.count():
        time.sleep(TRICKLE_SECONDS)
        yield line(n)


def of_size(total: int) -> bytes:
    """A head of exactly *total* bytes, status line and blank line included."""
    fixed = len(OK + b"X-Pad: \r\n" + END)
    return OK + b"X-Pad: " + b"p" * (total - fixed) + b"\r\n" + END


def of_lines(count: int) -> bytes:
    """A head of exactly *count* lines, status line and blank line included."""
    fixed = 4  # the status line, and the two header lines and the blank line of END
    return OK + b"".join(b"X-Line-%d: n\r\n" % n for n in range(count - fixed)) + END
