"""Does the daemon's memory stay flat over many runs?

    python -m benchmarks.daemon_memory [--runs 200] [--sources 4]

Starts `archiver daemon` with a few small sources scheduled every second against the local
test site, and reads the daemon's resident size (from /proc) after 20 runs and after --runs
runs. Target: the second within 10% of the first. (Runs happen in child processes; this
measures what scheduling, bookkeeping and logging leave behind in the daemon itself.)
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from storage import Archive
from tests.site import NewsSite, serve

SOURCE = """
[[sources]]
name = "s{n}"
feeds = ["{base}/feed/"]
max_depth = 0
schedule = "every 1s"
settings = {{ DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false }}
"""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def finished_runs(db: str) -> int:
    with Archive(db) as archive:
        return archive.stats()["runs"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--sources", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, serve(NewsSite()) as site:
        config = Path(tmp) / "archiver.toml"
        config.write_text(
            "".join(SOURCE.format(n=n, base=site.base_url) for n in range(args.sources))
        )
        db = f"sqlite:///{Path(tmp) / 'bench.db'}"
        command = [sys.executable, "-m", "scraper.cli", "--config", str(config), "--db", db]
        command += ["daemon", "--revisit-every", "1h", "--log-file", str(Path(tmp) / "log")]
        daemon = subprocess.Popen(command)
        samples: dict[int, int] = {}
        started = time.monotonic()
        try:
            for target in (20, args.runs):
                while (runs := finished_runs(db) if Path(db[10:]).exists() else 0) < target:
                    if daemon.poll() is not None:
                        raise SystemExit("the daemon exited")
                    time.sleep(1)
                samples[target] = rss_kib(daemon.pid)
                print(
                    f"after {runs:4d} runs ({time.monotonic() - started:5.0f} s): "
                    f"daemon resident size {samples[target] / 1024:6.1f} MiB",
                    flush=True,
                )
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=60)
    growth = samples[args.runs] / samples[20] - 1
    print(f"growth from 20 to {args.runs} runs: {growth:+.1%} (target: within 10%)")
    return 0 if abs(growth) <= 0.10 else 1


if __name__ == "__main__":
    os.environ.pop("ARCHIVER_DATABASE_URL", None)
    sys.exit(main())
