"""safepath.files_inside: a walk that never leaves its folder."""

from __future__ import annotations

import os
from pathlib import Path

from sitegen.safepath import UnsafePath, files_inside, inside


def test_files_inside_skips_links_and_bad_names(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "a" / "b").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret").write_text("no")
    for rel in ("z.html", "a/index.html", "a/b/c.css", "a/b/ok name.txt"):
        (root / rel).write_text(rel)
    os.symlink(outside / "secret", root / "file-link")
    os.symlink(outside, root / "a" / "dir-link")
    os.symlink(root / "z.html", root / "inner-link")  # even inside: a link is not a file
    (root / "bad\x01name").write_text("control character")
    (root / "ctl\x02dir").mkdir()
    (root / "ctl\x02dir" / "hidden.html").write_text("never reached")
    os.mkfifo(root / "a" / "pipe")
    refused: list[tuple[str, str]] = []
    found = files_inside(root, lambda rel, why: refused.append((rel, str(why))))
    assert [rel for rel, _ in found] == ["a/b/c.css", "a/b/ok name.txt", "a/index.html", "z.html"]
    assert all(path == root / rel for rel, path in found)
    assert sorted(rel for rel, _ in refused) == [
        "a/dir-link", "bad\x01name", "ctl\x02dir", "file-link", "inner-link",
    ]  # fmt: skip
    assert dict(refused)["file-link"] == "'file-link' is a symbolic link"
    # The same verdicts as inside(), file by file.
    for rel, _ in found:
        inside(root, rel)
    for rel, _ in refused:
        try:
            inside(root, rel)
        except UnsafePath:
            continue
        raise AssertionError(f"inside() accepts {rel!r}")


def test_files_inside_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert files_inside(tmp_path / "missing", lambda rel, why: None) == []
