"""Re-import without re-converting: one fingerprint per post, in a disposable cache.

Converting HTML and dumping YAML is most of an import's time; a sync that re-imports 100,000
posts to pick up ten changes should not redo it for the other 99,990. A post is skipped only if
its fingerprint is unchanged *and* its file still holds exactly what the import wrote. The
fingerprint covers everything its file is made from: the front matter (dates, terms, author,
image, path, aliases), the post's HTML, what each URL in that HTML rewrites to now (a newly
imported post turns an absolute link into a root-relative one), and the source of the code that
converts (a new sitegen version converts again). The cache lives in `.sitegen/` with the
build's state: deleting it costs one full conversion, never correctness.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from sitegen.fsutil import write_if_changed

CACHE = Path(".sitegen") / "import-fingerprints.json"
VERSION = 1
# Absolute, protocol-relative and root-relative (attribute) URLs, and links relative to the
# post (`href="../other/"`): each may be rewritten.
_URL = re.compile(
    r"""(?:https?:)?//[^\s"'<>]+|(?<=["'])/[^\s"'<>]+|(?<=href=")[^"\s<>#][^"\s<>]*"""
)


@cache
def code_hash() -> str:
    """The source of every module a content file depends on."""
    package = Path(__file__).parent.parent
    files = sorted(
        [
            *(package / "wp").rglob("*.py"),
            *(package / n for n in ("content.py", "model.py", "yaml_emit.py")),
        ]
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def urls(content_html: str) -> list[str]:
    """The URLs of a body the rewriter may change (absolute and root-relative)."""
    return sorted({html.unescape(u) for u in _URL.findall(content_html)})


def fingerprint(meta: dict[str, Any], content_html: str, rewrite: Callable[[str], str]) -> str:
    urls_ = urls(content_html)
    data = [VERSION, code_hash(), meta, content_html, [(u, rewrite(u)) for u in urls_]]
    text = json.dumps(data, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def load(site_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((site_dir / CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no cache, or a broken one: convert everything
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}
    posts = data.get("posts")
    return {str(k): str(v) for k, v in posts.items()} if isinstance(posts, dict) else {}


def save(site_dir: Path, posts: dict[str, str]) -> bool:
    text = json.dumps({"version": VERSION, "posts": posts}, indent=0, sort_keys=True)
    return write_if_changed(site_dir / CACHE, (text + "\n").encode())
