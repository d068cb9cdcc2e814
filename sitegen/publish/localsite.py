"""The built site as objects to publish: key, hash, headers, and where the bytes come from.

Files are hashed here and read again at upload time, so a site with gigabytes of images never
sits in memory. Feed folders get an extra `index.html` key (see `feed_aliases`).
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sitegen import transaction
from sitegen.build.hostrules import table_from_netlify
from sitegen.errors import Problems, SitegenError
from sitegen.feeds.formats import is_feed
from sitegen.mediatypes import content_type, is_compressible
from sitegen.publish.settings import PublishSettings
from sitegen.publish.store import ObjectMeta
from sitegen.safepath import UnsafePath, files_inside, rule_path_decoded, rule_path_encoded

JUNK = {".DS_Store", "Thumbs.db", ".git"}


@dataclass(frozen=True)
class LocalObject:
    key: str
    source: Path  # the file whose bytes this object carries
    meta: ObjectMeta
    data: bytes | None = None  # the bytes themselves, for an object made here (a redirect)

    def body(self) -> bytes:
        """The bytes to upload: the file, gzip-compressed if the metadata says so."""
        data = self.source.read_bytes() if self.data is None else self.data
        if self.meta.content_encoding == "gzip":
            # mtime=0: the same input gives the same bytes, so re-publishing changes nothing.
            return gzip.compress(data, compresslevel=9, mtime=0)
        return data


def scan_site(
    source: Path,
    settings: PublishSettings,
    *,
    compress: bool,
    feed_index_html: bool,
    problems: Problems | None = None,
) -> list[LocalObject]:
    """Every file under `source` as a LocalObject, sorted by key.

    `feed_index_html` adds the `feed_aliases`, for stores that serve `dir/index.html` only.
    A commit of a build that was interrupted is undone first (the site is then the previous
    build, never a mix of two). A symbolic link is never followed: its target may be any file
    of the machine (`passwd -> /etc/passwd`); it is skipped with a warning in `problems`.
    """
    problems = Problems() if problems is None else problems
    if not source.is_dir():
        raise SitegenError(
            "no built site here",
            str(source),
            hint="run `sitegen build` first, or pass --source DIR",
        )
    note = transaction.recover(source)
    if note:
        problems.warn(note, str(source))

    def refused(key: str, why: UnsafePath) -> None:
        if not JUNK.intersection(key.split("/")):
            problems.warn(
                f"not published: {why}",
                str(source / key),
                hint="a published site holds its own files: put the file itself in the site "
                "instead of a link to it",
            )

    objects = [
        LocalObject(key, path, _meta(key, path, settings, compress))
        for key, path in files_inside(source, refused)
        if not JUNK.intersection(key.split("/"))
    ]
    if not objects:
        raise SitegenError("the built site is empty", str(source), hint="run `sitegen build` first")
    if feed_index_html:
        objects.extend(feed_aliases(objects))
        objects.extend(redirect_objects(source, objects))
    return sorted(objects, key=lambda o: o.key)


def _meta(key: str, path: Path, settings: PublishSettings, compress: bool) -> ObjectMeta:
    data = path.read_bytes()
    ctype = settings.content_type_for(key) or content_type(key, data)
    return ObjectMeta(
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=ctype,
        cache_control=settings.cache_control_for(key, ctype),
        content_encoding="gzip" if compress and is_compressible(ctype) else "",
    )


def feed_aliases(objects: list[LocalObject]) -> list[LocalObject]:
    """`X/index.html` copies of `X/index.xml` (and of a JSON Feed `X/index.json`) where the site
    has no `X/index.html`.

    S3 website hosting answers `/feed/` with the key `feed/index.html` and nothing else, so a
    WordPress feed URL would 404 there. The copy keeps the feed's Content-Type, so readers and
    crawlers still get RSS/Atom at the URL they always used.
    """
    keys = {o.key for o in objects}
    aliases = []
    for obj in objects:
        folder, _, name = obj.key.rpartition("/")
        html = f"{folder}/index.html" if folder else "index.html"
        feed = name == "index.xml" or (name == "index.json" and is_feed(obj.meta.content_type))
        if feed and html not in keys:
            aliases.append(LocalObject(html, obj.source, obj.meta))
    return aliases


def redirect_objects(source: Path, objects: list[LocalObject]) -> list[LocalObject]:
    """An empty object with a website redirect (`x-amz-website-redirect-location`) at each old
    path of the site's redirect table (`_redirects`) that S3 can answer: an exact path to a 301
    (aliases, a child category's flat URL, WordPress's feed URLs). S3 website hosting answers
    `/old/` with the key `old/index.html`; query rules, 410 and `:slug` patterns it cannot.

    Keys are the table's paths as they are: the bucket's root is public/'s, where the site
    sits under its base path (`web/old/index.html` for `/web/old/`). A `_redirects` that is
    missing or not sitegen's adds nothing here: the build's own check of it is
    `sitegen redirects`.
    """
    try:
        rules = table_from_netlify((source / "_redirects").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SitegenError):
        return []
    keys = {o.key for o in objects}
    made = []
    for rule in rules:
        if rule.status != 301 or rule.query or rule.pattern:
            continue
        path = rule_path_decoded(rule.source)
        key = f"{path}index.html" if path.endswith("/") or not path else path
        if key in keys:
            continue  # a file of the site is there: it wins, as on every other host
        keys.add(key)
        location = "/" + rule_path_encoded(rule.target)
        meta = ObjectMeta(
            sha256=hashlib.sha256(location.encode()).hexdigest(),
            content_type="text/html; charset=utf-8",
            cache_control="public, max-age=86400",
            redirect=location,
        )
        made.append(LocalObject(key, source / "_redirects", meta, data=b""))
    return made
