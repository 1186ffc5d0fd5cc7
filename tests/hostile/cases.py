# ruff: noqa: RUF001  (Chinese text uses its own, full-width, punctuation)
"""The hostile corpus: what each case serves, and the outcomes the archive may end it in.

Pages are fetched ad hoc (`archiver fetch`), one URL each; feeds, sitemaps and traps are
crawled as a source's discovery. Each case lists the outcomes that are right for it; any
other outcome, a crash, or a URL without an outcome fails the battery.
"""

from __future__ import annotations

import codecs
import gzip
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

import brotli

from tests.hostile import heads
from tests.hostile.server import Handler, HostileSite, Reply, Request

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

HTML = "text/html; charset=utf-8"
# A secret only a successful external-entity attack could put into the archive or a request.
SECRET_FILE_TEXT = "archiver-hostile-secret-4f1d"
BOMB_BYTES = 1 << 30  # one gigabyte inflated
PARAGRAPHS = (
    "The city council voted on Tuesday to approve a new budget for the river quay, after a "
    "debate that ran late into the evening and drew residents from every district.",
    "Opponents said the plan would raise rents in the old harbour streets, while supporters "
    "said the repairs to the flood walls could not wait another winter.",
    "The mayor is expected to sign the measure next week, a spokesperson said, once the "
    "final figures from the treasury have been checked.",
)


def article(title: str, paragraphs: tuple[str, ...] = PARAGRAPHS, head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title>{head}"
        '<meta property="og:type" content="article"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


@dataclass(frozen=True)
class Case:
    path: str
    kind: Literal["page", "discovery"]
    expected: frozenset[str]
    handler: Handler
    # Words the stored text must hold (charset cases).
    must_contain: str | None = None


def page(body: bytes, kind: str = HTML, **extra: object) -> Handler:
    def handler(site: HostileSite, request: Request) -> Reply:
        # extra: the optional fields of Reply (delay, cut_after...), which mypy cannot match
        # to **kwargs of mixed types.
        return Reply(200, [("Content-Type", kind)], body, **extra)  # type: ignore[arg-type]

    return handler


def redirect(target: str | None = None, *, to_self: bool = False) -> Handler:
    def handler(site: HostileSite, request: Request) -> Reply:
        location = target.format(base=site.base_url, other=site.other_base_url) if target else ""
        if to_self:
            location = request.path
        return Reply(302, [("Location", location), ("Content-Type", "text/plain")], b"moved")

    return handler


def chain(site: HostileSite, request: Request) -> Reply:
    hop = int(request.path.rsplit("/", 1)[-1] or 0)
    return Reply(302, [("Location", f"/chain/{hop + 1}")], b"")


# --- bodies in every charset -----------------------------------------------------------------

ACCENTED = ("Zoë Brandt and José Núñez met at the café on the Quai des Brumes.", *PARAGRAPHS)
JAPANESE = ("東京の地下鉄で新しい路線が開業し、朝から多くの利用者が駅に集まった。",) * 3
CHINESE = ("北京市政府宣布了新的公共交通计划，将在明年春天开始实施。",) * 3


def charset_cases() -> list[Case]:
    accented = article("Café council", ACCENTED)
    declared = '<meta charset="{}">'
    live = frozenset({"article_new"})
    return [
        Case(
            "/charset/utf8-declared-cp1252",
            "page",
            live,
            page(accented.encode("cp1252"), HTML),
            "José Núñez met at the café",
        ),
        Case(
            "/charset/cp1252-declared-utf8",
            "page",
            live,
            page(accented.encode("utf-8"), "text/html; charset=windows-1252"),
            "José Núñez met at the café",
        ),
        Case(
            "/charset/none",
            "page",
            live,
            page(accented.encode("utf-8"), "text/html"),
            "José Núñez met at the café",
        ),
        Case(
            "/charset/utf16-bom",
            "page",
            live,
            page(codecs.BOM_UTF16_LE + accented.encode("utf-16-le"), "text/html"),
            "José Núñez met at the café",
        ),
        Case(
            "/charset/shift-jis-meta",
            "page",
            live,
            page(
                article("路線", JAPANESE, declared.format("shift_jis")).encode("shift_jis"),
                "text/html",
            ),
            JAPANESE[0][:12],
        ),
        Case(
            "/charset/gbk-meta",
            "page",
            live,
            page(article("交通", CHINESE, declared.format("gbk")).encode("gbk"), "text/html"),
            CHINESE[0][:12],
        ),
    ]


def body_cases() -> list[Case]:
    pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 40
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    nul = article("Nulls", tuple(p.replace(" ", " \x00", 3) for p in PARAGRAPHS)).encode()
    deep = "<div>" * 20_000 + "<p>" + PARAGRAPHS[0] + "</p>" + "</div>" * 20_000
    # Some 5 MB of inline markup: under the size cap, over the extraction budget.
    spans = "".join(f"<span class=s{n % 97}>w{n}</span> " for n in range(200_000))
    not_html = frozenset({"rejected:not_html"})
    return [
        Case("/body/pdf", "page", not_html, page(pdf, "application/pdf")),
        Case("/body/pdf-as-html", "page", not_html, page(pdf, HTML)),
        Case("/body/png-as-html", "page", not_html, page(png, HTML)),
        Case("/body/nul-laden", "page", frozenset({"article_new"}), page(nul)),
        Case("/body/huge", "page", frozenset({"rejected:too_large"}), page_stream(40 << 20)),
        Case(
            "/body/deep",
            "page",
            frozenset({"article_new", "failed:extract_empty", "failed:extract_error"}),
            page(f"<html><body>{deep}</body></html>".encode()),
        ),
        Case(
            "/body/slow-extraction",
            "page",
            frozenset(
                {
                    "failed:extract_timeout",
                    "article_new",
                    "failed:extract_empty",
                    "failed:extract_error",
                    "failed:extract_crashed",
                }
            ),
            page(f"<html><body><article>{spans}</article></body></html>".encode()),
        ),
        Case("/body/empty", "page", frozenset({"failed:extract_empty"}), page(b"")),
    ]


def page_stream(size: int) -> Handler:
    def handler(site: HostileSite, request: Request) -> Reply:
        def chunks() -> Iterator[bytes]:
            yield b"<html><body><p>"
            block = b"x" * 65536
            for _ in range(size // len(block)):
                yield block

        return Reply(200, [("Content-Type", HTML)], chunks(), length=size + 15)

    return handler


# --- pages that trip the reading: characters XML cannot hold, deep structures, odd dates -----

# Numeric references to characters XML cannot hold, as word processors paste them: with and
# without ";", decimal and hex, either case of "x".
BAD_REFERENCES = ("&#11;", "&#x1b;", "&#1", "&#0;", "&#xFFFE;", "&#XFFFF;", "&#xD800;", "&#12;")
RAW_CONTROLS = ("\x0b", "\x1b", "\x01", "\x0c", "\ufffe", "\uffff")
# The article a JSON-LD block states, after the block that cannot be read.
NEWS_JSON_LD = (
    '<script type="application/ld+json">{"@type": "NewsArticle", '
    '"headline": "Quay budget approved", "datePublished": "2026-11-02T08:00:00Z"}</script>'
)


def scattered(text: str, marks: tuple[str, ...]) -> str:
    """*text* with one of *marks* after each of its first words."""
    words = text.split(" ")
    return " ".join(w + marks[n] if n < len(marks) else w for n, w in enumerate(words))


def json_ld(*blocks: str) -> str:
    return "".join(f'<script type="application/ld+json">{block}</script>' for block in blocks)


def reading_cases() -> list[Case]:
    """Pages whose article must be archived although something in them cannot be read."""
    live = frozenset({"article_new"})
    intact = PARAGRAPHS[1]

    def with_marks(marks: tuple[str, ...]) -> bytes:
        paragraphs = (PARAGRAPHS[0], scattered(intact, marks), PARAGRAPHS[2])
        return article("Pasted from a word processor", paragraphs).encode()

    shapes = json_ld(
        '"a string"',
        "[1, 2, 3]",
        "null",
        '{"@graph": "not a list"}',
        '{"@type": "NewsArticle", "author": 42, "datePublished": {"y": 2026}, "headline": [1]}',
    )
    bombs = {
        "nested-arrays": json_ld("[" * 100_000),
        "nested-objects": json_ld('{"a":' * 100_000),
        "many": json_ld(*['{"@type": "WebPage"}'] * 5000),
    }
    dated = '<meta property="article:published_time" content="{}">'
    # Deeper than libxml2 parses, before the article.
    deep = article("Deep").replace("<body>", "<body>" + "<div>" * 5000 + "ad" + "</div>" * 5000)
    return [
        Case("/reading/references", "page", live, page(with_marks(BAD_REFERENCES)), intact),
        Case("/reading/raw-controls", "page", live, page(with_marks(RAW_CONTROLS)), intact),
        *(
            Case(
                f"/reading/json-ld-{name}",
                "page",
                live,
                page(article("Quay budget", head=bomb + NEWS_JSON_LD).encode()),
                PARAGRAPHS[0],
            )
            for name, bomb in bombs.items()
        ),
        Case(
            "/reading/json-ld-shapes",
            "page",
            live,
            page(article("Odd shapes", head=shapes).encode()),
            PARAGRAPHS[0],
        ),
        Case(
            "/reading/year-9999",
            "page",
            live,
            page(article("Forever", head=dated.format("9999-12-31T00:00:00Z")).encode()),
            PARAGRAPHS[0],
        ),
        Case(
            "/reading/year-1",
            "page",
            live,
            page(article("Long ago", head=dated.format("0001-01-01T00:00:00Z")).encode()),
            PARAGRAPHS[0],
        ),
        Case("/reading/deep-html", "page", live, page(deep.encode()), PARAGRAPHS[0]),
    ]


# --- compression bombs ------------------------------------------------------------------------


BOMB_ENCODINGS = ("gzip", "deflate", "br", "zstd")


@cache
def bomb(encoding: str) -> bytes:
    """A gigabyte of zeros, compressed: a megabyte or much less on the wire."""
    megabyte = b"\0" * (1 << 20)
    if encoding == "br":
        compressor = brotli.Compressor(quality=5)
        return b"".join(
            [*(compressor.process(megabyte) for _ in range(BOMB_BYTES >> 20)), compressor.finish()]
        )
    if encoding == "zstd":
        zstd_compressor = zstd.ZstdCompressor(level=3)
        return b"".join(
            [
                *(zstd_compressor.compress(megabyte) for _ in range(BOMB_BYTES >> 20)),
                zstd_compressor.flush(),
            ]
        )
    wbits = 31 if encoding == "gzip" else 15  # gzip wrapper, or zlib's for "deflate"
    deflater = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return b"".join(
        [*(deflater.compress(megabyte) for _ in range(BOMB_BYTES >> 20)), deflater.flush()]
    )


def bomb_page(encoding: str) -> Handler:
    def handler(site: HostileSite, request: Request) -> Reply:
        return Reply(200, [("Content-Type", HTML), ("Content-Encoding", encoding)], bomb(encoding))

    return handler


def truncated_gzip(site: HostileSite, request: Request) -> Reply:
    whole = gzip.compress(article("Cut short").encode())
    return Reply(
        200, [("Content-Type", HTML), ("Content-Encoding", "gzip")], whole[: len(whole) // 2]
    )


def compression_cases() -> list[Case]:
    too_large = frozenset({"rejected:too_large"})
    cases = [
        Case(f"/bomb/{encoding}", "page", too_large, bomb_page(encoding))
        for encoding in BOMB_ENCODINGS
    ]
    cases.append(
        Case(
            "/bomb/truncated-gzip",
            "page",
            frozenset(
                {
                    "article_new",
                    "failed:extract_empty",
                    "failed:data_loss",
                    "failed:connection",
                    "rejected:ignored",
                }
            ),
            truncated_gzip,
        )
    )
    return cases


# --- redirects --------------------------------------------------------------------------------


def meta_refresh(site: HostileSite, request: Request) -> Reply:
    html = '<html><head><meta http-equiv="refresh" content="0; url=/redirect/meta-refresh">'
    return Reply(200, [("Content-Type", HTML)], (html + "</head><body>wait</body></html>").encode())


def landing(site: HostileSite, request: Request) -> Reply:
    return Reply(200, [("Content-Type", HTML)], article("Landed").encode())


def redirect_cases() -> list[Case]:
    loop = frozenset({"failed:too_many_redirects"})
    refused = frozenset({"rejected:redirect_scheme"})
    return [
        Case("/redirect/loop", "page", loop, redirect(to_self=True)),
        Case("/chain/0", "page", loop, chain),
        Case(
            "/redirect/other-host", "page", frozenset({"article_new"}), redirect("{other}/landing")
        ),
        Case("/redirect/file", "page", refused, redirect("file:///etc/passwd")),
        Case("/redirect/ftp", "page", refused, redirect("ftp://127.0.0.1/pub/file.html")),
        Case("/redirect/meta-refresh", "page", loop, meta_refresh),
        Case(
            "/redirect/private",
            "page",
            frozenset({"rejected:private_address"}),
            redirect("http://10.255.255.1/internal/"),
        ),
        Case("/landing", "page", frozenset({"article_new"}), landing),
    ]


# --- servers that say no, stall or drop -------------------------------------------------------


def rate_limited(site: HostileSite, request: Request) -> Reply:
    if len(site.hits("/server/rate-limited")) == 1:
        return Reply(429, [("Retry-After", "1"), ("Content-Type", "text/plain")], b"slow down")
    return Reply(200, [("Content-Type", HTML)], article("Patience").encode())


def unreadable_retry_after(value: str) -> Handler:
    """A 429 with a Retry-After that is neither seconds nor a date, then the page."""

    def handler(site: HostileSite, request: Request) -> Reply:
        if len(site.hits(request.path)) == 1:
            return Reply(429, [("Retry-After", value), ("Content-Type", "text/plain")], b"no")
        return Reply(200, [("Content-Type", HTML)], article("Retried anyway").encode())

    return handler


def server_cases() -> list[Case]:
    # A Retry-After nobody can read counts as absent: retried as any 429 is.
    garbage = {"superscript": "\u00b2", "float": "1.5e3", "bad-date": "Mon, 32 Jan 2026 x"}
    return [
        Case("/server/rate-limited", "page", frozenset({"article_new"}), rate_limited),
        *(
            Case(
                f"/server/retry-after-{name}",
                "page",
                frozenset({"article_new"}),
                unreadable_retry_after(value),
            )
            for name, value in garbage.items()
        ),
        Case(
            "/server/unavailable-for-a-day",
            "page",
            frozenset({"failed:retry_after"}),
            lambda site, request: Reply(503, [("Retry-After", "86400")], b""),
        ),
        Case(
            "/server/stalls",
            "page",
            frozenset({"failed:timeout"}),
            page(article("Never").encode(), delay=30.0),
        ),
        Case(
            "/server/drops-mid-body",
            "page",
            frozenset({"failed:data_loss", "failed:connection"}),
            page(article("Dropped").encode() * 20, cut_after=200),
        ),
    ]


# --- response heads too large to read (tests/hostile/heads.py) --------------------------------


def raw_head(make: Callable[[], Iterable[bytes]]) -> Handler:
    """A page behind the head that *make* sends (a new one for each request)."""

    def handler(site: HostileSite, request: Request) -> Reply:
        return Reply(head=make(), body=article("Behind the head").encode())

    return handler


def header_cases() -> list[Case]:
    big = 4000  # bytes a line, where the byte limit is to stop it before the line limit
    made: dict[str, Callable[[], Iterable[bytes]]] = {
        "/head/many/short": lambda: heads.many_headers(100_000),
        "/head/many/long-values": lambda: heads.many_headers(100_000, b"v" * 100),
        "/head/many/bare-lf": lambda: heads.many_headers(100_000, eol=b"\n"),
        "/head/folded/spaces": lambda: heads.folded(b" more\r\n"),
        "/head/folded/tabs": lambda: heads.folded(b"\tmore\r\n"),
        "/head/folded/long": lambda: heads.folded(b" " + b"m" * big + b"\r\n"),
        "/head/cookies/short": lambda: heads.cookies(8),
        "/head/cookies/long": lambda: heads.cookies(big),
        "/head/cookies/bare-lf": lambda: heads.cookies(8, eol=b"\n"),
        "/head/line/megabyte": lambda: heads.long_line(heads.OK + b"X-Huge: ", 1 << 20),
        "/head/line/endless": lambda: heads.long_line(heads.OK + b"X-Huge: ", None),
        "/head/line/no-colon": lambda: heads.long_line(heads.OK + b"X", None),
        "/head/status/megabyte-reason": lambda: heads.long_line(b"HTTP/1.1 200 ", 1 << 20),
        "/head/status/endless-reason": lambda: heads.long_line(b"HTTP/1.1 200 ", None),
        "/head/status/endless-continue": heads.interim_heads,
        "/head/trickle/headers": lambda: heads.trickle(
            heads.OK, lambda n: b"X-Slow-%d: %s\r\n" % (n, b"s" * big)
        ),
        "/head/trickle/folded": lambda: heads.trickle(
            heads.OK + b"X-Folded: start\r\n", lambda n: b" " + b"s" * big + b"\r\n"
        ),
        "/head/trickle/cookies": lambda: heads.trickle(
            heads.OK, lambda n: b"Set-Cookie: c%d=%s\r\n" % (n, b"s" * big)
        ),
    }
    too_large = frozenset({"failed:headers_too_large"})
    return [Case(path, "page", too_large, raw_head(make)) for path, make in made.items()]


# --- feeds and sitemaps ------------------------------------------------------------------------


def xml(body: str, kind: str = "application/xml") -> Handler:
    def handler(site: HostileSite, request: Request) -> Reply:
        return Reply(
            200,
            [("Content-Type", kind)],
            body.format(base=site.base_url, secret=site.secret_path).encode(),
        )

    return handler


def sitemap_bomb(site: HostileSite, request: Request) -> Reply:
    return Reply(200, [("Content-Type", "application/gzip")], bomb("gzip"))


def big_sitemap(site: HostileSite, request: Request) -> Reply:
    urls = "".join(f"<url><loc>{site.base_url}/trap/big/{n}</loc></url>" for n in range(50_000))
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    return Reply(200, [("Content-Type", "application/xml")], body.encode())


LAUGHS = '<!ENTITY l0 "lol">' + "".join(
    f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
)


def xml_cases() -> list[Case]:
    navigation = frozenset({"navigation"})
    return [
        Case(
            "/xml/xxe-sitemap.xml",
            "discovery",
            navigation,
            xml(
                '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}">]>'
                "<urlset><url><loc>{base}/trap/xxe/&xxe;</loc></url></urlset>"
            ),
        ),
        Case(
            "/xml/laughs-feed.xml",
            "discovery",
            navigation,
            xml(
                f'<?xml version="1.0"?><!DOCTYPE rss [{LAUGHS}]><rss version="2.0"><channel>'
                "<item><title>&l9;</title><link>{{base}}/trap/laughs</link></item>"
                "</channel></rss>",
                "application/rss+xml",
            ),
        ),
        Case(
            "/xml/external-dtd.xml",
            "discovery",
            navigation,
            xml(
                '<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "{base}/xml/evil.dtd">'
                "<urlset><url><loc>{base}/trap/dtd</loc></url></urlset>"
            ),
        ),
        Case("/xml/big-sitemap.xml", "discovery", navigation, big_sitemap),
        Case(
            "/xml/sitemap-as-html.xml",
            "discovery",
            frozenset({"failed:bad_sitemap"}),
            xml("<html><body><p>Not a sitemap</p></body></html>", "text/html"),
        ),
        Case(
            "/xml/undeclared-entities.xml",
            "discovery",
            navigation,
            xml(
                '<?xml version="1.0"?><rss version="2.0"><channel><title>Caf&eacute;&nbsp;news'
                "</title><item><title>&copy; 2026</title><link>{base}/trap/entities</link></item>"
                "</channel></rss>",
                "application/rss+xml",
            ),
        ),
        Case(
            "/xml/sitemap-bomb.xml.gz", "discovery", frozenset({"rejected:too_large"}), sitemap_bomb
        ),
    ]


# --- crawler traps ------------------------------------------------------------------------------


def calendar(site: HostileSite, request: Request) -> Reply:
    year, month = (int(part) for part in request.path.strip("/").split("/")[1:3])
    following = f"/calendar/{year + month // 12}/{month % 12 + 1}/"
    previous = f"/calendar/{year - (month == 1)}/{(month - 2) % 12 + 1}/"
    links = f'<a href="{following}">next</a> <a href="{previous}">previous</a>'
    return Reply(200, [("Content-Type", HTML)], f"<html><body>{links}</body></html>".encode())


def session_ids(site: HostileSite, request: Request) -> Reply:
    count = len(site.hits("/session"))
    links = (
        f'<a href="/session/page?sid={count}a">on</a> <a href="/session/page?sid={count}b">on</a>'
    )
    return Reply(200, [("Content-Type", HTML)], f"<html><body>{links}</body></html>".encode())


def endless_pages(site: HostileSite, request: Request) -> Reply:
    number = int(request.path.split("page=")[-1]) if "page=" in request.path else 1
    links = f'<a href="/list?page={number + 1}">older</a>'
    return Reply(200, [("Content-Type", HTML)], f"<html><body>{links}</body></html>".encode())


def repeating(site: HostileSite, request: Request) -> Reply:
    links = f'<a href="{request.path.rstrip("/")}/a/">deeper</a>'
    return Reply(200, [("Content-Type", HTML)], f"<html><body>{links}</body></html>".encode())


def trap_cases() -> list[Case]:
    navigation = frozenset({"navigation"})
    return [
        Case("/calendar/2026/11/", "discovery", navigation, calendar),
        Case("/session/page?sid=0", "discovery", navigation, session_ids),
        Case("/list?page=1", "discovery", navigation, endless_pages),
        Case("/a/", "discovery", navigation, repeating),
    ]


def routes() -> dict[str, Handler]:
    # The bombs take seconds each to compress: made now, not on the first request, so that
    # the server answers them well within the crawl's download timeout.
    for encoding in BOMB_ENCODINGS:
        bomb(encoding)
    table: dict[str, Handler] = {case.path: case.handler for case in CASES}
    table |= {
        "/calendar/*": calendar,
        "/session/*": session_ids,
        "/list": endless_pages,
        "/a/*": repeating,
        "/chain/*": chain,
        "/trap/*": lambda site, request: Reply(404, [("Content-Type", "text/plain")], b"gone"),
        "/xml/evil.dtd": lambda site, request: Reply(200, [], b'<!ENTITY x "leak">'),
        "/robots.txt": lambda site, request: Reply(
            200, [("Content-Type", "text/plain")], b"User-agent: *\nAllow: /\n"
        ),
    }
    return table


CASES: list[Case] = [
    *charset_cases(),
    *body_cases(),
    *reading_cases(),
    *compression_cases(),
    *redirect_cases(),
    *server_cases(),
    *header_cases(),
    *xml_cases(),
    *trap_cases(),
]
