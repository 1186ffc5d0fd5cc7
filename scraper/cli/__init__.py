"""The ``archiver`` command line: a thin shell over storage.Archive, scraper.crawl and the
scheduling daemon. Each module holds a group of commands; importing them registers them."""

from __future__ import annotations

import logging

from schedules.local import die_with_parent
from scraper.cli import (  # noqa: F401  (importing them registers their commands)
    archive,
    article,
    crawling,
    database,
    history,
    monitoring,
    operating,
    serving,
)
from scraper.cli.base import cli

__all__ = ["cli", "main"]


def main() -> None:
    die_with_parent()
    # Alembic announces its dialect at INFO each time a schema is checked: noise here.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # A schema upgrade says so, and a long one how far it got, whatever the command.
    upgrading = logging.getLogger("storage.migrate")
    upgrading.setLevel(logging.INFO)
    upgrading.addHandler(logging.StreamHandler())
    upgrading.propagate = False  # the daemon, which logs everything, would say it twice
    cli(prog_name="archiver")
