"""The content file format: what import writes, build reads, and people edit."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sitegen.content import dump_document, parse_document, read_body
from sitegen.digests import digest
from sitegen.errors import SitegenError

IST = timezone(timedelta(hours=5, minutes=30))


def test_document_round_trips_and_keeps_offset(tmp_path: Path) -> None:
    meta = {
        "title": 'X won’t: #1 & "quoted" 🙂 नमस्ते مرحبا',
        "slug": "x",
        "date": datetime(2023, 9, 1, 11, 51, 47, tzinfo=IST),
        "path": "2023/09/01/x/",
        "categories": [{"slug": "5g", "name": "5G", "parent": "telecom"}],
        "wp_id": 800463,
    }
    text = dump_document(meta, "Hello *world*\n")
    assert "date: 2023-09-01T11:51:47+05:30\n" in text
    doc = parse_document(text, "content/x.md")
    assert doc.title == meta["title"]
    assert doc.date == meta["date"] and doc.date.utcoffset() == timedelta(hours=5, minutes=30)
    assert doc.updated == doc.date
    assert doc.categories[0].parent == "telecom"
    assert doc.body_digest == digest("Hello *world*\n")
    assert text.splitlines()[doc.body_line - 1] == "Hello *world*"
    (tmp_path / "content").mkdir()
    (tmp_path / "content/x.md").write_text(text, encoding="utf-8")
    assert read_body(tmp_path, doc) == "Hello *world*\n"  # read when rendered, not held


def test_a_body_saved_again_during_the_build_is_an_error(tmp_path: Path) -> None:
    """A body is read when rendered; if the file changed since the document was loaded the
    rendered body would be stored under the old body's digest: refused, naming the file."""
    text = dump_document({"title": "x", "date": "2024-01-31", "path": "x/"}, "Old.\n")
    doc = parse_document(text, "content/x.md")
    (tmp_path / "content").mkdir()
    (tmp_path / "content/x.md").write_text(text.replace("Old.", "New."), encoding="utf-8")
    with pytest.raises(SitegenError, match="changed while the site was being built") as err:
        read_body(tmp_path, doc)
    assert err.value.location == "content/x.md"
    (tmp_path / "content/x.md").unlink()
    with pytest.raises(SitegenError, match="could not read the body"):
        read_body(tmp_path, doc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: x\n", "content/bad.md:1: no front matter"),
        ("---\ntitle: x\n", "content/bad.md:1: front matter is not closed"),
        ("---\ntitle: [x\n---\n", "content/bad.md:"),
        ("---\ntitle: x\npath: a/\ndate: 2019-13-01\n---\n", "content/bad.md:4: date: not a date"),
        ("---\ntitle: x\ndate: 2019-01-01\n---\n", "path: missing"),
        (
            "---\ntitle: x\npath: a/\ndate: 2019-01-01\nwp_id: seven\n---\n",
            "content/bad.md:5: wp_id",
        ),
    ],
)
def test_bad_front_matter_names_file_and_line(text: str, expected: str) -> None:
    with pytest.raises(SitegenError) as info:
        parse_document(text, "content/bad.md")
    assert expected in str(info.value)
