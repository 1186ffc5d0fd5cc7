"""Commands that add to an article's history from what is already stored or captured
elsewhere: ``reextract`` reads stored pages again with this extractor."""

from __future__ import annotations

import sys

import click

from pipelines.options import Options
from pipelines.reextract import reextract as reextract_archive
from scraper.cli.base import State, cli, emit_json, json_option, one_line_errors, parse_moment
from storage import queries


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
