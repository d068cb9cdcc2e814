"""The built site as a web archive: a WARC (ISO 28500) or a WACZ that pywb, ReplayWeb.page and
the archives of libraries can take, as if the site had been crawled at its public URL.

- one `response` record per URL, with the headers the site sends (the content types of
  `mediatypes`, through `scan_site`); `dir/index.html` answers at `dir/`, a feed folder's
  `index.xml` at the folder too (`feed_aliases`, as the redirect table's 200 rules do);
- the redirect table (`_redirects`, read back with `table_from_netlify`): each exact old path
  (and `/?p=ID`) as a `301` record with its Location, each removed post as a `410` record
  carrying the 410 page; rules with a placeholder (`:slug`) match no one URL and are left out;
- `pages/pages.jsonl`: every post and page (an `og:type` article) with its title and date.

Same site, same bytes: every record is dated at the site's time (`site_time`), its
WARC-Record-ID is a uuid5 of its URL, status and content digest, and each gzip member carries
mtime 0. Files are streamed from disk, never held whole: memory does not grow with the site.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import json
import os
import re
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote, urlsplit

from sitegen import __version__
from sitegen.build.hostrules import table_from_netlify
from sitegen.errors import Problems, SitegenError
from sitegen.publish.archive import snapshot_name
from sitegen.publish.local import LocalStore
from sitegen.publish.localsite import LocalObject, feed_aliases, scan_site
from sitegen.publish.settings import IMMUTABLE, PublishSettings
from sitegen.publish.store import AlreadyExistsError, ObjectMeta, ObjectStore, RemoteObject
from sitegen.safepath import inside, site_folder

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
    and pages as the pages.jsonl `pages_path` (written as they come, never held)."""
    objects = scan_site(
        source, PublishSettings(), compress=False, feed_index_html=False, problems=problems
    )
    objects = sorted(
        [o for o in objects if o.key not in _HOST_FILES] + feed_aliases(objects),
        key=lambda o: o.key,
    )
    base = base_url if base_url.endswith("/") else base_url + "/"
    split = urlsplit(base)
    origin = f"{split.scheme}://{split.netloc}"
    root = origin + "/"  # the built folder is the host's root: web/x/index.html is /web/x/
    result = WebArchiveResult(out_path)
    seen: set[str] = set()
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
                "isPartOf": base,
                "description": "the built site, as served at its base URL",
            },
        )
        for obj in objects:
            url = root + _url_path(obj.key)
            if unquote(url) in seen:
                continue  # `dir/index.html` of a feed folder that has one: the file wins
            seen.add(unquote(url))
            _write_file(writer, url, obj, "200 OK")
            result.responses += 1
            if obj.key.endswith(".html") and obj.meta.content_type.startswith("text/html"):
                page = _page_entry(obj.source, url, ts)
                if page is not None:
                    pages.write(json.dumps(page, ensure_ascii=False, sort_keys=True) + "\n")
                    result.pages += 1
        result.redirects, result.gone = _write_rules(
            writer, source, origin, seen, objects, problems
        )
    result.size = out_path.stat().st_size
    return result


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


def _write_rules(
    writer: _Writer,
    source: Path,
    origin: str,
    seen: set[str],
    objects: list[LocalObject],
    problems: Problems,
) -> tuple[int, int]:
    """The redirect table's exact rules as 301 and 410 records: (redirects, gone). `seen`
    holds the URLs already answered, decoded (a table's `%e2` is a file URL's `%E2`)."""
    where = source / "_redirects"
    try:
        rules = table_from_netlify(where.read_text(encoding="utf-8"), str(where))
    except FileNotFoundError:
        return 0, 0
    except (OSError, UnicodeDecodeError, SitegenError) as exc:
        problems.warn(f"redirects left out of the archive: {exc}", str(where), hint="build again")
        return 0, 0
    redirects = gone = 0
    pages: dict[str, LocalObject | None] = {}
    for rule in rules:
        if rule.pattern or rule.status not in (301, 410):
            continue
        url = origin + rule.source + (f"?{rule.query}" if rule.query else "")
        if unquote(url) in seen:
            continue  # a file of the site is at that path: it answers, as on every host
        seen.add(unquote(url))
        if rule.status == 301:
            location = origin + rule.target
            body = b""
            writer.response(
                url,
                "301 Moved Permanently",
                [("Location", location), ("Content-Type", "text/html; charset=utf-8")],
                io.BytesIO(body),
                0,
                hashlib.sha256(location.encode()).hexdigest(),
            )
            redirects += 1
        else:
            key = unquote(rule.target.removeprefix("/"))  # its file, from the host's root
            if key not in pages:  # the 410 page: one file, looked up once
                pages[key] = next((o for o in objects if o.key == key), None)
            page = pages[key]
            if page is None:
                continue
            _write_file(writer, url, page, "410 Gone")
            gone += 1
    return redirects, gone


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
    """Into a folder the file is copied in chunks and linked into place (never over another);
    an object store's `put` takes the bytes whole."""
    if isinstance(store, LocalStore):
        dest = inside(store.root, key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.new.tmp")
        shutil.copyfile(path, tmp)
        try:
            os.link(tmp, dest)
        except FileExistsError:
            raise AlreadyExistsError("object exists", store.name + key) from None
        finally:
            tmp.unlink(missing_ok=True)
        return
    meta = ObjectMeta(_sha256(path), content_type, IMMUTABLE)
    store.put(key, path.read_bytes(), meta, if_absent=True)


def list_web_archives(store: ObjectStore) -> list[RemoteObject]:
    store.check()
    return sorted(
        (o for o in store.list(WEB_ARCHIVES) if o.key.endswith((".wacz", ".warc.gz"))),
        key=lambda o: o.key,
    )
