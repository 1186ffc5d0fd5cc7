"""Article text and metadata from one HTML page: trafilatura plus the page's stated metadata.

Runs inside the extraction worker processes (pipelines.workers): ``read_page`` is a plain
function of a page's bytes, Content-Type and URL returning picklable data, so that a worker
gets a page once and sends back all the pipelines need: the page decoded (pipelines.decoding)
and read, or why it cannot be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from pipelines.bylines import byline
from pipelines.decoding import NotText, decode_page, header_charset
from pipelines.metadata import StatedMetadata, drop_costly_json, parse_datetime, stated_metadata
from pipelines.options import EXTRACT_OPTIONS, Options, extractor_name
from pipelines.parsing import parse_html
from pipelines.titles import Brand, headline
from storage import outcomes
from storage.content import Content, normalize
from storage.records import Dropped, Reading

# Shared options; the URL is added per page. Comments are not content (DESIGN §4 rule 2).
# htmldate's extensive search with original_date weighs every date on the page and keeps the
# earliest plausible one, so a "today" banner loses to the story's own date.
OPTIONS: dict[str, Any] = {
    "output_format": "python",
    "with_metadata": True,
    "comments": False,
    "tables": True,
    "images": False,
    "links": False,
    "date_params": {"extensive_search": True, "original_date": True},
}
_SPACE = re.compile(r"[ \t\r\f\v]+")
# A label that introduces a link to another story, in the body of this one.
_LINK_LABEL = re.compile(
    r"(read more|read also|also read|more on this( story)?|related( stories| articles?)?|"
    r"see also|recommended|further reading|don't miss|watch|listen)\s*[:\uff1a|\u00bb\u203a-]\s*",
    re.IGNORECASE,
)
MAX_LINK_LINE = 300
# The texts whose first word, lower-cased and without punctuation, is the first word of a
# label above: found by libxml2 in C, since a page has a thousand texts.
_LABEL_WORDS = "read|also|more|related|see|recommended|further|don't|watch|listen"
_LABEL_TEXTS = etree.XPath(
    '//text()[contains("|{words}|", concat("|", translate(substring-before('
    'concat(normalize-space(.), " "), " "), "{upper}", "{lower}"), "|"))]'.format(
        words=_LABEL_WORDS,
        # Past the 26 capitals: characters deleted, the labels' separators and the spaces
        # XPath's normalize-space leaves (no-break, thin, zero-width).
        upper="ABCDEFGHIJKLMNOPQRSTUVWXYZ:|-\u00bb\u203a\uff1a\u00a0\u2009\u200b\u202f",
        lower="abcdefghijklmnopqrstuvwxyz",
    )
)
_LINE_TAGS = frozenset({"p", "div", "li", "h2", "h3", "h4"})
# No story on the web was published before this: an earlier date is a template's placeholder
# ("0001-01-01") or a misread, not when the page came out.
EARLIEST_DATE = datetime(1800, 1, 1, tzinfo=UTC)
# How far past its fetch a page's date may lie: the page's time zone and a server clock that
# runs ahead make a fresh story look hours old in the future; "9999-12-31" is "no date".
FUTURE_SLACK = timedelta(days=1)


def _label_holders(tree: HtmlElement) -> list[HtmlElement]:
    """The elements whose text may start with a link label, outermost first.

    An element's text starts with a label only if its first text does, so only the elements
    holding a text that starts with a label's first word are read whole: reading the whole
    text of every nested <div> costs more than the rest of the reading.
    """
    holders: dict[HtmlElement, int] = {}
    texts = _LABEL_TEXTS(tree)
    assert isinstance(texts, list)  # a node-set: text results, which know their element
    for text in texts:
        parent = text.getparent()  # type: ignore[union-attr]  # text nodes are smart strings
        if parent is None:
            continue
        for element in (parent, *parent.iterancestors()):
            if element.tag in _LINE_TAGS and element not in holders:
                holders[element] = sum(1 for _ in element.iterancestors())
    return sorted(holders, key=holders.__getitem__)


def drop_link_lines(tree: HtmlElement) -> None:
    """Remove "Read more: <a>Other story</a>" lines that sit inside article bodies.

    They look like body paragraphs to an extractor, but they are navigation: their link text is
    another article's headline, and it changes whenever the site reshuffles them (which must not
    count as an edit of this article).
    """
    for element in _label_holders(tree):
        text = " ".join(element.text_content().split())
        match = _LINK_LABEL.match(text)
        if match is None or len(text) > MAX_LINK_LINE:
            continue
        rest = text[match.end() :].strip()
        linked = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
        if rest and linked >= 0.6 * len(rest):
            element.drop_tree()


def published_at(stated: datetime | None, day: str | None) -> datetime | None:
    """The publication time: htmldate's day, with the page's stated time when they agree.

    On pages with ground truth (htmldate's evaluation set, WCXB) htmldate's day is right more
    often than the first stated timestamp, which is sometimes an update time; the stated value
    adds the time of day and the offset.
    """
    found = parse_datetime(day)
    if stated is not None and (found is None or stated.date() == found.date()):
        return stated
    return found


def impossible_date(value: datetime | None, fetched_at: datetime) -> str | None:
    """Why *value* cannot be when a page fetched at *fetched_at* was published or modified;
    None when it can be (or there is no date)."""
    if value is None:
        return None
    if value < EARLIEST_DATE:
        return f"{value.isoformat()} is before {EARLIEST_DATE.year}"
    if value > fetched_at + FUTURE_SLACK:
        return f"{value.isoformat()} is after the page was fetched"
    return None


def _possible_dates(
    dates: dict[str, datetime | None], fetched_at: datetime | None, dropped: list[Dropped]
) -> dict[str, datetime | None]:
    """*dates* with the impossible ones left out (and added to *dropped*)."""
    fetched_at = fetched_at or datetime.now(UTC)
    if fetched_at.tzinfo is None:  # as SQLite gives timestamps back: UTC
        fetched_at = fetched_at.replace(tzinfo=UTC)
    possible = dict(dates)
    for name, value in dates.items():
        why = impossible_date(value, fetched_at)
        if why is not None:
            possible[name] = None
            dropped.append(Dropped(name, why))
    return possible


def _stated(tree: HtmlElement) -> tuple[StatedMetadata, list[Dropped]]:
    """The page's stated metadata, and what of it could not be read.

    JSON too costly to parse is taken out of *tree* first, so that trafilatura does not parse
    it either.
    """
    dropped = [Dropped("json_ld", why) for why in drop_costly_json(tree)]
    try:
        stated = stated_metadata(tree)
    # The stated metadata only adds to what trafilatura reads: however reading it fails, the
    # article is kept without it.
    except Exception as exc:
        dropped.append(Dropped("metadata", f"{type(exc).__name__}: {exc}"))
        return StatedMetadata(), dropped
    return stated, dropped


def _clean_text(text: str, title: str | None) -> str:
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    # trafilatura keeps the headline as the body's first line; it is the title, not body, and
    # keeping it would turn every title edit into a body edit too.
    if lines and title and normalize(lines[0]) == normalize(title):
        lines = lines[1:]
    return "\n".join(lines)


@dataclass(frozen=True)
class Article:
    """An article read off a page, and what the page stated that was left out of it."""

    content: Content
    dropped: tuple[Dropped, ...] = ()


def extract(html: str, url: str) -> Content | None:
    """The article in *html*, or None when no main text can be found."""
    article = read_article(html, url)
    return article.content if article is not None else None


def read_article(
    html: str, url: str, fetched_at: datetime | None = None, options: Options = ()
) -> Article | None:
    """The article in *html*, fetched at *fetched_at* (default: now), read with a source's
    *options* (EXTRACT_OPTIONS), or None when no main text can be found. A date it cannot
    have is left out (DESIGN §5)."""
    tree = parse_html(html)
    if tree is None:
        return None
    stated, dropped = _stated(tree)
    drop_link_lines(tree)
    chosen: dict[str, Any] = {EXTRACT_OPTIONS[name]: on for name, on in options}
    document = trafilatura.bare_extraction(tree, options=Extractor(url=url, **OPTIONS, **chosen))
    if document is None or not isinstance(document, trafilatura.settings.Document):
        return None
    site_name = document.sitename or None
    brand = Brand.of([*stated.site_names, site_name], url)
    title = headline(stated.headline or document.title, brand, stated.headings)
    text = _clean_text(document.text or "", title)
    if not text:
        return None
    tags = [*(document.categories or []), *(document.tags or [])]
    dates = _possible_dates(
        {
            "published_at": published_at(stated.published_at, document.date),
            "modified_at": stated.modified_at,
        },
        fetched_at,
        dropped,
    )
    content = Content(
        title=title,
        author=byline(document.author or stated.author, brand),
        text=text,
        published_at=dates["published_at"],
        modified_at=dates["modified_at"],
        language=document.language or stated.language,
        description=document.description or None,
        site_name=site_name,
        tags=tuple(dict.fromkeys(t.strip() for t in tags if t and t.strip())),
        image=document.image or None,
    )
    return Article(content, tuple(dropped))


@dataclass(frozen=True)
class Unreadable:
    """A page that yields no article: its outcome (``rejected:not_text``, ...) and why."""

    outcome: str
    detail: str = ""


def read_page(
    body: bytes,
    content_type: str | None,
    url: str,
    fetched_at: datetime | None = None,
    options: Options = (),
) -> Reading | Unreadable:
    """Decode and read one article page, fetched at *fetched_at* (default: now), with a
    source's extraction *options* (DESIGN §5)."""
    try:
        html, encoding = decode_page(body, header_charset(content_type))
    except NotText as exc:
        return Unreadable(outcomes.rejected("not_text"), str(exc))
    article = read_article(html, url, fetched_at, options)
    if article is None:
        return Unreadable(outcomes.failed("extract_empty"))
    return Reading(
        content=article.content,
        encoding=encoding,
        extractor=extractor_name(options),
        dropped=article.dropped,
    )
