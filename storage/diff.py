"""What changed between two versions: fields, and a word-level diff of the body.

The body is compared by paragraph, then word by word within the paragraphs that changed, so
an edit shows as the words it touched, and an added paragraph as one insertion. The result is
data (chunks of equal, inserted, deleted and replaced text) with three renderings: text for
terminals (colored, or marked ``[-old-]{+new+}`` when piped), JSON, and a standalone
side-by-side HTML page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any, Literal

from storage.content import COMPARED_FIELDS
from storage.queries import VersionView

Op = Literal["equal", "insert", "delete", "replace"]
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Chunk:
    op: Op
    old: str
    new: str

    def as_json(self) -> dict[str, str]:
        return {"op": self.op, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Diff:
    url: str
    old: VersionView
    new: VersionView
    changes: tuple[FieldChange, ...]
    body: tuple[Chunk, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        """Names of the fields that differ, the body ("text") included."""
        names = [change.name for change in self.changes]
        if any(chunk.op != "equal" for chunk in self.body):
            names.append("text")
        return tuple(names)

    def as_json(self) -> dict[str, Any]:
        """The ``diff --json`` contract."""
        return {
            "url": self.url,
            "from": self.old.number,
            "to": self.new.number,
            "fields": list(self.fields),
            "changes": {c.name: {"old": c.old, "new": c.new} for c in self.changes},
            "body": [chunk.as_json() for chunk in self.body],
        }


def diff_text(old: str, new: str) -> tuple[Chunk, ...]:
    """A diff of two texts, as consecutive chunks covering both entirely.

    Paragraphs first, so that an added or removed paragraph is one chunk of its own; then
    words, within the paragraphs that changed.
    """
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    chunks: list[Chunk] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        chunks.extend(_words(before, after) if op == "replace" else [Chunk(op, before, after)])
    return tuple(chunks)


def _words(old: str, new: str) -> list[Chunk]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [
        Chunk(op, "".join(a[i1:i2]), "".join(b[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def _field(view: VersionView, name: str) -> str | None:
    value = getattr(view, name)
    if isinstance(value, datetime):
        return value.isoformat()
    return None if value is None else str(value)


def diff_versions(old: VersionView, new: VersionView) -> Diff:
    changes = tuple(
        FieldChange(name, _field(old, name), _field(new, name))
        for name in COMPARED_FIELDS
        if _field(old, name) != _field(new, name)
    )
    return Diff(new.url, old, new, changes, diff_text(old.text, new.text))


def render_text(diff: Diff, *, color: bool) -> str:
    """For people: the changed fields, then the changed paragraphs with their changes marked."""
    lines = [f"{diff.url}: version {diff.old.number} -> {diff.new.number}"]
    for change in diff.changes:
        lines.append(f"{change.name}: {change.old!r} -> {change.new!r}")
    marked = "".join(_mark(chunk, color) for chunk in diff.body)
    paragraphs = marked.split("\n")
    changed = [p for p in paragraphs if _has_mark(p, color)]
    if changed:
        lines.append("")
        lines.extend(changed)
    elif not diff.changes:
        lines.append("no differences")
    return "\n".join(lines)


_RED, _GREEN, _RESET = "\033[31;9m", "\033[32m", "\033[0m"


def _mark(chunk: Chunk, color: bool) -> str:
    if chunk.op == "equal":
        return chunk.new

    # A change that spans paragraphs is marked on each of its lines: each stays readable.
    def wrap(text: str, start: str, end: str) -> str:
        return "\n".join(
            f"{start}{line}{end}" if line.strip() else line for line in text.split("\n")
        )

    old = wrap(chunk.old, _RED, _RESET) if color else wrap(chunk.old, "[-", "-]")
    new = wrap(chunk.new, _GREEN, _RESET) if color else wrap(chunk.new, "{+", "+}")
    return (old if chunk.old else "") + (new if chunk.new else "")


def _has_mark(line: str, color: bool) -> bool:
    return (_RED in line or _GREEN in line) if color else ("[-" in line or "{+" in line)


def render_html(diff: Diff) -> str:
    """A standalone page: changed fields, then the two bodies side by side, changes marked."""
    old_side = "".join(
        f"<del>{html.escape(c.old)}</del>" if c.op in ("delete", "replace") else html.escape(c.old)
        for c in diff.body
    )
    new_side = "".join(
        f"<ins>{html.escape(c.new)}</ins>" if c.op in ("insert", "replace") else html.escape(c.new)
        for c in diff.body
    )
    rows = "".join(
        f"<tr><th>{html.escape(c.name)}</th><td><del>{html.escape(str(c.old))}</del></td>"
        f"<td><ins>{html.escape(str(c.new))}</ins></td></tr>"
        for c in diff.changes
    )
    title = f"{diff.url}: version {diff.old.number} to {diff.new.number}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font: 16px/1.5 Georgia, serif; margin: 2em; }}
table {{ border-collapse: collapse; margin-bottom: 2em; }}
th, td {{ border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }}
.sides {{ display: grid; grid-template-columns: 1fr 1fr; gap: 2em; }}
.sides div {{ white-space: pre-wrap; }}
del {{ background: #fdd; color: #900; }}
ins {{ background: #dfd; color: #060; text-decoration: none; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Version {diff.old.number}: {html.escape(diff.old.first_seen_at.isoformat())}.
Version {diff.new.number}: {html.escape(diff.new.first_seen_at.isoformat())}.</p>
{f"<table><tr><th>field</th><th>before</th><th>after</th></tr>{rows}</table>" if rows else ""}
<div class="sides">
<div><h2>Version {diff.old.number}</h2>{old_side}</div>
<div><h2>Version {diff.new.number}</h2>{new_side}</div>
</div></body></html>
"""
