"""`sitegen import --from URL` when the user gets the URL wrong first (a FakeWordPress)."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

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


def test_a_broken_gone_list_stops_the_mirror_before_deleting_anything(tmp_path: Path) -> None:
    # Before: a hand-edited, broken content/_gone.yaml ended the run in a yaml traceback after
    # the unpublished post's file had been deleted, so its 410 was never recorded.
    wp = FakeWordPress({1: "2024-01-01T00:00:00", 2: "2024-01-02T00:00:00"})
    with serve(wp) as (base, _):
        assert run(tmp_path, base).exit_code == 0
        files = sorted((tmp_path / "content" / "posts").rglob("*.md"))
        assert len(files) == 2
        (tmp_path / "content" / "_gone.yaml").write_text("- {path: 2023/x/\n")
        del wp.posts[2]  # unpublished in WordPress
        result = run(tmp_path, base)
    assert result.exit_code == 1
    assert "content/_gone.yaml:2: not valid YAML: " in result.output
    assert "expected ',' or '}'" in result.output
    assert "hint: fix it (sitegen import --from only adds entries to it), or delete it" in (
        result.output
    )
    assert sorted((tmp_path / "content" / "posts").rglob("*.md")) == files  # nothing deleted


class _WithBrokenImage(FakeWordPress):
    def item(self, i: int) -> dict[str, Any]:
        post = super().item(i)
        port = closed_port()
        post["content"] = {"rendered": f'<p><img src="http://127.0.0.1:{port}/x.png"></p>'}
        return post


def test_the_last_line_counts_the_warnings_printed_above_it(tmp_path: Path) -> None:
    # Before: two warnings printed ("image not mirrored", an unknown author), then "imported 1,
    # ..., warnings 1": the summary counted only the import's own problems, not the mirror's.
    with serve(_WithBrokenImage({1: "2024-01-01T00:00:00"})) as (base, _):
        result = CliRunner().invoke(
            main, ["--site", str(tmp_path), "import", "--from", base, "--media"]
        )
    assert result.exit_code == 0, result.output
    assert re.search(r"^\[1\] http://127\.0\.0\.1:\d+/x\.png: warning: image not mirrored",
                     result.output, re.M), result.output  # fmt: skip
    printed = len(re.findall(r"^\[\d+\] .*: warning: ", result.output, re.M))
    assert printed == 2  # the image, and the author the fake site does not list
    assert result.output.splitlines()[-1].endswith(f"errors 0, warnings {printed}")


def test_a_plain_address_without_scheme_suggests_http(tmp_path: Path) -> None:
    # Before: `--from 127.0.0.1:8701/web` suggested https://, which a local WordPress never speaks.
    for address, scheme in [
        ("127.0.0.1:8701/web", "http"),
        ("localhost/web", "http"),
        ("192.168.1.20", "http"),
        ("[::1]:8080", "http"),
        ("news.example.org:8080/", "http"),
        ("news.example.org/web/", "https"),
        ("news.example.org:443", "https"),
    ]:
        result = run(tmp_path, address)
        assert result.exit_code == 2
        assert f"(did you mean {scheme}://{address}?)" in result.output, address
