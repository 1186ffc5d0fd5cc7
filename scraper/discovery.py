"""Article URLs from feeds (RSS 2.0, RSS 1.0, Atom) and sitemaps.

Feeds and sitemaps are untrusted XML: they are parsed without entity expansion, DTD loading or
network access, so an external entity cannot read a local file and "billion laughs" cannot
expand; a sitemap larger than the download limit never gets here, and a gzipped one is
inflated with the same limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin

from lxml import etree

# The sitemaps protocol allows 50,000 URLs per file; anything past that is not read.
MAX_URLS_PER_DOCUMENT = 50_000


class NotXML(ValueError):
    """The body is not a feed or sitemap this module understands."""


@dataclass(frozen=True)
class Discovered:
    kind: Literal["article", "sitemap"]
    url: str


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _root(body: bytes, base_url: str) -> etree._Element:
    try:
        root = etree.fromstring(body, _parser(), base_url=base_url)
    except etree.XMLSyntaxError as exc:
        raise NotXML(f"not XML: {exc}") from exc
    if root is None:
        raise NotXML("empty document")
    return root


def _text(element: etree._Element) -> str:
    return (element.text or "").strip()


def _join(base: str, link: str) -> str:
    """*link* resolved against *base*; a malformed one as written: the crawl refuses it as a
    bad URL, with its own outcome, and reads the entries after it."""
    try:
        return urljoin(base, link)
    except ValueError:
        return link


def parse_xml(body: bytes, base_url: str) -> tuple[str, list[Discovered]]:
    """Read a feed or a sitemap; return its kind ("rss", "atom", "urlset", "sitemapindex")
    and the URLs it lists, in document order."""
    root = _root(body, base_url)
    kind = _local(root)
    readers = {
        "rss": _rss,
        "RDF": _rss,
        "feed": _atom,
        "urlset": _urlset,
        "sitemapindex": _sitemapindex,
    }
    reader = readers.get(kind)
    if reader is None:
        raise NotXML(f"unknown document type <{kind}>")
    found: list[Discovered] = []
    for item in reader(root, base_url):
        if len(found) >= MAX_URLS_PER_DOCUMENT:
            break
        found.append(item)
    return ("atom" if kind == "feed" else "rss" if kind == "RDF" else kind), found


def _rss(root: etree._Element, base_url: str) -> Iterator[Discovered]:
    for item in root.iter():
        if _local(item) != "item":
            continue
        link = next((_text(c) for c in item if _local(c) == "link" and _text(c)), "")
        if not link:
            # A guid is the article's address unless it says otherwise.
            link = next(
                (
                    _text(c)
                    for c in item
                    if _local(c) == "guid" and c.get("isPermaLink", "true") != "false"
                ),
                "",
            )
        if link:
            yield Discovered("article", _join(base_url, link))


def _atom(root: etree._Element, base_url: str) -> Iterator[Discovered]:
    for entry in root.iter():
        if _local(entry) != "entry":
            continue
        for link in entry:
            if _local(link) == "link" and link.get("rel", "alternate") == "alternate":
                href = (link.get("href") or "").strip()
                # lxml's .base honours xml:base on the element and its ancestors.
                if href:
                    yield Discovered("article", _join(link.base or base_url, href))
                    break


def _locs(root: etree._Element, parent: str) -> Iterator[str]:
    for element in root.iter():
        if _local(element) == parent:
            loc = next((_text(c) for c in element if _local(c) == "loc"), "")
            if loc:
                yield loc


def _urlset(root: etree._Element, base_url: str) -> Iterator[Discovered]:
    for loc in _locs(root, "url"):
        yield Discovered("article", _join(base_url, loc))


def _sitemapindex(root: etree._Element, base_url: str) -> Iterator[Discovered]:
    for loc in _locs(root, "sitemap"):
        yield Discovered("sitemap", _join(base_url, loc))
