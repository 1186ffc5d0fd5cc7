"""Article text and metadata from one HTML page: trafilatura plus the page's stated metadata.

Runs inside the extraction worker processes (pipelines.workers): ``read_page`` is a plain
function of a page's bytes, Content-Type and URL returning picklable data, so that a worker
gets a page once and sends back all the pipelines need: the page decoded (pipelines.decoding)
and read, or why it cannot be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

from pipelines.decoding import NotText, decode_page, header_charset
from pipelines.metadata import parse_datetime, stated_metadata
from storage import outcomes
from storage.content import Content, normalize
from storage.records import Reading

EXTRACTOR = f"trafilatura {version('trafilatura')}"

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
# En dash, em dash, middle dot and guillemet are as common as the ASCII ones.
TITLE_SEPARATORS = (" | ", " \u2013 ", " \u2014 ", " - ", " :: ", " \u00b7 ", " \u00bb ")
_SPACE = re.compile(r"[ \t\r\f\v]+")
# A label that introduces a link to another story, in the body of this one.
_LINK_LABEL = re.compile(
    r"(read more|read also|also read|more on this( story)?|related( stories| articles?)?|"
    r"see also|recommended|further reading|don't miss|watch|listen)\s*[:\uff1a|\u00bb\u203a-]\s*",
    re.IGNORECASE,
)
MAX_LINK_LINE = 300


def clean_title(title: str | None, site_name: str | None) -> str | None:
    """Drop a trailing (or leading) "| Site Name" that sites add to their <title>."""
    if not title:
        return None
    title = " ".join(title.split())
    if not site_name:
        return title
    site = site_name.casefold().strip()
    for separator in TITLE_SEPARATORS:
        head, sep, tail = title.rpartition(separator)
        if sep and head and tail.casefold().strip() == site:
            return head.strip()
        head, sep, tail = title.partition(separator)
        if sep and tail and head.casefold().strip() == site:
            return tail.strip()
    return title


def drop_link_lines(tree: HtmlElement) -> None:
    """Remove "Read more: <a>Other story</a>" lines that sit inside article bodies.

    They look like body paragraphs to an extractor, but they are navigation: their link text is
    another article's headline, and it changes whenever the site reshuffles them (which must not
    count as an edit of this article).
    """
    for element in list(tree.iter("p", "div", "li", "h2", "h3", "h4")):
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


def _clean_text(text: str, title: str | None) -> str:
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    # trafilatura keeps the headline as the body's first line; it is the title, not body, and
    # keeping it would turn every title edit into a body edit too.
    if lines and title and normalize(lines[0]) == normalize(title):
        lines = lines[1:]
    return "\n".join(lines)


def extract(html: str, url: str) -> Content | None:
    """The article in *html*, or None when no main text can be found."""
    tree = load_html(html)
    if tree is None:
        return None
    stated = stated_metadata(tree)
    drop_link_lines(tree)
    document = trafilatura.bare_extraction(tree, options=Extractor(url=url, **OPTIONS))
    if document is None or not isinstance(document, trafilatura.settings.Document):
        return None
    site_name = document.sitename or None
    title = clean_title(stated.headline or document.title, site_name)
    text = _clean_text(document.text or "", title)
    if not text:
        return None
    tags = [*(document.categories or []), *(document.tags or [])]
    return Content(
        title=title,
        author=document.author or stated.author,
        text=text,
        published_at=published_at(stated.published_at, document.date),
        modified_at=stated.modified_at,
        language=document.language or stated.language,
        description=document.description or None,
        site_name=site_name,
        tags=tuple(dict.fromkeys(t.strip() for t in tags if t and t.strip())),
        image=document.image or None,
    )


@dataclass(frozen=True)
class Unreadable:
    """A page that yields no article: its outcome (``rejected:not_text``, ...) and why."""

    outcome: str
    detail: str = ""


def read_page(body: bytes, content_type: str | None, url: str) -> Reading | Unreadable:
    """Decode and read one article page (DESIGN §5)."""
    try:
        html, encoding = decode_page(body, header_charset(content_type))
    except NotText as exc:
        return Unreadable(outcomes.rejected("not_text"), str(exc))
    content = extract(html, url)
    if content is None:
        return Unreadable(outcomes.failed("extract_empty"))
    return Reading(content=content, encoding=encoding, extractor=EXTRACTOR)
