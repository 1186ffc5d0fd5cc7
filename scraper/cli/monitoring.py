"""Commands that say how the archive is doing and tell people: status, notify."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from schedules import notify as sending
from scraper.cli.base import State, cli, emit_json, json_option, one_line_errors, when
from storage import health, notices
from storage import status as status_of
from storage.engine import location
from storage.models import utcnow


def _ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


@cli.command()
@click.option("--check", is_flag=True, help="Exit 1 when a source is failing or degraded.")
@json_option
@click.pass_obj
@one_line_errors
def status(state: State, check: bool, as_json: bool) -> None:
    """Say whether everything is all right: the daemon, and each source's health.

    A source is `failing` when its last discovery runs fetched nothing usable, `degraded`
    when its last run read its pages much worse than its own usual (pages extracted empty,
    shorter bodies, no author or date, fewer articles found), `new` before its first good
    run, `ok` otherwise. Thresholds: [health] in the sources file (see the README).

    \b
    Example:
        archiver status
        archiver status --json
        archiver status --check || echo "archiver needs a look"
    """
    now = utcnow()
    names = list(state.config.sources)
    with state.archive() as archive, archive.session() as session:
        found = status_of.status(session, names, state.config.health, now)
    if as_json:
        emit_json({"database": location(state.database_url), **found.as_json()})
    else:
        daemon = found.daemon
        where = f" (pid {daemon.pid} on {daemon.host})" if daemon.pid else ""
        click.echo(f"archive: {location(state.database_url)}")
        click.echo(
            f"daemon: {daemon.state}{where}, last heartbeat {_ago(daemon.heartbeat_at, now)}"
        )
        for source in found.sources:
            click.echo(_source_line(source, now))
            for problem in source.health.problems:
                click.echo(f"    {problem}")
    if check and not found.ok:
        sys.exit(1)


def _source_line(source: status_of.SourceStatus, now: datetime) -> str:
    last = source.last_run
    ran = (
        f"last run {last.id} ({last.kind}) {last.finish_reason or 'running'}, "
        f"{_ago(last.finished_at or last.started_at, now)}"
        if last
        else "never run"
    )
    parts = [f"{source.name}: {source.health.health}", ran]
    if source.health.consecutive_failures:
        parts.append(f"{source.health.consecutive_failures} failed in a row")
    if source.running:
        parts.append("running now")
    parts.append(f"{source.due} due")
    if source.next_run_at is not None:
        parts.append(f"next {when(source.next_run_at)}")
    return ", ".join(parts)


@cli.command()
@click.option("--flush", is_flag=True, help="Send every notice waiting, then exit.")
@click.option("--test", "test", is_flag=True, help="Send a test notice to every target.")
@json_option
@click.pass_obj
@one_line_errors
def notify(state: State, flush: bool, test: bool, as_json: bool) -> None:
    """Send notices, test the targets, or show what waits to be sent ([[notify]]).

    The daemon sends notices by itself; without it (cron), `--flush` after each crawl
    judges every source's health and sends what waits. Targets are named by kind and host
    only: their addresses may hold secrets.

    \b
    Example:
        archiver notify              # what waits, per target
        archiver notify --test
        archiver crawl --all && archiver notify --flush
    """
    targets = state.config.notify
    if not targets:
        where = state.config.path or "no sources file found"
        raise click.ClickException(f"no [[notify]] targets configured ({where})")
    if test:
        _test(targets, as_json)
        return
    with state.archive(write=flush) as archive:
        if flush:
            with archive.session() as session:
                sending.register(session, targets)
                for name in state.config.sources:
                    health.refresh(session, name, state.config.health)
            report = sending.flush(archive.session, targets)
            result = {"sent": report.sent, "failed": report.failed, "waiting": report.waiting}
            if as_json:
                emit_json(result)
            else:
                click.echo(f"sent {report.sent}, failed {report.failed}, {report.waiting} waiting")
            if report.failed:
                sys.exit(1)
            return
        with archive.session() as session:
            waiting = {
                target.label: notices.backlog(
                    session, target.digest, events=target.events, sources=target.sources
                )
                for target in targets
            }
    if as_json:
        emit_json([{"target": label, "waiting": n} for label, n in waiting.items()])
        return
    for label, n in waiting.items():
        click.echo(f"{label}: {n} waiting")


def _test(targets: tuple[sending.Target, ...], as_json: bool) -> None:
    results = []
    for target in targets:
        body = {
            "id": 0,
            "event": "test",
            "source": None,
            "at": utcnow().isoformat(),
            "url": None,
            "version": None,
            "changed": [],
            "summary": f"archiver test notice: this target receives {', '.join(target.events)}",
            "diff": "",
            "health": None,
            "problems": [],
        }
        try:
            sending.send(target, body)
            results.append({"target": target.label, "sent": True, "error": None})
        except sending.NotifyError as exc:
            results.append({"target": target.label, "sent": False, "error": str(exc)})
    if as_json:
        emit_json(results)
    else:
        for result in results:
            click.echo(f"{result['target']}: {'sent' if result['sent'] else result['error']}")
    if not all(result["sent"] for result in results):
        sys.exit(1)
