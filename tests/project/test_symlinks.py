"""No command follows a symbolic link out of the site: build (static/), serve (in memory and
--dir), publish to a folder, archive. A link is skipped with a warning that names it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from builtsite import built_folder, built_root
from cli_support import sitegen
from kill_support import install_hook, run
from testdata import FIXTURE_SITE, ROOT

from sitegen.publish.local import LocalStore
from sitegen.publish.store import ObjectMeta, StoreError
from sitegen.serve import directory_builder, site_builder

SECRET = b"root:x:0:0:the secret behind the link\n"


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A folder outside every site, holding what no link may leak."""
    folder = tmp_path / "outside"
    (folder / "dir").mkdir(parents=True)
    (folder / "passwd").write_bytes(SECRET)
    (folder / "dir" / "shadow").write_bytes(SECRET)
    return folder


@pytest.fixture()
def site(tmp_path: Path, outside: Path) -> Path:
    """The fixture site with links out of it in static/."""
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    os.symlink(outside / "passwd", site / "static" / "host-link")
    os.symlink(outside / "dir", site / "static" / "dir-link")
    if Path("/etc/hostname").is_file():
        os.symlink("/etc/hostname", site / "static" / "etc-hostname")
    return site


def all_bytes(root: Path) -> list[bytes]:
    return [p.read_bytes() for p in root.rglob("*") if p.is_file()]


def test_build_does_not_copy_a_static_link(site: Path) -> None:
    result = sitegen(site, "build")
    assert result.exit_code == 0, result.output
    public = built_root(site)  # where static/ is copied to
    assert not (public / "host-link").exists() and not (public / "dir-link").exists()
    assert not (public / "etc-hostname").exists()
    assert SECRET not in all_bytes(public)
    assert "static/host-link: warning: not copied: 'host-link' is a symbolic link" in result.output
    assert "static/dir-link: warning: not copied" in result.output
    assert (public / "wp-content/uploads/2023/09/x-logo.png").is_file()  # real files still are


def test_build_does_not_copy_a_theme_static_link(site: Path, outside: Path) -> None:
    theme = site / "themes" / "mine"
    shutil.copytree(ROOT / "themes" / "default", theme)
    os.symlink(outside / "passwd", theme / "static" / "leak.css")
    toml = site / "sitegen.toml"
    toml.write_text('theme = "mine"\n' + toml.read_text())
    result = sitegen(site, "build")
    assert result.exit_code == 0, result.output
    assert not (built_root(site) / "assets" / "leak.css").exists()
    assert "themes/mine/static/leak.css: warning: not copied" in result.output


def test_serve_in_memory_does_not_serve_a_static_link(site: Path) -> None:
    outcome = site_builder(site, "http://127.0.0.1:8000/")(frozenset())
    assert outcome.files is not None
    assert outcome.files.read("host-link") is None
    assert outcome.files.read("etc-hostname") is None
    assert outcome.files.read("dir-link/shadow") is None
    assert any("host-link" in p.message for p in outcome.problems.warnings)


def test_serve_dir_does_not_serve_a_link_out_of_the_folder(tmp_path: Path, outside: Path) -> None:
    public = tmp_path / "public"
    public.mkdir()
    (public / "index.html").write_text("home")
    os.symlink(outside / "passwd", public / "host-link")
    os.symlink(outside / "dir", public / "dir-link")
    outcome = directory_builder(public)(frozenset())
    assert outcome.files is not None
    assert outcome.files.read("index.html") == b"home"
    assert outcome.files.read("host-link") is None
    assert outcome.files.read("dir-link/shadow") is None
    assert not outcome.files.is_dir("dir-link")


@pytest.fixture()
def built(site: Path, outside: Path) -> Path:
    """A built site whose public/ holds links out of it (put there by hand or by a tool)."""
    assert sitegen(site, "build").exit_code == 0
    public = site / "public"
    os.symlink(outside / "passwd", public / "passwd-link")
    os.symlink(outside / "dir", public / "dir-link")
    return site


def test_publish_to_a_folder_skips_links(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "www"
    result = sitegen(built, "publish", target)
    assert result.exit_code == 0, result.output
    assert not (target / "passwd-link").exists() and not (target / "dir-link").exists()
    assert SECRET not in all_bytes(target)
    assert "public/passwd-link: warning: not published: 'passwd-link' is a symbolic link" in (
        result.output
    )
    assert "public/dir-link: warning: not published" in result.output
    assert (target / built_folder(built) / "index.html").is_file()


def test_archive_skips_links(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "archive"
    result = sitegen(built, "archive", target, "--name", "one")
    assert result.exit_code == 0, result.output
    assert "public/passwd-link: warning: not published" in result.output
    manifest = json.loads((target / "snapshots" / "one.json").read_text())
    paths = {f["path"] for f in manifest["files"]}
    assert "passwd-link" not in paths and not any(p.startswith("dir-link") for p in paths)
    assert SECRET not in all_bytes(target)


def test_a_folder_target_never_writes_through_a_link(tmp_path: Path, outside: Path) -> None:
    target = tmp_path / "www"
    target.mkdir()
    os.symlink(outside / "dir", target / "sub")  # a folder of the target that leads out
    os.symlink(outside / "passwd", target / "page.html")  # a file of the target that does
    store = LocalStore(target)
    with pytest.raises(StoreError, match="symbolic link"):
        store.put("sub/x.html", b"new", ObjectMeta())
    assert sorted(p.name for p in (outside / "dir").iterdir()) == ["shadow"]
    assert store.head("page.html") == ObjectMeta()  # unknown: never read through the link
    store.put("page.html", b"the page", ObjectMeta())  # replaces the link, not its target
    assert (target / "page.html").read_bytes() == b"the page"
    assert not (target / "page.html").is_symlink()
    assert (outside / "passwd").read_bytes() == SECRET
    with pytest.raises(StoreError):
        store.get("sub/shadow")


# --- Temporary files a killed publish leaves in a folder target -------------------------------


def test_stale_temporaries_are_removed_and_never_listed(tmp_path: Path) -> None:
    target = tmp_path / "www"
    (target / "a").mkdir(parents=True)
    stale = [target / ".index.html.k2j4_x9q.tmp", target / "a" / ".x.html.new.tmp"]
    for path in stale:
        path.write_text("half")
    mine = [target / ".well-known.tmp", target / "a" / ".notes.tmp", target / "a" / "x.html"]
    for path in mine:
        path.write_text("a file of the site")
    store = LocalStore(target)
    assert [o.key for o in store.list()] == [".well-known.tmp", "a/.notes.tmp", "a/x.html"]
    store.check()
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in mine)  # only names of sitegen's own temporaries


def test_a_publish_killed_mid_write_is_cleaned_up_by_the_next(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    assert sitegen(site, "build").exit_code == 0
    target = tmp_path / "www"
    hook = install_hook(tmp_path / "hook")
    env = {"PYTHONPATH": str(hook), "KILL_MATCH": str(target), "KILL_AT": "5"}
    done = run(site, "publish", str(target), env=env)
    assert done.returncode == -9, done.stderr
    assert list(target.rglob("*.tmp")), "the kill should have left a temporary file"
    done = run(site, "publish", str(target))
    assert done.returncode == 0, done.stderr
    assert not list(target.rglob("*.tmp"))
    public = site / "public"
    want = {p.relative_to(public): p.read_bytes() for p in public.rglob("*") if p.is_file()}
    got = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert got == want
