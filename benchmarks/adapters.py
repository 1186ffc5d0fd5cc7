"""The archive's extractor in the calling convention of the shared scorer (fn(html, url))."""

from __future__ import annotations

from typing import Any

from pipelines.reader import extract


def archiver_extract(html: str, url: str | None = None, **_: Any) -> dict[str, Any] | None:
    content = extract(html, url or "")
    if content is None:
        return None
    return {
        "articleBody": content.text,
        "title": content.title,
        "author": content.author,
        "date": content.published_at.date().isoformat() if content.published_at else None,
    }
