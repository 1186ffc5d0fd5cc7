"""Commands that run crawls now: crawl, fetch, revisit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

import click

from schedules.notify import register as register_targets
from scraper import settings as project_settings
from scraper.cli.base import (
    State,
    cli,
    counted,
    emit_json,
    json_option,
    one_line_errors,
    open_for_writing,
)
from scraper.config import ConfigError
from scraper.logformat import FORMAT_ENV, FORMATS, RunTag
from storage import ArchiveError
from storage.outcomes import summarize
from storage.runs import CRASHED, RunView
from storage.writable import check_writable

P = ParamSpec("P")
T = TypeVar("T")


def _parse_settings(values: Sequence[str], outcomes: str | None = None) -> dict[str, str]:
    settings: dict[str, str] = {}
    if outcomes:
        # Opened now, so that a path that cannot be written stops the command in one line
        # before anything is crawled (the ledger appends to it).
        open_for_writing(outcomes, "a", "the outcomes file", encoding="utf-8").close()
        settings["ARCHIVE_OUTCOME_LOG"] = outcomes
    for value in values:
        name, sep, setting = value.partition("=")
        name = name.strip()
        if not sep or not name:
            raise click.ClickException(f"-s {value!r}: use NAME=VALUE")
        _check_setting(name, setting)
        settings[name] = setting
    return settings


# How Scrapy reads a setting whose default is of this type.
_READERS = {
    bool: ("getbool", "true or false"),
    int: ("getint", "a whole number"),
    float: ("getfloat", "a number"),
}


def _check_setting(name: str, value: str) -> None:
    """Refuse, in one line, a value the setting's reader would fail on mid-crawl."""
    from scrapy.settings import Settings, default_settings  # noqa: PLC0415  (imports Scrapy: slow)

    default = getattr(project_settings, name, getattr(default_settings, name, None))
    reader = _READERS.get(type(default))
    if reader is None:  # a string, a list, a dict, or a setting whose default lives elsewhere
        return
    method, kind = reader
    try:
        getattr(Settings({name: value}), method)(name)
    except ValueError as exc:
        raise click.ClickException(f"-s {name}={value!r}: {name} takes {kind}") from exc


def _crawl_and_report(
    state: State,
    jobs: list[dict[str, Any]],
    settings: Sequence[str],
    outcomes: str | None,
    *,
    verbose: bool,
    as_json: bool,
    log_format: str,
    run_id: int | None = None,
) -> None:
    """Make each crawl's run, run the crawls, then print what they recorded in crawl_runs.

    *settings* are the ``-s NAME=VALUE`` overrides. With *run_id* (one job only) the run was
    made by whoever started this command, the daemon: the crawl records into it. Every log
    line says which source and run it belongs to (scraper.logformat), in *log_format*.
    """
    if run_id is not None and len(jobs) != 1:
        raise click.UsageError("--run-id is for a crawl of one source")
    settings_overrides = _parse_settings(settings, outcomes)
    from scraper.crawl import (  # noqa: PLC0415  (imports Scrapy: slow)
        Job,
        crawl_settings,
        heartbeat,
        install_logging,
        run_crawls,
        source_settings,
    )

    url = state.database_url
    overrides: dict[str, Any] = {"LOG_LEVEL": "INFO", "LOGSTATS_INTERVAL": 15.0}
    if not verbose:
        overrides["STATS_DUMP"] = False
    crawl = crawl_settings(state.config, url, {**overrides, **settings_overrides})
    # From here on, before the archive is opened (its migrations may log), so that every
    # line is the run's: of a single source, its name at once, and the run's id once made.
    single = jobs[0].get("source") if len(jobs) == 1 else None
    log = install_logging(crawl, log_format, RunTag(single, run_id))
    # An archive that cannot be written, or opened, or migrated fails now, with one line,
    # before any run is made or any crawl, lock or worker started.
    check_writable(url)
    with state.archive(write=True) as archive:
        with archive.session() as session:  # what this crawl announces goes to them
            register_targets(session, state.config.notify)
        if run_id is not None:
            run_ids = [run_id]
        else:
            run_ids = []
            for job in jobs:
                source = state.config.source(job["source"]) if job.get("source") else None
                beat = heartbeat(source_settings(crawl, source))
                run_ids.append(archive.start_run(job.get("source"), job["kind"], heartbeat=beat))
    if len(jobs) == 1:
        log.default = RunTag(single, run_ids[0])
    results = run_crawls(
        crawl,
        [Job(run_id, job) for run_id, job in zip(run_ids, jobs, strict=True)],
        quiet=not verbose,
        log=log,
    )
    for result in results:
        if result.storage_error is not None:
            raise ArchiveError(
                f"run {result.run_id} stopped, the archive database failed: "
                f"{result.storage_error} (nothing stored is lost; what was not stored is "
                "fetched again next run)"
            )
    with state.archive(write=True) as archive:
        runs = [archive.crawl_run(r.run_id) for r in results]
        # A crawl that never got going (its spider could not start) left its run unclaimed.
        failed = [run for run in runs if run.finished_at is None and not run.claimed]
        for run in failed:
            archive.close_run(run.id, CRASHED)
    if failed:
        raise ArchiveError("a crawl could not start: see the messages above")
    summary = _summary(runs)
    if as_json:
        emit_json(summary)
    else:
        _print_summary(summary)


# Counts of the runs' stats that the summary adds up (besides pages and outcomes).
SUMMED = ("requests", "dates_dropped", "metadata_skipped")
# What articles were archived without, as the printed summary names it (pipelines.extract).
LEFT_OUT = {"dates_dropped": "impossible dates", "metadata_skipped": "unreadable metadata"}


def _summary(runs: Sequence[RunView]) -> dict[str, Any]:
    outcomes: Counter[str] = Counter()
    pages = 0
    totals = dict.fromkeys(SUMMED, 0)
    for run in runs:
        outcomes.update(run.stats.get("outcomes", {}))
        pages += int(run.stats.get("pages", 0))
        for name in SUMMED:
            totals[name] += int(run.stats.get(name, 0))
    return {
        **summarize(outcomes, pages),
        **totals,
        "runs": [run.as_json() for run in runs],
    }


def _print_summary(summary: Mapping[str, Any]) -> None:
    for run in summary["runs"]:
        stats = run["stats"]
        failed = stats.get("failed", {})
        rejected = stats.get("rejected", {})
        click.echo(
            f"{run['source'] or 'ad hoc'} (run {run['id']}, {run['finish_reason']}): "
            f"{counted(stats)}; {stats.get('pages', 0)} pages in {stats.get('elapsed', 0):.1f} s"
        )
        for label, reasons in (("failed", failed), ("rejected", rejected)):
            if reasons:
                details = ", ".join(f"{reason} {n}" for reason, n in reasons.items())
                click.echo(f"  {label}: {details}")
        left_out = [f"{what} {stats[key]}" for key, what in LEFT_OUT.items() if stats.get(key)]
        if left_out:
            click.echo(f"  archived without: {', '.join(left_out)}")


# Shared with the daemon (scraper.cli.operating), which hands its choice to its runs in
# FORMAT_ENV.
log_format_option = click.option(
    "--log-format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    envvar=FORMAT_ENV,
    help="Log lines as text, or as one JSON object each (for log collectors); each says "
    f"its source and run. [env: {FORMAT_ENV}]",
)

crawl_options = [
    click.option(
        "-s",
        "--set",
        "settings",
        multiple=True,
        metavar="NAME=VALUE",
        help="Override a Scrapy setting for this run (repeatable).",
    ),
    click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's own log messages."),
    click.option(
        "--outcomes",
        metavar="FILE",
        help="Append each URL's outcome to FILE, one JSON line each (url, outcome).",
    ),
    json_option,
    log_format_option,
]


def with_crawl_options(fn: Callable[P, T]) -> Callable[P, T]:
    for option in reversed(crawl_options):
        fn = option(fn)
    return fn


# The daemon makes each run before it starts the crawl, and hands over its id.
run_id_option = click.option(
    "--run-id", type=click.IntRange(min=1), hidden=True, help="Record into this run."
)


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--all", "all_sources", is_flag=True, help="Crawl every configured source.")
@with_crawl_options
@run_id_option
@click.pass_obj
@one_line_errors
def crawl(
    state: State,
    sources: tuple[str, ...],
    all_sources: bool,
    settings: tuple[str, ...],
    verbose: bool,
    outcomes: str | None,
    as_json: bool,
    log_format: str,
    run_id: int | None,
) -> None:
    """Discover and archive the articles of SOURCES now (feeds, sitemaps, start pages).

    Exits 0 when the crawl ran, even if some pages failed: failures are counted in the summary.

    \b
    Example:
        archiver crawl ledger
        archiver crawl --all --json
        archiver crawl ledger -s DOWNLOAD_DELAY=0.25
    """
    names = _source_names(state, sources, all_sources)
    jobs = [{"source": name, "kind": "discover"} for name in names]
    _crawl_and_report(
        state,
        jobs,
        settings,
        outcomes,
        verbose=verbose,
        as_json=as_json,
        log_format=log_format,
        run_id=run_id,
    )


def _source_names(state: State, sources: tuple[str, ...], all_sources: bool) -> list[str]:
    """The sources a command names, or every configured one with --all; unknown ones fail."""
    config = state.config
    if all_sources == bool(sources):
        raise click.UsageError("name one or more SOURCES, or use --all")
    names = sorted(config.sources) if all_sources else list(dict.fromkeys(sources))
    if not names:
        raise ConfigError(f"no sources configured ({config.path or 'no sources file found'})")
    for name in names:
        config.source(name)  # unknown names fail here, before anything runs
    return names


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--all", "all_sources", is_flag=True, help="Re-check every configured source.")
@click.option(
    "--due-only/--everything",
    default=True,
    help="Only the articles due for a check (default), or every live one.",
)
@with_crawl_options
@run_id_option
@click.pass_obj
@one_line_errors
def revisit(
    state: State,
    sources: tuple[str, ...],
    all_sources: bool,
    due_only: bool,
    settings: tuple[str, ...],
    verbose: bool,
    outcomes: str | None,
    as_json: bool,
    log_format: str,
    run_id: int | None,
) -> None:
    """Re-check the archived articles of SOURCES now, to catch silent edits.

    Each article is fetched with the validators of its last fetch (a 304 is recorded as
    not_modified), compared byte for byte before any extraction, and marked gone (404, 410) or
    redirected when it moved. The daemon runs this for due articles on its own.

    \b
    Example:
        archiver revisit ledger
        archiver revisit --all --everything --json
    """
    names = _source_names(state, sources, all_sources)
    jobs = [{"source": name, "kind": "revisit", "everything": not due_only} for name in names]
    _crawl_and_report(
        state,
        jobs,
        settings,
        outcomes,
        verbose=verbose,
        as_json=as_json,
        log_format=log_format,
        run_id=run_id,
    )


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--source", help="Count these articles as belonging to this configured source.")
@with_crawl_options
@click.pass_obj
@one_line_errors
def fetch(
    state: State,
    urls: tuple[str, ...],
    source: str | None,
    settings: tuple[str, ...],
    verbose: bool,
    outcomes: str | None,
    as_json: bool,
    log_format: str,
) -> None:
    """Archive the pages at URLS now, whatever they look like.

    \b
    Example:
        archiver fetch https://example.org/2026/11/02/story/
        archiver fetch --json URL1 URL2
    """
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise click.ClickException(f"not an absolute http(s) URL: {url!r}")
    job: dict[str, Any] = {"urls": list(urls), "kind": "adhoc"}
    if source:
        state.config.source(source)
        job["source"] = source
    _crawl_and_report(
        state, [job], settings, outcomes, verbose=verbose, as_json=as_json, log_format=log_format
    )
