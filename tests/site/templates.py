"""HTML pages of The Riverside Ledger, written out by hand with f-strings.

Two publishing systems render articles: "wp", an old WordPress theme, and "jsonld", the
newer CMS that half the sections moved to. Listing and fixed pages still use the theme.
"""

# Markup lines are kept whole, as in a page's source, rather than wrapped at 100 columns.
# ruff: noqa: E501

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from tests.site import boilerplate as bp
from tests.site.content import SITE_NAME, Article, Author

WP_SEPARATOR = " \N{EN DASH} "
JSONLD_SEPARATOR = " | "
TAGLINE = "News from Riverside and the Tessel valley"
# The new CMS stores and shows the newsroom's local time; the theme shows UTC.
NEWSROOM_TZ = timezone(timedelta(hours=-5))
NAV_SECTIONS = ("politics", "business", "science", "culture")

_AP_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)


def e(text: str) -> str:
    """Escape text for HTML content and attribute values alike."""
    return html.escape(text, quote=True)


def section_name(section: str) -> str:
    """A section's display name."""
    return section.replace("-", " ").title()


def long_date(moment: datetime) -> str:
    """`October 5, 2026`, as the theme prints dates (in UTC)."""
    day = moment.astimezone(UTC)
    return f"{day:%B} {day.day}, {day.year}"


def ap_datetime(moment: datetime) -> str:
    """`Oct. 5, 2026, 4:40 p.m.`, as the new CMS prints times (newsroom time)."""
    local = moment.astimezone(NEWSROOM_TZ)
    hour = local.hour % 12 or 12
    meridiem = "a.m." if local.hour < 12 else "p.m."
    return (
        f"{_AP_MONTHS[local.month - 1]} {local.day}, {local.year}, "
        f"{hour}:{local.minute:02d} {meridiem}"
    )


def comment_time(moment: datetime) -> str:
    """`October 6, 2026 at 9:12 am`, WordPress's comment timestamp."""
    day = moment.astimezone(UTC)
    hour = day.hour % 12 or 12
    meridiem = "am" if day.hour < 12 else "pm"
    return f"{long_date(day)} at {hour}:{day.minute:02d} {meridiem}"


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with an explicit `+00:00`."""
    return moment.astimezone(UTC).isoformat()


def iso_local(moment: datetime) -> str:
    """ISO 8601 in newsroom time, as the new CMS publishes it."""
    return moment.astimezone(NEWSROOM_TZ).isoformat()


def excerpt(article: Article, words: int = 30) -> str:
    """The start of the first paragraph, as listings and descriptions show it."""
    first = article.paragraphs[0].split() if article.paragraphs else []
    if len(first) <= words:
        return " ".join(first)
    return " ".join(first[:words]) + "\N{HORIZONTAL ELLIPSIS}"


@dataclass(frozen=True)
class Chrome:
    """What every page needs from the site: where it lives and what day it is."""

    base_url: str
    today: date


@dataclass(frozen=True)
class Link:
    """A link to another story, as widgets and rails show it."""

    title: str
    href: str
    published: datetime | None = None
    section: str = ""


@dataclass(frozen=True)
class Comment:
    """A reader comment under a WordPress article."""

    number: int
    name: str
    posted: datetime
    text: str


@dataclass(frozen=True)
class ArticlePage:
    """Everything one article page shows: the story itself and the furniture around it."""

    chrome: Chrome
    article: Article
    author: Author
    number: int
    modified: datetime
    canonical: str
    amp_url: str
    print_url: str
    related: tuple[Link, ...]
    trending: tuple[Link, ...]
    most_read: tuple[Link, ...]
    comment_count: int
    comments: tuple[Comment, ...]
    newsletter: bp.Newsletter
    read_more: Link | None
    caption: str
    photo_alt: str


@dataclass(frozen=True)
class Teaser:
    """A story as a listing page shows it."""

    title: str
    href: str
    excerpt: str
    author: str
    author_href: str
    published: datetime
    section: str


@dataclass(frozen=True)
class ListingPage:
    """Home, section, tag and author pages."""

    chrome: Chrome
    path: str
    heading: str
    intro: str
    teasers: tuple[Teaser, ...]
    older: str | None = None
    newer: str | None = None
    exclusives: tuple[Link, ...] = ()
    is_home: bool = False


def page_furniture(page: ArticlePage) -> list[str]:
    """Strings on this particular page that are not its story (beyond the site-wide ones)."""
    strings = [link.title for link in page.related + page.trending]
    if page.article.template == "wp":
        strings += [link.title for link in page.most_read]
        strings += [bp.author_box_heading(page.author.name), page.author.bio]
        strings.append(bp.comment_count_label(page.comment_count))
        strings += [comment.text for comment in page.comments]
        strings += [comment_time(comment.posted) for comment in page.comments]
    else:
        if page.read_more is not None:
            strings.append(page.read_more.title)
        strings.append(page.caption)
        strings.append(f"{bp.MORE_FROM_PREFIX} {section_name(page.article.section)}")
    return list(dict.fromkeys(strings))


def _json_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # "</" would end the script element early.
    return text.replace("</", "<\\/")


def _news_article_ld(page: ArticlePage) -> dict[str, Any]:
    article = page.article
    base = page.chrome.base_url
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.dek or excerpt(article),
        "image": [f"{base}{_photo_path(article)}"],
        "datePublished": iso_local(article.published),
        "dateModified": iso_local(page.modified),
        "author": [
            {
                "@type": "Person",
                "name": article.author,
                "url": f"{base}/author/{page.author.slug}/",
            }
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": SITE_NAME,
            "logo": {"@type": "ImageObject", "url": f"{base}/assets/ledger-logo-600x60.png"},
        },
        "mainEntityOfPage": {"@type": "WebPage", "@id": page.canonical},
        "articleSection": section_name(article.section),
        "keywords": list(article.tags),
        "isAccessibleForFree": True,
    }
    return data


def _photo_path(article: Article) -> str:
    if article.template == "wp":
        day = article.published.astimezone(UTC)
        return f"/wp-content/uploads/{day:%Y}/{day:%m}/{article.slug}-1200x675.jpg"
    return f"/assets/images/{article.slug}-1600.jpg"


def _tag_slug(tag: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in tag.lower()).split())


def tag_path(tag: str) -> str:
    """Where a tag's listing lives."""
    return f"/tag/{_tag_slug(tag)}/"


# --- the WordPress theme -------------------------------------------------------------------


def _wp_head(
    chrome: Chrome, title: str, canonical: str, description: str, og_type: str, extra: str = ""
) -> str:
    base = chrome.base_url
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<meta name="description" content="{e(description)}">
<link rel="canonical" href="{e(canonical)}">
<meta property="og:locale" content="en_US">
<meta property="og:type" content="{og_type}">
<meta property="og:site_name" content="{e(SITE_NAME)}">
<meta property="og:url" content="{e(canonical)}">
<meta name="twitter:card" content="summary_large_image">
{extra}<link rel="alternate" type="application/rss+xml" title="{e(SITE_NAME)} &raquo; Feed" href="{base}/feed/">
<link rel="alternate" type="application/atom+xml" title="{e(SITE_NAME)} &raquo; Atom" href="{base}/feed/atom/">
<link rel="stylesheet" id="ledger-style-css" href="{base}/wp-content/themes/ledger/style.css?ver=2.4.1" media="all">
<script src="{base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
</head>
"""


def _wp_masthead(chrome: Chrome) -> str:
    base = chrome.base_url
    items = [f'<li class="menu-item menu-item-home"><a href="{base}/">Home</a></li>']
    items += [
        f'<li class="menu-item menu-item-type-taxonomy"><a href="{base}/category/{s}/">'
        f"{section_name(s)}</a></li>"
        for s in NAV_SECTIONS
    ]
    items.append(f'<li class="menu-item"><a href="{base}/about/">About</a></li>')
    items.append(f'<li class="menu-item"><a href="{base}/contact/">Contact</a></li>')
    menu = "\n".join(items)
    return f"""<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<div class="top-bar">
<span class="current-date">{e(bp.date_banner(chrome.today))}</span>
<div class="news-ticker" role="marquee"><strong class="ticker-label">{e(bp.BREAKING)}</strong> <span class="ticker-item">{e(bp.ticker(chrome.today))}</span></div>
</div>
<header id="masthead" class="site-header">
<div class="site-branding">
<p class="site-title"><a href="{base}/" rel="home">{e(SITE_NAME)}</a></p>
<p class="site-description">{e(TAGLINE)}</p>
</div>
<nav id="site-navigation" class="main-navigation" aria-label="Primary">
<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
<ul id="primary-menu" class="menu">
{menu}
</ul>
</nav>
</header>
<div id="content" class="site-content">
"""


def _wp_footer(chrome: Chrome) -> str:
    base = chrome.base_url
    return f"""</div><!-- #content -->
<footer id="colophon" class="site-footer">
<div class="footer-widgets">
<p class="footer-tagline">{e(bp.WP_FOOTER_TAGLINE)}</p>
<ul class="footer-menu"><li><a href="{base}/about/">About us</a></li><li><a href="{base}/contact/">Contact</a></li></ul>
</div>
<div class="site-info">
<span class="copyright">{e(bp.copyright_line(chrome.today))}</span>
<span class="sep"> | </span>
<a href="https://wordpress.org/">{e(bp.WP_FOOTER_POWERED)}</a>
</div>
</footer>
</div><!-- #page -->
<script src="{base}/wp-content/themes/ledger/js/navigation.js?ver=2.4.1" id="ledger-navigation-js"></script>
</body>
</html>
"""


def _wp_sidebar(page: ArticlePage) -> str:
    trending = "\n".join(
        f'<li><a href="{e(link.href)}" class="bump-view">{e(link.title)}</a></li>'
        for link in page.trending
    )
    most_read = "\n".join(
        f'<li><a href="{e(link.href)}">{e(link.title)}</a></li>' for link in page.most_read
    )
    base = page.chrome.base_url
    return f"""<aside id="secondary" class="widget-area">
<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{base}/"><label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s"></label><input type="submit" class="search-submit" value="Search"></form></section>
<section id="ledger-trending-2" class="widget widget_trending">
<h2 class="widget-title">{e(bp.TRENDING_HEADING)}</h2>
<ul>
{trending}
</ul>
</section>
<section id="top-posts-3" class="widget widget_top-posts">
<h2 class="widget-title">{e(bp.MOST_READ_HEADING)}</h2>
<ol class="widgets-list-layout">
{most_read}
</ol>
</section>
</aside>
"""


def _wp_share_bar(page: ArticlePage) -> str:
    title = e(page.article.title)
    url = e(page.canonical)
    return f"""<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">
<h3 class="sd-title">{e(bp.SHARE_HEADING)}</h3>
<div class="sd-content"><ul>
<li class="share-facebook"><a rel="nofollow noopener noreferrer" class="share-facebook sd-button share-icon" href="https://www.facebook.com/sharer/sharer.php?u={url}" target="_blank" title="Click to share on Facebook"><span>Facebook</span></a></li>
<li class="share-x"><a rel="nofollow noopener noreferrer" class="share-x sd-button share-icon" href="https://x.com/intent/post?url={url}&amp;text={title}" target="_blank" title="Click to share on X"><span>X</span></a></li>
<li class="share-email"><a rel="nofollow noopener noreferrer" class="share-email sd-button share-icon" href="mailto:?subject={title}&amp;body={url}" title="Click to email a link to a friend"><span>Email</span></a></li>
<li class="share-print"><a rel="nofollow noopener noreferrer" class="share-print sd-button share-icon" href="{e(page.print_url)}" target="_blank" title="Click to print"><span>Print</span></a></li>
</ul></div></div></div>
<div class="sharedaddy sd-block sd-like jetpack-likes-widget-wrapper"><h3 class="sd-title">{e(bp.LIKE_LABEL)}</h3><div class="likes-widget-placeholder post-likes-widget-placeholder"><span class="button"><span>Like</span></span> <span class="loading">Loading&hellip;</span></div></div>
"""


def _wp_related(page: ArticlePage) -> str:
    items = "\n".join(
        f'<div class="jp-relatedposts-post jp-relatedposts-post{i}">'
        f'<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" '
        f'href="{e(link.href)}" rel="nofollow">{e(link.title)}</a></h4>'
        f'<p class="jp-relatedposts-post-date">'
        f"{long_date(link.published) if link.published else ''}</p>"
        f'<p class="jp-relatedposts-post-context">In &quot;{e(section_name(link.section))}'
        f"&quot;</p></div>"
        for i, link in enumerate(page.related)
    )
    return f"""<div id="jp-relatedposts" class="jp-relatedposts">
<h3 class="jp-relatedposts-headline"><em>{e(bp.RELATED_HEADING)}</em></h3>
<div class="jp-relatedposts-items jp-relatedposts-items-visual">
{items}
</div>
</div>
"""


def _wp_comments(page: ArticlePage) -> str:
    url = e(page.canonical)
    comments = "\n".join(
        f"""<li id="comment-{c.number}" class="comment {"even" if i % 2 == 0 else "odd"} thread-{"even" if i % 2 == 0 else "odd"} depth-1">
<article id="div-comment-{c.number}" class="comment-body">
<footer class="comment-meta">
<div class="comment-author vcard"><img alt="" src="https://secure.gravatar.com/avatar/{c.number:032x}?s=42&amp;d=mm&amp;r=g" class="avatar avatar-42 photo" height="42" width="42" loading="lazy"><b class="fn">{e(c.name)}</b> <span class="says">{bp.SAYS}</span></div>
<div class="comment-metadata"><a href="{url}#comment-{c.number}"><time datetime="{iso_utc(c.posted)}">{comment_time(c.posted)}</time></a></div>
</footer>
<div class="comment-content"><p>{e(c.text)}</p></div>
<div class="reply"><a rel="nofollow" class="comment-reply-link" href="{url}?replytocom={c.number}#respond" data-commentid="{c.number}" aria-label="Reply to {e(c.name)}">{bp.REPLY}</a></div>
</article>
</li>"""
        for i, c in enumerate(page.comments)
    )
    return f"""<div id="comments" class="comments-area">
<h2 class="comments-title">{e(bp.comment_count_label(page.comment_count))}</h2>
<ol class="comment-list">
{comments}
</ol>
<div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">{e(bp.LEAVE_REPLY)} <small><a rel="nofollow" id="cancel-comment-reply-link" href="{url}#respond" style="display:none;">{e(bp.CANCEL_REPLY)}</a></small></h3>
<form action="{page.chrome.base_url}/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate>
<p class="comment-notes"><span id="email-notes">{e(bp.EMAIL_NOTE)}</span> <span class="required-field-message">{e(bp.REQUIRED_NOTE)} <span class="required">*</span></span></p>
<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>
<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required></p>
<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" aria-describedby="email-notes" autocomplete="email" required></p>
<p class="comment-form-url"><label for="url">Website</label> <input id="url" name="url" type="url" value="" size="30" maxlength="200" autocomplete="url"></p>
<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes"> <label for="wp-comment-cookies-consent">{e(bp.SAVE_DETAILS)}</label></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="{e(bp.POST_COMMENT)}"> <input type="hidden" name="comment_post_ID" value="{page.number}" id="comment_post_ID"> <input type="hidden" name="comment_parent" id="comment_parent" value="0"></p>
</form>
</div>
</div>
"""


def _wp_article(page: ArticlePage) -> str:
    article = page.article
    base = page.chrome.base_url
    author_href = f"{base}/author/{page.author.slug}/"
    section_href = f"{base}/category/{article.section}/"
    description = excerpt(article, 25)
    tags_meta = "".join(f'<meta property="article:tag" content="{e(t)}">\n' for t in article.tags)
    extra = (
        f'<link rel="amphtml" href="{e(page.amp_url)}">\n'
        f'<meta property="og:title" content="{e(article.title)}">\n'
        f'<meta property="og:description" content="{e(description)}">\n'
        f'<meta property="og:image" content="{base}{_photo_path(article)}">\n'
        f'<meta property="article:section" content="{e(section_name(article.section))}">\n'
        f"{tags_meta}"
        f'<meta property="article:published_time" content="{iso_utc(article.published)}">\n'
        f'<meta property="article:modified_time" content="{iso_utc(page.modified)}">\n'
        f'<meta name="author" content="{e(article.author)}">\n'
        f"<link rel='shortlink' href='{base}/?p={page.number}'>\n"
    )
    head = _wp_head(
        page.chrome,
        article.title + WP_SEPARATOR + SITE_NAME,
        page.canonical,
        description,
        "article",
        extra,
    )
    paragraphs = "\n".join(f"<p>{e(p)}</p>" for p in article.paragraphs)
    tag_links = ", ".join(
        f'<a href="{base}{tag_path(t)}" rel="tag">{e(t)}</a>' for t in article.tags
    )
    updated = ""
    if page.modified != article.published:
        updated = f'<time class="updated" datetime="{iso_utc(page.modified)}">{long_date(page.modified)}</time>'
    tag_classes = " ".join(f"tag-{_tag_slug(t)}" for t in article.tags)
    return f"""{head}<body class="post-template-default single single-post postid-{page.number} single-format-standard wp-embed-responsive">
{_wp_masthead(page.chrome)}<div id="primary" class="content-area">
<main id="main" class="site-main">
<article id="post-{page.number}" class="post-{page.number} post type-post status-publish format-standard has-post-thumbnail hentry category-{article.section} {tag_classes}">
<header class="entry-header">
<div class="entry-categories"><span class="cat-links"><a href="{section_href}" rel="category tag">{e(section_name(article.section))}</a></span></div>
<h1 class="entry-title">{e(article.title)}</h1>
<div class="entry-meta">
<span class="byline">By <span class="author vcard"><a class="url fn n" rel="author" href="{author_href}">{e(article.author)}</a></span></span>
<span class="posted-on"><a href="{e(page.canonical)}" rel="bookmark"><time class="entry-date published" datetime="{iso_utc(article.published)}">{long_date(article.published)}</time>{updated}</a></span>
</div>
</header>
<div class="post-thumbnail"><img width="1200" height="675" src="{base}{_photo_path(article)}" class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="" decoding="async" fetchpriority="high"></div>
<div class="entry-content">
{paragraphs}
{_wp_share_bar(page)}{_wp_related(page)}</div><!-- .entry-content -->
<footer class="entry-footer"><span class="cat-links">Posted in <a href="{section_href}" rel="category tag">{e(section_name(article.section))}</a></span> <span class="tags-links">Tagged {tag_links}</span></footer>
<div class="author-box">
<img alt="" src="https://secure.gravatar.com/avatar/{page.author.slug}?s=96&amp;d=mm&amp;r=g" class="avatar avatar-96 photo" height="96" width="96" loading="lazy">
<div class="author-description">
<p class="author-bio"><strong>{e(bp.author_box_heading(page.author.name))}</strong> {e(page.author.bio)}</p>
<a class="author-link" href="{author_href}" rel="author">{e(bp.view_all_posts(page.author.name))}</a>
</div>
</div>
</article><!-- #post-{page.number} -->
{_wp_comments(page)}</main><!-- #main -->
</div><!-- #primary -->
{_wp_sidebar(page)}{_wp_footer(page.chrome)}"""


# --- the new CMS ---------------------------------------------------------------------------


def _jsonld_header(chrome: Chrome) -> str:
    base = chrome.base_url
    nav = "".join(
        f'<a class="site-nav__link" href="{base}/category/{s}/">{section_name(s)}</a>'
        for s in NAV_SECTIONS
    )
    return f"""<div id="__app" class="app">
<a class="skip-to-content" href="#main-content">Skip to main content</a>
<div class="site-header__bar"><span class="site-header__date">{e(bp.date_banner(chrome.today))}</span><button type="button" class="site-header__signin">Sign in</button></div>
<header class="site-header" role="banner">
<a class="site-header__logo" href="{base}/" aria-label="{e(SITE_NAME)} home"><img src="{base}/assets/ledger-logo.svg" alt="{e(SITE_NAME)}" width="240" height="28"></a>
<nav class="site-nav" aria-label="Sections">{nav}</nav>
<button type="button" class="site-header__subscribe">Subscribe</button>
</header>
"""


def _jsonld_footer(chrome: Chrome) -> str:
    base = chrome.base_url
    buttons = "".join(
        f'<button type="button" class="cookie-banner__button">{e(label)}</button>'
        for label in bp.COOKIE_BUTTONS
    )
    return f"""<div class="cookie-banner" id="cookie-banner" role="dialog" aria-live="polite" aria-label="Cookie consent">
<p class="cookie-banner__text">{e(bp.COOKIE_TEXT)}</p>
<div class="cookie-banner__actions">{buttons}</div>
</div>
<footer class="site-footer" role="contentinfo">
<p class="site-footer__tagline">{e(bp.JSONLD_FOOTER_TAGLINE)}</p>
<nav class="site-footer__nav" aria-label="Footer"><a href="{base}/about/">About us</a><a href="{base}/contact/">Contact</a></nav>
<p class="site-footer__copyright">{e(bp.copyright_line(chrome.today))}</p>
</footer>
</div>
<script src="{base}/assets/app.3f9c2b.js" defer></script>
</body>
</html>
"""


def _jsonld_article(page: ArticlePage) -> str:
    article = page.article
    base = page.chrome.base_url
    section = section_name(article.section)
    description = article.dek or excerpt(article, 25)
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{base}/"},
            {
                "@type": "ListItem",
                "position": 2,
                "name": section,
                "item": f"{base}/category/{article.section}/",
            },
        ],
    }
    body: list[str] = []
    for i, paragraph in enumerate(article.paragraphs, start=1):
        body.append(f"<p>{e(paragraph)}</p>")
        if i == 2:
            body.append(_newsletter_box(page.newsletter))
        if i == 4 and page.read_more is not None:
            body.append(
                f'<p class="read-more"><strong>{e(bp.READ_MORE)}</strong> '
                f'<a href="{e(page.read_more.href)}">{e(page.read_more.title)}</a></p>'
            )
    dek = f'<p class="standfirst">{e(article.dek)}</p>\n' if article.dek else ""
    updated = ""
    if page.modified != article.published:
        updated = (
            f'<span class="story__updated">Updated <time datetime="{iso_local(page.modified)}">'
            f"{ap_datetime(page.modified)}</time></span>"
        )
    more = "\n".join(
        f'<li class="rail__item"><a href="{e(link.href)}"><span class="rail__kicker">'
        f'{e(section_name(link.section))}</span> <span class="rail__headline">{e(link.title)}'
        f"</span></a></li>"
        for link in page.related
    )
    trending = "\n".join(
        f'<li class="rail__item"><a href="{e(link.href)}">{e(link.title)}</a></li>'
        for link in page.trending
    )
    tags = "".join(f'<li><a href="{base}{tag_path(t)}">{e(t)}</a></li>' for t in article.tags)
    share_url = e(page.canonical)
    body_html = "\n".join(body)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(article.title + JSONLD_SEPARATOR + SITE_NAME)}</title>
<meta name="description" content="{e(description)}">
<link rel="canonical" href="{e(page.canonical)}">
<link rel="amphtml" href="{e(page.amp_url)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{e(SITE_NAME)}">
<meta property="og:image" content="{base}{_photo_path(article)}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:site" content="@riversideledger">
<script type="application/ld+json">{_json_script(_news_article_ld(page))}</script>
<script type="application/ld+json">{_json_script(breadcrumbs)}</script>
<link rel="preload" as="font" href="{base}/assets/fonts/ledger-serif.woff2" crossorigin>
<link rel="stylesheet" href="{base}/assets/app.3f9c2b.css">
</head>
<body class="page page--article">
{_jsonld_header(page.chrome)}<main id="main-content" class="layout layout--article">
<article class="story" data-story-id="{page.number}">
<header class="story__header">
<a class="story__kicker" href="{base}/category/{article.section}/">{e(section)}</a>
<h1 class="story__headline">{e(article.title)}</h1>
{dek}<div class="story__meta">
<span class="byline">By <a class="byline__name" href="{base}/author/{page.author.slug}/">{e(article.author)}</a></span>
<time class="story__date" datetime="{iso_local(article.published)}">{ap_datetime(article.published)}</time>
{updated}</div>
</header>
<figure class="story__lead-image">
<img src="{base}{_photo_path(article)}" alt="{e(page.photo_alt)}" width="1600" height="900">
<figcaption class="story__caption">{e(page.caption)}</figcaption>
</figure>
<div class="article-body">
{body_html}
</div>
<footer class="story__footer">
<ul class="story__tags">{tags}</ul>
<div class="share-tools" aria-label="Share this article"><a class="share-tools__link" href="https://www.facebook.com/sharer/sharer.php?u={share_url}">Facebook</a><a class="share-tools__link" href="https://x.com/intent/post?url={share_url}">X</a><a class="share-tools__link" href="mailto:?body={share_url}">Email</a><a class="share-tools__link" href="{e(page.print_url)}">Print</a></div>
</footer>
</article>
<section class="rail rail--section" aria-labelledby="rail-more">
<h2 id="rail-more" class="rail__title">{e(bp.MORE_FROM_PREFIX)} {e(section)}</h2>
<ul class="rail__list">
{more}
</ul>
</section>
<section class="rail rail--trending" aria-labelledby="rail-trending">
<h2 id="rail-trending" class="rail__title">{e(bp.JSONLD_TRENDING_HEADING)}</h2>
<ol class="rail__list rail__list--numbered">
{trending}
</ol>
</section>
</main>
{_jsonld_footer(page.chrome)}"""


def _newsletter_box(letter: bp.Newsletter) -> str:
    return f"""<aside class="newsletter-signup" aria-label="Newsletter sign-up">
<h2 class="newsletter-signup__title">{e(letter.heading)}</h2>
<p class="newsletter-signup__blurb">{e(letter.blurb)}</p>
<form class="newsletter-signup__form" action="/newsletter/subscribe" method="post"><label class="visually-hidden" for="newsletter-email">Email address</label><input id="newsletter-email" type="email" name="email" placeholder="you@example.com" required><button type="submit">{e(letter.button)}</button></form>
<p class="newsletter-signup__small">{e(letter.small_print)}</p>
</aside>"""


# --- AMP and print copies ------------------------------------------------------------------


def _separator(article: Article) -> str:
    return WP_SEPARATOR if article.template == "wp" else JSONLD_SEPARATOR


def _visible_date(article: Article) -> str:
    if article.template == "wp":
        return long_date(article.published)
    return ap_datetime(article.published)


def _datetime_attr(article: Article) -> str:
    if article.template == "wp":
        return iso_utc(article.published)
    return iso_local(article.published)


def render_amp(page: ArticlePage) -> str:
    """The AMP copy: the same story in a stripped-down page pointing at the canonical."""
    article = page.article
    base = page.chrome.base_url
    paragraphs = "\n".join(f"<p>{e(p)}</p>" for p in article.paragraphs)
    dek = f'<p class="amp-standfirst">{e(article.dek)}</p>\n' if article.dek else ""
    comment_link = ""
    if article.template == "wp":
        comment_link = f'<a href="{e(page.canonical)}#respond">{e(bp.AMP_COMMENT_LINK)}</a> · '
    return f"""<!doctype html>
<html amp lang="en">
<head>
<meta charset="utf-8">
<title>{e(article.title + _separator(article) + SITE_NAME)}</title>
<link rel="canonical" href="{e(page.canonical)}">
<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<script type="application/ld+json">{_json_script(_news_article_ld(page))}</script>
<style amp-boilerplate>body{{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;animation:-amp-start 8s steps(1,end) 0s 1 normal both}}@keyframes -amp-start{{from{{visibility:hidden}}to{{visibility:visible}}}}</style><noscript><style amp-boilerplate>body{{-webkit-animation:none;animation:none}}</style></noscript>
<style amp-custom>body{{font-family:Georgia,serif;margin:0}}.amp-header{{background:#14213d;padding:12px}}.amp-header a{{color:#fff}}.amp-article{{padding:16px}}</style>
</head>
<body>
<header class="amp-header" id="top"><a href="{base}/">{e(SITE_NAME)}</a></header>
<article class="amp-article">
<header class="amp-article-header">
<p class="amp-kicker">{e(section_name(article.section))}</p>
<h1 class="amp-title">{e(article.title)}</h1>
{dek}<div class="amp-meta"><span class="amp-byline">By {e(article.author)}</span> <time datetime="{_datetime_attr(article)}">{_visible_date(article)}</time></div>
</header>
<amp-img src="{base}{_photo_path(article)}" width="1200" height="675" layout="responsive" alt=""></amp-img>
<div class="amp-content">
{paragraphs}
</div>
<footer class="amp-article-footer">{comment_link}<a href="{e(page.canonical)}">{e(bp.AMP_FULL_SITE)}</a></footer>
</article>
<footer class="amp-footer"><p>{e(bp.copyright_line(page.chrome.today))}</p><a href="#top">{e(bp.AMP_BACK_TO_TOP)}</a></footer>
</body>
</html>
"""


def render_print(page: ArticlePage) -> str:
    """The printer-friendly copy: story only, a source line, and a print() call."""
    article = page.article
    paragraphs = "\n".join(f"<p>{e(p)}</p>" for p in article.paragraphs)
    dek = f'<p class="print-standfirst">{e(article.dek)}</p>\n' if article.dek else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{e(article.title + _separator(article) + SITE_NAME)}</title>
<link rel="canonical" href="{e(page.canonical)}">
<meta name="robots" content="noindex, follow">
<meta name="author" content="{e(article.author)}">
<style>body{{font:12pt/1.5 Georgia,serif;max-width:40em;margin:2em auto}}.print-masthead{{font-weight:bold;border-bottom:1px solid #000}}</style>
</head>
<body class="print-view">
<p class="print-masthead">{e(SITE_NAME)}</p>
<h1>{e(article.title)}</h1>
{dek}<p class="print-byline">By {e(article.author)} \N{EM DASH} <time datetime="{_datetime_attr(article)}">{_visible_date(article)}</time></p>
{paragraphs}
<hr>
<p class="print-source">{e(bp.PRINT_SOURCE)} {e(page.canonical)}</p>
<p class="print-copyright">{e(bp.copyright_line(page.chrome.today))} {e(bp.PRINT_NOTICE)}</p>
<script>window.onload = function () {{ window.print(); }};</script>
</body>
</html>
"""


def render_article(page: ArticlePage) -> str:
    """The canonical article page, in the template the story was published with."""
    if page.article.template == "wp":
        return _wp_article(page)
    return _jsonld_article(page)


# --- listings and fixed pages --------------------------------------------------------------


def _teaser(teaser: Teaser) -> str:
    return f"""<article class="post type-post status-publish format-standard hentry category-{teaser.section}">
<header class="entry-header">
<h2 class="entry-title"><a href="{e(teaser.href)}" rel="bookmark">{e(teaser.title)}</a></h2>
<div class="entry-meta"><span class="byline">By <a href="{e(teaser.author_href)}">{e(teaser.author)}</a></span> <span class="posted-on"><time class="entry-date published" datetime="{iso_utc(teaser.published)}">{long_date(teaser.published)}</time></span></div>
</header>
<div class="entry-summary"><p>{e(teaser.excerpt)} <a class="more-link" href="{e(teaser.href)}">Continue reading<span class="screen-reader-text"> {e(teaser.title)}</span></a></p></div>
</article>"""


def render_listing(listing: ListingPage) -> str:
    """Home, section, tag and author pages, in the old theme."""
    chrome = listing.chrome
    base = chrome.base_url
    canonical = f"{base}{listing.path}"
    extra = ""
    if listing.older:
        extra += f'<link rel="next" href="{e(base + listing.older)}">\n'
    if listing.newer:
        extra += f'<link rel="prev" href="{e(base + listing.newer)}">\n'
    title = SITE_NAME if listing.is_home else listing.heading + WP_SEPARATOR + SITE_NAME
    head = _wp_head(chrome, title, canonical, listing.intro, "website", extra)
    teasers = "\n".join(_teaser(t) for t in listing.teasers)
    links: list[str] = []
    if listing.older:
        links.append(
            f'<div class="nav-previous"><a href="{e(base + listing.older)}">Older posts</a></div>'
        )
    if listing.newer:
        links.append(
            f'<div class="nav-next"><a href="{e(base + listing.newer)}">Newer posts</a></div>'
        )
    pagination = ""
    if links:
        pagination = (
            '<nav class="navigation posts-navigation" aria-label="Posts">'
            '<h2 class="screen-reader-text">Posts navigation</h2>'
            f'<div class="nav-links">{"".join(links)}</div></nav>\n'
        )
    exclusives = ""
    if listing.exclusives:
        items = "\n".join(
            f'<li><a href="{e(link.href)}">{e(link.title)}</a> <span class="badge">Subscribers only</span></li>'
            for link in listing.exclusives
        )
        exclusives = f"""<section class="subscriber-box">
<h2 class="subscriber-box__title">{e(bp.SUBSCRIBER_BOX_HEADING)}</h2>
<ul>
{items}
</ul>
</section>
"""
    sections = ""
    if listing.is_home:
        sections = (
            '<section class="section-index"><h2>Sections</h2><ul>'
            + "".join(
                f'<li><a href="{base}/category/{s}/">{section_name(s)}</a></li>'
                for s in NAV_SECTIONS
            )
            + "</ul></section>\n"
        )
    body_class = "home blog" if listing.is_home else "archive"
    heading_tag = "screen-reader-text" if listing.is_home else "page-title"
    return f"""{head}<body class="{body_class} hfeed">
{_wp_masthead(chrome)}<div id="primary" class="content-area">
<main id="main" class="site-main">
<header class="page-header">
<h1 class="{heading_tag}">{e(listing.heading)}</h1>
<div class="archive-description"><p>{e(listing.intro)}</p></div>
</header>
{teasers}
{pagination}</main>
</div>
<aside id="secondary" class="widget-area">
{exclusives}{sections}</aside>
{_wp_footer(chrome)}"""


def render_fixed_page(chrome: Chrome, path: str, heading: str, paragraphs: Sequence[str]) -> str:
    """An about or contact page: prose, but not an article."""
    canonical = f"{chrome.base_url}{path}"
    intro = paragraphs[0] if paragraphs else heading
    head = _wp_head(chrome, heading + WP_SEPARATOR + SITE_NAME, canonical, intro, "website")
    body = "\n".join(f"<p>{e(p)}</p>" for p in paragraphs)
    return f"""{head}<body class="page-template-default page">
{_wp_masthead(chrome)}<div id="primary" class="content-area">
<main id="main" class="site-main">
<article class="page type-page status-publish hentry">
<header class="entry-header"><h1 class="entry-title">{e(heading)}</h1></header>
<div class="entry-content">
{body}
</div>
</article>
</main>
</div>
{_wp_footer(chrome)}"""


def render_not_found(chrome: Chrome, gone: bool = False) -> str:
    """The theme's error page, for 404 and 410 answers."""
    heading = (
        "This story is no longer available."
        if gone
        else "Oops! That page can\N{RIGHT SINGLE QUOTATION MARK}t be found."
    )
    text = (
        "It has been removed from our site."
        if gone
        else "It looks like nothing was found at this location."
    )
    head = _wp_head(
        chrome, heading + WP_SEPARATOR + SITE_NAME, chrome.base_url + "/", text, "website"
    )
    return f"""{head}<body class="error404">
{_wp_masthead(chrome)}<div id="primary" class="content-area">
<main id="main" class="site-main">
<section class="error-404 not-found">
<header class="page-header"><h1 class="page-title">{e(heading)}</h1></header>
<div class="page-content"><p>{e(text)}</p></div>
</section>
</main>
</div>
{_wp_footer(chrome)}"""


def render_consent_wall(chrome: Chrome, canonical: str) -> str:
    """What every story shows after a redesign put it behind a consent wall: the story's
    address, a heading and a button, none of its text, byline or date."""
    heading = "Before you continue"
    text = "We and our partners use cookies to improve your experience."
    head = _wp_head(chrome, heading + WP_SEPARATOR + SITE_NAME, canonical, text, "website")
    return f"""{head}<body class="consent">
<div class="consent-wall"><h1>{e(heading)}</h1><p>{e(text)}</p>
<button type="button">Accept all</button></div>
{_wp_footer(chrome)}"""


def render_redirect(location: str, status: int) -> str:
    """The tiny body a web server sends along with a redirect."""
    reason = {301: "Moved Permanently", 302: "Found", 307: "Temporary Redirect"}.get(
        status, "Permanent Redirect"
    )
    return (
        f"<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head><body>\n"
        f'<h1>{reason}</h1>\n<p>The document has moved <a href="{e(location)}">here</a>.</p>\n'
        "</body></html>\n"
    )
