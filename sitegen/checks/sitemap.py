"""Offline sitemap check: the sitemaps.org 0.9 rules a crawler relies on.

Well-formed XML in the sitemap namespace; a urlset of <= 50,000 absolute http(s) locs on the
site's base URL, no duplicates, W3C-datetime lastmods, every loc served by a file of the build;
a sitemapindex whose every child sitemap exists in the build and passes the same rules.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

from sitegen.checks.files import as_files
from sitegen.errors import Problem

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MAX_URLS = 50_000
W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")


def _file_for(loc: str, base_url: str, files: Mapping[str, bytes]) -> str | None:
    rel = unquote(loc[len(base_url) :].split("#")[0].split("?")[0])
    name = rel + "index.html" if rel == "" or rel.endswith("/") else rel
    return name if name in files else None


def _entries(
    name: str, files: Mapping[str, bytes], problems: list[Problem]
) -> tuple[str, list[ET.Element]]:
    try:
        root = ET.fromstring(files[name])
    except ET.ParseError as exc:
        problems.append(Problem(f"not well-formed XML: {exc}", name))
        return "", []
    kind = root.tag.removeprefix(NS)
    if kind not in ("urlset", "sitemapindex") or not root.tag.startswith(NS):
        problems.append(
            Problem(f"root element {root.tag} is not a sitemaps.org urlset or index", name)
        )
        return "", []
    return kind, list(root)


def check_sitemap(
    site: Path | Mapping[str, bytes], base_url: str, name: str = "sitemap.xml"
) -> list[Problem]:
    """Problems of `name` (and of the sitemaps it indexes) in a built site."""
    files = as_files(site)
    if name not in files:
        return [Problem("no sitemap in the build", name)]
    problems: list[Problem] = []
    kind, entries = _entries(name, files, problems)
    if len(entries) > MAX_URLS:
        problems.append(
            Problem(f"{len(entries)} entries > {MAX_URLS}: split it with an index", name)
        )
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        where = f"{name}: entry {i}"
        loc = (entry.findtext(f"{NS}loc") or "").strip()
        lastmod = (entry.findtext(f"{NS}lastmod") or "").strip()
        if not loc.startswith(base_url) or not loc.startswith(("http://", "https://")):
            problems.append(Problem(f"loc {loc!r} is not under {base_url}", where))
            continue
        if loc in seen:
            problems.append(Problem(f"duplicate loc {loc}", where))
        seen.add(loc)
        if lastmod and not W3C_DATE.match(lastmod):
            problems.append(Problem(f"lastmod {lastmod!r} is not a W3C datetime", where))
        target = _file_for(loc, base_url, files)
        if target is None:
            problems.append(Problem(f"loc {loc} has no file in the build", where))
        elif kind == "sitemapindex":
            problems += check_sitemap(files, base_url, target)
    return problems
