"""The viewer's pages about articles, search and sources (HTML), and the raw snapshots.

Endpoints are plain functions: Starlette runs them in its thread pool, where the archive's
synchronous sessions belong.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from storage import browse, queries, runs
from storage import status as status_of
from storage.blobs import get_blob
from storage.search import BadQuery, Results
from web.app import page, viewer

# A snapshot is the archived page as it was, shown without anything of it running: no
# script, no request leaving the archive (a sandboxed document, with only inline styles and
# data: images).
SNAPSHOT_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
SEARCH_LIMIT = 50
ARTICLES_PER_PAGE = 50


def _url(request: Request) -> str:
    url = request.query_params.get("url", "").strip()
    if not url:
        raise HTTPException(400, "say which article: ?url=ADDRESS (any of its addresses)")
    return url


def number_param(request: Request, name: str) -> int | None:
    """An optional whole-number query parameter; a bad one is a 400 page."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise HTTPException(400, f"{name} must be a version number (1, 2, ...), not {value!r}")
    return int(value)


def flag_param(request: Request, name: str) -> bool:
    """A checkbox in the query: set unless absent, empty or 0."""
    return request.query_params.get(name, "") not in ("", "0")


def moment_param(request: Request, name: str) -> datetime | None:
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise HTTPException(
            400, f"{name} must be an ISO 8601 date or time, not {value!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def article(request: Request) -> Response:
    url = _url(request)
    archive = viewer(request).archive
    with archive.session() as session:
        versions = queries.versions(session, url)
        timeline = queries.timeline(session, url)
        addresses = browse.aliases(session, url)
    # Every check and every version, in time: a version is shown where its check found it.
    return page(
        request,
        "article.html",
        title=versions[-1].title or versions[-1].url,
        latest=versions[-1],
        versions=versions,
        timeline=timeline,
        aliases=addresses,
    )


def version(request: Request) -> Response:
    url = _url(request)
    number = number_param(request, "n")
    with viewer(request).archive.session() as session:
        shown = queries.show(session, url, number=number)
    return page(request, "version.html", title=shown.title or shown.url, version=shown)


def snapshot(request: Request) -> Response:
    """The raw HTML of version n, as it was fetched, under a sandboxing CSP."""
    url = _url(request)
    number = number_param(request, "n")
    with viewer(request).archive.session() as session:
        shown = queries.show(session, url, number=number)
        blob = get_blob(session, shown.blob_sha256)
    if blob is None:
        raise HTTPException(404, f"the raw HTML of version {shown.number} is not stored")
    raw, encoding = blob
    charset = f"; charset={encoding}" if encoding else ""
    return Response(
        raw,
        media_type=f"text/html{charset}",
        headers={
            "Content-Security-Policy": SNAPSHOT_CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def search(request: Request) -> Response:
    params = request.query_params
    query = params.get("q", "").strip()
    source = params.get("source", "").strip() or None
    since, until = moment_param(request, "since"), moment_param(request, "until")
    all_versions = flag_param(request, "all_versions")
    found = Results([])
    error = None
    if query:
        try:
            found = viewer(request).archive.search(
                query,
                source=source,
                since=since,
                until=until,
                all_versions=all_versions,
                limit=SEARCH_LIMIT,
            )
        except BadQuery as exc:
            error = str(exc)
    return page(
        request,
        "search.html",
        400 if error else 200,
        title=f"Search: {query}" if query else "Search",
        query=query,
        source=source or "",
        since=params.get("since", ""),
        until=params.get("until", ""),
        all_versions=all_versions,
        hits=found.hits,
        ranked_among=found.ranked_among,
        error=error,
        sources=viewer(request).sources,
    )


def sources(request: Request) -> Response:
    view = viewer(request)
    with view.archive.session() as session:
        found = status_of.status(session, view.sources, view.rules)
    return page(request, "sources.html", title="Sources", status=found)


def source(request: Request) -> Response:
    view = viewer(request)
    name = request.path_params["name"]
    if name not in view.sources:
        raise HTTPException(404, f"no source {name!r} in this archive's sources file")
    offset = (number_param(request, "page") or 1) - 1
    with view.archive.session() as session:
        (found,) = status_of.status(session, [name], view.rules).sources
        recent = runs.runs(session, source=name, limit=30)
        articles = browse.source_articles(
            session, name, limit=ARTICLES_PER_PAGE + 1, offset=offset * ARTICLES_PER_PAGE
        )
    return page(
        request,
        "source.html",
        title=name,
        source=found,
        runs=list(reversed(recent)),
        articles=articles[:ARTICLES_PER_PAGE],
        page_number=offset + 1,
        more=len(articles) > ARTICLES_PER_PAGE,
    )
