"""`archiver serve` as people start it: a real process on loopback, refusing to listen
elsewhere without a credential, answering from a read-only archive."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.crawling import PROJECT, archiver, child_env
from tests.daemons import wait_for

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_serve_answers_on_loopback_from_a_read_only_archive(
    archived: Path, db_url: str, tmp_path: Path
) -> None:
    port = free_port()
    command = [sys.executable, "-m", "scraper.cli", "--config", str(archived), "--db", db_url]
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--base-path", "/archive"],
        cwd=PROJECT,
        env=child_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}/archive"

        def up() -> bool:
            try:
                return get(f"{base}/sources")[0] == 200
            except OSError:
                return False

        wait_for("the viewer", up, timeout=30)
        _, body = get(f"{base}/sources")
        assert "riverside" in body
        assert get(f"{base}/article?url=https://nowhere.example/")[0] == 404
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    said = (tmp_path / "serve.log").read_text()
    assert f"serving http://127.0.0.1:{port}/archive/ read-only" in said
    assert "Traceback" not in said


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (["--host", "0.0.0.0"], "--host 0.0.0.0 is reachable from other machines"),
        (["--auth", "nocolon"], "--auth must be USER:PASSWORD"),
    ],
    ids=["open-without-auth", "bad-auth"],
)
def test_serve_refuses_in_one_line(
    archived: Path, db_url: str, options: list[str], error: str
) -> None:
    result = archiver("serve", *options, config=archived, db=db_url)
    assert result.code == 1
    assert error in result.stderr
    assert "Traceback" not in result.stderr
