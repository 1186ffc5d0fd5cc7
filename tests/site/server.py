"""The Riverside Ledger as a running site: its state, its controls and its HTTP server."""

from __future__ import annotations

import gzip
import hashlib
import math
import random
import re
import socket
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from time import monotonic, sleep
from typing import Any, Literal, cast
from urllib.parse import parse_qs, unquote, urljoin

from tests.site import boilerplate as bp
from tests.site import control, feeds, generate
from tests.site import templates as tpl
from tests.site.content import (
    ABOUT_PARAGRAPHS,
    ARTICLES,
    AUTHORS,
    CONTACT_PARAGRAPHS,
    PRIVATE_ARTICLES,
    SECTIONS,
    Article,
    Author,
    Template,
)
from tests.site.replies import ATOM, GZIP, HTML, RSS, TEXT, XML, Reply

Kind = Literal["canonical", "amp", "print"]
State = Literal["live", "gone", "redirected"]
# Where a story is linked from: everywhere, only the gzipped archive sitemap, or only the feeds.
Visibility = Literal["listed", "archive_only", "feed_only"]

PAGE_SIZE = 5
HOME_SIZE = 12
FEED_SIZE = 10
NEWS_SITEMAP_SIZE = 8
TAG_PAGE_SIZE = 20
ARCHIVE_ONLY_COUNT = 3
# Ranks (newest first) of the feed-only stories: recent enough to stay in the feeds for a while.
FEED_ONLY_RANKS = (3, 4)
REDIRECT_STATUSES = (301, 302, 307, 308)
GONE_STATUSES = (404, 410)

HOME_TRACKING = "utm_source=homepage&utm_medium=referral"
SIDEBAR_TRACKING = "utm_source=trending&utm_medium=widget&utm_campaign=sidebar"
RAIL_TRACKING = "utm_source=trending&utm_medium=rail"
PAGES_LASTMOD = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

_WP_ARTICLE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)/(amp/)?")
_WP_BARE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)")
_CMS_ARTICLE = re.compile(r"/(amp/|print/)?news/(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)\.html")
_PRIVATE = re.compile(r"/private/(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)/(amp/)?")
_CATEGORY = re.compile(r"/category/([a-z-]+)/(?:page/(\d+)/)?")
_TAG = re.compile(r"/tag/([a-z0-9-]+)/")
_AUTHOR = re.compile(r"/author/([a-z0-9-]+)/")


@dataclass
class _Story:
    article: Article
    number: int
    visibility: Visibility
    modified: datetime
    private: bool = False
    # The modification the page states (dateModified, its "Updated" line) when a silent
    # edit left it behind; None: the last modification.
    stated: datetime | None = None
    history: list[Article] = field(default_factory=list)
    edits: int = 0
    furniture: int = 0
    state: State = "live"
    gone_status: int = 404
    redirect_to: str | None = None
    redirect_status: int = 301


def _split(target: str) -> tuple[str, str]:
    path, _, query = target.partition("?")
    path = path.partition("#")[0]
    query = query.partition("#")[0]
    if not path.startswith("/") and "://" in path:
        # An absolute-form request target names the origin first.
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    return path or "/", query


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _whole_seconds(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def _conditional(reply: Reply, headers: Mapping[str, str]) -> Reply:
    """Turn a 200 into a 304 when the client's validators still hold."""
    if reply.status != 200 or reply.etag is None:
        return reply
    not_modified = replace(reply, status=304)
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return not_modified if "*" in tags or reply.etag in tags else reply
    if_modified_since = headers.get("if-modified-since")
    if if_modified_since and reply.last_modified is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return reply
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        if since >= reply.last_modified:
            return not_modified
    return reply


def _html(status: int, page: str, **extra: Any) -> Reply:
    return Reply(status, page.encode("utf-8"), HTML, compressible=True, **extra)


class NewsSite:
    """A news site whose every story is known, and whose state tests can change at will."""

    def __init__(
        self,
        articles: Sequence[Article] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        # The build of the site's software (redeploy): 0 leaves the pages as they were.
        self.build = 0
        self._counts_lock = threading.Lock()
        self._clock = clock or (lambda: datetime.now().astimezone())
        self.base_url = ""
        # Seconds robots.txt asks crawlers to wait between requests (none by default).
        self.crawl_delay: float | None = None
        self.requests: Counter[str] = Counter()
        self.requests_full: Counter[str] = Counter()
        self.statuses: Counter[tuple[str, int]] = Counter()
        # (monotonic time, path, status) of every counted request, in order.
        self.log: list[tuple[float, str, int]] = []
        self.user_agents: Counter[str] = Counter()
        self._refusals: dict[str, tuple[int, str, int]] = {}
        self._hangs: dict[str, float] = {}
        # Every request answers this status (an outage), when set.
        self._outage: int | None = None
        # Every story shows a consent wall instead of itself (a redesign gone wrong).
        self.consent_wall = False
        self._published = 0
        corpus = sorted(ARTICLES if articles is None else articles, key=lambda a: a.published)
        self._stories: dict[str, _Story] = {}
        self._by_slug: dict[str, str] = {}
        newest_first = [a.id for a in reversed(corpus)]
        feed_only = {
            newest_first[rank - 1]
            for rank in FEED_ONLY_RANKS
            if len(corpus) >= 2 * HOME_SIZE and rank <= len(corpus)
        }
        archive_only = {a.id for a in corpus[:ARCHIVE_ONLY_COUNT]} if len(corpus) >= 20 else set()
        for index, article in enumerate(corpus):
            visibility: Visibility = "listed"
            if article.id in feed_only:
                visibility = "feed_only"
            elif article.id in archive_only:
                visibility = "archive_only"
            self._add(article, 2100 + 37 * index, visibility)
        self._private = {
            a.slug: _Story(
                article=a,
                number=1900 + index,
                visibility="listed",
                modified=_whole_seconds(a.updated or a.published),
                private=True,
            )
            for index, a in enumerate(PRIVATE_ARTICLES)
        }
        self._authors = {a.name: a for a in AUTHORS}

    @classmethod
    def generated(cls, n: int, seed: int = 0) -> NewsSite:
        """A site of `n` synthetic stories, the same for the same seed."""
        return cls(generate.generate_articles(n, seed))

    def _add(self, article: Article, number: int, visibility: Visibility) -> _Story:
        if article.id in self._stories:
            raise ValueError(f"duplicate article id {article.id!r}")
        if article.slug in self._by_slug:
            raise ValueError(f"duplicate slug {article.slug!r}")
        if article.template not in ("wp", "jsonld"):
            raise ValueError(f"unknown template {article.template!r}")
        story = _Story(
            article=article,
            number=number,
            visibility=visibility,
            modified=_whole_seconds(article.updated or article.published),
        )
        self._stories[article.id] = story
        self._by_slug[article.slug] = article.id
        return story

    # --- time ------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._clock().astimezone(UTC)

    def _today(self) -> date:
        return self._clock().date()

    def _chrome(self) -> tpl.Chrome:
        return tpl.Chrome(base_url=self.base_url, today=self._today())

    # --- addresses -------------------------------------------------------------------------

    @staticmethod
    def _path(article: Article, kind: Kind = "canonical", private: bool = False) -> str:
        day = article.published.astimezone(UTC)
        ymd = f"{day:%Y}/{day:%m}/{day:%d}"
        if private or article.template == "wp":
            base = f"/private/{ymd}/{article.slug}/" if private else f"/{ymd}/{article.slug}/"
            return {"canonical": base, "amp": base + "amp/", "print": base + "?print=1"}[kind]
        tail = f"news/{ymd}/{article.slug}.html"
        return {"canonical": "/" + tail, "amp": "/amp/" + tail, "print": "/print/" + tail}[kind]

    def url(self, article_id: str, kind: Kind = "canonical") -> str:
        """An article's address; relative until the site is served."""
        with self._lock:
            return self.base_url + self._path(self._story(article_id).article, kind)

    def article_ids(self) -> list[str]:
        """Every article's id, oldest first, whatever its state."""
        with self._lock:
            return [s.article.id for s in self._oldest_first()]

    def article(self, article_id: str) -> Article:
        """An article as it currently reads."""
        with self._lock:
            return self._story(article_id).article

    def _story(self, article_id: str) -> _Story:
        try:
            return self._stories[article_id]
        except KeyError:
            raise KeyError(f"no article {article_id!r}") from None

    def _story_url(self, story: _Story, kind: Kind = "canonical") -> str:
        return self.base_url + self._path(story.article, kind, story.private)

    # --- listings --------------------------------------------------------------------------

    def _oldest_first(self) -> list[_Story]:
        return sorted(self._stories.values(), key=lambda s: (s.article.published, s.number))

    def _live(self) -> list[_Story]:
        """Live stories, newest first."""
        return [s for s in reversed(self._oldest_first()) if s.state == "live"]

    def _listed(self) -> list[_Story]:
        return [s for s in self._live() if s.visibility == "listed"]

    def _feed_items(self) -> list[_Story]:
        return [s for s in self._live() if s.visibility != "archive_only"][:FEED_SIZE]

    def _news_items(self) -> list[_Story]:
        return [s for s in self._live() if s.visibility == "listed"][:NEWS_SITEMAP_SIZE]

    def _archive_items(self) -> list[_Story]:
        news = {s.article.id for s in self._news_items()}
        return [s for s in self._live() if s.visibility != "feed_only" and s.article.id not in news]

    def _section_items(self, section: str) -> list[_Story]:
        return [s for s in self._listed() if s.article.section == section]

    def _tags(self) -> dict[str, str]:
        """Tag slug -> display name, over every story ever published."""
        names: dict[str, str] = {}
        for story in self._oldest_first():
            for tag in story.article.tags:
                names.setdefault(tpl.tag_path(tag).split("/")[2], tag)
        return names

    # --- pages -----------------------------------------------------------------------------

    def _link(self, story: _Story, href: str) -> tpl.Link:
        return tpl.Link(
            title=story.article.title,
            href=href,
            published=story.article.published,
            section=story.article.section,
        )

    def _page(self, story: _Story, listed: Sequence[_Story] | None = None) -> tpl.ArticlePage:
        """The article with its furniture; the furniture depends only on the site's state."""
        article = story.article
        others = [s for s in (self._listed() if listed is None else listed) if s is not story]
        rng = random.Random(f"{article.id}/furniture/{story.furniture}")
        same = [s for s in others if s.article.section == article.section]
        wanted = 3 if article.template == "wp" else 4
        pool = same if len(same) >= wanted else others
        related = rng.sample(pool, k=min(wanted, len(pool)))
        trending = rng.sample(others, k=min(5, len(others)))
        most_read = rng.sample(others, k=min(5, len(others)))
        read_more = rng.choice(pool) if pool and article.template == "jsonld" else None

        def trending_href(index: int, other: _Story) -> str:
            url = self._story_url(other)
            if article.template == "wp":
                hrefs = (
                    url,
                    self._story_url(other, "amp"),
                    f"{url}?{SIDEBAR_TRACKING}",
                    self._story_url(other, "print"),
                    url,
                )
                return hrefs[index % len(hrefs)]
            return f"{url}?{RAIL_TRACKING}" if index % 3 == 0 else url

        stable = random.Random(f"{article.id}/comments")
        first = stable.sample(range(len(bp.COMMENTS)), 2)
        picks = first + [
            (first[1] + 5 * rev) % len(bp.COMMENTS) for rev in range(1, story.furniture + 1)
        ]
        comments = tuple(
            tpl.Comment(
                number=story.number * 100 + i,
                name=bp.COMMENTERS[(pick + 3 * i) % len(bp.COMMENTERS)],
                posted=article.published
                + timedelta(hours=2 + 9 * i, minutes=(story.number + 17 * i) % 60),
                text=bp.COMMENTS[pick],
            )
            for i, pick in enumerate(picks)
        )
        return tpl.ArticlePage(
            chrome=self._chrome(),
            article=article,
            author=self._author(article.author),
            number=story.number,
            modified=story.stated or story.modified,
            canonical=self._story_url(story),
            amp_url=self._story_url(story, "amp"),
            print_url=self._story_url(story, "print"),
            related=tuple(self._link(s, self._story_url(s)) for s in related),
            trending=tuple(self._link(s, trending_href(i, s)) for i, s in enumerate(trending)),
            most_read=tuple(self._link(s, self._story_url(s)) for s in most_read),
            comment_count=stable.randint(2, 48) + 3 * story.furniture,
            comments=comments,
            newsletter=bp.NEWSLETTERS[(story.number + story.furniture) % len(bp.NEWSLETTERS)],
            read_more=self._link(read_more, self._story_url(read_more)) if read_more else None,
            caption=bp.CAPTIONS[story.number % len(bp.CAPTIONS)],
            photo_alt=bp.PHOTO_ALTS[story.number % len(bp.PHOTO_ALTS)],
        )

    def _author(self, name: str) -> Author:
        author = self._authors.get(name)
        if author is None:
            slug = generate.slugify(name)
            author = Author(name=name, slug=slug, bio=f"{name} writes for the Ledger.", sections=())
        return author

    def html(self, article_id: str, kind: Kind = "canonical") -> str:
        """The page an article's URL serves now (as a live story), without going through HTTP."""
        with self._lock:
            page = self._page(self._story(article_id))
            if kind == "amp":
                return tpl.render_amp(page)
            if kind == "print":
                return tpl.render_print(page)
            return tpl.render_article(page)

    def _teaser(self, story: _Story, href: str) -> tpl.Teaser:
        article = story.article
        author = self._author(article.author)
        return tpl.Teaser(
            title=article.title,
            href=href,
            excerpt=article.dek or tpl.excerpt(article),
            author=article.author,
            author_href=f"{self.base_url}/author/{author.slug}/",
            published=article.published,
            section=article.section,
        )

    # --- request handling ------------------------------------------------------------------

    def respond(self, method: str, target: str, headers: Mapping[str, str] | None = None) -> Reply:
        """Answer one request for a public page (anything but the control API), counting it."""
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        path, query = _split(target)
        with self._lock:
            stall = self._hangs.get(path, 0.0)
        if stall:
            sleep(stall)  # in this request's own thread: other requests go on
        refusal = self._take_refusal(path)
        with self._lock:
            outage = self._outage
        if outage is not None:
            reply = _html(outage, tpl.render_not_found(self._chrome()))
        elif refusal is not None:
            reply = refusal
        elif method not in ("GET", "HEAD"):
            reply = _html(405, tpl.render_not_found(self._chrome()), headers={"Allow": "GET, HEAD"})
        else:
            with self._lock:
                reply = self._route(unquote(path), parse_qs(query))
            reply = _conditional(reply, lowered)
        self._record(path, query, reply.status, lowered.get("user-agent", ""))
        return reply

    def refuse(self, path: str, status: int = 429, retry_after: str = "1", times: int = 1) -> None:
        """Answer the next *times* requests for *path* with *status* and a Retry-After header,
        as an overloaded or rate-limiting server does."""
        with self._lock:
            self._refusals[path] = (status, retry_after, times)

    def take_down(self, status: int = 503) -> None:
        """Answer every request with *status*, as a site whose servers are down does."""
        with self._lock:
            self._outage = status

    def bring_up(self) -> None:
        with self._lock:
            self._outage = None

    def hang(self, path: str, seconds: float) -> None:
        """Answer requests for *path* only after *seconds*, like a server that stalls."""
        with self._lock:
            self._hangs[path] = seconds

    def _take_refusal(self, path: str) -> Reply | None:
        with self._lock:
            if path not in self._refusals:
                return None
            status, retry_after, times = self._refusals[path]
            if times <= 1:
                del self._refusals[path]
            else:
                self._refusals[path] = (status, retry_after, times - 1)
        return _html(
            status, tpl.render_not_found(self._chrome()), headers={"Retry-After": retry_after}
        )

    def _record(self, path: str, query: str, status: int, user_agent: str = "") -> None:
        with self._counts_lock:
            self.user_agents[user_agent] += 1
            self.log.append((monotonic(), path, status))
            self.requests[path] += 1
            self.requests_full[f"{path}?{query}" if query else path] += 1
            self.statuses[(path, status)] += 1

    def reset_counts(self) -> None:
        """Forget every request seen so far."""
        with self._counts_lock:
            self.requests.clear()
            self.requests_full.clear()
            self.statuses.clear()
            self.log.clear()
            self.user_agents.clear()

    def counts(self) -> dict[str, Any]:
        """The request counters as JSON-ready data."""
        with self._counts_lock:
            statuses: dict[str, dict[str, int]] = {}
            for (path, status), n in sorted(self.statuses.items()):
                statuses.setdefault(path, {})[str(status)] = n
            return {
                "requests": dict(sorted(self.requests.items())),
                "requests_full": dict(sorted(self.requests_full.items())),
                "statuses": statuses,
                "total": sum(self.requests.values()),
            }

    def _route(self, path: str, query: dict[str, list[str]]) -> Reply:
        fixed: dict[str, Callable[[], Reply]] = {
            "/": self._home,
            "/robots.txt": lambda: Reply(
                200, feeds.robots_txt(self.base_url, self.crawl_delay).encode(), TEXT
            ),
            "/feed/": self._rss,
            "/feed/atom/": self._atom,
            "/sitemap_index.xml": self._sitemap_index,
            "/news-sitemap.xml": self._news_sitemap,
            "/sitemaps/archive.xml.gz": self._archive_sitemap,
            "/sitemap-pages.xml": self._pages_sitemap,
            "/about/": lambda: self._fixed("/about/", "About us", ABOUT_PARAGRAPHS),
            "/contact/": lambda: self._fixed("/contact/", "Contact", CONTACT_PARAGRAPHS),
        }
        if path in fixed:
            return fixed[path]()
        patterns: tuple[
            tuple[re.Pattern[str], Callable[[re.Match[str], dict[str, list[str]]], Reply]], ...
        ] = (
            (_WP_ARTICLE, self._wp_article),
            (_WP_BARE, self._wp_bare),
            (_CMS_ARTICLE, self._cms_article),
            (_PRIVATE, self._private_article),
            (_CATEGORY, self._category),
            (_TAG, self._tag),
            (_AUTHOR, self._author_page),
        )
        for pattern, handler in patterns:
            match = pattern.fullmatch(path)
            if match:
                return handler(match, query)
        return self._not_found()

    def _not_found(self) -> Reply:
        return _html(404, tpl.render_not_found(self._chrome()))

    def _find(self, slug: str, template: Template, ymd: tuple[str, str, str]) -> _Story | None:
        story = self._stories.get(self._by_slug.get(slug, ""))
        if story is None or story.article.template != template:
            return None
        day = story.article.published.astimezone(UTC)
        if (f"{day:%Y}", f"{day:%m}", f"{day:%d}") != ymd:
            return None
        return story

    def _wp_article(self, match: re.Match[str], query: dict[str, list[str]]) -> Reply:
        story = self._find(match[4], "wp", (match[1], match[2], match[3]))
        if story is None:
            return self._not_found()
        kind: Kind = "amp" if match[5] else "canonical"
        if kind == "canonical" and query.get("print", [""])[0] == "1":
            kind = "print"
        return self._article_reply(story, kind)

    def _wp_bare(self, match: re.Match[str], query: dict[str, list[str]]) -> Reply:
        # WordPress adds the missing trailing slash with a permanent redirect.
        story = self._find(match[4], "wp", (match[1], match[2], match[3]))
        if story is None:
            return self._not_found()
        return self._redirect_reply(self._story_url(story), 301)

    def _cms_article(self, match: re.Match[str], query: dict[str, list[str]]) -> Reply:
        story = self._find(match[5], "jsonld", (match[2], match[3], match[4]))
        if story is None:
            return self._not_found()
        kinds: dict[str, Kind] = {"amp/": "amp", "print/": "print"}
        kind = kinds.get(match[1] or "", "canonical")
        return self._article_reply(story, kind)

    def _private_article(self, match: re.Match[str], query: dict[str, list[str]]) -> Reply:
        story = self._private.get(match[4])
        if (
            story is None
            or self._path(story.article, private=True)
            != f"/private/{match[1]}/{match[2]}/{match[3]}/{match[4]}/"
        ):
            return self._not_found()
        kind: Kind = "amp" if match[5] else "canonical"
        if kind == "canonical" and query.get("print", [""])[0] == "1":
            kind = "print"
        return self._article_reply(story, kind)

    def _article_reply(self, story: _Story, kind: Kind) -> Reply:
        if story.state == "gone":
            return _html(
                story.gone_status,
                tpl.render_not_found(self._chrome(), gone=story.gone_status == 410),
            )
        if story.state == "redirected":
            return self._redirect_reply(self._redirect_target(story), story.redirect_status)
        page = self._page(story)
        if self.consent_wall:
            text = tpl.render_consent_wall(self._chrome(), page.canonical)
        elif kind == "amp":
            text = tpl.render_amp(page)
        elif kind == "print":
            text = tpl.render_print(page)
        else:
            text = tpl.render_article(page)
        if self.build:
            text += f"\n<!-- build {self.build} -->\n"
        body = text.encode("utf-8")
        headers = {
            "ETag": _etag(body),
            "Last-Modified": format_datetime(story.modified, usegmt=True),
            "Cache-Control": "no-cache",
        }
        return Reply(
            200,
            body,
            HTML,
            headers=headers,
            compressible=True,
            etag=headers["ETag"],
            last_modified=story.modified,
        )

    def _redirect_reply(self, location: str, status: int) -> Reply:
        return _html(status, tpl.render_redirect(location, status), headers={"Location": location})

    def _redirect_target(self, story: _Story) -> str:
        target = story.redirect_to or "/"
        if target in self._stories:
            return self._story_url(self._stories[target])
        return urljoin(self.base_url + "/", target)

    def _home(self) -> Reply:
        teasers = []
        for index, story in enumerate(self._listed()[:HOME_SIZE]):
            url = self._story_url(story)
            href = (url, f"{url}?{HOME_TRACKING}", f"{url}#comments")[index % 3]
            teasers.append(self._teaser(story, href))
        exclusives = tuple(
            tpl.Link(title=s.article.title, href=self._story_url(s)) for s in self._private.values()
        )
        listing = tpl.ListingPage(
            chrome=self._chrome(),
            path="/",
            heading="Latest news",
            intro=tpl.TAGLINE,
            teasers=tuple(teasers),
            exclusives=exclusives,
            is_home=True,
        )
        return _html(200, tpl.render_listing(listing))

    def _category(self, match: re.Match[str], query: dict[str, list[str]]) -> Reply:
        section, number = match[1], match[2]
        if section not in SECTIONS:
            return self._not_found()
        if number == "1":
            return self._redirect_reply(f"{self.base_url}/category/{section}/", 301)
        page = int(number or "1")
        items = self._section_items(section)
        pages = max(1, math.ceil(len(items) / PAGE_SIZE))
        if page < 1 or page > pages:
            return self._not_found()
        chunk = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        older = f"/category/{section}/page/{page + 1}/" if page < pages else None
        newer = None
        if page == 2:
            newer = f"/category/{section}/"
        elif page > 2:
            newer = f"/category/{section}/page/{page - 1}/"
        name = tpl.section_name(section)
        listing = tpl.ListingPage(
            chrome=self._chrome(),
            path=f"/category/{section}/" + (f"page/{page}/" if page > 1 else ""),
            heading=f"Category: {name}",
            intro=f"The latest {name.lower()} news from Riverside and the Tessel valley.",
            teasers=tuple(self._teaser(s, self._story_url(s)) for s in chunk),
            older=older,
            newer=newer,
        )
        return _html(200, tpl.render_listing(listing))

    def _tag(self, match: re.Match[str], query: dict[str, list[str]]) -> Reply:
        name = self._tags().get(match[1])
        if name is None:
            return self._not_found()
        items = [s for s in self._listed() if name in s.article.tags][:TAG_PAGE_SIZE]
        listing = tpl.ListingPage(
            chrome=self._chrome(),
            path=f"/tag/{match[1]}/",
            heading=f"Tag: {name}",
            intro=f"Stories tagged {name}.",
            teasers=tuple(self._teaser(s, self._story_url(s)) for s in items),
        )
        return _html(200, tpl.render_listing(listing))

    def _author_page(self, match: re.Match[str], query: dict[str, list[str]]) -> Reply:
        author = next((a for a in self._authors.values() if a.slug == match[1]), None)
        if author is None:
            return self._not_found()
        items = [s for s in self._listed() if s.article.author == author.name][:TAG_PAGE_SIZE]
        listing = tpl.ListingPage(
            chrome=self._chrome(),
            path=f"/author/{author.slug}/",
            heading=author.name,
            intro=author.bio,
            teasers=tuple(self._teaser(s, self._story_url(s)) for s in items),
        )
        return _html(200, tpl.render_listing(listing))

    def _fixed(self, path: str, heading: str, paragraphs: Sequence[str]) -> Reply:
        return _html(200, tpl.render_fixed_page(self._chrome(), path, heading, paragraphs))

    def _feed_item(self, story: _Story) -> feeds.FeedItem:
        article = story.article
        if article.template == "wp":
            guid = f"{self.base_url}/?p={story.number}"
        else:
            guid = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'riverside-ledger/' + article.id)}"
        return feeds.FeedItem(
            title=article.title,
            path=self._path(article),
            author=article.author,
            published=article.published,
            modified=story.modified,
            section=tpl.section_name(article.section),
            summary=article.dek or tpl.excerpt(article, 40),
            guid=guid,
        )

    def _rss(self) -> Reply:
        items = [self._feed_item(s) for s in self._feed_items()]
        return Reply(200, feeds.rss(self.base_url, items).encode(), RSS, compressible=True)

    def _atom(self) -> Reply:
        items = [self._feed_item(s) for s in self._feed_items()]
        return Reply(200, feeds.atom(self.base_url, items).encode(), ATOM, compressible=True)

    def _sitemap_index(self) -> Reply:
        def newest(stories: Sequence[_Story]) -> datetime | None:
            return max((s.modified for s in stories), default=None)

        children = [
            ("/news-sitemap.xml", newest(self._news_items())),
            ("/sitemaps/archive.xml.gz", newest(self._archive_items())),
        ]
        text = feeds.sitemap_index(self.base_url, children)
        return Reply(200, text.encode(), XML, compressible=True)

    def _news_sitemap(self) -> Reply:
        items = [self._feed_item(s) for s in self._news_items()]
        return Reply(200, feeds.news_sitemap(self.base_url, items).encode(), XML, compressible=True)

    def _archive_sitemap(self) -> Reply:
        entries = [(self._path(s.article), s.modified) for s in self._archive_items()]
        # Served as a file download: gzip is the content, not a transfer encoding.
        return Reply(200, feeds.gzipped(feeds.urlset(self.base_url, entries)), GZIP)

    def _pages_sitemap(self) -> Reply:
        entries: list[tuple[str, datetime | None]] = [
            ("/about/", PAGES_LASTMOD),
            ("/contact/", PAGES_LASTMOD),
        ]
        return Reply(200, feeds.urlset(self.base_url, entries).encode(), XML, compressible=True)

    # --- controls --------------------------------------------------------------------------

    def _touch(self, story: _Story) -> None:
        # Strictly increasing, so If-Modified-Since never hides two edits in the same second.
        story.modified = max(_whole_seconds(self._now()), story.modified + timedelta(seconds=1))

    def _rewrite(self, story: _Story, article: Article, *, silent: bool = False) -> None:
        stated = story.stated or story.modified
        story.history.append(story.article)
        story.article = article
        story.edits += 1
        self._touch(story)
        # A silent edit: the page goes on stating the modification before it.
        story.stated = stated if silent else None

    def fix_word(self, article_id: str, old: str, new: str, *, silent: bool = False) -> None:
        """Replace the first *old* word of the body with *new* (a typo fixed, a fact
        changed); *silent*: the page's stated modification stays as it was."""
        with self._lock:
            story = self._story(article_id)
            paragraphs = list(story.article.paragraphs)
            for index, paragraph in enumerate(paragraphs):
                changed = re.sub(rf"\b{re.escape(old)}\b", new, paragraph, count=1)
                if changed != paragraph:
                    paragraphs[index] = changed
                    break
            else:
                raise ValueError(f"no word {old!r} in article {article_id!r}")
            article = replace(story.article, paragraphs=tuple(paragraphs))
            self._rewrite(story, article, silent=silent)

    def edit_body(self, article_id: str, text: str | None = None, *, silent: bool = False) -> str:
        """Insert a paragraph in the middle of the body; return the paragraph. *silent*: the
        page's stated modification stays as it was."""
        with self._lock:
            story = self._story(article_id)
            if text is None:
                taken = {p for s in self._stories.values() for p in s.article.paragraphs}
                rng = random.Random(f"{article_id}/edit/{story.edits}")
                text = generate.new_paragraph(rng, taken)
            text = " ".join(text.split())
            if not text:
                raise ValueError("an inserted paragraph needs some text")
            paragraphs = list(story.article.paragraphs)
            paragraphs.insert(len(paragraphs) // 2, text)
            self._rewrite(
                story, replace(story.article, paragraphs=tuple(paragraphs)), silent=silent
            )
            return text

    def edit_title(self, article_id: str, title: str | None = None) -> str:
        """Change the headline; return the new one."""
        with self._lock:
            story = self._story(article_id)
            if title is None:
                original = (story.history[0] if story.history else story.article).title
                title = generate.new_title(original, story.edits, story.article.title)
            title = " ".join(title.split())
            if not title:
                raise ValueError("a headline needs some text")
            self._rewrite(story, replace(story.article, title=title))
            return title

    def redeploy(self) -> None:
        """A new build of the site's software: every article page's bytes change (a comment
        names the build), and nothing any extractor reads does."""
        with self._lock:
            self.build += 1

    def edit_boilerplate(self, article_id: str | None = None) -> None:
        """Change the page around the story (comments, widgets, newsletter), not the story."""
        with self._lock:
            if article_id is None:
                stories = [*self._stories.values(), *self._private.values()]
            else:
                stories = [self._story(article_id)]
            for story in stories:
                story.furniture += 1

    def revert(self, article_id: str) -> None:
        """Undo the latest body or title edit; the restored text counts as a new edit."""
        with self._lock:
            story = self._story(article_id)
            if not story.history:
                raise ValueError(f"article {article_id!r} has no edit to revert")
            story.article = story.history.pop()
            self._touch(story)

    def publish(self, section: str | None = None, template: str | None = None) -> str:
        """Publish a new story at the top of every listing; return its id."""
        with self._lock:
            count = self._published
            section = section or SECTIONS[count % len(SECTIONS)]
            if section not in SECTIONS:
                raise ValueError(f"unknown section {section!r}")
            chosen = template or generate.default_template(section)
            if chosen not in ("wp", "jsonld"):
                raise ValueError(f"unknown template {chosen!r}")
            # Yesterday at noon, after everything else: the masthead's date stays unique.
            yesterday = self._today() - timedelta(days=1)
            moment = datetime.combine(yesterday, time(12, 0), tzinfo=UTC) + timedelta(
                minutes=7 * count
            )
            latest = max((s.article.published for s in self._stories.values()), default=moment)
            moment = max(moment, latest + timedelta(minutes=1))
            stories = self._stories.values()
            article = generate.make_article(
                random.Random(f"publish/{count}"),
                article_id=f"new-{count + 1:02d}",
                section=section,
                template=cast(Template, chosen),
                published=moment,
                titles={s.article.title for s in stories},
                slugs=set(self._by_slug),
                paragraphs={p for s in stories for p in s.article.paragraphs},
            )
            self._published += 1
            number = max((s.number for s in stories), default=2000) + 37
            self._add(article, number, "listed")
            return article.id

    def unpublish(self, article_id: str, status: int = 404) -> None:
        """Take a story down: its URLs answer `status` (404 or 410) and listings drop it."""
        if status not in GONE_STATUSES:
            raise ValueError(f"an unpublished article answers 404 or 410, not {status}")
        with self._lock:
            story = self._story(article_id)
            story.state = "gone"
            story.gone_status = status
            story.redirect_to = None

    def redirect(self, article_id: str, to: str, status: int = 301) -> None:
        """Move a story: its URLs redirect to another article (by id) or to a URL."""
        if status not in REDIRECT_STATUSES:
            raise ValueError(f"a redirect answers one of {REDIRECT_STATUSES}, not {status}")
        with self._lock:
            story = self._story(article_id)
            if to == article_id:
                raise ValueError("an article cannot redirect to itself")
            if to not in self._stories and not to.startswith(("http://", "https://", "/")):
                raise ValueError(f"{to!r} is neither an article id nor a URL")
            story.state = "redirected"
            story.redirect_to = to
            story.redirect_status = status

    # --- ground truth ----------------------------------------------------------------------

    def _discovery(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {story_id: [] for story_id in self._stories}
        listed = self._listed()
        sources: list[tuple[str, Sequence[_Story]]] = [
            ("home", listed[:HOME_SIZE]),
            ("section", listed),
            ("feed", self._feed_items()),
            ("atom", self._feed_items()),
            ("news_sitemap", self._news_items()),
            ("archive_sitemap", self._archive_items()),
        ]
        for name, stories in sources:
            for story in stories:
                found[story.article.id].append(name)
        return found

    def _non_article_paths(self) -> list[str]:
        paths = ["/"]
        for section in SECTIONS:
            pages = max(1, math.ceil(len(self._section_items(section)) / PAGE_SIZE))
            paths.append(f"/category/{section}/")
            paths += [f"/category/{section}/page/{n}/" for n in range(2, pages + 1)]
        paths += [f"/tag/{slug}/" for slug in sorted(self._tags())]
        paths += [f"/author/{a.slug}/" for a in self._authors.values()]
        return [*paths, "/about/", "/contact/"]

    def truth(self) -> dict[str, Any]:
        """What a perfect crawl would find, as JSON-ready data."""
        with self._lock:
            today = self._today()
            listed = self._listed()
            found = self._discovery()
            articles = []
            for story in self._oldest_first():
                article = story.article
                redirect_to = self._redirect_target(story) if story.state == "redirected" else None
                status = {"live": 200, "gone": story.gone_status}.get(
                    story.state, story.redirect_status
                )
                furniture = (
                    tpl.page_furniture(self._page(story, listed)) if story.state == "live" else []
                )
                articles.append(
                    {
                        "id": article.id,
                        "url": self._story_url(story),
                        "amp_url": self._story_url(story, "amp"),
                        "print_url": self._story_url(story, "print"),
                        "template": article.template,
                        "section": article.section,
                        "title": article.title,
                        "author": article.author,
                        "published": tpl.iso_utc(article.published),
                        "published_date": article.published.astimezone(UTC).date().isoformat(),
                        "modified": tpl.iso_utc(story.modified),
                        "dek": article.dek,
                        "tags": list(article.tags),
                        "paragraphs": list(article.paragraphs),
                        "state": story.state,
                        "status": status,
                        "redirect_to": redirect_to,
                        "visibility": story.visibility,
                        "discovered_via": found[article.id],
                        "page_boilerplate": furniture,
                    }
                )
            return {
                "base_url": self.base_url,
                "today_banner": bp.date_banner(today),
                "articles": articles,
                "private_urls": [self._story_url(s) for s in self._private.values()],
                "non_article_urls": [self.base_url + p for p in self._non_article_paths()],
                "boilerplate": bp.site_wide(today),
            }


# --- HTTP --------------------------------------------------------------------------------


def _accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header admits gzip (an explicit q=0 refuses it)."""
    verdict: dict[str, bool] = {}
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        verdict[coding.strip().lower()] = quality > 0
    if "gzip" in verdict:
        return verdict["gzip"]
    if "x-gzip" in verdict:
        return verdict["x-gzip"]
    return verdict.get("*", False)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: NewsSite) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def finish_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        try:
            super().finish_request(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.discard(request)

    def close_connections(self) -> None:
        """Hang up on idle keep-alive clients, so nothing is served after shutdown."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-answer are normal for crawlers; anything else is a bug.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx/1.26.2"
    sys_version = ""
    # Idle keep-alive connections give up after this long.
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read the counters, not a log."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        site = cast(_Server, self.server).site
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.send_error(400, "Bad Content-Length")
            return
        body = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        if _split(self.path)[0].startswith(control.PREFIX):
            reply = control.handle(site, method, self.path, body)
        else:
            reply = site.respond(method, self.path, headers)
        self._send(reply, method, headers)

    def _send(self, reply: Reply, method: str, headers: Mapping[str, str]) -> None:
        body = reply.body
        extra = dict(reply.headers)
        if reply.compressible:
            extra["Vary"] = "Accept-Encoding"
        self.send_response(reply.status)
        if reply.status == 304:
            # No body, so nothing about one: a client must not try to decode or frame it.
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            return
        if (
            reply.compressible
            and len(body) > 1024
            and _accepts_gzip(headers.get("accept-encoding", ""))
        ):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            extra["Content-Encoding"] = "gzip"
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)


def _url_host(host: str) -> str:
    return "127.0.0.1" if host in ("", "0.0.0.0") else host


class SiteHost:
    """A server whose site tests can replace: the tests of a module share its address (so an
    archive made once for the module holds the very URLs each test's site serves), each test
    with a site of its own, fresh."""

    def __init__(self, server: _Server, base_url: str) -> None:
        self._server = server
        self.base_url = base_url

    @property
    def site(self) -> NewsSite:
        return self._server.site

    def serve(self, site: NewsSite) -> NewsSite:
        """Serve *site* from now on, instead of the one before."""
        site.base_url = self.base_url
        self._server.site = site
        return site


@contextmanager
def hosting(site: NewsSite, host: str = "127.0.0.1", port: int = 0) -> Iterator[SiteHost]:
    """Serve `site` from a background thread until the block ends."""
    server = _Server((host, port), site)
    base_url = f"http://{_url_host(host)}:{server.server_address[1]}"
    site.base_url = base_url
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="news-site", daemon=True
    )
    thread.start()
    try:
        yield SiteHost(server, base_url)
    finally:
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join()


@contextmanager
def serve(site: NewsSite, host: str = "127.0.0.1", port: int = 0) -> Iterator[NewsSite]:
    """Serve `site` from a background thread until the block ends; sets `site.base_url`."""
    with hosting(site, host, port):
        yield site
