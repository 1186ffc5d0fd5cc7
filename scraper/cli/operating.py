"""Commands for running the archive unattended: daemon, sources, runs, schedule."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

import click
from sqlalchemy.orm import Session

from schedules.plan import SourcePlan, needs_catch_up, upcoming
from schedules.triggers import parse_schedule
from scraper.cli.base import (
    State,
    cli,
    counted,
    emit_json,
    json_option,
    one_line_errors,
    open_for_writing,
    when,
)
from scraper.cli.crawling import log_format_option
from scraper.config import ConfigError
from scraper.logformat import FORMAT_ENV, log_handler, url_secrets
from storage import queries, runs
from storage.models import utcnow
from storage.revisit import parse_duration
from storage.runs import DEFAULT_HEARTBEAT, RunView
from storage.writable import check_writable


def _duration(value: str, option: str) -> timedelta:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.ClickException(f"{option}: {exc}") from exc


def _plans(state: State) -> list[SourcePlan]:
    return [
        SourcePlan(
            s.name, s.schedule, float(s.settings.get("ARCHIVE_HEARTBEAT", DEFAULT_HEARTBEAT))
        )
        for s in state.config.sources.values()
    ]


@cli.command()
@click.option("--log-file", type=click.Path(dir_okay=False), help="Log here instead of stderr.")
@click.option("--run-limit", default="1h", show_default=True, help="Hard time limit of a run.")
@click.option(
    "--grace", default="30s", show_default=True, help="Between SIGINT and SIGKILL of a run."
)
@click.option(
    "--revisit-every", default="5m", show_default=True, help="How often to look for due articles."
)
@click.option(
    "--misfire-grace",
    default="5m",
    show_default=True,
    help="How late a scheduled run may still start.",
)
@click.option(
    "--standby-poll",
    default="5s",
    show_default=True,
    help="How often a standby daemon checks whether it can take over, and a source busy "
    "with a crawl started elsewhere whether it is free.",
)
@log_format_option
@click.pass_obj
@one_line_errors
def daemon(
    state: State,
    log_file: str | None,
    run_limit: str,
    grace: str,
    revisit_every: str,
    misfire_grace: str,
    standby_poll: str,
    log_format: str,
) -> None:
    """Run every source on its schedule and re-check due articles, until stopped.

    Runs in the foreground and logs to stderr (or --log-file), its runs' lines too, each
    line saying which source and run it is about (--log-format json: one JSON object a
    line). Each run is a child process (`archiver crawl` or `archiver revisit`) with a hard
    time limit. SIGTERM or SIGINT stops scheduling, asks running crawls to stop, waits out
    --grace and exits 0 with every run's end recorded. A second daemon on the same archive
    waits as a standby and takes over when the first one stops or dies.

    \b
    Example:
        archiver daemon
        archiver --config /etc/archiver.toml daemon --log-file /var/log/archiver.log
    """
    # Here, not at the top: every other command would pay for importing the scheduler.
    from schedules.daemon import Daemon, DaemonSettings  # noqa: PLC0415
    from schedules.local import LocalRunner  # noqa: PLC0415

    config = state.config
    if not config.sources:
        raise ConfigError(f"no sources configured ({config.path or 'no sources file found'})")
    url = state.database_url
    check_writable(url)  # fail now, with one line, if the archive cannot be written
    with state.archive(write=True):
        pass  # or opened
    stream: IO[str] = (
        open_for_writing(log_file, "a", "the log file", buffering=1) if log_file else sys.stderr
    )
    handler = log_handler(stream, log_format, secrets=url_secrets(url))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    command = [sys.executable, "-m", "scraper.cli"]
    if config.path is not None:
        command += ["--config", str(Path(config.path).resolve())]
    runner = LocalRunner(
        command,
        # The database URL goes to the runs in their environment, not on a visible command line.
        # The runs log in the daemon's format (their --log-format reads FORMAT_ENV).
        env={**os.environ, "ARCHIVER_DATABASE_URL": url, FORMAT_ENV: log_format},
        stderr=stream if log_file else None,
    )
    settings = DaemonSettings(
        database_url=url,
        sources=tuple(_plans(state)),
        run_limit=_duration(run_limit, "--run-limit"),
        grace=_duration(grace, "--grace"),
        revisit_every=_duration(revisit_every, "--revisit-every"),
        misfire_grace=_duration(misfire_grace, "--misfire-grace"),
        standby_poll=_duration(standby_poll, "--standby-poll"),
        busy_poll=_duration(standby_poll, "--standby-poll"),
        targets=config.notify,
        health=config.health,
    )
    code = asyncio.run(Daemon(settings, runner).run())
    sys.exit(code)


def _run_line(run: RunView) -> str:
    return (
        f"run {run.id:<5} {run.kind:<8} {when(run.started_at)}  "
        f"{run.finish_reason or run.state():<15} {counted(run.stats)}"
    )


@dataclass(frozen=True)
class SourceState:
    plan: SourcePlan
    last_run: RunView | None
    next_run: datetime | None
    articles: int
    due: int

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.plan.name,
            "schedule": self.plan.schedule,
            "last_run": self.last_run.as_json() if self.last_run else None,
            "next_run": self.next_run.isoformat() if self.next_run else None,
            "articles": self.articles,
            "due": self.due,
        }


def _next_run(session: Session, plan: SourcePlan, now: datetime) -> datetime | None:
    """When the daemon would next crawl the source: now if it missed a slot."""
    if plan.schedule is None:
        return None
    if needs_catch_up(plan.schedule, runs.last_complete_discovery(session, plan.name), now):
        return now
    fire: datetime | None = parse_schedule(plan.schedule, now=now).get_next_fire_time(None, now)
    return fire


@cli.command()
@json_option
@click.pass_obj
@one_line_errors
def sources(state: State, as_json: bool) -> None:
    """List the configured sources: schedule, last run, next run, articles, due re-checks.

    \b
    Example:
        archiver sources
        archiver sources --json
    """
    now = utcnow()
    with state.archive() as archive, archive.session() as session:
        rows = [
            SourceState(
                plan=plan,
                last_run=runs.last_tried(session, plan.name),
                next_run=_next_run(session, plan, now),
                articles=queries.article_count(session, plan.name),
                due=queries.due_count(session, plan.name, now),
            )
            for plan in _plans(state)
        ]
    if as_json:
        emit_json([row.as_json() for row in rows])
        return
    for row in rows:
        click.echo(f"{row.plan.name}  (schedule: {row.plan.schedule or 'none'})")
        click.echo(f"  {row.articles} articles, {row.due} due for a re-check now")
        click.echo(f"  next run: {when(row.next_run) if row.next_run else 'only when asked'}")
        click.echo(f"  last: {_run_line(row.last_run) if row.last_run else 'never run'}")


@cli.command("runs")
@click.option("--source", help="Only this source's runs.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@json_option
@click.pass_obj
@one_line_errors
def runs_command(state: State, source: str | None, limit: int, as_json: bool) -> None:
    """List crawl runs, newest first, with what each one counted.

    A run still open whose crawl stopped saving its progress (killed, crashed, its machine
    gone) shows as ``stale``; the daemon, or the source's next run, closes it as interrupted.

    \b
    Example:
        archiver runs
        archiver runs --source ledger --limit 5 --json
    """
    if source is not None:
        state.config.source(source)
    with state.archive() as archive, archive.session() as session:
        found = runs.runs(session, source=source, limit=limit)
    if as_json:
        emit_json([run.as_json() for run in found])
        return
    for run in found:
        click.echo(f"{run.source or 'ad hoc':<16} {_run_line(run)}")


@cli.command()
@click.option("--hours", type=click.IntRange(min=1), default=24, show_default=True)
@json_option
@click.pass_obj
@one_line_errors
def schedule(state: State, hours: int, as_json: bool) -> None:
    """Show what the daemon would do in the next hours: crawls, and re-checks falling due.

    \b
    Example:
        archiver schedule
        archiver schedule --hours 6 --json
    """
    now = utcnow()
    horizon = timedelta(hours=hours)
    plans = _plans(state)
    with state.archive() as archive, archive.session() as session:
        catch_up = [(now, p.name) for p in plans if _next_run(session, p, now) == now]
        revisits = [
            {
                "source": plan.name,
                "due_now": queries.due_count(session, plan.name, now),
                "due_within": queries.due_count(session, plan.name, now + horizon),
            }
            for plan in plans
        ]
    crawls = sorted(catch_up + upcoming(plans, now, horizon))
    if as_json:
        emit_json(
            {
                "from": now.isoformat(),
                "until": (now + horizon).isoformat(),
                "crawls": [{"at": at.isoformat(), "source": name} for at, name in crawls],
                "revisits": revisits,
            }
        )
        return
    click.echo(f"crawls in the next {hours} h:")
    for at, name in crawls:
        click.echo(f"  {when(at)}  {name}{' (catch-up)' if at == now else ''}")
    click.echo("re-checks:")
    for row in revisits:
        click.echo(
            f"  {row['source']}: {row['due_now']} due now, {row['due_within']} within {hours} h"
        )
