"""Bytes to text: lying charsets, byte-order marks, binary bodies."""

from __future__ import annotations

import codecs

import pytest

from pipelines.decoding import NotText, declared_charset, decode_page, looks_binary

TEXT = "Zoë said “naïve café” — €5, Dvořák."


def page(body: str, meta: str | None = None) -> str:
    head = f'<meta charset="{meta}">' if meta else ""
    return f"<html><head>{head}</head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("raw", "header", "meta"),
    [
        (page(TEXT).encode("utf-8"), "utf-8", None),
        (page(TEXT, "utf-8").encode("utf-8"), "iso-8859-1", None),  # header lies
        (page(TEXT.replace("ř", "r")).encode("cp1252"), "utf-8", None),  # header lies the other way
        (page(TEXT.replace("ř", "r"), "windows-1252").encode("cp1252"), None, None),
        (codecs.BOM_UTF16_LE + page(TEXT).encode("utf-16-le"), None, None),
        (codecs.BOM_UTF8 + page(TEXT).encode("utf-8"), "cp1252", None),
    ],
)
def test_the_text_comes_out_right_whatever_the_page_claims(
    raw: bytes, header: str | None, meta: str | None
) -> None:
    text, _ = decode_page(raw, header)
    assert "\ufffd" not in text
    assert "naïve café" in text
    assert "Ã" not in text  # no mojibake


@pytest.mark.parametrize(
    ("phrase", "charset"),
    [
        ("東京の地下鉄で新しい路線が開業した。", "shift_jis"),
        ("北京市政府宣布新的交通计划。", "gbk"),
    ],
)
def test_east_asian_pages_with_only_a_meta_charset(phrase: str, charset: str) -> None:
    raw = page(phrase, charset).encode(charset)
    assert declared_charset(raw) == charset
    text, used = decode_page(raw, None)
    assert phrase in text
    assert used == charset


def test_binary_bodies_are_refused_and_nuls_dropped() -> None:
    for body in (b"%PDF-1.7\n%\xe2\xe3", b"\x89PNG\r\n\x1a\n" + bytes(100), b"\x00" * 500):
        assert looks_binary(body)
        with pytest.raises(NotText):
            decode_page(body, "utf-8")
    text, _ = decode_page(page("a\x00b").encode(), "utf-8")
    assert "\x00" not in text
    assert not looks_binary(codecs.BOM_UTF16_LE + page(TEXT).encode("utf-16-le"))
