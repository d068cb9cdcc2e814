"""Mirror the images posts use into `static/media/`, content-addressed, and rewrite their URLs.

Under `import --from --media` this is for images on other hosts: the site's own uploads are
downloaded to their old path by uploads.UploadsDownloader (old links and hotlinks keep working).

Which images: featured images, `<img src>` and every `srcset` candidate, `<source srcset>`, and
links (`<a href>`) to image files — on any host. A WordPress thumbnail (`x-300x200.jpg`) whose
original is known from media.json is upgraded to that original: the mirror keeps the best copy.

Each file is stored once, under the SHA-256 of its bytes (`static/media/ab/ab12….jpg`); the
build copies `static/` verbatim, so the content refers to it root-relative as `/media/ab/…`.
`content/.import/media-map.json` remembers which URL became which file, so a later sync
downloads only new images. A failed download is a warning, never an abort: the URL stays as it was.

What is kept: only files whose bytes are an image, audio, video or PDF format (sniff.py), stored
under the extension of that format, whatever the URL or Content-Type say; each file at most
`FetchOptions.max_media` bytes. Hosts other than the `--from` origin must be public (netguard.py).
Anything refused is a warning naming the URL and the post that uses it, and is never written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.errors import Problems, SitegenError
from sitegen.fsutil import atomic_write, write_if_changed
from sitegen.safepath import UnsafePath, inside
from sitegen.wp.fetch import HttpClient
from sitegen.wp.sniff import EXTENSIONS, describe, sniff

MEDIA_DIR = Path("static/media")
MAP_FILE = Path("content/.import/media-map.json")
IMAGE_EXTS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".bmp", ".ico"})
_QUIET_SCHEMES = frozenset({"http", "https", "data"})  # data: images are inline: nothing to fetch
_LOCAL = re.compile(r"^/media/([0-9a-f]{2})/\1[0-9a-f]{62}(?P<ext>\.[a-z0-9]{1,5})$")
_THUMB = re.compile(r"^(?P<stem>.+)-(?P<w>\d+)x(?P<h>\d+)(?P<ext>\.[A-Za-z0-9]+)$")


class _ImageRefs(HTMLParser):
    """Collects image URLs from HTML: img/src, srcset candidates, links to image files."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "img":
            self.urls += [u for u in (a.get("src", ""), a.get("data-orig-file", "")) if u]
        if tag in ("img", "source"):
            self.urls += srcset_urls(a.get("srcset", ""))
        if tag == "a" and is_image_url(a.get("href", "")):
            self.urls.append(a["href"])


def srcset_urls(srcset: str) -> list[str]:
    """The URLs of a srcset. Candidates are split on commas that follow a descriptor or URL end;
    a URL may itself contain commas (rare, but WordPress CDNs do it), so split on ', ' + url."""
    urls = []
    for part in re.split(r",\s+(?=\S)", srcset.strip()):
        url = part.strip().split()[0] if part.strip() else ""
        if url:
            urls.append(url.rstrip(","))
    return urls


def is_image_url(url: str) -> bool:
    try:
        path = urlsplit(url).path
    except ValueError:  # `http://[x`: not a URL at all, so not an image to mirror
        return False
    return PurePosixPath(unquote(path)).suffix.lower() in IMAGE_EXTS


def image_urls(html: str) -> list[str]:
    parser = _ImageRefs()
    parser.feed(html)
    parser.close()
    return parser.urls


def originals(media: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Every known size URL (and the original itself) -> the original's URL, from media.json."""
    index: dict[str, str] = {}
    for item in media:
        source = item.get("source_url")
        if not isinstance(source, str) or not source:
            continue
        index[source] = source
        sizes = (item.get("media_details") or {}).get("sizes") or {}
        if isinstance(sizes, dict):
            for size in sizes.values():
                if isinstance(size, dict) and isinstance(size.get("source_url"), str):
                    index[size["source_url"]] = source
    return index


def best_url(url: str, index: Mapping[str, str]) -> str:
    """The original of a thumbnail when media.json knows it; otherwise the URL itself."""
    if url in index:
        return index[url]
    parts = urlsplit(url)
    m = _THUMB.match(parts.path)
    if m and not parts.query:
        guess = parts._replace(path=m["stem"] + m["ext"]).geturl()
        if guess in index:
            return index[guess]
    return url


@dataclass
class MediaReport:
    downloaded: int = 0  # files fetched this run
    reused: int = 0  # URLs already mirrored by an earlier run
    stored: int = 0  # distinct files now under static/media/
    bytes: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, why)


@dataclass
class MediaMirror:
    """Downloads images into `static/media/` and answers "what is this URL's local path?"."""

    site_dir: Path
    home: str  # the WordPress home, to resolve relative URLs
    http: HttpClient
    index: Mapping[str, str] = field(default_factory=dict)  # size URL -> original (media.json)
    mapping: dict[str, str] = field(default_factory=dict)  # absolute URL -> /media/ab/….ext
    purged: list[str] = field(default_factory=list)  # URLs whose stored file was not media

    def __post_init__(self) -> None:
        path = self.site_dir / MAP_FILE
        if path.exists() and not self.mapping:
            try:
                self.mapping = dict(json.loads(path.read_text(encoding="utf-8")))
            except (json.JSONDecodeError, ValueError, TypeError):
                self.mapping = {}  # a cache: a broken one costs a download, not correctness
            self.mapping = {u: p for u, p in self.mapping.items() if self._valid(u, p)}

    def absolute(self, url: str) -> str:
        return urljoin(self.home, url.strip())

    def rewrite(self, url: str) -> str | None:
        """The root-relative local URL for an image URL, or None if it is not mirrored."""
        try:
            full = self.absolute(url)
            return self.mapping.get(best_url(full, self.index)) or self.mapping.get(full)
        except ValueError:  # not a URL (`http://[x`): never mirrored
            return None

    def mirror(
        self,
        urls: Iterable[str | tuple[str, str]],
        problems: Problems,
        progress: Callable[[int, int], None] | None = None,
    ) -> MediaReport:
        """Download what is not mirrored yet. `urls` may pair each URL with where it is used
        (a JSON path), which a warning then names."""
        report = MediaReport()
        for url in self.purged:
            problems.warn(
                "a file an earlier import stored is not an image, audio, video or PDF file: "
                "deleted from static/media/, and fetched again",
                url,
            )
        self.purged.clear()
        users: dict[str, list[str]] = {}
        for item in urls:
            raw, where = (item, "") if isinstance(item, str) else item
            if not raw.strip():
                continue
            try:
                users.setdefault(best_url(self.absolute(raw), self.index), []).append(where)
            except ValueError:
                problems.warn(
                    f"image not mirrored: not a valid URL{used_by([where])}",
                    raw,
                    "the content keeps its URL",
                )
        wanted = sorted(u for u in users if urlsplit(u).scheme in ("http", "https"))
        for url in sorted(u for u in users if urlsplit(u).scheme not in _QUIET_SCHEMES):
            # file:, ftp:, gopher: …: never fetched; said, since a post naming one is odd.
            problems.warn(
                f"image not mirrored: refused: only http:// and https:// addresses are fetched"
                f"{used_by(users[url])}",
                url,
                "the content keeps its URL",
            )
        todo = [u for u in wanted if u not in self.mapping]
        report.reused = len(wanted) - len(todo)
        done = 0

        def one(url: str) -> tuple[str, str, int, str]:
            try:
                local, size = self._download(url)
                return url, local, size, ""
            except SitegenError as err:
                return url, "", 0, err.message

        with ThreadPoolExecutor(max_workers=max(1, self.http.options.jobs)) as pool:
            for url, local, size, why in pool.map(one, todo):
                done += 1
                if progress:
                    progress(done, len(todo))
                if why:
                    report.failed.append((url, why))
                    problems.warn(
                        f"image not mirrored: {why}{used_by(users[url])}",
                        url,
                        "the content keeps its URL",
                    )
                    continue
                self.mapping[url] = local
                report.downloaded += 1
                report.bytes += size
        report.stored = len(set(self.mapping.values()))
        self.save()
        return report

    def save(self) -> None:
        text = json.dumps(self.mapping, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        write_if_changed(self.site_dir / MAP_FILE, text.encode("utf-8"))

    def _valid(self, url: str, local: object) -> bool:
        """A remembered file this version would have stored. An older sitegen kept any type
        (an HTML page named .png, an SVG, a script), so a file that is not media is deleted (it
        would be published) and fetched again, to be judged like any new one."""
        m = _LOCAL.match(local) if isinstance(local, str) else None
        if m is None or not self._exists(m[0]):
            return False
        path = self.site_dir / "static" / m[0].lstrip("/")
        with path.open("rb") as f:
            head = f.read(64)  # enough for every signature sniff() knows
        if m["ext"] in EXTENSIONS and sniff(head) is not None:
            return True
        self.purged.append(url)
        path.unlink(missing_ok=True)
        return False

    def _exists(self, local: str) -> bool:
        try:
            return inside(self.site_dir / "static", local.lstrip("/")).is_file()
        except UnsafePath:
            return False

    def _download(self, url: str) -> tuple[str, int]:
        resp = self.http.get(url, accept="image/*,*/*;q=0.5", limit=self.http.options.max_media)
        if resp.status != 200:
            raise SitegenError(f"HTTP {resp.status}", url)
        ext = sniff(resp.body)
        if ext is None:
            ctype = resp.header("Content-Type").split(";")[0].strip().lower() or "no type"
            raise SitegenError(
                f"not an image, audio, video or PDF file ({describe(resp.body)}, "
                f"served as {ctype})",
                url,
            )
        digest = hashlib.sha256(resp.body).hexdigest()
        rel = f"media/{digest[:2]}/{digest}{ext}"
        try:
            target = inside(self.site_dir / "static", rel)
        except UnsafePath as exc:  # static/media/ is a symbolic link out of the site
            raise SitegenError(f"not stored: {exc}", url) from None
        if not target.exists():  # content-addressed: the same bytes are stored once
            atomic_write(target, resp.body)
        return "/" + rel, len(resp.body)


def used_by(where: list[str]) -> str:
    """`; used by <first place> and N more` for a warning, or nothing."""
    named = sorted({w for w in where if w})
    if not named:
        return ""
    more = f" and {len(named) - 1} more" if len(named) > 1 else ""
    return f"; used by {named[0]}{more}"


def post_image_urls(
    post: Mapping[str, Any], media_by_id: Mapping[int, Mapping[str, Any]]
) -> list[str]:
    """The images one REST post uses: its content's images and its featured image."""
    return [url for url, _ in post_image_refs(post, media_by_id)]


def post_image_refs(
    post: Mapping[str, Any], media_by_id: Mapping[int, Mapping[str, Any]]
) -> list[tuple[str, str]]:
    """(URL, the post's field that names it) for each image one REST post uses."""
    content = post.get("content") or {}
    html = content.get("rendered", "") if isinstance(content, dict) else ""
    refs = [(u, "content.rendered") for u in image_urls(html)] if isinstance(html, str) else []
    featured = media_by_id.get(post.get("featured_media") or 0)
    if featured and isinstance(featured.get("source_url"), str):
        refs.append((featured["source_url"], "featured_media"))
    return refs


# A tag that may carry image URLs, and its URL-valued attributes. WordPress escapes `<` inside
# <pre>/<code>, so a tag here is a real tag; script bodies are stripped by the converter anyway.
_TAG = re.compile(r"<(?:img|source|a)\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(
    r"""(\s(?:src|srcset|href|data-orig-file)\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""",
    re.IGNORECASE,
)


def rewrite_html(html: str, rewrite: Callable[[str], str | None]) -> str:
    """`html` with every mirrored image URL replaced (src, srcset candidates, links)."""

    def attr(m: re.Match[str]) -> str:
        raw = m.group(2) if m.group(2) is not None else m.group(3) or m.group(4) or ""
        value = unescape(raw)
        if m.group(1).strip().lower().startswith("srcset"):
            new = _rewrite_srcset(value, rewrite)
        else:
            new = rewrite(value) or value
        if new == value:
            return m.group(0)
        return f'{m.group(1)}"{escape(new, quote=True)}"'

    return _TAG.sub(lambda t: _ATTR.sub(attr, t.group(0)), html)


def _rewrite_srcset(srcset: str, rewrite: Callable[[str], str | None]) -> str:
    out = []
    for part in re.split(r",\s+(?=\S)", srcset.strip()):
        bits = part.strip().split(None, 1)
        if bits:
            bits[0] = rewrite(bits[0]) or bits[0]
            out.append(" ".join(bits))
    return ", ".join(out)


def rewrite_post(post: dict[str, Any], rewrite: Callable[[str], str | None]) -> dict[str, Any]:
    """A REST post or page with its content's image URLs rewritten (a copy; the input is kept)."""
    content = post.get("content")
    if not isinstance(content, dict) or not isinstance(content.get("rendered"), str):
        return post
    new = rewrite_html(content["rendered"], rewrite)
    return post if new == content["rendered"] else {**post, "content": {**content, "rendered": new}}


def rewrite_media_item(
    item: dict[str, Any], rewrite: Callable[[str], str | None]
) -> dict[str, Any]:
    """A media.json item whose `source_url` (what a featured image shows) points at the mirror."""
    url = item.get("source_url")
    local = rewrite(url) if isinstance(url, str) else None
    return {**item, "source_url": local} if local else item
