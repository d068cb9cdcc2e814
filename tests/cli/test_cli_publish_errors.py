"""`sitegen publish`, `archive` and `serve` when the user gets the target, the options or the
site wrong: a clear error, exit 1, nothing deleted, no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from builtsite import built_folder, built_root
from cli_support import sitegen

from sitegen.serve import Preview, site_builder


def test_publish_without_a_build_or_onto_a_file(site: Path, tmp_path: Path) -> None:
    result = sitegen(site, "publish", tmp_path / "dest")
    assert result.exit_code == 1
    assert f"{site / 'public'}: error: no built site here" in result.output
    assert not (tmp_path / "dest").exists()
    assert sitegen(site, "build").exit_code == 0
    (tmp_path / "file").write_text("x")
    onto_file = sitegen(site, "publish", tmp_path / "file")
    assert onto_file.exit_code == 1
    assert "error: target exists and is not a folder" in onto_file.output
    assert (tmp_path / "file").read_text() == "x"


@pytest.mark.parametrize("target", ["content", ".", "public/sub", ".."])
def test_publish_into_the_sites_own_files_is_refused(site: Path, target: str) -> None:
    # Before: `sitegen publish content` deleted every post (fewer than --max-deletes).
    assert sitegen(site, "build").exit_code == 0
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    result = sitegen(site, "publish", site / target)
    assert result.exit_code == 1
    assert "error: refusing to publish here: the folder holds (or is inside) the site's own" in (
        result.output
    )
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before


def test_publish_into_a_folder_of_its_own_inside_the_site_works(site: Path) -> None:
    assert sitegen(site, "build").exit_code == 0
    result = sitegen(site, "publish", site / "mirror")
    assert result.exit_code == 0, result.output
    assert (site / "mirror" / built_folder(site) / "index.html").read_bytes() == (
        built_root(site) / "index.html"
    ).read_bytes()


def test_archive_list_and_restore_of_a_mistyped_folder(tmp_path: Path) -> None:
    # Before: `sitegen archive list typo/` printed "No snapshots in .../typo/." and exit 0.
    for args in (["list"], ["restore", "--jobs", "1"]):
        extra = ["snap", str(tmp_path / "out")] if args[0] == "restore" else []
        result = sitegen(tmp_path, "archive", args[0], str(tmp_path / "typo"), *extra)
        assert result.exit_code == 1
        assert f"{tmp_path / 'typo'}/: error: no such folder" in result.output
        assert "hint: check TARGET; `sitegen archive TARGET` creates it" in result.output
    (tmp_path / "empty").mkdir()
    empty = sitegen(tmp_path, "archive", "list", str(tmp_path / "empty"))
    assert empty.exit_code == 0 and empty.output == f"No snapshots in {tmp_path / 'empty'}/.\n"


def test_a_bad_endpoint_url_or_region_is_an_error_not_a_traceback(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: botocore's ValueError / InvalidRegionError tracebacks.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "sitegen-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "sitegen-test-secret")
    assert sitegen(site, "build").exit_code == 0
    endpoint = sitegen(site, "publish", "s3://bucket/x", "--endpoint-url", "r2.example")
    assert endpoint.exit_code == 1
    assert (
        "s3://bucket/x/: error: Invalid endpoint: r2.example (--endpoint-url must be a full URL)"
    ) in endpoint.output
    region = sitegen(site, "archive", "list", "s3://bucket/x", "--region", "eu west 1")
    assert region.exit_code == 1
    assert "s3://bucket/x/: error: not a region name: 'eu west 1'" in region.output
    assert "hint: write it like eu-west-1 (R2: auto), or drop --region" in region.output


def test_serve_with_a_failing_first_build_does_not_claim_a_last_good_site(tmp_path: Path) -> None:
    # Before: "build failed ...; still serving the last good site" when there never was one.
    logged: list[str] = []
    preview = Preview(None, [], port=0, log=logged.append)
    try:
        preview.builder = site_builder(tmp_path, preview.url)
        assert preview.rebuild(frozenset()) is False
    finally:
        preview.server.server_close()
    assert any("error: no content/ folder" in line for line in logged), logged
    assert re.fullmatch(
        r"build failed after \d+\.\d\ds; the preview shows the problems until a build succeeds",
        logged[-1],
    )
