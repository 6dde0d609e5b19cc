"""Scrapy settings for finews.

Every URL, host, path template and limit the crawler uses is a setting here, with the
real endpoint as default, so a run is pointed elsewhere with ``-s NAME=value`` and
nothing in the code needs to change.
"""

from scrapy.settings import default_settings as _scrapy_defaults

BOT_NAME = "finews"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.commands"

# --- where things go -----------------------------------------------------------------
# Site root the archive is written to (posts, categories, slug registry, crawler state).
FINEWS_OUTPUT_DIR = "output"
# Link base written into each post's back-links.
FINEWS_SITE_BASE = "//finews.withounder.com"
# Link written in a media/market post's <...> line; {code} is the info code (NW...).
FINEWS_SHARE_URL = "http://choicewzp1.eastmoney.com/html_News/NewsShare.html?infoCode={code}"
# Empty: talk to the real sources. Set to http://127.0.0.1:PORT to send every request
# to a replay server instead (see crawler/net/hostgate.py and crawler/replay/).
FINEWS_REPLAY_URL = ""

# --- rolling 7x24 news (spider emnews) -------------------------------------------------
# The rolling-news lists to read, in order: when one cannot be read (after its retries) or
# answers no list, the run fails over to the next (sources.md §1, §6.1; README "Failover").
FINEWS_EMNEWS_LISTS = ["fastnews", "kuaixun"]
# getFastNewsList (the current web client's list); {sort_end} is the paging cursor.
FINEWS_EMNEWS_FASTNEWS_URL = (
    "https://np-listapi.eastmoney.com/comm/web/getFastNewsList?client=web&biz=web_724"
    "&fastColumn={column}&sortEnd={sort_end}&pageSize={size}&req_trace={trace}"
)
# The kuaixun JS list.
FINEWS_EMNEWS_LIST_URL = (
    "https://newsapi.eastmoney.com/kuaixun/v1/getlist_{column}_ajaxResult_{size}_{page}_.html"
)
FINEWS_EMNEWS_COLUMN = "102"
FINEWS_EMNEWS_PAGE_SIZE = 50
FINEWS_EMNEWS_MAX_PAGES = 4

# --- syndicated media articles (spider media) ------------------------------------------
FINEWS_MEDIA_LIST_URL = (
    "https://np-listapi.eastmoney.com/comm/web/getNewsByColumns?client=web&biz=web_news_col"
    "&column={column}&order=1&needInteractData=0&page_index={page}&page_size={size}"
    "&req_trace={trace}"
)
FINEWS_MEDIA_COLUMNS = ["350"]
FINEWS_MEDIA_PAGE_SIZE = 50
FINEWS_MEDIA_MAX_PAGES = 2

# --- market channels (spider market) ---------------------------------------------------
FINEWS_MARKET_LIST_URL = (
    "http://43.240.125.15:1818/information/newmarket/web/webapi?marketType={market}&count={count}"
)
FINEWS_MARKET_TYPES = [37, 38, 39]
FINEWS_MARKET_COUNT = 100

# A feed asks for its next list page as soon as the page before is parsed, while that
# page's bodies are fetched; only when more than this many of its requests are pending (a
# backfill whose lists outrun its bodies) does the next page wait for answers. Bounds the
# memory of pending requests (each holds its item), not the speed of a crawl.
FINEWS_MAX_PENDING = 500

# --- article bodies --------------------------------------------------------------------
# Article page of an info code whose list row names none (market records);
# {code} is the code without its NW prefix.
FINEWS_ARTICLE_URL = "http://finance.eastmoney.com/a/{code}.html"
# Text API behind the share page; {code} is the info code.
FINEWS_TEXT_API_URL = "http://choicewzp1.eastmoney.com/NewsData/GetNewsText.do?id={code}"

# --- archive ---------------------------------------------------------------------------
FINEWS_TIMEZONE = "Asia/Shanghai"
# Days of posts kept in _posts/ (today and the days before, Beijing time); older posts
# move to old_post/ at the end of a run.
FINEWS_RETENTION_DAYS = 3
# "Now" for retention and re-checks, as ISO time; empty means the clock (tests pin it).
FINEWS_NOW = ""
# Items dated more than this many minutes after "now" are dropped (future_date): a source
# clock a few minutes fast is normal, a day ahead is a broken row (and Jekyll would not
# publish the post until then).
FINEWS_MAX_FUTURE_MINUTES = 10
# A digest-only rolling-news post younger than this many hours is re-checked for an
# article page, at most once every FINEWS_RECHECK_MINUTES.
FINEWS_RECHECK_HOURS = 2
FINEWS_RECHECK_MINUTES = 30
# A row dropped after its body was fetched (no_body, bad_date, …) is not fetched again
# while its row stays the same, for this many hours; a changed row is fetched at once.
FINEWS_DROP_RETRY_HOURS = 24
# One run writes an archive at a time (.finews/lock): `scrapy crawl` waits this long for a
# run holding it (a scheduled crawlall takes a minute or two), then gives up with exit 1.
# crawlall itself never waits: an overlapping scheduled run is pointless.
FINEWS_LOCK_WAIT_SECONDS = 600.0

# Scale-out (docs/scale-out.md): empty keeps the single-process job; redis://, rediss://
# (TLS) or redis://:password@host turns on distributed mode. Keys start with the prefix.
FINEWS_REDIS_URL = ""
FINEWS_REDIS_PREFIX = "finews"
# Seconds a worker holds a queue entry before it goes back to the others (a killed worker).
FINEWS_LEASE_SECONDS = 120.0

# Lines kept in .finews/runs.jsonl, the run history (one line per run).
FINEWS_HEALTH_HISTORY = 5000

EXTENSIONS = {
    "crawler.run.tuning.ProcessTuning": 0,
    "crawler.run.extensions.ArchiveState": 100,
    "crawler.run.extensions.ErrorCount": 110,
    "crawler.run.monitors.HealthMonitors": 500,
    "crawler.run.progress.CrawlProgress": 600,
}
# Scrapy's own extensions but the two ports below: Scrapy imports every class named in
# EXTENSIONS_BASE even when EXTENSIONS maps it to None, and these two pull in aiohttp's
# server and twisted.conch, a third of an empty crawl's clock.
EXTENSIONS_BASE = {path: order for path, order in _scrapy_defaults.EXTENSIONS_BASE.items()
                   if path.rsplit(".", 1)[-1] not in ("TelnetConsole", "RemoteControl")}
# Live progress per feed (crawler/run/progress.py): a display on a terminal, else a log line.
FINEWS_PROGRESS = True
# Seconds between a feed's progress log lines when stderr is not a terminal (cron).
FINEWS_PROGRESS_SECONDS = 30.0

# Run health (crawler/run/monitors.py, crawler/run/health.py): spidermon's suites judge each
# feed when its spider closes; the verdicts go to the run history, .finews/health.json and
# the alerts. A feed fails when its list fails or gives 0 rows, when more than this share
# of its listed rows is dropped, when a post lacks title/date/category, or when it did not
# finish; it gets a warning for a failover, for more than this share of Eastmoney bodies
# through generic extraction (layout drift), and for no new article in this many hours
# on a feed that the history shows busy at this hour.
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["crawler.run.monitors.FailingSuite", "crawler.run.monitors.WarningSuite"]
FINEWS_HEALTH_MAX_DROP_SHARE = 0.2
FINEWS_HEALTH_MAX_GENERIC_SHARE = 0.5
FINEWS_HEALTH_STALE_HOURS = 6.0
# Alerts (crawler/run/alerts.py), one per incident (failing, warning) and recovery: a JSON
# POST to this URL (empty sends none), and a message through each spidermon action named
# here (discord, telegram, slack, ses or a class path), configured by its SPIDERMON_*
# settings, e.g. SPIDERMON_DISCORD_WEBHOOK_URL.
FINEWS_ALERT_WEBHOOK = ""
FINEWS_ALERT_ACTIONS: list[str] = []

# Young-generation GC threshold of a crawl process, whose start-up heap is also frozen
# (crawler/run/tuning.py; the interpreter's default is 700); 0 leaves the collector alone.
FINEWS_GC_THRESHOLD = 5000

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.archive.ArchivePipeline": 300,
}

DOWNLOADER_MIDDLEWARES = {
    # robots.txt of each source host (the replay, if any, is reached in the download
    # handler, below every middleware); off unless ROBOTSTXT_OBEY (only the feeds spider
    # sets it). (crawler.net.robots: Scrapy's, fixed for requests waiting on one robots.txt
    # together)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.net.robots.RobotsTxtMiddleware": 40,
    "crawler.net.middlewares.RetryBackoffMiddleware": 60,
}

# Every request and item a callback yields passes each spider middleware; these three do
# nothing for finews, whose links come from fixed templates: depth and URL-length limits
# and a development check on copied meta.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}

# The Referer middleware stays on (the redirect middlewares hand it the Referer of a
# redirected request) but sets none: real clients send the fixed Referer of
# DEFAULT_REQUEST_HEADERS below, never the JSON list URL a page was found on.
REFERRER_POLICY = "no-referrer"

FEED_EXPORTERS = {
    "jekyll": "crawler.archive.exporters.JekyllPostExporter",
}

# --- politeness ------------------------------------------------------------------------
# The sources ban aggressive clients; these are the scheduled-job defaults.
# Off for Eastmoney's endpoints (JSON APIs a browser page calls); the feeds spider turns it
# on for the generic sources it reads (spiders/feeds.py custom_settings).
ROBOTSTXT_OBEY = False
# The sources serve browsers; a default Scrapy UA is what gets refused first.
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)
# What a browser on the 7x24 page sends (real clients send this Referer, sources.md §5).
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/json,application/javascript,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
    "Referer": "https://kuaixun.eastmoney.com/",
}
# Scrapy's own caps, per crawler; the process-wide per-host gate below is the real limit.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Per source host, for the whole process (crawlall runs one crawler per feed and feeds
# share hosts; see crawler/net/hostgate.py): at most this many requests open at once, and
# starts at least FINEWS_HOST_INTERVAL s apart: 4 requests/second, documented as a cap of
# 5 in any second (18,000/hour; margin for jitter), well under the ~45,000/hour reported
# to get a client banned.
FINEWS_HOST_CONCURRENCY = 4
FINEWS_HOST_INTERVAL = 0.25
DOWNLOAD_HANDLERS = {
    "http": "crawler.net.hostgate.HostGateHandler",
    "https": "crawler.net.hostgate.HostGateHandler",
}
# A source answer taking longer is treated as failed and retried: real answers take well
# under a second, and a run every 5 minutes cannot wait on one request much longer.
DOWNLOAD_TIMEOUT = 20
# The pipelines are synchronous, so processing a response's items in parallel buys
# nothing, while Scrapy starts CONCURRENT_ITEMS asyncio tasks for every response (100 by
# default: a quarter of the crawl's CPU in the benchmark).
CONCURRENT_ITEMS = 1
# Scrapy re-reads and re-parses a generator callback's source on every response to warn
# about `return value` in it (its cache misses on bound methods): a development-time
# lint costing ~0.2 ms a response.
WARN_ON_GENERATOR_RETURN_VALUE = False

# --- retries (README "Politeness and retries") -----------------------------------------
# Transient failures (5xx, 408/429, timeouts, connections cut short: ResponseDataLossError)
# are retried by Scrapy; spiders retry the same way a list or text-API answer that is no
# data (HTML error page with status 200, rc≠1/code≠"1", unparseable JSON), and an article
# URL answering 200 with no article layout. 3 retries = 4 tries over about 7 s.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Seconds before retry n: FINEWS_RETRY_BACKOFF * 2**(n-1) (1, 2, 4 s), jittered ±50 %,
# at most FINEWS_RETRY_BACKOFF_MAX (crawler.net.middlewares.RetryBackoffMiddleware). Scrapy
# itself retries at once, which is the worst thing to do to an overloaded source.
FINEWS_RETRY_BACKOFF = 1.0
FINEWS_RETRY_BACKOFF_MAX = 30.0
# AutoThrottle slows a host down when its answers get slow (aiming at 2 requests in
# flight per host: delay = latency / 2), on top of the fixed per-host cap above, which it
# never loosens. It starts at the cap's own interval and may back off to 30 s between
# requests; on a healthy source (answers in ~100 ms) it stays below the cap.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# --- size limits -----------------------------------------------------------------------
# Largest article body archived (bytes of HTML, UTF-8); bigger ones are dropped
# (finews/dropped/body_too_large). Real article pages are a few hundred KB at most, so
# 2 MiB only ever catches garbage (an endless page, a mis-served file).
FINEWS_MAX_BODY_BYTES = 2 * 1024 * 1024
# A response is cut off while downloading once it passes this, so nothing huge is ever
# held in memory; twice the body limit leaves room for page chrome and JSON escaping of a
# body just under it. A response cut off this way drops its item as body_too_large.
DOWNLOAD_MAXSIZE = 2 * FINEWS_MAX_BODY_BYTES
# Log a warning for any response bigger than the largest body finews keeps.
DOWNLOAD_WARNSIZE = FINEWS_MAX_BODY_BYTES

# A cron job opens no ports: no telnet console, no remote-control server.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# Feed spiders `scrapy crawlall` runs, in one process.
FINEWS_FEEDS = ["emnews", "media", "market"]
# Generic syndication sources (RSS, Atom, JSON Feed, sitemaps) the feeds spider reads, as
# YAML (crawler/run/sources.py; relative to the working folder). A missing default file
# means no sources; crawlall adds the feeds spider when the file has an enabled source.
FINEWS_SOURCES = "sources.yml"

# Run profile (crawler/net/profiles.py): "default" is this file as it is (the scheduled job);
# "backfill" reads every list page, up to 8 requests at once per host and no delay.
FINEWS_PROFILE = "default"
ADDONS = {"crawler.net.profiles.ProfileAddon": 0}
