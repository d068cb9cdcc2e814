"""A build's commit is all or nothing: a failure or a crash at any step of it leaves the output
exactly as the previous build made it (or, once the commit is done, as the new one)."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kill_support import install_hook, run
from testdata import FIXTURE_SITE

from sitegen import transaction
from sitegen.build.output import StagedDirSink

OLD = {
    "keep.html": b"same",
    "edit.html": b"old",
    "gone/x.html": b"gone",
    "gone/deep/y.html": b"gone too",
    "a/index.html": b"a folder that becomes a file",
    "b": b"a file that becomes a folder",
    "sub/keep.css": b"kept in a folder that loses a file",
    "sub/lost.css": b"lost",
}
NEW = {
    "keep.html": b"same",
    "edit.html": b"new",
    "new/deep/a.html": b"fresh",
    "a": b"now a file",
    "b/index.html": b"now a folder",
    "sub/keep.css": b"kept in a folder that loses a file",
    "zz.html": b"last",
}

Tree = tuple[dict[str, tuple[bytes, int, int]], set[str]]


def tree(root: Path) -> Tree:
    """Every file (bytes, mtime, inode) and every folder under `root`."""
    files, folders = {}, set()
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if path.is_dir():
            folders.add(rel)
        else:
            st = path.stat()
            files[rel] = (path.read_bytes(), st.st_mtime_ns, st.st_ino)
    return files, folders


def contents(root: Path) -> dict[str, bytes]:
    return {rel: data for rel, (data, _, _) in tree(root)[0].items()}


def make_live(tmp_path: Path) -> Path:
    live = tmp_path / "public"
    for rel, data in OLD.items():
        (live / rel).parent.mkdir(parents=True, exist_ok=True)
        (live / rel).write_bytes(data)
    return live


def staged_sink(live: Path) -> StagedDirSink:
    sink = StagedDirSink(live)
    for rel, data in NEW.items():
        sink.write(rel, data)
    return sink


def leftovers(live: Path) -> list[str]:
    return sorted(p.name for p in live.parent.glob(f".{live.name}.*"))


class Killed(BaseException):
    """Stands for a SIGKILL in-process: nothing after it runs, no handler catches it."""


def fail_at(n: int, exc: Callable[[], BaseException]) -> tuple[Callable[..., Any], ...]:
    """os.replace and os.link wrappers whose `n`th call (counting both) raises `exc()`."""
    calls = [0]
    real_replace, real_link = os.replace, os.link

    def tick() -> None:
        calls[0] += 1
        if calls[0] == n:
            raise exc()

    def replace(src: Any, dst: Any, **kw: Any) -> None:
        tick()
        real_replace(src, dst, **kw)

    def link(src: Any, dst: Any, **kw: Any) -> None:
        tick()
        real_link(src, dst, **kw)

    return replace, link


def count_steps(tmp_path: Path, *, links: bool = True) -> int:
    """How many renames (and links) a full commit of OLD -> NEW takes."""
    live = make_live(tmp_path / "count")
    sink = staged_sink(live)
    calls = [0]
    real_replace, real_link = os.replace, os.link

    def replace(src: Any, dst: Any, **kw: Any) -> None:
        calls[0] += 1
        real_replace(src, dst, **kw)

    def link(src: Any, dst: Any, **kw: Any) -> None:
        calls[0] += links
        real_link(src, dst, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "replace", replace)
        mp.setattr(os, "link", link)
        sink.commit()
    assert contents(live) == NEW
    return calls[0]


def test_a_clean_commit_gives_the_new_tree_and_touches_nothing_unchanged(tmp_path: Path) -> None:
    live = make_live(tmp_path)
    before = tree(live)[0]
    staged_sink(live).commit()
    assert contents(live) == NEW
    after = tree(live)[0]
    for rel in ("keep.html", "sub/keep.css"):
        assert after[rel] == before[rel]  # same bytes, mtime and inode: not touched
    assert not (live / "gone").exists()
    assert leftovers(live) == []


def test_an_error_at_any_step_of_the_commit_leaves_the_old_tree(tmp_path: Path) -> None:
    steps = count_steps(tmp_path, links=False)  # a failed link falls back to a rename
    assert steps >= 10
    for n in range(1, steps + 1):
        live = make_live(tmp_path / f"n{n}")
        before = tree(live)
        sink = staged_sink(live)
        replace, _ = fail_at(n, lambda: OSError(28, "No space left on device"))
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(os, "replace", replace)
            with pytest.raises(OSError, match="No space"):
                sink.commit()
        assert tree(live) == before, f"failure at step {n} of {steps}"
        assert leftovers(live) == [".public.new"]  # the stage; the sink's abort removes it
        sink.abort()
        assert leftovers(live) == []
        staged_sink(live).commit()  # and the next build commits normally
        assert contents(live) == NEW


def test_without_hard_links_the_commit_moves_files_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_link(*args: Any, **kwargs: Any) -> None:
        raise OSError(1, "Operation not permitted")

    live = make_live(tmp_path / "ok")
    monkeypatch.setattr(os, "link", no_link)
    staged_sink(live).commit()
    assert contents(live) == NEW
    for n in range(1, 12):
        live = make_live(tmp_path / f"n{n}")
        before = tree(live)
        sink = staged_sink(live)
        replace, _ = fail_at(n, lambda: OSError(5, "I/O error"))
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(os, "replace", replace)
            with pytest.raises(OSError):
                sink.commit()
        assert tree(live) == before, f"failure at step {n}"


def test_a_crash_at_any_step_is_undone_or_finished_by_recover(tmp_path: Path) -> None:
    steps = count_steps(tmp_path)
    for n in range(1, steps + 3):
        live = make_live(tmp_path / f"n{n}")
        before = tree(live)
        sink = staged_sink(live)
        replace, link = fail_at(n, Killed)
        with pytest.MonkeyPatch.context() as mp:
            # A killed process rolls nothing back and finishes nothing.
            mp.setattr(transaction, "_backward", lambda *args: None)
            mp.setattr(transaction, "_finish", lambda *args: (_ for _ in ()).throw(Killed()))
            mp.setattr(os, "replace", replace)
            mp.setattr(os, "link", link)
            with pytest.raises(Killed):
                sink.commit()
        done = n > steps  # every rename happened: only the clean-up was cut short
        note = transaction.recover(live)
        if done:
            assert note is not None and "finished" in note
            assert contents(live) == NEW
        elif n == 1:  # killed writing the journal: nothing had changed
            assert tree(live) == before
        else:
            assert note is not None and "undid" in note
            assert tree(live) == before, f"crash at step {n} of {steps}"
        assert transaction.recover(live) is None
        assert leftovers(live) in ([], [".public.new"])
        staged = StagedDirSink(live)  # the next build starts from a clean slate
        assert leftovers(live) == [".public.new"]
        staged.abort()


def test_a_recovery_killed_in_turn_is_run_again(tmp_path: Path) -> None:
    steps, interrupted = count_steps(tmp_path), 0
    for crash in (3, steps - 1):
        for again in range(1, 9):
            live = make_live(tmp_path / f"c{crash}-{again}")
            before = tree(live)
            sink = staged_sink(live)
            replace, link = fail_at(crash, Killed)
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(transaction, "_backward", lambda *args: None)
                mp.setattr(os, "replace", replace)
                mp.setattr(os, "link", link)
                with pytest.raises(Killed):
                    sink.commit()
            replace, link = fail_at(again, Killed)
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(os, "replace", replace)
                try:
                    transaction.recover(live)
                except Killed:
                    interrupted += 1
            transaction.recover(live)
            assert tree(live) == before, f"commit killed at {crash}, recovery at {again}"
            assert not transaction.journal_file(live).exists()
    assert interrupted >= 8


def test_an_unreadable_journal_is_reported_and_changes_nothing(tmp_path: Path) -> None:
    live = make_live(tmp_path)
    before = tree(live)
    transaction.journal_file(live).write_text("{not json")
    with pytest.raises(transaction.SitegenError, match="unreadable commit journal"):
        transaction.recover(live)
    assert tree(live) == before


# --- a real `kill -9` in the middle of `sitegen build`'s commit -------------------------------

POSTS = "content/posts/2023/09"


def edit(site: Path) -> None:
    """A change that replaces, adds and removes output files."""
    post = site / POSTS / "5g-rollout.md"
    # The removed post's one link goes too: a broken link would fail the build (exit 1).
    text = post.read_text().replace("/2023/09/01/x-wont-use-users-private-data/", "/about/")
    post.write_text(text.replace("5G", "6G"))
    (site / POSTS / "x-wont-use-users-private-data.md").unlink()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture site built once (`old`), the edited site built clean (`new`, the expected
    output), and the number of commit steps of the old -> new build."""
    base = tmp_path_factory.mktemp("kill")
    hook = install_hook(base / "hook")
    old = Path(shutil.copytree(FIXTURE_SITE, base / "old"))
    assert run(old, "build").returncode == 0
    new = Path(shutil.copytree(FIXTURE_SITE, base / "new"))
    edit(new)
    assert run(new, "build").returncode == 0
    counted = Path(shutil.copytree(old, base / "counted"))
    edit(counted)
    count = base / "count.txt"
    env = {"PYTHONPATH": str(hook), "KILL_MATCH": ".public.", "COUNT_TO": str(count)}
    assert run(counted, "build", env=env).returncode == 0
    assert contents(counted / "public") == contents(new / "public")
    (base / "steps").write_text(count.read_text())
    return {"old": old, "new": new, "hook": hook, "base": base}


def killed_build(sites: dict[str, Path], name: str, at: int) -> Path:
    site = Path(shutil.copytree(sites["old"], sites["base"] / name))
    edit(site)
    done = run(
        site,
        "build",
        env={"PYTHONPATH": str(sites["hook"]), "KILL_MATCH": ".public.", "KILL_AT": str(at)},
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert transaction.journal_file(site / "public").exists() or at == 1
    return site


@pytest.mark.parametrize("command", ["check", "publish", "build"])
def test_the_next_command_recovers_from_a_kill_9_mid_commit(
    sites: dict[str, Path], command: str
) -> None:
    steps = int((sites["base"] / "steps").read_text())
    assert steps > 10
    old = contents(sites["old"] / "public")
    new = contents(sites["new"] / "public")
    assert old != new
    for at in (2, steps // 2, steps - 2):
        site = killed_build(sites, f"{command}-{at}", at)
        if command == "publish":
            target = sites["base"] / f"published-{at}"
            done = run(site, "publish", str(target))
            assert done.returncode == 0, done.stderr
            assert contents(target) == old  # the previous build, not a mix
        else:
            done = run(site, command)
        assert "undid the commit" in done.stderr + done.stdout
        assert not transaction.journal_file(site / "public").exists()
        if command == "build":
            assert done.returncode == 0, done.stderr
            assert contents(site / "public") == new
        else:
            assert contents(site / "public") == old, f"killed at {at} of {steps}"
            assert run(site, "build").returncode == 0
            assert contents(site / "public") == new
        assert leftovers(site / "public") == []


def crashed_commit(tmp_path: Path, at: int) -> tuple[Path, Tree]:
    """OLD committed over by NEW, the process "killed" at step `at` of the commit."""
    live = make_live(tmp_path)
    before = tree(live)
    sink = staged_sink(live)
    replace, link = fail_at(at, Killed)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(transaction, "_backward", lambda *args: None)
        mp.setattr(os, "replace", replace)
        mp.setattr(os, "link", link)
        with pytest.raises(Killed):
            sink.commit()
    assert transaction.journal_file(live).exists()
    return live, before


def test_serve_dir_recovers_before_serving(tmp_path: Path) -> None:
    from sitegen.serve import directory_builder

    live, before = crashed_commit(tmp_path, 6)
    outcome = directory_builder(live)(frozenset())
    assert outcome.files is not None and not outcome.problems.failed()
    assert "undid the commit" in outcome.problems.warnings[0].message
    assert tree(live) == before


def test_a_failed_commit_in_a_build_is_an_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli_support import sitegen

    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    assert sitegen(site, "build").exit_code == 0
    before = tree(site / "public")
    edit(site)
    real_replace, installs = os.replace, [0]

    def replace(src: Any, dst: Any, **kw: Any) -> None:
        if os.sep + "public" + os.sep in os.fspath(dst):  # a file moved into public/
            installs[0] += 1
            if installs[0] == 2:
                raise PermissionError(13, "Permission denied", os.fspath(dst))
        real_replace(src, dst, **kw)

    monkeypatch.setattr(os, "replace", replace)
    result = sitegen(site, "build")
    monkeypatch.undo()
    assert installs[0] >= 2  # it failed (and the roll back moved files too)
    assert result.exit_code == 1
    assert "error: could not write the output: Permission denied" in result.output
    assert "public/ is left as the previous build made it" in result.output
    assert tree(site / "public") == before
    assert leftovers(site / "public") == []
    assert sitegen(site, "build").exit_code == 0  # and the next build goes through


def test_a_failed_first_commit_leaves_no_output_folder(tmp_path: Path) -> None:
    live = tmp_path / "public"
    sink = staged_sink(live)
    replace, _ = fail_at(3, lambda: OSError(28, "No space left on device"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "replace", replace)
        with pytest.raises(OSError):
            sink.commit()
    assert not live.exists()
