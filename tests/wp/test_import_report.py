"""The import report: what was imported, skipped (by reason) and not carried (by kind), the
same for every input; `sitegen import --json` prints it as JSON with stable keys."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from fetch_server import FakeWordPress, serve
from testdata import CORPUS, FIXTURES, SEED

from sitegen.cli import main
from sitegen.wp.importer import NOT_CARRIED, ImportOptions, import_paths

SMALL = FIXTURES / "wxr" / "small-1.1.xml"

# small-1.1.xml with a link to its trashed post, a custom field, Yoast's meta description
# and a custom post type added (the README shows its import).
NOT_CARRIED_XML = FIXTURES / "wxr" / "not-carried.xml"


def _export(tmp_path: Path) -> Path:
    return NOT_CARRIED_XML


def test_wxr_report_counts_what_is_not_carried(tmp_path: Path) -> None:
    report = import_paths(tmp_path / "s", [_export(tmp_path)], ImportOptions())
    assert report.imported == 1
    assert report.skipped == {"password-protected": 1, "in the trash": 1}
    assert report.not_carried == {
        "post_types": {"product": 1},
        "custom_fields": {"subtitle": 1},  # _edit_lock is bookkeeping; the Yoast key is read
        "plugin_fields": {},
        "unknown_shortcodes": {"poll": 1},
        "unresolved_links": {"in the trash": 1},
    }
    body = next((tmp_path / "s" / "content" / "posts").rglob("t.md")).read_text()
    assert "See the old one." in body  # unlinked, not sent to the dead origin
    assert "description: What the post says." in body
    warned = [p.render() for p in report.errors.warnings]
    assert any("link to content that is not public (in the trash)" in w for w in warned)
    again = import_paths(tmp_path / "s", [_export(tmp_path)], ImportOptions())
    assert again.unchanged == 1 and again.not_carried == report.not_carried  # not converted
    assert report.not_carried_line() == (
        "not carried: post types product 1; custom fields subtitle 1; "
        "unknown shortcodes poll 1; unresolved links in the trash 1"
    )


def test_rest_report_counts_plugin_and_custom_fields(tmp_path: Path) -> None:
    post = json.loads(SEED.read_text())
    post["acf"] = {"subtitle": "x"}
    post["jetpack_featured_media_url"] = ""  # empty: nothing lost
    post["meta"] = {"footnotes": "[]", "views": 12}
    draft = dict(post, id=5, status="draft", link="https://telecomlive.in/web/?p=5")
    post["content"] = {
        "rendered": '<p>See <a href="https://telecomlive.in/web/?p=5">soon</a> and '
        '<a href="https://telecomlive.in/web/?p=6">gone</a>.</p>',
        "protected": False,
    }
    src = tmp_path / "in"
    src.mkdir()
    (src / "posts.json").write_text(json.dumps([post, draft]))
    report = import_paths(tmp_path / "s", [src], ImportOptions())
    assert report.skipped == {"draft": 1}
    assert report.not_carried["plugin_fields"] == {"acf": 1}
    assert report.not_carried["custom_fields"] == {"views": 1}
    assert report.not_carried["unresolved_links"] == {"draft": 1, "no post with id 6": 1}


def test_json_on_stdout_with_stable_keys(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--site", str(tmp_path / "s"), "import", "--json", str(_export(tmp_path))]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == [
        "format", "imported", "updated", "unchanged", "removed", "kept", "skipped",
        "not_carried", "uploads", "errors", "warnings", "problems",
    ]  # fmt: skip
    assert list(data["not_carried"]) == list(NOT_CARRIED)
    assert data["skipped"] == {"in the trash": 1, "password-protected": 1}
    assert data["not_carried"]["post_types"] == {"product": 1}
    assert data["warnings"] == len(data["problems"]) > 0
    assert {"level", "location", "message", "hint"} == set(data["problems"][0])


def test_dev_corpus_both_ways(tmp_path: Path) -> None:
    """The real corpus: nothing left out silently, the same report from either input, and no
    link in a body still leads to the origin's pages."""
    rest = import_paths(tmp_path / "rest", [CORPUS], ImportOptions())
    wxr = import_paths(tmp_path / "wxr", [CORPUS / "export.xml"], ImportOptions())
    assert rest.imported == wxr.imported == 62
    assert rest.not_carried == wxr.not_carried == {kind: {} for kind in NOT_CARRIED}
    # The export holds what the REST API hides; each one is counted by its reason.
    assert wxr.skipped == {
        "draft": 2,
        "pending review": 1,
        "private": 1,
        "scheduled (future)": 1,
        "comment pending": 1,  # the REST API never shows one; the export holds it
    }
    for site in (tmp_path / "rest", tmp_path / "wxr"):
        for doc in (site / "content").rglob("*.md"):
            body = doc.read_text().split("\n---\n", 1)[1]
            links = [
                part.split(")")[0]
                for part in body.split("](")[1:]
                if part.startswith("http://127.0.0.1:8089/web/")
            ]
            assert all("/wp-content/uploads/" in link for link in links), (doc, links)


def test_json_from_a_live_site(tmp_path: Path) -> None:
    """`--from URL --json`: the same report, with what the fetch did."""
    wp = FakeWordPress({1: "2024-01-01T00:00:00", 2: "2024-01-02T00:00:00"})
    with serve(wp) as (base, _):
        result = CliRunner().invoke(
            main, ["--site", str(tmp_path / "s"), "import", "--from", base, "--json"]
        )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["imported"] == 2
    assert list(data["not_carried"]) == list(NOT_CARRIED)
    assert data["fetched"]["incremental"] is False
    assert data["fetched"]["requests"] > 0
    assert data["media"] is None and data["gone"] == {"removed": 0, "kept": 0}
