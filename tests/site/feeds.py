"""Machine-readable documents: robots.txt, the RSS and Atom feeds, and the sitemaps."""

from __future__ import annotations

import gzip
import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from tests.site.content import SITE_NAME

FEED_DESCRIPTION = "News from Riverside and the Tessel valley"
RSS_TRACKING = "utm_source=rss&utm_medium=feed"


@dataclass(frozen=True)
class FeedItem:
    """One story as the feeds and sitemaps describe it."""

    title: str
    path: str
    author: str
    published: datetime
    modified: datetime
    section: str
    summary: str
    guid: str


def _x(text: str) -> str:
    return html.escape(text, quote=True)


def _w3c(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def robots_txt(base_url: str, crawl_delay: float | None = None) -> str:
    """The crawl rules: private stories and the control API are off limits."""
    delay = f"Crawl-delay: {crawl_delay:g}\n" if crawl_delay else ""
    return (
        "User-agent: *\n"
        "Disallow: /private/\n"
        "Disallow: /_control/\n"
        f"{delay}"
        "\n"
        f"Sitemap: {base_url}/sitemap_index.xml\n"
        f"Sitemap: {base_url}/sitemap-pages.xml\n"
    )


def rss(base_url: str, items: Sequence[FeedItem]) -> str:
    """RSS 2.0 as WordPress writes it; links carry tracking parameters, guids are not URLs."""
    built = max((item.modified for item in items), default=datetime(2026, 1, 1, tzinfo=UTC))
    entries = "\n".join(
        f"""<item>
<title>{_x(item.title)}</title>
<link>{_x(f"{base_url}{item.path}?{RSS_TRACKING}")}</link>
<comments>{_x(f"{base_url}{item.path}#respond")}</comments>
<dc:creator><![CDATA[{item.author}]]></dc:creator>
<pubDate>{format_datetime(item.published.astimezone(UTC))}</pubDate>
<category><![CDATA[{item.section}]]></category>
<guid isPermaLink="false">{_x(item.guid)}</guid>
<description>{_x(item.summary)}</description>
</item>"""
        for item in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:atom="http://www.w3.org/2005/Atom"
 xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
<title>{_x(SITE_NAME)}</title>
<atom:link href="{_x(base_url)}/feed/" rel="self" type="application/rss+xml"/>
<link>{_x(base_url)}/</link>
<description>{_x(FEED_DESCRIPTION)}</description>
<lastBuildDate>{format_datetime(built.astimezone(UTC))}</lastBuildDate>
<language>en-US</language>
<sy:updatePeriod>hourly</sy:updatePeriod>
<sy:updateFrequency>1</sy:updateFrequency>
<generator>https://wordpress.org/?v=6.6.2</generator>
{entries}
</channel>
</rss>
"""


def atom(base_url: str, items: Sequence[FeedItem]) -> str:
    """Atom 1.0; some entry links are relative and only make sense against `xml:base`."""
    updated = max((item.modified for item in items), default=datetime(2026, 1, 1, tzinfo=UTC))
    entries: list[str] = []
    for i, item in enumerate(items):
        # A third absolute, a third path-relative, a third relative to the base's path.
        href = (f"{base_url}{item.path}", item.path, item.path.lstrip("/"))[i % 3]
        entries.append(
            f"""<entry>
<author><name>{_x(item.author)}</name></author>
<title type="html">{_x(item.title)}</title>
<link rel="alternate" type="text/html" href="{_x(href)}"/>
<id>{_x(item.guid)}</id>
<updated>{_w3c(item.modified)}</updated>
<published>{_w3c(item.published)}</published>
<category scheme="{_x(base_url)}" term="{_x(item.section)}"/>
<summary type="html">{_x(item.summary)}</summary>
</entry>"""
        )
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US" xml:base="{_x(base_url)}/">
<title type="text">{_x(SITE_NAME)}</title>
<subtitle type="text">{_x(FEED_DESCRIPTION)}</subtitle>
<updated>{_w3c(updated)}</updated>
<link rel="alternate" type="text/html" href="{_x(base_url)}/"/>
<id>{_x(base_url)}/feed/atom/</id>
<link rel="self" type="application/atom+xml" href="{_x(base_url)}/feed/atom/"/>
<generator uri="https://wordpress.org/" version="6.6.2">WordPress</generator>
{body}
</feed>
"""


def sitemap_index(base_url: str, children: Sequence[tuple[str, datetime | None]]) -> str:
    """The index that robots.txt points at, naming the child sitemaps."""
    entries = "\n".join(
        f"<sitemap><loc>{_x(base_url + path)}</loc>"
        + (f"<lastmod>{_w3c(lastmod)}</lastmod>" if lastmod else "")
        + "</sitemap>"
        for path, lastmod in children
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{entries}
</sitemapindex>
"""


def news_sitemap(base_url: str, items: Sequence[FeedItem]) -> str:
    """A Google News sitemap of the latest stories."""
    entries = "\n".join(
        f"""<url>
<loc>{_x(base_url + item.path)}</loc>
<news:news>
<news:publication>
<news:name>{_x(SITE_NAME)}</news:name>
<news:language>en</news:language>
</news:publication>
<news:publication_date>{_w3c(item.published)}</news:publication_date>
<news:title>{_x(item.title)}</news:title>
</news:news>
</url>"""
        for item in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{entries}
</urlset>
"""


def urlset(base_url: str, entries: Sequence[tuple[str, datetime | None]]) -> str:
    """A plain sitemap of paths, with `<lastmod>` where one is known."""
    urls = "\n".join(
        f"<url><loc>{_x(base_url + path)}</loc>"
        + (f"<lastmod>{_w3c(lastmod)}</lastmod>" if lastmod else "")
        + "</url>"
        for path, lastmod in entries
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
"""


def gzipped(text: str) -> bytes:
    """Gzip with a fixed timestamp, so the same sitemap always has the same bytes."""
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
