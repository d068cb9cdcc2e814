"""`sitegen import … --uploads DIR`: the site's own uploads, copied from a backup, at their old URL.

A WordPress backup holds `wp-content/uploads/` as a folder. Every upload the content links or
embeds (`<home>wp-content/uploads/2024/04/report.pdf`, absolute, protocol- or root-relative, in
any percent-encoding) and every featured image whose file is in DIR is copied to
`static/wp-content/uploads/<same path>`; the build copies `static/` verbatim, so the file is
published at its old path and old links, hotlinks and search results keep working. The content
then names it root-relative (`/wp-content/uploads/2024/04/report.pdf`), which the build's base
path applies to. Nothing is fetched: this works with no network at all.

What is copied: a file is published on the mirror's origin *under its WordPress name*, and hosts
pick the Content-Type from that name. So both must be passive: the name's extension one of
`PASSIVE` (images, audio, video, PDF, office documents, ZIP) and the bytes a format that no
browser runs — an image, audio, video or PDF format (sniff.py), a ZIP (docx, xlsx, pptx, odt,
epub and zip are all ZIP) or an OLE2 compound file (doc, xls, ppt). A page named `.png`, an SVG,
`evil.html` holding PDF magic bytes: each is refused and reported, and the content keeps its URL.

Every path goes through `sitegen.safepath`: a `..`, an encoded `/` or a control character in an
upload URL is refused before any file is opened; the file is read only through `inside(DIR, …)`
(no symbolic link followed out of DIR) and written only through `inside(static/, …)`.
Idempotent: a file whose copy already has the same size and SHA-256 is not written again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urljoin, urlsplit

from sitegen.errors import Problems, SitegenError
from sitegen.fsutil import write_if_changed
from sitegen.safepath import UnsafePath, check_url_path, decode_segment, files_inside, inside
from sitegen.wp.fetch import HttpClient
from sitegen.wp.media import used_by as _used_by
from sitegen.wp.sniff import describe, sniff
from sitegen.wp.urlhost import web_authority

UPLOADS = "wp-content/uploads/"
TARGET = "static"  # the site folder the copies go under, at UPLOADS/<path>
_MEDIA_EXTS = {
    ".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".avif", ".heic", ".heif", ".bmp",
    ".ico", ".pdf", ".mp3", ".m4a", ".m4b", ".ogg", ".oga", ".opus", ".flac", ".wav",
    ".mp4", ".m4v", ".mov", ".webm", ".mkv", ".ogv", ".3gp",
}  # fmt: skip
_ZIP_EXTS = {".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".epub"}
_OLE_EXTS = {".doc", ".xls", ".ppt"}
PASSIVE = frozenset(_MEDIA_EXTS | _ZIP_EXTS | _OLE_EXTS)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a ZIP with entries, or an empty one
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# URLs in HTML: absolute or protocol-relative, and root-relative attribute values.
_URL = re.compile(r"""(?:https?:)?//[^\s"'<>]+|(?<=["'])/[^\s"'<>]+""")
_CHUNK = 1 << 20


def upload_path(url: str, home: str) -> tuple[str, str] | None:
    """(the upload's path under `wp-content/uploads/`, as safepath checked it, raw; what follows
    the path: `?query#fragment`) when `url` names a file in this site's uploads; None when it
    names anything else. UnsafePath when it is an upload URL no file may be named by."""
    try:
        parts = urlsplit(url.strip())
        home_parts = urlsplit(home)
    except ValueError:
        return None
    if parts.netloc or parts.scheme:
        # Absolute or protocol-relative: the host a browser would load must be the home's.
        full = url.strip() if parts.scheme else f"{home_parts.scheme}:{url.strip()}"
        if not web_authority(full) or web_authority(full) != web_authority(home):
            return None
    elif not parts.path.startswith("/"):
        return None  # a relative link: resolved against a page, never an upload we can place
    prefix = home_parts.path.rstrip("/") + "/" + UPLOADS
    if not parts.path.lower().startswith(prefix.lower()):
        return None
    raw = parts.path[len(prefix) :]
    if not raw or raw.endswith("/"):
        return None  # the uploads folder itself, or a folder in it: no file to copy
    rel = check_url_path(raw)
    tail = (f"?{parts.query}" if parts.query else "") + (
        f"#{parts.fragment}" if parts.fragment else ""
    )
    return rel, tail


def uploads_root(folder: Path) -> Path:
    """The uploads folder itself when `folder` is the backup's root or its wp-content/ (what a
    person unpacking a backup is likely to name); `folder` otherwise. No link is followed."""
    inner = ["wp-content/uploads"] + (["uploads"] if folder.name == "wp-content" else [])
    for rel in inner:
        try:
            found = inside(folder, rel)
        except UnsafePath:
            continue
        if found.is_dir():
            return found
    return folder


def present_uploads(site_dir: Path) -> set[str]:
    """The paths under wp-content/uploads/ that static/ holds, as the build will publish them
    (symbolic links are not published, so not counted)."""
    root = site_dir / TARGET / UPLOADS.rstrip("/")
    return {rel for rel, _ in files_inside(root, lambda rel, why: None)}


def decoded(rel: str) -> str:
    """The file path (`2024/04/report.pdf`) of a checked upload URL path."""
    return "/".join(decode_segment(s) for s in rel.split("/"))


def local_url(path: str) -> str:
    """The root-relative URL the content names a copied upload (its decoded `path`) by."""
    return "/" + UPLOADS + "/".join(quote(s, safe="!$&'()*+,;=:@-._~") for s in path.split("/"))


def local_upload(url: str, home: str, copied: set[str]) -> str | None:
    """The root-relative URL of `url` when it names an upload copied into the site."""
    if "uploads" not in url.lower():
        return None  # most links: no need to parse them (the import asks for every one)
    try:
        found = upload_path(url, home)
        if found is None or decoded(found[0]) not in copied:
            return None
    except UnsafePath:
        return None
    return local_url(decoded(found[0])) + found[1]


def html_urls(html: str) -> list[str]:
    """Every URL in `html` that may name an upload (attributes, srcset candidates, text)."""
    urls = []
    for m in _URL.findall(html):
        url = unescape(m).rstrip(",")
        if "uploads" in url.lower():
            urls.append(url)
    return urls


@dataclass
class UploadsReport:
    copied: int = 0  # files written this run
    unchanged: int = 0  # copies already in place (same size and SHA-256)
    missing: int = 0  # upload URLs whose file is not in DIR
    refused: int = 0  # unsafe paths, symbolic links, files that are not passive

    def summary(self) -> str:
        return (
            f"uploads: {self.copied} copied, {self.unchanged} unchanged, "
            f"{self.missing} missing, {self.refused} refused"
        )


@dataclass
class UploadsCopier:
    """Copies the uploads the content names from `source` (a backup's wp-content/uploads)."""

    site_dir: Path
    source: Path
    home: str
    report: UploadsReport = field(default_factory=UploadsReport)
    copied: set[str] = field(default_factory=set)  # decoded paths now in static/
    seen: set[str] = field(default_factory=set)  # decoded paths already judged this run

    def copy_all(self, refs: Iterable[tuple[str, str]], problems: Problems) -> None:
        """Copy each (URL, where it is used) that names an upload; say what could not be."""
        users: dict[str, list[str]] = {}
        first_url: dict[str, str] = {}
        for url, where in refs:
            try:
                found = upload_path(url, self.home)
                rel = decoded(found[0]) if found else None
            except UnsafePath as exc:
                self.report.refused += 1
                problems.warn(
                    f"upload not copied: unsafe path: {exc}{_used_by([where])}",
                    url,
                    "the content keeps its URL",
                )
                continue
            if rel is None:
                continue
            users.setdefault(rel, []).append(where)
            first_url.setdefault(rel, url)
        for rel in sorted(users):
            if rel in self.seen:
                continue
            self.seen.add(rel)
            why = self._copy(rel)
            if why is None:
                self.copied.add(rel)
                continue
            missing = why == ""
            if missing:
                self.report.missing += 1
            else:
                self.report.refused += 1
            problems.warn(
                f"upload not copied: {'not in ' + str(self.source) if missing else why}"
                f"{_used_by(users[rel])}",
                first_url[rel],
                "the content keeps its URL"
                + (": add the file to the uploads folder and import again" if missing else ""),
            )

    def _copy(self, rel: str) -> str | None:
        """None when `rel` is in static/ now; "" when DIR has no such file; else why not."""
        try:
            src = inside(self.source, rel)
        except UnsafePath as exc:
            return f"refused in the uploads folder: {exc}"
        if not src.exists():
            return ""
        if not src.is_file():
            return "not a regular file"
        ext = PurePosixPath(rel).suffix.lower()
        with src.open("rb") as f:
            head = f.read(4096)
        kind = _passive(head, ext)
        if kind:
            return kind
        try:
            target = inside(self.site_dir / TARGET, UPLOADS + rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target = inside(self.site_dir / TARGET, UPLOADS + rel)  # no link made meanwhile
        except (UnsafePath, OSError) as exc:
            return f"not written: {exc}"
        # Hashed only when the sizes agree: a new or resized file is simply copied.
        if (
            target.is_file()
            and target.stat().st_size == src.stat().st_size
            and _hash(target) == _hash(src)
        ):
            self.report.unchanged += 1
            return None
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out, src.open("rb") as f:
                shutil.copyfileobj(f, out, _CHUNK)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.report.copied += 1
        return None


def _passive(head: bytes, ext: str) -> str:
    """ "" when a file named `….ext` starting with `head` may be published; else why not."""
    if ext not in PASSIVE:
        return (
            f"a {ext or 'name without an extension'} file is not copied: only images, audio, "
            "video, PDF, office documents and ZIP archives are published"
        )
    if sniff(head) or head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
        return ""
    return (
        f"its name says {ext} but it is not an image, audio, video, PDF, office or ZIP file "
        f"({describe(head)})"
    )


def _hash(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


# --- Downloaded (`--from URL --media`) ----------------------------------------------------------


@dataclass
class UploadsDownloader:
    """`--media`: the site's uploads (images and their sizes, PDFs, audio, video, documents)
    are downloaded from the site to their old path, judged like a backup's files. A file already
    in place and still passive is not fetched again. `content/.import/uploads.json` keeps the
    SHA-256 of each file as downloaded: a file changed since (a person, a disk) is reported."""

    site_dir: Path
    home: str
    http: HttpClient
    report: UploadsReport = field(default_factory=UploadsReport)
    copied: set[str] = field(default_factory=set)
    hashes: dict[str, str] = field(default_factory=dict)  # path under uploads/ -> sha256
    changed: list[str] = field(default_factory=list)  # files whose hash is not the one fetched

    def download_all(self, refs: Iterable[tuple[str, str]], problems: Problems) -> None:
        self.hashes = load_hashes(self.site_dir)
        try:
            self._download_all(refs, problems)
        finally:
            save_hashes(self.site_dir, self.hashes)
        for rel in self.changed:
            problems.warn(
                "upload changed since it was downloaded (its SHA-256 is not the one recorded "
                f"in {HASHES.as_posix()}); kept as it is",
                f"{TARGET}/{UPLOADS}{rel}",
                "if the change is not yours, delete the file and import again to fetch it anew",
            )

    def _download_all(self, refs: Iterable[tuple[str, str]], problems: Problems) -> None:
        users: dict[str, list[str]] = {}
        urls: dict[str, str] = {}
        for url, where in refs:
            try:
                found = upload_path(url, self.home)
                if found is None:
                    continue
                rel = decoded(found[0])
            except UnsafePath as exc:
                self.report.refused += 1
                problems.warn(
                    f"upload not mirrored: unsafe path: {exc}{_used_by([where])}",
                    url,
                    "the content keeps its URL",
                )
                continue
            users.setdefault(rel, []).append(where)
            # Fetched without query or fragment: the file, as the folder on the server holds it.
            urls.setdefault(rel, urljoin(self.home, "/" + uploads_path(self.home) + found[0]))
        for rel in sorted(users):
            why = self._one(rel, urls[rel])
            if why is None:
                self.copied.add(rel)
                continue
            problems.warn(
                f"upload not mirrored: {why}{_used_by(users[rel])}",
                urls[rel],
                "the content keeps its URL",
            )

    def _one(self, rel: str, url: str) -> str | None:
        ext = PurePosixPath(rel).suffix.lower()
        try:
            target = inside(self.site_dir / TARGET, UPLOADS + rel)
        except UnsafePath as exc:
            self.report.refused += 1
            return f"not written: {exc}"
        if target.is_file():
            with target.open("rb") as f:
                if not _passive(f.read(4096), ext):
                    self.report.unchanged += 1
                    digest = _hash(target)[1]
                    if self.hashes.setdefault(rel, digest) != digest:
                        self.changed.append(rel)
                    return None
        try:
            resp = self.http.get(url, limit=self.http.options.max_media)
        except SitegenError as err:
            self.report.missing += 1
            return err.message
        if resp.status != 200:
            self.report.missing += 1
            return f"HTTP {resp.status}"
        why = _passive(resp.body[:4096], ext)
        if why:
            self.report.refused += 1
            return why
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_if_changed(inside(self.site_dir / TARGET, UPLOADS + rel), resp.body)
        except (UnsafePath, OSError) as exc:
            self.report.refused += 1
            return f"not written: {exc}"
        self.report.copied += 1
        self.hashes[rel] = hashlib.sha256(resp.body).hexdigest()
        return None


HASHES = Path("content/.import/uploads.json")


def load_hashes(site_dir: Path) -> dict[str, str]:
    """What each downloaded upload's SHA-256 was; a damaged record is a fresh start (the files
    are still there: they are hashed again, not fetched)."""
    try:
        data = json.loads((site_dir / HASHES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def save_hashes(site_dir: Path, hashes: dict[str, str]) -> None:
    if not hashes and not (site_dir / HASHES).exists():
        return
    text = json.dumps(hashes, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_if_changed(site_dir / HASHES, text.encode("utf-8"))


def uploads_path(home: str) -> str:
    """The uploads folder's path on the site's host (`web/wp-content/uploads/`)."""
    inner = urlsplit(home).path.strip("/")
    return (inner + "/" if inner else "") + UPLOADS
