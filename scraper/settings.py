"""Scrapy settings of the archive crawler: polite and hardened by default (DESIGN §6).

A source may override any of these for itself (``settings = {...}`` in the sources file), and
``-s NAME=VALUE`` overrides both on the command line. The archive's own settings (ARCHIVE_*,
EXTRACT_*, RETRY_AFTER_*) have their defaults in the component that reads them, and are listed
in its docstring.
"""

from importlib.metadata import version

BOT_NAME = "archiver"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Identify the crawler and give site owners a way to reach whoever runs it: operators should
# set their own contact URL here.
USER_AGENT = (
    f"archiver/{version('archiver')} (news archiving crawler; +https://example.org/archiver-bot)"
)

# Politeness.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Items processed at once per response. Scrapy starts this many tasks for every callback's
# output; ours yield one item each, and the default 100 cost more than storing the item.
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_TIMES = 2
# 429 and 503 with Retry-After wait as asked (RetryAfterMiddleware), up to RETRY_AFTER_MAX.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Hardening: limits on everything that comes from the web.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30.0  # seconds; a float, as Scrapy reads it (and -s checks it)
REDIRECT_MAX_TIMES = 10
METAREFRESH_MAXDELAY = 10
URLLENGTH_LIMIT = 2083
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
DOWNLOAD_HANDLERS = {
    "file": None,
    "data": None,
    "ftp": None,
    "s3": None,
    # Scrapy's HTTP/1.1 handler, with the size and number of response headers bounded.
    "http": "scraper.downloader.BoundedHeadersDownloadHandler",
    "https": "scraper.downloader.BoundedHeadersDownloadHandler",
}
# Against traps: depth is limited per source (max_depth), requests per host by
# ARCHIVE_MAX_REQUESTS_PER_HOST (the spider's).
CLOSESPIDER_TIMEOUT = 0.0

LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 60.0

DOWNLOADER_MIDDLEWARES = {
    # First: a URL over a limit goes no further, redirect targets included.
    "scraper.middlewares.urllimits.UrlLimitsMiddleware": 30,
    # Replaced: Scrapy's reads a robots.txt that answers 5xx as "allow everything".
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scraper.middlewares.robots.RobotsMiddleware": 100,
    # Scrapy's, but a redirect to a malformed URL ends as rejected:bad_url.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "scraper.middlewares.urllimits.BoundedMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "scraper.middlewares.urllimits.BoundedRedirectMiddleware": 600,
    # Replaced: Scrapy's drops offsite requests silently when they are scheduled.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scraper.middlewares.offsite.SourceOffsiteMiddleware": 50,
    # After DefaultHeadersMiddleware (400), which would put credentials back on a redirect.
    "scraper.middlewares.credentials.CredentialsMiddleware": 410,
    "scraper.middlewares.conditional.ConditionalGetMiddleware": 450,
    # Before RetryMiddleware (550) sees the response: waits as long as the server asks.
    "scraper.middlewares.retryafter.RetryAfterMiddleware": 560,
}
SPIDER_MIDDLEWARES = {
    # Replaced by UrlLimitsMiddleware (a downloader middleware): this one drops long URLs
    # without an outcome, and never sees redirect targets.
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    # After HttpErrorMiddleware (50): what is left is a page the spider may parse, or not.
    "scraper.middlewares.pagefilter.PageFilterMiddleware": 60,
}
EXTENSIONS = {
    # The ledger before the run recorder: what is open at the close is counted before the
    # recorder saves the final counts (signal handlers run in the order components are made).
    "scraper.extensions.outcomes.OutcomeLedger": 10,
    "scraper.extensions.runrecorder.RunRecorder": 20,
    "scraper.extensions.crawldelay.RobotsCrawlDelay": 100,
}
ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.store.StorePipeline": 800,
    # Last: what a feed export (-o FILE) writes, one row per archived page.
    "pipelines.feed.FeedPipeline": 900,
}
