"""Reader comments: which are imported, and the front matter entry each becomes.

Comments come from three places that can overlap: `_embed`'s `replies` in a post (approved
only, no GMT date), `comments.json` (`/wp/v2/comments`, with `status` and `date_gmt`) and a
WordPress export's `<wp:comment>` (every status). They are merged by WordPress id, the fuller
record winning. Only approved comments are imported; the others are counted by status. What
identifies a reader beyond the name they chose (e-mail address, IP) is never read at all.

A comment's body goes through the same HTML -> Markdown conversion as a post's body: it is
the sanitiser (only known tags, only safe URLs survive).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sitegen.errors import Problems, SitegenError
from sitegen.wp.export import WpComment, WpPost
from sitegen.wp.html2md.convert import ConvertOptions, convert
from sitegen.wp.normalize import SiteMaps, local_date, make_rewriter
from sitegen.wp.sanitize import safe_url
from sitegen.wp.text import plain_text

_APPROVED = frozenset({"approved", "1"})
# WordPress's names for the other states, in REST (`status`) and WXR (`comment_approved`).
_STATES = {"0": "pending", "hold": "pending", "unapproved": "pending", "spam": "spam"}
_STATES.update({"trash": "trash", "post-trashed": "trash"})


def by_post(comments: Iterable[WpComment]) -> dict[int, list[WpComment]]:
    """comments.json's comments grouped by the post they belong to."""
    out: dict[int, list[WpComment]] = {}
    for c in comments:
        out.setdefault(c.post, []).append(c)
    return out


def attach(post: WpPost, side: dict[int, list[WpComment]]) -> WpPost:
    """`post` with every known comment of it: the embedded ones and comments.json's, one per
    id (comments.json's record is fuller: it has the status and the GMT date)."""
    extra = side.get(post.id)
    if not extra:
        return post
    merged = {c.id: c for c in post.comments}
    merged.update({c.id: c for c in extra})
    return replace(post, comments=tuple(merged.values()))


def skipped(post: WpPost) -> list[str]:
    """A skip reason for each comment not imported (`comment pending`, `comment spam`...)."""
    return [
        f"comment {_STATES.get(c.status, c.status or 'without status')}"
        for c in post.comments
        if c.status not in _APPROVED
    ]


def entries(
    post: WpPost, maps: SiteMaps, problems: Problems, rewrite: Callable[[str], str] | None = None
) -> list[dict[str, Any]]:
    """The post's approved comments as front matter entries, oldest first. A reply to a
    comment that is not among them (not approved, or another post's) becomes a top-level one:
    its text is kept rather than lost with the thread it cannot join."""
    shown = sorted((c for c in post.comments if c.status in _APPROVED), key=_order)
    if not shown:
        return []
    if rewrite is None:
        rewrite = make_rewriter(maps)
    ids = {c.id for c in shown}
    offset = post.date - post.date_gmt if post.date_gmt else None
    out: list[dict[str, Any]] = []
    for c in shown:
        entry: dict[str, Any] = {"id": c.id}
        if c.parent and c.parent in ids and c.parent != c.id:
            entry["parent"] = c.parent
        entry["author"] = plain_text(c.author_name).strip() or "Anonymous"
        url = _author_url(c.author_url)
        if url:
            entry["url"] = url
        gmt = c.date_gmt if c.date_gmt else (c.date - offset if offset is not None else None)
        try:
            entry["date"] = local_date(c.date, gmt, maps.tz, f"{c.where}.date_gmt")
        except SitegenError as err:
            problems.add(err)
            entry["date"] = c.date.replace(tzinfo=maps.tz)
        entry["body"] = convert(c.content_html, ConvertOptions(rewrite_url=rewrite)).markdown
        out.append(entry)
    return out


def _order(c: WpComment) -> tuple[datetime, int]:
    return (c.date_gmt or c.date, c.id)


def _author_url(url: str) -> str:
    """The commenter's site, if it is an http(s) URL the sanitiser lets through."""
    cleaned = safe_url(url.strip()) or ""
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:  # `http://[::1` cannot be a link
        return ""
    return cleaned if scheme in ("http", "https") else ""
