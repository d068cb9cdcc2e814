"""`sitegen import --from URL --warc FILE --capture-pages` against the REAL WordPress on
127.0.0.1:8089 (tests/wordpress/): the WARC read back gives, for a REST request the import made,
the very JSON body it saved in its raw folder, and each public post's own HTML page.

scripts/test starts WordPress and exports SITEGEN_TEST_WORDPRESS; without it this test FAILS.
It only reads the site.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main

pytestmark = pytest.mark.wordpress


def _replay(warc: Path, url: str) -> tuple[int, str, bytes]:
    """The last response the WARC holds for `url`: (status, Content-Type, body)."""
    from warcio.archiveiterator import ArchiveIterator

    found = None
    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type == "response" and uri == url:
                status = int(record.http_headers.get_statuscode())
                ctype = record.http_headers.get_header("Content-Type") or ""
                found = (status, ctype, record.content_stream().read())
    assert found is not None, f"no response recorded for {url}"
    return found


def test_the_warc_replays_the_rest_answer_the_import_saved(tmp_path: Path, wp_url: str) -> None:
    site, warc = tmp_path / "site", tmp_path / "fetched.warc.gz"
    args = ["--site", str(site), "import", "--from", wp_url, "--warc", str(warc)]
    done = CliRunner().invoke(main, [*args, "--capture-pages"])
    assert done.exit_code == 0, done.output
    (log,) = (site / "content" / ".import" / "raw").glob("*/headers.txt")
    rows = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()[1:]]
    url, _, _, _, name = next(r for r in rows if r[4] == "posts-page-1.json")
    saved = (log.parent / name).read_bytes()
    status, ctype, body = _replay(warc, url)
    assert (status, body) == (200, saved)
    assert ctype.startswith("application/json")
    posts = json.loads(body)
    assert len(posts) > 1
    # The post's own page, as WordPress rendered it, is in the same WARC.
    status, ctype, page = _replay(warc, posts[0]["link"])
    assert status == 200 and ctype.startswith("text/html")
    assert f"postid-{posts[0]['id']}".encode() in page  # WordPress's body class of a post
