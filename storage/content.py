"""What makes two fetches the same version (DESIGN §4 rule 2).

A version is defined by its normalised title, byline and body text. Everything else the
extractor returns (dates, description, tags) is recorded with the version but cannot create one.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import datetime
from typing import Any

_WORD = re.compile(r"\w+", re.UNICODE)
# Field metadata: the field is part of what defines a version (its normalised text is hashed),
# or a diff reports its changes although it cannot make a version of its own.
IDENTITY = {"identity": True, "compared": True}
COMPARED = {"compared": True}


def normalize(value: str | None) -> str:
    """Unicode NFC with every run of whitespace collapsed to one space."""
    if not value:
        return ""
    return " ".join(unicodedata.normalize("NFC", value).split())


@dataclass(frozen=True, kw_only=True)
class ContentFields:
    """What an extraction reads off a page: the one declaration of a version's fields.

    The order is the order of the exports' columns. Views, exports and diffs are made from
    this list (``CONTENT_FIELDS``, ``VERSION_FIELDS``, ``COMPARED_FIELDS``), never by hand.
    """

    title: str | None = field(default=None, metadata=IDENTITY)
    author: str | None = field(default=None, metadata=IDENTITY)
    published_at: datetime | None = field(default=None, metadata=COMPARED)
    modified_at: datetime | None = field(default=None, metadata=COMPARED)
    language: str | None = None
    description: str | None = None
    site_name: str | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None
    text: str = field(metadata=IDENTITY)


CONTENT_FIELDS = tuple(f.name for f in dataclass_fields(ContentFields))
# The fields whose normalised text defines a version, in hashing order (which never changes:
# stored hashes depend on it).
VERSION_FIELDS = tuple(
    f.name for f in dataclass_fields(ContentFields) if f.metadata.get("identity")
)
# The fields a diff compares (the body, "text", is compared word by word on its own).
COMPARED_FIELDS = tuple(
    f.name
    for f in dataclass_fields(ContentFields)
    if f.metadata.get("compared") and f.name != "text"
)


@dataclass(frozen=True, kw_only=True)
class Content(ContentFields):
    """An article as extracted from one fetch.

    Its hash and simhash are computed when it is made, which is in the extraction workers
    during a crawl, so the single writer thread does not spend its time on them.
    """

    content_hash: str = field(init=False)
    simhash: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "content_hash", content_hash(self.version_fields()))
        object.__setattr__(self, "simhash", simhash(self.text))

    def version_fields(self) -> dict[str, str]:
        return {name: normalize(getattr(self, name)) for name in VERSION_FIELDS}

    def columns(self) -> dict[str, Any]:
        """The content as the versions table stores it (lists as lists)."""
        values = {name: getattr(self, name) for name in CONTENT_FIELDS}
        return values | {"tags": list(self.tags)}


def content_values(row: Any) -> dict[str, Any]:
    """The content fields of *row* (a stored version, a result row), tags as a tuple."""
    values = {name: getattr(row, name) for name in CONTENT_FIELDS}
    return values | {"tags": tuple(values["tags"] or ())}


def jsonable(value: Any) -> Any:
    """A field's value as JSON holds it: times in ISO 8601, tuples as lists."""
    if isinstance(value, datetime):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value


def content_hash(fields: Mapping[str, str | None]) -> str:
    """SHA-256 over the normalised version fields."""
    payload = json.dumps([normalize(fields.get(name)) for name in VERSION_FIELDS])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def changed_fields(
    previous: Mapping[str, str | None], current: Mapping[str, str | None]
) -> list[str]:
    """Names of the version fields whose normalised text differs."""
    return [
        name
        for name in VERSION_FIELDS
        if normalize(previous.get(name)) != normalize(current.get(name))
    ]


# For each bit of a byte, most significant first: a table mapping a byte to 1 when it has the
# bit set, 0 otherwise (for bytes.translate).
_HAS_BIT = tuple(bytes(value >> (7 - bit) & 1 for value in range(256)) for bit in range(8))


def simhash(text: str, bits: int = 64) -> int:
    """A 64-bit simhash of word 3-shingles, as a signed integer (fits a BIGINT column).

    Used to label near-identical versions, never to suppress one: a one-word correction is only
    0-3 bits away from the original.
    """
    words = _WORD.findall(normalize(text).lower())
    shingles = [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))]
    # A bit of the simhash is set when more than half of the shingles' hashes have it set. The
    # hashes are laid end to end; byte p of every hash is buf[p::8], and the bit counts of that
    # column come from bytes.translate and bytes.count, in C, however long the page.
    size = bits // 8
    buf = b"".join(hashlib.blake2b(s.encode(), digest_size=size).digest() for s in shingles)
    half = len(shingles) / 2
    value = 0
    for position in range(size):
        column = buf[position::size]
        for has_bit in _HAS_BIT:
            value = value << 1 | (column.translate(has_bit).count(1) > half)
    return value - (1 << bits) if value >= 1 << (bits - 1) else value


def simhash_distance(a: int, b: int) -> int:
    return ((a ^ b) & (1 << 64) - 1).bit_count()
