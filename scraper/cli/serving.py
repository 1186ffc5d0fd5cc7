"""``archiver serve``: the read-only web viewer (web/), served by uvicorn."""

from __future__ import annotations

import ipaddress
import logging

import click

from scraper.cli.base import State, cli, one_line_errors

AUTH_ENV = "ARCHIVER_SERVE_AUTH"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option(
    "--base-path",
    default="/",
    show_default=True,
    help="The path the viewer is mounted at behind a reverse proxy (e.g. /archive).",
)
@click.option(
    "--auth",
    metavar="USER:PASSWORD",
    envvar=AUTH_ENV,
    help=f"Ask for this HTTP Basic credential (needed off loopback). [env: {AUTH_ENV}]",
)
@click.pass_obj
@one_line_errors
def serve(state: State, host: str, port: int, base_path: str, auth: str | None) -> None:
    """Serve the archive read-only on the web: changes, search, diffs, snapshots, feeds.

    Binds to 127.0.0.1 unless told otherwise; another address needs --auth (HTTP Basic:
    put it behind a reverse proxy's TLS). The database is opened read-only.

    \b
    Example:
        archiver serve
        archiver --config /etc/archiver.toml serve --host 0.0.0.0 --auth "$(cat /etc/archiver.auth)"
    """
    import uvicorn  # noqa: PLC0415  (the server: only for this command)

    from web.app import Viewer, create_app  # noqa: PLC0415

    if auth is not None and (":" not in auth or not auth.partition(":")[0]):
        raise click.ClickException("--auth must be USER:PASSWORD")
    if not _loopback(host) and auth is None:
        raise click.ClickException(
            f"--host {host} is reachable from other machines: give a credential too "
            f"(--auth USER:PASSWORD or ${AUTH_ENV}), and serve it behind TLS"
        )
    archive = state.archive_read_only()
    view = Viewer(
        archive,
        sources=list(state.config.sources),
        rules=state.config.health,
        base_path=base_path,
        auth=auth,
    )
    where = f"http://{host}:{port}{view.base_path.rstrip('/')}/"
    guard = "HTTP Basic credential asked" if auth else "no credential: loopback only"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s: %(message)s")
    click.echo(f"serving {where} read-only ({guard}); Ctrl-C stops", err=True)
    try:
        uvicorn.run(create_app(view), host=host, port=port, log_level="info", access_log=False)
    finally:
        archive.close()
