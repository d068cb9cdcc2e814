"""What SEO plugins stored per post -> the `seo:` front matter (docs/content-format.md).

Yoast answers the REST API with `yoast_head_json` (its templates already expanded); an export
(WXR) holds the raw post meta of Yoast (`_yoast_wpseo_*`) and Rank Math (`rank_math_*`), whose
titles may still be templates (`%%title%% %%sep%% %%sitename%%`, `%title% %sep% %sitename%`).
The common variables are expanded as the plugins do; a title with any other variable falls back
to the post's own title, since a search result showing `%%cf_subtitle%%` is worse than none.

Only what a page's <head> can use is kept: title, description, canonical, noindex. Values are
cut to a size no search engine reads past, and a canonical is kept only when it is an http(s)
URL: a canonical at the old site is mapped to the mirror's page by the importer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sitegen.wp.text import plain_text

MAX_TITLE = 300
MAX_DESCRIPTION = 1000
MAX_URL = 2000

# The meta keys read from an export, per plugin: front matter key -> meta key.
YOAST = {
    "title": "_yoast_wpseo_title",
    "description": "_yoast_wpseo_metadesc",
    "canonical": "_yoast_wpseo_canonical",
    "noindex": "_yoast_wpseo_meta-robots-noindex",
}
RANK_MATH = {
    "title": "rank_math_title",
    "description": "rank_math_description",
    "canonical": "rank_math_canonical_url",
    "noindex": "rank_math_robots",
}
META_KEYS = frozenset(YOAST.values()) | frozenset(RANK_MATH.values())

# Yoast's default separator is an en dash, Rank Math's a hyphen; both are what the sites show.
_SEP = {"yoast": "–", "rank_math": "-"}
_VARIABLE = re.compile(r"%%([a-z_]+)%%|%([a-z_]+)%")


def from_head_json(value: Any) -> dict[str, Any]:
    """`yoast_head_json` of a REST answer (an object; anything else is no data)."""
    if not isinstance(value, dict):
        return {}
    robots = value.get("robots")
    index = robots.get("index") if isinstance(robots, dict) else None
    out: dict[str, Any] = {
        "title": value.get("title") or value.get("og_title"),
        "description": value.get("description") or value.get("og_description"),
        "canonical": value.get("canonical"),
    }
    if index == "noindex":
        out["noindex"] = True
    return {k: v for k, v in out.items() if v}


def from_meta(meta: Mapping[str, str], title: str, site_name: str) -> dict[str, Any]:
    """The SEO fields of an export's post meta; Yoast's win where both plugins left some."""
    out: dict[str, Any] = {}
    for plugin, keys in (("rank_math", RANK_MATH), ("yoast", YOAST)):
        values = {k: meta.get(key, "").strip() for k, key in keys.items()}
        if values["title"]:
            out["title"] = expand(values["title"], title, site_name, _SEP[plugin])
        if values["description"]:
            out["description"] = expand(values["description"], title, site_name, _SEP[plugin])
        if values["canonical"]:
            out["canonical"] = values["canonical"]
        # Yoast: "1" noindex, "2" index; Rank Math: a serialised list holding "noindex".
        flag = values["noindex"]
        if flag == "1" or (plugin == "rank_math" and '"noindex"' in flag):
            out["noindex"] = True
        elif flag == "2" and plugin == "yoast":
            out.pop("noindex", None)
    return out


def expand(template: str, title: str, site_name: str, sep: str) -> str:
    """A plugin's title template with the common variables filled in; the post's title when
    it uses any other (a plugin's own, a custom field's)."""
    known = {"title": title, "sitename": site_name, "sep": sep, "page": "", "sitedesc": ""}
    unknown = False

    def fill(m: re.Match[str]) -> str:
        nonlocal unknown
        name = m.group(1) or m.group(2)
        if name not in known:
            unknown = True
            return ""
        return known[name]

    text = _VARIABLE.sub(fill, template)
    if unknown:
        return title
    return re.sub(r"\s+", " ", text).strip()


def clean(seo: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Front-matter-ready values, and what was dropped (for warnings): text without markup,
    cut at a sane size; a canonical only when http(s)."""
    out: dict[str, Any] = {}
    dropped: list[str] = []
    for key, limit in (("title", MAX_TITLE), ("description", MAX_DESCRIPTION)):
        value = seo.get(key)
        if isinstance(value, str):
            text = re.sub(r"\s+", " ", plain_text(value)).strip()
            if len(text) > limit:
                text = text[: limit - 1].rstrip() + "…"
                dropped.append(f"{key} cut to {limit} characters")
            if text:
                out[key] = text
    canonical = seo.get("canonical")
    if isinstance(canonical, str) and canonical.strip():
        url = canonical.strip()
        try:
            scheme = urlsplit(url).scheme.lower()
        except ValueError:
            scheme = ""
        if scheme in ("http", "https") and len(url) <= MAX_URL and not re.search(r"\s", url):
            out["canonical"] = url
        else:
            dropped.append(f"canonical {url[:80]!r} is not an http(s) URL")
    if seo.get("noindex") is True:
        out["noindex"] = True
    return out, dropped
