"""The sites benchmarks crawl: the generated test site, or real pages (benchmarks.realsite)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from benchmarks.realsite import DEFAULT_BENCHDATA, load_pages, serve_real_pages
from tests.site import NewsSite, serve

Kind = Literal["generated", "real"]
FAST = (
    "settings = { DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, "
    "CONCURRENT_REQUESTS_PER_DOMAIN = 16, EXTRACT_WORKERS = 2 }\n"
)


@dataclass
class BenchSite:
    base_url: str
    sources: str  # a sources file with one source, "bench"
    pages: list[tuple[str, str]]  # (html, url) of every article


def arguments(description: str) -> argparse.Namespace:
    """The options every crawl benchmark takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--pages", choices=["generated", "real"], default="generated")
    parser.add_argument("--db", help="archive database URL (default: a new SQLite file)")
    return parser.parse_args()


@contextmanager
def bench_site(kind: Kind, articles: int, seed: int = 1) -> Iterator[BenchSite]:
    """A site of *articles* articles on 127.0.0.1 and a sources file that archives them all."""
    if kind == "real":
        pages = load_pages(DEFAULT_BENCHDATA, articles)
        with serve_real_pages(pages) as real:
            yield BenchSite(
                real.base_url,
                f'[[sources]]\nname = "bench"\nsitemaps = ["{real.base_url}/sitemap.xml"]\n'
                f"article_pattern = '/articles/'\nmax_depth = 0\n{FAST}",
                [
                    (page.decode("utf-8", "replace"), f"{real.base_url}/articles/{n}.html")
                    for n, page in enumerate(pages)
                ],
            )
        return
    site = NewsSite.generated(articles, seed=seed)
    with serve(site) as served:
        yield BenchSite(
            served.base_url,
            f'[[sources]]\nname = "bench"\nfeeds = ["{served.base_url}/feed/"]\n'
            f'sitemaps = ["{served.base_url}/sitemap_index.xml"]\nmax_depth = 0\n{FAST}',
            [(site.html(i), site.url(i)) for i in site.article_ids()],
        )
