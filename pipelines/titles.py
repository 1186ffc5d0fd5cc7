"""The headline of a page, without the site's name, taglines or HTML entities around it.

Sites write their ``<title>`` (and often ``og:title``) as "Headline | Brand", "Headline -
Tagline" or "Brand \u2013 Headline", and spell the brand as they please: "| WFA" for World Future
Awards, "- Fastarz" on fastarz.com, "| MOTTIV" on mymottiv.com. Two rules take it off without
knowing any site (measured on the WCXB pages, benchmarks.extraction_quality):

1. A trailing part that names the site is dropped. A part names the site when, letters and
   digits alone compared, it equals one of the names the page gives itself (og:site_name,
   JSON-LD publisher and WebSite names, trafilatura's site name) or their initials, or a label
   of the page's host ("mottiv" in mymottiv.com), or holds such a label as a third of it or
   more ("The Writing Center" on writingcenter.unc.edu). A leading part is dropped only when
   it is spelled exactly as the site's name or a host label.
2. When the page has a heading (``<h1>``) that the title starts with, followed by a separator,
   the heading is the headline: what follows it is a tagline or a brand. A title that is only
   the site's name gives way to the page's first heading that is not.

JSON-LD and meta tags often hold entities that were escaped twice (``M&amp;#038;A`` reads as
``M&#038;A`` once the HTML parser is done): they are decoded.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

# En dash, em dash, middle dot, bullet and guillemet are as common as the ASCII ones.
SEPARATORS = (" | ", " \u2013 ", " \u2014 ", " - ", " :: ", " \u00b7 ", " \u2022 ", " \u00bb ")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_NOT_WORD = re.compile(r"\W+")
# Host labels that say nothing of the site: second-level domains such as .co.uk's "co".
_GENERIC_LABELS = frozenset({"www", "co", "com", "org", "net", "gov", "ac", "edu", "blog"})
# A host label shorter than this is too likely to be part of an unrelated word.
_MIN_LABEL = 3
# A text holding a host label names the site only when the label is a good part of it:
# "The Writing Center" on writingcenter.unc.edu does, "Docker Hardened Images" does not.
_LABEL_SHARE = 3
# Headings this short ("News", "Menu") are a site's furniture, not a headline.
_MIN_HEADING_WORDS = 2


def unescape(text: str) -> str:
    """*text* with its HTML entities decoded, twice when they were escaped twice."""
    for _ in range(2):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return text


def _key(text: str) -> str:
    return _NOT_WORD.sub("", text.casefold())


def _initials(name: str) -> str:
    words = _NOT_WORD.sub(" ", name.casefold()).split()
    return "".join(word[0] for word in words) if len(words) > 1 else ""


@dataclass(frozen=True)
class Brand:
    """What a page calls its site: the names it gives itself and the labels of its host."""

    keys: frozenset[str]
    labels: tuple[str, ...]

    @classmethod
    def of(cls, names: Iterable[str | None], url: str) -> Brand:
        keys = {key for name in names if name for key in (_key(name), _initials(name)) if key}
        host = (urlsplit(url).hostname or "").casefold()
        labels = host.split(".")[:-1]  # the top-level domain names nothing
        return cls(
            frozenset(keys),
            tuple(
                label
                for label in labels
                if len(label) >= _MIN_LABEL and label not in _GENERIC_LABELS
            ),
        )

    def names_itself(self, text: str) -> bool:
        """Whether *text* is one of the names the page gives its site (or their initials)."""
        return _key(text) in self.keys

    def spelled(self, text: str) -> bool:
        """Whether *text* is the site's name or a label of its host, letter for letter."""
        return self.names_itself(text) or _key(text) in self.labels

    def named_by(self, text: str) -> bool:
        """Whether *text* is the site's name, however it is spelled."""
        key = _key(text)
        if not key:
            return False
        if key in self.keys:
            return True
        return any(
            (label in key and len(label) * _LABEL_SHARE >= len(key))
            or (len(key) >= _MIN_LABEL and key in label)
            for label in self.labels
        )


def _words(text: str) -> int:
    return len(_NOT_WORD.sub(" ", text).split())


def _without_brand(title: str, brand: Brand) -> str:
    """*title* without a leading or trailing part that names the site."""
    for separator in SEPARATORS:
        head, sep, tail = title.rpartition(separator)
        if sep and _words(head) and brand.named_by(tail) and not brand.named_by(head):
            return head.strip()
        # A leading part is read as the site's name only when it is spelled as such: "Docker
        # Desktop - what comes next" on docker.com is a headline.
        head, sep, tail = title.partition(separator)
        if sep and _words(tail) and brand.spelled(head) and not brand.named_by(tail):
            return tail.strip()
    return title


def headline(title: str | None, brand: Brand, headings: Iterable[str] = ()) -> str | None:
    """The article's headline from the page's *title* (its JSON-LD headline, og:title or
    ``<title>``), its *brand* and its ``<h1>`` *headings* (whitespace already collapsed)."""
    title = " ".join(unescape(title).split()) if title else ""
    title = _without_brand(title, brand) if title else title
    candidates = [h for h in headings if _words(h) >= _MIN_HEADING_WORDS and not brand.named_by(h)]
    if not title or brand.named_by(title):
        return candidates[0] if candidates else (title or None)
    for heading in candidates:
        if any(title.startswith(heading + separator) for separator in SEPARATORS):
            return heading
    return title
