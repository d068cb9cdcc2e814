"""`sitegen import --from URL --warc FILE --capture-pages`: each public post's and page's own
HTML page (its `link`) and the same-site files it loads (stylesheets, scripts, images, icons),
fetched after the REST import so that the WARC holds how the original site looked, not only
its data.

Everything goes through the import's own `HttpClient`: its address checks (only the origin the
user named may be on an internal address), its size caps, its `--jobs` threads and its waits on
429 and Retry-After; each answer reaches the WARC through the client's recorder. Beyond that:
only URLs on the origin the user named are fetched (a `link` or an asset on any other host,
whatever the site says, is left alone), and the site's robots.txt is obeyed for the user agent
`sitegen`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin
from urllib.robotparser import RobotFileParser

from sitegen.errors import Problems, SitegenError
from sitegen.wp.fetch import HttpClient
from sitegen.wp.media import srcset_urls
from sitegen.wp.netguard import origin

ROBOTS_AGENT = "sitegen"
_PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
# A page is HTML: what the site sends beyond this is not read (the record keeps what came).
_PAGE_LIMIT = 16_000_000
_ASSET_RELS = frozenset({"stylesheet", "icon", "apple-touch-icon", "preload", "modulepreload"})


@dataclass
class CaptureReport:
    pages: int = 0  # post and page HTML answered 200
    assets: int = 0  # same-site files answered 200
    skipped: int = 0  # URLs on another host, or refused by robots.txt
    failed: int = 0  # not fetched, or answered other than 200

    def summary(self) -> str:
        return (
            f"captured into the WARC: {self.pages} pages, {self.assets} files they load; "
            f"{self.skipped} skipped (another host or robots.txt), {self.failed} failed"
        )


class _Assets(HTMLParser):
    """The URLs a page loads as it is shown: stylesheets, icons, scripts, images, media."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and _ASSET_RELS.intersection(a.get("rel", "").lower().split()):
            self.urls.append(a.get("href", ""))
        elif tag in ("script", "img", "source", "audio", "video", "track", "input"):
            self.urls.append(a.get("src", ""))
        if tag in ("img", "source"):
            self.urls += srcset_urls(a.get("srcset", ""))
        if tag == "video":
            self.urls.append(a.get("poster", ""))


def asset_urls(html: str, page_url: str) -> list[str]:
    """The absolute URLs (no fragment) of what the page at `page_url` loads."""
    parser = _Assets()
    parser.feed(html)
    parser.close()
    found = []
    for raw in parser.urls:
        try:
            url = urldefrag(urljoin(page_url, raw.strip())).url if raw.strip() else ""
        except ValueError:  # `http://[x`: not an address
            continue
        if url:
            found.append(url)
    return found


def _loads(body: bytes, url: str) -> list[str]:
    return asset_urls(body.decode("utf-8", "replace"), url)


def page_links(known: dict[str, dict[int, Any]]) -> list[str]:
    """The `link` of every public (published) post and page, in id order."""
    links = []
    for kind in ("posts", "pages"):
        for _, item in sorted(known[kind].items()):
            if not isinstance(item, dict) or item.get("status", "publish") != "publish":
                continue
            link = item.get("link")
            if isinstance(link, str) and link:
                links.append(link)
    return links


@dataclass
class PageCapture:
    """Fetches pages and their same-site files through `http` (whose recorder writes the
    WARC), for the site the user named at `site_url`."""

    http: HttpClient
    site_url: str
    problems: Problems

    def __post_init__(self) -> None:
        self.report = CaptureReport()
        self.origin = origin(self.site_url)
        self.robots = self._robots()

    def run(self, links: Iterable[str], progress: Callable[[str, int, int], None] | None) -> None:
        """Fetch the pages, then the files they load; `progress(phase, done, total)`."""
        pages = self._allowed(dict.fromkeys(links))
        loaded: dict[str, None] = {}
        for found in self._fetch_all(pages, _PAGE_ACCEPT, _PAGE_LIMIT, "page", progress, _loads):
            self.report.pages += 1
            loaded.update(dict.fromkeys(found))
        assets = self._allowed(u for u in loaded if u not in pages)
        limit = self.http.options.max_media
        for _ in self._fetch_all(assets, "*/*", limit, "page file", progress, lambda _b, _u: []):
            self.report.assets += 1

    def _allowed(self, urls: Iterable[str]) -> list[str]:
        kept = []
        for url in urls:
            if origin(url) == self.origin and self.robots.can_fetch(ROBOTS_AGENT, url):
                kept.append(url)
            else:
                self.report.skipped += 1
        return kept

    def _fetch_all(
        self, urls: list[str], accept: str, limit: int, what: str,
        progress: Callable[[str, int, int], None] | None, keep: Callable[[bytes, str], list[str]],
    ) -> Iterable[list[str]]:  # fmt: skip
        """`keep(body, final URL)` of each URL answered 200, made in the worker so that no body
        waits in memory for its turn; the others are warnings."""

        def one(url: str) -> tuple[str, int, list[str], str]:
            try:
                resp = self.http.get(url, accept=accept, limit=limit)
            except SitegenError as err:
                return url, 0, [], err.message
            kept = keep(resp.body, resp.url) if resp.status == 200 else []
            return resp.url, resp.status, kept, ""

        with ThreadPoolExecutor(max_workers=max(1, self.http.options.jobs)) as pool:
            for done, (url, status, kept, why) in enumerate(pool.map(one, urls), 1):
                if progress:
                    progress(f"{what}s", done, len(urls))
                if status == 200:
                    yield kept
                    continue
                self.report.failed += 1
                if why:
                    self.problems.warn(f"{what} not captured: {why}", url)
                else:  # the answer is in the WARC, as it came
                    self.problems.warn(f"{what} answered HTTP {status}; recorded as it came", url)

    def _robots(self) -> RobotFileParser:
        """The site's robots.txt (fetched, and so recorded, like any answer); none, or one
        that cannot be read, allows everything, as crawlers take it."""
        robots = RobotFileParser()
        where = urljoin(self.site_url, "/robots.txt")
        try:
            resp = self.http.get(where, accept="text/plain", limit=512_000)
        except SitegenError:
            resp = None
        if resp is not None and resp.status == 200:
            robots.parse(resp.body.decode("utf-8", "replace").splitlines())
        else:
            robots.parse([])
        return robots


def capture_pages(
    http: HttpClient, site_url: str, known: dict[str, dict[int, Any]], problems: Problems,
    progress: Callable[[str, int, int], None] | None = None,
) -> CaptureReport:  # fmt: skip
    """Capture the pages of `known` (current/'s posts, pages) through a client that trusts
    the named site's origin and is confined to it, redirects included."""
    options = replace(http.options, confined=(site_url,))
    capture = PageCapture(replace(http, options=options).trusting(site_url), site_url, problems)
    capture.run(page_links(known), progress)
    return capture.report
