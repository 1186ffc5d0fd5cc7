"""Article metadata the page states explicitly: JSON-LD, Open Graph and article meta tags.

trafilatura's date comes from htmldate, which returns a day without a time and, lacking
metadata, may fall back on dates in the visible text (a "today" banner in the header is the
classic trap). Stated metadata is preferred here; trafilatura fills in what is missing.
"""

from __future__ import annotations

import json
import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import accumulate
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "TechArticle",
        "ScholarlyArticle",
        "Report",
    }
)
# Where pages state their dates, most specific first.
PUBLISHED_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//meta[@name='parsely-pub-date']/@content",
    "//meta[@name='publish-date' or @name='pubdate' or @name='publication_date']/@content",
    "//meta[@name='dc.date.issued' or @name='DC.date.issued' or @name='dcterms.created']/@content",
    "//time[@itemprop='datePublished']/@datetime",
)
MODIFIED_XPATHS = (
    "//meta[@property='article:modified_time']/@content",
    "//meta[@itemprop='dateModified']/@content",
    "//meta[@property='og:updated_time']/@content",
    "//time[@itemprop='dateModified']/@datetime",
)
# What a page's JSON-LD may cost before a block is left unread (the article is kept without
# it). A block larger than this is not worth parsing for a date and a headline.
MAX_JSON_LD = 512 * 1024
# Real JSON-LD nests a handful of levels. Python's json recurses once per level: a block nested
# deeper than the interpreter's recursion limit raises RecursionError instead of parsing.
MAX_JSON_LD_DEPTH = 64
# Real pages have a few JSON-LD blocks, of some kilobytes in all; past these limits a page's
# further blocks are left unread, so that thousands of blocks cannot cost seconds.
MAX_JSON_LD_SCRIPTS = 64
MAX_JSON_LD_TOTAL = 1024 * 1024
# The blocks of JSON-LD, and the JSON trafilatura and htmldate also parse.
_JSON_LD = "//script[@type='application/ld+json']"
_JSON_SCRIPTS = "//script[@type='application/ld+json' or @type='application/settings+json']"
_SPACE = re.compile(r"\s+")
# A JSON string, its closing quote optional so that an unterminated one cannot make the
# pattern retry from every later quote.
_JSON_STRING = re.compile(r'"(?:[^"\\]+|\\.)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_NESTING = {"[": 1, "{": 1, "]": -1, "}": -1}


@dataclass(frozen=True)
class StatedMetadata:
    headline: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    is_article: bool = False
    language: str | None = None
    # What the page calls its site (og:site_name, JSON-LD publisher and WebSite names) and its
    # <h1> headings: pipelines.titles tells the headline from the brand with them.
    site_names: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()


def parse_datetime(value: str | None) -> datetime | None:
    """ISO 8601 date or date-time as an aware datetime (naive values are taken as UTC).

    The page's own offset is kept: the day a story was published is the day where it was
    published (storage converts the instant to UTC).
    """
    if not value:
        return None
    text = value.strip().replace(" ", "T", 1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text[:10]), time())
        except ValueError:
            return None
    parsed = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    try:
        parsed.astimezone(UTC)
    except OverflowError:  # "0001-01-01T00:00:00+01:00": not a date any story was published
        return None
    return parsed


def json_depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest, found without parsing it."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_NESTING.__getitem__, brackets)), default=0)


def too_costly(text: str) -> str | None:
    """Why a block of JSON is too costly to parse ("a block ..." says the rest), or None when
    it is not."""
    if len(text) > MAX_JSON_LD:
        return f"of {len(text)} characters, over the limit of {MAX_JSON_LD}"
    depth = json_depth(text)
    if depth > MAX_JSON_LD_DEPTH:
        return f"nested {depth} deep, over the limit of {MAX_JSON_LD_DEPTH}"
    return None


def _blocks(tree: HtmlElement, xpath: str) -> Iterator[tuple[HtmlElement, str | None]]:
    """Each JSON block *xpath* finds, with why it is too costly to parse (None: it is not),
    the page's limits included."""
    budget = MAX_JSON_LD_TOTAL
    for number, script in enumerate(tree.xpath(xpath)):
        text = script.text or ""
        if number >= MAX_JSON_LD_SCRIPTS:
            yield script, f"after the first {MAX_JSON_LD_SCRIPTS}"
        elif len(text) > budget:
            yield script, f"past the first {MAX_JSON_LD_TOTAL} characters of JSON"
        else:
            reason = too_costly(text)
            budget -= len(text) if reason is None else 0
            yield script, reason


def drop_costly_json(tree: HtmlElement) -> list[str]:
    """Remove the JSON blocks too costly to parse from *tree*; why they went.

    Done before anything reads the tree, so that trafilatura and htmldate, which parse the same
    blocks without limits, do not parse them either.
    """
    reasons: Counter[str] = Counter()
    for script, why in _blocks(tree, _JSON_SCRIPTS):
        if why is not None:
            reasons[why] += 1
            script.drop_tree()
    return [f"{'a block' if n == 1 else f'{n} blocks'} {why}" for why, n in reasons.items()]


def _json_ld(text: str) -> Any:
    """One JSON-LD block's data; None when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:  # broken JSON-LD is common and means nothing
        return None


def json_ld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD, @graph members included, in page order (of
    the blocks within the limits above)."""
    for script, costly in _blocks(tree, _JSON_LD):
        data = None if costly else _json_ld(script.text or "")
        queue = deque(data if isinstance(data, list) else [data])
        while queue:
            item = queue.popleft()
            if not isinstance(item, dict):
                continue  # a number, a string, null: nothing to read
            yield item
            graph = item.get("@graph")  # a list of objects, or (wrongly) a single one
            queue.extend(graph if isinstance(graph, list) else [graph])


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k for k in kinds if isinstance(k, str)}


def _names(value: Any, by_id: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """The names in a JSON-LD value: strings, objects with a name, or (Yoast's graphs)
    references to an object of the page's graph by its @id."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for value_item in items:
        item = value_item
        if isinstance(item, dict) and "name" not in item and by_id:
            item = by_id.get(str(item.get("@id")), item)
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(_SPACE.sub(" ", name).strip())
    return names


def _first(tree: HtmlElement, xpaths: tuple[str, ...]) -> datetime | None:
    for xpath in xpaths:
        for value in tree.xpath(xpath):
            parsed = parse_datetime(str(value))
            if parsed is not None:
                return parsed
    return None


# The words that introduce a visible modification time: "Updated", "Last updated:",
# "Modified on", in the text just before a <time datetime> element, or in its class.
_UPDATED_WORDS = re.compile(r"(?i)\b(last\s+)?(updated|modified)(\s+(on|at))?\s*:?\s*$")
_UPDATED_CLASS = re.compile(r"(?i)\b(updated|modified)\b")


def visible_update(tree: HtmlElement) -> datetime | None:
    """The time of a visible "Updated" line (``Updated <time datetime="...">``): what a
    reader sees, for a page that states it nowhere else."""
    for element in tree.iter("time"):
        value = element.get("datetime")
        if not value:
            continue
        previous = element.getprevious()
        before = (previous.tail if previous is not None else element.getparent().text) or ""
        if _UPDATED_WORDS.search(before[-40:]) or _UPDATED_CLASS.search(element.get("class", "")):
            parsed = parse_datetime(value)
            if parsed is not None:
                return parsed
    return None


# Who publishes the page, as JSON-LD says.
_SITE_TYPES = frozenset({"WebSite", "Organization", "NewsMediaOrganization"})
# Pages that are not an article but, like one, name who wrote them (WordPress's WebPage).
_PAGE_TYPES = frozenset({"WebPage"})
# A byline stated in a meta tag, for pages whose JSON-LD names no one.
_META_AUTHOR = (
    "//meta[@name='author' or @name='parsely-author' or @name='sailthru.author']/@content"
)
_WRITTEN_BY = "//meta[@name='twitter:label1'][starts-with(@content, 'Written by')]"
# A page has a few headings; past this many the rest are not the headline.
MAX_HEADINGS = 8


def _meta_author(tree: HtmlElement) -> str | None:
    for value in tree.xpath(_META_AUTHOR):
        if str(value).strip():
            return str(value)
    if tree.xpath(_WRITTEN_BY):
        return tree.xpath("string(//meta[@name='twitter:data1']/@content)").strip() or None
    return None


def _headings(tree: HtmlElement) -> tuple[str, ...]:
    texts = (_SPACE.sub(" ", h.text_content()).strip() for h in tree.iter("h1"))
    return tuple(dict.fromkeys(text for text in texts if text))[:MAX_HEADINGS]


def is_article(tree: HtmlElement) -> bool:
    """Whether the page says it is an article: a JSON-LD article type or og:type=article
    (what the spider asks of every page it has no URL pattern for, so no more than that)."""
    return _og_article(tree) or any(_types(i) & ARTICLE_TYPES for i in json_ld_objects(tree))


def _og_article(tree: HtmlElement) -> bool:
    og_type = str(tree.xpath("string(//meta[@property='og:type']/@content)"))
    return og_type.strip().lower() == "article"


def stated_metadata(tree: HtmlElement) -> StatedMetadata:
    objects = list(json_ld_objects(tree))
    by_id = {str(item["@id"]): item for item in objects if isinstance(item.get("@id"), str)}
    article: dict[str, Any] = next((i for i in objects if _types(i) & ARTICLE_TYPES), {})
    page: dict[str, Any] = article or next((i for i in objects if _types(i) & _PAGE_TYPES), {})
    site_names = [
        *_names([i.get("publisher") for i in objects if i.get("publisher")], by_id),
        *_names([i for i in objects if _types(i) & _SITE_TYPES]),
        *(str(v) for v in tree.xpath("//meta[@property='og:site_name']/@content")),
    ]
    headline = article.get("headline")
    authors = _names(page.get("author"), by_id) or [n for n in [_meta_author(tree)] if n]
    language = tree.xpath("string(/html/@lang)").strip() or None
    published = (
        parse_datetime(article.get("datePublished"))
        if isinstance(article.get("datePublished"), str)
        else None
    )
    modified = (
        parse_datetime(article.get("dateModified"))
        if isinstance(article.get("dateModified"), str)
        else None
    )
    return StatedMetadata(
        headline=_SPACE.sub(" ", headline).strip() if isinstance(headline, str) else None,
        author="; ".join(authors) or None,
        published_at=published or _first(tree, PUBLISHED_XPATHS),
        modified_at=modified or _first(tree, MODIFIED_XPATHS) or visible_update(tree),
        is_article=bool(article) or _og_article(tree),
        language=language[:32] if language else None,
        site_names=tuple(dict.fromkeys(name for name in site_names if name.strip())),
        headings=_headings(tree),
    )
