"""The `[publish]` table of sitegen.toml, and the header rules it feeds.

```toml
[publish]
target = "s3://my-bucket/site"     # default TARGET for `sitegen publish`
endpoint_url = "https://<account>.r2.cloudflarestorage.com"   # S3-compatible stores only
region = "auto"
max_deletes = 256
jobs = 8
gzip = false
keep = ["google*.html", ".well-known/**"]   # remote-only files a publish never deletes
[publish.cache_control]            # first matching pattern wins, then the defaults below
"assets/**" = "public, max-age=31536000, immutable"
[publish.content_type]
"*.php" = "text/html; charset=utf-8"
```

Patterns are globs on the key: `*` stays inside one folder, `**` crosses folders, and a pattern
without `/` matches the file name in any folder (as in .gitignore).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from sitegen.errors import SitegenError
from sitegen.feeds import formats as feed_formats
from sitegen.publish.store import StoreOptions

SHORT = "public, max-age=300"  # pages and feeds: a new post must show up within minutes
DAY = "public, max-age=86400"
IMMUTABLE = "public, max-age=31536000, immutable"

# A content hash in an asset's name (`app.3f2a9c1e.css`, pagefind's `en_4e0b2b5.pf_fragment`)
# means a change gets a new name, so the old name can be cached forever.
_FINGERPRINT = re.compile(r"[._-][0-9a-f]{7,}\.[A-Za-z0-9_]+$")
_SHORT_TYPES = (
    "text/html",
    *(feed.mime for feed in feed_formats.FORMATS),
    "application/xml",
    "application/json",
    "text/plain",
    "application/manifest+json",
)


@dataclass(frozen=True)
class PublishSettings:
    target: str = ""
    output_dir: str = "public"  # sitegen.toml's top-level output_dir, relative to the site
    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None
    max_deletes: int = 256
    jobs: int = 8
    gzip: bool = False
    keep: tuple[str, ...] = ()
    cache_control: tuple[tuple[str, str], ...] = ()  # (pattern, value), first match wins
    content_type: tuple[tuple[str, str], ...] = ()

    def store_options(
        self, endpoint_url: str | None, region: str | None, profile: str | None, jobs: int
    ) -> StoreOptions:
        """Command-line options first, then this table, then the AWS defaults."""
        return StoreOptions(
            endpoint_url=endpoint_url or self.endpoint_url,
            region=region or self.region,
            profile=profile or self.profile,
            connections=jobs + 2,
        )

    def resolved_target(self, site_dir: Path) -> str:
        """The configured target; a relative folder is relative to the site, like `public/`."""
        if not self.target:
            raise SitegenError(
                "no TARGET given", hint="pass one, or set `target` in sitegen.toml's [publish]"
            )
        if "://" in self.target or Path(self.target).is_absolute():
            return self.target
        return str(site_dir / self.target)

    def cache_control_for(self, key: str, content_type: str) -> str:
        for pattern, value in self.cache_control:
            if glob_match(pattern, key):
                return value
        if content_type.startswith(_SHORT_TYPES):
            return SHORT
        return IMMUTABLE if _FINGERPRINT.search(key) else DAY

    def content_type_for(self, key: str) -> str | None:
        for pattern, value in self.content_type:
            if glob_match(pattern, key):
                return value
        return None


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    if "/" not in pattern:
        pattern = "**/" + pattern
    out = []
    for part in re.split(r"(\*\*/|\*\*|\*|\?)", pattern.lstrip("/")):
        if part == "**/":
            out.append("(?:.*/)?")
        elif part == "**":
            out.append(".*")
        elif part == "*":
            out.append("[^/]*")
        elif part == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out))


def glob_match(pattern: str, key: str) -> bool:
    return _compile(pattern).fullmatch(key) is not None


def load_settings(site_dir: Path) -> PublishSettings:
    """Read `[publish]` from `site_dir/sitegen.toml`; defaults if there is no file or table."""
    path = site_dir / "sitegen.toml"
    if not path.is_file():
        return PublishSettings()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SitegenError(f"not valid TOML: {exc}", str(path)) from None
    settings = parse_settings(data.get("publish", {}), "sitegen.toml: [publish]", text)
    # The build's top-level `output_dir` is where the built site is: publish that by default.
    output_dir = data.get("output_dir", "public")
    if not isinstance(output_dir, str) or not output_dir:
        raise SitegenError("output_dir must be a folder name", str(path))
    return replace(settings, output_dir=output_dir)


def _line_in_publish(text: str, key: str) -> int:
    """1-based line of `key =` inside [publish] (or a [publish.*] table); 0 if not found."""
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = re.match(r"\[\s*publish\s*[\].]", stripped) is not None
        elif inside and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return 0


def parse_settings(table: Any, where: str, text: str = "") -> PublishSettings:
    """The [publish] table checked; an error names `sitegen.toml:LINE` when `text` shows it."""

    def at(key: str) -> str:
        line = _line_in_publish(text, key) if text else 0
        return f"sitegen.toml:{line}" if line else where

    if not isinstance(table, dict):
        raise SitegenError("expected a table", where)
    known = {
        "target": str,
        "endpoint_url": str,
        "region": str,
        "profile": str,
        "max_deletes": int,
        "jobs": int,
        "gzip": bool,
        "keep": list,
        "cache_control": dict,
        "content_type": dict,
    }
    for key, value in table.items():
        want = known.get(key)
        if want is None:
            raise SitegenError(
                f"unknown key 'publish.{key}'", at(key), hint=f"known: {', '.join(known)}"
            )
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise SitegenError(f"publish.{key}: expected {want.__name__}, got {value!r}", at(key))
    for key in ("cache_control", "content_type"):
        for pattern, value in table.get(key, {}).items():
            if not isinstance(value, str):
                raise SitegenError(f"{key}.{pattern!r} must be a string", where)
    if not all(isinstance(p, str) for p in table.get("keep", [])):
        raise SitegenError("keep must be a list of patterns", where)
    if table.get("jobs", 1) < 1 or table.get("max_deletes", 0) < 0:
        raise SitegenError("jobs must be >= 1 and max_deletes >= 0", where)
    return PublishSettings(
        target=table.get("target", ""),
        endpoint_url=table.get("endpoint_url"),
        region=table.get("region"),
        profile=table.get("profile"),
        max_deletes=table.get("max_deletes", 256),
        jobs=table.get("jobs", 8),
        gzip=table.get("gzip", False),
        keep=tuple(table.get("keep", [])),
        cache_control=tuple(table.get("cache_control", {}).items()),
        content_type=tuple(table.get("content_type", {}).items()),
    )
