"""Atom 1.0 feeds (RFC 4287) of the changes: ``/feeds/changes.atom`` (every source, or
``?source=NAME``) has an entry per new version (2 and up), ``/feeds/article.atom?url=…`` one
per version of that article, the first included; the newest first, FEED_ENTRIES at most.

An entry's content is the word diff as HTML (``<del>``, ``<ins>``), every piece of archived
text escaped in it; the XML is built by ElementTree, which escapes that HTML again as the
element's text. Its id is a name-based UUID of the article's URL key and the version number:
the same in both feeds, and the same whatever address the viewer is reached at.
"""

from __future__ import annotations

import html
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from storage import browse
from storage.browse import Change
from web.app import viewer
from web.changes import check_source, source_param

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
FEED_ENTRIES = browse.CHANGES_LIMIT
GENERATOR = "archiver"
# Characters XML 1.0 cannot hold at all, even escaped: an archived title holding one must
# not make the feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def changes(request: Request) -> Response:
    """Every source's changes, or one source's (``?source=NAME``)."""
    view = viewer(request)
    source = source_param(request)
    with view.archive.session() as session:
        check_source(view, session, source)
        entries = browse.recent_changes(session, source=source, limit=FEED_ENTRIES)
    title = f"archiver: changes in {source}" if source else "archiver: recent changes"
    return _feed(
        request,
        title=title,
        self_path=view.link("/feeds/changes.atom", source=source),
        page_path=view.link("/", source=source),
        entries=entries,
    )


def article(request: Request) -> Response:
    """Every version of one article (``?url=`` any of its addresses)."""
    view = viewer(request)
    url = request.query_params.get("url", "").strip()
    if not url:
        raise HTTPException(400, "say which article: ?url=ADDRESS (any of its addresses)")
    with view.archive.session() as session:
        entries = browse.article_changes(session, url, limit=FEED_ENTRIES)
    if not entries:
        raise HTTPException(404, f"{url} has no versions")
    latest = entries[0]
    return _feed(
        request,
        title=f"archiver: {latest.title or latest.url}",
        self_path=view.link("/feeds/article.atom", url=latest.url),
        page_path=view.link("/article", url=latest.url),
        entries=entries,
    )


def entry_id(change: Change) -> str:
    """The entry's id: stable, and unique to the article (by its URL key) and version."""
    name = f"{change.url_key}#archiver-version-{change.number}"
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def entry_path(request: Request, change: Change) -> str:
    """Where the viewer shows the entry: the diff from the version before, or the first
    version itself."""
    link = viewer(request).link
    if change.number == 1:
        return link("/article/version", url=change.url, n=1)
    return link("/diff", url=change.url, **{"from": change.number - 1, "to": change.number})


def _absolute(request: Request, path: str) -> str:
    return str(request.base_url).rstrip("/") + path


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _child(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _stamp(moment: datetime) -> str:
    """An RFC 3339 date-time, in UTC."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _feed(
    request: Request, *, title: str, self_path: str, page_path: str, entries: Sequence[Change]
) -> Response:
    body = atom(
        title=title,
        self_url=_absolute(request, self_path),
        page_url=_absolute(request, page_path),
        entries=[(change, _absolute(request, entry_path(request, change))) for change in entries],
    )
    return Response(body, headers={"content-type": MEDIA_TYPE})


def atom(
    *, title: str, self_url: str, page_url: str, entries: Sequence[tuple[Change, str]]
) -> bytes:
    """An Atom feed document (UTF-8) of *entries*, each a change and the absolute URL of
    the viewer's page showing it."""
    feed = ET.Element("feed", {"xmlns": ATOM})
    _child(feed, "id", self_url)
    _child(feed, "title", title)
    # The feed changes when its newest entry does; an empty one dates from now.
    updated = max((change.first_seen_at for change, _ in entries), default=datetime.now(UTC))
    _child(feed, "updated", _stamp(updated))
    _child(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _child(feed, "link", rel="alternate", type="text/html", href=page_url)
    author = _child(feed, "author")
    _child(author, "name", GENERATOR)
    _child(feed, "generator", GENERATOR)
    for change, url in entries:
        _entry(feed, change, url)
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def _entry(feed: ET.Element, change: Change, url: str) -> None:
    entry = _child(feed, "entry")
    _child(entry, "id", entry_id(change))
    _child(entry, "title", f"{change.title or change.url} (version {change.number})")
    _child(entry, "updated", _stamp(change.first_seen_at))
    _child(entry, "published", _stamp(change.first_seen_at))
    author = _child(entry, "author")
    _child(author, "name", change.author or change.source or GENERATOR)
    _child(entry, "link", rel="alternate", type="text/html", href=url)
    for name in change.changed:
        _child(entry, "category", term=name)
    _child(entry, "content", entry_html(change), type="html")


def entry_html(change: Change) -> str:
    """The entry's content: the changed fields and paragraphs with their changes marked
    (``<del>``, ``<ins>``); for a first version, its text. Every archived piece escaped."""
    if change.number == 1:
        text = "".join(chunk.new for chunk in change.body)
        paragraphs = [f"<p>{_escape(p)}</p>" for p in text.split("\n") if p.strip()]
        return "<p>First archived version.</p>" + "".join(paragraphs)
    parts = [f"<p>Changed: {_escape(', '.join(change.changed) or 'content')}.</p>"]
    for field in change.fields:
        old = f"<del>{_escape(field.old)}</del> " if field.old else ""
        new = f"<ins>{_escape(field.new)}</ins>" if field.new else ""
        parts.append(f"<p><b>{_escape(field.name)}</b>: {old}{new}</p>")
    shown = -1
    for index, paragraph in _changed_paragraphs(change):
        if shown >= 0 and index > shown + 1:
            parts.append("<p>…</p>")
        parts.append(f"<p>{paragraph}</p>")
        shown = index
    return "".join(parts)


def _escape(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _changed_paragraphs(change: Change) -> list[tuple[int, str]]:
    """The paragraphs of the body that hold a change, numbered, as HTML: a change across
    paragraphs is marked in each of them, so that the markup nests."""
    paragraphs: list[list[str]] = [[]]
    marked = [False]
    for chunk in change.body:
        pieces = (
            [("", chunk.new)] if chunk.op == "equal" else [("del", chunk.old), ("ins", chunk.new)]
        )
        for tag, text in pieces:
            for number, line in enumerate(text.split("\n")):
                if number:
                    paragraphs.append([])
                    marked.append(False)
                if tag and line.strip():
                    paragraphs[-1].append(f"<{tag}>{_escape(line)}</{tag}>")
                    marked[-1] = True
                elif line:
                    paragraphs[-1].append(_escape(line))
    return [
        (index, "".join(pieces))
        for index, (pieces, changed) in enumerate(zip(paragraphs, marked, strict=True))
        if changed
    ]
