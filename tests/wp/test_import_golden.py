"""Golden trees: the content an import writes, reviewed once, compared byte for byte.

`pytest --update-golden tests/wp/test_import_golden.py` regenerates them; review the diff.
- tests/golden/content/: the wp-subset fixture (side files, _embed and not, pages, links).
- content/ at the repository root: the telecomlive seed post. The repository is itself a
  working site, and its content is exactly what `sitegen import` makes of the seed.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from testdata import FIXTURES, ROOT, SUBSET, TESTS

from sitegen.wp.importer import ImportOptions, import_paths


def _tree(top: Path) -> dict[str, bytes]:
    return {
        p.relative_to(top).as_posix(): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()
    }


def _compare(got_dir: Path, golden_dir: Path, update: bool) -> None:
    got = _tree(got_dir)
    if update:
        for name in _tree(golden_dir) if golden_dir.exists() else {}:
            (golden_dir / name).unlink()
        for name, data in got.items():
            (golden_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (golden_dir / name).write_bytes(data)
        return
    want = _tree(golden_dir)
    assert sorted(got) == sorted(want), "files differ from the golden tree"
    for name in want:
        if got[name] != want[name]:
            diff = difflib.unified_diff(
                want[name].decode().splitlines(),
                got[name].decode().splitlines(),
                f"golden/{name}",
                f"import/{name}",
                lineterm="",
                n=2,
            )
            raise AssertionError(f"{name} differs from the golden file:\n" + "\n".join(diff))


def test_subset_matches_golden_tree(tmp_path: Path, update_golden: bool) -> None:
    report = import_paths(tmp_path, [SUBSET], ImportOptions())
    assert not report.failed, report.errors.render()
    assert (report.imported, report.updated, report.unchanged) == (11, 0, 0)  # 9 posts, 2 pages
    _compare(tmp_path / "content", TESTS / "golden" / "content", update_golden)


def test_seed_matches_the_repository_content(tmp_path: Path, update_golden: bool) -> None:
    seed = tmp_path / "in" / "000_d01410bb3d07ad41.json"
    seed.parent.mkdir()
    shutil.copy(FIXTURES / "seed" / seed.name, seed)
    report = import_paths(tmp_path, [seed], ImportOptions())
    assert not report.failed and report.imported == 1
    # No users.json beside the seed and no _embed: the author cannot be named, and says so.
    assert [p.render() for p in report.errors] == [
        f"{seed}.author: warning: author id 1 not found; post 800463 has no author\n"
        "  hint: put users.json (GET /wp-json/wp/v2/users) next to the posts, or fetch them "
        "with _embed"
    ]
    _compare(tmp_path / "content", ROOT / "content", update_golden)
