"""The way into extraction (pipelines.parsing): characters XML cannot hold are left out, raw or
as references, and nothing else is; a page nested deeper than libxml2 parses is flattened."""

from __future__ import annotations

import pytest

from pipelines.parsing import CUT_DEPTH, flatten, parse_html, xml_safe


@pytest.mark.parametrize(
    "reference",
    [
        "&#11;",
        "&#27;",
        "&#1;",
        "&#0;",
        "&#x0b;",
        "&#X1B;",
        "&#xFFFF;",
        "&#xfffe;",
        "&#xD800;",
        "&#xDFFF;",
        "&#11",  # no ";"
        "&#x1b",
        "&#0000011;",  # leading zeros
        "&#x110000;",  # past the last code point
        "&#1114112;",
        "&#99999999999999999999999999999999999999999;",
        "&#x" + "f" * 5000 + ";",  # more digits than int() takes from a string
        "\x0b",
        "\x1b",
        "\x00",
        "\ufffe",
        "\ud800",  # a lone surrogate
    ],
)
def test_what_xml_cannot_hold_is_left_out(reference: str) -> None:
    assert xml_safe(f"<p>council{reference} voted</p>") == "<p>council voted</p>"


def test_everything_else_is_kept() -> None:
    kept = (
        "<p title='a&#9;b'>Tab&#9;, line&#10;, return&#13;, quote&#8217;s, euro&#128; and "
        "&#x20AC;, the last ones &#xD7FF;&#xE000;&#xFFFD;&#x10000;&#x10FFFF;, astral "
        "\U0001f600, &amp;#11; written out, &#; and &#x; and &#xyz; as typed, caf\u00e9\t\r\n</p>"
    )
    assert xml_safe(kept) == kept


def test_a_reference_made_by_leaving_out_another_is_written_out() -> None:
    # Leaving out the inner reference joins the halves of the outer one.
    assert xml_safe("a&#&#11;11;b") == "a&amp;#11;b"
    assert xml_safe("a&#x&#0;1b;b") == "a&amp;#x1b;b"
    assert xml_safe("a&#&#x0;x1b;b") == "a&amp;#x1b;b"
    assert xml_safe("a&#1&#x1b;1;b") == "a1;b"  # "&#1" is a reference of its own


def test_flattening_drops_the_tags_past_a_depth_and_keeps_their_text() -> None:
    html = "<div><section><div><span>deep <b>text</b></span></div></section></div><p>after</p>"
    assert flatten(html, 2) == "<div><section>deep text</section></div><p>after</p>"
    assert flatten(html, 10) == html
    # Paragraphs and void elements do not nest, so they stay wherever they are.
    assert flatten("<div><div><p>one</p><br><img src=x /></div></div>", 1) == (
        "<div><p>one</p><br><img src=x /></div>"
    )


@pytest.mark.parametrize("depth", [CUT_DEPTH + 10, 3000, 100_000])
def test_a_page_deeper_than_libxml2_parses_keeps_what_follows_the_deep_part(depth: int) -> None:
    html = (
        "<html><head><title>t</title></head><body>"
        + "<div>" * depth
        + "deep"
        + "</div>" * depth
        + "<article><p>The article comes after.</p></article></body></html>"
    )
    tree = parse_html(html)
    assert tree is not None
    assert tree.xpath("string(//article)") == "The article comes after."
    assert "deep" in tree.text_content()


def test_a_page_of_ordinary_depth_is_parsed_as_it_is() -> None:
    html = "<html><body>" + "<div>" * 100 + "<p>x</p>" + "</div>" * 100 + "</body></html>"
    tree = parse_html(html)
    assert tree is not None
    assert len(tree.xpath("//div")) == 100
