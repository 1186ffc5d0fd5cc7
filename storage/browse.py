"""What the viewer lists besides what the command line shows: an article's addresses, a
source's articles, and recent changes across the archive. Reads only, each one query
ordered by an index and cut to a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleURL, Source, Version
from storage.queries import find_article


def aliases(session: Session, url: str) -> list[str]:
    """Every address the article at *url* (any of them) was seen at, first seen first."""
    article = find_article(session, url)
    return list(
        session.scalars(
            select(ArticleURL.url)
            .where(ArticleURL.article_id == article.id)
            .order_by(ArticleURL.first_seen_at, ArticleURL.id)
        )
    )


@dataclass(frozen=True)
class ArticleRow:
    url: str
    title: str | None
    state: str
    last_changed_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "state": self.state,
            "last_changed_at": self.last_changed_at.isoformat(),
        }


def source_articles(
    session: Session, source: str, *, limit: int = 50, offset: int = 0
) -> list[ArticleRow]:
    """A source's articles, the most recently changed first, with their latest title."""
    latest = (
        select(Version.title)
        .where(Version.article_id == Article.id)
        .order_by(Version.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Article.url, latest, Article.state, Article.last_changed_at)
        .join(Source, Source.id == Article.source_id)
        .where(Source.name == source)
        .order_by(Article.last_changed_at.desc(), Article.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [ArticleRow(*row) for row in rows]
