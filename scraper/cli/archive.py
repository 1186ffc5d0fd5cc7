"""Commands about the whole archive: search, export, stats."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from datetime import datetime
from typing import IO, Any

import click

from scraper.cli.base import (
    State,
    cli,
    emit_json,
    json_option,
    one_line_errors,
    open_for_writing,
    parse_moment,
)
from storage.engine import location
from storage.export import FORMATS
from storage.search import MARK_END, MARK_START


def _moments(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    return (
        parse_moment(since, "--since") if since else None,
        parse_moment(until, "--until") if until else None,
    )


range_options = [
    click.option("--source", help="Only this source's articles."),
    click.option("--since", metavar="TIME", help="Only versions first seen at or after TIME."),
    click.option("--until", metavar="TIME", help="Only versions first seen before TIME."),
    click.option(
        "--all-versions", is_flag=True, help="Every version, not just each article's latest."
    ),
]


def with_range_options(fn: Any) -> Any:
    for option in reversed(range_options):
        fn = option(fn)
    return fn


def _highlight(snippet: str) -> str:
    """Matched words in bold on a terminal (the markers stay when piped)."""
    if not sys.stdout.isatty():
        return snippet
    parts = snippet.split(MARK_START)
    out = [parts[0]]
    for part in parts[1:]:
        word, _, rest = part.partition(MARK_END)
        out.append(click.style(word, bold=True) + rest)
    return "".join(out)


@cli.command()
@click.argument("query")
@with_range_options
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@json_option
@click.pass_obj
@one_line_errors
def search(
    state: State,
    query: str,
    source: str | None,
    since: str | None,
    until: str | None,
    all_versions: bool,
    limit: int,
    as_json: bool,
) -> None:
    """Search every article's text, title and byline; best matches first.

    QUERY: words (all must match), "a phrase", OR between alternatives, -word to exclude.
    Each article's latest version is searched unless --all-versions.

    \b
    Example:
        archiver search 'bridge "city council"'
        archiver search 'Núñez OR Okafor -sport' --since 2026-11-01 --json
        archiver search '"an edited-out phrase"' --all-versions
    """
    first, last = _moments(since, until)
    with state.archive() as archive:
        found = archive.search(
            query, source=source, since=first, until=last, all_versions=all_versions, limit=limit
        )
    hits = found.hits
    if found.ranked_among:
        click.echo(
            f"more than {found.ranked_among:,} versions match: these are the best of the"
            f" {found.ranked_among:,} newest (add words, a phrase or --until for older ones)",
            err=True,
        )
    if as_json:
        emit_json([hit.as_json() for hit in hits])
        return
    for hit in hits:
        published = f", published {hit.published_at.date()}" if hit.published_at else ""
        click.echo(f"{hit.title or '(no title)'}  [v{hit.version}{published}]")
        click.echo(f"  {hit.url}")
        click.echo(f"  {_highlight(hit.snippet)}")
    if not hits:
        click.echo("no matches", err=True)


@cli.command()
@click.option("--source", help="Only this source's changes.")
@click.option("--since", metavar="TIME", help="Only changes found at or after TIME.")
@click.option("--silent", is_flag=True, help="Only edits the page did not announce.")
@click.option("--substantive", is_flag=True, help="Only changes of meaning, not typo fixes.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@json_option
@click.pass_obj
@one_line_errors
def changes(
    state: State,
    source: str | None,
    since: str | None,
    silent: bool,
    substantive: bool,
    limit: int,
    as_json: bool,
) -> None:
    """List the changes across the archive, newest first: each new version of an article
    with the fields it changed, why it exists and a one-line gist of the change.

    \b
    Example:
        archiver changes --source ledger --since 2026-12-01
        archiver changes --silent --substantive --json
    """
    first, _ = _moments(since, None)
    with state.archive() as archive:
        found = archive.changes(
            source=source, since=first, silent=silent, substantive=substantive, limit=limit
        )
    if as_json:
        emit_json([change.as_json() for change in found])
        return
    for change in found:
        click.echo(
            f"{change.first_seen_at:%Y-%m-%d %H:%M}  {change.source or '-'}  "
            f"v{change.number} ({change.why}; {', '.join(change.changed)})  {change.title or ''}"
        )
        click.echo(f"  {change.url}")
        click.echo(f"  {change.gist_text}")
    if not found:
        click.echo("no changes", err=True)


@cli.command()
@click.option("--format", "output", type=click.Choice(FORMATS), required=True)
@click.option(
    "-o", "--output", "target", required=True, metavar="FILE", help="A file, or - for stdout."
)
@with_range_options
@click.pass_obj
@one_line_errors
def export(
    state: State,
    output: str,
    target: str,
    source: str | None,
    since: str | None,
    until: str | None,
    all_versions: bool,
) -> None:
    """Write the archive's versions to FILE as JSON lines, CSV or WARC, streaming.

    JSONL: one version per line, every field. CSV: one row per version, text included.
    WARC 1.1: a response record rebuilt from the raw HTML of each version (dated when it was
    fetched) and a metadata record with its fields. Each article's latest version unless
    --all-versions.

    \b
    Example:
        archiver export --format jsonl -o archive.jsonl
        archiver export --format warc --all-versions --source ledger -o ledger.warc.gz
        archiver export --format csv --since 2026-11-01 -o - | head
    """
    first, last = _moments(since, until)
    kind = next(f for f in FORMATS if f == output)  # as a Format (click checked the choice)
    with ExitStack() as stack:
        archive = stack.enter_context(state.archive())
        # Before the output is opened: a mistyped source must not empty last week's file.
        archive.require_source(source)
        stream: IO[Any]
        if target == "-":
            stream = sys.stdout.buffer if kind == "warc" else sys.stdout
        elif kind == "warc":
            stream = stack.enter_context(open_for_writing(target, "wb", "the export"))
        else:
            # newline="": the csv module writes RFC 4180 line ends itself.
            options = {"encoding": "utf-8", "newline": ""}
            stream = stack.enter_context(open_for_writing(target, "w", "the export", **options))
        count = archive.export(
            stream, kind, source=source, since=first, until=last, all_versions=all_versions
        )
    click.echo(f"exported {count} version(s) as {output}", err=True)


@cli.command()
@json_option
@click.pass_obj
@one_line_errors
def stats(state: State, as_json: bool) -> None:
    """Count what the archive holds.

    \b
    Example:
        archiver stats
        archiver --db postgresql://archiver@localhost/archive stats --json
    """
    with state.archive() as archive:
        counts = archive.stats()
    if as_json:
        emit_json(counts)
        return
    click.echo(f"archive: {location(state.database_url)}")
    for name, value in counts.items():
        click.echo(f"  {name:<9} {value}")
