"""The viewer's ASGI app: ``create_app(Viewer(...))``, served by uvicorn (``archiver serve``).

Everything shown is archived, so hostile: Jinja2 autoescapes every template, and no archived
string is marked safe. The archive is opened read-only (storage.Archive(read_only=True)): the
database itself refuses writes. No route writes. An unknown article, version or source is a
404 page; a bad query a 400 page; never a traceback.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from storage import Archive, ArchiveError, NotFound
from storage.health import DEFAULT_RULES, HealthRules
from storage.search import MARK_START

HERE = Path(__file__).parent


@dataclass
class Viewer:
    """What the app shows: the archive, the configured sources (for their health), and where
    it is mounted."""

    archive: Archive
    sources: Sequence[str] = ()
    rules: HealthRules = DEFAULT_RULES
    base_path: str = "/"
    # "user:password" for HTTP Basic; None: no credential asked (loopback only).
    auth: str | None = None
    templates: Jinja2Templates = field(init=False)

    def __post_init__(self) -> None:
        self.base_path = "/" + self.base_path.strip("/")
        environment = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates = Jinja2Templates(env=environment)
        environment.globals["link"] = self.link
        environment.filters["marks"] = marks
        environment.filters["run_peak"] = run_peak

    def link(self, path: str, **params: Any) -> str:
        """A URL of this app: *path* under the base path, with the non-empty *params*."""
        query = urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
        root = self.base_path.rstrip("/")
        return f"{root}{path}" + (f"?{query}" if query else "")


def marks(snippet: str) -> list[str]:
    """A search snippet cut at its match marks: the odd pieces are matches (the template
    wraps them in <mark>, each piece escaped)."""
    return snippet.split(MARK_START)


def run_peak(stats: dict[str, Any]) -> int:
    """The tallest bar a run has in the source page's chart."""
    failed = sum(int(n) for n in stats.get("failed", {}).values())
    return max(int(stats.get("articles_new", 0)), int(stats.get("versions_new", 0)), failed)


def viewer(request: Request) -> Viewer:
    found: Viewer = request.app.state.viewer
    return found


def page(request: Request, template: str, http_status: int = 200, **context: Any) -> Response:
    """A page rendered from *template*, every value in it escaped."""
    return viewer(request).templates.TemplateResponse(
        request, template, {"viewer": viewer(request), **context}, status_code=http_status
    )


class BasicAuth:
    """HTTP Basic on every route when the viewer has a credential (meant behind a reverse
    proxy's TLS: Basic sends the password in the clear otherwise)."""

    def __init__(self, app: ASGIApp, credential: str | None) -> None:
        self.app = app
        self.credential = credential

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.credential is None or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        response = Response(
            "a user name and password are needed\n",
            status_code=401,
            headers={"WWW-Authenticate": 'Basic realm="archiver"'},
        )
        await response(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        assert self.credential is not None
        headers = dict(scope.get("headers", []))
        value = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            given = base64.b64decode(token, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return hmac.compare_digest(given.encode(), self.credential.encode())


def _wants_json(request: Request) -> bool:
    return request.url.path.removeprefix(viewer(request).base_path.rstrip("/")).startswith("/api/")


async def not_found(request: Request, exc: Exception) -> Response:
    message = str(exc.detail) if isinstance(exc, HTTPException) else str(exc)
    if isinstance(exc, HTTPException) and exc.status_code not in (404,):
        return await http_error(request, exc)
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=404)
    return page(request, "error.html", 404, title="Not found", message=message)


async def http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    message = str(exc.detail) if isinstance(exc, HTTPException) else str(exc)
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return page(request, "error.html", status, title="Cannot show this", message=message)


async def server_error(request: Request, exc: Exception) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": "the archive could not answer"}, status_code=500)
    message = "The archive could not answer this request; the server's log says why."
    return HTMLResponse(
        viewer(request)
        .templates.get_template("error.html")
        .render(viewer=viewer(request), request=request, title="Error", message=message),
        status_code=500,
    )


def create_app(view: Viewer, routes: Sequence[BaseRoute] | None = None) -> Starlette:
    """The app for *view*; *routes* default to every route of the viewer (web.routes)."""
    if routes is None:
        from web.routes import ROUTES  # noqa: PLC0415  (routes import this module)

        routes = ROUTES
    mounted: list[BaseRoute] = [
        *routes,
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    if view.base_path != "/":
        mounted = [Mount(view.base_path, routes=mounted)]
    app = Starlette(
        routes=mounted,
        middleware=[Middleware(BasicAuth, credential=view.auth)],
        exception_handlers={
            NotFound: not_found,
            404: not_found,
            ArchiveError: http_error,
            HTTPException: http_error,
            500: server_error,
        },
    )
    app.state.viewer = view
    return app
