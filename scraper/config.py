"""The sources file (TOML): which sites to archive and how.

    database = "sqlite:///archive.db"   # optional; --db / ARCHIVER_DATABASE_URL win
                                        # (a relative path: from this file's folder)
    [[sources]]
    name = "ledger"
    feeds = ["https://example.org/feed/"]
    sitemaps = ["https://example.org/sitemap.xml"]
    start_urls = ["https://example.org/"]
    article_pattern = '/\\d{4}/\\d{2}/\\d{2}/'
    follow_pattern = '/(category|page)/'
    max_depth = 2
    schedule = "*/30 * * * *"
    revisit = ["1h", "3h", "12h", "1d", "3d", "7d", "30d"]
    revisit_stop = "90d"
    settings = { DOWNLOAD_DELAY = 1.0 }

A bad file is refused whole, with a message naming the file, the source and the key.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from pipelines.options import Options, parse_options
from schedules.notify import ENV_PREFIX, Target
from schedules.triggers import parse_schedule
from storage import DEFAULT_DATABASE_URL
from storage.health import HealthRules
from storage.notices import EVENTS
from storage.revisit import DEFAULT_STEPS, DEFAULT_STOP, Ladder

DEFAULT_CONFIG_PATH = Path("archiver.toml")
CONFIG_ENV = "ARCHIVER_CONFIG"
DATABASE_ENV = "ARCHIVER_DATABASE_URL"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_SETTING = re.compile(r"^[A-Z][A-Z0-9_]*$")
TOP_LEVEL_KEYS = frozenset({"database", "sources", "notify", "health"})
NOTIFY_KEYS = frozenset({"webhook", "apprise", "events", "sources"})
SOURCE_KEYS = frozenset(
    {
        "name",
        "feeds",
        "sitemaps",
        "start_urls",
        "article_pattern",
        "follow_pattern",
        "max_depth",
        "schedule",
        "revisit",
        "revisit_stop",
        "allowed_hosts",
        "extract",
        "settings",
    }
)
DEFAULT_MAX_DEPTH = 2


class ConfigError(ValueError):
    """The sources file cannot be used; the message names file, source and key."""


@dataclass(frozen=True)
class Source:
    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    article_pattern: re.Pattern[str] | None = None
    follow_pattern: re.Pattern[str] | None = None
    max_depth: int = DEFAULT_MAX_DEPTH
    schedule: str | None = None
    revisit: tuple[str, ...] = DEFAULT_STEPS
    revisit_stop: str = DEFAULT_STOP
    # More hosts the source may fetch from (redirects, links), private addresses included.
    allowed_hosts: tuple[str, ...] = ()
    # Extraction options (pipelines.reader.EXTRACT_OPTIONS), name and value, sorted.
    extract: Options = ()
    settings: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @cached_property
    def ladder(self) -> Ladder:
        return Ladder.parse(self.revisit, self.revisit_stop)

    @property
    def urls(self) -> tuple[str, ...]:
        return self.feeds + self.sitemaps + self.start_urls

    @cached_property
    def crawl_settings(self) -> Mapping[str, Any]:
        """The Scrapy settings a crawl of this source runs with, over the project's own: the
        source's ``settings``, its revisit ladder, its name and fingerprint."""
        return MappingProxyType(
            {
                **self.settings,
                "ARCHIVE_SOURCE": self.name,
                "ARCHIVE_SOURCE_FINGERPRINT": self.fingerprint(),
                "ARCHIVE_REVISIT": list(self.revisit),
                "ARCHIVE_REVISIT_STOP": self.revisit_stop,
                "EXTRACT_OPTIONS": dict(self.extract),
            }
        )

    @cached_property
    def hosts(self) -> frozenset[str]:
        """Host names the source may fetch from: those of its configured URLs and its
        allowed_hosts (ports ignored, like Scrapy's)."""
        hosts = {urlsplit(url).hostname or "" for url in self.urls} | set(self.allowed_hosts)
        return frozenset(host.lower() for host in hosts) - {""}

    def fingerprint(self) -> str:
        """A digest of the source's configuration, recorded with its runs."""
        data = {
            "feeds": self.feeds,
            "sitemaps": self.sitemaps,
            "start_urls": self.start_urls,
            "article_pattern": self.article_pattern.pattern if self.article_pattern else None,
            "follow_pattern": self.follow_pattern.pattern if self.follow_pattern else None,
            "max_depth": self.max_depth,
            "schedule": self.schedule,
            "revisit": self.revisit,
            "revisit_stop": self.revisit_stop,
            "allowed_hosts": self.allowed_hosts,
            "extract": self.extract,
            "settings": dict(self.settings),
        }
        encoded = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


@dataclass(frozen=True)
class Config:
    path: Path | None
    database: str | None = None
    sources: Mapping[str, Source] = field(default_factory=lambda: MappingProxyType({}))
    notify: tuple[Target, ...] = ()
    health: HealthRules = field(default_factory=HealthRules)

    def source(self, name: str) -> Source:
        try:
            return self.sources[name]
        except KeyError:
            where = str(self.path) if self.path else "no sources file"
            known = ", ".join(sorted(self.sources)) or "none"
            raise ConfigError(f"unknown source {name!r} ({where}; sources: {known})") from None


def config_path(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """The sources file to read, and whether the user named it (then it must exist)."""
    if explicit:
        return Path(explicit), True
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]), True
    return DEFAULT_CONFIG_PATH, False


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    """Read the sources file; a missing default file is an empty configuration."""
    path, required = config_path(explicit)
    if not path.exists():
        if required:
            raise ConfigError(f"{path}: no such sources file")
        return Config(path=None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return parse_config(data, path)


def parse_config(data: Mapping[str, Any], path: Path) -> Config:
    unknown = set(data) - TOP_LEVEL_KEYS
    if unknown:
        known = ", ".join(sorted(TOP_LEVEL_KEYS))
        raise ConfigError(f"{path}: unknown key {sorted(unknown)[0]!r} (known: {known})")
    database = data.get("database")
    if database is not None and (not isinstance(database, str) or not database.strip()):
        raise ConfigError(f"{path}: key 'database': must be a database URL string")
    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list) or not all(isinstance(s, dict) for s in raw_sources):
        raise ConfigError(f"{path}: key 'sources': must be an array of tables ([[sources]])")
    sources: dict[str, Source] = {}
    for index, raw in enumerate(raw_sources, start=1):
        source = _parse_source(raw, path, index)
        if source.name in sources:
            raise ConfigError(f"{path}: source {source.name!r}: key 'name': duplicate source name")
        sources[source.name] = source
    return Config(
        path=path,
        database=database,
        sources=MappingProxyType(sources),
        notify=_parse_notify(data.get("notify", []), path, sources),
        health=_parse_health(data.get("health", {}), path),
    )


def _parse_notify(raw: Any, path: Path, sources: Mapping[str, Source]) -> tuple[Target, ...]:
    """``[[notify]]`` tables: each a webhook or an Apprise URL, with optional filters."""
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        raise ConfigError(f"{path}: key 'notify': must be an array of tables ([[notify]])")
    targets = []
    for index, entry in enumerate(raw, start=1):

        def fail(key: str, message: str, index: int = index) -> ConfigError:
            return ConfigError(f"{path}: notify #{index}: key {key!r}: {message}")

        unknown = sorted(set(entry) - NOTIFY_KEYS)
        if unknown:
            raise fail(unknown[0], f"unknown key (known: {', '.join(sorted(NOTIFY_KEYS))})")
        kinds = [kind for kind in ("webhook", "apprise") if kind in entry]
        if len(kinds) != 1:
            raise fail("webhook", "give exactly one of webhook or apprise")
        kind = kinds[0]
        address = entry[kind]
        if not isinstance(address, str) or not address.strip():
            raise fail(kind, "must be a URL string, or env:NAME to read it from $NAME")
        literal = not address.startswith(ENV_PREFIX)
        if kind == "webhook" and literal and urlsplit(address).scheme not in ("http", "https"):
            raise fail(kind, "must be an http:// or https:// URL")
        events = entry.get("events", list(EVENTS))
        if not isinstance(events, list) or not events or any(e not in EVENTS for e in events):
            raise fail("events", f"must be a list of events from: {', '.join(EVENTS)}")
        wanted = entry.get("sources")
        if wanted is not None:
            if not isinstance(wanted, list) or not all(isinstance(n, str) for n in wanted):
                raise fail("sources", "must be a list of source names")
            unknown_sources = [name for name in wanted if name not in sources]
            if unknown_sources:
                raise fail("sources", f"unknown source {unknown_sources[0]!r}")
        targets.append(
            Target(
                kind,
                address.strip(),
                tuple(dict.fromkeys(events)),
                tuple(wanted) if wanted is not None else None,
            )
        )
    return tuple(targets)


def _parse_health(raw: Any, path: Path) -> HealthRules:
    """``[health]``: thresholds of storage.health.HealthRules, each checked for its type."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: key 'health': must be a table ([health])")
    defaults = HealthRules()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        default = getattr(defaults, key, None)
        if default is None or key.startswith("_"):
            known = ", ".join(f.name for f in fields(HealthRules))
            raise ConfigError(f"{path}: health: unknown key {key!r} (known: {known})")
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or value < 0 or (isinstance(default, int) and not isinstance(value, int)):
            kind = "a whole number" if isinstance(default, int) else "a number"
            raise ConfigError(f"{path}: health: key {key!r}: must be {kind} >= 0")
        values[key] = value
    return HealthRules(**values)


def _parse_source(raw: Mapping[str, Any], path: Path, index: int) -> Source:
    name = raw.get("name")
    label = f"{path}: source {name!r}" if isinstance(name, str) else f"{path}: source #{index}"

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{label}: key {key!r}: {message}")

    unknown = sorted(set(raw) - SOURCE_KEYS)
    if unknown:
        raise fail(unknown[0], f"unknown key (known: {', '.join(sorted(SOURCE_KEYS))})")
    if not isinstance(name, str) or not _NAME.match(name):
        raise fail("name", "required; letters, digits, '.', '_' and '-' (at most 100)")

    def url_list(key: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(key, "must be a list of URLs")
        for url in value:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise fail(key, f"not an absolute http(s) URL: {url!r}")
        return tuple(value)

    def pattern(key: str) -> re.Pattern[str] | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise fail(key, "must be a regular expression string")
        try:
            return re.compile(value)
        except re.error as exc:
            raise fail(key, f"bad regular expression {value!r}: {exc}") from exc

    max_depth = raw.get("max_depth", DEFAULT_MAX_DEPTH)
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or not 0 <= max_depth <= 20:
        raise fail("max_depth", "must be a whole number from 0 to 20")

    schedule = raw.get("schedule")
    if schedule is not None:
        if not isinstance(schedule, str):
            raise fail("schedule", "must be a string such as '*/30 * * * *' or 'every 30m'")
        try:
            parse_schedule(schedule)
        except ValueError as exc:
            raise fail("schedule", str(exc)) from exc

    revisit, revisit_stop = _revisit_ladder(raw, fail)
    allowed_hosts = raw.get("allowed_hosts", [])
    if not isinstance(allowed_hosts, list) or not all(
        isinstance(host, str) and host and "/" not in host for host in allowed_hosts
    ):
        raise fail("allowed_hosts", 'must be a list of host names, e.g. ["cdn.example.org"]')

    try:
        extract = parse_options(raw.get("extract", {}))
    except ValueError as exc:
        raise fail("extract", str(exc)) from exc

    settings = raw.get("settings", {})
    if not isinstance(settings, dict):
        raise fail("settings", "must be a table of Scrapy settings")
    for key in settings:
        if not _SETTING.match(key):
            raise fail("settings", f"{key!r} is not a Scrapy setting name (UPPER_CASE)")

    return Source(
        name=name,
        feeds=url_list("feeds"),
        sitemaps=url_list("sitemaps"),
        start_urls=url_list("start_urls"),
        article_pattern=pattern("article_pattern"),
        follow_pattern=pattern("follow_pattern"),
        max_depth=max_depth,
        schedule=schedule,
        revisit=tuple(revisit),
        revisit_stop=revisit_stop,
        allowed_hosts=tuple(allowed_hosts),
        extract=extract,
        settings=MappingProxyType(dict(settings)),
    )


def _revisit_ladder(
    raw: Mapping[str, Any], fail: Callable[[str, str], ConfigError]
) -> tuple[list[str], str]:
    """The source's revisit steps and stop, checked."""
    revisit = raw.get("revisit", list(DEFAULT_STEPS))
    if not isinstance(revisit, list) or not all(isinstance(step, str) for step in revisit):
        raise fail("revisit", 'must be a list of durations such as ["1h", "1d"]')
    revisit_stop = raw.get("revisit_stop", DEFAULT_STOP)
    if not isinstance(revisit_stop, str):
        raise fail("revisit_stop", 'must be a duration such as "90d"')
    for key, steps, stop in (
        ("revisit", revisit, DEFAULT_STOP),
        ("revisit_stop", list(DEFAULT_STEPS), revisit_stop),
    ):
        try:
            Ladder.parse(steps, stop)
        except ValueError as exc:
            raise fail(key, str(exc)) from exc
    return revisit, revisit_stop


def database_url(explicit: str | None, config: Config) -> str:
    """--db, then ARCHIVER_DATABASE_URL, then the sources file, then ./archive.db.

    A relative SQLite path is relative to the current directory on the command line and in
    the environment, but to the sources file's folder in the file (as alembic.ini and compose
    files have it): ``archiver --config /etc/archiver.toml daemon`` opens the same archive
    from whatever folder it is started in.
    """
    chosen = explicit or os.environ.get(DATABASE_ENV)
    if chosen:
        return chosen
    if config.database and config.path is not None:
        return _sqlite_relative_to(config.database, config.path.parent)
    return config.database or DEFAULT_DATABASE_URL


def _sqlite_relative_to(url: str, folder: Path) -> str:
    """*url* with a relative SQLite file path made absolute from *folder*; any other URL as
    it is (a malformed one is refused, in one line, when the archive is opened)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return url
    if parsed.query.get("uri"):  # a file: URI of SQLite's own, left to the user
        return url
    path = Path(database).expanduser()
    if path.is_absolute():
        return url
    # abspath, not resolve(): the folder as named, like alembic's %(here)s.
    absolute = os.path.abspath(folder / path)
    return parsed.set(database=absolute).render_as_string(hide_password=False)
