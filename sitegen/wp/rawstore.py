"""Raw REST answers on disk, and paging through collections (resumable, in parallel).

The dated folder under `content/.import/raw/` is both the record of what the site sent and, for a
full sync, exactly the input the offline `sitegen import DIR` reads.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.fsutil import atomic_write
from sitegen.wp.fetch import PAST_THE_END, FetchError, RestClient, check

Progress = Callable[[int, int], None]  # (requests just done, requests this collection needs)


@dataclass
class RawStore:
    """The dated folder that keeps every JSON answer as received, and makes a run resumable.

    `headers.txt` logs one line per saved file (URL, status, X-WP-Total, X-WP-TotalPages, file),
    like the corpus dumps. A file whose logged URL is the one we are about to request is read
    back instead of fetched again, so an interrupted run picks up where it stopped.
    """

    path: Path
    _log: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # file -> url, totals
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        log = self.path / "headers.txt"
        if log.exists():
            for line in log.read_text(encoding="utf-8").splitlines()[1:]:
                cols = line.split("\t")
                if len(cols) == 5 and (self.path / cols[4]).exists():
                    self._log[cols[4]] = (cols[0], _int(cols[2]), _int(cols[3]))

    def page(self, client: RestClient, url: str, name: str) -> tuple[list[Any], int, int]:
        """(items, X-WP-Total, X-WP-TotalPages) of one collection page, saved as `name`."""
        with self._lock:
            logged = self._log.get(name)
        if logged and logged[0] == url:
            body = (self.path / name).read_bytes()
            return _items(json.loads(body), name), logged[1], logged[2]
        resp = check(client.http.get(url))
        items = _items(resp.json(), url)
        total, pages = _int(resp.header("X-WP-Total")), _int(resp.header("X-WP-TotalPages"))
        self.save(name, url, resp.body, total, pages)
        return items, total, pages

    def save(self, name: str, url: str, body: bytes, total: int = 0, pages: int = 0) -> None:
        atomic_write(self.path / name, body)
        with self._lock:
            self._log[name] = (url, total, pages)
            rows = [f"{u}\t200\t{t}\t{p}\t{n}" for n, (u, t, p) in sorted(self._log.items())]
            text = "# URL\tstatus\tX-WP-Total\tX-WP-TotalPages\tfile\n" + "\n".join(rows) + "\n"
            atomic_write(self.path / "headers.txt", text.encode("utf-8"))

    def has(self, name: str, url: str) -> bool:
        with self._lock:
            logged = self._log.get(name)
        return bool(logged) and logged is not None and logged[0] == url


def _int(value: str) -> int:
    return int(value) if value.strip().isdigit() else 0


def _items(data: Any, where: str) -> list[Any]:
    if not isinstance(data, list):
        raise FetchError(
            "expected a JSON array of items",
            where,
            "the site answered with something else than a REST collection",
        )
    return data


def fetch_pages(
    client: RestClient,
    store: RawStore,
    route: str,
    params: Mapping[str, str | int],
    name: Callable[[int], str],
    progress: Progress | None = None,
    on_shrink: Callable[[int], None] | None = None,
) -> list[list[Any]]:
    """Every page of a collection: page 1 first (to learn X-WP-TotalPages), the rest in parallel.

    Each page is saved under `name(n)`. Returns the items page by page, in page order. A page
    past the end (the collection shrank meanwhile) calls `on_shrink(n)` if given, else raises.
    """
    query = {**params, "per_page": client.http.options.per_page}

    first, _, total_pages = store.page(client, client.url(route, {**query, "page": 1}), name(1))
    if progress:
        progress(1, total_pages)

    def one(n: int) -> list[Any]:
        try:
            items, _, _ = store.page(client, client.url(route, {**query, "page": n}), name(n))
        except FetchError as err:
            # Posts were deleted while we paged: the last pages no longer exist. What moved to
            # earlier pages is caught by the caller's id reconciliation.
            if err.code != PAST_THE_END or on_shrink is None:
                raise
            on_shrink(n)
            items = []
        if progress:
            progress(1, total_pages)
        return items

    if total_pages <= 1:
        return [first]
    jobs = max(1, client.http.options.jobs)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        rest = list(pool.map(one, range(2, total_pages + 1)))
    return [first, *rest]


def fetch_merged(
    client: RestClient,
    store: RawStore,
    route: str,
    params: Mapping[str, str | int],
    name: str,
    progress: Progress | None = None,
    drop: frozenset[str] = frozenset(),
) -> list[Any]:
    """A whole collection saved as ONE file `name` (a raw body, or the pages' items merged).
    `drop`: keys taken out of every item before anything is saved (what must never be kept,
    such as a commenter's e-mail address, should an authenticated site send it)."""
    query = {**params, "per_page": client.http.options.per_page}
    key = client.url(route, {**query, "page": 1})
    if store.has(name, key):
        return _items(json.loads((store.path / name).read_bytes()), name)
    bodies: dict[int, bytes] = {}

    def one(n: int) -> tuple[list[Any], int, int]:
        resp = check(client.http.get(client.url(route, {**query, "page": n})))
        bodies[n] = resp.body
        pages = _int(resp.header("X-WP-TotalPages"))
        if progress:
            progress(1, pages)
        return (
            _items(resp.json(), resp.url),
            _int(resp.header("X-WP-Total")),
            pages,
        )

    items, total, pages = one(1)
    if pages > 1:
        with ThreadPoolExecutor(max_workers=max(1, client.http.options.jobs)) as pool:
            for more, _, _ in pool.map(one, range(2, pages + 1)):
                items.extend(more)
    if drop:
        items = [
            {k: v for k, v in i.items() if k not in drop} if isinstance(i, dict) else i
            for i in items
        ]
    # backslashreplace: a lone surrogate stays the JSON escape it came as (see sync._dump).
    merged = json.dumps(items, ensure_ascii=False).encode("utf-8", "backslashreplace")
    body = bodies[1] if pages <= 1 and not drop else merged
    store.save(name, key, body, total, pages)
    return items
