"""A child process's own peak memory, measured so that the test process's does not count.

Linux carries a process's memory high-water mark across exec (ru_maxrss keeps the larger of
the two), so a command started straight from a test process that has grown (a big archive
filled in-process, a long-lived pytest worker) would report the test process's size as its
own peak. A small launcher process starts the command instead and reports the command's
figure.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

LAUNCHER = (
    "import os, subprocess, sys\n"
    "process = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(process.pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run_measured(command: list[str], report: Path, **popen: Any) -> tuple[int, float]:
    """Run *command* to its end; its exit code and its own peak resident size in MB (Linux
    gives ru_maxrss in KiB). *report* is a scratch file for the launcher's figure."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(report), *command], check=False, **popen
    )
    return done.returncode, int(report.read_text()) / 1024
