"""StagedDirSink: only changed files are staged and moved in; the rest stays untouched."""

from __future__ import annotations

from pathlib import Path

from sitegen.build.output import StagedDirSink


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_commit_moves_changed_files_in_and_prunes_the_rest(tmp_path: Path) -> None:
    live = tmp_path / "public"
    for rel, text in {
        "keep.html": "same",
        "edit.html": "old",
        "old/x.html": "gone",
        "a/index.html": "dir",
    }.items():
        (live / rel).parent.mkdir(parents=True, exist_ok=True)
        (live / rel).write_text(text)
    kept = (live / "keep.html").stat()
    sink = StagedDirSink(live)
    assert sink.write("keep.html", b"same") is False
    assert sink.write("edit.html", b"new") is True
    assert sink.write("new/deep/a.html", b"fresh") is True
    assert sink.write("a", b"a folder became a file") is True
    staged = sink.staged()
    assert list(staged) == ["a", "edit.html", "keep.html", "new/deep/a.html"]
    assert staged["edit.html"] == b"new" and staged["keep.html"] == b"same"
    assert files(live)["edit.html"] == b"old"  # nothing is live before commit
    sink.commit()
    assert files(live) == {
        "a": b"a folder became a file", "edit.html": b"new", "keep.html": b"same",
        "new/deep/a.html": b"fresh",
    }  # fmt: skip
    assert not (live / "old").exists()
    after = (live / "keep.html").stat()
    assert (after.st_ino, after.st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)
    assert not list(tmp_path.glob(".public.*"))


def test_abort_leaves_live_as_it_was(tmp_path: Path) -> None:
    live = tmp_path / "public"
    live.mkdir()
    (live / "index.html").write_text("before")
    sink = StagedDirSink(live)
    sink.write("index.html", b"after")
    sink.write("other.html", b"new")
    sink.abort()
    assert files(live) == {"index.html": b"before"}
    assert not list(tmp_path.glob(".public.*"))


def test_first_build_creates_the_output_folder(tmp_path: Path) -> None:
    live = tmp_path / "out" / "public"
    sink = StagedDirSink(live)
    sink.write("index.html", b"home")
    sink.commit()
    assert files(live) == {"index.html": b"home"}
