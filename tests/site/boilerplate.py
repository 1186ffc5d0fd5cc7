"""Page furniture: every piece of text that sits on an article page but is not the story.

The templates draw their non-story text from here, so the ground truth can list it all.
"""

# Real pages use typographic quotes and dashes in their furniture too.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tests.site.content import AUTHORS, SITE_NAME

SHARE_HEADING = "Share this:"
SHARE_LABELS = ("Facebook", "X", "Email", "Print")
LIKE_LABEL = "Like this:"
RELATED_HEADING = "Related"
TRENDING_HEADING = "Trending now"
MOST_READ_HEADING = "Most read"
JSONLD_TRENDING_HEADING = "Trending on the Ledger"
MORE_FROM_PREFIX = "More from"
READ_MORE = "Read more:"
BREAKING = "Breaking:"
SUBSCRIBER_BOX_HEADING = "Subscriber exclusives"

LEAVE_REPLY = "Leave a Reply"
CANCEL_REPLY = "Cancel reply"
EMAIL_NOTE = "Your email address will not be published."
REQUIRED_NOTE = "Required fields are marked"
SAVE_DETAILS = "Save my name, email, and website in this browser for the next time I comment."
POST_COMMENT = "Post Comment"
REPLY = "Reply"
SAYS = "says:"

AMP_COMMENT_LINK = "Leave a Comment"
AMP_BACK_TO_TOP = "Back to top"
AMP_FULL_SITE = "View the full article on The Riverside Ledger"
PRINT_SOURCE = "This article was printed from"
PRINT_NOTICE = "Printed for personal, non-commercial use only."

COOKIE_TEXT = (
    "We use cookies and similar technologies to personalise content, measure traffic and show "
    "you relevant offers. You can change your choices at any time under Privacy settings."
)
COOKIE_BUTTONS = ("Accept all", "Reject non-essential", "Manage preferences")

WP_FOOTER_TAGLINE = "Independent local news for Riverside and the Tessel valley since 1888."
WP_FOOTER_POWERED = "Proudly powered by WordPress"
JSONLD_FOOTER_TAGLINE = (
    "The Riverside Ledger is published by the Ledger Trust, an independent foundation that keeps "
    "local journalism alive in the Tessel valley."
)


def copyright_line(today: date) -> str:
    """The footer's copyright notice, which follows the calendar year."""
    return f"© {today.year} {SITE_NAME}. All rights reserved."


def date_banner(today: date) -> str:
    """The masthead's date line: the server's current date, never a publication date."""
    return f"{today:%A}, {today:%B} {today.day}, {today.year}"


def ticker(today: date) -> str:
    """The breaking-news line, which names a date of its own to mislead date extractors."""
    until = today + timedelta(days=2)
    return (
        f"Flood watch in effect for the Tessel valley until {until:%A}, {until:%B} {until.day}, "
        f"{until.year}"
    )


@dataclass(frozen=True)
class Newsletter:
    """One wording of the inline newsletter box; editors rotate them."""

    heading: str
    blurb: str
    button: str
    small_print: str


NEWSLETTERS: tuple[Newsletter, ...] = (
    Newsletter(
        heading="Sign up for The Morning Briefing",
        blurb="Get the day’s top stories in your inbox, every weekday at 6 a.m.",
        button="Subscribe",
        small_print="By subscribing you agree to our Terms of Use and Privacy Policy.",
    ),
    Newsletter(
        heading="Sign up for The Morning Briefing",
        blurb="The stories Riverside is talking about, delivered before your first coffee.",
        button="Sign me up",
        small_print="Unsubscribe at any time with one click.",
    ),
    Newsletter(
        heading="Never miss a story from the Ledger",
        blurb="Join 40,000 readers who start the day with The Morning Briefing.",
        button="Subscribe free",
        small_print="We will never share your email address with anyone.",
    ),
)

# Commenters and their comments are written to read like article prose on purpose.
COMMENTERS: tuple[str, ...] = (
    "Dana Whitfield",
    "RiversideRon",
    "Margo P.",
    "eastbank_mum",
    "Phil Trask",
    "Ingrid Solberg",
    "L. Marchand",
    "OldQuayLocal",
    "Teodora V.",
    "Bill Hennessy",
    "Nadia R.",
    "Kwabena Asare",
)

COMMENTS: tuple[str, ...] = (
    "I’ve lived on Larkfield Road for thirty years and I have heard this promise at least four "
    "times. I’ll believe it when I see the work crews out there and not a day before.",
    "Good reporting. Would be great to see the actual council documents linked next time so "
    "readers can check the numbers for themselves.",
    "Nobody asked the people who actually live in Eastbank what they wanted. Same as always.",
    "My daughter was there on Saturday and said the whole thing was very well organised. Credit "
    "where it’s due.",
    "Where is the money coming from? Every year it’s a new plan and every year our bills go up.",
    "This is the kind of local news I pay my subscription for. Thank you.",
    "Interesting that nobody from the other side was willing to go on the record.",
    "We went last year and the queues were ridiculous. Hopefully they’ve sorted that out.",
    "Can someone explain why this took six years? Genuinely asking.",
    "Brilliant. More of this please, and less about parking.",
    "I remember when the whole waterfront was warehouses. Amazing how much has changed.",
    "Posting this in the neighbourhood group, people need to read it before the next meeting.",
    "Respectfully, the piece leaves out that the same proposal failed in 2019 for exactly the "
    "same reasons.",
    "Lovely to read some good news for once. My grandfather would have been thrilled.",
)

CAPTIONS: tuple[str, ...] = (
    "Photo: Morning fog over the Tessel near the Old Quay footbridge. "
    "(Ingrid Halvorsen / The Riverside Ledger)",
    "Photo: The view east from Harrow Hill at dusk. (Marek Zieliński / The Riverside Ledger)",
    "Photo: Commuters cross Chandler Square in the rain. (Ingrid Halvorsen / The Riverside Ledger)",
    "Photo: Brick warehouses line the river in the Cannery District. "
    "(Olu Bankole / The Riverside Ledger)",
    "Photo: A tram waits at the Northgate terminus. (Marek Zieliński / The Riverside Ledger)",
    "Photo: Autumn leaves in Alder Park. (Olu Bankole / The Riverside Ledger)",
    "Photo: The Riverside Polytechnic campus seen from the towpath. "
    "(Ingrid Halvorsen / The Riverside Ledger)",
    "Photo: Fishing boats moored at Gullhaven. (Olu Bankole / The Riverside Ledger)",
)

PHOTO_ALTS: tuple[str, ...] = (
    "Fog over a river",
    "A hillside at dusk",
    "People with umbrellas in a square",
    "Old brick warehouses",
    "A tram at a stop",
    "Trees in a park",
    "A college campus by a river",
    "Boats in a harbour",
)


def author_box_heading(name: str) -> str:
    """The author box's lead-in, which runs straight into the bio."""
    return f"About {name}:"


def view_all_posts(name: str) -> str:
    """The author box's link to the writer's archive."""
    return f"View all posts by {name}"


def comment_count_label(count: int) -> str:
    """The heading over the comments, as WordPress themes word it."""
    return "1 Comment" if count == 1 else f"{count} Comments"


def site_wide(today: date) -> list[str]:
    """Furniture strings that may appear on any article page and never in a story body.

    Single common words (the share buttons' "Email", "Print", "X") are left out: they would
    match ordinary prose.
    """
    strings = [
        SHARE_HEADING,
        LIKE_LABEL,
        RELATED_HEADING,
        TRENDING_HEADING,
        MOST_READ_HEADING,
        JSONLD_TRENDING_HEADING,
        READ_MORE,
        BREAKING,
        SUBSCRIBER_BOX_HEADING,
        LEAVE_REPLY,
        CANCEL_REPLY,
        EMAIL_NOTE,
        REQUIRED_NOTE,
        SAVE_DETAILS,
        POST_COMMENT,
        AMP_COMMENT_LINK,
        AMP_BACK_TO_TOP,
        AMP_FULL_SITE,
        PRINT_SOURCE,
        PRINT_NOTICE,
        COOKIE_TEXT,
        *COOKIE_BUTTONS,
        WP_FOOTER_TAGLINE,
        WP_FOOTER_POWERED,
        JSONLD_FOOTER_TAGLINE,
        copyright_line(today),
        date_banner(today),
        ticker(today),
        *COMMENTERS,
        *COMMENTS,
        *CAPTIONS,
    ]
    for letter in NEWSLETTERS:
        strings += [letter.heading, letter.blurb, letter.button, letter.small_print]
    for author in AUTHORS:
        strings += [author_box_heading(author.name), author.bio, view_all_posts(author.name)]
    return list(dict.fromkeys(strings))
