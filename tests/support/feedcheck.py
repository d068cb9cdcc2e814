"""Offline feed checks, ported from the team's proven check_feeds.py (shared/checks/).

Layers, each catching what the previous cannot: XML well-formedness (lxml, no DTD or network);
feedparser's bozo flag; for Atom the RFC 4287 RELAX NG grammar run by Debian's `jing` plus the
RFC's Schematron-style rules; for RSS the RSS 2.0 spec and RSS Advisory Board profile rules; for
JSON Feed the required fields of version 1.1. Every function returns a list of problems.
"""

from __future__ import annotations

import email.utils
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
from lxml import etree
from testdata import FIXTURES

ATOM = "{http://www.w3.org/2005/Atom}"
ATOM_RNC = FIXTURES / "atom.rnc"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# RFC 822 as RSS 2.0 uses it (4-digit years, as every validator tolerates).
RFC822 = re.compile(
    r"^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2,4} "
    r"\d\d:\d\d(:\d\d)? ([+-]\d{4}|GMT|UT|UTC|[ECMP][SD]T|Z)$"
)


def absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def parse_xml(data: bytes) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)


def check_xml_feed(data: bytes) -> list[str]:
    """Well-formedness, bozo, then the RSS or Atom rules (Atom's RELAX NG layer is separate)."""
    try:
        root = parse_xml(data)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    problems: list[str] = []
    parsed = feedparser.parse(data)
    if parsed.bozo:
        problems.append(f"feedparser bozo: {parsed.bozo_exception!r}")
    if root.tag == f"{ATOM}feed":
        problems += atom_rules(root)
    elif root.tag == "rss":
        problems += rss_rules(root)
    else:
        problems.append(f"unknown root element {root.tag}")
    return problems


def jing_atom(paths: list[Path]) -> list[str]:
    """RFC 4287's RELAX NG grammar, by jing (one JVM for all files). No jing is a failure."""
    jing = shutil.which("jing")
    if jing is None:
        return ["jing not found: install Debian's `jing` (scripts/test does)"]
    if not paths:
        return []
    run = subprocess.run(
        [jing, "-c", str(ATOM_RNC), *map(str, paths)], capture_output=True, text=True, check=False
    )
    # Debian's launcher warns on stderr about optional jars it cannot find; errors are on stdout.
    noise = f"[warning] {jing}: Unable to locate"
    lines = [ln for ln in (run.stdout + run.stderr).splitlines() if not ln.startswith(noise)]
    if run.returncode != 0 and not lines:
        lines = [f"jing exited with {run.returncode}"]
    return [f"RELAX NG: {line}" for line in lines]


def atom_rules(root: Any) -> list[str]:
    problems: list[str] = []
    err = problems.append
    feed_author = root.find(f"{ATOM}author") is not None
    for el in root.iter(f"{ATOM}updated", f"{ATOM}published"):
        if not RFC3339.match((el.text or "").strip()):
            err(f"line {el.sourceline}: {el.tag[len(ATOM) :]} not RFC 3339: {el.text!r}")
    ids: set[str] = set()
    for entry in root.findall(f"{ATOM}entry"):
        where = f"entry at line {entry.sourceline}"
        entry_id = entry.findtext(f"{ATOM}id")
        if entry_id in ids:
            err(f"{where}: duplicate atom:id {entry_id}")
        ids.add(entry_id)
        if not feed_author and entry.find(f"{ATOM}author") is None:
            err(f"{where}: no atom:author and the feed has none either")
        links = entry.findall(f"{ATOM}link")
        alt = [ln for ln in links if ln.get("rel", "alternate") == "alternate"]
        content = entry.find(f"{ATOM}content")
        if content is None and not alt:
            err(f"{where}: needs atom:content or a rel=alternate link")
        if content is not None and content.get("src") and entry.find(f"{ATOM}summary") is None:
            err(f"{where}: content@src requires atom:summary")
        if len({(ln.get("type"), ln.get("hreflang")) for ln in alt}) != len(alt):
            err(f"{where}: several alternate links with the same type+hreflang")
        for link in links:
            if not absolute(link.get("href")):
                err(f"{where}: link href not absolute: {link.get('href')!r}")
    if not any(ln.get("rel") == "self" for ln in root.findall(f"{ATOM}link")):
        err("feed has no atom:link rel=self (SHOULD)")
    return problems


def rss_rules(root: Any) -> list[str]:
    problems: list[str] = []
    err = problems.append
    if root.get("version") != "2.0":
        err(f"<rss version> is {root.get('version')!r}, expected '2.0'")
    channels = root.findall("channel")
    if len(channels) != 1:
        return [*problems, f"expected exactly one <channel>, found {len(channels)}"]
    channel = channels[0]
    for required in ("title", "link", "description"):
        if channel.find(required) is None:
            err(f"channel: missing required <{required}>")
    if not absolute(channel.findtext("link")):
        err(f"channel <link> not an absolute http(s) URL: {channel.findtext('link')!r}")
    if not any(ln.get("rel") == "self" for ln in channel.findall(f"{ATOM}link")):
        err("channel: no atom:link rel=self (RSS Advisory Board: SHOULD)")
    for tag in ("pubDate", "lastBuildDate"):
        for el in root.iter(tag):
            value = (el.text or "").strip()
            if not RFC822.match(value) or email.utils.parsedate_tz(value) is None:
                err(f"line {el.sourceline}: <{tag}> not an RFC 822 date-time: {value!r}")
    guids: set[str] = set()
    for item in channel.findall("item"):
        problems += _rss_item(item, guids)
    return problems


def _rss_item(item: Any, guids: set[str]) -> list[str]:
    problems: list[str] = []
    err = problems.append
    where = f"item at line {item.sourceline}"
    if item.find("title") is None and item.find("description") is None:
        err(f"{where}: needs <title> or <description>")
    if item.find("link") is not None and not absolute(item.findtext("link")):
        err(f"{where}: <link> not absolute: {item.findtext('link')!r}")
    guid = item.find("guid")
    if guid is None:
        err(f"{where}: no <guid> (readers will show duplicates after edits)")
    else:
        if guid.get("isPermaLink", "true") == "true" and not absolute(guid.text):
            err(f"{where}: guid isPermaLink=true but not an absolute URL: {guid.text!r}")
        if guid.text in guids:
            err(f"{where}: duplicate guid {guid.text!r}")
        guids.add(guid.text)
    for enclosure in item.findall("enclosure"):
        missing = [a for a in ("url", "length", "type") if not enclosure.get(a)]
        if missing:
            err(f"{where}: <enclosure> missing {missing}")
        if not absolute(enclosure.get("url")):
            err(f"{where}: <enclosure> url not absolute")
    return problems


def check_json_feed(data: bytes) -> list[str]:
    """JSON Feed 1.1's required fields and types (https://www.jsonfeed.org/version/1.1/)."""
    try:
        feed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"not UTF-8 JSON: {exc}"]
    problems: list[str] = []
    err = problems.append
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        err(f"version is {feed.get('version')!r}")
    if not isinstance(feed.get("title"), str):
        err("title (string) is required")
    for key in ("home_page_url", "feed_url"):
        if key in feed and not absolute(feed[key]):
            err(f"{key} not absolute: {feed[key]!r}")
    if not isinstance(feed.get("items"), list):
        return [*problems, "items (array) is required"]
    ids: set[str] = set()
    for n, item in enumerate(feed["items"]):
        where = f"items[{n}]"
        if not isinstance(item.get("id"), str) or not item["id"]:
            err(f"{where}: id (non-empty string) is required")
        elif item["id"] in ids:
            err(f"{where}: duplicate id {item['id']!r}")
        ids.add(item.get("id"))
        if not isinstance(item.get("content_html", item.get("content_text")), str):
            err(f"{where}: content_html or content_text is required")
        for key in ("url", "image", "external_url"):
            if key in item and not absolute(item[key]):
                err(f"{where}: {key} not absolute: {item[key]!r}")
        for key in ("date_published", "date_modified"):
            if key in item and not RFC3339.match(item[key]):
                err(f"{where}: {key} not RFC 3339: {item[key]!r}")
        authors = item.get("authors", [])
        if not isinstance(authors, list) or not all(isinstance(a, dict) for a in authors):
            err(f"{where}: authors must be an array of objects")
    return problems


def shown_html(html: str) -> tuple[str, list[str]]:
    """What a reader that renders HTML shows for a fragment: its text and its elements."""
    import html5lib

    root: Any = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return "".join(root.itertext()), [el.tag for el in root.iter()][1:]
