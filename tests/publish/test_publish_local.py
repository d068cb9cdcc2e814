"""`sitegen publish FOLDER`: the local-directory target, end to end through the CLI."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from publish_support import copy_site, run
from testdata import ROOT

from sitegen.errors import SitegenError
from sitegen.publish.local import LocalStore
from sitegen.publish.localsite import LocalObject, scan_site
from sitegen.publish.settings import PublishSettings
from sitegen.publish.store import ObjectMeta, StoreError
from sitegen.publish.sync import PublishOptions, execute, prepare


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_publish_to_a_folder_mirrors_the_site_and_changes_only_what_changed(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "public")
    out = tmp_path / "www"
    first = run("publish", "--source", site, out)
    assert first.exit_code == 0, first.output
    assert tree(out) == tree(site)  # an exact copy: no feed aliases in a folder
    assert "uploaded 12 (12 new)" in first.stdout

    again = run("publish", "--source", site, out)
    assert again.exit_code == 0
    assert again.stdout.strip() == f"Nothing to upload: all 12 objects on {out}/ are up to date."

    (site / "index.html").write_text("<!DOCTYPE html><title>New home</title>\n")
    (site / "category/telecom/index.html").unlink()
    edited = run("publish", "--source", site, out, "-v")
    assert edited.exit_code == 0, edited.output
    assert edited.stdout.splitlines()[:2] == [
        "changed   index.html",
        "deleted   category/telecom/index.html",
    ]
    assert "uploaded 1 (1 changed)" in edited.stdout and "deleted 1; 10 unchanged" in edited.stdout
    assert tree(out) == tree(site)
    assert not (out / "category/telecom/index.html").exists()
    assert (out / "category/telecom/feed/index.xml").exists()


def test_dry_run_prints_reasons_and_changes_nothing(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "public")
    out = tmp_path / "www"
    run("publish", "--source", site, out)
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /wp-admin/\n")
    (site / "new.html").write_text("<!DOCTYPE html><title>new</title>\n")
    (out / "stale.html").write_text("old\n")
    before = tree(out)
    dry = run("publish", "--source", site, out, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines() == [
        "new       new.html",
        "changed   robots.txt",
        "deleted   stale.html",
        "Dry run: would upload 2 (1 new, 1 changed), delete 1, keep 11 unchanged. "
        "Nothing was changed.",
    ]
    assert tree(out) == before


def test_max_deletes_refuses_before_changing_anything(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "public")
    out = tmp_path / "www"
    run("publish", "--source", site, out)
    for name in ("404.html", "robots.txt", "sitemap.xml"):
        (site / name).unlink()
    (site / "index.html").write_text("<!DOCTYPE html><title>changed</title>\n")
    before = tree(out)
    refused = run("publish", "--source", site, out, "--max-deletes", "2")
    assert refused.exit_code == 1
    assert "refusing to delete 3 objects (more than --max-deletes 2)" in refused.stderr
    assert "hint: check --source and TARGET" in refused.stderr
    assert tree(out) == before  # not even the upload happened
    allowed = run("publish", "--source", site, out, "--max-deletes", "3")
    assert allowed.exit_code == 0 and tree(out) == tree(site)


def test_folder_target_errors(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "public")
    (tmp_path / "file").write_text("x")
    not_dir = run("publish", "--source", site, tmp_path / "file")
    assert not_dir.exit_code == 1 and "target exists and is not a folder" in not_dir.stderr
    gz = run("publish", "--source", site, tmp_path / "www", "--gzip")
    assert gz.exit_code == 1 and "--gzip needs a target that sends Content-Encoding" in gz.stderr
    (tmp_path / "empty-site").mkdir()
    missing = run("publish", tmp_path / "www", site=tmp_path / "empty-site")
    assert missing.exit_code == 1
    assert f"{tmp_path / 'empty-site/public'}: error: no built site here" in missing.stderr
    assert "hint: run `sitegen build` first, or pass --source DIR" in missing.stderr
    bad = run("publish", "--source", site, "gs://bucket/x")
    assert bad.exit_code == 1 and "unsupported target 'gs://bucket/x'" in bad.stderr


def test_target_and_source_from_sitegen_toml(tmp_path: Path) -> None:
    copy_site(tmp_path / "public")
    (tmp_path / "sitegen.toml").write_text('[publish]\ntarget = "mirror"\n')
    # A folder named in sitegen.toml is relative to the site, like public/ is.
    result = run("publish", site=tmp_path)
    assert result.exit_code == 0, result.output
    assert tree(tmp_path / "mirror") == tree(tmp_path / "public")
    (tmp_path / "sitegen.toml").write_text("")
    assert "no TARGET given" in run("publish", site=tmp_path).output
    # The build's output_dir is what gets published.
    (tmp_path / "public").rename(tmp_path / "dist")
    (tmp_path / "sitegen.toml").write_text('output_dir = "dist"\n[publish]\ntarget = "out"\n')
    result = run("publish", site=tmp_path)
    assert result.exit_code == 0, result.output
    assert tree(tmp_path / "out") == tree(tmp_path / "dist")
    assert run("archive", tmp_path / "arch", "--name", "a", site=tmp_path).exit_code == 0


class FlakyStore(LocalStore):
    """A real folder store whose first `put` of every key fails like a throttled request."""

    def __init__(self, root: Path, transient: bool) -> None:
        super().__init__(root)
        self.transient = transient
        self.attempts: Counter[str] = Counter()

    def put(self, key: str, body: bytes, meta: ObjectMeta, *, if_absent: bool = False) -> None:
        self.attempts[key] += 1
        if self.attempts[key] == 1:
            raise StoreError(
                "SlowDown: please reduce your request rate", key, transient=self.transient
            )
        super().put(key, body, meta, if_absent=if_absent)


def test_transient_failures_are_retried_per_object(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "public")
    objects = objects_of(site)
    options = PublishOptions(jobs=3, backoff=0.001)
    flaky = FlakyStore(tmp_path / "www", transient=True)
    result = execute(flaky, prepare(flaky, objects, options), objects, options)
    assert result.uploaded == 12 and set(flaky.attempts.values()) == {2}
    assert tree(tmp_path / "www") == tree(site)

    (site / "index.html").write_text("<!DOCTYPE html><title>x</title>\n")
    (site / "404.html").unlink()
    broken = FlakyStore(tmp_path / "www", transient=False)  # e.g. access denied: no retry
    with pytest.raises(SitegenError, match=r"upload of index.html failed: .*nothing deleted"):
        execute(broken, prepare(broken, objects_of(site), options), objects_of(site), options)
    assert broken.attempts == Counter({"index.html": 1})
    assert (tmp_path / "www/404.html").exists()


def objects_of(site: Path) -> list[LocalObject]:
    return scan_site(site, PublishSettings(), compress=False, feed_index_html=False)


def test_publish_never_deletes_archives_or_kept_files(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "public")
    out = tmp_path / "www"
    assert run("archive", "--source", site, out / "archive", "--name", "s1").exit_code == 0
    (out / "google1234.html").write_text("google-site-verification: google1234.html\n")
    (out / "stale.html").write_text("old page\n")
    (tmp_path / "sitegen.toml").write_text('[publish]\nkeep = ["google*.html"]\n')
    result = run("publish", out, "-v", site=tmp_path)
    assert result.exit_code == 0, result.output
    assert "deleted   stale.html" in result.stdout and "archive/" not in result.stdout
    assert (out / "google1234.html").exists() and (out / "archive/snapshots/s1.json").exists()
    assert not (out / "stale.html").exists()
    restored = run("archive", "restore", out / "archive", "s1", tmp_path / "back")
    assert restored.exit_code == 0 and tree(tmp_path / "back") == tree(site)

    (site / "archive").mkdir()
    (site / "archive/index.html").write_text("<!DOCTYPE html><title>Archives</title>\n")
    clash = run("publish", out, site=tmp_path)
    assert clash.exit_code == 1
    assert "the site has archive/index.html, inside a `sitegen archive` folder" in clash.stderr
    (site / "archive/index.html").unlink()

    # An archive at the very root of a target: publishing there would delete it, so refuse.
    refused = run("publish", "--source", site, out / "archive")
    assert refused.exit_code == 1
    assert "this target holds a `sitegen archive`" in refused.stderr
    assert (out / "archive/snapshots/s1.json").exists()


def test_every_command_has_help_and_a_readme_section() -> None:
    readme = (ROOT / "README.md").read_text()
    for args in (["publish"], ["archive"], ["archive", "list"], ["archive", "restore"]):
        shown = run(*args, "--help")
        assert shown.exit_code == 0 and "Usage:" in shown.stdout
        assert f"sitegen {' '.join(args)} " in readme, args


def test_s3_target_without_boto3_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # makes `import boto3` fail, as uninstalled
    monkeypatch.delitem(sys.modules, "sitegen.publish.s3", raising=False)
    result = run("publish", "--source", copy_site(tmp_path / "public"), "s3://bucket")
    assert result.exit_code == 1
    assert "error: publishing to S3 needs boto3" in result.stderr
    assert "hint: pip install 'sitegen[s3]'" in result.stderr
