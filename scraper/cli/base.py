"""What every command shares: the top-level options, errors as one line, JSON output."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import wraps
from typing import IO, Any, ParamSpec, TypeVar

import click

from scraper.config import Config, ConfigError, database_url, load_config
from storage import Archive, ArchiveError

P = ParamSpec("P")
T = TypeVar("T")


class State:
    """What the top-level options say; the sources file is read on first use."""

    def __init__(self, config_path: str | None, db: str | None) -> None:
        self.config_path = config_path
        self.db = db
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    @property
    def database_url(self) -> str:
        return database_url(self.db, self.config)

    def archive(self, *, write: bool = False) -> Archive:
        return Archive(self.database_url, write=write)

    def archive_read_only(self) -> Archive:
        """The archive opened so that the database itself refuses writes (the viewer)."""
        return Archive(self.database_url, read_only=True)


def one_line_errors(fn: Callable[P, T]) -> Callable[P, T]:
    """Library errors become a one-line message and exit code 1, never a traceback."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return fn(*args, **kwargs)
        except (ArchiveError, ConfigError) as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def open_for_writing(path: str, mode: str, what: str, **options: Any) -> IO[Any]:
    """Open *path* to write, or stop with one line saying why it cannot be (no traceback)."""
    try:
        return open(path, mode, **options)
    except OSError as exc:
        raise click.ClickException(f"cannot write {what} {path}: {exc.strerror}") from exc


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    help="Sources file [default: ./archiver.toml, or $ARCHIVER_CONFIG].",
)
@click.option(
    "--db",
    metavar="URL",
    help="Archive database URL [default: the sources file's, $ARCHIVER_DATABASE_URL, "
    "or sqlite:///archive.db].",
)
@click.version_option(package_name="archiver")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, db: str | None) -> None:
    """Archive news sites over time: every article, every version.

    \b
    Example:
        archiver crawl --all
        archiver versions https://example.org/2026/11/02/story/
    """
    ctx.obj = State(config_path, db)


def counted(stats: Mapping[str, Any]) -> str:
    """What a run counted (its stats in crawl_runs), in the words that both the crawl's
    summary and ``archiver runs`` print: a 304 is "not modified", not "unchanged"."""
    parts = [
        f"{stats.get('articles_new', 0)} new articles",
        f"{stats.get('versions_new', 0)} new versions",
        f"{stats.get('unchanged', 0)} unchanged",
        f"{stats.get('not_modified', 0)} not modified",
    ]
    # Only re-checks find these, and pages read anew by a changed extractor: shown when there
    # are some.
    parts += [
        f"{stats[name]} {name}" for name in ("reread", "gone", "redirected") if stats.get(name)
    ]
    parts += [
        f"{sum(stats.get('failed', {}).values())} failed",
        f"{sum(stats.get('rejected', {}).values())} rejected",
    ]
    return ", ".join(parts)


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def parse_moment(text: str, option: str = "--at") -> datetime:
    """ISO 8601 date or date-time; without an offset it is read as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise click.ClickException(
            f"{option} {text!r} is not an ISO 8601 time (e.g. 2026-11-20T14:30:00Z)"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
