"""The viewer's routes: a contract (links, tests and bookmarks rely on them)."""

from __future__ import annotations

from starlette.routing import Route

from web import api, changes, diffview, feeds, pages

ROUTES = [
    Route("/", changes.changes, name="changes"),
    Route("/search", pages.search, name="search"),
    Route("/sources", pages.sources, name="sources"),
    Route("/sources/{name}", pages.source, name="source"),
    Route("/article", pages.article, name="article"),
    Route("/article/version", pages.version, name="version"),
    Route("/snapshot", pages.snapshot, name="snapshot"),
    Route("/diff", diffview.diff, name="diff"),
    Route("/feeds/changes.atom", feeds.changes, name="changes_feed"),
    Route("/feeds/article.atom", feeds.article, name="article_feed"),
    Route("/api/search", api.search),
    Route("/api/versions", api.versions),
    Route("/api/show", api.show),
    Route("/api/diff", api.diff),
    Route("/api/status", api.status),
]
