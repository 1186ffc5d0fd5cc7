"""ArchiveSpider: find a source's articles in its feeds, sitemaps and pages; hand each article
page to the pipelines once.

    scrapy crawl archive -a source=riverside                 # discovery run of one source
    scrapy crawl archive -a source=riverside -a kind=revisit # re-check its due articles
    scrapy crawl archive -a urls=https://...,https://...     # archive these pages now

Known articles are re-fetched cheaply: with their stored validators (a 304 is recorded as
not_modified), and compared byte for byte with the last fetch before any extraction
(scraper.recheck). Articles are fetched once per run by canonical key (scraper.frontier): the
first URL of a key is fetched, later ones become its aliases; an AMP or print copy whose trusted
rel=canonical names another URL is not archived itself but sends the crawl to that URL.

Every request ends in one outcome (scraper.extensions.outcomes). What the spider does not do:
decode pages or judge their bodies (scraper.middlewares.pagefilter and the extraction step),
record the run (scraper.extensions.runrecorder), store anything (pipelines).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse, Response
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip

from pipelines.feed import ArchivedPage
from pipelines.items import AliasItem, PageItem
from pipelines.metadata import is_article
from scraper.config import ConfigError, Source, database_url, load_config
from scraper.discovery import NotXML, parse_xml
from scraper.extensions.outcomes import OutcomeLedger, failure_outcome
from scraper.frontier import Admission, Frontier
from scraper.meta import (
    ALIASES,
    CANONICAL_TARGET,
    DEPTH,
    FORCE,
    HOPS,
    KNOWN,
    PREFIX,
    ROLE,
    VALIDATORS,
    Role,
)
from scraper.middlewares.offsite import host_allowed
from scraper.middlewares.urllimits import DEFAULT_MAX_LENGTH, broken_limit, max_url_length
from scraper.recheck import RECHECK_STATUSES, Found, recheck
from storage import Archive, outcomes, queries
from storage.models import utcnow
from storage.queries import KnownArticle
from storage.records import Page, response_headers
from storage.urls import BadURL, accept_canonical, same_site, url_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.robotstxt import RobotParser
    from twisted.python.failure import Failure

KINDS = ("discover", "revisit", "adhoc")
# Redirects followed within one re-check of the same article.
MAX_SAME_ARTICLE_REDIRECTS = 5


def _pages_only(options: Mapping[str, Any]) -> dict[str, Any]:
    """A feed's options, to take ArchivedPage items only unless it says what to take."""
    if "item_classes" in options or "item_filter" in options:
        return dict(options)
    return {**options, "item_classes": [ArchivedPage]}


def _split_urls(urls: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    if not urls:
        return ()
    if isinstance(urls, str):
        urls = urls.replace(",", " ").split()
    return tuple(u.strip() for u in urls if u.strip())


class ArchiveSpider(Spider):
    name = "archive"

    def __init__(
        self,
        source: str | None = None,
        urls: str | list[str] | None = None,
        kind: str | None = None,
        config: str | None = None,
        everything: str | bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.source_name = source
        self.adhoc_urls = _split_urls(urls)
        self.kind = kind or ("adhoc" if self.adhoc_urls else "discover")
        if self.kind not in KINDS:
            raise UsageError(f"kind={kind!r}: use discover, revisit or adhoc", print_help=False)
        # A revisit re-checks the due articles, or with everything=1 all live ones.
        self.everything = str(everything).lower() in ("1", "true", "yes")
        self.config_path = config
        self.source: Source | None = None
        # Host names the crawl may fetch from (scraper.middlewares.offsite reads them).
        self.allowed_hosts: frozenset[str] = frozenset()
        self.frontier = Frontier()
        self.max_url_length = DEFAULT_MAX_LENGTH
        self._known: dict[str, KnownArticle] = {}
        self._robots_sitemap_hosts: frozenset[str] = frozenset()
        self._links = LinkExtractor(tags=("a", "area"), attrs=("href",))

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, ArchiveSpider)
        spider._configure(crawler)
        return spider

    def _configure(self, crawler: Crawler) -> None:
        """Read the sources file and set this run's settings (they are not frozen yet)."""
        settings = crawler.settings
        try:
            config = load_config(self.config_path or settings.get("ARCHIVER_CONFIG") or None)
            if self.source_name:
                self.source = config.source(self.source_name)
        except ConfigError as exc:
            raise UsageError(str(exc), print_help=False) from exc
        if self.kind == "revisit" and (self.source is None or self.adhoc_urls):
            raise UsageError("a revisit needs -a source=NAME (and no urls)", print_help=False)
        if type(self).start is not ArchiveSpider._own_start:
            # ``scrapy parse`` brings its own start request (it replaces start()): its page
            # is fetched as ``archiver fetch`` fetches one, an ad hoc run discovering nothing.
            self.start = self._adopting(self.start)  # type: ignore[method-assign]
            self.kind = "adhoc"
        elif self.source is None and not self.adhoc_urls:
            known = ", ".join(sorted(config.sources)) or "none configured"
            raise UsageError(
                f"say what to crawl: -a source=NAME (sources: {known}) or -a urls=URL,URL",
                print_help=False,
            )
        if self.source is not None:
            settings.setdict(dict(self.source.crawl_settings), priority="spider")
            if self.kind == "discover":  # revisits and ad hoc fetches discover nothing
                self._robots_sitemap_hosts = frozenset(
                    urlsplit(url).netloc for url in self.source.start_urls + self.source.sitemaps
                )
        hosts = self.source.hosts if self.source is not None else frozenset()
        self.allowed_hosts = hosts | {urlsplit(url).hostname or "" for url in self.adhoc_urls}
        settings.set("ARCHIVE_DATABASE_URL", database_url(None, config), priority="spider")
        settings.set("ARCHIVE_RUN_KIND", self.kind, priority="spider")
        # A feed export (-o FILE) writes the archived pages (pipelines.feed), not the aliases
        # that pass through the pipelines too; a feed's own item_classes or item_filter win.
        # Here, not in update_settings: Scrapy applies -o to the crawler's settings again
        # after that.
        if feeds := settings.getdict("FEEDS"):
            ours = {uri: _pages_only(options) for uri, options in feeds.items()}
            settings.set("FEEDS", ours, priority=settings.getpriority("FEEDS") or "spider")
        self.frontier = Frontier(settings.getint("ARCHIVE_MAX_REQUESTS_PER_HOST", 20_000))
        self.max_url_length = max_url_length(crawler)
        crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)

    @cached_property
    def ledger(self) -> OutcomeLedger:
        """The crawl's outcome ledger (an extension; there once the crawl has started)."""
        ledger = self.crawler.get_extension(OutcomeLedger)
        if ledger is None:
            raise RuntimeError("the OutcomeLedger extension is not enabled (EXTENSIONS)")
        return ledger

    # -- requests -------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        if self.adhoc_urls:
            # Just these pages (and the canonical pages of copies among them): no discovery.
            for url in self.adhoc_urls:
                if request := self._request(url, Role.ARTICLE, 0, force=True):
                    yield request
            return
        if self.source is None:
            return
        known = await asyncio.to_thread(self._load_known)
        if self.kind == "revisit":
            for article in known:
                if request := self._request(article.url, Role.ARTICLE, 0, known=article):
                    yield request
            return
        self._known = {article.url_key: article for article in known}
        seeds = (
            [(url, Role.FEED) for url in self.source.feeds]
            + [(url, Role.SITEMAP) for url in self.source.sitemaps]
            + [(url, Role.PAGE) for url in self.source.start_urls]
        )
        for url, role in seeds:
            if request := self._request(url, role, 0):
                yield request

    _own_start = start

    def _adopting(
        self, start: Callable[[], AsyncIterator[Any]]
    ) -> Callable[[], AsyncIterator[Any]]:
        """*start*, its requests made the spider's own: the URL given to ``scrapy parse`` is
        an article page whatever it looks like, its host allowed (a private one too), as the
        URLs given to ``archiver fetch`` are; ``-a source=NAME`` files it under a source."""

        async def adopted() -> AsyncIterator[Any]:
            async for request in start():
                if isinstance(request, Request) and ROLE not in request.meta:
                    ours = self._request(request.url, Role.ARTICLE, 0, force=True)
                    if ours is None:  # refused (a bad URL), and counted so
                        continue
                    request.meta.update(ours.meta)
                    request.errback = request.errback or self.errback
                    self.allowed_hosts |= {urlsplit(request.url).hostname or ""}
                yield request

        return adopted

    def _load_known(self) -> list[KnownArticle]:
        """The source's archived articles: all live ones, or those due for a re-check."""
        assert self.source is not None
        due_by = None if self.kind != "revisit" or self.everything else utcnow()
        with Archive(self.settings["ARCHIVE_DATABASE_URL"]) as archive, archive.session() as s:
            return queries.known_articles(s, self.source.name, due_by=due_by)

    def _request(
        self,
        url: str,
        role: Role,
        depth: int,
        *,
        aliases: tuple[str, ...] = (),
        force: bool = False,
        canonical_target: bool = False,
        known: KnownArticle | None = None,
    ) -> Request | None:
        """A request for *url* unless its key was already requested in this run."""
        try:
            key = url_key(url)
        except BadURL:
            self.ledger.refuse(url, outcomes.rejected("bad_url"))
            return None
        if self.frontier.requested(key):
            return None
        # The URL's length (and the other per-URL limits) are checked where every request
        # passes, redirects included: scraper.middlewares.urllimits.
        if self.frontier.admit(key, urlsplit(url).hostname or "") is Admission.HOST_LIMIT:
            self.crawler.stats.inc_value("archive/discovery/host_limit")
            return None
        known = known or (self._known.get(key) if role is Role.ARTICLE else None)
        meta: dict[str, Any] = {
            ROLE: role,
            DEPTH: depth,
            ALIASES: aliases,
            FORCE: force,
            CANONICAL_TARGET: canonical_target,
        }
        if known is not None:
            # A re-check: the archived article is the page (no canonical chase), its stored
            # validators go out with the request, and gone or moved answers come to the
            # callback (the revisit records them) instead of the errback or redirects.
            meta |= {
                KNOWN: known,
                CANONICAL_TARGET: True,
                VALIDATORS: (known.etag, known.last_modified),
                "handle_httpstatus_list": list(RECHECK_STATUSES),
                "dont_redirect": True,
            }
        callback = self.parse_xml if role in (Role.FEED, Role.SITEMAP) else self.parse_page
        try:
            # dont_filter: the frontier already deduplicates by canonical key, more strictly
            # than Scrapy's fingerprints; the dupefilter would also drop a redirect back to a
            # URL seen before, losing the article whose canonical URL redirects to its own
            # address.
            return Request(
                url, callback=callback, errback=self.errback, dont_filter=True, meta=meta
            )
        except ValueError:  # a URL with a key that Scrapy still cannot request
            self.ledger.refuse(url, outcomes.rejected("bad_url"))
            return None

    def _addresses(self, key: str, urls: Iterable[str], request: Any) -> Iterator[Any]:
        """*urls* lead to the article of *key*: aliases of it when its page went to the
        pipelines already, or waiting for its page, or else a request for it (made by
        calling *request*)."""
        if self.frontier.emitted(key):
            yield AliasItem(key, tuple(urls))
        elif self.frontier.requested(key):
            self.frontier.wait(key, urls)
        elif made := request():
            yield made

    def _link(self, url: str, role: Role, depth: int) -> Iterator[Any]:
        """Request *url*, or record it as another address of a page already requested."""
        try:
            key = url_key(url)
        except BadURL:
            self.ledger.refuse(url, outcomes.rejected("bad_url"))
            return
        yield from self._addresses(key, (url,), lambda: self._request(url, role, depth))

    def _robots_parsed(self, robotparser: RobotParser, request: Request, **_: Any) -> None:
        """Follow the sitemaps a site lists in its robots.txt (Scrapy fetches it anyway)."""
        if urlsplit(request.url).netloc not in self._robots_sitemap_hosts:
            return
        parser = getattr(robotparser, "rp", None)  # Protego's parser lists Sitemap: lines
        for url in list(getattr(parser, "sitemaps", ())):
            sitemap = self._request(url, Role.SITEMAP, 0)
            if sitemap is not None and self.crawler.engine is not None:
                self.crawler.engine.crawl(sitemap)

    # -- responses ------------------------------------------------------------------------

    def errback(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        if request is not None and failure.value is not None:
            self.ledger.settle(request, failure_outcome(failure.value))

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Scrapy's default callback: only ``scrapy parse`` calls it (the spider's own
        requests name theirs), for the page it was given (see _adopting). It shows the items
        instead of storing them, so the page's outcome is said here."""
        yield from self.parse_page(response)
        self.ledger.settle(response, outcomes.rejected("scrapy_parse"))

    def parse_xml(self, response: Response) -> Iterator[Any]:
        """A feed or a sitemap (plain or gzipped): its articles and child sitemaps."""
        role = response.meta[ROLE]
        body = response.body
        if body[:3] == b"\x1f\x8b\x08":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception as exc:  # corrupt gzip or over the size limit: one outcome either way
                too_large = "max" in str(exc).lower() or "size" in str(exc).lower()
                reason = (
                    outcomes.rejected("too_large") if too_large else outcomes.failed("bad_gzip")
                )
                self.ledger.settle(response, reason)
                return
        try:
            kind, found = parse_xml(body, response.url)
        except NotXML as exc:
            self.logger.warning("%s is not a %s: %s", response.url, role, exc)
            self.ledger.settle(response, outcomes.failed(f"bad_{role}"))
            return
        self.ledger.settle(response, outcomes.NAVIGATION)
        self.crawler.stats.inc_value(f"archive/discovery/{kind}")
        for item in found:
            if item.kind == "sitemap":
                if request := self._request(item.url, Role.SITEMAP, 0):
                    yield request
            elif self._wanted_article(item.url):
                # One hop from the feed or sitemap, as a link is from the page it is on.
                yield from self._link(item.url, Role.ARTICLE, response.meta[DEPTH] + 1)

    def _wanted_article(self, url: str) -> bool:
        pattern = self.source.article_pattern if self.source else None
        return pattern is None or bool(pattern.search(url))

    def _link_role(self, url: str) -> Role | None:
        """How to treat a link found on a page (DESIGN: article_pattern, follow_pattern)."""
        assert self.source is not None
        article, follow = self.source.article_pattern, self.source.follow_pattern
        if article is not None and article.search(url):
            return Role.ARTICLE
        if follow is not None:
            if follow.search(url):
                return Role.PAGE
            # Without an article pattern, anything not to be followed may still be an article.
            return None if article is not None else Role.ARTICLE
        return Role.PAGE

    def parse_page(self, response: Response) -> Iterator[Any]:
        """An HTML page: archive it if it is an article, follow its links if within depth.

        Only pages the crawl can read get here (scraper.middlewares.pagefilter); a re-check
        may also bring a 304, a 404 or a redirect.
        """
        known: KnownArticle | None = response.meta.get(KNOWN)
        if known is not None and (found := recheck(response, known)) is not None:
            yield from self._recheck(response, found)
            return
        if not isinstance(response, HtmlResponse) or not 200 <= response.status < 300:
            # A re-check's answer that says nothing (a redirect without a Location, say).
            self.ledger.settle(response, outcomes.failed(f"http_{response.status}"))
            return
        role = response.meta[ROLE]
        if self._is_article(response, role):
            yield from self._article(response)
        else:
            not_article = role is Role.ARTICLE
            self.ledger.settle(
                response, outcomes.rejected("not_article") if not_article else outcomes.NAVIGATION
            )
        yield from self._follow(response)

    def _recheck(self, response: Response, found: Found) -> Iterator[Any]:
        if found.item is not None:
            yield found.item
            if found.location is not None:  # moved: archive the page where it is now
                yield from self._link(found.location, Role.ARTICLE, 0)
            return
        hops = response.meta.get(HOPS, 0) + 1
        if found.location is None or hops > MAX_SAME_ARTICLE_REDIRECTS:
            self.ledger.settle(response, outcomes.failed("too_many_redirects"))
            return
        # The same article at a slightly different address: the same request (same ledger
        # entry), one hop on; Scrapy's own bookkeeping in meta is not carried over.
        ours = {k: v for k, v in response.meta.items() if k.startswith(PREFIX)}
        keep = ("handle_httpstatus_list", "dont_redirect")
        meta = {**ours, **{k: response.meta[k] for k in keep if k in response.meta}}
        yield Request(
            found.location,
            callback=self.parse_page,
            errback=self.errback,
            dont_filter=True,
            meta={**meta, HOPS: hops},
        )

    def _is_article(self, response: HtmlResponse, role: Role) -> bool:
        if response.meta.get(FORCE) or response.meta.get(CANONICAL_TARGET):
            return True
        if self.source is not None and self.source.article_pattern is not None:
            # The user said which URLs are articles.
            return role is Role.ARTICLE
        # Otherwise the page says so itself: JSON-LD Article types or og:type=article.
        return is_article(response.selector.root)

    def _article(self, response: HtmlResponse) -> Iterator[Any]:
        key = url_key(response.url)
        urls = self._urls_of(response)
        canonical = accept_canonical(response.url, self._canonical_href(response))
        if canonical and broken_limit(canonical, self.max_url_length):
            # A canonical URL that may not be requested would leave this page an alias of
            # nothing: the page is archived as itself.
            self.crawler.stats.inc_value("archive/canonical_ignored")
            canonical = None
        canonical_key = url_key(canonical) if canonical else key
        if canonical and canonical_key != key and not response.meta.get(CANONICAL_TARGET):
            # An AMP, print or syndicated copy: archive the canonical page instead.
            self.ledger.settle(response, outcomes.ALIAS)
            yield from self._addresses(
                canonical_key,
                urls,
                lambda: self._request(
                    canonical,
                    Role.ARTICLE,
                    response.meta[DEPTH],
                    aliases=urls,
                    canonical_target=True,
                ),
            )
            return
        if self.frontier.emitted(key):
            # Reached again, e.g. through a redirect to an article already fetched in this run.
            self.ledger.settle(response, outcomes.rejected("duplicate"))
            yield AliasItem(key, urls)
            return
        pending = self.frontier.emit(key)
        # The address to show people: the page's own canonical URL when it names this page.
        page_url = canonical if canonical and canonical_key == key else response.url
        aliases = dict.fromkeys((*urls, *pending, *self._declared_copies(response)))
        aliases.pop(page_url, None)
        page = Page(
            url_key=key,
            url=page_url,
            aliases=tuple(aliases),
            fetched_at=utcnow(),
            status=response.status,
            raw=response.body,
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
            headers=response_headers(
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, values in response.headers.items()
                for value in values
            ),
        )
        yield PageItem(page, content_type=_header(response, "Content-Type"))

    @staticmethod
    def _canonical_href(response: HtmlResponse) -> str | None:
        return _link_rel(response, "canonical") or _absolute(
            response, response.xpath("//meta[@property='og:url']/@content").get()
        )

    def _declared_copies(self, response: HtmlResponse) -> tuple[str, ...]:
        """The page's own AMP copy (rel=amphtml): an alias known without fetching it."""
        amp = _link_rel(response, "amphtml")
        if amp and not broken_limit(amp, self.max_url_length) and same_site(response.url, amp):
            return (amp,)
        return ()

    @staticmethod
    def _urls_of(response: Response) -> tuple[str, ...]:
        """Every URL that led to this response: aliases passed along, redirects, the request."""
        chain = (
            *response.meta.get(ALIASES, ()),
            *response.meta.get("redirect_urls", ()),
            response.request.url if response.request else response.url,
            response.url,
        )
        return tuple(dict.fromkeys(chain))

    def _follow(self, response: HtmlResponse) -> Iterator[Any]:
        # Only discovery follows links: a revisit re-checks its articles (and follows their
        # redirects, in _recheck), an ad hoc fetch archives the pages it was given.
        if self.source is None or self.kind != "discover":
            return
        # Pages are followed down to max_depth; articles linked from any of them are fetched.
        depth = response.meta[DEPTH]
        if depth > self.source.max_depth:
            return
        for link in self._links.extract_links(response):
            try:
                host = urlsplit(link.url).hostname or ""
            except ValueError:  # a malformed href
                continue
            if not host_allowed(host, self.allowed_hosts):
                continue
            role = self._link_role(link.url)
            if role is Role.ARTICLE or (role is Role.PAGE and depth < self.source.max_depth):
                yield from self._link(link.url, role, depth + 1)


def _absolute(response: HtmlResponse, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    try:
        return response.urljoin(href.strip())
    except ValueError:  # malformed markup is the page's problem, not the crawl's
        return None


def _link_rel(response: HtmlResponse, rel: str) -> str | None:
    """The href of the page's first <link rel="REL">, made absolute."""
    return _absolute(
        response,
        response.xpath(
            f"//link[contains(concat(' ', normalize-space(@rel), ' '), ' {rel} ')]/@href"
        ).get(),
    )


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
