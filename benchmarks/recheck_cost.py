"""What re-checking costs when nothing changed, against the crawl that archived it all.

    python -m benchmarks.recheck_cost [--articles 500] [--pages generated|real] [--db URL]

Serves a site on 127.0.0.1, archives it with ``archiver crawl``, then re-checks every article
with ``archiver revisit --everything`` while nothing changed, and prints the revisit's time
and bytes received as ratios of the first crawl's (targets: time <= 0.2, no new version).
Times are the runs' own, from start to end as crawl_runs records them, and the whole
commands' (with Python and Scrapy start-up).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.sites import arguments, bench_site


def run(command: list[str]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    summary: dict[str, Any] = json.loads(done.stdout)
    return time.perf_counter() - started, summary


def main() -> int:
    args = arguments(__doc__.split("\n\n")[0])
    with tempfile.TemporaryDirectory() as tmp, bench_site(args.pages, args.articles, 2) as site:
        config = Path(tmp) / "archiver.toml"
        config.write_text(site.sources)
        db = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        base = [sys.executable, "-m", "scraper.cli", "--config", str(config), "--db", db]
        crawl_s, crawl = run([*base, "crawl", "bench", "--json"])
        revisit_s, revisit = run([*base, "revisit", "bench", "--everything", "--json"])
    first, again = crawl["runs"][0]["stats"], revisit["runs"][0]["stats"]
    rows = [
        ("articles", crawl["articles_new"], again["not_modified"] + again["unchanged"]),
        ("of them 304", 0, again["not_modified"]),
        ("new versions", crawl["versions_new"], again["versions_new"]),
        ("pages extracted", first["extracted"], again["extracted"]),
        ("run time (s)", first["elapsed"], again["elapsed"]),
        ("command time (s)", round(crawl_s, 2), round(revisit_s, 2)),
        ("bytes received", first["bytes"], again["bytes"]),
    ]
    print(f"{args.pages} pages  {'first crawl':>12} {'revisit':>10} {'ratio':>7}")
    for label, before, after in rows:
        ratio = f"{after / before:7.3f}" if before else ""
        print(f"{label:<18} {before:>12} {after:>10} {ratio}")
    time_ratio = again["elapsed"] / first["elapsed"]
    ok = again["versions_new"] == 0 and time_ratio <= 0.2
    print(f"target: run time ratio <= 0.2 and no new version: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
