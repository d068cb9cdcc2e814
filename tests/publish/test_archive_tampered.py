"""`archive restore` of a snapshot altered after it was made: a clean error naming each bad
entry (never a traceback), the good files restored, nothing written outside the folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from builtsite import built_folder
from cli_support import sitegen
from testdata import FIXTURE_SITE

HOME = (built_folder(FIXTURE_SITE) / "index.html").as_posix()  # the snapshot is public/ as it is


@pytest.fixture()
def archive(tmp_path: Path) -> tuple[Path, Path]:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    assert sitegen(site, "build").exit_code == 0
    target = tmp_path / "archive"
    assert sitegen(site, "archive", target, "--name", "snap").exit_code == 0
    return site, target


def tamper(target: Path, *entries: dict[str, object]) -> None:
    path = target / "snapshots" / "snap.json"
    doc = json.loads(path.read_text())
    doc["files"] += list(entries)
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize(
    "bad", ["a\x00b.html", "../evil.html", "/tmp/evil.html", "a/../../evil.html", "a//b", ""]
)
def test_a_bad_path_is_named_and_skipped(
    archive: tuple[Path, Path], tmp_path: Path, bad: str
) -> None:
    site, target = archive
    sha = json.loads((target / "snapshots" / "snap.json").read_text())["files"][0]["sha256"]
    tamper(target, {"path": bad, "sha256": sha, "size": 1})
    dest = tmp_path / "restored" / "here"
    result = sitegen(site, "archive", "restore", target, "snap", dest)
    assert result.exit_code == 1
    assert f"unsafe path {bad!r} in the snapshot" in result.output
    assert (dest / HOME).is_file()  # the rest is restored
    assert not (tmp_path / "restored" / "evil.html").exists()
    assert not Path("/tmp/evil.html").exists()


def test_a_bad_hash_is_a_clean_error(archive: tuple[Path, Path], tmp_path: Path) -> None:
    site, target = archive
    tamper(target, {"path": "x.html", "sha256": "../../../etc/passwd", "size": 1})
    result = sitegen(site, "archive", "restore", target, "snap", tmp_path / "dest")
    assert result.exit_code == 1
    assert "bad sha256 '../../../etc/passwd' of 'x.html'" in result.output


def test_a_file_and_a_folder_of_one_name_is_a_clean_error(
    archive: tuple[Path, Path], tmp_path: Path
) -> None:
    site, target = archive
    sha = json.loads((target / "snapshots" / "snap.json").read_text())["files"][0]["sha256"]
    tamper(target, {"path": f"{HOME}/inner", "sha256": sha, "size": 1})
    result = sitegen(site, "archive", "restore", target, "snap", tmp_path / "dest")
    assert result.exit_code == 1
    assert "index.html: error: not restored" in result.output  # one of the two, named
