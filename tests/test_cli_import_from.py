"""`sitegen import --from URL` when the user gets the URL wrong first (a FakeWordPress)."""

from __future__ import annotations

import socket
from pathlib import Path

from click.testing import CliRunner, Result
from fetch_server import FakeWordPress, Reply, serve

from sitegen.cli import main


def run(site: Path, url: str) -> Result:
    result = CliRunner().invoke(main, ["--site", str(site), "import", "--from", url])
    assert isinstance(result.exception, SystemExit | None), result.output  # no traceback
    return result


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again: nothing listens there


def test_a_url_without_scheme_is_a_usage_error(tmp_path: Path) -> None:
    # Before: `--from example.org` died with a ValueError traceback ("unknown url type").
    result = run(tmp_path, "news.example.org")
    assert result.exit_code == 2
    assert (
        "Invalid value for '--from': 'news.example.org' is not an http:// or https:// "
        "address (did you mean https://news.example.org?)"
    ) in result.output
    assert not (tmp_path / "content").exists()  # nothing recorded for a URL never tried


def test_after_a_wrong_url_the_right_one_is_accepted(tmp_path: Path) -> None:
    # Before: the failed first try recorded its URL in sync.json, and every later run with
    # the corrected URL was refused: "this site was mirrored from http://127.0.0.1:PORT/".
    wrong = run(tmp_path, f"http://127.0.0.1:{closed_port()}/")
    assert wrong.exit_code == 1
    assert "cannot connect" in wrong.output
    wp = FakeWordPress({1: "2024-01-01T00:00:00"})
    with serve(wp) as (base, _):
        right = run(tmp_path, base)
    assert right.exit_code == 0, right.output
    assert "imported 1," in right.output


def test_a_folder_mirrored_from_one_site_still_refuses_another(tmp_path: Path) -> None:
    wp = FakeWordPress({1: "2024-01-01T00:00:00"})
    with serve(wp) as (base, _):
        assert run(tmp_path, base).exit_code == 0
    with serve(lambda path: Reply(200, "<html>")) as (other, _):
        refused = run(tmp_path, other)
    assert refused.exit_code == 1
    assert f"this site was mirrored from {base.rstrip('/')}/, not {other.rstrip('/')}/" in (
        refused.output
    )
    assert "hint: use another --site directory" in refused.output
