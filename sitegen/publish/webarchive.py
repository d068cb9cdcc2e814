"""The built site as a web archive: a WARC (ISO 28500) or a WACZ that pywb, ReplayWeb.page and
the archives of libraries can take, as if the site had been crawled at its public URL.

- one `response` record per URL, with the headers the site sends (the content types of
  `mediatypes`, as publish sends them); `dir/index.html` answers at `dir/`, a feed folder's
  `index.xml` at the folder too (as `feed_aliases` and the redirect table's 200 rules do);
- the redirect table (`_redirects`, read back with `rules_from_netlify`): each exact old path
  (and `/?p=ID`) as a `301` record with its Location, each removed post as a `410` record
  carrying the 410 page; rules with a placeholder (`:slug`) match no one URL and are left out;
- `pages/pages.jsonl`: every post and page (an `og:type` article) with its title and date.

Same site, same bytes: every record is dated at the site's time (`site_time`), its
WARC-Record-ID is a uuid5 of its URL, status and content digest, and each gzip member carries
mtime 0. Files are streamed from disk, never held whole, and nothing is kept in memory per
URL (the rules' URLs written so far are in a temporary SQLite file; the CDXJ index is sorted by
py-wacz in bounded runs spilled to temporary files), so memory does not grow with the site.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import json
import os
import re
import sqlite3
import tempfile
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote, urlsplit

from sitegen import __version__, transaction
from sitegen.build.hostrules import rules_from_netlify
from sitegen.errors import Problems, SitegenError
from sitegen.feeds.formats import is_feed
from sitegen.mediatypes import HEAD, content_type
from sitegen.publish.archive import snapshot_name
from sitegen.publish.localsite import JUNK, LocalObject
from sitegen.publish.settings import IMMUTABLE, PublishSettings
from sitegen.publish.store import ObjectMeta, ObjectStore, RemoteObject
from sitegen.safepath import UnsafePath, inside, iter_files_inside, site_folder

FORMATS = ("wacz", "warc")
# Files for the host, not pages of the site: no web server answers with them.
# RFC 3986 pchar less `%`: a file name's `%` is a character of its own, not an escape.
_PATH_SAFE = "/-._~!$&'()*+,;=:@"
_HOST_FILES = {"_redirects", "_headers"}
_LASTMOD = re.compile(rb"<lastmod>([^<]+)</lastmod>")
_TITLE = re.compile(r"<title>([^<]*)</title>")
_ARTICLE = re.compile(r'<meta property="og:type" content="article"')
_PUBLISHED = re.compile(r'<time class="dt-published" datetime="([^"]+)"')
# A page's head is in its first bytes; a page is never read whole for pages.jsonl.
_HEAD_BYTES = 16384
# Characters of CDXJ lines py-wacz sorts in memory before it spills them to a sorted temporary
# file (merged at the end); its default, 32 MiB of text, is some 45 MB of Python strings.
_SORT_BUFFER = 4 * 1024 * 1024
_NAMESPACE = uuid.UUID("6f1d2c4e-8a3b-5c7d-9e0f-1a2b3c4d5e6f")


@dataclass
class WebArchiveResult:
    path: Path
    responses: int = 0
    redirects: int = 0
    gone: int = 0
    pages: int = 0
    size: int = 0


def site_time(source: Path, env: Mapping[str, str] = os.environ, folder: str = "") -> datetime:
    """The time the archive says the site was captured: SOURCE_DATE_EPOCH when set, else the
    newest `<lastmod>` of the build's sitemap.xml (in the site's `folder` of `source`: the
    newest change of any post or page, a fact of the content, so two builds of it agree), else
    the newest file's mtime."""
    epoch = env.get("SOURCE_DATE_EPOCH", "")
    if epoch:
        if not epoch.isdigit():
            raise SitegenError(f"SOURCE_DATE_EPOCH must be whole seconds, got {epoch!r}")
        return datetime.fromtimestamp(int(epoch), UTC)
    newest: datetime | None = None
    with contextlib.suppress(OSError), open(source / folder / "sitemap.xml", "rb") as fh:
        for line in fh:
            for match in _LASTMOD.finditer(line):
                with contextlib.suppress(ValueError):
                    when = datetime.fromisoformat(match.group(1).decode().strip())
                    if when.tzinfo is None:
                        when = when.replace(tzinfo=UTC)
                    newest = when if newest is None or when > newest else newest
    if newest is not None:
        return newest.astimezone(UTC).replace(microsecond=0)
    mtimes = [p.stat().st_mtime for p in source.rglob("*") if p.is_file()]
    if not mtimes:
        raise SitegenError("the built site is empty", str(source), hint="run `sitegen build` first")
    return datetime.fromtimestamp(int(max(mtimes)), UTC)


def _url_path(key: str) -> str:
    """The URL path (below the host's root, without its leading "/") that answers with the
    file `key`: the built folder is the host's root, the site in its base path's folder."""
    if key == "index.html":
        return ""
    if key.endswith("/index.html"):
        key = key[: -len("index.html")]
    return quote(key, safe=_PATH_SAFE)


def _record_id(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(_NAMESPACE, chr(0).join(parts))}>"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Writer:
    """Records into one gzip-per-record WARC file, each dated `when`, ids from content."""

    def __init__(self, out: BinaryIO, when: datetime) -> None:
        from warcio.warcwriter import WARCWriter  # the archive extra: only archives need it

        self.writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
        self.date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.http_date = when.strftime("%a, %d %b %Y %H:%M:%S GMT")

    def warcinfo(self, filename: str, info: dict[str, str]) -> None:
        record = self.writer.create_warcinfo_record(filename, info)
        body = json.dumps(info, sort_keys=True)
        record.rec_headers.replace_header("WARC-Record-ID", _record_id("warcinfo", body))
        record.rec_headers.replace_header("WARC-Date", self.date)
        self.writer.write_record(record)

    def response(
        self,
        url: str,
        status: str,
        headers: list[tuple[str, str]],
        body: BinaryIO,
        length: int,
        digest: str,
    ) -> None:
        from warcio.statusandheaders import StatusAndHeaders

        http = StatusAndHeaders(
            status,
            [*headers, ("Content-Length", str(length)), ("Date", self.http_date)],
            protocol="HTTP/1.1",
        )
        record = self.writer.create_warc_record(
            url,
            "response",
            payload=body,
            length=length,
            http_headers=http,
            warc_headers_dict={
                "WARC-Record-ID": _record_id(url, status, digest),
                "WARC-Date": self.date,
            },
        )
        self.writer.write_record(record)


def write_warc(
    source: Path, base_url: str, out_path: Path, when: datetime, problems: Problems,
    pages_path: Path | None = None,
) -> WebArchiveResult:  # fmt: skip
    """The site under `source` (built for `base_url`) as the WARC `out_path`, and its posts
    and pages as the pages.jsonl `pages_path`. Streamed: each file is written as the walk of
    `source` reaches it and each rule as `_redirects` is read; nothing is kept in memory per
    URL (whether a file answers at a rule's path is asked of the folder, the rules' URLs
    already written are in `_Seen`), so memory does not grow with the site."""
    if not source.is_dir():
        raise SitegenError("no built site here", str(source), hint="run `sitegen build` first")
    note = transaction.recover(source)
    if note:
        problems.warn(note, str(source))
    site = _Site(source, base_url)
    result = WebArchiveResult(out_path)
    ts = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    with contextlib.ExitStack() as files:
        out = files.enter_context(open(out_path, "wb"))
        pages = files.enter_context(open(pages_path or os.devnull, "w", encoding="utf-8"))
        pages.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Pages"}))
        pages.write("\n")
        writer = _Writer(out, when)
        writer.warcinfo(
            out_path.name,
            {
                "software": f"sitegen {__version__}",
                "format": "WARC File Format 1.1",
                "isPartOf": site.base,
                "description": "the built site, as served at its base URL",
            },
        )
        for url, obj in site.files(problems):
            _write_file(writer, url, obj, "200 OK")
            result.responses += 1
            if obj.key.endswith(".html") and obj.meta.content_type.startswith("text/html"):
                page = _page_entry(obj.source, url, ts)
                if page is not None:
                    pages.write(json.dumps(page, ensure_ascii=False, sort_keys=True) + "\n")
                    result.pages += 1
        result.redirects, result.gone = _write_rules(writer, site, problems)
    if not result.responses:
        raise SitegenError("the built site is empty", str(source), hint="run `sitegen build` first")
    result.size = out_path.stat().st_size
    return result


class _Site:
    """The built site as URLs: which file answers at which URL, found by walking or by asking
    the folder, never by a table held in memory."""

    def __init__(self, source: Path, base_url: str) -> None:
        self.source = source
        split = urlsplit(base_url)
        self.origin = f"{split.scheme}://{split.netloc}"
        # The built folder is the host's root: the site sits in its base path's folder of it
        # (web/x/index.html answers at /web/x/), so every URL is the origin and a file's key.
        self.base, self.path = self.origin + "/", "/"

    def files(self, problems: Problems) -> Iterator[tuple[str, LocalObject]]:
        """Every file with the URL it answers at, in the order of the walk; right after a feed
        folder's `index.xml` (or JSON Feed `index.json`), the feed again at the folder's URL
        when the folder has no `index.html` (as `feed_aliases` does for a publish)."""

        def refused(key: str, why: UnsafePath) -> None:
            if not JUNK.intersection(key.split("/")):
                problems.warn(f"left out of the archive: {why}", str(self.source / key))

        for key, path in iter_files_inside(self.source, refused):
            if key in _HOST_FILES or JUNK.intersection(key.split("/")):
                continue
            obj = _object(key, path)
            yield self.base + _url_path(key), obj
            folder, _, name = key.rpartition("/")
            at = f"{folder}/" if folder else ""
            alias = f"{at}index.html"
            feed = name == "index.xml" or (name == "index.json" and is_feed(obj.meta.content_type))
            if name == "index.json" and self.file(f"{at}index.xml"):
                feed = False  # a folder with both feeds answers with RSS, as its 200 rule says
            if feed and self.file(alias) is None:
                yield self.base + _url_path(alias), LocalObject(alias, path, obj.meta)

    def file(self, key: str) -> Path | None:
        """The regular file of the site at `key`, if there is one (a link is none)."""
        if key in _HOST_FILES or JUNK.intersection(key.split("/")):
            return None
        try:
            path = inside(self.source, key)
        except UnsafePath:
            return None
        return path if path.is_file() else None

    def answers(self, rule_path: str) -> bool:
        """Whether a file of the site answers at the (percent-encoded) path of a rule: the
        file, the folder's `index.html`, or the folder's feed."""
        decoded = unquote(rule_path)
        if not decoded.startswith(unquote(self.path)):
            return False
        key = decoded[len(unquote(self.path)) :]
        if key and not key.endswith("/"):
            return self.file(key) is not None
        if self.file(key + "index.html") or self.file(key + "index.xml"):
            return True
        feed = self.file(key + "index.json")
        return feed is not None and is_feed(_content_type(key + "index.json", feed))


def _content_type(key: str, path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(HEAD)
    return PublishSettings().content_type_for(key) or content_type(key, head)


def _object(key: str, path: Path) -> LocalObject:
    """The file as an object: its type from its name and first bytes, its sha256 streamed."""
    meta = ObjectMeta(sha256=_sha256(path), content_type=_content_type(key, path))
    return LocalObject(key, path, meta)


def _write_file(writer: _Writer, url: str, obj: LocalObject, status: str) -> None:
    size = obj.source.stat().st_size
    with open(obj.source, "rb") as body:
        writer.response(
            url,
            status,
            [("Content-Type", obj.meta.content_type)],
            body,
            size,
            obj.meta.sha256,
        )


def _write_rules(writer: _Writer, site: _Site, problems: Problems) -> tuple[int, int]:
    """The redirect table's exact rules as 301 and 410 records, read a line at a time:
    (redirects, gone). A rule at a path where a file of the site answers is left out: the
    file answers there, as on every host."""
    where = site.source / "_redirects"
    redirects = gone = 0
    gone_pages: dict[str, LocalObject | None] = {}
    try:
        with open(where, encoding="utf-8") as lines:  # checked whole first: all rules or none
            for _ in rules_from_netlify(lines, str(where)):
                pass
        with open(where, encoding="utf-8") as lines, contextlib.closing(_Seen()) as seen:
            for rule in rules_from_netlify(lines, str(where)):
                if rule.pattern or rule.status not in (301, 410):
                    continue
                url = site.origin + rule.source + (f"?{rule.query}" if rule.query else "")
                if not rule.query and site.answers(rule.source):
                    continue
                if not seen.add(unquote(url)):
                    continue  # two rules for one URL (one alias of two posts): the first wins
                if rule.status == 301:
                    _write_redirect(writer, url, site.origin + rule.target)
                    redirects += 1
                    continue
                key = unquote(rule.target.removeprefix(site.path))
                if key not in gone_pages:  # the 410 page: one file, looked up once
                    path = site.file(key)
                    gone_pages[key] = None if path is None else _object(key, path)
                page = gone_pages[key]
                if page is not None:
                    _write_file(writer, url, page, "410 Gone")
                    gone += 1
    except FileNotFoundError:
        return 0, 0
    except (OSError, UnicodeDecodeError, SitegenError) as exc:
        problems.warn(f"redirects left out of the archive: {exc}", str(where), hint="build again")
        return 0, 0
    return redirects, gone


class _Seen:
    """The URLs already written, in a private temporary SQLite database: on disk past a small
    page cache, so a table of a million rules costs no memory."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("")  # "": a temporary file SQLite deletes when closed
        self.db.execute("CREATE TABLE seen (url TEXT PRIMARY KEY) WITHOUT ROWID")

    def add(self, url: str) -> bool:
        """True if `url` was not there yet."""
        return self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (url,)).rowcount == 1

    def close(self) -> None:
        self.db.close()


def _write_redirect(writer: _Writer, url: str, location: str) -> None:
    writer.response(
        url,
        "301 Moved Permanently",
        [("Location", location), ("Content-Type", "text/html; charset=utf-8")],
        io.BytesIO(b""),
        0,
        hashlib.sha256(location.encode()).hexdigest(),
    )


def _page_entry(path: Path, url: str, ts: str) -> dict[str, Any] | None:
    """A pages.jsonl line for a post or page (an `og:type` article), from its head only."""
    with open(path, "rb") as fh:
        head = fh.read(_HEAD_BYTES).decode("utf-8", "replace")
    if not _ARTICLE.search(head):
        return None
    with open(path, "rb") as fh:
        text = fh.read(_HEAD_BYTES * 4).decode("utf-8", "replace")
    title = _TITLE.search(head)
    published = _PUBLISHED.search(text)
    entry: dict[str, Any] = {"id": uuid.uuid5(_NAMESPACE, url).hex, "url": url, "ts": ts}
    entry["title"] = html.unescape(title.group(1)) if title else url
    if published:
        entry["date"] = published.group(1)
    return entry


def package_wacz(warc: Path, pages: Path, out: Path, when: datetime, title: str) -> None:
    """`warc` and `pages` as the WACZ `out`, by py-wacz (CDXJ index, datapackage.json with
    every file's sha256). py-wacz dates zip entries and `created` with the clock and prints
    as it goes; both are pinned here to `when`, so one site gives one WACZ."""
    import wacz.main as wacz_main
    import wacz.waczindexer as wacz_indexer

    stamp = tuple(when.timetuple()[:6])
    created = when.strftime("%Y-%m-%dT%H:%M:%SZ")

    class _Indexer(wacz_indexer.WACZIndexer):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, max_sort_buff_size=_SORT_BUFFER, **kwargs)

        def generate_datapackage(self, res: Any, wacz: Any) -> str:
            doc = json.loads(super().generate_datapackage(res, wacz))
            doc["created"] = created
            self._created = created
            return json.dumps(doc, indent=2)

    stamp_epoch = when.timestamp()
    os.utime(warc, (stamp_epoch, stamp_epoch))
    os.chmod(warc, 0o644)
    args = ["create", "-o", str(out), "-p", str(pages), "--copy-pages", "--title", title, str(warc)]
    saved = (wacz_main.now, wacz_indexer.now, wacz_main.WACZIndexer)
    try:
        wacz_main.now = wacz_indexer.now = lambda: stamp
        wacz_main.WACZIndexer = _Indexer
        with contextlib.redirect_stdout(io.StringIO()):
            code = wacz_main.main(args)
    finally:
        wacz_main.now, wacz_indexer.now, wacz_main.WACZIndexer = saved
    if code:
        raise SitegenError("py-wacz could not package the archive", str(out))


def validate_wacz(path: Path) -> bool:
    """`wacz validate`: every file's hash as datapackage.json says, a valid pages list."""
    import wacz.main as wacz_main

    with contextlib.redirect_stdout(io.StringIO()):
        return bool(wacz_main.main(["validate", "-f", str(path)]) == 0)


def archive_files(wacz: Path) -> Iterator[str]:
    with zipfile.ZipFile(wacz) as zf:
        yield from (info.filename for info in zf.infolist())


WEB_ARCHIVES = "webarchives/"
_SUFFIX = {"wacz": ".wacz", "warc": ".warc.gz"}
_TYPES = {"wacz": "application/wacz", "warc": "application/warc"}


@dataclass
class StoredWebArchive(WebArchiveResult):
    key: str = ""


def _need_libraries() -> None:
    try:
        import wacz.main  # noqa: F401
        import warcio  # noqa: F401
    except ImportError as exc:
        raise SitegenError(
            f"web archives need the `archive` extra ({exc.name} is not installed)",
            hint="pip install 'sitegen[archive]' (warcio and wacz)",
        ) from None


def web_archive_key(name: str, fmt: str) -> str:
    return f"{WEB_ARCHIVES}{name}{_SUFFIX[fmt]}"


def store_web_archive(
    store: ObjectStore,
    fmt: str,
    source: Path,
    base_url: str,
    name: str | None,
    problems: Problems,
    env: Mapping[str, str] = os.environ,
) -> StoredWebArchive:
    """Write the web archive of `source` and put it at `webarchives/NAME.wacz` (or
    `.warc.gz`) in `store`, beside the snapshots; like them, never overwritten."""
    _need_libraries()
    store.check()
    if not source.is_dir():
        raise SitegenError(
            "no built site here", str(source), hint="run `sitegen build` first, or pass --source"
        )
    when = site_time(source, env, site_folder(urlsplit(base_url).path or "/"))
    key = web_archive_key(snapshot_name(name, when), fmt)
    if store.head(key) is not None:
        raise SitegenError(
            "this web archive already exists; archives are never overwritten",
            store.name + key,
            hint="choose another --name",
        )
    with tempfile.TemporaryDirectory(prefix="sitegen-webarchive-") as tmp:
        work = Path(tmp)
        warc = work / "data.warc.gz"
        result = write_warc(source, base_url, warc, when, problems, work / "pages.jsonl")
        made = warc
        if fmt == "wacz":
            made = work / "archive.wacz"
            package_wacz(warc, work / "pages.jsonl", made, when, f"{base_url} ({when:%Y-%m-%d})")
        _put_file(store, key, made, _TYPES[fmt])
        stored = StoredWebArchive(**{**result.__dict__, "size": made.stat().st_size})
    stored.key = key
    return stored


def _put_file(store: ObjectStore, key: str, path: Path, content_type: str) -> None:
    """The archive from its temporary file, in pieces: never whole in memory."""
    meta = ObjectMeta(_sha256(path), content_type, IMMUTABLE)
    store.put_file(key, path, meta, if_absent=True)


def list_web_archives(store: ObjectStore) -> list[RemoteObject]:
    store.check()
    return sorted(
        (o for o in store.list(WEB_ARCHIVES) if o.key.endswith((".wacz", ".warc.gz"))),
        key=lambda o: o.key,
    )
