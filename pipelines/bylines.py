"""Who wrote an article, as a list of names: no role, date, label or site name around them.

Bylines arrive with what sits beside them on the page: "Linda Rosencrance Contributing Writer",
"Cazzy Magennis Last Updated August 1", "Written by", "Fastarz; Ahmet Serhan" (the site and its
writer), entities from JSON-LD. Each name is cleaned; the name the site gives itself is dropped when
a person remains. Names joined by "; " as trafilatura does.
"""

from __future__ import annotations

import re

from pipelines.titles import Brand, unescape

# A byline's label, before the names or left alone.
_LABEL = re.compile(r"(?i)^(?:(?:written|posted|published|reviewed)\s+)?by\b[\s:]*")
_LABEL_ONLY = re.compile(r"(?i)^(?:written|posted|published|author(?:s|ed)?)(?:\s+by)?$")
# A date after the name: "Last Updated ...", "Published ...", a month and a day.
_DATE_AFTER = re.compile(
    r"(?i)\s+(?:(?:last\s+)?(?:updated|modified|published|posted)\b"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d).*$"
)
# Month names no one is called, alone at the end ("Luke Kim December"); May, June and April are.
_MONTH_AFTER = re.compile(r"(?i)\s+(?:january|february|september|october|november|december)$")
# A role after the name without a comma: "Trending Editor", "Staff Writer".
_ROLE_AFTER = re.compile(
    r"(?i)(?:\s+(?:senior|staff|contributing|trending|managing|deputy|associate|executive|"
    r"chief|special|guest|freelance|political|news|features?))*"
    r"\s+(?:editor|writer|reporter|correspondent|contributor|columnist|journalist)s?$"
)
_EDGES = " \t\n,;:|-\u2013\u2014\u00b7"


def clean_name(name: str) -> str:
    """One name of a byline, without what the page put beside it ("" when nothing is left)."""
    name = " ".join(unescape(name).split()).strip(_EDGES)
    name = _LABEL.sub("", name)
    if _LABEL_ONLY.match(name):
        return ""
    for pattern in (_DATE_AFTER, _MONTH_AFTER):
        name = pattern.sub("", name).strip(_EDGES) or name
    # A role goes only from after a full name: "Staff Writer" alone is kept as it is.
    shorter = _ROLE_AFTER.sub("", name).strip(_EDGES)
    return shorter if len(shorter.split()) >= 2 else name


def byline(author: str | None, brand: Brand) -> str | None:
    """*author* ("A; B", as trafilatura and the stated metadata give it) cleaned, or None."""
    if not author:
        return None
    # Entities first: the ";" of "O&#039;Brien" does not part two names.
    names = [clean_name(name) for name in unescape(author).split(";")]
    names = list(dict.fromkeys(filter(None, names)))
    # Only the names the site gives itself: a personal site's host is its writer's name.
    people = [name for name in names if not brand.names_itself(name)]
    return "; ".join(people or names) or None
