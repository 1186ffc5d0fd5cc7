"""``/``: the latest changes across the archive, newest first, a source's only on request,
a page at a time (keyset pages: ``?before=ID`` is the version id the page starts below)."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from storage import browse, queries
from web.app import Viewer, page, viewer
from web.pages import flag_param

PER_PAGE = browse.CHANGES_LIMIT


def whole_param(request: Request, name: str) -> int | None:
    """An optional positive whole number in the query; a bad one is a 400 page."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise HTTPException(400, f"{name} must be a whole number (1, 2, ...), not {value!r}")
    return int(value)


def source_param(request: Request) -> str | None:
    """The source asked for (``?source=NAME``), or None for every source."""
    return request.query_params.get("source", "").strip() or None


def check_source(view: Viewer, session: Session, source: str | None) -> None:
    """A source neither configured nor in the archive is a 404 page."""
    if source is not None and source not in view.sources:
        queries.require_source(session, source)


def changes(request: Request) -> Response:
    view = viewer(request)
    source = source_param(request)
    before = whole_param(request, "before")
    limit = min(whole_param(request, "limit") or PER_PAGE, PER_PAGE)
    silent, substantive = flag_param(request, "silent"), flag_param(request, "substantive")
    with view.archive.session() as session:
        check_source(view, session, source)
        # One more than a page: whether there is an older page.
        found = browse.recent_changes(
            session,
            source=source,
            before=before,
            limit=limit + 1,
            silent=silent,
            substantive=substantive,
        )
    shown = found[:limit]
    older = shown[-1].id if len(found) > limit else None
    sources = list(view.sources)
    if source is not None and source not in sources:
        sources.append(source)
    return page(
        request,
        "changes.html",
        title=f"Recent changes in {source}" if source else "Recent changes",
        changes=shown,
        source=source,
        sources=sources,
        before=before,
        older=older,
        limit=limit if limit != PER_PAGE else None,
        # In links only when set.
        silent=1 if silent else None,
        substantive=1 if substantive else None,
    )
