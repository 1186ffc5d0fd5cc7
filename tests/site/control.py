"""The control API under /_control/: how scripts and other processes drive the site.

robots.txt forbids it and no page links to it; its requests are not counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from tests.site.replies import Reply, json_reply

if TYPE_CHECKING:
    from tests.site.server import NewsSite

PREFIX = "/_control/"

_Action = Callable[["NewsSite", re.Match[str], dict[str, str], str], Any]


def _edit_body(site: NewsSite, match: re.Match[str], params: dict[str, str], text: str) -> Any:
    return {"id": match[1], "inserted": site.edit_body(match[1], text or None)}


def _edit_title(site: NewsSite, match: re.Match[str], params: dict[str, str], text: str) -> Any:
    return {"id": match[1], "title": site.edit_title(match[1], text or None)}


def _edit_boilerplate(
    site: NewsSite, match: re.Match[str], params: dict[str, str], text: str
) -> Any:
    site.edit_boilerplate(match[1])
    return {"id": match[1], "ok": True}


def _edit_all_boilerplate(
    site: NewsSite, match: re.Match[str], params: dict[str, str], text: str
) -> Any:
    site.edit_boilerplate(None)
    return {"ok": True}


def _revert(site: NewsSite, match: re.Match[str], params: dict[str, str], text: str) -> Any:
    site.revert(match[1])
    return {"id": match[1], "ok": True}


def _publish(site: NewsSite, match: re.Match[str], params: dict[str, str], text: str) -> Any:
    article_id = site.publish(params.get("section"), params.get("template"))
    return {"id": article_id, "url": site.url(article_id)}


def _unpublish(site: NewsSite, match: re.Match[str], params: dict[str, str], text: str) -> Any:
    status = int(params.get("status", "404"))
    site.unpublish(match[1], status)
    return {"id": match[1], "status": status}


def _redirect(site: NewsSite, match: re.Match[str], params: dict[str, str], text: str) -> Any:
    if "to" not in params:
        raise ValueError("a redirect needs ?to=")
    status = int(params.get("status", "301"))
    site.redirect(match[1], params["to"], status)
    return {"id": match[1], "to": params["to"], "status": status}


def _truth(site: NewsSite, match: re.Match[str], params: dict[str, str], text: str) -> Any:
    return site.truth()


def _counts(site: NewsSite, match: re.Match[str], params: dict[str, str], text: str) -> Any:
    return site.counts()


def _reset_counts(site: NewsSite, match: re.Match[str], params: dict[str, str], text: str) -> Any:
    site.reset_counts()
    return {"ok": True}


_ID = r"([A-Za-z0-9_-]+)"
_ROUTES: tuple[tuple[str, re.Pattern[str], _Action], ...] = (
    ("POST", re.compile(rf"edit/{_ID}/body"), _edit_body),
    ("POST", re.compile(rf"edit/{_ID}/title"), _edit_title),
    ("POST", re.compile(r"edit/boilerplate"), _edit_all_boilerplate),
    ("POST", re.compile(rf"edit/{_ID}/boilerplate"), _edit_boilerplate),
    ("POST", re.compile(rf"revert/{_ID}"), _revert),
    ("POST", re.compile(r"publish"), _publish),
    ("POST", re.compile(rf"unpublish/{_ID}"), _unpublish),
    ("POST", re.compile(rf"redirect/{_ID}"), _redirect),
    ("GET", re.compile(r"truth\.json"), _truth),
    ("GET", re.compile(r"counts\.json"), _counts),
    ("POST", re.compile(r"counts/reset"), _reset_counts),
)


def handle(site: NewsSite, method: str, target: str, body: bytes) -> Reply:
    """Answer one control request with JSON; errors come back as {"error": ...}."""
    path, _, query = target.partition("?")
    action_path = path.removeprefix(PREFIX).rstrip("/")
    params = {key: values[-1] for key, values in parse_qs(query).items()}
    text = body.decode("utf-8", errors="replace").strip()
    wanted = "GET" if method == "HEAD" else method
    routes = [(m, match, action) for m, p, action in _ROUTES if (match := p.fullmatch(action_path))]
    if not routes:
        return json_reply({"error": f"no control endpoint {path}"}, 404)
    for route_method, match, action in routes:
        if route_method != wanted:
            continue
        try:
            return json_reply(action(site, match, params, text))
        except KeyError as error:
            return json_reply({"error": str(error.args[0] if error.args else error)}, 404)
        except ValueError as error:
            return json_reply({"error": str(error)}, 400)
    allowed = ", ".join(sorted({m for m, _, _ in routes}))
    reply = json_reply({"error": f"{path} answers {allowed} only"}, 405)
    return replace(reply, headers={"Allow": allowed})
