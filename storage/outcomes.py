"""Every URL a run touches ends in exactly one outcome (DESIGN §4 rule 6).

Outcomes are plain strings so they read the same in crawl_runs.stats, checks.outcome, Scrapy
stats and JSON output: a stored outcome ("article_new", "unchanged", ...) or a reason prefixed
with "rejected:" (a policy said no: robots, offsite, not_article, ...) or "failed:" (something
went wrong: http_503, timeout, extract_empty, ...).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

ARTICLE_NEW = "article_new"
VERSION_NEW = "version_new"
UNCHANGED = "unchanged"
# The page is unchanged, but this run's extractor reads it differently: the new reading is
# recorded as a version of cause "extractor" (storage.history), not as an edit.
REREAD = "reread"
NOT_MODIFIED = "not_modified"
GONE = "gone"
REDIRECTED = "redirected"
# The URL is another address of an article fetched under its canonical URL.
ALIAS = "alias"
# A feed, sitemap, robots.txt, start or section page: read for links, not archived.
NAVIGATION = "navigation"

STORED = (ARTICLE_NEW, VERSION_NEW, UNCHANGED, REREAD, NOT_MODIFIED)
REJECTED_PREFIX = "rejected:"
FAILED_PREFIX = "failed:"


# What a page the archive took in ends as: stored, or a re-check it recorded.
TAKEN_IN = (*STORED, GONE, REDIRECTED)


def nothing_usable(outcomes: Mapping[str, int]) -> bool:
    """Whether a run that tried fetched nothing usable (the site down, DNS, every page 4xx or
    5xx, robots.txt unreachable): no page taken in, and no feed or page read for links without
    some URL failing (as storage.health judges a failing source). A run that tried nothing
    (a revisit with nothing due) did not fail."""
    counts = {outcome: n for outcome, n in outcomes.items() if n}
    if not counts or any(counts.get(outcome) for outcome in TAKEN_IN):
        return False
    failed = any(outcome.startswith(FAILED_PREFIX) for outcome in counts)
    return failed or NAVIGATION not in counts


def rejected(reason: str) -> str:
    return REJECTED_PREFIX + reason


def failed(reason: str) -> str:
    return FAILED_PREFIX + reason


def summarize(outcomes: Mapping[str, int], pages: int = 0) -> dict[str, Any]:
    """The crawl summary printed by ``archiver crawl`` (and its ``--json`` contract)."""
    counts = Counter(outcomes)
    return {
        "pages": pages,
        "urls": sum(counts.values()),
        "articles_new": counts[ARTICLE_NEW],
        "versions_new": counts[VERSION_NEW],
        "unchanged": counts[UNCHANGED],
        "reread": counts[REREAD],
        "not_modified": counts[NOT_MODIFIED],
        "aliases": counts[ALIAS],
        "navigation": counts[NAVIGATION],
        "gone": counts[GONE],
        "redirected": counts[REDIRECTED],
        "rejected": _with_prefix(counts, REJECTED_PREFIX),
        "failed": _with_prefix(counts, FAILED_PREFIX),
    }


def _with_prefix(counts: Counter[str], prefix: str) -> dict[str, int]:
    return {
        outcome.removeprefix(prefix): n
        for outcome, n in sorted(counts.items())
        if outcome.startswith(prefix)
    }
