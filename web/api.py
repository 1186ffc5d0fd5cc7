"""``/api/…``: the same data as the command line's ``--json`` outputs, for scripts."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from storage import queries
from storage import status as status_of
from web.app import viewer
from web.pages import SEARCH_LIMIT, flag_param, moment_param, number_param


def _url(request: Request) -> str:
    url = request.query_params.get("url", "").strip()
    if not url:
        raise HTTPException(400, "say which article: ?url=ADDRESS")
    return url


def search(request: Request) -> Response:
    """``archiver search --json``."""
    params = request.query_params
    query = params.get("q", "").strip()
    if not query:
        raise HTTPException(400, "say what to search for: ?q=WORDS")
    found = viewer(request).archive.search(
        query,
        source=params.get("source", "").strip() or None,
        since=moment_param(request, "since"),
        until=moment_param(request, "until"),
        all_versions=flag_param(request, "all_versions"),
        limit=min(number_param(request, "limit") or 20, SEARCH_LIMIT * 4),
    )
    return JSONResponse([hit.as_json() for hit in found.hits])


def versions(request: Request) -> Response:
    """``archiver versions --json``."""
    with viewer(request).archive.session() as session:
        found = queries.versions(session, _url(request))
    return JSONResponse([version.as_json() for version in found])


def show(request: Request) -> Response:
    """``archiver show --json`` (``n`` or ``at``, else the latest)."""
    with viewer(request).archive.session() as session:
        shown = queries.show(
            session,
            _url(request),
            number=number_param(request, "n"),
            at=moment_param(request, "at"),
        )
    return JSONResponse(shown.as_json())


def diff(request: Request) -> Response:
    """``archiver diff --json`` (``from``/``to``, by default the last two)."""
    changes = viewer(request).archive.diff(
        _url(request), old=number_param(request, "from"), new=number_param(request, "to")
    )
    return JSONResponse(changes.as_json())


def status(request: Request) -> Response:
    """``archiver status --json`` (without the database's address)."""
    view = viewer(request)
    with view.archive.session() as session:
        found = status_of.status(session, view.sources, view.rules)
    return JSONResponse(found.as_json())
