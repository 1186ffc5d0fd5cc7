"""Article metadata the page states explicitly: JSON-LD, Open Graph and article meta tags.

trafilatura's date comes from htmldate, which returns a day without a time and, lacking
metadata, may fall back on dates in the visible text (a "today" banner in the header is the
classic trap). Stated metadata is preferred here; trafilatura fills in what is missing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
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
# JSON-LD blocks larger than this are not worth parsing for a date and a headline.
MAX_JSON_LD = 512 * 1024
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class StatedMetadata:
    headline: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    is_article: bool = False
    language: str | None = None


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


def json_ld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD, @graph members included."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        text = script.text or ""
        if len(text) > MAX_JSON_LD:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k for k in kinds if isinstance(k, str)}


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
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


def stated_metadata(tree: HtmlElement) -> StatedMetadata:
    article: dict[str, Any] = next(
        (item for item in json_ld_objects(tree) if _types(item) & ARTICLE_TYPES), {}
    )
    headline = article.get("headline")
    authors = _names(article.get("author"))
    og_type = tree.xpath("string(//meta[@property='og:type']/@content)").strip().lower()
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
        modified_at=modified or _first(tree, MODIFIED_XPATHS),
        is_article=bool(article) or og_type == "article",
        language=language[:32] if language else None,
    )
