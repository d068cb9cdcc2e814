"""`sitegen archive`: content-addressed snapshots, listing, verified restore; folder and S3."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from publish_support import (
    copy_site,
    drop_bucket,
    new_bucket,
    objects_of,
    run,
    s3_client,
    s3_endpoint,
)

from sitegen.publish.store import AlreadyExistsError, ObjectMeta, StoreOptions, open_store


@dataclass
class Target:
    url: str
    args: tuple[str, ...]
    keys: Callable[[], dict[str, bytes]]  # every stored key -> bytes
    overwrite: Callable[[str, bytes], None]  # damage an object behind sitegen's back


def folder_target(root: Path) -> Target:
    def keys() -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    def overwrite(key: str, data: bytes) -> None:
        (root / key).write_bytes(data)

    return Target(str(root), (), keys, overwrite)


def s3_target(endpoint: str, bucket: str) -> Target:
    client = s3_client(endpoint)

    def overwrite(key: str, data: bytes) -> None:
        client.put_object(Bucket=bucket, Key=f"archive/{key}", Body=data)

    return Target(
        f"s3://{bucket}/archive",
        ("--endpoint-url", endpoint),
        lambda: objects_of(client, bucket, "archive/"),
        overwrite,
    )


@pytest.fixture(params=["folder", pytest.param("s3", marks=pytest.mark.s3)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    if request.param == "folder":
        yield folder_target(tmp_path / "archive")
        return
    endpoint = s3_endpoint()
    bucket = new_bucket(endpoint)
    yield s3_target(endpoint, bucket)
    drop_bucket(endpoint, bucket)


def archive(target: Target, site: Path, *args: str) -> Result:
    return run("archive", "--source", site, target.url, *target.args, *args)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_archive_twice_stores_only_what_changed_and_restores_verified(
    tmp_path: Path, target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = copy_site(tmp_path / "public")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795860900")  # 2026-11-28 10:15:00 UTC
    first = run("archive", "--source", site, target.url, *target.args)
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("Snapshot 2026-11-28T101500Z: 12 files (")
    assert "stored 12 new objects" in first.stdout and "0 already archived" in first.stdout
    stored = target.keys()
    objects = {k: v for k, v in stored.items() if k.startswith("objects/")}
    assert len(objects) == 12
    for key, body in objects.items():
        assert key == f"objects/sha256/{sha(body)[:2]}/{sha(body)}"  # content-addressed

    (site / "index.html").write_text("<!DOCTYPE html><title>Telecom Live, later</title>\n")
    second = run("archive", "--source", site, target.url, *target.args, "--name", "after-edit")
    assert second.exit_code == 0, second.output
    assert "stored 1 new objects" in second.stdout and "11 already archived" in second.stdout
    after = target.keys()
    assert set(after) - set(stored) == {
        f"objects/sha256/{sha((site / 'index.html').read_bytes())[:2]}/"
        f"{sha((site / 'index.html').read_bytes())}",
        "snapshots/after-edit.json",
    }
    assert all(after[k] == v for k, v in stored.items())  # nothing rewritten

    listed = run("archive", "list", target.url, *target.args)
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [
        "2026-11-28T101500Z",
        "after-edit",
    ]
    assert "12 files" in listed.stdout

    restored = run(
        "archive", "restore", target.url, "2026-11-28T101500Z", tmp_path / "old", *target.args
    )
    assert restored.exit_code == 0, restored.output
    assert "12 files" in restored.stdout and "every sha256 verified" in restored.stdout
    original = copy_site(tmp_path / "original")
    assert tree(tmp_path / "old") == tree(original)
    newer = run("archive", "restore", target.url, "after-edit", tmp_path / "new", *target.args)
    assert newer.exit_code == 0 and tree(tmp_path / "new") == tree(site)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_restore_detects_a_corrupted_object(tmp_path: Path, target: Target) -> None:
    site = copy_site(tmp_path / "public")
    assert archive(target, site, "--name", "s1").exit_code == 0
    feed = sha((site / "feed/index.xml").read_bytes())
    target.overwrite(f"objects/sha256/{feed[:2]}/{feed}", b"<rss>tampered</rss>")
    result = run("archive", "restore", target.url, "s1", tmp_path / "out", *target.args)
    assert result.exit_code == 1
    assert (
        f"[1] feed/index.xml: error: object objects/sha256/{feed[:2]}/{feed} is corrupt "
        f"(its sha256 is {sha(b'<rss>tampered</rss>')})"
    ) in result.stderr
    assert "Restored 11 files; 1 failed verification." in result.stderr
    assert not (tmp_path / "out/feed/index.xml").exists()  # a corrupt file is never written
    assert (tmp_path / "out/index.html").read_bytes() == (site / "index.html").read_bytes()


def test_snapshots_are_never_overwritten(tmp_path: Path, target: Target) -> None:
    site = copy_site(tmp_path / "public")
    assert archive(target, site, "--name", "keep").exit_code == 0
    before = target.keys()["snapshots/keep.json"]
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    again = run("archive", "--source", site, target.url, *target.args, "--name", "keep")
    assert again.exit_code == 1
    assert "snapshot 'keep' already exists; snapshots are never overwritten" in again.stderr
    assert target.keys()["snapshots/keep.json"] == before
    # Below the check-first: the store's conditional write itself refuses (If-None-Match: *).
    store = open_store(
        target.url,
        StoreOptions(
            endpoint_url=dict(zip(target.args[::2], target.args[1::2], strict=True)).get(
                "--endpoint-url"
            )
        ),
    )
    with pytest.raises(AlreadyExistsError):
        store.put("snapshots/keep.json", b"{}", ObjectMeta(), if_absent=True)
    assert target.keys()["snapshots/keep.json"] == before


def test_snapshot_manifest_records_source_commit_and_posts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_dir = tmp_path / "site"
    copy_site(site_dir / "public")
    posts = site_dir / "content/posts/2025/11"
    posts.mkdir(parents=True)
    for i, (kind, status) in enumerate(
        [("post", "publish"), ("post", "draft"), ("page", "publish"), ("post", "publish")]
    ):
        (posts / f"p{i}.md").write_text(
            f"---\ntitle: P{i}\ntype: {kind}\nstatus: {status}\ndate: 2025-11-02T10:00:00+05:30\n"
            f"path: 2025/11/02/p{i}/\n---\n\nBody.\n"
        )
    (posts / "broken.md").write_text("no front matter\n")
    git = ["git", "-C", str(site_dir), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "content"], check=True)
    subprocess.run([*git, "commit", "-qm", "content"], check=True)
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795860900")
    result = run("archive", tmp_path / "archive", site=site_dir)
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "archive/snapshots/2026-11-28T101500Z.json").read_text())
    assert doc["created"] == "2026-11-28T10:15:00Z" and doc["posts"] == 2
    assert doc["source"] == {"dir": "public", "git_commit": commit, "git_dirty": True}
    assert doc["file_count"] == 12 == len(doc["files"])
    feed = next(f for f in doc["files"] if f["path"] == "feed/index.xml")
    assert feed["content_type"] == "application/rss+xml; charset=utf-8"
    assert feed["size"] == (site_dir / "public/feed/index.xml").stat().st_size
    listed = run("archive", "list", tmp_path / "archive")
    assert listed.stdout.strip() == (
        f"2026-11-28T101500Z  2026-11-28T10:15:00Z  12 files, 29.5 KiB, 2 posts, git {commit[:12]}"
    )


def test_restore_refuses_bad_requests(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "public")
    arch = tmp_path / "archive"
    assert run("archive", "--source", site, arch, "--name", "s1").exit_code == 0
    missing = run("archive", "restore", arch, "nope", tmp_path / "out")
    assert missing.exit_code == 1 and "no snapshot named 'nope'" in missing.stderr
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy/x").write_text("x")
    busy = run("archive", "restore", arch, "s1", tmp_path / "busy")
    assert busy.exit_code == 1 and "restore needs an empty or new folder" in busy.stderr
    doc = json.loads((arch / "snapshots/s1.json").read_text())
    doc["files"][0]["path"] = "../escape.html"
    (arch / "snapshots/evil.json").write_text(json.dumps(doc))
    evil = run("archive", "restore", arch, "evil", tmp_path / "out")
    assert evil.exit_code == 1 and "unsafe path '../escape.html'" in evil.stderr
    assert not (tmp_path / "escape.html").exists()
    bad_name = run("archive", "--source", site, arch, "--name", "../x")
    assert bad_name.exit_code == 1 and "bad snapshot name '../x'" in bad_name.stderr
    (tmp_path / "empty").mkdir()  # a folder that does not exist is an error (test_cli_errors)
    assert "No snapshots in" in run("archive", "list", tmp_path / "empty").stdout
