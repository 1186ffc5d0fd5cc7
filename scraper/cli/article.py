"""Commands about one article: its versions, one version, its timeline, a diff of two."""

from __future__ import annotations

import sys

import click

from scraper.cli.base import State, cli, emit_json, json_option, one_line_errors, parse_moment, when
from storage.diff import render_text
from storage.history import LABELS
from storage.queries import VersionView


@cli.command()
@click.argument("url")
@json_option
@click.pass_obj
@one_line_errors
def versions(state: State, url: str, as_json: bool) -> None:
    """List the versions of the article at URL (any of its URLs), oldest first.

    \b
    Example:
        archiver versions https://example.org/2026/11/02/story/
        archiver versions --json 'https://example.org/2026/11/02/story/?utm_source=rss'
    """
    with state.archive() as archive:
        rows = archive.versions(url)
    if as_json:
        emit_json(
            [
                {
                    "version": v.number,
                    "first_seen_at": v.first_seen_at.isoformat(),
                    "content_hash": v.content_hash,
                    "title": v.title,
                    "changed": list(v.changed),
                    **{name: getattr(v, name) for name in LABELS},
                    "extractor": v.extractor,
                    "duplicate_of": v.duplicate_of,
                }
                for v in rows
            ]
        )
        return
    click.echo(rows[0].url)
    if rows[0].duplicate_of:
        click.echo(f"  the same story as {rows[0].duplicate_of}")
    for v in rows:
        changed = ", ".join(v.changed) if v.changed else "-"
        click.echo(
            f"  v{v.number:<3} {when(v.first_seen_at)}  {v.why:<26} {changed:<18} {v.title or ''}"
        )


@cli.command()
@click.argument("url")
@click.option("--at", "at", metavar="TIME", help="The version current at this ISO 8601 time.")
@click.option("--version", "number", type=click.IntRange(min=1), help="Version number N.")
@json_option
@click.pass_obj
@one_line_errors
def show(state: State, url: str, at: str | None, number: int | None, as_json: bool) -> None:
    """Show one version of the article at URL: the latest, number N, or the one current at TIME.

    \b
    Example:
        archiver show https://example.org/2026/11/02/story/
        archiver show URL --at 2026-11-20T14:30:00Z
        archiver show URL --version 2 --json
    """
    if at is not None and number is not None:
        raise click.UsageError("give --at or --version, not both")
    moment = parse_moment(at) if at is not None else None
    with state.archive() as archive:
        view = archive.show(url, at=moment, version=number)
    if as_json:
        emit_json(view.as_json())
        return
    _print_version(view)


def _print_version(view: VersionView) -> None:
    click.echo(f"{view.title or '(no title)'}")
    click.echo(f"{view.url}")
    byline = [
        f"version {view.number} of {view.versions} ({view.why})",
        f"seen {when(view.first_seen_at)}",
    ]
    if view.author:
        byline.insert(0, f"by {view.author}")
    if view.published_at:
        byline.append(f"published {view.published_at.date().isoformat()}")
    click.echo(" · ".join(byline))
    if view.duplicate_of:
        click.echo(f"the same story as {view.duplicate_of}")
    click.echo("")
    click.echo(view.text)


@cli.command()
@click.argument("url")
@json_option
@click.pass_obj
@one_line_errors
def timeline(state: State, url: str, as_json: bool) -> None:
    """Show every check of the article at URL and what it found, and its state now.

    \b
    Example:
        archiver timeline https://example.org/2026/11/02/story/
        archiver timeline URL --json
    """
    with state.archive() as archive:
        history = archive.timeline(url)
    if as_json:
        emit_json(history.as_json())
        return
    moved = f" to {history.redirect_to}" if history.redirect_to else ""
    click.echo(f"{history.url}: {history.state}{moved}, {history.versions} version(s)")
    for entry in history.entries:
        version = f"v{entry.version}" if entry.version else ""
        status = entry.http_status if entry.http_status is not None else "-"
        click.echo(f"  {when(entry.at)}  {status!s:>4}  {entry.outcome:<14} {version}")
    if history.next_check_at:
        click.echo(f"  next check: {when(history.next_check_at)}")


@cli.command()
@click.argument("url")
@click.option(
    "--from", "old", type=click.IntRange(min=1), help="Version N (default: one before --to)."
)
@click.option("--to", "new", type=click.IntRange(min=1), help="Version M (default: the latest).")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
)
@json_option
@click.pass_obj
@one_line_errors
def diff(
    state: State, url: str, old: int | None, new: int | None, output: str, as_json: bool
) -> None:
    """Show what changed between two versions of the article at URL, word by word.

    Colored in a terminal, marked [-deleted-]{+inserted+} when piped; --format html writes
    the viewer's diff page as one standalone file: both versions side by side, paragraph
    beside paragraph.

    \b
    Example:
        archiver diff https://example.org/2026/11/02/story/
        archiver diff URL --from 1 --to 3 --format html > changes.html
    """
    with state.archive() as archive:
        changes = archive.diff(url, old=old, new=new)
    if as_json or output == "json":
        emit_json(changes.as_json())
    elif output == "html":
        from web.diffview import standalone  # noqa: PLC0415  (the viewer's, only for html)

        click.echo(standalone(changes), nl=False)
    else:
        click.echo(render_text(changes, color=sys.stdout.isatty()))
