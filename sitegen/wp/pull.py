"""Incremental sync of a live WordPress into `content/.import/`: what changed, what is gone.

Every run keeps what it received in a dated folder `content/.import/raw/<UTC stamp>/`. A first
(full) run asks for everything; later runs ask only for what was modified since the last sync
(`modified_after`, minus a small overlap for clock skew), plus any id the site lists that we have
never seen (a scheduled post going live keeps its old `modified`). The full id lists, fetched
cheaply with `_fields=id`, tell which posts were deleted or unpublished.

`content/.import/current/` is the merged, up-to-date view of the site in the corpus dump's own
file layout: exactly what `sitegen import DIR` reads. The importer is idempotent, so importing all
of it rewrites only the files whose post changed, and links between posts always resolve.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from sitegen.errors import Problems, SitegenError
from sitegen.fsutil import write_if_changed
from sitegen.wp.fetch import FetchOptions, HttpClient, RestClient, check
from sitegen.wp.rawstore import RawStore, fetch_merged, fetch_pages

IMPORT_DIR = Path("content/.import")
STATE_FILE = IMPORT_DIR / "sync.json"
RAW_DIR = IMPORT_DIR / "raw"
CURRENT_DIR = IMPORT_DIR / "current"
STATE_VERSION = 1
CHUNK = 100  # posts per file in current/, like one REST page

# (route, file name in current/) per kind; posts are split in pages, pages kept in one file as
# the corpus dump does.
KINDS = {"posts": "wp/v2/posts", "pages": "wp/v2/pages"}
SIDE = {
    "categories": "wp/v2/categories",
    "tags": "wp/v2/tags",
    "users": "wp/v2/users",
}

COMMENTS = "comments"  # the side file of reader comments, fetched apart (see PRIVATE_COMMENT_KEYS)
# What WordPress sends about a commenter to a logged-in editor (context=edit) and nobody else.
PRIVATE_COMMENT_KEYS = frozenset({"author_email", "author_ip", "author_user_agent"})

Progress = Callable[[str, int, int], None]  # (what, done, total); total may grow


@dataclass
class SyncState:
    """`content/.import/sync.json`: small, stable, human-readable."""

    site: str = ""
    api_root: str = ""
    watermark: str = ""  # server time (UTC, ISO 8601 with Z) when the last complete sync began
    pending: str = ""  # stamp of a run that has not finished: its raw folder is reused
    runs: list[str] = field(default_factory=list)
    media: bool = False  # images are mirrored; later runs keep doing it unless told not to

    @classmethod
    def load(cls, site_dir: Path) -> SyncState:
        path = site_dir / STATE_FILE
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SitegenError(
                f"sync state is not valid JSON: {exc}",
                str(STATE_FILE),
                "delete it to start over with a full sync",
            ) from None
        known = {
            k: data[k]
            for k in ("site", "api_root", "watermark", "pending", "runs", "media")
            if k in data
        }
        return cls(**known)

    def save(self, site_dir: Path) -> None:
        data = {"version": STATE_VERSION, **self.__dict__}
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        write_if_changed(site_dir / STATE_FILE, text.encode("utf-8"))


@dataclass
class PullOptions:
    full: bool = False  # ignore the last sync and ask for everything
    overlap: timedelta = timedelta(minutes=10)
    fetch: FetchOptions = field(default_factory=FetchOptions)


@dataclass
class FetchResult:
    """What one run learnt from the site, before importing."""

    raw_dir: Path
    current_dir: Path
    incremental: bool
    since: str  # the modified_after sent ("" for a full sync)
    changed: dict[str, list[int]]  # kind -> ids fetched in full this run
    gone: dict[int, str]  # wp id -> kind, for ids the site no longer lists
    counts: dict[str, int]  # kind -> how many the site lists now
    requests: int = 0
    problems: Problems = field(default_factory=Problems)


def stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H%M%SZ")


def _new_run(raw: Path, name: str) -> str:
    """A fresh folder name: two runs within one second must not share (and reuse) a folder."""
    n, unique = 1, name
    while (raw / unique).exists():
        n += 1
        unique = f"{name}-{n}"
    return unique


def fetch_site(
    site_dir: Path,
    url: str,
    options: PullOptions,
    progress: Progress | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> tuple[FetchResult, SyncState]:
    """Fetch what changed into a dated raw folder and update `current/`. Does not import."""
    state, site = _begin(site_dir, url, clock)
    current = site_dir / CURRENT_DIR
    incremental = bool(state.watermark) and not options.full and (current / "index.json").exists()
    client = RestClient(site, HttpClient(options.fetch))
    counter = _Counter(progress)
    state.api_root = client.discover()
    store = RawStore(site_dir / RAW_DIR / state.pending)
    index = check(client.http.get(state.api_root))
    started = _server_time(index.header("Date")) or clock()
    index.json()  # a clear error now if the index is not JSON
    store.save("index.json", state.api_root, index.body)

    since = _since(state.watermark, options.overlap) if incremental else ""
    known = load_current(current)
    result = FetchResult(store.path, current, incremental, since, {}, {}, {})
    shrunk: list[str] = []
    for kind, route in KINDS.items():
        _sync_kind(client, store, kind, route, known, result, counter, shrunk.append)
    side = _side_collections(client, store, since, known, counter)
    result.requests = counter.requests
    write_input(current, known, side, index.body)
    if shrunk:  # something may have slipped between pages: ask for the same window next time
        result.problems.warn(
            f"the site deleted posts while we read it ({', '.join(sorted(set(shrunk)))})",
            site,
            "run the command again to be sure nothing was missed",
        )
    else:
        state.watermark = started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return result, state


def _never_reached(site_dir: Path, state: SyncState) -> bool:
    """True if this folder's only run is pending and never got an answer from its site."""
    if not state.pending or state.runs or state.watermark or state.api_root:
        return False
    if (site_dir / CURRENT_DIR).exists():
        return False
    pending = site_dir / RAW_DIR / state.pending
    return not pending.exists() or not any(pending.iterdir())


def _begin(site_dir: Path, url: str, clock: Callable[[], datetime]) -> tuple[SyncState, str]:
    """Load the state, refuse another site's folder, and record this run as pending."""
    state = SyncState.load(site_dir)
    site = url.rstrip("/") + "/"
    if state.site and state.site != site and _never_reached(site_dir, state):
        # The first attempt failed before the site answered (a typo in the URL, a site that
        # was down): the folder holds nothing of it, so the corrected URL may take over.
        state = SyncState(media=state.media)
    if state.site and state.site != site:
        raise SitegenError(
            f"this site was mirrored from {state.site}, not {site}",
            str(STATE_FILE),
            "use another --site directory for another WordPress site",
        )
    state.site = site
    state.pending = state.pending or _new_run(site_dir / RAW_DIR, stamp(clock()))
    state.save(site_dir)
    return state, site


def _since(watermark: str, overlap: timedelta) -> str:
    mark = datetime.fromisoformat(watermark.replace("Z", "+00:00")) - overlap
    return mark.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _side_collections(
    client: RestClient, store: RawStore, since: str, known: dict[str, dict[int, Any]],
    counter: _Counter,
) -> dict[str, list[Any]]:  # fmt: skip
    """Media (only what changed, merged into `known`); categories, tags and users (all)."""
    params = {"modified_after": since} if since else {}
    step = counter.step("media.json")
    media = fetch_merged(client, store, "wp/v2/media", params, "media.json", step)
    known["media"].update({m["id"]: m for m in media if isinstance(m, dict) and "id" in m})
    side = {
        name: fetch_merged(client, store, route, {}, f"{name}.json", counter.step(name))
        for name, route in SIDE.items()
    }
    # Approved comments (all the API shows without a login), every run: a comment changes
    # no post's `modified`. What identifies a commenter is never kept, even in the raw folder.
    side["comments"] = fetch_merged(
        client,
        store,
        "wp/v2/comments",
        {},
        "comments.json",
        counter.step("comments"),
        drop=PRIVATE_COMMENT_KEYS,
    )
    return side


def _sync_kind(
    client: RestClient, store: RawStore, kind: str, route: str, known: dict[str, dict[int, Any]],
    result: FetchResult, counter: _Counter, shrunk: Callable[[str], None],
) -> None:  # fmt: skip
    """Fetch one kind (posts or pages): changed items, never-seen ids, and what is gone."""
    listed = _id_list(client, store, kind, route, counter, lambda n: shrunk(kind))
    got = _changed(client, store, kind, route, result.since, counter, lambda n: shrunk(kind))
    missing = sorted(listed - set(got) - set(known[kind]))
    got.update(_by_ids(client, store, kind, route, missing, counter))
    # Paging while the site changes can skip an id; never delete on that: ask about each one.
    absent = sorted(set(known[kind]) - listed)
    gone = set(absent) - _still_listed(client, route, absent, counter.step(f"{kind} recheck"))
    result.changed[kind] = sorted(got)
    result.counts[kind] = len(listed | (set(absent) - gone))
    result.gone.update({i: kind for i in gone})
    for i in gone:
        del known[kind][i]
    known[kind].update({i: v for i, v in got.items() if i not in gone})


def finish(site_dir: Path, state: SyncState, result: FetchResult) -> None:
    """Mark the run complete: the next run asks only for what changed after this one began."""
    run = state.pending
    state.pending = ""
    if run and run not in state.runs:
        state.runs.append(run)
    state.save(site_dir)


class _Counter:
    """Counts requests, and reports them as one growing "fetch" progress (from many threads)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.requests = 0
        self.done: dict[str, int] = {}
        self.planned: dict[str, int] = {}
        self.lock = threading.Lock()

    def step(self, what: str) -> Callable[[int, int], None]:
        def advance(n: int, needed: int) -> None:
            with self.lock:
                self.requests += n
                self.done[what] = self.done.get(what, 0) + n
                self.planned[what] = max(self.planned.get(what, 0), needed, self.done[what])
                if self.progress:
                    self.progress("fetch", self.requests, sum(self.planned.values()))

        return advance


def _server_time(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def _id_list(
    client: RestClient,
    store: RawStore,
    kind: str,
    route: str,
    counter: _Counter,
    on_shrink: Callable[[int], None],
) -> set[int]:
    """Every id the site lists publicly, 100 per request (`_fields=id` keeps them tiny)."""
    name = lambda n: f"ids/{kind}-{n}.json"  # noqa: E731
    step = counter.step(f"{kind} ids")
    pages = fetch_pages(client, store, route, {"_fields": "id"}, name, step, on_shrink)
    return {int(p["id"]) for page in pages for p in page if isinstance(p, dict) and "id" in p}


def _changed(
    client: RestClient, store: RawStore, kind: str, route: str, since: str, counter: _Counter,
    on_shrink: Callable[[int], None],
) -> dict[int, Any]:  # fmt: skip
    params = {"modified_after": since} if since else {}
    if kind == "pages":
        items = fetch_merged(client, store, route, params, "pages.json", counter.step(kind))
    else:
        name = lambda n: f"posts-page-{n}.json"  # noqa: E731
        pages = fetch_pages(client, store, route, params, name, counter.step(kind), on_shrink)
        items = [p for page in pages for p in page]
    return {int(p["id"]): p for p in items if isinstance(p, dict) and "id" in p}


def _by_ids(
    client: RestClient, store: RawStore, kind: str, route: str, ids: list[int], counter: _Counter
) -> dict[int, Any]:
    """Posts the site lists that we have never seen and that modified_after did not return."""
    got: dict[int, Any] = {}
    per = client.http.options.per_page
    step, chunks = counter.step(f"{kind} by id"), math.ceil(len(ids) / per)
    for n in range(chunks):
        chunk = ids[n * per : (n + 1) * per]
        params: dict[str, str | int] = {"include": ",".join(map(str, chunk)), "per_page": per}
        items, _, _ = store.page(client, client.url(route, params), f"{kind}-include-{n + 1}.json")
        step(1, chunks)
        got.update({int(p["id"]): p for p in items if isinstance(p, dict) and "id" in p})
    return got


def _still_listed(
    client: RestClient, route: str, ids: list[int], step: Callable[[int, int], None]
) -> set[int]:
    """Which of `ids` the site still publishes (asked by id, so paging cannot hide one)."""
    found: set[int] = set()
    per = client.http.options.per_page
    chunks = math.ceil(len(ids) / per)
    for n in range(chunks):
        chunk = ",".join(map(str, ids[n * per : (n + 1) * per]))
        resp = client.get(route, {"include": chunk, "_fields": "id", "per_page": per})
        step(1, chunks)
        found |= {int(p["id"]) for p in resp.json() if isinstance(p, dict) and "id" in p}
    return found


def load_current(current: Path) -> dict[str, dict[int, Any]]:
    known: dict[str, dict[int, Any]] = {"posts": {}, "pages": {}, "media": {}}
    files = {
        "posts": sorted(current.glob("posts-page-*.json")),
        "pages": [current / "pages.json"],
        "media": [current / "media.json"],
    }
    for kind, paths in files.items():
        for path in paths:
            if path.exists():
                for item in json.loads(path.read_bytes()):
                    known[kind][int(item["id"])] = item
    return known


def _newest_first(items: Iterable[Any]) -> list[Any]:
    """WordPress's own order (date, newest first; ties by id), so current/ reads like a dump."""
    return sorted(
        items, key=lambda p: (str(p.get("date_gmt") or p.get("date") or ""), p["id"]), reverse=True
    )


def _dump(items: Any) -> bytes:
    # A lone surrogate (WordPress cut an emoji in half) stays the JSON escape it came as;
    # the import repairs and reports it.
    text = json.dumps(items, ensure_ascii=False, sort_keys=True)
    return text.encode("utf-8", "backslashreplace") + b"\n"


def locations(known: dict[str, dict[int, Any]], folder: str) -> dict[tuple[str, int], str]:
    """(kind, id) -> the JSON path of that post or page in the folder write_input writes."""
    where: dict[tuple[str, int], str] = {}
    for n, post in enumerate(_newest_first(known["posts"].values())):
        where["posts", post["id"]] = f"{folder}/posts-page-{n // CHUNK + 1}.json[{n % CHUNK}]"
    for n, page in enumerate(_newest_first(known["pages"].values())):
        where["pages", page["id"]] = f"{folder}/pages.json[{n}]"
    return where


def write_input(
    current: Path, known: dict[str, dict[int, Any]], side: dict[str, list[Any]], index: bytes
) -> None:
    """Write a folder the importer reads: posts in pages of 100, pages, media, side files."""
    current.mkdir(parents=True, exist_ok=True)
    posts = _newest_first(known["posts"].values())
    names = set()
    for n in range(max(1, math.ceil(len(posts) / CHUNK))):
        name = f"posts-page-{n + 1}.json"
        names.add(name)
        write_if_changed(current / name, _dump(posts[n * CHUNK : (n + 1) * CHUNK]))
    for stale in current.glob("posts-page-*.json"):
        if stale.name not in names:
            stale.unlink()
    write_if_changed(current / "pages.json", _dump(_newest_first(known["pages"].values())))
    write_if_changed(
        current / "media.json", _dump(sorted(known["media"].values(), key=lambda m: m["id"]))
    )
    for name, items in side.items():
        write_if_changed(current / f"{name}.json", _dump(items))
    write_if_changed(current / "index.json", index)
