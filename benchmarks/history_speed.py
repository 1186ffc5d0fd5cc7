"""What re-reading and importing history cost, against extraction alone, in the same run.

    python -m benchmarks.history_speed [--articles 500] [--pages real|generated] [--db URL]

Archives a site of N articles (``archiver crawl``), then times, each as users run it (a child
process), with other extraction options than the crawl's (favor_recall): ``archiver
reextract --all --dry-run`` (every stored page read again in the worker pool, nothing
written), then ``reextract --all`` (every page read again, a version recorded for each that
reads differently), ``export --format warc``, and
``import warc`` of that export into an empty archive (every capture read, merged and
written). The baseline: the archive's extraction function on the same pages, one after the
other in this process. Prints pages/s for each and its ratio to the baseline.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.crawl_throughput import crawl, extraction_alone
from benchmarks.sites import arguments, bench_site


def timed(*command: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "scraper.cli", *command], check=True, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    return elapsed, json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}


def main() -> int:
    args = arguments(__doc__.split("\n\n")[0])
    with tempfile.TemporaryDirectory() as tmp, bench_site(args.pages, args.articles) as site:
        work = Path(tmp)
        db = args.db or f"sqlite:///{work / 'bench.db'}"
        _, summary = crawl(site, db, work)
        alone_s = extraction_alone(site.pages)
        archived = int(summary["articles_new"])
        recall = work / "recall.toml"
        recall.write_text(site.sources + "extract = { favor_recall = true }\n")
        dry_s, dry = timed(
            "--config", str(recall), "--db", db, "reextract", "--all", "--dry-run", "--json"
        )
        reread_s, reread = timed(
            "--config", str(recall), "--db", db, "reextract", "--all", "--json"
        )
        warc = work / "export.warc.gz"
        export_s, _ = timed(
            "--db", db, "export", "--format", "warc", "--all-versions", "-o", str(warc)
        )
        empty = f"sqlite:///{work / 'imported.db'}"
        import_s, imported = timed("--db", empty, "import", "warc", str(warc), "--json")
    rate = len(site.pages) / alone_s
    print(f"{args.pages} pages: {len(site.pages)} on the site, {archived} archived")
    print(f"extraction alone, 1 process     {alone_s:6.1f} s {rate:7.1f} pages/s  (baseline)")
    rows = [
        ("reextract --dry-run", dry_s, dry["versions_read"]),
        ("reextract, other options", reread_s, reread["versions_read"]),
        ("export --format warc", export_s, archived + reread["versions_new"]),
        ("import warc, empty archive", import_s, imported["records"]),
    ]
    for name, seconds, pages in rows:
        pages_s = pages / seconds
        print(f"{name:<31} {seconds:6.1f} s {pages_s:7.1f} pages/s  {pages_s / rate:5.2f}x")
    print(
        f"favor_recall read {reread['articles_changed']} of {reread['versions_read']} pages"
        f" differently; the import kept {imported['versions_new']} versions"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
