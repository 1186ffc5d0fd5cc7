"""Crawl commands in child processes that start with the command line already imported.

Every ``archiver crawl`` of a test is a child process (a crawl needs a fresh Twisted reactor),
and about a second and a half of each is Python importing Scrapy, Twisted, SQLAlchemy and the
project. Here one process per test worker imports them once, single-threaded and before any
reactor, event loop, engine or thread exists, and forks a child for each command: the child
then runs the same ``scraper.cli.main()`` as ``python -m scraper.cli``, with its own
arguments, environment, working folder, stdin, stdout and stderr, and exits the way that
process would (atexit handlers, flushed streams, its exit code). The tests that are about
processes themselves (kills, the daemon, memory) still start ``python -m scraper.cli``.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

# The forking side, run as ``python -c`` (reads one JSON request per line on stdin, answers
# each with the child's exit status on stdout once the child is done).
SERVER = """
import json, os, sys
import scraper.cli, scraper.crawl, scraper.spiders.archive
import pipelines.extract, pipelines.store
import scrapy.core.downloader.handlers.http11
assert "twisted.internet.reactor" not in sys.modules  # the child installs its own

def child(request):
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    for fd, (path, mode) in enumerate(
        [(os.devnull, os.O_RDONLY)] + [(p, os.O_WRONLY | os.O_TRUNC) for p in request["out"]]
    ):
        opened = os.open(path, mode)
        os.dup2(opened, fd)
        os.close(opened)
    sys.argv = ["archiver", *request["args"]]
    scraper.cli.main()  # exits through SystemExit, as the real process does
    sys.exit(0)

for line in sys.stdin:
    request = json.loads(line)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        child(request)
    print(pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status), flush=True)
"""


class Preloaded:
    """One forking process; ``run`` is ``subprocess.run([python, -m, scraper.cli, *args])``
    with captured output. One command at a time (a test worker runs one test at a time)."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self._process: subprocess.Popen[bytes] | None = None
        self._buffer = b""

    def _server(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-c", SERVER],
                cwd=self.project,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            self._buffer = b""
        return self._process

    def run(
        self, args: list[str], env: dict[str, str], scratch: Path, timeout: float
    ) -> tuple[int, str, str]:
        """The command's exit code, stdout and stderr (*scratch* is a folder for them)."""
        out, err = scratch / "stdout", scratch / "stderr"
        out.touch()
        err.touch()
        request = {"args": args, "env": env, "cwd": str(self.project), "out": [str(out), str(err)]}
        server = self._server()
        assert server.stdin is not None
        server.stdin.write(json.dumps(request).encode() + b"\n")
        server.stdin.flush()
        pid = int(self._line(timeout))
        try:
            code = int(self._line(timeout))
        except TimeoutError:
            os.kill(pid, signal.SIGKILL)
            self._line(30)  # its exit status
            raise
        return code, out.read_text(), err.read_text()

    def _line(self, timeout: float) -> str:
        """The server's next line, or TimeoutError after *timeout* seconds."""
        assert self._process is not None
        assert self._process.stdout is not None
        fd = self._process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError(f"the command did not end within {timeout:.0f} s")
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError("the preloaded command process died")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode()
