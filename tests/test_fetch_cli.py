"""`sitegen import --from URL` on the command line: options, errors, exit status.

The site is the scripted FakeWordPress of fetch_server.py, on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fetch_server import FakeWordPress, Reply, serve

from sitegen.cli import main
from sitegen.cli.import_from import Bars


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_help_names_the_live_options() -> None:
    code, out = run("import", "--help")
    assert code == 0
    for option in ("--from URL", "--media", "--jobs", "--full"):
        assert option in out


def test_usage_errors(tmp_path: Path) -> None:
    code, out = run("--site", str(tmp_path), "import", "--full", str(tmp_path))
    assert code == 2 and "--full goes with --from URL" in out
    code, out = run("--site", str(tmp_path), "import", "--max-download", "5", str(tmp_path))
    assert code == 2 and "--max-download goes with --media" in out
    code, out = run("--site", str(tmp_path), "import", "--from", "http://127.0.0.1:9/", "x.json")
    assert code == 2 and "not both" in out
    code, out = run("--site", str(tmp_path), "import")
    assert code == 2 and "or --from URL" in out


def test_a_site_that_refuses_access_exits_1_with_a_hint(tmp_path: Path) -> None:
    forbidden = Reply(403, {"code": "rest_forbidden", "message": "Sorry."})
    with serve(lambda path: Reply(200, "<html>") if path == "/" else forbidden) as (base, _):
        code, out = run("--site", str(tmp_path), "import", "--from", base)
    assert code == 1
    assert "HTTP 403: the site refuses anonymous access (rest_forbidden)" in out
    assert "hint:" in out


def test_mirror_prints_a_summary_and_a_second_run_is_incremental(tmp_path: Path) -> None:
    wp = FakeWordPress({1: "2024-01-01T00:00:00", 2: "2024-01-02T00:00:00"})
    with serve(wp) as (base, _):
        code, out = run("--site", str(tmp_path), "import", "--from", base, "--jobs", "2")
        assert code == 0, out
        assert "fetched everything (full sync): 2 posts, 0 pages in 8 requests" in out
        assert "imported 2, updated 0, unchanged 0" in out
        code, out = run("--site", str(tmp_path), "import", "--from", base)
    assert code == 0, out
    assert "fetched changes since" in out and "0 posts, 0 pages" in out
    assert "imported 0, updated 0, unchanged 2" in out


def test_progress_bars_one_per_phase(capsys: pytest.CaptureFixture[str]) -> None:
    bars = Bars(enabled=True)
    for done in range(1, 4):
        bars("fetch", done, 2 + done)  # the total grows as collections report their size
    bars("media", 1, 2)
    bars("media", 2, 2)
    bars("import", 0, 62)
    bars("import", 62, 0)
    bars.close()
    err = capsys.readouterr().err
    assert [label in err for label in ("Fetching", "Media", "Importing")] == [True] * 3
    assert bars.bar is None
