"""BoundedHeadersDownloadHandler: Scrapy's HTTP/1.1 handler, with the response head bounded.

Twisted's client bounds each line of a response head (16 KiB), not how many lines there are
nor their total, and DOWNLOAD_MAXSIZE counts only the body: a server sending header lines
without end (distinct headers, continuation lines, Set-Cookie after Set-Cookie, 1xx interim
heads) grows the crawl's memory until the download timeout. Here the parser counts the lines
and bytes of the head as it reads them (the status line, the header lines and their
continuations, and any interim 1xx heads before the final one), and at the first line over a
limit drops the connection: the request fails at once with HeadersTooLarge, and nothing more
of it is read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    # Scrapy's own parser, protocol and factory (a parser that skips header lines without a
    # colon), extended here rather than replaced; private, so pinned with Scrapy (DESIGN §6).
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
)
from scrapy.exceptions import DownloadFailedError

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.internet.defer import Deferred
    from twisted.internet.interfaces import IAddress
    from twisted.web._newclient import HTTP11ClientProtocol
    from twisted.web._newclient import Request as TxRequest
    from twisted.web.iweb import IResponse

logger = logging.getLogger(__name__)


class HeadersTooLarge(Exception):
    """A response's status line and headers passed ARCHIVE_MAX_HEADER_BYTES or _LINES."""


@dataclass(frozen=True)
class HeadLimits:
    """The most a response head may hold; 0 turns a limit off."""

    max_bytes: int
    max_lines: int


class _BoundedHeadParser(_LenientHTTPClientParser):
    """Scrapy's parser, counting the head's lines and bytes as they arrive.

    The byte limit works through LineReceiver's own bound on a line (MAX_LENGTH), lowered
    after each line to what is left of the allowance: a line that cannot fit is refused as
    soon as the unfinished part of it is too long, not once it ends (if ever).
    """

    # The parser's class is swapped in after it was made (see _BoundedClientProtocol), so its
    # state is set by bound(), not by __init__.
    _limits: HeadLimits
    _abort: Callable[[], None]
    _lines: int
    _bytes: int

    def bound(self, limits: HeadLimits, abort: Callable[[], None]) -> None:
        self._limits = limits
        self._abort = abort
        self._lines = 0
        self._bytes = 0
        self._allow_next_line()

    def _allow_next_line(self) -> None:
        if self._limits.max_bytes:
            # A line costs its length and its "\n"; LineReceiver refuses one longer than
            # MAX_LENGTH (-1 when nothing is left: then even an empty line is refused).
            self.MAX_LENGTH = self._limits.max_bytes - self._bytes - 1

    def lineReceived(self, line: bytes) -> None:
        self._lines += 1
        self._bytes += len(line) + 1
        max_lines = self._limits.max_lines
        if max_lines and self._lines > max_lines:
            self._stop(f"more than {max_lines} lines (ARCHIVE_MAX_HEADER_LINES)")
        self._allow_next_line()
        super().lineReceived(line)

    def lineLengthExceeded(self, line: bytes) -> None:
        max_bytes = self._limits.max_bytes
        if max_bytes:
            self._stop(f"more than {max_bytes} bytes (ARCHIVE_MAX_HEADER_BYTES)")
        # With the byte limit off, Twisted's own bound on a line still holds.
        self._stop(f"a line of more than {self.MAX_LENGTH} bytes (Twisted's bound per line)")

    def _stop(self, limit: str) -> None:
        # Aborted rather than closed: a close over TLS would wait for the server's
        # close_notify, reading whatever it still sends. Raised from here, the error reaches
        # HTTP11ClientProtocol.dataReceived, which fails the request with it (as it does with
        # a status line it cannot parse).
        self._abort()
        raise HeadersTooLarge(limit)


class _BoundedClientProtocol(_LenientHTTP11ClientProtocol):
    def __init__(self, quiescentCallback: Callable[[Any], None], limits: HeadLimits) -> None:
        super().__init__(quiescentCallback)  # type: ignore[no-untyped-call]  # Twisted's
        self._limits = limits

    def request(self, request: TxRequest) -> Deferred[IResponse]:
        d = super().request(request)
        # As Scrapy's protocol does with its parser: the class of the parser that
        # HTTP11ClientProtocol.request() made is swapped before any byte of the response
        # arrives (the response is read from the reactor, later).
        parser = self._parser
        assert parser is not None
        parser.__class__ = _BoundedHeadParser
        assert isinstance(parser, _BoundedHeadParser)
        assert self.transport is not None
        parser.bound(self._limits, self.transport.abortConnection)
        return d


class _BoundedClientFactory(_LenientHTTP11ClientFactory):
    def __init__(
        self, quiescentCallback: Callable[[Any], None], metadata: Any, limits: HeadLimits
    ) -> None:
        super().__init__(quiescentCallback, metadata)  # type: ignore[no-untyped-call]  # Twisted's
        self._limits = limits

    def buildProtocol(self, addr: IAddress | None) -> HTTP11ClientProtocol:
        return _BoundedClientProtocol(self._quiescentCallback, self._limits)


class BoundedHeadersDownloadHandler(HTTP11DownloadHandler):
    """Settings: ARCHIVE_MAX_HEADER_BYTES (default 65536), the most bytes a response's status
    line and headers may take, which also bounds any one line; ARCHIVE_MAX_HEADER_LINES
    (default 200), the most lines they may take. 0 turns a limit off (a line is then still
    bounded by Twisted's 16 KiB). A response over either fails as HeadersTooLarge
    (``failed:headers_too_large``), with a warning naming the URL and the limit."""

    def __init__(self, crawler: Crawler, limits: HeadLimits) -> None:
        super().__init__(crawler)
        self.limits = limits
        # Every connection the pool opens reads its responses through the bounded parser.
        # The pool calls its factory as the class it declares, with a callback and metadata.
        factory = partial(_BoundedClientFactory, limits=limits)
        self._pool._factory = factory  # type: ignore[assignment]  # a partial, not the class

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        limits = HeadLimits(
            max_bytes=settings.getint("ARCHIVE_MAX_HEADER_BYTES", 65536),
            max_lines=settings.getint("ARCHIVE_MAX_HEADER_LINES", 200),
        )
        return cls(crawler, limits)

    async def download_request(self, request: Request) -> Response:
        try:
            return await super().download_request(request)
        except DownloadFailedError as error:
            # Scrapy wraps Twisted's ResponseFailed, which holds the parser's error.
            reasons = getattr(error.__cause__, "reasons", ())
            too_large = next(
                (r.value for r in reasons if isinstance(r.value, HeadersTooLarge)), None
            )
            if too_large is None:
                raise
            logger.warning(
                "Response headers of %s too large: %s",
                request.url,
                too_large,
                extra={"crawler": self.crawler},
            )
            raise too_large from None
