"""Incremental sync logic against a small scripted WordPress on 127.0.0.1, and gone posts.

The real WordPress is exercised in test_sync_wordpress.py; this fake lets us provoke what is hard
to make happen there on demand (a scheduled post going live with an old `modified`, an interrupted
run) and check exactly which requests were sent.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from fetch_server import FakeWordPress, serve

from sitegen.errors import Problems, SitegenError
from sitegen.wp.fetch import FetchError, FetchOptions
from sitegen.wp.gone import forget_gone, load_gone, remove_gone
from sitegen.wp.manifest import Manifest, ManifestEntry, save_manifest, sha256
from sitegen.wp.pull import CURRENT_DIR, RAW_DIR, PullOptions, SyncState, fetch_site, finish


def options() -> PullOptions:
    return PullOptions(fetch=FetchOptions(per_page=2, retries=0, jobs=2))


def queries(seen: list[Any]) -> list[str]:
    return [urllib.parse.unquote(s.path) for s in seen if "wp/v2/posts" in s.path]


def current_ids(site: Path) -> list[int]:
    ids = []
    for f in sorted((site / CURRENT_DIR).glob("posts-page-*.json")):
        ids += [p["id"] for p in json.loads(f.read_bytes())]
    return ids


def test_full_then_incremental_then_gone(tmp_path: Path) -> None:
    wp = FakeWordPress(
        {1: "2024-01-01T00:00:00", 2: "2024-01-02T00:00:00", 3: "2024-01-03T00:00:00"}
    )
    with serve(wp) as (base, seen):
        first, state = fetch_site(tmp_path, base, options())
        finish(tmp_path, state, first)
        assert not first.incremental and first.changed["posts"] == [1, 2, 3]
        assert current_ids(tmp_path) == [3, 2, 1]
        assert SyncState.load(tmp_path).watermark == "2026-11-28T10:00:00Z"

        # Post 2 edited, post 1 deleted, post 4 new, post 5 published with an old `modified`
        # (a scheduled post: WordPress does not touch `modified` when it goes live).
        wp.posts.update(
            {2: "2026-11-28T10:05:00", 4: "2026-11-28T10:06:00", 5: "2023-05-05T00:00:00"}
        )
        del wp.posts[1]
        wp.date = "Sat, 28 Nov 2026 11:00:00 GMT"
        seen.clear()
        second, state = fetch_site(tmp_path, base, options())
        finish(tmp_path, state, second)
    assert second.incremental
    assert second.since == "2026-11-28T09:50:00Z"  # the last sync's start minus 10 minutes
    assert second.changed["posts"] == [2, 4, 5]
    assert second.gone == {1: "posts"}
    assert current_ids(tmp_path) == [5, 4, 3, 2]
    sent = queries(seen)
    assert any("modified_after=2026-11-28T09:50:00Z" in q for q in sent)
    assert any("include=5" in q for q in sent)
    # Only the changed posts were asked for in full: 2 and 4 (one page of 2) and 5.
    assert sum("_fields=id" not in q for q in sent) == 2
    raw = sorted(p.name for p in (tmp_path / RAW_DIR).iterdir())
    assert len(raw) == 2 and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}Z(-2)?", n) for n in raw)
    second_raw = tmp_path / RAW_DIR / raw[1]
    assert json.loads((second_raw / "posts-page-1.json").read_bytes())[0]["id"] == 4
    assert "\tposts-include-1.json" in (second_raw / "headers.txt").read_text()


def test_an_interrupted_run_resumes_with_what_it_already_has(tmp_path: Path) -> None:
    wp = FakeWordPress({i: f"2024-01-{i:02d}T00:00:00" for i in range(1, 8)})
    with serve(wp) as (base, seen):
        wp.fail_on = "page=3"  # posts 1..7 in pages of 2: page 3 fails
        with pytest.raises(FetchError, match="HTTP 500"):
            fetch_site(tmp_path, base, options())
        assert SyncState.load(tmp_path).pending
        wp.fail_on = ""
        before = queries(seen)
        seen.clear()
        result, state = fetch_site(tmp_path, base, options())
        finish(tmp_path, state, result)
    again = queries(seen)
    assert not [q for q in again if q in before and "page=3" not in q and "page=4" not in q]
    assert sorted(result.changed["posts"]) == list(range(1, 8))
    assert len(list((tmp_path / RAW_DIR).iterdir())) == 1
    assert SyncState.load(tmp_path).pending == ""


def test_posts_deleted_while_paging_are_a_warning_not_a_failure(tmp_path: Path) -> None:
    wp = FakeWordPress({i: f"2024-01-{i:02d}T00:00:00" for i in range(1, 6)})
    with serve(wp) as (base, _):
        first, state = fetch_site(tmp_path, base, options())
        finish(tmp_path, state, first)
        watermark = SyncState.load(tmp_path).watermark
        # Paging now misses post 2 (as if it slid to an earlier page), and the last page of the
        # id list is "past the end". Nothing may be deleted on that evidence.
        wp.unlisted = {2}
        wp.past_end_on = "_fields=id&per_page=2&page=3"
        wp.date = "Sat, 28 Nov 2026 11:00:00 GMT"
        second, state = fetch_site(tmp_path, base, options())
        finish(tmp_path, state, second)
    assert second.gone == {}
    assert current_ids(tmp_path) == [5, 4, 3, 2, 1]
    assert "deleted posts while we read it (posts)" in second.problems.render()
    assert SyncState.load(tmp_path).watermark == watermark  # the same window is asked again


def test_refuses_to_mix_two_sites(tmp_path: Path) -> None:
    SyncState(site="http://one.example/").save(tmp_path)
    with pytest.raises(SitegenError, match=re.escape("mirrored from http://one.example/")):
        fetch_site(tmp_path, "http://two.example", options())


def write_post(site: Path, wp_id: int, rel: str, path: str, text: str) -> ManifestEntry:
    file = site / "content" / rel
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)
    return ManifestEntry(rel, sha256(text.encode()), path, "2024-01-01T00:00:00")


def test_gone_posts_leave_unless_edited_by_hand(tmp_path: Path) -> None:
    a = write_post(tmp_path, 1, "posts/2024/01/a.md", "2024/01/01/a/", "---\ntitle: A\n---\n")
    b = write_post(tmp_path, 2, "posts/2024/01/b.md", "2024/01/02/b/", "---\ntitle: B\n---\n")
    c = write_post(tmp_path, 3, "posts/2024/01/c.md", "2024/01/03/c/", "---\ntitle: C\n---\n")
    save_manifest(tmp_path / "content", Manifest({1: a, 2: b, 3: c}))
    (tmp_path / "content" / b.file).write_text("---\ntitle: B, edited by hand\n---\n")
    problems = Problems()
    removals = remove_gone(tmp_path, {1: "posts", 2: "posts"}, date(2026, 11, 28), problems)
    assert [(r.wp_id, r.removed) for r in removals] == [(1, True), (2, False)]
    assert not (tmp_path / "content" / a.file).exists()
    assert (tmp_path / "content" / b.file).exists() and (tmp_path / "content" / c.file).exists()
    assert "content/posts/2024/01/b.md: warning: post 2 is no longer published" in problems.render()
    gone_text = (tmp_path / "content" / "_gone.yaml").read_text()
    assert yaml.safe_load(gone_text) == [
        {"path": "2024/01/01/a/", "wp_id": 1, "removed": date(2026, 11, 28)}
    ]
    manifest = json.loads((tmp_path / "content" / ".import" / "manifest.json").read_text())
    assert sorted(manifest["entries"]) == ["2", "3"]
    # A post published again leaves _gone.yaml.
    forget_gone(tmp_path, [1])
    assert load_gone(tmp_path) == []


def test_stamp_names_are_utc(tmp_path: Path) -> None:
    from sitegen.wp.pull import stamp

    assert stamp(datetime(2026, 11, 28, 10, 15, tzinfo=UTC)) == "2026-11-28T101500Z"
