"""From a page's decoded text to the lxml tree trafilatura reads, whatever the page holds.

Two things in ordinary HTML make libxml2 (under lxml) lose a whole article:

- Characters XML 1.0 cannot hold. libxml2's HTML parser turns a reference such as ``&#11;``
  (common in text pasted from word processors) into U+000B and keeps it in the tree; lxml then
  refuses every later assignment of a text holding it ("All strings must be XML compatible"),
  and trafilatura, which rewrites the tree's texts as it goes, gives up on the page ("discarding
  data"): the article ends as extract_empty. (trafilatura's load_html drops most raw ones, not
  those references.)
- Nesting deeper than libxml2's limit (256 elements without XML_PARSE_HUGE, 2048 with it): the
  parser stops there, so whatever follows the deep part, often the article, is not in the tree.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement
from trafilatura.utils import load_html

# XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A numeric character reference as HTML parsers read it: decimal or hex, any case of "x",
# the final ";" optional.
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
# More digits than this (leading zeros aside) name no character at all: 0x10FFFF is 1114111.
_MAX_DIGITS = {16: 6, 10: 7}

# libxml2's HTML parser stops at 256 open elements; a tree this deep was probably cut there.
CUT_DEPTH = 250
# How deep a cut page is rebuilt: far deeper than any real page's structure needs.
FLAT_DEPTH = 100
# Tags kept wherever they are: those that open nothing, and <p>, which closes an open <p> (so
# cannot nest) and is what keeps a flattened article's paragraphs apart. Headings would
# (libxml2 nests an unclosed <h2> in another).
_KEPT = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    | {"p"}
)
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*>")
_AT_CUT_DEPTH = "boolean(/*" + "/*" * (CUT_DEPTH - 1) + ")"


def _is_xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _code(match: re.Match[str]) -> int | None:
    """The code point a reference names, None when it names none (too many digits)."""
    hex_digits, decimal = match.groups()
    base = 16 if hex_digits else 10
    digits = (hex_digits or decimal).lstrip("0") or "0"
    return int(digits, base) if len(digits) <= _MAX_DIGITS[base] else None


def _drop(match: re.Match[str]) -> str:
    code = _code(match)
    return match.group() if code is not None and _is_xml_char(code) else ""


def _escape(match: re.Match[str]) -> str:
    code = _code(match)
    return match.group() if code is not None and _is_xml_char(code) else "&amp;" + match.group()[1:]


def xml_safe(html: str) -> str:
    """*html* without the characters XML 1.0 cannot hold, raw or as numeric references."""
    text = _NOT_XML.sub("", html)
    if "&#" not in text:
        return text
    kept = _CHAR_REF.sub(_drop, text)
    if len(kept) == len(text):
        return kept
    # Dropping a reference can join the halves of another ("&#&#11;11;"): those are shown as
    # text, which takes one more pass where looping until none is left could take thousands.
    return _CHAR_REF.sub(_escape, kept)


def flatten(html: str, depth: int = FLAT_DEPTH) -> str:
    """*html* with the tags of elements nested deeper than *depth* left out, their text kept."""
    pieces: list[str] = []
    level = start = 0
    for tag in _TAG.finditer(html):
        closing, name = tag.group(1), tag.group(2).lower()
        if name in _KEPT or tag.group().endswith("/>"):
            continue
        if closing:
            level = max(level - 1, 0)
        deep = level >= depth
        if not closing:
            level += 1
        if deep:
            pieces.append(html[start : tag.start()])
            start = tag.end()
    pieces.append(html[start:])
    return "".join(pieces)


def parse_html(html: str) -> HtmlElement | None:
    """The page's tree, every character of it XML can hold, nothing cut off by its depth."""
    text = xml_safe(html)
    tree = load_html(text)
    if tree is not None and tree.xpath(_AT_CUT_DEPTH):
        # Rare (a real page nests some 30 elements deep), so the second parse costs nothing
        # on the others.
        tree = load_html(flatten(text))
    return tree
