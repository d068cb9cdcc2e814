"""Site-level feed gates on the real WordPress 6.1 corpus (tests/fixtures/wp-local-dev/).

Import it into a temporary site, build it for a mirror at another host, then hold every feed to
what a subscriber's reader needs: valid RSS 2.0 / Atom 1.0 (RFC 4287 RELAX NG by jing) / JSON
Feed 1.1, no feedparser bozo, every URL absolute, the same items as WordPress's own `/feed/`,
and the same text as WordPress's REST API (entities, emoji, Hindi, Arabic) in every feed.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest
from builtsite import built_root
from feedcheck import ATOM, absolute, check_json_feed, check_xml_feed, jing_atom, parse_xml
from testdata import CORPUS

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.checks.feeds import check_feeds
from sitegen.wp.importer import ImportOptions, import_paths

WP_HOME = "http://127.0.0.1:8089/web"  # where the corpus's WordPress ran
MIRROR = "http://127.0.0.1:8000/mirror/"  # another host and path, to catch unresolved URLs
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("feeds-corpus")
    imported = import_paths(site, [CORPUS], ImportOptions())
    assert not imported.failed, imported.errors.render()
    report = build_site(site, BuildOptions(overrides={"base_url": MIRROR}, strict=True))
    assert report.committed and not report.problems.items, report.problems.render()
    return site


@pytest.fixture(scope="module")
def public(site_dir: Path) -> Path:
    """The site's own files, in its folder of public/ (mirror/ for MIRROR's path)."""
    return built_root(site_dir, MIRROR)


def rss_feeds(public: Path) -> list[Path]:
    return sorted(public.rglob("feed/index.xml"))


def atom_feeds(public: Path) -> list[Path]:
    return sorted(public.rglob("feed/atom/index.xml"))


def rss_items(path: Path, home: str) -> list[tuple[Any, ...]]:
    """(guid, title, link relative to the home, publication instant, creator, categories)."""
    channel = parse_xml(path.read_bytes()).find("channel")
    return [
        (
            it.findtext("guid"),
            it.findtext("title"),
            it.findtext("link").removeprefix(home),
            parsedate_to_datetime(it.findtext("pubDate")),
            it.findtext(DC_CREATOR),
            [c.text for c in it.findall("category")],
        )
        for it in channel.findall("item")
    ]


def test_every_archive_has_its_rss_and_atom_feed(site_dir: Path, public: Path) -> None:
    archives = [
        page.parent
        for kind in ("category", "tag", "author")
        for page in (public / kind).rglob("index.html")
        if "page" not in page.relative_to(public).parts[2:] and page.parent != public / kind
    ]
    assert len(archives) >= 10 + 20 + 4 - 2 - 2  # the corpus's used categories, tags, authors
    missing = [
        d.relative_to(public).as_posix()
        for d in archives
        if not (d / "feed/index.xml").is_file() or not (d / "feed/atom/index.xml").is_file()
    ]
    assert missing == []
    assert (public / "category/telecom/5g/feed/index.xml").is_file()  # the child category
    assert (public / "feed/json/index.json").is_file()
    # The site's comments and every post's own (WordPress answers each post's /feed/, empty
    # until someone comments; the corpus has comments on two posts and on no page).
    comment_feeds = 1 + len(list((site_dir / "content/posts").rglob("*.md")))
    assert (public / "comments/feed/index.xml").is_file()
    assert len(rss_feeds(public)) == len(atom_feeds(public)) == len(archives) + 1 + comment_feeds


def test_every_xml_feed_passes_every_check(public: Path) -> None:
    problems = {
        path.relative_to(public).as_posix(): found
        for path in rss_feeds(public) + atom_feeds(public)
        if (found := check_xml_feed(path.read_bytes()))
    }
    assert problems == {}


def test_sitegen_check_finds_nothing_wrong_with_any_feed(public: Path) -> None:
    assert [p.render() for p in check_feeds(public, MIRROR)] == []


def test_every_atom_feed_is_valid_rfc_4287(public: Path) -> None:
    assert jing_atom(atom_feeds(public)) == []


def test_json_feed_is_valid_and_holds_the_rss_items(public: Path) -> None:
    data = (public / "feed/json/index.json").read_bytes()
    assert check_json_feed(data) == []
    items = json.loads(data)["items"]
    rss = rss_items(public / "feed/index.xml", MIRROR)
    assert [(i["id"], i["title"]) for i in items] == [(r[0], r[1]) for r in rss]


def test_site_feed_matches_wordpress_own_feed_item_for_item(public: Path) -> None:
    wordpress = rss_items(CORPUS / "feed.xml", WP_HOME)
    ours = rss_items(public / "feed/index.xml", MIRROR.rstrip("/"))
    assert len(wordpress) == 10
    # WordPress's 10 newest, in its order, are our first 10: guid, title, link (relative to the
    # home), publication instant, author, categories then tags.
    assert ours[: len(wordpress)] == wordpress


def test_titles_and_authors_are_wordpress_text_exactly(public: Path) -> None:
    """Every post in any feed has the title WordPress rendered (entities decoded): quotes, `&`,
    emoji, Hindi, Arabic."""
    posts = [p for f in sorted(CORPUS.glob("posts-page-*.json")) for p in json.loads(f.read_text())]
    expected = {p["guid"]["rendered"]: html.unescape(p["title"]["rendered"]) for p in posts}
    seen: dict[str, str] = {}
    for path in rss_feeds(public):
        for guid, title, *_ in rss_items(path, MIRROR):
            if "#comment-" not in guid:  # comment feeds' items are comments
                seen[guid] = title
    assert len(seen) == len(expected) == 60
    assert seen == expected
    assert any("🚀" in t for t in seen.values())
    assert any("\u0900" <= c <= "\u097f" for t in seen.values() for c in t)  # Devanagari
    assert any("&" in t for t in seen.values())


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "poster") and value:
                self.urls.append(value)
            elif name == "srcset" and value:
                self.urls += [c.split()[0] for c in value.split(", ") if c.strip()]


def _body_urls(body: str) -> list[str]:
    parser = _Urls()
    parser.feed(body)
    parser.close()
    return parser.urls


def test_every_url_in_every_feed_body_is_absolute(public: Path) -> None:
    relative: list[tuple[str, str]] = []
    footnotes = 0
    for path in rss_feeds(public):
        for item in parse_xml(path.read_bytes()).iter("item"):
            link, body = item.findtext("link"), item.findtext(CONTENT) or ""
            urls = _body_urls(body)
            relative += [(link, u) for u in urls if not absolute(u) and ":" not in u.split("/")[0]]
            # A footnote reference leads to the note in the same post, never to the home page.
            for url in (u for u in urls if "#fn" in u):
                assert url.split("#")[0] == link, (link, url)
                footnotes += 1
    assert relative == []
    assert footnotes > 0  # the corpus has a footnoted post: the check above did run


def test_every_feed_link_is_a_page_of_the_mirror(public: Path) -> None:
    """rel=self, rel=alternate and channel links point at files the build wrote. (Enclosures
    may stay on the original host: the offline import has no image bytes to mirror.)"""
    missing = []
    for path in rss_feeds(public) + atom_feeds(public):
        root = parse_xml(path.read_bytes())
        links = [
            el.get("href")
            for el in root.iter(f"{ATOM}link")
            if el.get("rel") in ("self", "alternate")
        ]
        links += [root.findtext("channel/link")] if root.tag == "rss" else []
        for url in links:
            local = unquote(urlsplit(url).path).removeprefix(urlsplit(MIRROR).path)
            if (
                not (public / local / "index.html").is_file()
                and not (public / local / "index.xml").is_file()
            ):
                missing.append((path.relative_to(public).as_posix(), url))
    assert missing == []


def test_updated_is_the_newest_entry_and_a_rebuild_changes_no_byte(
    site_dir: Path, public: Path
) -> None:
    for path in atom_feeds(public):
        root = parse_xml(path.read_bytes())
        entries = [datetime.fromisoformat(u.text) for u in root.iter(f"{ATOM}updated")][1:]
        if entries:  # a post's comment feed with no comment yet is dated by the post
            assert datetime.fromisoformat(root.findtext(f"{ATOM}updated")) == max(entries)
    feeds = [*rss_feeds(public), *atom_feeds(public), public / "feed/json/index.json"]
    before = {p: p.read_bytes() for p in feeds}
    report = build_site(site_dir, BuildOptions(overrides={"base_url": MIRROR}, strict=True))
    assert report.committed and not report.problems.items
    assert {p: p.read_bytes() for p in feeds} == before


def _redirect_rules(site_dir: Path) -> list[tuple[str, ...]]:
    lines = (site_dir / "public" / "_redirects").read_text().splitlines()  # the host's root
    return [tuple(line.split()) for line in lines if line and not line.startswith("#")]


def _pattern(source: str) -> re.Pattern[str]:
    """A Netlify rule's source as a regex: `:name` matches one path segment."""
    parts = re.split(r"(:\w+)", source)
    body = "".join(f"(?P<{p[1:]}>[^/]+)" if p.startswith(":") else re.escape(p) for p in parts)
    return re.compile(f"^{body}$")


def _follow(url: str, rules: list[tuple[str, ...]]) -> tuple[str, list[str]]:
    """Where `url` ends after the path rules, and the status codes on the way."""
    codes: list[str] = []
    while len(codes) < 5 and (not codes or codes[-1] != "200"):
        for source, dest, code in (r for r in rules if len(r) == 3):
            if match := _pattern(source).match(url):
                url = re.sub(r":(\w+)", lambda m: match.group(m.group(1)), dest)
                codes.append(code)
                break
        else:
            break
    return url, codes


def test_wordpress_other_feed_urls_lead_to_the_feeds(site_dir: Path, public: Path) -> None:
    """`/feed/rss2/`, `/feed/rdf/`, `/?feed=atom`, `/wp-rss2.php` …: WordPress answers all of
    them, so some reader out there is subscribed to each."""
    root = urlsplit(MIRROR).path
    rules = _redirect_rules(site_dir)
    dirs = [p.parent for p in rss_feeds(public)]
    assert len(dirs) > 30
    for feed_dir in dirs:
        # As the rules spell it: percent-encoded in WordPress's lower case (`%e2%82%b9`).
        quoted = quote(feed_dir.relative_to(public).as_posix())
        url = root + re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quoted) + "/"
        for alias in ("rss2/", "rss/", "rdf/"):
            target, codes = _follow(url + alias, rules)
            assert (target, codes) == (url + "index.xml", ["301", "200"]), url + alias
            assert (public / unquote(target).removeprefix(root)).is_file()
        assert _follow(url + "atom/", rules) == (url + "atom/index.xml", ["200"])
    for legacy, target in (
        ("wp-rss2.php", "feed/index.xml"),
        ("wp-atom.php", "feed/atom/index.xml"),
    ):
        assert _follow(root + legacy, rules) == (root + target, ["301", "200"])
    # Forced (`301!`): the home page's index.html is at the same path and would win otherwise.
    for name, target in (("rss2", "feed/"), ("rdf", "feed/"), ("atom", "feed/atom/")):
        assert (root, f"feed={name}", root + target, "301!") in rules
