"""The read side: find an article by any of its URLs, list its versions, look one up by time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from storage import history
from storage.content import CONTENT_FIELDS, ContentFields, content_values, jsonable
from storage.errors import NotFound
from storage.history import LABELS
from storage.models import Article, ArticleURL, Check, CrawlRun, Source, Version
from storage.urls import BadURL, url_key


@dataclass(frozen=True, kw_only=True)
class VersionView(ContentFields):
    """One version of an article, as the API and the command line return it: its content
    fields (storage.content) and where and when it was seen."""

    url: str
    number: int
    versions: int
    first_seen_at: datetime
    content_hash: str
    changed: tuple[str, ...]
    # Why the version exists and what kind of change it is (storage.history).
    cause: str
    silent: bool | None
    significance: str
    extractor: str
    fetched_url: str
    blob_sha256: str
    # The address of the article first archived with this same content (a syndicated or
    # copied story), when there is one.
    duplicate_of: str | None = None

    @property
    def why(self) -> str:
        """Why the version exists, in a few words (storage.history.describe)."""
        return history.describe(self.cause, self.silent, self.significance)

    def as_json(self) -> dict[str, Any]:
        """The ``show --json`` contract, plus the other stored fields."""
        content = {name: jsonable(getattr(self, name)) for name in CONTENT_FIELDS}
        return {
            "url": self.url,
            "version": self.number,
            "versions": self.versions,
            **content,
            "first_seen_at": _iso(self.first_seen_at),
            "content_hash": self.content_hash,
            "changed": list(self.changed),
            **{name: getattr(self, name) for name in LABELS},
            "extractor": self.extractor,
            "fetched_url": self.fetched_url,
            "duplicate_of": self.duplicate_of,
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def find_article(session: Session, url: str) -> Article:
    """The article any alias of *url* belongs to (tracking variants, AMP and print copies...)."""
    article = session.scalars(
        select(Article).join(ArticleURL).where(ArticleURL.url == url.strip())
    ).first()
    if article is not None:
        return article
    try:
        key = url_key(url)
    except BadURL as exc:
        raise NotFound(str(exc)) from exc
    article = session.scalars(select(Article).where(Article.url_key == key)).first()
    if article is None:
        article = session.scalars(
            select(Article).join(ArticleURL).where(ArticleURL.url_key == key)
        ).first()
    if article is None:
        raise NotFound(f"not in the archive: {url}")
    return article


def _count_versions(session: Session, article_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Version).where(Version.article_id == article_id)
        )
        or 0
    )


def _duplicate_of(session: Session, article: Article) -> str | None:
    if article.duplicate_of is None:
        return None
    return session.scalar(select(Article.url).where(Article.id == article.duplicate_of))


def _view(article: Article, version: Version, count: int, duplicate_of: str | None) -> VersionView:
    return VersionView(
        url=article.url,
        number=version.number,
        versions=count,
        first_seen_at=version.first_seen_at,
        content_hash=version.content_hash,
        **content_values(version),
        changed=tuple(version.changed),
        **{name: getattr(version, name) for name in LABELS},
        extractor=version.extractor,
        fetched_url=version.url,
        blob_sha256=version.blob_sha256,
        duplicate_of=duplicate_of,
    )


def versions(session: Session, url: str) -> list[VersionView]:
    """Every version of the article, oldest first."""
    article = find_article(session, url)
    rows = session.scalars(
        select(Version).where(Version.article_id == article.id).order_by(Version.number)
    ).all()
    duplicate_of = _duplicate_of(session, article)
    return [_view(article, row, len(rows), duplicate_of) for row in rows]


def show(
    session: Session, url: str, *, at: datetime | None = None, number: int | None = None
) -> VersionView:
    """One version: number *number*, the one current at *at*, or else the latest."""
    article = find_article(session, url)
    query = select(Version).where(Version.article_id == article.id)
    if number is not None:
        query = query.where(Version.number == number)
    elif at is not None:
        # The version current at *at* is the last one first seen at or before it.
        query = query.where(Version.first_seen_at <= at).order_by(Version.number.desc()).limit(1)
    else:
        query = query.order_by(Version.number.desc()).limit(1)
    version = session.scalars(query).first()
    count = _count_versions(session, article.id)
    if version is None:
        if number is not None:
            raise NotFound(f"{article.url} has versions 1 to {count}, not {number}")
        if at is not None:
            first = session.scalar(
                select(func.min(Version.first_seen_at)).where(Version.article_id == article.id)
            )
            when = first.isoformat() if first else "never"
            raise NotFound(
                f"{article.url} was not archived yet at {at.isoformat()} (first: {when})"
            )
        raise NotFound(f"{article.url} has no versions")
    return _view(article, version, count, _duplicate_of(session, article))


def require_source(session: Session, name: str | None) -> None:
    """Raise NotFound unless *name* (when given) is a source the archive holds."""
    if name is None:
        return
    names = list(session.scalars(select(Source.name).order_by(Source.name)))
    if name not in names:
        known = ", ".join(names) or "none yet"
        raise NotFound(f"no source {name!r} in the archive (its sources: {known})")


def stats(session: Session) -> dict[str, int]:
    """Counts for the whole archive (the ``stats --json`` contract, plus a few more)."""

    def count(model: Any) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    return {
        "articles": count(Article),
        "versions": count(Version),
        "checks": count(Check),
        "runs": count(CrawlRun),
        "urls": count(ArticleURL),
        "sources": count(Source),
    }


@dataclass(frozen=True)
class KnownArticle:
    """What a crawl needs to re-check an article cheaply."""

    url_key: str
    url: str
    etag: str | None
    last_modified: str | None
    raw_sha256: str | None


def source_id(session: Session, name: str) -> int | None:
    return session.scalar(select(Source.id).where(Source.name == name))


def known_articles(
    session: Session, source: str, *, due_by: datetime | None = None, limit: int | None = None
) -> list[KnownArticle]:
    """The live articles of *source*; with *due_by*, only those due for a check by then,
    most overdue first."""
    query = (
        select(
            Article.url_key, Article.url, Article.etag, Article.last_modified, Article.raw_sha256
        )
        .join(Source, Source.id == Article.source_id)
        .where(Source.name == source, Article.state == "live")
    )
    if due_by is not None:
        query = query.where(Article.next_check_at <= due_by).order_by(Article.next_check_at)
    if limit is not None:
        query = query.limit(limit)
    return [KnownArticle(*row) for row in session.execute(query)]


def due_count(session: Session, source: str, due_by: datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Article)
            .join(Source, Source.id == Article.source_id)
            .where(Source.name == source, Article.state == "live", Article.next_check_at <= due_by)
        )
        or 0
    )


def article_count(session: Session, source: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Article)
            .join(Source, Source.id == Article.source_id)
            .where(Source.name == source)
        )
        or 0
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    outcome: str
    http_status: int | None
    version: int | None
    url: str

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "outcome": self.outcome,
            "http_status": self.http_status,
            "version": self.version,
            "url": self.url,
        }


@dataclass(frozen=True)
class Timeline:
    """An article's life: every check (and the versions they found), and its state now."""

    url: str
    state: str
    redirect_to: str | None
    next_check_at: datetime | None
    versions: int
    entries: tuple[TimelineEntry, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "state": self.state,
            "redirect_to": self.redirect_to,
            "next_check_at": _iso(self.next_check_at),
            "versions": self.versions,
            "checks": [entry.as_json() for entry in self.entries],
        }


def timeline(session: Session, url: str) -> Timeline:
    article = find_article(session, url)
    rows = session.execute(
        select(Check.checked_at, Check.outcome, Check.http_status, Version.number, Check.url)
        .outerjoin(Version, Version.id == Check.version_id)
        .where(Check.article_id == article.id)
        .order_by(Check.checked_at, Check.id)
    )
    return Timeline(
        url=article.url,
        state=article.state,
        redirect_to=article.redirect_to,
        next_check_at=article.next_check_at,
        versions=_count_versions(session, article.id),
        entries=tuple(TimelineEntry(*row) for row in rows),
    )


@dataclass(frozen=True)
class LatestVersion:
    """An article's latest version, to be read again (``archiver reextract``)."""

    version_id: int
    article_id: int
    source: str | None
    url: str
    first_seen_at: datetime
    extractor: str
    blob_sha256: str
    content_hash: str


def _latest(
    sources: list[str] | None, since: datetime | None
) -> Select[int, int, str, str, datetime, str, str, str]:
    newest = (
        select(func.max(Version.number))
        .where(Version.article_id == Article.id)
        .correlate(Article)
        .scalar_subquery()
    )
    query = (
        select(
            Version.id,
            Article.id,
            Source.name,
            Version.url,
            Version.first_seen_at,
            Version.extractor,
            Version.blob_sha256,
            Version.content_hash,
        )
        .select_from(Article)
        .join(Version, (Version.article_id == Article.id) & (Version.number == newest))
        .outerjoin(Source, Source.id == Article.source_id)
    )
    if sources is not None:
        query = query.where(Source.name.in_(sources))
    if since is not None:
        query = query.where(Version.first_seen_at >= since)
    return query


def latest_versions(
    session: Session,
    *,
    sources: list[str] | None = None,
    since: datetime | None = None,
    after: int = 0,
    limit: int = 100,
) -> list[LatestVersion]:
    """The latest version of each article after article id *after*, in article order: of
    *sources* only (None: every article, ad-hoc fetches too), first seen at or after
    *since*. A page of *limit* at a time, so that the whole archive is never in memory."""
    query = _latest(sources, since).where(Article.id > after).order_by(Article.id).limit(limit)
    return [LatestVersion(*row) for row in session.execute(query)]


def count_latest_versions(
    session: Session, *, sources: list[str] | None = None, since: datetime | None = None
) -> int:
    """How many versions ``latest_versions`` walks through (for a progress bar)."""
    return session.scalar(select(func.count()).select_from(_latest(sources, since).subquery())) or 0


def capture_key(session: Session, url: str) -> str:
    """The key an earlier capture of *url* is merged under: that of the article any alias of
    it belongs to (find_article), or failing that of the same address in the other scheme
    (archives file a page's http and https captures together; the CDX API lists both for
    either); its own key when neither is archived. Raises BadURL."""
    key = url_key(url)
    for candidate in (url, _other_scheme(key)):
        try:
            return find_article(session, candidate).url_key
        except NotFound:
            continue
    return key


def _other_scheme(key: str) -> str:
    if key.startswith("https://"):
        return "http://" + key.removeprefix("https://")
    return "https://" + key.removeprefix("http://")


def version_times(session: Session, key: str) -> list[datetime]:
    """When each version of the article stored under *key* was first seen."""
    return list(
        session.scalars(
            select(Version.first_seen_at)
            .join(Article, Article.id == Version.article_id)
            .where(Article.url_key == key)
        )
    )


def source_urls(session: Session, source: str) -> list[str]:
    """The address of every article of *source*, in the order they were archived."""
    return list(
        session.scalars(
            select(Article.url)
            .join(Source, Source.id == Article.source_id)
            .where(Source.name == source)
            .order_by(Article.id)
        )
    )
