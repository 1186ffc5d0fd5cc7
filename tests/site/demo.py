"""``make demo``: archive the sample news site, edit a story, archive again, show what changed.

Everything happens on this machine: the site is served on 127.0.0.1 and the archive is the
SQLite file demo/archive.db. Each step runs the real ``archiver`` command line.
"""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlencode

from tests.site import NewsSite, serve

DEMO = Path("demo")
# The viewer of the demo archive: the sources file names the database (demo/archive.db).
SERVE = "archiver --config demo/archiver.toml serve"
SOURCES = """\
# The sample site, crawled without the politeness delays meant for other people's servers.
# The archive beside this file: a relative path is relative to the file's folder.
database = "sqlite:///archive.db"

[[sources]]
name = "riverside"
feeds = ["{base}/feed/"]
sitemaps = ["{base}/sitemap_index.xml"]
start_urls = ["{base}/"]
article_pattern = '/\\d{{4}}/\\d{{2}}/\\d{{2}}/'
follow_pattern = '/(category|page)/'
max_depth = 2
settings = {{ DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false }}
"""


def step(title: str) -> None:
    bold, plain = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("", "")
    print(f"\n{bold}== {title}{plain}", flush=True)


def archiver(*args: str) -> str:
    command = [sys.executable, "-m", "scraper.cli", "--config", str(DEMO / "archiver.toml")]
    shown = " ".join(["archiver", "--config", "demo/archiver.toml", *args])
    print(f"$ {shown}", flush=True)
    done = subprocess.run([*command, *args], check=True, capture_output=True, text=True)
    return done.stdout


def main() -> None:
    DEMO.mkdir(exist_ok=True)
    for leftover in DEMO.glob("archive.db*"):
        leftover.unlink()
    with serve(NewsSite()) as site:
        (DEMO / "archiver.toml").write_text(SOURCES.format(base=site.base_url))
        step(f"The sample site is up at {site.base_url}; archive it")
        print(archiver("crawl", "riverside"), end="")

        article_id = site.article_ids()[-1]
        url = site.url(article_id)
        step("Crawl again with nothing changed: no new versions")
        print(archiver("crawl", "riverside"), end="")

        step(f"The newsroom edits a story: {url}")
        added = site.edit_body(article_id)
        print(textwrap.fill(f"inserted: {added}", width=100, subsequent_indent="  "))
        print(archiver("crawl", "riverside"), end="")

        step("Its versions")
        print(archiver("versions", url), end="")

        step("What changed between version 1 and version 2")
        old = json.loads(archiver("show", url, "--version", "1", "--json"))
        new = json.loads(archiver("show", url, "--version", "2", "--json"))
        for line in difflib.unified_diff(
            old["text"].splitlines(), new["text"].splitlines(), "version 1", "version 2", n=0
        ):
            print(textwrap.fill(line, width=100, subsequent_indent="  "))
        step("The archive")
        print(archiver("stats"), end="")
    print("\nThe archive is in demo/archive.db; try: archiver --config demo/archiver.toml stats")
    step("See it in the browser: serve the archive (read-only), then open the change")
    print(f"$ {SERVE}")
    print(f"  http://127.0.0.1:8080/diff?{urlencode({'url': url})}")


if __name__ == "__main__":
    main()
