"""Golden tree: the fixture site's whole build, byte for byte, in tests/golden/site/.

Regenerate after an intended change with `pytest tests/build/test_build_golden.py --update-golden`
and review the diff like code.
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

from builtsite import built_root
from testdata import FIXTURE_SITE, TESTS

from sitegen.build.orchestrator import build_site

GOLDEN = TESTS / "golden" / "site"


# The search index's data files (shards, filters, chunks: ~100 small JSON files) have their own
# tests in tests/search/; the golden tree keeps only the search page and meta.json.
SEARCH_DATA = ("search/idx", "search/filter", "search/docs", "search/text")
# In the site's folder of public/ (web/ for the fixture's base path /web/).
SITE = PurePosixPath(built_root(FIXTURE_SITE).relative_to(FIXTURE_SITE / "public").as_posix())
SKIPPED = tuple(f"{SITE / folder}/" for folder in SEARCH_DATA)


def files(root: Path) -> dict[str, bytes]:
    return {
        rel: p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not (rel := p.relative_to(root).as_posix()).startswith(SKIPPED)
    }


def test_fixture_site_matches_golden_tree(tmp_path: Path, update_golden: bool) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    report = build_site(site)
    assert report.committed and not report.problems.items, report.problems.render()
    built = files(site / "public")
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(site / "public", GOLDEN)
        for folder in SKIPPED:
            shutil.rmtree(GOLDEN / folder, ignore_errors=True)
    golden = files(GOLDEN)
    assert sorted(built) == sorted(golden)
    changed = [name for name in built if built[name] != golden[name]]
    assert changed == [], f"differs from tests/golden/site/: {changed} (--update-golden to accept)"
