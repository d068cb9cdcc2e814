"""Pelican side of the benchmark: the same site as sitegen's and Hugo's (benchmarks/README.md).

A page per post at WordPress' permalink, a paginated home, paginated category, tag and author
pages, term lists, RSS and Atom feeds of the 20 newest items with full content, and a sitemap.
Pelican gets its best settings for rebuilds: the content cache is on (the runner clears it for
a clean build).
"""

SITENAME = "Synthetic News"
SITEURL = "https://news.example.com"
TIMEZONE = "Asia/Kolkata"
DEFAULT_LANG = "en"
PATH = "content"
THEME = "theme"
THEME_STATIC_DIR = "theme"
STATIC_PATHS: list[str] = []
TYPOGRAPHY = False
MARKDOWN = {
    "extension_configs": {"markdown.extensions.extra": {}},
    "output_format": "html5",
}

ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = AUTHOR_URL + "index.html"
CATEGORIES_SAVE_AS = "category/index.html"
TAGS_SAVE_AS = "tag/index.html"
AUTHORS_SAVE_AS = "author/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
# WordPress has date archives; the other two sites in the benchmark do not build them either.
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "sitemap"]
SITEMAP_SAVE_AS = "sitemap.xml"

# RSS and Atom at WordPress's feed paths (/feed/, /category/<slug>/feed/, …/feed/atom/).
FEED_DOMAIN = SITEURL
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = False
FEED_ALL_RSS = "feed/index.xml"
FEED_ALL_ATOM = "feed/atom/index.xml"
CATEGORY_FEED_RSS = "category/{slug}/feed/index.xml"
CATEGORY_FEED_ATOM = "category/{slug}/feed/atom/index.xml"
TAG_FEED_RSS = "tag/{slug}/feed/index.xml"
TAG_FEED_ATOM = "tag/{slug}/feed/atom/index.xml"
AUTHOR_FEED_RSS = "author/{slug}/feed/index.xml"
AUTHOR_FEED_ATOM = "author/{slug}/feed/atom/index.xml"
TRANSLATION_FEED_ATOM = None

CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
DELETE_OUTPUT_DIRECTORY = False
