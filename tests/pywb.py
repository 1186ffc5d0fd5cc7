"""A real pywb on 127.0.0.1: a collection made of WARC files, replayed by the ``wayback``
server, which also answers Wayback CDX queries (``/<collection>/cdx``).

pywb lives in its own virtual environment (``make pywb`` makes ./.pywb): its pins would
fight the archive's own. A missing pywb fails the tests with that advice; they never skip.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PYWB_BIN = Path(__file__).resolve().parent.parent / ".pywb" / "bin"
COLLECTION = "news"
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Pywb:
    base_url: str  # http://127.0.0.1:PORT

    @property
    def collection_url(self) -> str:
        return f"{self.base_url}/{COLLECTION}"

    @property
    def cdx_url(self) -> str:
        return f"{self.collection_url}/cdx"


def _tool(name: str) -> str:
    path = PYWB_BIN / name
    if not path.is_file():
        pytest.fail(f"the replay tests need pywb at {path}: `make pywb` installs it")
    return str(path)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(root: Path, warcs: list[Path]) -> Iterator[Pywb]:
    """pywb serving *warcs* as one collection from *root*, until the block ends."""
    manager = _tool("wb-manager")
    subprocess.run([manager, "init", COLLECTION], cwd=root, check=True, capture_output=True)
    subprocess.run(
        [manager, "add", COLLECTION, *map(str, warcs)], cwd=root, check=True, capture_output=True
    )
    port = _free_port()
    log = (root / "pywb.log").open("wb")
    server = subprocess.Popen(
        [_tool("wayback"), "-b", "127.0.0.1", "-p", str(port), "-t", "2", "-d", str(root)],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    pywb = Pywb(f"http://127.0.0.1:{port}")
    try:
        _wait_until_up(pywb, server, root)
        yield pywb
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_until_up(pywb: Pywb, server: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"pywb exited: {(root / 'pywb.log').read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(pywb.base_url + "/", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)  # pywb says nothing when it listens: ask again, within the deadline
    pytest.fail(f"pywb did not answer within {START_TIMEOUT:g} s")
