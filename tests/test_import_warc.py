"""`sitegen import --from URL --warc FILE` against a fake WordPress: every REST request and
answer is in the WARC, and one REST answer read back from it is the JSON the site served."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fetch_server import FakeWordPress, serve

from sitegen.cli import main

pytest.importorskip("warcio")


def test_import_from_records_its_requests_and_answers(tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    warc = tmp_path / "fetched.warc.gz"
    wp = FakeWordPress({1: "2024-01-01T00:00:00", 2: "2024-02-01T00:00:00"})
    with serve(wp) as (base, _):
        done = CliRunner().invoke(
            main, ["--site", str(tmp_path / "site"), "import", "--from", base, "--warc", str(warc)]
        )
    assert done.exit_code == 0, done.output
    records: dict[str, list[tuple[str, int | None, bytes, dict[str, str]]]] = {}
    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            status = (
                int(record.http_headers.get_statuscode()) if record.rec_type == "response" else None
            )
            headers = dict(record.http_headers.headers) if record.http_headers else {}
            records.setdefault(uri, []).append(
                (record.rec_type, status, record.content_stream().read(), headers)
            )
    posts = [u for u in records if "/wp/v2/posts" in u]
    assert posts, sorted(records)
    kinds = [kind for kind, *_ in records[posts[0]]]
    assert "request" in kinds and "response" in kinds
    _, status, body, headers = next(r for r in records[posts[0]] if r[0] == "response")
    assert status == 200
    assert "json" in headers.get("Content-Type", "")
    served = {p["id"] for p in json.loads(body)}
    assert served == {1, 2}
    request = next(r for r in records[posts[0]] if r[0] == "request")
    assert "sitegen" in request[3].get("User-Agent", "")


def test_warc_without_from_is_a_usage_error(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        main, ["--site", str(tmp_path), "import", str(tmp_path), "--warc", str(tmp_path / "x")]
    )
    assert done.exit_code == 2 and "--warc goes with --from URL" in done.output
