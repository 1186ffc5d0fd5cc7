"""The archive's tables (DESIGN §3): the Alembic migrations build them, these describe them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    SQLite has no timezone type and hands back naive values; Postgres stores timestamptz. Both
    come back as aware UTC datetimes, and naive datetimes are refused on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: archive timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


Timestamp = Annotated[datetime, mapped_column(UTCDateTime())]
Sha256 = Annotated[str, mapped_column(String(64))]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


class Source(Base):
    """A configured site; rows are created the first time a source is crawled."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    config_fingerprint: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[Timestamp]
    # The health last announced (storage.health): a change of it is announced once.
    health: Mapped[str | None] = mapped_column(String(16))
    health_at: Mapped[datetime | None]


class Article(Base):
    """One row per canonical URL key."""

    __tablename__ = "articles"
    # A source's due count and its articles by last change, each read from its own rows.
    __table_args__ = (
        Index(None, "source_id", "next_check_at"),
        Index(None, "source_id", "last_changed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url_key: Mapped[str] = mapped_column(Text, unique=True)
    # The address the latest content was fetched from: what a person would open.
    url: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    first_seen_at: Mapped[Timestamp]
    last_checked_at: Mapped[Timestamp]
    last_changed_at: Mapped[Timestamp]
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(16), default="live")
    redirect_to: Mapped[str | None] = mapped_column(Text)
    # HTTP validators of the last 200 answer, sent back on re-checks.
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    # sha256 of the raw bytes of the last 200 answer: an identical body needs no extraction.
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))


class ArticleURL(Base):
    """Every URL seen for an article: tracking variants, AMP and print copies, redirects."""

    __tablename__ = "article_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    # The alias's own key, so a variant of an alias (an AMP URL with a tracking parameter)
    # still finds the article.
    url_key: Mapped[str] = mapped_column(Text, index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    first_seen_at: Mapped[Timestamp]


class HtmlBlob(Base):
    """Raw response bytes, zstd-compressed, stored once per sha256 of the uncompressed bytes."""

    __tablename__ = "html_blobs"

    sha256: Mapped[Sha256] = mapped_column(primary_key=True)
    encoding: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[Timestamp]


class Version(Base):
    """An immutable distinct state of an article; numbered 1..n without gaps."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    number: Mapped[int]
    first_seen_at: Mapped[Timestamp]
    content_hash: Mapped[Sha256] = mapped_column(index=True)
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    modified_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    site_name: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]]
    image: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    changed: Mapped[list[str]]
    # Why the version exists and what kind of change it is (storage.history).
    cause: Mapped[str] = mapped_column(String(16), server_default="edit")
    silent: Mapped[bool | None]
    significance: Mapped[str] = mapped_column(String(16), server_default="substantive")
    simhash: Mapped[int] = mapped_column(BigInteger)
    extractor: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(Text)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("html_blobs.sha256"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    # The answer the page was read from (storage.records.response_headers): None for
    # versions archived before these were kept.
    http_status: Mapped[int | None]
    http_headers: Mapped[list[list[str]] | None] = mapped_column(JSON)


class Check(Base):
    """One fetch of a known article and what it found."""

    __tablename__ = "checks"
    __table_args__ = (Index(None, "article_id", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    checked_at: Mapped[Timestamp]
    outcome: Mapped[str] = mapped_column(String(64))
    http_status: Mapped[int | None]
    url: Mapped[str] = mapped_column(Text)
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))


class CrawlRun(Base):
    """One crawl: who ran it, when, how it ended and what it counted."""

    __tablename__ = "crawl_runs"
    # A source's open runs.
    __table_args__ = (Index(None, "source_id", "finished_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[Timestamp]
    heartbeat_at: Mapped[Timestamp]
    # Seconds between the crawl's heartbeats: the run is stale after a few missed ones.
    heartbeat_every: Mapped[float] = mapped_column(Float, server_default="30")
    finished_at: Mapped[datetime | None]
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    stats: Mapped[dict[str, Any]]
    # Where the crawl runs: set when it claims the run (0 and "" until then).
    pid: Mapped[int]
    host: Mapped[str] = mapped_column(String(255))


class Daemon(Base):
    """One start of the scheduling daemon, beating while it lives (``leader`` or ``standby``,
    ``stopped`` once it exits), with the next run it has scheduled for each source."""

    __tablename__ = "daemons"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[Timestamp]
    heartbeat_at: Mapped[Timestamp] = mapped_column(index=True)
    heartbeat_every: Mapped[float] = mapped_column(Float)
    next_runs: Mapped[dict[str, Any]]


class Notice(Base):
    """An event to announce (storage.notices), written with what it announces."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the notice announces ("version_new:1234"): one notice per event, never two.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    event: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    created_at: Mapped[Timestamp]
    payload: Mapped[dict[str, Any]]


class NotifyTarget(Base):
    """A configured notification target, known by the digest of its address."""

    __tablename__ = "notify_targets"

    target: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_notice_id: Mapped[int]
    created_at: Mapped[Timestamp]


class NoticeDelivery(Base):
    """One notice to one target: tried until sent, with backoff between tries."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (UniqueConstraint("notice_id", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    target: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int]
    next_attempt_at: Mapped[Timestamp]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
