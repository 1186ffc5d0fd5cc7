"""Commands that manage the archive's schema."""

from __future__ import annotations

import click

from scraper.cli.base import State, cli, one_line_errors
from storage import migrate
from storage.engine import redact


@cli.group()
def db() -> None:
    """Manage the archive database schema.

    \b
    Example:
        archiver db upgrade
        archiver --db postgresql://archiver@localhost/archive db check
    """


@db.command()
@click.pass_obj
@one_line_errors
def upgrade(state: State) -> None:
    """Apply pending migrations (other commands do this on their own too).

    \b
    Example:
        archiver db upgrade
    """
    with state.archive(write=True) as archive:
        revision = migrate.current_revision(archive.engine)
    click.echo(f"schema at revision {revision}: {redact(state.database_url)}")


@db.command()
@click.pass_obj
@one_line_errors
def check(state: State) -> None:
    """Fail when the models and the migrated schema disagree (drift).

    \b
    Example:
        archiver db check
    """
    with state.archive(write=True) as archive:
        archive.check_schema()
    click.echo("schema matches the models")
