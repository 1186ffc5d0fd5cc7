"""End-to-end crawl throughput against extraction alone, on the same pages, in the same run.

    python -m benchmarks.crawl_throughput [--articles 500] [--pages generated|real] [--db URL]

Serves a site of N articles on 127.0.0.1 (the generated test site, or real article pages from
the shared benchmark data), archives it with ``archiver crawl`` (a child process, as users
run it: discovery, download, extraction in the worker pool, dedupe, storage), then times the
archive's extraction function (trafilatura plus stated metadata) on the same article pages
in this process, one after the other. Prints pages/s for both and their ratio: what the whole
pipeline costs over extraction alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.sites import BenchSite, arguments, bench_site
from pipelines.reader import extract


def crawl(site: BenchSite, db: str, workdir: Path) -> tuple[float, dict[str, Any]]:
    config = workdir / "archiver.toml"
    config.write_text(site.sources)
    command = [sys.executable, "-m", "scraper.cli", "--config", str(config), "--db", db]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "crawl", "bench", "--json"], check=True, capture_output=True, text=True
    )
    summary: dict[str, Any] = json.loads(done.stdout)
    return time.perf_counter() - started, summary


def extraction_alone(pages: list[tuple[str, str]]) -> float:
    started = time.perf_counter()
    for html, url in pages:
        extract(html, url)
    return time.perf_counter() - started


def main() -> int:
    args = arguments(__doc__.split("\n\n")[0])
    with tempfile.TemporaryDirectory() as tmp, bench_site(args.pages, args.articles) as site:
        db = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        crawl_s, summary = crawl(site, db, Path(tmp))
        alone_s = extraction_alone(site.pages)
    count = len(site.pages)
    archived = int(summary["articles_new"])
    running_s = float(summary["runs"][0]["stats"]["elapsed"])
    crawl_rate, alone_rate = archived / crawl_s, count / alone_s
    print(f"{args.pages} pages: {count} articles on the site, {archived} archived")
    print(f"archiver crawl, whole command  {crawl_s:7.1f} s  {crawl_rate:7.1f} articles/s")
    print(
        f"  of which the crawl itself    {running_s:7.1f} s  {archived / running_s:7.1f} articles/s"
    )
    print(f"extraction alone, 1 process    {alone_s:7.1f} s  {alone_rate:7.1f} pages/s")
    print(f"ratio crawl / extraction alone {crawl_rate / alone_rate:7.2f}")
    # Some real pages hold no article an extractor can find (counted as failed:extract_empty).
    return 0 if archived >= (count if args.pages == "generated" else 0.9 * count) else 1


if __name__ == "__main__":
    sys.exit(main())
