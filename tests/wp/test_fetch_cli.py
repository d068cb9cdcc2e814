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
        # Comments are one of them (/wp/v2/comments, fetched whole every run).
        assert "fetched everything (full sync): 2 posts, 0 pages in 9 requests" in out
        assert "imported 2, updated 0, unchanged 0" in out
        code, out = run("--site", str(tmp_path), "import", "--from", base)
    assert code == 0, out
    assert "fetched changes since" in out and "0 posts, 0 pages" in out
    assert "imported 0, updated 0, unchanged 2" in out


@pytest.mark.parametrize("media", [[], ["--media"]], ids=["text", "media"])
def test_comments_come_with_the_site_and_no_address_is_kept(
    tmp_path: Path, media: list[str]
) -> None:
    """A site that sends a commenter's e-mail address and IP (to a logged-in editor): neither
    reaches the raw folder, current/ or content/; the approved comment is imported."""
    wp = FakeWordPress({1: "2024-01-01T00:00:00"})
    wp.comments = [
        {"id": 7, "post": 1, "parent": 0, "author_name": "Reader", "author_url": "",
         "author_email": "reader@private.test", "author_ip": "203.0.113.9",
         "date": "2024-01-02T10:00:00", "date_gmt": "2024-01-02T10:00:00",
         "content": {"rendered": "<p>Nice.</p>"}, "status": "approved"},
        {"id": 8, "post": 1, "parent": 0, "author_name": "Spammer", "author_url": "",
         "date": "2024-01-02T11:00:00", "date_gmt": "2024-01-02T11:00:00",
         "content": {"rendered": "<p>Buy.</p>"}, "status": "spam"},
    ]  # fmt: skip
    with serve(wp) as (base, _):
        code, out = run("--site", str(tmp_path), "import", "--from", base, *media)
    assert code == 0, out
    assert "1 comment spam" in out
    written = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    assert "private.test" not in written and "203.0.113.9" not in written
    post = next((tmp_path / "content/posts").rglob("*.md")).read_text()
    assert "- id: 7\n  author: Reader\n" in post and "Buy." not in post


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
