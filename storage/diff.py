"""What changed between two versions: fields, and a word-level diff of the body.

The body is compared by paragraph, then word by word within the paragraphs that changed, so
an edit shows as the words it touched, and an added paragraph as one insertion. The result is
data: chunks of equal, inserted, deleted and replaced text (rendered as text for terminals,
colored or marked ``[-old-]{+new+}`` when piped, and as JSON), and the two versions aligned
paragraph to paragraph (``side_by_side``, ``compared_fields``), which the viewer's diff page
renders, for the web and for ``archiver diff --format html`` alike (web.diffview).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import SequenceMatcher
from typing import Any, Literal, NamedTuple

from storage import history
from storage.content import COMPARED_FIELDS, VERSION_FIELDS
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

    @property
    def silent(self) -> bool:
        """Whether the page left the change unannounced (storage.history.silent)."""
        return history.silent(self.old.modified_at, self.new.modified_at)

    @property
    def significance(self) -> str:
        """``minor`` or ``substantive``, from the one version to the other."""
        return history.significance(
            {name: getattr(self.old, name) for name in VERSION_FIELDS},
            {name: getattr(self.new, name) for name in VERSION_FIELDS},
        )

    @property
    def why(self) -> str:
        """The change in a few words: "edit, silent, minor"."""
        return history.describe(history.EDIT, self.silent, self.significance)

    def as_json(self) -> dict[str, Any]:
        """The ``diff --json`` contract."""
        return {
            "url": self.url,
            "from": self.old.number,
            "to": self.new.number,
            "silent": self.silent,
            "significance": self.significance,
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
    lines = [f"{diff.url}: version {diff.old.number} -> {diff.new.number} ({diff.why})"]
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


# Side by side: the paragraphs of both versions aligned, a row per pair.

Kind = Literal["equal", "delete", "insert"]
# Two paragraphs with at least this share of their words in common are one paragraph edited;
# less alike, one was removed and the other added.
SIMILAR = 0.5
# A changed stretch with more pairs of paragraphs than this to weigh is a rewrite: its
# paragraphs are paired in order, without weighing them (which takes time in the square).
MAX_WEIGHED = 2500


class Segment(NamedTuple):
    """A piece of a paragraph: the same in both versions, deleted (old) or inserted (new)."""

    text: str
    kind: Kind


@dataclass(frozen=True)
class Row:
    """A paragraph of the old version beside the paragraph it became. An added paragraph has
    no old segments, a removed one no new segments."""

    old: tuple[Segment, ...]
    new: tuple[Segment, ...]
    changed: bool

    @property
    def kind(self) -> Literal["same", "added", "removed", "changed"]:
        if not self.changed:
            return "same"
        if not self.old:
            return "added"
        return "removed" if not self.new else "changed"


def side_by_side(old: str, new: str) -> tuple[Row, ...]:
    """Two texts, paragraph beside paragraph: the unchanged ones side by side, each edited
    one beside what it became with the words it changed marked, an added or removed one
    alone on its side. Blank lines are not paragraphs."""
    a = [line for line in old.splitlines() if line.strip()]
    b = [line for line in new.splitlines() if line.strip()]
    rows: list[Row] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            rows.extend(_same(paragraph) for paragraph in a[i1:i2])
        else:
            rows.extend(_row(before, after) for before, after in _pairs(a[i1:i2], b[j1:j2]))
    return tuple(rows)


def compared_fields(diff: Diff) -> tuple[tuple[str, Row], ...]:
    """Title, byline and dates of both versions, as rows like the body's: a changed title is
    marked word by word, a changed date whole."""
    changed = {change.name for change in diff.changes}
    rows = []
    for name in COMPARED_FIELDS:
        before, after = getattr(diff.old, name), getattr(diff.new, name)
        old, new = _shown(before), _shown(after)
        if name not in changed:
            row = _same(old)
        elif isinstance(before, datetime) or isinstance(after, datetime):
            row = Row(_alone(old, "delete"), _alone(new, "insert"), True)
        else:
            row = _row(old, new)
        rows.append((name, row))
    return tuple(rows)


def _shown(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return None if value is None or value == "" else str(value)


def _same(text: str | None) -> Row:
    return Row(_alone(text, "equal"), _alone(text, "equal"), False)


def _row(old: str | None, new: str | None) -> Row:
    """An old paragraph beside the new one it became (or nothing, when added or removed)."""
    if old is None or new is None:
        return Row(_alone(old, "delete"), _alone(new, "insert"), True)
    left: list[Segment] = []
    right: list[Segment] = []
    for chunk in _joined(_words(old, new)):
        same = chunk.op == "equal"
        _append(left, chunk.old, "equal" if same else "delete")
        _append(right, chunk.new, "equal" if same else "insert")
    return Row(tuple(left), tuple(right), old != new)


def _alone(text: str | None, kind: Kind) -> tuple[Segment, ...]:
    return (Segment(text, kind),) if text else ()


def _append(side: list[Segment], text: str, kind: Kind) -> None:
    """Add a piece to one side, as one segment with the piece before it of the same kind."""
    if not text:
        return
    if side and side[-1].kind == kind:
        text = side.pop().text + text
    side.append(Segment(text, kind))


def _joined(chunks: list[Chunk]) -> list[Chunk]:
    """Word chunks with the lone spaces between two changes taken into them: one change
    ``<del>a few words</del>`` reads better than a word at a time."""
    joined: list[Chunk] = []
    for index, chunk in enumerate(chunks):
        # Equal and changed chunks alternate: an equal one inside is between two changes.
        space = chunk.op == "equal" and not chunk.new.strip() and 0 < index < len(chunks) - 1
        if joined and joined[-1].op != "equal" and (chunk.op != "equal" or space):
            last = joined.pop()
            joined.append(Chunk("replace", last.old + chunk.old, last.new + chunk.new))
        else:
            joined.append(chunk)
    return joined


def _pairs(old: list[str], new: list[str]) -> list[tuple[str | None, str | None]]:
    """The paragraphs of a changed stretch, in order: each old one beside the new one it
    became, chosen to keep the most words alike; the others alone (removed, added)."""
    if len(old) * len(new) > MAX_WEIGHED:
        paired = min(len(old), len(new))
        return [
            *zip(old[:paired], new[:paired], strict=True),
            *((p, None) for p in old[paired:]),
            *((None, p) for p in new[paired:]),
        ]
    like = [[_likeness(a, b) for b in new] for a in old]
    # best[i][j]: the most likeness a pairing of old[i:] with new[j:] keeps.
    best = [[0.0] * (len(new) + 1) for _ in range(len(old) + 1)]
    for i in reversed(range(len(old))):
        for j in reversed(range(len(new))):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], like[i][j] + best[i + 1][j + 1])
    pairs: list[tuple[str | None, str | None]] = []
    i = j = 0
    while i < len(old) and j < len(new):
        if like[i][j] and best[i][j] == like[i][j] + best[i + 1][j + 1]:
            pairs.append((old[i], new[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((old[i], None))
            i += 1
        else:
            pairs.append((None, new[j]))
            j += 1
    return [*pairs, *((p, None) for p in old[i:]), *((None, p) for p in new[j:])]


def _likeness(old: str, new: str) -> float:
    """The share of words two paragraphs have in common, or 0 when under SIMILAR."""
    matcher = SequenceMatcher(None, old.split(), new.split(), autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= SIMILAR else 0.0
