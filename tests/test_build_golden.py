"""Golden tree: the fixture site's whole build, byte for byte, in tests/golden/site/.

Regenerate after an intended change with `pytest tests/test_build_golden.py --update-golden`
and review the diff like code.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sitegen.build import build_site

FIXTURE = Path(__file__).parent / "fixtures" / "site"
GOLDEN = Path(__file__).parent / "golden" / "site"


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_fixture_site_matches_golden_tree(tmp_path: Path, update_golden: bool) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    report = build_site(site)
    assert report.committed and not report.problems.items, report.problems.render()
    built = files(site / "public")
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(site / "public", GOLDEN)
    golden = files(GOLDEN)
    assert sorted(built) == sorted(golden)
    changed = [name for name in built if built[name] != golden[name]]
    assert changed == [], f"differs from tests/golden/site/: {changed} (--update-golden to accept)"
