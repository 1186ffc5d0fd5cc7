"""Why a version exists, whether the page said it changed, and whether the change matters.

Every version records three things about itself (DESIGN §4):

- ``cause``: ``first`` (the article's first version) or ``edit`` (its content changed since
  the version before). ``extractor`` and ``import`` are reserved for versions made by a
  change of the extractor and by imported captures.
- ``silent``: for an edit, whether the page failed to announce it: True when the stated
  modification date (``dateModified``, ``article:modified_time`` and the like, as the
  extractor reads it) is absent or the same as the previous version's; False when it
  moved. None (unknown) for a first version.
- ``significance``: ``minor`` when the change leaves the meaning alone, ``substantive``
  otherwise (see ``significance``). A first version is ``substantive``: all of it is new.

No model weights: the rules are small enough to read, and stable, so that a version's label
never changes with a library upgrade.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from difflib import SequenceMatcher

FIRST, EDIT, EXTRACTOR, IMPORT = "first", "edit", "extractor", "import"
MINOR, SUBSTANTIVE = "minor", "substantive"
# The labels as the versions table, the views and the exports name them, in their order.
LABELS = ("cause", "silent", "significance")

# At most this many words may change in a minor edit, each only slightly (see _slight).
MINOR_WORDS = 2
# A slightly changed word keeps at least this share of its letters in order.
SLIGHT_RATIO = 0.75

_WORD = re.compile(r"\w+", re.UNICODE)
_DIGIT = re.compile(r"\d")


def describe(cause: str, silent: bool | None, significance: str) -> str:
    """The labels in a few words, as listings show them: "first", "edit, silent, minor"."""
    if cause == FIRST:
        return cause
    announced = {True: "silent", False: "announced", None: ""}[silent]
    return ", ".join(word for word in (cause, announced, significance) if word)


def silent(previous: datetime | None, current: datetime | None) -> bool:
    """Whether an edit went unannounced: the page states no modification date, or the same
    one as the version before (*previous*, *current*: each version's stated date)."""
    return current is None or current == previous


def significance(previous: Mapping[str, str | None], current: Mapping[str, str | None]) -> str:
    """``minor`` or ``substantive`` for the change from *previous* to *current* (each a
    version's title, author and text).

    The rules, in order:

    1. A changed title is substantive, however small the change: headlines are what
       readers see and what studies of news edits count.
    2. A change of whitespace, punctuation or letter case alone is minor: the words, read
       in order and lower-cased, are the same.
    3. Otherwise the words of the byline and of the text are compared in order. The change
       is minor when at most MINOR_WORDS words changed in all, each replaced by one word
       that keeps most of its letters in order (a typo fixed: "goverment" to
       "government"), and none of them holds a digit ("5" to "6" is a new fact). A word
       added or removed, a word replaced by another word, or more words changed is
       substantive.
    """
    if _words(previous.get("title")) != _words(current.get("title")):
        return SUBSTANTIVE
    changed = 0
    for name in ("author", "text"):
        old, new = _words(previous.get(name)), _words(current.get(name))
        if old == new:
            continue
        matcher = SequenceMatcher(None, old, new, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            if op != "replace" or i2 - i1 != j2 - j1:
                return SUBSTANTIVE  # words added or removed
            pairs = list(zip(old[i1:i2], new[j1:j2], strict=True))
            if not all(_slight(a, b) for a, b in pairs):
                return SUBSTANTIVE
            changed += len(pairs)
            if changed > MINOR_WORDS:
                return SUBSTANTIVE
    return MINOR


def _words(value: str | None) -> list[str]:
    """The words of *value*, lower-cased, in order (NFC, so that accents compare alike)."""
    return _WORD.findall(unicodedata.normalize("NFC", value or "").casefold())


def _slight(old: str, new: str) -> bool:
    """Whether *new* is *old* with a letter or two wrong or missing: a typo, not a new word."""
    if _DIGIT.search(old) or _DIGIT.search(new):
        return False
    return SequenceMatcher(None, old, new, autojunk=False).ratio() >= SLIGHT_RATIO
