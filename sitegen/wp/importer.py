"""`sitegen import`: WordPress REST JSON or export (WXR) -> `content/**/*.md`
(docs/content-format.md).

Two passes, so that 100,000 posts never need to be in memory at once:

1. read every input file and keep only small maps: which post lives where (id -> path,
   permalink -> path), terms, authors; decide each post's file, skip what is not public;
2. read the files again and convert, write and forget one post at a time.

Nothing is written before the first pass is over, and nothing at all when no input gave a post
and some input could not be read (a file that is not an export): a wrong file named by mistake
leaves the site as it was.

Re-import safety comes from `content/.import/manifest.json` (sitegen.wp.manifest): a file edited
by hand since the import wrote it is not overwritten without `force`, and a post whose permalink
changed moves and keeps its old path in `aliases`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sitegen import tuning
from sitegen.content import dump_document
from sitegen.errors import Problem, Problems, SitegenError
from sitegen.fsutil import write_if_changed
from sitegen.parallel import forks, ordered_map
from sitegen.wp import comments, skipcache
from sitegen.wp import importplan as plan
from sitegen.wp.export import WpComment, WpMedia, WpPost
from sitegen.wp.fetch import FetchOptions, HttpClient
from sitegen.wp.manifest import (
    Manifest,
    ManifestEntry,
    load_manifest,
    load_site,
    merge_site,
    save_manifest,
    save_site,
    sha256,
)
from sitegen.wp.normalize import (
    UNRESOLVED,
    body_markdown,
    front_matter,
    make_rewriter,
    post_rewriter,
    say_unresolved,
)
from sitegen.wp.sources import SideData, Source, collect, read_posts, read_sides
from sitegen.wp.uploads import (
    UploadsCopier,
    UploadsDownloader,
    UploadsReport,
    html_urls,
    present_uploads,
    uploads_root,
)


@dataclass
class ImportOptions:
    force: bool = False  # overwrite files edited by hand since their import
    drafts: bool = False  # import drafts (as `status: draft`) instead of skipping them
    # Called once, before the second pass, with the number of posts to convert: the cli sizes
    # its progress bar with it; `progress` then reports each post done.
    on_total: Callable[[int], None] | None = None
    # A copy of the site's wp-content/uploads (from a backup): the uploads the content uses
    # are copied into static/ and linked at their old path (sitegen.wp.uploads).
    uploads: Path | None = None
    # `--media` for saved files: every upload the content uses is downloaded from the origin
    # the files name (index.json's home, trusted as the user asked for it) into static/, at its
    # old path (sitegen.wp.uploads.UploadsDownloader). None: nothing is fetched.
    media: FetchOptions | None = None


# The kinds of what an import does not carry into content/, in the report's order.
NOT_CARRIED = (
    "post_types",  # custom post types (product, event...): type -> items
    "custom_fields",  # post meta nobody reads: key -> posts
    "plugin_fields",  # fields plugins add to REST answers (acf, jetpack_*): name -> posts
    "unknown_shortcodes",  # shortcodes of plugins, kept as text: name -> uses
    "unresolved_links",  # links to what is not public, unlinked: why -> posts
)
_UNRESOLVED = re.compile(re.escape(UNRESOLVED) + r" \(([^)]*)\)")


def _printable(name: str) -> str:
    """A field name from the inputs as the report may print it: a lone surrogate or a control
    character escaped (stdout is UTF-8 text), at most 100 characters."""
    text = name.encode("utf-8", "backslashreplace").decode("utf-8")
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= 100 else text[:99] + "…"


def _rel(path: Path, site_dir: Path) -> str:
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return str(path)


@dataclass
class ImportReport:
    imported: int = 0  # new files
    unchanged: int = 0  # same bytes as on disk (not rewritten, mtime kept)
    updated: int = 0  # files rewritten or moved because the post changed
    converted: int = 0  # posts whose HTML was converted (the others had not changed at all)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    errors: Problems = field(default_factory=Problems)  # errors and warnings
    written: list[Path] = field(default_factory=list)  # every file written, content or not
    removed: list[Path] = field(default_factory=list)  # old files of posts that moved
    kept: list[Path] = field(default_factory=list)  # hand-edited files left alone
    uploads: UploadsReport | None = None  # with ImportOptions.uploads
    # What the inputs hold that content/ does not, by kind (NOT_CARRIED) then name -> count.
    not_carried: dict[str, dict[str, int]] = field(default_factory=dict)
    media: UploadsReport | None = None  # with ImportOptions.media

    @property
    def failed(self) -> bool:
        return bool(self.errors.errors)

    def carry(self, first: plan.First, side: SideData) -> None:
        """Fill `not_carried` once the import is done (docs/import-report.md)."""
        kinds: dict[str, dict[str, int]] = {kind: {} for kind in NOT_CARRIED}
        for name, n in first.not_carried.items():
            kind, _, what = name.partition(" ")
            group = {"post": "post_types", "plugin": "plugin_fields", "custom": "custom_fields"}
            kinds[group[kind]][_printable(what.partition(" ")[2])] = n
        if side.wxr is not None:
            kinds["unknown_shortcodes"].update(side.wxr.unknown_shortcodes)
        for problem in self.errors.items:
            m = _UNRESOLVED.match(problem.message)
            if m:
                links = kinds["unresolved_links"]
                links[m.group(1)] = links.get(m.group(1), 0) + 1
        self.not_carried = {k: dict(sorted(v.items())) for k, v in kinds.items()}

    def not_carried_line(self) -> str:
        """`not carried: unknown shortcodes poll 1, vc_row 2; post types product 3` or ""."""
        parts = []
        for kind, names in self.not_carried.items():
            if names:
                label = kind.replace("_", " ")
                listed = ", ".join(f"{name} {n}" for name, n in list(names.items())[:5])
                more = ", …" if len(names) > 5 else ""
                parts.append(f"{label} {listed}{more}")
        return f"not carried: {'; '.join(parts)}" if parts else ""

    def as_json(self, site_dir: Path) -> dict[str, Any]:
        """The report as `sitegen import --json` prints it; keys documented and stable."""
        return {
            "format": 1,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": [_rel(p, site_dir) for p in self.removed],
            "kept": [_rel(p, site_dir) for p in self.kept],
            "skipped": dict(sorted(self.skipped.items())),
            "not_carried": self.not_carried or {kind: {} for kind in NOT_CARRIED},
            "uploads": None if self.uploads is None else vars(self.uploads).copy(),
            "errors": len(self.errors.errors),
            "warnings": len(self.errors.warnings),
            "problems": [
                {
                    "level": "warning" if p.warning else "error",
                    "location": p.location,
                    "message": p.message,
                    "hint": p.hint,
                }
                for p in self.errors.items
            ],
        }

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def summary(self, problems: Problems | None = None) -> str:
        """One line; `problems` counts instead of the import's own (a mirror adds its fetch and
        media problems, which the user sees printed just above)."""
        skipped = sum(self.skipped.values())
        why = ", ".join(f"{n} {r}" for r, n in sorted(self.skipped.items()))
        counted = self.errors if problems is None else problems
        return (
            f"imported {self.imported}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {skipped}{f' ({why})' if why else ''}, "
            f"errors {len(counted.errors)}, warnings {len(counted.warnings)}"
        )


def import_paths(
    site_dir: Path,
    inputs: Sequence[Path],
    options: ImportOptions,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import WordPress REST JSON files (or folders of them) into `site_dir/content/`."""
    report = ImportReport()
    content_dir = site_dir / "content"
    try:
        manifest = load_manifest(content_dir, report.errors if options.force else None)
        old_site = load_site(content_dir)
    except SitegenError as err:  # nothing safe to do without knowing what was written before
        report.errors.add(err)
        return report
    sources, sides = collect(list(inputs), report.errors)
    if not sources and not sides:
        return report  # nothing to read: leave the site as it is
    if not any(src.content for src in sources):
        report.errors.warn(
            "no posts or pages among the inputs; only the site's details were read",
            ", ".join(str(src.name) for src in sides),
            "add the posts*.json / pages.json files saved from /wp-json/wp/v2/",
        )
    side = read_sides(sides, report.errors)
    first = plan.first_pass(sources, side, options.drafts, report.errors, report.skip)
    placed = plan.place(first, side, manifest, old_site, report.errors, report.skip)
    if report.failed and not placed.stubs:
        return report  # nothing could be read: write nothing, not even the site's details
    # What static/ holds at an upload's old path is published there, whoever put it there (an
    # earlier --uploads, --media, a person): the content links it, with or without --uploads.
    placed.maps.uploads |= present_uploads(site_dir)
    if options.uploads is not None:
        report.uploads = _copy_uploads(site_dir, options.uploads, sources, side, placed, report)
    if options.media is not None:
        report.media = _download_uploads(site_dir, options.media, sources, side, placed, report)
    if options.on_total:
        options.on_total(len(placed.stubs))
    cache = tuning.current.cache  # SITEGEN_NO_CACHE: convert everything, remember nothing
    fingerprints = skipcache.load(site_dir) if cache else {}
    writer = _Writer(placed, manifest, content_dir, options, report, progress, fingerprints, side)
    for src in sources:
        if src.content:
            writer.source(src)
    writer.flush()
    if side.wxr is not None:
        side.wxr.report(report.errors)
    if cache:
        skipcache.save(site_dir, fingerprints)
    placed.maps.count_missing()
    report.carry(first, side)
    site = merge_site(old_site, plan.site_yaml(side, placed.maps, first))
    if save_site(content_dir, site):
        report.written.append(content_dir / "_site.yaml")
    if save_manifest(content_dir, manifest):
        report.written.append(content_dir / ".import" / "manifest.json")
    return report


def _copy_uploads(
    site_dir: Path, folder: Path, sources: list[Source], side: SideData, placed: plan.Placed,
    report: ImportReport,
) -> UploadsReport:  # fmt: skip
    """Copy the uploads the imported posts use, and every attachment, from `folder`; the site's
    maps then know which ones are in static/ (a third read of the inputs, streamed as the
    others: only with --uploads)."""
    copier = UploadsCopier(site_dir, uploads_root(folder), placed.maps.home)
    copier.copy_all(_upload_refs(sources, side, placed), report.errors)
    placed.maps.uploads |= copier.copied
    return copier.report


def _download_uploads(
    site_dir: Path, fetch: FetchOptions, sources: list[Source], side: SideData,
    placed: plan.Placed, report: ImportReport,
) -> UploadsReport:  # fmt: skip
    """`--media` for saved files: download what `--uploads` would copy, from the site's home."""
    home = placed.maps.home
    if not home.startswith(("http://", "https://")):
        report.errors.error(
            "--media: the files do not say where the site is",
            "index.json",
            "save the site index (GET /wp-json/) as index.json beside the posts: its home "
            "URL is where the uploads are downloaded from",
        )
        return UploadsReport()
    downloader = UploadsDownloader(site_dir, home, HttpClient(fetch).trusting(home))
    downloader.download_all(_upload_refs(sources, side, placed), report.errors)
    placed.maps.uploads |= downloader.copied
    return downloader.report


def _upload_refs(
    sources: list[Source], side: SideData, placed: plan.Placed
) -> Iterator[tuple[str, str]]:
    """(URL, where it is used) for every upload the imported posts link, embed or feature (with
    the featured image's resized copies, which its srcset names), and every attachment."""

    def refs() -> Iterator[tuple[str, str]]:
        for src in sources:
            if not src.content:
                continue
            try:
                for post in read_posts(src, side, first=False):
                    if isinstance(post, SitegenError):
                        continue  # reported by the first pass
                    stub = placed.stubs.get(post.id)
                    if stub is None or stub.where != post.where:
                        continue
                    for url in html_urls(post.content_html):
                        yield url, f"{post.where}.content.rendered"
                    media = post.embedded_media
                    if media is None or media.id != post.featured_media:
                        media = side.media.get(post.featured_media)
                    if post.featured_media and media is not None:
                        yield media.url, f"{post.where}.featured_media"
                        for url, _, _ in _featured_sizes(media, side):
                            yield url, f"{post.where}.featured_media"
            except SitegenError:
                continue  # reported by the first pass
        for media_id, item in sorted(side.media.items()):
            yield item.url, f"attachment id {media_id}"

    return refs()


def _featured_sizes(media: WpMedia, side: SideData) -> tuple[tuple[str, int, int], ...]:
    """The resized copies of a featured image (an embedded one lists none: media.json does)."""
    listed = side.media.get(media.id)
    return media.sizes or (listed.sizes if listed is not None else ())


class _Ahead(NamedTuple):
    """What a pool worker sends back for one post."""

    fingerprint: str  # skipcache.fingerprint of what the post's file is made of
    data: bytes | None  # the file's bytes; None when nothing changed (the post is not converted)
    problems: tuple[Problem, ...] = ()  # what converting the body had to say (with `data`)


BATCH = 1000  # posts converted per pool run: enough to keep both cores busy, few in memory


def _aliases(old: ManifestEntry | None, stub: plan.Stub) -> tuple[str, ...]:
    aliases = set(old.aliases) if old else set()
    if old and old.path != stub.path:
        aliases.add(old.path)  # the permalink changed: the old one must keep working
    aliases.discard(stub.path)
    return tuple(sorted(aliases))


@dataclass
class _Writer:
    """The second pass: convert, write and forget one post at a time."""

    placed: plan.Placed
    manifest: Manifest
    content_dir: Path
    options: ImportOptions
    report: ImportReport
    progress: Callable[[int], None] | None
    fingerprints: dict[str, str]  # wp_id -> skipcache.fingerprint of what its file was made of
    side: SideData
    rewrite: Callable[[str], str] = field(init=False)  # links to the site -> root-relative

    queue: list[tuple[WpPost, plan.Stub]] = field(init=False, default_factory=list)

    side_comments: dict[int, list[WpComment]] = field(init=False)  # comments.json's, by post id

    def __post_init__(self) -> None:
        self.rewrite = make_rewriter(self.placed.maps)
        self.side_comments = comments.by_post(self.side.comments.values())

    def fingerprint_url(self, rewrite: Callable[[str], str]) -> Callable[[str], str]:
        """What a URL in a post's HTML becomes: its rewrite, and the size WordPress knew of the
        image there (a new media.json gives an <img> its dimensions and srcset back)."""
        return lambda url: self._fingerprint_url(url, rewrite)

    def _fingerprint_url(self, url: str, rewrite: Callable[[str], str]) -> str:
        known = self.placed.maps.images().get(url)
        rewritten = rewrite(url)
        return (
            rewritten
            if known is None
            else f"{rewritten} {known.width}x{known.height} {known.srcset}"
        )

    def flush(self) -> None:
        """Convert the queued posts' HTML with a process pool (sitegen.parallel), then write
        them one by one, in order, exactly as a serial import does: the pool only computes."""
        queue, self.queue = self.queue, []
        ahead: Iterable[_Ahead | None] = [None] * len(queue)
        if forks(len(queue)):  # converting ahead in this process would do the work twice
            ahead = ordered_map(lambda i: self.convert_ahead(*queue[i]), len(queue))
        for (post, stub), data in zip(queue, ahead, strict=True):
            try:
                self.post(post, stub, data)
            except SitegenError as err:
                self.report.errors.add(err)
            if self.progress:
                self.progress(1)

    def convert_ahead(self, post: WpPost, stub: plan.Stub) -> _Ahead | None:
        """In a worker (its side effects, such as the site maps' notes of what they warned
        about, stay there): the fingerprint of `post` and the bytes it will make of it (None
        where it will not convert it: nothing changed), or None where it will say why it
        cannot (its problems are its own)."""
        try:
            old = self.manifest.entries.get(post.id)
            meta = front_matter(post, stub.path, self.placed.maps, Problems(), _aliases(old, stub))
            target = self.content_dir / stub.file
            current = target.read_bytes() if target.is_file() else None
            rewrite = post_rewriter(self.rewrite, post.link)
            print_ = skipcache.fingerprint(meta, post.content_html, self.fingerprint_url(rewrite))
            if self.untouched(post.id, print_, old, stub, current):
                return _Ahead(print_, None)
            said = Problems()
            body = body_markdown(post, rewrite, said, self.placed.maps)
            return _Ahead(print_, dump_document(meta, body).encode(), tuple(said.items))
        except SitegenError:
            return None

    def source(self, src: Source) -> None:
        # Streamed: an export of several GB is never in memory whole. What stops a file
        # (bad XML halfway) was reported by the first pass, which read the same posts.
        try:
            for post in read_posts(src, self.side, first=False):
                if isinstance(post, SitegenError):
                    continue  # reported by the first pass
                stub = self.placed.stubs.get(post.id)
                if stub is None or stub.where != post.where:
                    continue  # skipped or a duplicate: counted by the first pass
                self.queue.append((comments.attach(post, self.side_comments), stub))
                if len(self.queue) >= BATCH:
                    self.flush()
        except SitegenError:
            return

    def post(self, post: WpPost, stub: plan.Stub, ahead: _Ahead | None = None) -> None:
        """Convert and write one post; `ahead`: what a worker made of it already, if one did."""
        old = self.manifest.entries.get(post.id)
        for reason in comments.skipped(post):
            self.report.skip(reason)
        ordered = _aliases(old, stub)
        meta = front_matter(post, stub.path, self.placed.maps, self.report.errors, ordered)
        target = self.content_dir / stub.file
        current = target.read_bytes() if target.is_file() else None
        # The worker's fingerprint is of this very `meta`: computed from the same post and maps
        # (the front matter is still made here, for its problems and their order).
        rewrite = post_rewriter(self.rewrite, post.link)
        print_ = (
            ahead.fingerprint
            if ahead
            else skipcache.fingerprint(meta, post.content_html, self.fingerprint_url(rewrite))
        )
        if self.untouched(post.id, print_, old, stub, current):
            self.report.unchanged += 1
            # Not converted again, but its links to what is not public are still said.
            dropped = [u for u in skipcache.urls(post.content_html) if not rewrite(u)]
            say_unresolved(post, dropped, self.report.errors, self.placed.maps)
            return
        self.report.converted += 1
        if ahead and ahead.data:
            data = ahead.data
            self.report.errors.items.extend(ahead.problems)
        else:
            body = body_markdown(post, rewrite, self.report.errors, self.placed.maps)
            data = dump_document(meta, body).encode()
        modified = (post.modified_gmt or post.modified).isoformat()
        entry = ManifestEntry(stub.file, sha256(data), stub.path, modified, ordered)
        if current == data:
            self.report.unchanged += 1
        elif current is not None and not self.options.force and self.keep(current, old, entry):
            return
        else:
            write_if_changed(target, data)
            self.report.written.append(target)
            if old is None and current is None:
                self.report.imported += 1
            else:
                self.report.updated += 1
        self.manifest.entries[post.id] = entry
        self.fingerprints[str(post.id)] = print_
        self.remove_old(old, entry)

    def untouched(
        self,
        wp_id: int,
        print_: str,
        old: ManifestEntry | None,
        stub: plan.Stub,
        current: bytes | None,
    ) -> bool:
        """Nothing the file is made of changed, and the file is as the import wrote it."""
        return (
            not self.options.force
            and self.fingerprints.get(str(wp_id)) == print_
            and old is not None
            and old.file == stub.file
            and current is not None
            and sha256(current) == old.sha256
        )

    def keep(self, current: bytes, old: ManifestEntry | None, new: ManifestEntry) -> bool:
        """Whether the file on disk must be kept: True unless the import wrote it untouched."""
        known = old.sha256 if old and old.file == new.file else None
        if known is not None and sha256(current) == known:
            return False  # the import wrote this file and nobody touched it: replace it
        if known == new.sha256:
            self.report.unchanged += 1  # edited by hand; WordPress has nothing new: keep it
            return True
        target = self.content_dir / new.file
        self.report.kept.append(target)
        self.report.skip("edited by hand")
        what = "edited by hand since its import" if known else "not written by the import"
        self.report.errors.warn(
            f"{what}; not overwritten with WordPress's newer version",
            f"content/{new.file}",
            "use --force to replace it (your edits are then lost)",
        )
        return True

    def remove_old(self, old: ManifestEntry | None, new: ManifestEntry) -> None:
        """A post that moved leaves its old file behind only if a person edited it."""
        if old is None or old.file == new.file:
            return
        path = self.content_dir / old.file
        if not path.is_file():
            return
        if self.options.force or sha256(path.read_bytes()) == old.sha256:
            path.unlink()
            self.report.removed.append(path)
            return
        self.report.kept.append(path)
        self.report.errors.warn(
            f"the post moved to content/{new.file}; this old file was edited by hand and is kept",
            f"content/{old.file}",
            "merge your edits into the new file and delete this one, or use --force",
        )
