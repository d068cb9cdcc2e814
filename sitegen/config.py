"""SiteConfig: `sitegen.toml` read with tomllib, validated, with defaults from `content/_site.yaml`.

Every key is optional. Unknown keys and bad values are collected (all of them, each naming the
file, the line and the key) instead of being ignored: a typo in a config key silently doing
nothing is the most confusing failure a static-site generator can have.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitegen import safepath
from sitegen.digests import fingerprint
from sitegen.errors import Problems
from sitegen.feeds.formats import NAMES as FEED_FORMATS
from sitegen.model import SiteInfo
from sitegen.zones import site_zone

SITE_YAML = "content/_site.yaml"  # where the import writes the WordPress site's details

CONFIG_FILE = "sitegen.toml"


@dataclass(frozen=True)
class FeedsConfig:
    items: int = 20
    full_text: bool = True
    formats: tuple[str, ...] = FEED_FORMATS  # site-wide feeds
    taxonomies: bool = True  # RSS + Atom under category/, tag/, author/


@dataclass(frozen=True)
class SitemapConfig:
    enabled: bool = True
    max_urls: int = 50_000  # per sitemap file; past it, sitemap.xml becomes an index


@dataclass(frozen=True)
class FrontConfig:
    """The front page: a lead, secondary stories, then a block per section."""

    sections: tuple[str, ...] = ()  # category slugs; () = the top-level ones with most posts
    section_posts: int = 4  # stories in each section's block
    # A sticky post is pinned above newer news only while it is at most this many days older
    # than the newest post; 0 pins it whatever its age (WordPress's own rule).
    sticky_days: int = 30


# SiteConfig fields that do not change a byte of the output: left out of its digest (a test
# holds that every other field changes the digest, so a new field cannot escape invalidation).
NOT_OUTPUT = frozenset({"site_dir"})  # where the checkout is


@dataclass(frozen=True)
class SiteConfig:
    site_dir: Path
    output_dir: Path
    base_url: str  # absolute, ends in "/"
    title: str = ""
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    theme: str = "default"
    posts_per_page: int = 10
    feeds: FeedsConfig = field(default_factory=FeedsConfig)
    sitemap: SitemapConfig = field(default_factory=SitemapConfig)
    front: FrontConfig = field(default_factory=FrontConfig)
    iframe_hosts: tuple[str, ...] = ()
    search_enabled: bool = True
    comments_enabled: bool = True  # imported reader comments shown under posts, comment feeds
    # Where base_url came from: "cli", "toml", or "" when nobody chose the mirror's address and
    # the build fell back to WordPress's home URL (absolute URLs then name the old host).
    base_url_source: str = ""

    @property
    def mirror_url_set(self) -> bool:
        return self.base_url_source in ("cli", "toml")

    def digest(self) -> str:
        """What the config contributes to every page's fingerprint: every field but those in
        NOT_OUTPUT, the output folder relative to the site (a moved checkout keeps its state)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in NOT_OUTPUT}
        out = self.output_dir
        values["output_dir"] = (
            out.relative_to(self.site_dir) if out.is_relative_to(self.site_dir) else out
        )
        values["output_dir"] = str(values["output_dir"])
        return fingerprint(values)

    @property
    def zone(self) -> tzinfo:
        """The site's time zone: dates without an offset are read in it, and shown in it."""
        return site_zone(self.timezone) or UTC

    @property
    def base_path(self) -> str:
        """Where the mirror lives on its server: "/" or "/web/"; every internal link starts with
        it, and the site sits in public/ under that path (`output_root`).

        Only a chosen base_url moves the mirror under a path: WordPress's own home (often
        https://example.com/web/) is not where a static copy is served, and links under /web/
        in a public/ holding the files at its root would all be broken on a plain server."""
        if not self.mirror_url_set:
            return "/"
        return urlsplit(self.base_url).path or "/"

    @property
    def output_root(self) -> str:
        """The folder of the output that holds the site: "" or "web/" (decoded) for the base
        path /web/. public/ is always the server's root, laid out as it is served: a plain
        static server at public/ serves /web/... from public/web/..., so every link resolves
        with no rule at all."""
        return safepath.site_folder(self.base_path)


_TOP = {
    "title": str,
    "description": str,
    "base_url": str,
    "language": str,
    "timezone": str,
    "theme": str,
    "posts_per_page": int,
    "output_dir": str,
    "iframe_hosts": list,
    "feeds": dict,
    "sitemap": dict,
    "front": dict,
    "search": dict,
    "comments": dict,
    # Read and checked by sitegen.publish.settings (publish and archive); the build only has to
    # know the table is not a typo.
    "publish": dict,
}
_TABLES: dict[str, dict[str, type]] = {
    "feeds": {"items": int, "full_text": bool, "formats": list, "taxonomies": bool},
    "sitemap": {"enabled": bool, "max_urls": int},
    "front": {"sections": list, "section_posts": int, "sticky_days": int},
    "search": {"enabled": bool},
    "comments": {"enabled": bool},
}


def _yaml_line(path: Path, key: str) -> str:
    """`content/_site.yaml:LINE` of a top-level `key:` (the file alone if it cannot tell)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return SITE_YAML
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return f"{SITE_YAML}:{text.count(chr(10), 0, match.start()) + 1}" if match else SITE_YAML


def _line_of(text: str, key: str) -> int:
    """1-based line of `key = ` or `[key]`; 0 when the file does not set it (a default)."""
    pattern = re.compile(rf"^\s*(\[\s*{re.escape(key)}\s*\]|{re.escape(key)}\s*=)", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


class _Reader:
    """Type-checks keys against a schema, collecting a problem per bad key."""

    def __init__(self, text: str, problems: Problems) -> None:
        self.text, self.problems = text, problems

    def where(self, key: str) -> str:
        line = _line_of(self.text, key.rsplit(".", 1)[-1])
        return f"{CONFIG_FILE}:{line}" if line else CONFIG_FILE

    def check(self, table: dict[str, Any], schema: dict[str, type], prefix: str) -> dict[str, Any]:
        good: dict[str, Any] = {}
        for key, value in table.items():
            name = prefix + key
            want = schema.get(key)
            if want is None:
                self.problems.error(
                    f"unknown key '{name}'",
                    self.where(name),
                    f"known keys here: {', '.join(sorted(schema))}",
                )
            elif not isinstance(value, want) or (want is int and isinstance(value, bool)):
                self.problems.error(
                    f"{name}: expected {want.__name__}, got {value!r}", self.where(name)
                )
            else:
                good[key] = value
        return good

    def bad(self, key: str, message: str, hint: str = "") -> None:
        self.problems.error(f"{key}: {message}", self.where(key), hint)


def read_config_file(site_dir: Path, problems: Problems) -> tuple[dict[str, Any], str]:
    path = site_dir / CONFIG_FILE
    if not path.is_file():
        return {}, ""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:  # was a traceback
        problems.error(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})",
            CONFIG_FILE,
            "save sitegen.toml as UTF-8, as TOML requires",
        )
        return {}, ""
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        problems.error(f"not valid TOML: {exc}", f"{CONFIG_FILE}:{line.group(1) if line else 1}")
        return {}, text


def load_config(
    site_dir: Path, info: SiteInfo, problems: Problems, overrides: dict[str, Any] | None = None
) -> SiteConfig:
    """The site's configuration; problems go to `problems` (the build stops if there are any)."""
    raw, text = read_config_file(site_dir, problems)
    raw.update(overrides or {})
    reader = _Reader(text, problems)
    top = reader.check(raw, _TOP, "")
    tables = {
        name: reader.check(top.get(name, {}), schema, f"{name}.")
        for name, schema in _TABLES.items()
    }
    source = (
        "cli"
        if "base_url" in (overrides or {})
        else "toml"
        if top.get("base_url")
        else SITE_YAML
        if info.home
        else ""
    )
    base_url = _base_url(top.get("base_url") or info.home, reader, source, site_dir)
    return SiteConfig(
        site_dir=site_dir,
        output_dir=_output_dir(site_dir, top.get("output_dir", "public"), reader),
        base_url=base_url,
        title=top.get("title", info.name or _hostname(info.home) or "sitegen"),
        description=top.get("description", info.description),
        language=top.get("language", info.language or "en"),
        timezone=_timezone(top.get("timezone", info.timezone or "UTC"), reader),
        theme=_theme(site_dir, top.get("theme", "default"), reader),
        posts_per_page=_positive(top.get("posts_per_page", 10), "posts_per_page", reader),
        feeds=_feeds(tables["feeds"], reader),
        sitemap=SitemapConfig(
            enabled=tables["sitemap"].get("enabled", True),
            max_urls=_positive(
                tables["sitemap"].get("max_urls", 50_000), "sitemap.max_urls", reader, high=50_000
            ),
        ),
        front=_front(tables["front"], reader),
        iframe_hosts=tuple(str(h) for h in top.get("iframe_hosts", ())),
        search_enabled=tables["search"].get("enabled", True),
        comments_enabled=tables["comments"].get("enabled", True),
        base_url_source=source if source in ("cli", "toml") else "",
    )


def _hostname(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:  # `http://[::1`: not a URL at all
        return None


def _base_url(value: str, reader: _Reader, source: str, site_dir: Path) -> str:
    """`source` says where `value` comes from, so that a bad one is blamed on the right file:
    "cli" (--base-url), "toml" (sitegen.toml), SITE_YAML (its `home`) or "" (nowhere)."""
    try:
        parts = urlsplit(value)
        good = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        good = False
    message = ""
    if not good:
        message = (
            f"not an absolute http(s) URL: {value!r}"
            if value
            else f"not set, and {SITE_YAML} has no home URL"
        )
    else:
        try:  # its path starts every link and every server rule (_redirects, _headers)
            safepath.check_url_path(parts.path)
        except safepath.UnsafePath as exc:
            message = f"not a usable site address: {exc}"
    if message:
        if source == "cli":  # point at the option the user typed, not at a sitegen.toml without it
            reader.problems.error(
                f"--base-url: {message}", hint="give the full address, e.g. https://example.org/"
            )
        elif source == SITE_YAML:
            reader.problems.error(
                f"home: {message}",
                _yaml_line(site_dir / SITE_YAML, "home"),
                hint="write the site's address there (the import copies it from WordPress), "
                'or set base_url = "https://example.org/" in sitegen.toml, which comes first',
            )
        else:
            reader.bad(
                "base_url",
                message,
                'set base_url = "https://example.org/" in sitegen.toml, or pass --base-url',
            )
        return "http://localhost/"
    return value if value.endswith("/") else value + "/"


# The build replaces its output folder as a whole: it must never be one of these, hold one,
# or sit inside one (`output_dir = "content"` used to replace content/ with the built site).
_SOURCES = ("content", "themes", "static", ".sitegen", CONFIG_FILE)


def _output_dir(site_dir: Path, value: str, reader: _Reader) -> Path:
    out = (site_dir / value).resolve()
    site = site_dir.resolve()
    clash = [
        name
        for name in _SOURCES
        if out == site / name or out in (site / name).parents or site / name in out.parents
    ]
    holds_site = out == site or out in site.parents
    if holds_site or clash:
        what = "the whole site folder" if holds_site else clash[0]
        reader.bad(
            "output_dir",
            f"{value!r} would overwrite {what}: the build replaces its output folder entirely",
            'use a folder of its own, like output_dir = "public"',
        )
        return site / "public"
    return site_dir / value


def _timezone(value: str, reader: _Reader) -> str:
    if site_zone(value) is None:
        reader.bad(
            "timezone",
            f"unknown time zone {value!r}",
            'use an IANA name like "Asia/Kolkata", or a fixed UTC offset like "+05:30"',
        )
        return "UTC"
    return value


def _theme(site_dir: Path, value: str, reader: _Reader) -> str:
    if value != "default" and not (site_dir / "themes" / value).is_dir():
        reader.bad(
            "theme",
            f"no folder themes/{value}/ in the site",
            'create themes/<name>/templates/ or use theme = "default"',
        )
        return "default"
    return value


def _positive(value: int, key: str, reader: _Reader, high: int = 10_000) -> int:
    if not 1 <= value <= high:
        reader.bad(key, f"must be between 1 and {high}, got {value}")
        return 1
    return value


def _front(table: dict[str, Any], reader: _Reader) -> FrontConfig:
    sections = table.get("sections", [])
    if not all(isinstance(s, str) and s for s in sections):
        reader.bad("front.sections", f"expected category slugs, got {sections!r}")
        sections = []
    days = table.get("sticky_days", 30)
    if days < 0:
        reader.bad("front.sticky_days", f"expected 0 or more days, got {days}", "0 pins always")
        days = 30
    return FrontConfig(
        sections=tuple(sections),
        section_posts=_positive(table.get("section_posts", 4), "front.section_posts", reader),
        sticky_days=days,
    )


def config_location(site_dir: Path, key: str) -> str:
    """`sitegen.toml:LINE` of `key` (a table's key by its last part), for a problem found
    after loading (the file alone when it does not say it)."""
    try:
        text = (site_dir / CONFIG_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return CONFIG_FILE
    line = _line_of(text, key.rsplit(".", 1)[-1])
    return f"{CONFIG_FILE}:{line}" if line else CONFIG_FILE


def _feeds(table: dict[str, Any], reader: _Reader) -> FeedsConfig:
    formats = tuple(str(f) for f in table.get("formats", FEED_FORMATS))
    unknown = sorted(set(formats) - set(FEED_FORMATS))
    if unknown:
        reader.bad(
            "feeds.formats",
            f"unknown feed format(s) {unknown}",
            f"choose from {list(FEED_FORMATS)}",
        )
        formats = tuple(f for f in formats if f in FEED_FORMATS)
    return FeedsConfig(
        items=_positive(table.get("items", 20), "feeds.items", reader),
        full_text=table.get("full_text", True),
        formats=formats,
        taxonomies=table.get("taxonomies", True),
    )
