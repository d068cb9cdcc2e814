"""`sitegen import` on bad input: the file and JSON path, a hint, a non-zero exit, no
traceback, and the good posts still imported."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from cli_support import seed_post, sitegen
from testdata import FIXTURES, SEED


def test_truncated_json_names_file_line_and_says_truncated(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    text = SEED.read_text()
    (dump / "posts.json").write_text(text[: len(text) // 2])
    result = sitegen(tmp_path / "s", "import", dump)
    assert result.exit_code == 1
    assert re.search(r"posts\.json:\d+:\d+: error: invalid JSON", result.output)
    assert "looks truncated; download it again" in result.output
    assert "errors 1" in result.output.splitlines()[-1]
    assert not list((tmp_path / "s").rglob("*.md"))


def test_impossible_date_names_the_json_path_and_the_others_import(tmp_path: Path) -> None:
    good = seed_post()
    bad = dict(good, id=99, slug="other", date_gmt="2019-13-01T00:00:00")
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "posts.json").write_text(json.dumps([bad, good]))
    result = sitegen(tmp_path / "s", "import", dump)
    assert result.exit_code == 1
    assert (
        f'{dump / "posts.json"}[0].date_gmt: error: not a date: "2019-13-01T00:00:00" '
        "(month must be in 1..12)"
    ) in result.output  # before: without the reason, left to the user to spot the 13
    assert "hint: WordPress writes dates as" in result.output
    assert result.output.splitlines()[-1].startswith("imported 1,")  # the good post still came
    assert len(list((tmp_path / "s" / "content" / "posts").rglob("*.md"))) == 1


def test_a_folder_without_json_is_an_error_not_a_silent_success(tmp_path: Path) -> None:
    # Before: `sitegen import empty/` printed "imported 0, ..., errors 0" and exited 0.
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not an export")
    result = sitegen(tmp_path / "s", "import", empty)
    assert result.exit_code == 1
    assert f"{empty}: error: no .json or .xml files in this folder" in result.output
    assert "hint: give the folder you saved the /wp-json/wp/v2/ answers in" in result.output


def test_json_one_folder_down_is_named_and_side_files_alone_warn(tmp_path: Path) -> None:
    corpus = FIXTURES / "wp-local-dev"
    (tmp_path / "dump" / "2024").mkdir(parents=True)
    shutil.copy(corpus / "posts-page-1.json", tmp_path / "dump" / "2024")
    nested = sitegen(tmp_path / "s", "import", tmp_path / "dump")
    assert nested.exit_code == 1
    assert (
        f"hint: folders are not searched recursively: give {tmp_path / 'dump' / '2024'} itself"
    ) in nested.output
    # Before: side files alone printed "imported 0, ..., warnings 0": as if all was well.
    sides = tmp_path / "sides"
    sides.mkdir()
    for name in ("categories.json", "tags.json"):
        shutil.copy(corpus / name, sides)
    alone = sitegen(tmp_path / "s", "import", sides)
    assert alone.exit_code == 0  # the site's details are still read: not an error
    assert "warning: no posts or pages among the inputs; only the site's details were read" in (
        alone.output
    )
    assert alone.output.splitlines()[-1].endswith("errors 0, warnings 1")


def test_a_feed_is_named_as_not_an_export_and_nothing_is_written(tmp_path: Path) -> None:
    # Before: "invalid JSON: Expecting value" for the export, and content/_site.yaml and the
    # manifest were written into the empty site all the same.
    corpus = FIXTURES / "wp-local-dev"
    result = sitegen(tmp_path / "s", "import", corpus / "feed.xml")
    assert result.exit_code == 1
    assert (
        f"{corpus / 'feed.xml'}: error: not a WordPress export (WXR): an RSS file without "
        "WordPress's export data (wp: elements), a feed maybe"
    ) in result.output
    assert "errors 1" in result.output.splitlines()[-1]
    assert not (tmp_path / "s" / "content").exists()


def test_broken_site_yaml_is_one_error_with_its_lines_in_build_and_import(site: Path) -> None:
    # Before: the build added "base_url: not set" (a consequence), and the import printed
    # PyYAML's raw multi-line dump ("unreadable: while parsing a flow sequence\n in ...").
    site_yaml = site / "content" / "_site.yaml"
    lines = site_yaml.read_text().splitlines()
    site_yaml.write_text("\n".join([*lines, "language: [en"]) + "\n")
    opened = len(lines) + 1
    built = sitegen(site, "build")
    assert built.exit_code == 1
    # libyaml's words ("did not find expected"), or PyYAML's own parser's where libyaml is missing
    said = re.search(
        rf"\[1\] content/_site\.yaml:{opened + 1}: error: not valid YAML: (did not find )?"
        rf"expected ',' or '\]'.* \(while parsing a flow sequence that starts on line {opened}\)\n"
        "  hint: close every quote and bracket",
        built.output,
    )
    assert said is not None, built.output
    assert "[2]" not in built.output
    imported = sitegen(site, "import", SEED)
    assert imported.exit_code == 1
    assert (f"[1] content/_site.yaml:{opened + 1}: error: not valid YAML: ") in imported.output
    assert "expected ',' or ']'" in imported.output
    assert "hint: fix the YAML or delete the file; the import writes it again" in imported.output
    assert 'in "<unicode string>"' not in imported.output
