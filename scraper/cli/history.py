"""Commands that add to an article's history from what is already stored or captured
elsewhere: ``reextract`` reads stored pages again with this extractor; ``import warc`` merges
earlier captures into the chains, ``import wayback`` those a Wayback server holds."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import IO

import click

from pipelines.captures import DamagedFile, Importer, ImportTally, import_warcs
from pipelines.options import Options
from pipelines.reextract import reextract as reextract_archive
from pipelines.wayback import DEFAULT_CDX, DELAY, Wayback, WaybackError, import_wayback
from scraper.cli.base import State, cli, emit_json, json_option, one_line_errors, parse_moment
from storage import queries, runs
from storage.errors import ArchiveError


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--all", "all_articles", is_flag=True, help="Every article, ad-hoc fetches too.")
@click.option("--since", metavar="TIME", help="Only latest versions first seen at or after TIME.")
@click.option("--dry-run", is_flag=True, help="Count what would change; record nothing.")
@json_option
@click.pass_obj
@one_line_errors
def reextract(
    state: State,
    sources: tuple[str, ...],
    all_articles: bool,
    since: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Read each article's latest stored page again with this extractor (after a trafilatura
    upgrade, or a change of a source's `extract` options), and record a version of cause
    "extractor" where it reads differently now, so that the next crawl does not take the
    new reading for an edit. Run twice, the second run records nothing.

    \b
    Example:
        archiver reextract ledger --dry-run
        archiver reextract --all --since 2026-01-01 --json
    """
    if all_articles == bool(sources):
        raise click.UsageError("name one or more SOURCES, or use --all")
    first = parse_moment(since, "--since") if since else None
    configured = state.config.sources

    def options_of(source: str | None) -> Options:
        found = configured.get(source) if source is not None else None
        return found.extract if found is not None else ()

    with state.archive(write=not dry_run) as archive:
        for name in sources:
            archive.require_source(name)
        names = list(dict.fromkeys(sources)) if sources else None
        with archive.session() as session:
            total = queries.count_latest_versions(session, sources=names, since=first)
        with click.progressbar(
            length=total,
            label="reading",
            file=sys.stderr,
            show_pos=True,
            hidden=not sys.stderr.isatty(),
        ) as bar:
            tally = reextract_archive(
                archive,
                options_of,
                sources=names,
                since=first,
                dry_run=dry_run,
                progress=bar.update,
            )
    if as_json:
        emit_json(tally.as_json())
        return
    reasons = ", ".join(f"{n} {why}" for why, n in sorted(tally.failed.items()))
    recorded = f"would record {tally.articles_changed}" if dry_run else f"{tally.versions_new}"
    click.echo(
        f"{tally.versions_read} versions read again ({tally.up_to_date} read by this extractor"
        f" already): {tally.articles_changed} read differently, {recorded} new versions,"
        f" {sum(tally.failed.values())} failed" + (f" ({reasons})" if reasons else "")
    )


@cli.group("import")
def import_group() -> None:
    """Merge earlier captures of articles (WARC files, the Wayback Machine) into the archive.

    \b
    Example:
        archiver import warc crawl-2024.warc.gz --source ledger
    """


@import_group.command("warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--source", help="File the imported articles under this configured source.")
@json_option
@click.pass_obj
@one_line_errors
def import_warc(state: State, files: tuple[str, ...], source: str | None, as_json: bool) -> None:
    """Merge the HTML captures in WARC or ARC FILES (gzipped or not) into their articles'
    chains, in time order, each dated by its WARC-Date: a capture that differs from the state
    before it becomes a version of cause "import", one that repeats it changes nothing.
    Revisit records count as the capture they repeat; redirects and other records are
    counted as skipped, with the reason. Importing a file twice changes nothing.

    \b
    Example:
        archiver import warc crawl-2024.warc.gz crawl-2025.arc.gz --source ledger
        archiver import warc export.warc.gz --json
    """
    options = state.config.source(source).extract if source else ()
    for path in files:  # before anything is merged: a typo must not half-import a list
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:
            raise ArchiveError(f"cannot read {path}: {exc.strerror}") from exc
    with state.archive(write=True) as archive:
        with archive.session() as session:
            source_id = runs.ensure_source(session, source) if source else None
        with (
            click.progressbar(
                length=0, label="captures", file=sys.stderr, hidden=not sys.stderr.isatty()
            ) as bar,
            Importer(
                archive, source_id=source_id, options=options, progress=bar.update
            ) as importer,
        ):
            try:
                tally = import_warcs(importer, _streams(files))
            except DamagedFile as exc:
                raise ArchiveError(str(exc)) from exc
    _report(tally, as_json)


def _counter(what: str) -> Callable[[int], None]:
    """Progress on a terminal, for work of unknown length: a count, updated in place."""
    done = 0

    def update(more: int) -> None:
        nonlocal done
        done += more
        if sys.stderr.isatty():
            click.echo(f"\r{done:,} {what}", nl=False, err=True)

    return update


def _streams(paths: tuple[str, ...]) -> Iterator[tuple[str, IO[bytes]]]:
    for path in paths:
        with open(path, "rb") as stream:
            yield path, stream


def _report(tally: ImportTally, as_json: bool) -> None:
    if as_json:
        emit_json(tally.as_json())
        return
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(tally.skipped.items()))
    click.echo(
        f"{tally.records} captures: {tally.articles_new} new articles, {tally.versions_new} new"
        f" versions, {tally.unchanged} unchanged, {sum(tally.skipped.values())} skipped"
        + (f" ({skipped})" if skipped else "")
    )
    if tally.renumbered:
        click.echo(
            f"{tally.renumbered} archived versions were numbered again: earlier captures now"
            " come before them (their ids, and so their links, are kept)"
        )


@import_group.command("wayback")
@click.argument("urls", nargs=-1)
@click.option("--source", help="Every archived article of this source (and file new ones here).")
@click.option(
    "--cdx",
    default=DEFAULT_CDX,
    show_default=True,
    metavar="URL",
    help="The CDX API of any Wayback server (pywb: http://host/COLLECTION/cdx).",
)
@click.option("--from", "since", metavar="TIME", help="Only captures at or after TIME.")
@click.option("--to", "until", metavar="TIME", help="Only captures at or before TIME.")
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=DELAY,
    show_default=True,
    help="Seconds between two requests to the archive.",
)
@json_option
@click.pass_obj
@one_line_errors
def wayback_command(
    state: State,
    urls: tuple[str, ...],
    source: str | None,
    cdx: str,
    since: str | None,
    until: str | None,
    delay: float,
    as_json: bool,
) -> None:
    """Merge an article's captures in a Wayback server into its chain: list them (CDX API),
    skip runs of the same payload, fetch each remaining capture raw (id_), one request at a
    time, DELAY seconds apart, as the archive's robots.txt allows. A capture already merged
    is not fetched again, so an import cut short resumes where it stopped.

    \b
    Example:
        archiver import wayback https://example.org/2024/05/01/story/ --from 2024-05-01
        archiver import wayback --source ledger --cdx http://127.0.0.1:8080/news/cdx --json
    """
    if not urls and not source:
        raise click.UsageError("name one or more URLs, or --source")
    first = parse_moment(since, "--from") if since else None
    last = parse_moment(until, "--to") if until else None
    options = state.config.source(source).extract if source else ()
    with state.archive(write=True) as archive:
        with archive.session() as session:
            targets = list(urls) or queries.source_urls(session, source or "")
            source_id = runs.ensure_source(session, source) if source else None
        try:
            wayback = Wayback(cdx, delay=delay)
            with Importer(
                archive, source_id=source_id, options=options, progress=_counter("captures read")
            ) as importer:
                import_wayback(importer, wayback, targets, since=first, until=last)
        except WaybackError as exc:
            raise ArchiveError(str(exc)) from exc
    _report(importer.tally, as_json)
