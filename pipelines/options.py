"""Which extractor read a version: trafilatura's release, the reader's rules, a source's options.

Kept apart from pipelines.reader so that the sources file (scraper.config) can check a
source's ``extract`` table without importing trafilatura.
"""

from __future__ import annotations

from importlib.metadata import version

# What a source may set in its ``extract`` table, as trafilatura's Extractor names it:
# favor_recall keeps more of a page (marginal paragraphs), favor_precision less.
EXTRACT_OPTIONS = {"favor_recall": "recall", "favor_precision": "precision"}
# Bumped whenever pipelines.reader reads pages differently (a rule added or changed): the
# archive then tells the new reading from an edit of the page (storage.history.EXTRACTOR).
# 2: a visible "Updated" line states a page's modification (pipelines.metadata).
# 3: headlines lose the site's name however it is spelled, and entities; bylines lose roles,
#    dates and the site's name; authors named by reference or in meta tags (pipelines.titles,
#    pipelines.bylines).
READER_RULES = 3

# A source's options, name and value, sorted: hashable and picklable for the workers.
Options = tuple[tuple[str, bool], ...]


def parse_options(table: object) -> Options:
    """A source's ``extract`` table as Options; ValueError says what is wrong with it."""
    if not isinstance(table, dict):
        raise ValueError("must be a table, e.g. { favor_recall = true }")
    for key, value in table.items():
        if key not in EXTRACT_OPTIONS:
            raise ValueError(f"unknown option {key!r} (known: {', '.join(EXTRACT_OPTIONS)})")
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be true or false")
    if table.get("favor_recall") and table.get("favor_precision"):
        raise ValueError("favor_recall and favor_precision cannot both be true")
    return tuple(sorted(table.items()))


def extractor_name(options: Options = ()) -> str:
    """Who read a version, as the versions table records it. Two versions read under
    different names may differ by their reading alone (storage.store tells that from an
    edit by reading the older one's raw HTML again)."""
    chosen = [name for name, on in sorted(options) if on]
    return "; ".join([f"trafilatura {version('trafilatura')}", f"reader {READER_RULES}", *chosen])
