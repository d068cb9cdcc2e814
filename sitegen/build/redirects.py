"""Netlify `_redirects` and `_headers`: every old WordPress URL keeps working.

- `/?p=ID` and `/?page_id=ID` (query-parameter rules) -> the permalink, 301;
- each alias (an older path of a post) -> its current path, 301;
- a child category's flat URL `/category/child/` -> its nested one `/category/parent/child/`;
- posts removed from WordPress (`content/_gone.yaml`) -> 410 with /410.html;
- feed URLs (`/feed/`, `/category/:slug/feed/atom/` …) -> the feed files, 200 (a rewrite);
- WordPress's other feed URLs (`/feed/rss2/`, `/?feed=rss2`, `/wp-rss2.php` …) -> the feed, 301;
- WordPress's other addresses of a post (`/index.php/<permalink>`, `/<permalink>/amp/`,
  `?amp=1`) -> the permalink, 301.

`redirect_table` is the one table; `_redirects` is its Netlify form and `hostrules` writes it
for every other host.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sitegen import safepath
from sitegen.build.plan import COMMENTS_BASE, comment_feed_posts, commented_posts
from sitegen.config import SiteConfig
from sitegen.errors import SitegenError
from sitegen.feeds import formats
from sitegen.feeds.formats import ATOM, RSS, FeedFormat
from sitegen.site.assemble import Site

# Each list kind's URL as a rule pattern (`:slug` matches one path segment).
FEED_BASES = {
    "home": "",
    "category": "category/:slug/",
    "tag": "tag/:slug/",
    "author": "author/:slug/",
}
# Other URLs at which WordPress serves the same feeds; subscribers who used them must not be
# lost. `feed/rss2/` is the RSS 2.0 feed by name; `rss/` (0.92) and `rdf/` (1.0) get RSS 2.0,
# which every reader that took those also reads.
FEED_ALIASES = ("rss2/", "rss/", "rdf/")
QUERY_FEEDS = {"rss2": RSS.url, "rss": RSS.url, "rdf": RSS.url, "atom": ATOM.url}
LEGACY_FEED_FILES = {  # still in WordPress's root, each a 301 to its feed
    "wp-rss2.php": RSS.url,
    "wp-rss.php": RSS.url,
    "wp-rdf.php": RSS.url,
    "wp-atom.php": ATOM.url,
}


def _nested_categories(site: Site) -> list[str]:
    """Paths of child categories: `:slug` placeholders match one path segment only."""
    paths = (site.term_path("category", slug) for slug in site.category_posts)
    return [p for p in paths if p.count("/") > 2]


class _Rules:
    """Every path from the site's data goes into a rule through `safepath.rule_path`, which
    refuses what could end a rule, start a placeholder or smuggle a second rule in (content
    loading refuses such paths first; this is the writer's own guarantee). A refused path
    fails the file, naming the path, instead of being written."""

    def __init__(self, root: str, what: str) -> None:
        self.root = root
        self.what = what
        self.refused: list[str] = []

    def __call__(self, path: str) -> str:
        """`path` (under the site root) as it is written in a rule: `/web/2023/09/x/`."""
        try:
            return "/" + safepath.rule_path(self.root + path)
        except safepath.UnsafePath as exc:
            self.refused.append(str(exc))
            return ""

    def check(self) -> None:
        if self.refused:
            more = f" (and {len(self.refused) - 1} more)" if len(self.refused) > 1 else ""
            raise SitegenError(
                f"a path refused for a server rule: {self.refused[0]}{more}",
                self.what,
                "fix the path or slug in the content file or content/_site.yaml that has it",
            )


def _comment_bases(site: Site, config: SiteConfig) -> list[str]:
    """Where comment feeds hang: the site's `comments/` (if anyone commented) and every post
    (`comment_feed_posts`); none with comments disabled."""
    if not config.comments_enabled:
        return []
    base = [COMMENTS_BASE] if commented_posts(site) else []
    return [*base, *comment_feed_posts(site)]


def _feed_dirs(
    at: _Rules, nested: list[str], comments: tuple[str, ...] | list[str] = ()
) -> list[tuple[str, FeedFormat]]:
    """(feed URL directory as a rule writes it, its format) for every feed URL shape we
    publish: our own `:slug` patterns as they are, the nested categories' and the comment
    feeds' paths quoted."""
    bases = [
        *((k, b, True) for k, b in FEED_BASES.items()),
        *(("category", b, False) for b in nested),
        *(("post", b, False) for b in comments),
    ]
    rows = []
    for kind, base, ours in bases:
        for fmt in formats.FORMATS:
            if kind in fmt.kinds:
                url_dir = base + fmt.url
                rows.append((f"{at.root}{url_dir}" if ours else at(url_dir), fmt))
    return rows


@dataclass(frozen=True)
class Redirect:
    """One rule of the redirect table, in the form every host's writer starts from.

    `source` and `target` are rule paths (`/web/about/`, through `safepath.rule_path`), or one
    of our own feed patterns in which `:slug` stands for one path segment (a checked path can
    never hold `:`, which `rule_path` encodes). `query` (`p=42`) makes the rule match the
    source path with that query parameter only. Status 301 redirects, 200 serves the target's
    file at the source path, 410 serves the target (the 410 page) with status 410."""

    source: str
    target: str
    status: int
    query: str = ""
    force: bool = False  # Netlify: applies even where a file exists at the source path

    @property
    def pattern(self) -> bool:
        """A rule with a placeholder: `:slug` (one segment) or a trailing `*` (`:splat`)."""
        return ":slug" in self.source or self.source.endswith("*")


def redirect_table(site: Site, config: SiteConfig) -> list[Redirect]:
    """Every old WordPress URL of the site and where it goes, in the order rules are tried."""
    root = config.base_path
    at = _Rules(root, "the redirect table")
    rules = []
    for path, doc in site.docs.items():
        if doc.wp_id:
            param = "p" if doc.type == "post" else "page_id"
            # Forced (`!`): the home page's index.html exists at the same path, and Netlify
            # lets an existing file win over an unforced rule, so /?p=ID would show the home.
            rules.append(Redirect(root, at(path), 301, f"{param}={doc.wp_id}", force=True))
    for path, doc in site.docs.items():
        rules += [Redirect(at(a.strip("/") + "/"), at(path), 301) for a in doc.aliases]
    for slug in site.category_posts:
        nested = site.term_path("category", slug)
        if nested != f"category/{slug}/":
            rules.append(Redirect(at(f"category/{slug}/"), at(nested), 301))
    # A path published again (its post is in content/) is not gone, whatever _gone.yaml says.
    gone = [g for g in site.gone if g.path not in site.docs]
    rules += [Redirect(at(g.path), f"{root}410.html", 410) for g in gone]
    comment_bases = _comment_bases(site, config)
    for url_dir, fmt in _feed_dirs(at, _nested_categories(site), comment_bases):
        rules.append(Redirect(url_dir, f"{url_dir}{_file_name(fmt)}", 200))
    rules += _feed_alias_rules(at, [*_nested_categories(site), *comment_bases])
    rules += _wordpress_addresses(site, at)
    at.check()
    return rules


def _wordpress_addresses(site: Site, at: _Rules) -> list[Redirect]:
    """The other addresses at which WordPress answers for a post, each a 301 to the permalink,
    as WordPress's canonical redirect sends them: `/index.php/<permalink>` (PATHINFO
    permalinks), and a post's AMP version, `/<permalink>/amp/` and `?amp=1`. (A list's
    `/page/N/` past its last page is a 404 in WordPress, as it is here: no rule.)"""
    root = at.root
    rules = [
        Redirect(f"{root}index.php", root, 301),
        Redirect(f"{root}index.php/*", f"{root}:splat", 301),
    ]
    for path in site.posts:
        if path + "amp/" not in site.docs:
            rules.append(Redirect(at(path + "amp/"), at(path), 301))
        # Forced: the post's own file exists at the path (see the ?p= rules).
        rules.append(Redirect(at(path), at(path), 301, "amp=1", force=True))
    return rules


def netlify_line(rule: Redirect) -> str:
    query = f" {rule.query}" if rule.query else ""
    force = "!" if rule.force else ""
    return f"{rule.source}{query} {rule.target} {rule.status}{force}"


def render_redirects(site: Site, config: SiteConfig) -> bytes:
    try:
        rules = redirect_table(site, config)
    except SitegenError as err:
        raise SitegenError(err.message, "_redirects", err.hint) from None
    return netlify_text(rules).encode("utf-8")


def netlify_text(rules: list[Redirect]) -> str:
    """The table as Netlify's `_redirects`."""
    lines = ["# Generated by sitegen. Old WordPress URLs -> the mirror's pages."]
    lines += [netlify_line(rule) for rule in rules]
    return "\n".join(lines) + "\n"


def _feed_alias_rules(at: _Rules, nested: list[str]) -> list[Redirect]:
    """301s from WordPress's other feed URLs (`/feed/rss2/`, `/?feed=atom`, `/wp-rss2.php`);
    `nested`: the feed bases no `:slug` pattern covers (child categories, comment feeds)."""
    root = at.root
    rules = [
        Redirect(root, f"{root}{target}", 301, f"feed={name}", force=True)
        for name, target in QUERY_FEEDS.items()
    ]
    rules += [Redirect(f"{root}{n}", f"{root}{t}", 301) for n, t in LEGACY_FEED_FILES.items()]
    for base in FEED_BASES.values():
        feed = f"{root}{base}{RSS.url}"
        rules += [Redirect(feed + a, feed, 301) for a in FEED_ALIASES]
    for base in nested:
        rules += [Redirect(at(base + RSS.url + a), at(base + RSS.url), 301) for a in FEED_ALIASES]
    if COMMENTS_BASE in nested:  # WordPress's other addresses of its latest-comments feed
        target = f"{root}{COMMENTS_BASE}{RSS.url}"
        atom = f"{root}{COMMENTS_BASE}{ATOM.url}"
        rules.append(Redirect(root, target, 301, "feed=comments-rss2", force=True))
        rules.append(Redirect(root, atom, 301, "feed=comments-atom", force=True))
        rules.append(Redirect(f"{root}wp-commentsrss2.php", target, 301))
    return rules


def render_headers(site: Site, config: SiteConfig, assets: Iterable[str] = ()) -> bytes:
    """`assets`: the theme's fingerprinted asset paths, each cached for a year: its name changes
    with its bytes. One rule per file, not `assets/*`: a site's own static/assets/ files keep
    their names, and an immutable rule over them would pin a stale copy for a year."""
    root = config.base_path
    at = _Rules(root, "_headers")
    lines = ["# Generated by sitegen: feed content types and cache lifetimes."]
    for url_dir, fmt in _feed_dirs(at, _nested_categories(site), _comment_bases(site, config)):
        for url in (url_dir, f"{url_dir}{_file_name(fmt)}"):
            lines += [url, f"  Content-Type: {fmt.content_type}"]
    for path in sorted(assets):
        lines += [at(path), "  Cache-Control: public, max-age=31536000, immutable"]
    lines += [f"{root}*", "  X-Content-Type-Options: nosniff"]
    at.check()
    return ("\n".join(lines) + "\n").encode("utf-8")


def _file_name(fmt: FeedFormat) -> str:
    """The name of the file in the feed's URL folder: `index.xml`."""
    return fmt.file.rsplit("/", 1)[-1]
