"""Synthetic stories for big sites and for edits, built by recombining the corpus.

Everything is driven by an explicit `random.Random`, so a seed always yields the same site.
"""

# New headlines and paragraphs use the corpus's typographic quotes.
# ruff: noqa: RUF001

from __future__ import annotations

import random
import re
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta

from tests.site.content import ARTICLES, AUTHORS, SECTIONS, Article, Template

_SUBJECTS: dict[str, tuple[str, ...]] = {
    "politics": (
        "City council",
        "Mayor Okafor",
        "Transit board",
        "School board",
        "Ethics board",
        "Planning commission",
        "Police commission",
        "City auditor",
        "Housing committee",
        "Eastbank ward office",
        "Northgate councillor",
        "Provincial ministry",
    ),
    "business": (
        "Port of Riverside",
        "Harbourside Federal",
        "Cannery District landlord",
        "Quay Street traders’ group",
        "Chamber of commerce",
        "Larkspur Development",
        "Tessel Valley Credit Union",
        "Foundry Street manufacturer",
        "Northgate shopping centre",
        "Riverside brewery",
        "Downtown business district",
        "Logistics firm",
    ),
    "science": (
        "Riverside Polytechnic team",
        "Riverside General",
        "City hydrologist",
        "Volunteer bird survey",
        "Public health office",
        "Polytechnic observatory",
        "Water utility lab",
        "Hospital research unit",
        "Marsh restoration project",
        "Climate research group",
        "Veterinary school",
        "Friends of the Tessel",
    ),
    "culture": (
        "Marlowe Theatre",
        "Riverside Symphony",
        "Jazz festival",
        "Eastbank library",
        "Quayside Books",
        "Museum of Natural History",
        "Harvest Lights charity",
        "Riverside Ballet",
        "Community choir",
        "Historical society",
        "Old Quay gallery",
        "Film office",
    ),
}

_VERBS: tuple[str, ...] = (
    "weighs",
    "unveils",
    "delays",
    "backs",
    "rethinks",
    "defends",
    "expands",
    "scales back",
    "questions",
    "revives",
    "pauses",
    "doubles down on",
    "launches",
    "wins approval for",
    "seeks money for",
    "drops",
)

_OBJECTS: dict[str, tuple[str, ...]] = {
    "politics": (
        "plan for a Larkfield bus lane",
        "cuts to library opening hours",
        "rules for short-term rentals",
        "overhaul of ward boundaries",
        "flood barrier budget",
        "ban on idling delivery trucks",
        "review of police overtime",
        "new ethics code for councillors",
        "Mill Road crossing proposal",
        "lobbying register",
        "plan to sell the old fire station",
        "youth council pilot",
        "snow clearing contract",
        "Harrow Hill parking permits",
        "pay rise for council staff",
    ),
    "business": (
        "plan for a rooftop market",
        "expansion at Gullhaven Point",
        "rent relief for small shops",
        "late-night licence for Wharf Street",
        "loan programme for food trucks",
        "bid to host a trade fair",
        "warehouse conversion on Net Loft Lane",
        "apprenticeship scheme",
        "merger talks with a rival",
        "new ferry service to Gullhaven",
        "four-day week trial",
        "shop-front grants for Quay Street",
        "electric van fleet",
        "price rise for season tickets",
        "sale of its riverside headquarters",
    ),
    "science": (
        "study of river otters",
        "trial of a new flu vaccine",
        "plan to map the city’s trees",
        "search for the October meteor",
        "survey of bats under the Tessel Bridge",
        "test of cleaner storm drains",
        "project to count swifts",
        "study of air quality near schools",
        "marsh carbon experiment",
        "sensor network on the estuary",
        "research on long Covid clinics",
        "oyster reef restoration",
        "citizen rain gauge network",
        "study of noise on the ring road",
        "wildflower verge experiment",
    ),
    "culture": (
        "season of new plays",
        "free concerts in Alder Park",
        "plan for a riverside sculpture trail",
        "exhibition of flood photographs",
        "late-night opening hours",
        "festival of translated fiction",
        "revival of the harbour pageant",
        "oral history of the canneries",
        "bid for a national arts grant",
        "outdoor cinema on the Old Quay",
        "youth orchestra tour",
        "restoration of the Corn Exchange murals",
        "writers’ residency",
        "poetry trail along the towpath",
        "centenary celebrations",
    ),
}

_TAGS: dict[str, tuple[str, ...]] = {
    "politics": ("City Council", "City Hall", "Transit", "Elections", "Education", "Budget"),
    "business": ("Jobs", "Development", "Port of Riverside", "Small Business", "Housing"),
    "science": ("Environment", "Health", "Tessel River", "Wildlife", "Riverside Polytechnic"),
    "culture": ("Theatre", "Music", "Books", "Festivals", "Art", "Film"),
}

_DEKS: tuple[str, ...] = (
    "What the decision on the {object} means for Riverside, and what happens next.",
    "The story behind the {object}, told by the people closest to it.",
    "Supporters and critics of the {object} agree on one thing: the stakes are high.",
    "A closer look at the {object}, and the questions it leaves unanswered.",
)

_SPEAKERS: tuple[str, ...] = (
    "Lena Hartmann, a spokesperson for the city",
    "Óscar Beltrán, who chairs the Northgate residents’ association",
    "Miriam Adeyemi, a lecturer in urban policy at Riverside Polytechnic",
    "Jarrah Whitlock, the owner of a hardware shop on Quay Street",
    "Ngozi Eze, a nurse who has lived in Eastbank for twenty years",
    "Pieter van der Berg, a retired engineer who follows council business closely",
    "Chiara Bellandi, a volunteer with Friends of the Tessel",
    "Rashid Qureshi, who runs a youth football club in Larkfield",
)
_CLAIMS: tuple[str, ...] = (
    "the figures would be checked again before any final decision was taken",
    "residents had not been given enough time to read the proposals",
    "the change was overdue and should have happened years ago",
    "the cost had been underestimated from the start",
    "she expected the matter to come back to the council early next year",
    "the people most affected had still not been consulted",
    "the plan was a sensible compromise that deserved a fair hearing",
)
_QUOTES: tuple[str, ...] = (
    "We have been here before, and we know how this ends if nobody pays attention.",
    "Nobody is against progress. We just want to be asked before it arrives on our street.",
    "I have read every page of the report, and the numbers do not add up.",
    "If it works, other cities will copy it. If it doesn’t, we will have learned something.",
    "This is the first good news we have had in a long time.",
)
_FOLLOW_UPS: tuple[str, ...] = (
    "By {weekday} afternoon, {count:,} people had signed an online petition on the subject.",
    "A survey of {count:,} residents published by the city last month found opinion split.",
    "More than {count:,} comments were submitted to the city during the consultation.",
    "Officials said about {count:,} households could be affected over the next two years.",
)
_PLACES: tuple[str, ...] = (
    " in Eastbank",
    " in Northgate",
    " in Larkfield",
    " in Harrow Hill",
    " in the Old Quay",
    " in the Cannery District",
    " near Alder Park",
    " at Gullhaven",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

_TITLE_REWRITES: tuple[str, ...] = (
    "{title}, officials confirm",
    "Update: {title}",
    "{title} as debate continues",
    "{title}, documents show",
    "What we know: {title}",
)

_SENTENCE_END = re.compile(r"(?<=[.!?\u201d])\s+(?=[A-Z\u201c\u2018])")


def slugify(text: str) -> str:
    """A URL slug: lower-case ASCII words joined by hyphens."""
    folded = text.lower().replace("\u2019", "").replace("'", "").replace("&", " and ")
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))


def default_template(section: str) -> Template:
    """The system a section publishes with now: the migrated sections use the new CMS."""
    return "jsonld" if section in ("science", "culture") else "wp"


def _sentences(articles: Sequence[Article]) -> list[str]:
    pool: list[str] = []
    for article in articles:
        for paragraph in article.paragraphs:
            pool += [s for s in _SENTENCE_END.split(paragraph) if len(s.split()) >= 8]
    return pool


_POOL: list[str] = _sentences(ARTICLES)


def _paragraph(rng: random.Random, taken: set[str]) -> str:
    while True:
        words = 0
        parts: list[str] = []
        while words < 45:
            sentence = rng.choice(_POOL)
            parts.append(sentence)
            words += len(sentence.split())
        text = " ".join(parts)
        if words <= 120 and text not in taken:
            taken.add(text)
            return text


def _headline(rng: random.Random, section: str, taken: set[str]) -> tuple[str, str]:
    attempts = 0
    while True:
        obj = rng.choice(_OBJECTS[section])
        title = f"{rng.choice(_SUBJECTS[section])} {rng.choice(_VERBS)} {obj}"
        attempts += 1
        # Big sites run out of plain combinations; a place name makes more.
        if attempts > 20:
            title += rng.choice(_PLACES)
        if title not in taken:
            taken.add(title)
            return title, obj


def make_article(
    rng: random.Random,
    *,
    article_id: str,
    section: str,
    template: Template,
    published: datetime,
    titles: set[str],
    slugs: set[str],
    paragraphs: set[str],
) -> Article:
    """One synthetic story; `titles`, `slugs` and `paragraphs` keep the site free of repeats."""
    title, obj = _headline(rng, section, titles)
    slug = slugify(title)
    suffix = 2
    while slug in slugs:
        slug = f"{slugify(title)}-{suffix}"
        suffix += 1
    slugs.add(slug)
    authors = [a for a in AUTHORS if section in a.sections] or list(AUTHORS)
    tags = rng.sample(_TAGS[section], k=min(2, len(_TAGS[section])))
    body = tuple(_paragraph(rng, paragraphs) for _ in range(rng.randint(4, 9)))
    dek = rng.choice(_DEKS).format(object=obj) if template == "jsonld" else None
    return Article(
        id=article_id,
        slug=slug,
        section=section,
        template=template,
        title=title,
        author=rng.choice(authors).name,
        published=published,
        tags=tuple(tags),
        paragraphs=body,
        dek=dek,
    )


def generate_articles(count: int, seed: int = 0) -> list[Article]:
    """`count` stories over both templates, the four sections and the two years to Nov 2026."""
    if count > 50_000:
        raise ValueError("at most 50,000 generated articles have distinct headlines")
    rng = random.Random(seed)
    start = datetime(2024, 11, 21, tzinfo=UTC)
    span_days = (datetime(2026, 11, 20, tzinfo=UTC) - start).days
    titles: set[str] = set()
    slugs: set[str] = set()
    paragraphs: set[str] = set()
    moments: set[datetime] = set()
    articles: list[Article] = []
    for index in range(count):
        section = SECTIONS[index % len(SECTIONS)]
        template = default_template(section)
        # A tenth of each section predates or ignores the migration.
        if rng.random() < 0.1:
            template = "wp" if template == "jsonld" else "jsonld"
        while True:
            # Daytime only, so the UTC date and the newsroom's local date agree.
            moment = start + timedelta(
                days=rng.randrange(span_days + 1),
                hours=rng.randint(10, 21),
                minutes=rng.randrange(60),
            )
            if moment not in moments:
                moments.add(moment)
                break
        articles.append(
            make_article(
                rng,
                article_id=f"story-{index + 1:04d}",
                section=section,
                template=template,
                published=moment,
                titles=titles,
                slugs=slugs,
                paragraphs=paragraphs,
            )
        )
    return articles


def new_paragraph(rng: random.Random, taken: Collection[str]) -> str:
    """A fresh body paragraph for an edit, unlike anything already published."""
    while True:
        follow = rng.choice(_FOLLOW_UPS).format(
            weekday=rng.choice(_WEEKDAYS), count=rng.randrange(120, 9800)
        )
        text = (
            f"{rng.choice(_SPEAKERS)}, said on {rng.choice(_WEEKDAYS)} that "
            f"{rng.choice(_CLAIMS)}. \u201c{rng.choice(_QUOTES)}\u201d {follow}"
        )
        if text not in taken:
            return text


def new_title(original: str, edits: int, current: str) -> str:
    """A rewritten headline, the kind editors make as a story develops."""
    for step in range(len(_TITLE_REWRITES)):
        candidate = _TITLE_REWRITES[(edits + step) % len(_TITLE_REWRITES)].format(title=original)
        if candidate != current:
            return candidate
    return f"{original} ({edits})"
