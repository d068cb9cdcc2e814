"""`sitegen import --from URL`: fetch what changed, mirror images, import, retire gone posts.

The one place that knows the order: sync.fetch_site (REST -> raw + current/), media (optional:
download, then a rewritten copy of current/ in input/), importer.import_paths (the same code as the
offline import), gone.remove_gone (files of unpublished posts leave, `_gone.yaml` keeps their
paths), and only then sync.finish, so an interrupted run is resumed rather than skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sitegen.errors import Problems
from sitegen.safepath import UnsafePath
from sitegen.wp.fetch import HttpClient
from sitegen.wp.gone import Removal, forget_gone, remove_gone
from sitegen.wp.importer import ImportOptions, ImportReport, import_paths
from sitegen.wp.media import (
    MediaMirror,
    MediaReport,
    originals,
    post_image_refs,
    rewrite_media_item,
    rewrite_post,
)
from sitegen.wp.pagecapture import CaptureReport, capture_pages
from sitegen.wp.pull import (
    COMMENTS,
    IMPORT_DIR,
    SIDE,
    FetchResult,
    Progress,
    PullOptions,
    fetch_site,
    finish,
    load_current,
    locations,
    write_input,
)
from sitegen.wp.uploads import UploadsDownloader, UploadsReport, html_urls, upload_path

MEDIA_INPUT_DIR = IMPORT_DIR / "input"  # current/ with image URLs pointing at the mirror


@dataclass
class MirrorOptions:
    sync: PullOptions = field(default_factory=PullOptions)
    media: bool | None = None  # None: as the last run did (remembered in sync.json)
    import_options: ImportOptions = field(default_factory=ImportOptions)
    # Also fetch each public post's and page's HTML page and the same-site files it loads
    # (pagecapture.py); useful only with a recorder (`--warc`), which keeps the answers.
    capture_pages: bool = False


@dataclass
class MirrorReport:
    fetched: FetchResult
    imported: ImportReport
    site_dir: Path = Path(".")
    media: MediaReport | None = None
    uploads: UploadsReport | None = None  # other uploads downloaded to their old path
    removals: list[Removal] = field(default_factory=list)
    captured: CaptureReport | None = None  # the pages and files of --capture-pages
    problems: Problems = field(default_factory=Problems)  # fetch, media and gone problems

    @property
    def failed(self) -> bool:
        return self.imported.failed or bool(self.problems.errors)

    def all_problems(self) -> Problems:
        both = Problems()
        both.extend(self.problems)
        both.extend(self.imported.errors)
        return both

    def as_json(self) -> dict[str, Any]:
        """The import's report (ImportReport.as_json) with what the fetch and the media did;
        every problem of the run is in `problems`."""
        out = self.imported.as_json(self.site_dir)
        out["problems"] = [
            {
                "level": "warning" if p.warning else "error",
                "location": p.location,
                "message": p.message,
                "hint": p.hint,
            }
            for p in self.all_problems().items
        ]
        problems = self.all_problems()
        out["errors"], out["warnings"] = len(problems.errors), len(problems.warnings)
        f = self.fetched
        out["fetched"] = {
            "incremental": f.incremental,
            "since": f.since,
            "changed": {kind: len(ids) for kind, ids in f.changed.items()},
            "listed": dict(f.counts),
            "requests": f.requests,
            "raw_dir": _rel(f.raw_dir, self.site_dir),
        }
        out["gone"] = {
            "removed": sum(r.removed for r in self.removals),
            "kept": sum(not r.removed for r in self.removals),
        }
        m = self.media
        out["media"] = None if m is None else {
            "downloaded": m.downloaded, "reused": m.reused, "stored": m.stored,
            "bytes": m.bytes, "failed": [{"url": u, "why": w} for u, w in m.failed],
        }  # fmt: skip
        out["downloaded_uploads"] = None if self.uploads is None else vars(self.uploads).copy()
        out["captured"] = None if self.captured is None else vars(self.captured).copy()
        return out

    def summary(self) -> str:
        f = self.fetched
        mode = f"changes since {f.since}" if f.incremental else "everything (full sync)"
        changed = ", ".join(f"{len(ids)} {kind}" for kind, ids in f.changed.items())
        listed = ", ".join(f"{n} {kind}" for kind, n in f.counts.items())
        lines = [
            f"fetched {mode}: {changed} in {f.requests} requests; the site lists {listed}",
            f"raw answers kept in {_rel(f.raw_dir, self.site_dir)}",
        ]
        gone = [r for r in self.removals if r.removed]
        kept = [r for r in self.removals if not r.removed]
        if self.removals:
            lines.append(
                f"gone from the site: {len(gone)} removed (recorded in content/_gone.yaml)"
                + (f", {len(kept)} kept because edited by hand" if kept else "")
            )
        if self.media is not None:
            m = self.media
            lines.append(
                f"media: {m.downloaded} downloaded ({m.bytes / 1e6:.1f} MB), {m.reused} already "
                f"mirrored, {len(m.failed)} failed; {m.stored} files in static/media/"
            )
        if self.uploads is not None:
            lines.append(self.uploads.summary().replace("copied", "downloaded", 1))
        if self.captured is not None:
            lines.append(self.captured.summary())
        lines.append(self.imported.summary(self.all_problems()))
        return "\n".join(lines)


def mirror_site(
    site_dir: Path, url: str, options: MirrorOptions, progress: Progress | None = None
) -> MirrorReport:
    """Mirror the WordPress site at `url` into `site_dir` (see the module docstring)."""
    fetched, state = fetch_site(site_dir, url, options.sync, progress)
    report = MirrorReport(fetched, ImportReport(), site_dir)
    input_dir = fetched.current_dir
    state.media = state.media if options.media is None else options.media
    if state.media:
        input_dir, report.media, report.uploads = _mirror_media(
            site_dir, url, options, report.problems, progress
        )
    report.imported = import_paths(
        site_dir, [input_dir], _with_total(options.import_options, progress),
        _import_progress(progress),
    )  # fmt: skip
    today = datetime.now(UTC).date()
    report.removals = remove_gone(site_dir, fetched.gone, today, report.problems)
    forget_gone(site_dir, [i for ids in fetched.changed.values() for i in ids])
    finish(site_dir, state, fetched)
    if options.capture_pages:
        report.captured = capture_pages(
            HttpClient(options.sync.fetch),
            url,
            load_current(fetched.current_dir),
            report.problems,
            progress,
        )
    return report


def _rel(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def _with_total(options: ImportOptions, progress: Progress | None) -> ImportOptions:
    if progress is None:
        return options
    return replace(options, on_total=lambda n: progress("import", 0, n))


def _import_progress(progress: Progress | None) -> Callable[[int], None] | None:
    if progress is None:
        return None
    done = [0]

    def advance(n: int) -> None:
        done[0] += n
        progress("import", done[0], 0)

    return advance


def _mirror_media(
    site_dir: Path, url: str, options: MirrorOptions, problems: Problems,
    progress: Progress | None,
) -> tuple[Path, MediaReport, UploadsReport]:  # fmt: skip
    """Download every upload the posts use (images with each size their srcset names, PDFs,
    audio, video, documents) to its old path, which the import then links to, so old links
    and hotlinks keep working; images on other hosts go to the content-addressed image mirror,
    and input/ = current/ pointing at those copies."""
    current = site_dir / IMPORT_DIR / "current"
    known = load_current(current)
    index_body = (current / "index.json").read_bytes()
    home = _home(index_body) or url.rstrip("/") + "/"
    # The site's claimed home only resolves relative URLs; the one origin trusted to be on an
    # internal address is the one the user named (`url`), not whatever the site says it is.
    http = HttpClient(options.sync.fetch).trusting(url)
    mirror = MediaMirror(site_dir, home, http, originals(known["media"].values()))
    where = locations(known, (IMPORT_DIR / "current").as_posix())

    def own(url: str) -> bool:
        """An upload of this site: mirrored at its old path, not content-addressed."""
        try:
            return upload_path(mirror.absolute(url), home) is not None
        except (UnsafePath, ValueError):
            return True  # refused, and said, by the uploads downloader

    refs = [
        (u, f"{where.get((kind, post_id), f'{kind} id {post_id}')}.{field}")
        for kind in ("posts", "pages")
        for post_id, post in known[kind].items()
        for u, field in post_image_refs(post, known["media"])
    ]
    report = mirror.mirror(
        [(u, w) for u, w in refs if not own(u)],
        problems,
        lambda d, t: progress("media", d, t) if progress else None,
    )
    downloader = UploadsDownloader(site_dir, home, http)
    downloader.download_all(
        [
            *(
                (u, f"{where.get((kind, post_id), f'{kind} id {post_id}')}.content.rendered")
                for kind in ("posts", "pages")
                for post_id, post in known[kind].items()
                for u in html_urls(_rendered(post))
            ),
            *((u, w) for u, w in refs if own(u)),
            *_featured_sizes(known, where),
        ],
        problems,
    )

    def rewrite(url: str) -> str | None:
        return None if own(url) else mirror.rewrite(url)

    rewritten = {
        "posts": {i: rewrite_post(p, rewrite) for i, p in known["posts"].items()},
        "pages": {i: rewrite_post(p, rewrite) for i, p in known["pages"].items()},
        "media": {i: rewrite_media_item(m, rewrite) for i, m in known["media"].items()},
    }
    side = {name: _read_list(current / f"{name}.json") for name in (*SIDE, COMMENTS)}
    target = site_dir / MEDIA_INPUT_DIR
    write_input(target, rewritten, side, index_body)
    return target, report, downloader.report


def _featured_sizes(
    known: dict[str, dict[int, dict[str, Any]]], where: dict[tuple[str, int], str]
) -> list[tuple[str, str]]:
    """The resized copies of each featured image, which the theme's srcset names."""
    refs = []
    for kind in ("posts", "pages"):
        for post_id, post in known[kind].items():
            media = known["media"].get(post.get("featured_media") or 0)
            details = media.get("media_details") if isinstance(media, dict) else None
            sizes = details.get("sizes") if isinstance(details, dict) else None
            for size in sizes.values() if isinstance(sizes, dict) else ():
                url = size.get("source_url") if isinstance(size, dict) else None
                if isinstance(url, str):
                    name = where.get((kind, post_id), f"{kind} id {post_id}")
                    refs.append((url, f"{name}.featured_media"))
    return refs


def _rendered(post: dict[str, Any]) -> str:
    content = post.get("content")
    html = content.get("rendered") if isinstance(content, dict) else None
    return html if isinstance(html, str) else ""


def _home(index_body: bytes) -> str:
    try:
        data = json.loads(index_body.decode("utf-8", errors="replace").lstrip("\ufeff"))
    except json.JSONDecodeError:
        return ""
    home = data.get("home") if isinstance(data, dict) else None
    return home.rstrip("/") + "/" if isinstance(home, str) and home else ""


def _read_list(path: Path) -> list[Any]:
    data = json.loads(path.read_bytes()) if path.exists() else []
    return data if isinstance(data, list) else []
