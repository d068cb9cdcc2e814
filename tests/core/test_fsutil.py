"""walk_files lists what os.walk lists, which is what its callers (the commit's prune, the no-op
path, content discovery) were written against."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.fsutil import walk_files


def _os_walk(root: Path) -> set[tuple[str, str]]:
    top = os.fspath(root)
    return {
        (os.path.join(folder, name), os.path.relpath(os.path.join(folder, name), top))
        for folder, _dirs, files in os.walk(top)
        for name in files
    }


def test_links_are_listed_as_os_walk_lists_them(tmp_path: Path) -> None:
    root = tmp_path / "out"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "index.html").write_text("x")
    (root / "top.xml").write_text("x")
    (root / "empty").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("x")
    (root / "to-folder").symlink_to(outside)  # not followed, not a file
    (root / "a" / "to-file").symlink_to(root / "top.xml")  # a file
    (root / "a" / "dangling").symlink_to(tmp_path / "nowhere")  # a file that is not there
    listed = set(walk_files(root))
    assert listed == _os_walk(root)
    assert {rel for _, rel in listed} == {"a/b/index.html", "top.xml", "a/to-file", "a/dangling"}


def test_a_missing_root_lists_nothing(tmp_path: Path) -> None:
    assert list(walk_files(tmp_path / "absent")) == []


_NAMES = st.sampled_from(["a", "b", "index.html", "feed", "x.xml", "é", "sp ace"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(_NAMES, min_size=1, max_size=4), max_size=12))
def test_any_tree_is_listed_as_os_walk_lists_it(tmp_path_factory, paths: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("tree")
    for parts in paths:
        target = root.joinpath(*parts)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.write_text("x")
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            continue  # a file where a folder is wanted, or the reverse: the tree is what it is
    assert set(walk_files(root)) == _os_walk(root)
