"""`sitegen publish s3://...` against a real S3 server (SeaweedFS, which checks signatures)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from publish_support import (
    RecordingStore,
    copy_site,
    objects_of,
    run,
)

from sitegen.errors import SitegenError
from sitegen.publish.localsite import scan_site
from sitegen.publish.settings import IMMUTABLE, SHORT, PublishSettings
from sitegen.publish.store import StoreOptions, open_store
from sitegen.publish.sync import MANIFEST_KEY, PublishOptions, execute, prepare

pytestmark = pytest.mark.s3

RSS = "application/rss+xml; charset=utf-8"


def publish(endpoint: str, target: str, site: Path, *args: str) -> Any:
    return run("publish", "--source", site, target, "--endpoint-url", endpoint, *args)


def api_publish(store: Any, site: Path, **options: Any) -> Any:
    objects = scan_site(site, PublishSettings(), compress=False, feed_index_html=True)
    opts = PublishOptions(jobs=4, backoff=0.01, **options)
    return execute(store, prepare(store, objects, opts), objects, opts)


def test_first_publish_then_unchanged_then_one_edit_then_a_delete(
    tmp_path: Path, s3: tuple[str, str, Any]
) -> None:
    endpoint, bucket, client = s3
    site = copy_site(tmp_path / "public")
    target = f"s3://{bucket}/www"
    first = publish(endpoint, target, site)
    assert first.exit_code == 0, first.output
    assert "uploaded 15 (15 new)" in first.stdout  # 12 files + 3 feed index.html aliases
    stored = objects_of(client, bucket, "www/")
    assert stored.pop(MANIFEST_KEY)
    for key, body in stored.items():
        source = key.replace("/index.html", "/index.xml") if "feed" in key else key
        assert body == (site / source).read_bytes(), key

    head = client.head_object(Bucket=bucket, Key="www/feed/index.xml")
    assert head["ContentType"] == RSS and head["CacheControl"] == SHORT
    assert head["Metadata"]["sha256"] == hashlib.sha256(stored["feed/index.xml"]).hexdigest()
    alias = client.head_object(Bucket=bucket, Key="www/feed/index.html")
    assert alias["ContentType"] == RSS  # /feed/ answers RSS on S3 website hosting
    atom = client.head_object(Bucket=bucket, Key="www/feed/atom/index.html")
    assert atom["ContentType"] == "application/atom+xml; charset=utf-8"
    css = client.head_object(Bucket=bucket, Key="www/assets/style.3f2a9c1e.css")
    assert css["CacheControl"] == IMMUTABLE and css["ContentType"] == "text/css; charset=utf-8"
    png = client.head_object(Bucket=bucket, Key="www/wp-content/uploads/2025/11/tower.png")
    assert png["ContentType"] == "image/png"

    store = RecordingStore(open_store(target, StoreOptions(endpoint_url=endpoint)))
    result = api_publish(store, site)
    assert (store.puts, result.uploaded, result.plan.unchanged) == ([], 0, 15)
    again = publish(endpoint, target, site)
    assert again.stdout.strip() == (
        f"Nothing to upload: all 15 objects on s3://{bucket}/www/ are up to date."
    )

    (site / "category/telecom/index.html").write_text("<!DOCTYPE html><title>Telecom</title>\n")
    result = api_publish(store, site)
    assert store.puts == [MANIFEST_KEY, "category/telecom/index.html", MANIFEST_KEY]
    assert [(u.key, u.reason) for u in result.plan.uploads] == [
        ("category/telecom/index.html", "changed")
    ]
    assert objects_of(client, bucket, "www/category/telecom/")["index.html"].startswith(
        b"<!DOCTYPE html><title>Telecom</title>"
    )

    (site / "404.html").unlink()
    deleted = publish(endpoint, target, site, "-v")
    assert deleted.exit_code == 0, deleted.output
    assert deleted.stdout.splitlines()[0] == "deleted   404.html"
    assert "deleted 1; 14 unchanged" in deleted.stdout
    assert "404.html" not in objects_of(client, bucket, "www/")
    manifest = json.loads(objects_of(client, bucket, "www/")[MANIFEST_KEY])
    assert sorted(manifest["objects"]) == sorted(
        k for k in objects_of(client, bucket, "www/") if k != MANIFEST_KEY
    )


def test_interrupted_publish_resumed_finishes_the_job(
    tmp_path: Path, s3: tuple[str, str, Any]
) -> None:
    endpoint, bucket, client = s3
    site = copy_site(tmp_path / "public")
    target = f"s3://{bucket}"
    assert publish(endpoint, target, site).exit_code == 0
    # Same-size edits: a publisher trusting a stale manifest by size alone would miss them.
    for name in ("index.html", "robots.txt", "feed/atom/index.xml"):
        data = (site / name).read_bytes()
        (site / name).write_bytes(data.replace(b"Telecom", b"Telekom").replace(b"Allow", b"Alloe"))
    (site / "sitemap.xml").unlink()

    store = RecordingStore(open_store(target, StoreOptions(endpoint_url=endpoint)), fail_after=2)
    with pytest.raises(SitegenError, match=r"failed: .*injected failure.*nothing deleted"):
        api_publish(store, site)
    assert "sitemap.xml" in objects_of(client, bucket)  # no delete after a failed upload
    # The manifest was rewritten without the keys in flight before the first upload...
    assert store.puts[0] == MANIFEST_KEY and len(store.puts) == 2

    # ...so a resumed run asks those objects themselves and finishes the job.
    (site / "robots.txt").write_bytes((site / "robots.txt").read_bytes())
    resumed = publish(endpoint, target, site)
    assert resumed.exit_code == 0, resumed.output
    stored = objects_of(client, bucket)
    for name in ("index.html", "robots.txt", "feed/atom/index.xml"):
        assert stored[name] == (site / name).read_bytes()
    assert "sitemap.xml" not in stored
    assert "Nothing to upload" in publish(endpoint, target, site).stdout


def test_revert_after_an_interrupted_publish_is_not_lost(
    tmp_path: Path, s3: tuple[str, str, Any]
) -> None:
    endpoint, bucket, client = s3
    site = copy_site(tmp_path / "public")
    target = f"s3://{bucket}"
    assert publish(endpoint, target, site).exit_code == 0
    original = (site / "index.html").read_bytes()
    (site / "index.html").write_bytes(original.replace(b"Telecom", b"Telekom"))
    store = RecordingStore(open_store(target, StoreOptions(endpoint_url=endpoint)), fail_after=2)
    with pytest.raises(SitegenError):
        api_publish(store, site)
    assert objects_of(client, bucket)["index.html"] != original
    # The user reverts the edit: same bytes as the old manifest says. It must still be uploaded.
    (site / "index.html").write_bytes(original)
    assert publish(endpoint, target, site).exit_code == 0
    assert objects_of(client, bucket)["index.html"] == original


def test_dry_run_and_max_deletes_change_nothing(tmp_path: Path, s3: tuple[str, str, Any]) -> None:
    endpoint, bucket, client = s3
    site = copy_site(tmp_path / "public")
    target = f"s3://{bucket}/p"
    dry = publish(endpoint, target, site, "--dry-run")
    assert dry.exit_code == 0, dry.output
    lines = dry.stdout.splitlines()
    assert lines[0] == "new       assets/style.3f2a9c1e.css"
    assert lines[-2] == "new       sitemap.xml"
    assert lines[-1].startswith("Dry run: would upload 15 (15 new), delete 0")
    assert objects_of(client, bucket) == {}

    assert publish(endpoint, target, site).exit_code == 0
    before = objects_of(client, bucket)
    for path in site.rglob("*.html"):
        path.unlink()
    refused = publish(endpoint, target, site, "--max-deletes", "3")
    assert refused.exit_code == 1
    assert "refusing to delete 4 objects (more than --max-deletes 3)" in refused.stderr
    dry_refused = publish(endpoint, target, site, "--max-deletes", "3", "--dry-run")
    assert dry_refused.exit_code == 1 and "deleted   index.html" in dry_refused.stdout
    assert objects_of(client, bucket) == before


def test_metadata_change_and_gzip(tmp_path: Path, s3: tuple[str, str, Any]) -> None:
    endpoint, bucket, client = s3
    site = copy_site(tmp_path / "public")
    target = f"s3://{bucket}"
    assert publish(endpoint, target, site).exit_code == 0
    (tmp_path / "sitegen.toml").write_text(
        f'[publish]\nendpoint_url = "{endpoint}"\n'  # the endpoint can live in the config
        '[publish.cache_control]\n"wp-content/uploads/**" = "public, max-age=600"\n'
    )
    recached = run("publish", target, "-v", site=tmp_path)
    assert recached.exit_code == 0, recached.output
    assert recached.stdout.splitlines()[0] == "metadata  wp-content/uploads/2025/11/tower.png"
    assert "uploaded 1 (1 metadata)" in recached.stdout
    png = client.head_object(Bucket=bucket, Key="wp-content/uploads/2025/11/tower.png")
    assert png["CacheControl"] == "public, max-age=600"

    zipped = publish(endpoint, target, site, "--gzip")
    assert zipped.exit_code == 0, zipped.output
    got = client.get_object(Bucket=bucket, Key="feed/index.xml")
    assert got["ContentEncoding"] == "gzip" and got["ContentType"] == RSS
    assert gzip.decompress(got["Body"].read()) == (site / "feed/index.xml").read_bytes()
    assert "ContentEncoding" not in client.head_object(
        Bucket=bucket, Key="wp-content/uploads/2025/11/tower.png"
    )
    assert "Nothing to upload" in publish(endpoint, target, site, "--gzip").stdout


def test_wrong_credentials_missing_bucket_unreachable_endpoint(
    tmp_path: Path, s3: tuple[str, str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint, bucket, client = s3
    site = copy_site(tmp_path / "public")
    assert publish(endpoint, f"s3://{bucket}", site).exit_code == 0
    before = objects_of(client, bucket)
    (site / "index.html").unlink()

    missing = publish(endpoint, f"s3://{bucket}-missing/x", site)
    assert missing.exit_code == 1
    assert f"s3://{bucket}-missing/x/: error: bucket '{bucket}-missing' does not exist" in (
        missing.stderr
    )

    unreachable = publish("http://127.0.0.1:9", f"s3://{bucket}", site)
    assert unreachable.exit_code == 1 and "cannot reach the endpoint" in unreachable.stderr

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    wrong = publish(endpoint, f"s3://{bucket}", site)
    assert wrong.exit_code == 1
    assert "error: access denied (SignatureDoesNotMatch)" in wrong.stderr
    assert "hint: check the credentials" in wrong.stderr
    monkeypatch.undo()
    assert objects_of(client, bucket) == before  # nothing deleted, nothing written
