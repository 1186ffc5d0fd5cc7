"""Turning a page's bytes into text without storing garbage (DESIGN §5).

Servers and pages lie about their charset: a page declared UTF-8 may be cp1252, one declared
cp1252 may be UTF-8. The order here: a byte-order mark; then UTF-8 if the bytes are valid
UTF-8 (random text in another 8-bit charset almost never is, so this is the safest guess);
then the charsets the HTTP header and the page declare, each only if it decodes the bytes
without error; then detection. Binary bodies (a PDF or an image served as text/html) are
recognised and refused rather than decoded.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# File signatures of formats that are never an HTML page.
BINARY_SIGNATURES = (
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"PK\x03\x04",  # zip, docx, epub
    b"\x1f\x8b",  # gzip
    b"RIFF",  # webp, wav, avi
    b"\x00\x00\x01\x00",  # ico
    b"OggS",
    b"ID3",  # mp3
    b"\x7fELF",
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
# More NUL bytes than this share of the first 4 KiB: not text in any 8-bit charset.
NUL_SHARE = 0.05


class NotText(ValueError):
    """The body is binary, or no charset decodes it."""


def _bom(body: bytes) -> str | None:
    return next((name for bom, name in BOMS if body.startswith(bom)), None)


def looks_binary(body: bytes) -> bool:
    if body.lstrip().startswith(BINARY_SIGNATURES):
        return True
    if _bom(body) in ("utf-16", "utf-32"):
        return False  # wide text is full of NULs and is still text
    head = body[:4096]
    return bool(head) and head.count(0) / len(head) > NUL_SHARE


def header_charset(content_type: str | None) -> str | None:
    """The charset a Content-Type header names, if any."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1).lower() if match else None


def declared_charset(body: bytes) -> str | None:
    """The charset a page's <meta> declares in its first 4 KiB."""
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "replace").lower() if match else None


def _strict(body: bytes, charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return body.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_page(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """The text of an HTML page and the charset it was read in; NotText when it has none."""
    if looks_binary(body):
        raise NotText("binary content")
    bom = _bom(body)
    if bom:
        text = _strict(body, bom)
        if text is not None:
            return _clean(text), bom
    for charset in ("utf-8", header_charset, declared_charset(body)):
        text = _strict(body, charset)
        if text is not None:
            return _clean(text), charset or "utf-8"
    for charset in _detected(body):
        text = _strict(body, charset)
        if text is not None:
            return _clean(text), charset
    raise NotText("no charset decodes it")


def _detected(body: bytes) -> list[str]:
    """Charsets that read the body most plausibly, best first.

    On short texts several 8-bit charsets tie; windows-1252, the web's most common legacy
    charset (and what browsers read "latin-1" as), wins a tie.
    """
    matches = list(from_bytes(body[:1_000_000]))
    if not matches:
        return []
    least = min(match.percent_chaos for match in matches)
    tied = [match.encoding for match in matches if match.percent_chaos == least]
    ranked = sorted(tied, key=lambda name: name != "cp1252")
    return [*ranked, *(m.encoding for m in matches if m.encoding not in ranked)]


def _clean(text: str) -> str:
    # NUL is never text (and Postgres refuses it in text columns).
    return text.replace("\x00", "")
