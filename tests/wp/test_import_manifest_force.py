"""A corrupt import manifest stops a plain import (it protects hand edits) and is rebuilt by
`import --force`, as the error's hint says."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_support import sitegen
from testdata import SUBSET

from sitegen.wp.importer import ImportOptions, import_paths


@pytest.mark.parametrize("garbage", [b"{not json", b"\xff\xfe", b"[]", b'{"entries": {"1": 5}}'])
def test_force_rebuilds_a_corrupt_manifest(tmp_path: Path, garbage: bytes) -> None:
    site = tmp_path / "site"
    dump = Path(shutil.copytree(SUBSET, tmp_path / "dump"))
    first = import_paths(site, [dump], ImportOptions())
    assert not first.failed
    manifest = site / "content" / ".import" / "manifest.json"
    good = json.loads(manifest.read_text())
    manifest.write_bytes(garbage)

    plain = import_paths(site, [dump], ImportOptions())
    assert plain.failed
    (error,) = plain.errors.errors
    assert "unreadable import manifest" in error.message and "--force" in error.hint
    assert manifest.read_bytes() == garbage  # nothing was written

    forced = import_paths(site, [dump], ImportOptions(force=True))
    assert not forced.failed, forced.errors.render()
    assert any("starts a new one" in w.message for w in forced.errors.warnings)
    assert json.loads(manifest.read_text()) == good
    again = import_paths(site, [dump], ImportOptions())  # and the next import trusts it again
    assert not again.failed and not again.errors.warnings


def test_force_on_the_command_line(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    dump = Path(shutil.copytree(SUBSET, tmp_path / "dump"))
    assert sitegen(site, "import", dump).exit_code == 0
    (site / "content" / ".import" / "manifest.json").write_text("{broken")
    failed = sitegen(site, "import", dump)
    assert failed.exit_code == 1 and "--force" in failed.output
    forced = sitegen(site, "import", "--force", dump)
    assert forced.exit_code == 0, forced.output
    assert "starts a new one" in forced.output
