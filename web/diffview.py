"""``/diff``: two versions of an article side by side, aligned paragraph to paragraph, and
the same page as one standalone file for ``archiver diff --format html``: one renderer,
templates/diff_body.html, over storage.diff's alignment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from storage.diff import Diff, Row, compared_fields, side_by_side
from web.app import page, viewer
from web.pages import number_param

HERE = Path(__file__).parent


def diff(request: Request) -> Response:
    """Versions ``from`` and ``to`` (by default the last two); ``changes=1``: only the
    paragraphs that changed."""
    url = request.query_params.get("url", "").strip()
    if not url:
        raise HTTPException(400, "say which article: ?url=ADDRESS (any of its addresses)")
    changes = viewer(request).archive.diff(
        url, old=number_param(request, "from"), new=number_param(request, "to")
    )
    changes_only = request.query_params.get("changes", "") not in ("", "0")
    return page(request, "diff.html", **context(changes, changes_only=changes_only))


def context(changes: Diff, *, changes_only: bool = False) -> dict[str, Any]:
    """What templates/diff_body.html shows: the compared fields, and the rows of the body,
    each changed one with its number (change-1, change-2, …), the others with None."""
    rows: list[tuple[Row, int | None]] = []
    changed = 0
    for row in side_by_side(changes.old.text, changes.new.text):
        number = None
        if row.changed:
            changed += 1
            number = changed
        if number or not changes_only:
            rows.append((row, number))
    name = changes.new.title or changes.url
    return {
        "title": f"Changes: {name}",
        "diff": changes,
        "fields": compared_fields(changes),
        "rows": rows,
        "changed": changed,
        "changes_only": changes_only,
        "standalone": False,
    }


# The standalone page has no viewer around it (no links into it): its own environment over
# the same templates, autoescaping as the viewer's does.
_STANDALONE = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def standalone(changes: Diff) -> str:
    """``archiver diff --format html``: the diff page as one file that works alone."""
    static = HERE / "static"
    # Our own style sheets and script, inlined as they are: nothing archived is in them.
    css = "\n".join((static / name).read_text("utf-8") for name in ("style.css", "diff.css"))
    style = Markup(css)  # noqa: S704
    script = Markup((static / "diff.js").read_text("utf-8"))  # noqa: S704
    return _STANDALONE.get_template("diff_standalone.html").render(
        {**context(changes), "standalone": True, "style": style, "script": script}
    )
