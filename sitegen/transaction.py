"""Moving a staged build into the live output folder as one transaction.

A build stages the files whose bytes changed in `.<out>.new/`; the commit must then replace some
files of `<out>/`, add others and remove those the site no longer has. Done as plain renames, an
exception or a `kill -9` half way would leave a mix of two builds. So the commit is journalled:

1. The journal `.<out>.journal` (beside the output, never published) lists every file the commit
   installs (new, or replacing a live file) and every live file it removes. It is written to a
   temporary file, fsync'd and renamed into place before the first change.
2. Each live file about to be replaced is hard-linked into the backup folder `.<out>.old/` (so
   it stays live until the one rename that replaces it: a web server reading the folder never
   sees it missing), and each file to remove is moved there (flat, numbered by the journal).
3. The staged files are renamed into place; then the journal is marked done.
4. The backup, the emptied folders and the stage are removed, and last the journal.

An exception at any point before "done" rolls back: installed files go back to the stage, the
backup comes back into place, and the exception goes on. A process killed before "done" leaves
the journal behind, and `recover()` (which every command that reads or writes the output calls
first) undoes the commit the same way; one killed after "done" is finished instead. Every step of
both directions is idempotent and decided by what is on disk, so a recovery interrupted in turn
is simply run again. Files the build did not change are never touched: their mtime stays.

One process at a time: a build holds an advisory `flock` on the folder that holds `<out>/` and its
stage and journal, from before its stage is cleared until it ends, and `recover()` takes it too.
A second build would otherwise wipe the first one's stage, and its recovery would undo the first
one's commit half way. The folder itself is locked, not a lock file: nothing is left beside the
output. Where `flock` does not exist (Windows) nothing is locked.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks of this kind
    fcntl = None  # type: ignore[assignment]

from sitegen.errors import SitegenError

FORMAT = 1


def stage_dir(live: Path) -> Path:
    return live.with_name(f".{live.name}.new")


def backup_dir(live: Path) -> Path:
    return live.with_name(f".{live.name}.old")


def journal_file(live: Path) -> Path:
    return live.with_name(f".{live.name}.journal")


_held: dict[Path, int] = {}  # the locks this process holds: output folder -> a descriptor


def hold(live: Path) -> None:
    """Lock the output folder `live` for this process until `release` (or its end); a
    SitegenError if another process holds it. Holding it already is fine."""
    key = live.absolute()
    if key in _held or fcntl is None:
        return
    key.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise SitegenError(
            f"another sitegen command is writing {live.name}/ (it holds the lock of its folder)",
            str(key.parent),
            "wait for it to finish, then run this again",
        ) from None
    _held[key] = fd


def release(live: Path) -> None:
    fd = _held.pop(live.absolute(), None)
    if fd is not None:
        os.close(fd)  # closing the descriptor releases its lock


@contextlib.contextmanager
def locked(live: Path) -> Iterator[None]:
    """`live` locked while the block runs (left locked if this process held it before)."""
    before = live.absolute() in _held
    hold(live)
    try:
        yield
    finally:
        if not before:
            release(live)


def commit(live: Path, new: list[str], replace: list[str], remove: list[str]) -> None:
    """Install the staged files `new` (not in `live` yet) and `replace` (replacing a live file),
    and remove the live files `remove`; all or nothing. Raises what went wrong, after undoing
    everything it did (or, if even that failed, leaving the journal for `recover`)."""
    shutil.rmtree(backup_dir(live), ignore_errors=True)  # no journal: nothing in it is needed
    journal = {"format": FORMAT, "done": False, "new": new, "replace": replace, "remove": remove}
    _write_journal(live, journal)
    try:
        _forward(live, new, replace, remove)
        # Finishing needs only the removals (to tidy the folders they emptied).
        _write_journal(live, {**journal, "done": True, "new": [], "replace": []})
    except BaseException:
        # A failed roll back keeps the journal (and the exception of the commit is the news):
        # the next command tries again.
        with contextlib.suppress(Exception):
            _backward(live, new, replace, remove)
        raise
    # The new build is in place; tidying up that fails is left, journalled, to the next command.
    with contextlib.suppress(OSError):
        _finish(live, remove)


def recover(live: Path) -> str | None:
    """Complete or undo a commit that was interrupted; a sentence saying which, or None if
    there was none. A journal that cannot be read is a SitegenError (nothing is changed)."""
    with locked(live):
        return _recover(live)


def _recover(live: Path) -> str | None:
    path = journal_file(live)
    path.with_name(path.name + ".tmp").unlink(missing_ok=True)  # a journal never written
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _unreadable(path, exc.strerror or str(exc)) from None
    try:
        journal = json.loads(data)
        if journal.get("format") != FORMAT:
            raise ValueError(f"unknown format {journal.get('format')!r}")
        lists = [journal[key] for key in ("new", "replace", "remove")]
        if not all(isinstance(x, list) and all(isinstance(r, str) for r in x) for x in lists):
            raise ValueError("a file list is not a list of names")
    except (ValueError, AttributeError, KeyError, TypeError) as exc:
        raise _unreadable(path, str(exc)) from None
    new, replace, remove = lists
    try:
        if journal.get("done") is True:
            _finish(live, remove)
            return f"{live.name}/: finished the commit of a build that was interrupted"
        _backward(live, new, replace, remove)
    except OSError as exc:
        raise SitegenError(
            f"could not undo the commit of a build that was interrupted: {exc}",
            str(live),
            hint="fix the cause (permissions, space) and run the command again: it goes on "
            "from where it stopped",
        ) from None
    return f"{live.name}/: undid the commit of a build that was interrupted (it is as before)"


def _unreadable(path: Path, why: str) -> SitegenError:
    return SitegenError(
        f"unreadable commit journal of an interrupted build ({why})",
        str(path),
        hint="the output folder may mix two builds: delete it, this journal and the folders "
        f"{path.name.removesuffix('.journal')}.new and .old beside it, then build again",
    )


def _write_journal(live: Path, journal: dict[str, object]) -> None:
    """Durably: a journal that a power cut could lose or truncate would be worse than none."""
    path = journal_file(live)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as fh:
            # ASCII escapes: a name the file system gave as undecodable bytes survives the trip.
            fh.write(json.dumps(journal).encode("ascii"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every OS or file system can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _forward(live: Path, new: list[str], replace: list[str], remove: list[str]) -> None:
    stage = stage_dir(live)
    backup_dir(live).mkdir()
    for i, rel in enumerate(replace):
        kept = _backup(live, "r", i)
        try:
            os.link(_child(live, rel), kept, follow_symlinks=False)
        except OSError:  # a file system without hard links: move it aside instead
            os.replace(_child(live, rel), kept)
    for i, rel in enumerate(remove):
        os.replace(_child(live, rel), _backup(live, "d", i))
    for rel in [*new, *replace]:
        target = _child(live, rel)
        if target.is_dir() and not target.is_symlink():
            _remove_empty_tree(target)  # a folder became a file; its files were moved aside
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(_child(stage, rel), target)


def _backward(live: Path, new: list[str], replace: list[str], remove: list[str]) -> None:
    """Undo `_forward`, whatever part of it happened. Decided by what is on disk, so that it
    can be run again after an interruption of its own: a staged file that is no longer in the
    stage was installed; a file in the backup was moved or linked there."""
    stage = stage_dir(live)
    for rel in new:
        staged, target = _child(stage, rel), _child(live, rel)
        if not os.path.lexists(staged) and os.path.lexists(target):
            staged.parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, staged)
        _remove_empty_parents(live, target.parent)  # made for it, whether it got there or not
    backed = [(_backup(live, "r", i), rel) for i, rel in enumerate(replace)]
    backed += [(_backup(live, "d", i), rel) for i, rel in enumerate(remove)]
    for kept, rel in backed:
        if os.path.lexists(kept):
            target = _child(live, rel)
            if target.is_dir() and not target.is_symlink():
                _remove_empty_tree(target)  # a file became a folder, now emptied above
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(kept, target)  # over the installed file, if it was: atomic
    shutil.rmtree(backup_dir(live), ignore_errors=True)
    journal_file(live).unlink(missing_ok=True)


def _finish(live: Path, remove: Iterable[str]) -> None:
    """After "done": drop the backup, the folders the removals emptied, the stage, the journal."""
    shutil.rmtree(backup_dir(live), ignore_errors=True)
    emptied = {os.path.dirname(os.fspath(_child(live, rel))) for rel in remove}
    for folder in sorted(emptied, key=lambda f: f.count(os.sep), reverse=True):
        _remove_empty_parents(live, Path(folder))
    shutil.rmtree(stage_dir(live), ignore_errors=True)
    journal_file(live).unlink(missing_ok=True)
    _fsync_dir(live.parent)


def _backup(live: Path, kind: str, index: int) -> Path:
    """Where the `index`-th file of the journal's `replace` ("r") or `remove` ("d") list is
    kept until the commit is done: one flat folder, numbered by the journal, because making
    and removing a copy of the output's folder tree cost more than the commit itself."""
    return backup_dir(live) / f"{kind}{index}"


def _child(root: Path, rel: str) -> Path:
    # The names come from the sink (checked when written) or from a walk of the live folder;
    # the journal holds nothing else. Joined by parts, as every writer of the output does.
    return root.joinpath(*rel.split("/"))


def _remove_empty_parents(root: Path, folder: Path) -> None:
    """Remove `folder` and its parents up to (not including) `root` while they are empty."""
    top = os.fspath(root)
    path = os.fspath(folder)
    while path != top and path.startswith(top + os.sep):
        try:
            os.rmdir(path)
        except OSError:  # not empty (or gone already): it holds wanted files
            return
        path = os.path.dirname(path)


def _remove_empty_tree(folder: Path) -> None:
    """Remove a folder that holds only empty folders; OSError if it holds anything else."""
    for here, _dirs, files in os.walk(folder, topdown=False):
        if files:
            raise IsADirectoryError(f"{here} is not empty")
        os.rmdir(here)
