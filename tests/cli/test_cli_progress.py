"""Long work reports progress: archive's snapshot and restore tell the CLI about every object,
and the CLI draws a bar on a terminal only (logs and pipes get the one-line summary)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from publish_support import copy_site

from sitegen.cli import main
from sitegen.publish.archive import create_snapshot, restore_snapshot
from sitegen.publish.store import open_store
from sitegen.publish.sync import PublishOptions

WHEN = datetime(2026, 11, 28, 10, 15, tzinfo=UTC)


def test_snapshot_and_restore_report_every_object(tmp_path: Path) -> None:
    public = copy_site(tmp_path / "public")  # the built site, in the site folder tmp_path
    store = open_store(str(tmp_path / "archive"))
    calls: list[tuple[int, int]] = []
    first = create_snapshot(
        store,
        public,
        tmp_path,
        "one",
        WHEN,
        PublishOptions(jobs=2),
        lambda d, t: calls.append((d, t)),
    )
    n = first.stored
    assert n == len({p.read_bytes() for p in public.rglob("*") if p.is_file()})
    assert calls == [(done, n) for done in range(n + 1)]  # (0, n) first, then one per object

    calls.clear()
    again = create_snapshot(store, public, tmp_path, "two", WHEN, PublishOptions(),
                            lambda d, t: calls.append((d, t)))  # fmt: skip
    assert again.stored == 0 and calls == [(0, 0)]  # nothing to upload: no bar

    calls.clear()
    restored = restore_snapshot(store, "one", tmp_path / "out", PublishOptions(jobs=2),
                                lambda d, t: calls.append((d, t)))  # fmt: skip
    assert restored.files == first.files
    assert calls == [(done, n) for done in range(n + 1)]


def test_no_bar_in_a_log(tmp_path: Path) -> None:
    copy_site(tmp_path / "public")
    result = CliRunner().invoke(
        main, ["--site", str(tmp_path), "archive", str(tmp_path / "a"), "--name", "x"]
    )
    assert result.exit_code == 0, result.output
    assert "Archiving" not in result.output
    assert result.output.startswith("Snapshot x: ")
    assert len(result.output.splitlines()) == 2
