"""Offline feed check: what a feed reader relies on, in every feed of a built site.

The RSS 2.0, Atom 1.0 and JSON Feed 1.1 files sitegen writes (`…/feed/index.xml`,
`…/feed/atom/index.xml`, `feed/json/index.json`, as `sitegen.feeds.formats` declares them) must
be well-formed, have their required elements, RFC 822 / RFC 3339 dates with an offset and unique
item ids, name where they are served as rel=self, and link every item to a page of this build.
The test suite validates further (RFC 4287's RELAX NG, feedparser); this layer needs nothing but
the standard library.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sitegen.checks.files import as_files
from sitegen.errors import Problem
from sitegen.feeds import formats

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def feed_names(files: Mapping[str, bytes]) -> list[str]:
    return [n for n in files if formats.format_of(n) is not None]


def check_feeds(site: Path | Mapping[str, bytes], base_url: str) -> list[Problem]:
    """Problems of every feed in a built site (none when it has no feeds: they are optional)."""
    files = as_files(site)
    problems: list[Problem] = []
    for name in feed_names(files):
        feed = _Feed(name, files, base_url)
        feed.check()
        problems += feed.problems
    return problems


class _Feed:
    """One feed file being checked; `problems` collects what is wrong, each with its place."""

    def __init__(self, name: str, files: Mapping[str, bytes], base_url: str) -> None:
        self.name, self.files, self.base_url = name, files, base_url
        self.served_at = base_url + name.rsplit("index.", 1)[0]
        self.problems: list[Problem] = []
        self.ids: set[str] = set()

    def error(self, message: str, where: str = "") -> None:
        self.problems.append(Problem(message, f"{self.name}: {where}" if where else self.name))

    def check(self) -> None:
        if self.name.endswith(".json"):
            try:
                data = json.loads(self.files[self.name].decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                return self.error(f"not UTF-8 JSON: {exc}")
            return self._json(data if isinstance(data, dict) else {})
        try:
            root = ET.fromstring(self.files[self.name])
        except ET.ParseError as exc:
            return self.error(f"not well-formed XML: {exc}")
        if root.tag == f"{ATOM}feed":
            return self._atom(root)
        if root.tag == "rss" and root.get("version") == "2.0":
            return self._rss(root)
        self.error(f"root element {root.tag} is neither RSS 2.0 nor Atom")

    def _self(self, url: str | None) -> None:
        # Compared decoded: files are named `tag/हिंदी/`, URLs say `tag/%e0%a4%b9…/`.
        if url is None or unquote(url) != self.served_at:
            self.error(f"rel=self is {url!r}, but the feed is served at {self.served_at}")

    def _id(self, value: str | None, where: str) -> None:
        if not value:
            self.error("no id (guid): readers would show the item again after every edit", where)
        elif value in self.ids:
            self.error(f"duplicate id {value!r}", where)
        self.ids.add(value or "")

    def _link(self, url: str | None, where: str) -> None:
        """An item must lead to a page of this mirror, not to the original site or nowhere."""
        rel = unquote((url or "").removeprefix(self.base_url).split("#")[0])
        if not (url or "").startswith(self.base_url) or f"{rel}index.html" not in self.files:
            self.error(f"link {url!r} is not a page of this build", where)

    def _date(self, value: str | None, where: str, rfc822: bool = False) -> None:
        text = (value or "").strip()
        try:
            ok = (parsedate_to_datetime(text) if rfc822 else _iso(text)).tzinfo is not None
        except (TypeError, ValueError):
            ok = False
        if not ok:
            kind = "RFC 822" if rfc822 else "RFC 3339"
            self.error(f"{kind} date with a UTC offset expected, got {text!r}", where)

    def _rss(self, root: ET.Element) -> None:
        channel = root.find("channel")
        if channel is None:
            return self.error("no <channel>")
        for tag in ("title", "link", "description"):
            if channel.find(tag) is None:
                self.error(f"channel: missing <{tag}>")
        links = channel.findall(f"{ATOM}link")
        self._self(next((ln.get("href") for ln in links if ln.get("rel") == "self"), None))
        if channel.find("lastBuildDate") is not None:
            self._date(channel.findtext("lastBuildDate"), "lastBuildDate", rfc822=True)
        for i, item in enumerate(channel.findall("item"), 1):
            where = f"item {i}"
            if item.find("title") is None and item.find("description") is None:
                self.error("needs <title> or <description>", where)
            self._id(item.findtext("guid"), where)
            self._link(item.findtext("link"), where)
            self._date(item.findtext("pubDate"), where, rfc822=True)

    def _atom(self, root: ET.Element) -> None:
        for tag in ("id", "title", "updated"):
            if root.find(f"{ATOM}{tag}") is None:
                self.error(f"feed: missing <{tag}>")
        self._date(root.findtext(f"{ATOM}updated"), "updated")
        self._self(_atom_link(root, "self"))
        feed_author = root.find(f"{ATOM}author") is not None
        for i, entry in enumerate(root.findall(f"{ATOM}entry"), 1):
            where = f"entry {i}"
            self._id(entry.findtext(f"{ATOM}id"), where)
            if entry.find(f"{ATOM}title") is None:
                self.error("missing <title>", where)
            if not feed_author and entry.find(f"{ATOM}author") is None:
                self.error("no <author>, and the feed has none either", where)
            self._date(entry.findtext(f"{ATOM}updated"), where)
            if entry.find(f"{ATOM}published") is not None:
                self._date(entry.findtext(f"{ATOM}published"), where)
            self._link(_atom_link(entry, "alternate"), where)

    def _json(self, feed: dict[str, Any]) -> None:
        if feed.get("version") != "https://jsonfeed.org/version/1.1":
            self.error(f"version is {feed.get('version')!r}, not JSON Feed 1.1")
        if not isinstance(feed.get("title"), str):
            self.error("missing title")
        self._self(feed.get("feed_url"))
        items = feed.get("items")
        if not isinstance(items, list):
            return self.error("missing items")
        for i, entry in enumerate(items, 1):
            where = f"item {i}"
            item: dict[str, Any] = entry if isinstance(entry, dict) else {}
            self._id(item.get("id") if isinstance(item.get("id"), str) else None, where)
            if not isinstance(item.get("content_html", item.get("content_text")), str):
                self.error("needs content_html or content_text", where)
            self._link(item.get("url"), where)
            for key in ("date_published", "date_modified"):
                if key in item:
                    self._date(item[key], where)


def _atom_link(element: ET.Element, rel: str) -> str | None:
    links = element.findall(f"{ATOM}link")
    return next((ln.get("href") for ln in links if ln.get("rel", "alternate") == rel), None)


def _iso(text: str) -> datetime:
    if not RFC3339.match(text):
        raise ValueError(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
