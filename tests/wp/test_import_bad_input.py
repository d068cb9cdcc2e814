"""Bad input: a clear message naming file and JSON path, the other posts still import, the
exit status is non-zero, and nothing half-written is left behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from testdata import SEED, SUBSET

from sitegen.cli import main
from sitegen.wp.importer import ImportOptions, ImportReport, import_paths

GOOD = json.loads(SEED.read_text())


def _other(wp_id: int, slug: str) -> dict[str, Any]:
    link = f"https://telecomlive.in/web/2023/09/02/{slug}/"
    return dict(GOOD, id=wp_id, slug=slug, link=link, guid={"rendered": link})


def _import(tmp_path: Path, files: dict[str, str]) -> ImportReport:
    dump = tmp_path / "dump"
    dump.mkdir()
    for name, text in files.items():
        (dump / name).write_text(text)
    return import_paths(tmp_path / "site", [dump], ImportOptions())


def _messages(report: ImportReport, tmp_path: Path) -> list[str]:
    return [p.render().replace(f"{tmp_path}/dump/", "") for p in report.errors.errors]


GOOD_FILE = {"good.json": json.dumps([GOOD])}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[{"id": 1,,}]',
            "bad.json:1:11: error: invalid JSON: Expecting property name enclosed in double "
            "quotes\n  hint: the file is not valid JSON; was it saved from an error page?",
        ),
        (json.dumps([_other(5, "b")])[:700], "bad.json:1:"),  # truncated download
        ('"just text"', "bad.json: error: expected a post object or a list of posts, got text"),
        ("[1]", "bad.json[0]: error: expected a post (an object), got a number"),
        (
            json.dumps([{"id": 5, "slug": "x", "name": "X", "taxonomy": "category"}]),
            "bad.json: error: this holds no posts: it looks like the content of categories.json "
            "or tags.json\n  hint: name the file categories.json or tags.json so that it is "
            "read as a side file",
        ),
        (
            '{"code": "rest_forbidden", "message": "Sorry.", "data": {"status": 401}}',
            "bad.json: error: WordPress error response, no posts: rest_forbidden: Sorry.\n"
            "  hint: WordPress refused the request this file was saved from; fetch it again",
        ),
        (
            json.dumps([dict(_other(5, "b"), date_gmt="2019-13-01T00:00:00")]),
            'bad.json[0].date_gmt: error: not a date: "2019-13-01T00:00:00" '
            "(month must be in 1..12)\n"
            "  hint: WordPress writes dates as 2023-09-01T11:51:47",
        ),
        (
            json.dumps([{k: v for k, v in _other(5, "b").items() if k != "link"}]),
            "bad.json[0].link: error: missing",
        ),
        (
            json.dumps([dict(_other(5, "b"), title=["x"])]),
            'bad.json[0].title: error: expected {"rendered": text}, got a list',
        ),
        (
            json.dumps(
                [dict(_other(5, "b"), date="2023-09-01T23:00:00", date_gmt="2023-08-31T01:00:00")]
            ),
            "bad.json[0].date_gmt: error: post 5 “X won’t use users’ private data to train its "
            "AI models: Elo…”: the GMT date (date_gmt 2023-08-31T01:00:00) is 1 day and 22 hours "
            "before the local date (date 2023-09-01T23:00:00); they differ by the site's UTC "
            "offset, at most 14 hours\n"
            "  hint: see what WordPress holds: curl -s 'https://telecomlive.in/web/wp-json/wp/v2/"
            "posts/5?_fields=id,date,date_gmt,modified,modified_gmt'; correct the date in "
            "WordPress (edit the post, set its date, update) and import again",
        ),
        (
            json.dumps(
                [
                    dict(
                        _other(5, "b"),
                        type="page",
                        modified="2022-01-01T00:00:00",
                        modified_gmt="2023-11-01T04:30:00",
                    )
                ]
            ),
            "bad.json[0].modified_gmt: error: page 5 “X won’t use users’ private data to train "
            "its AI models: Elo…”: the GMT date (modified_gmt 2023-11-01T04:30:00) is 669 days, "
            "4 hours and 30 minutes after the local date (modified 2022-01-01T00:00:00); they "
            "differ by the site's UTC offset, at most 14 hours\n"
            "  hint: see what WordPress holds: curl -s 'https://telecomlive.in/web/wp-json/wp/v2/"
            "pages/5?_fields=id,date,date_gmt,modified,modified_gmt'",
        ),
    ],
    ids=[
        "invalid",
        "truncated",
        "text",
        "numbers",
        "terms",
        "refused",
        "bad-date",
        "missing-link",
        "ill-typed",
        "far-offset",
        "far-offset-after",
    ],
)
def test_bad_file_is_named_and_others_still_import(tmp_path: Path, text: str, message: str) -> None:
    report = _import(tmp_path, {**GOOD_FILE, "bad.json": text})
    assert report.failed
    (got,) = _messages(report, tmp_path)
    assert got.startswith(message)
    assert report.imported == 1  # the good post
    site = tmp_path / "site" / "content"
    assert len(list(site.rglob("*.md"))) == 1
    assert not list(site.rglob("*.tmp"))


def test_truncated_file_hint(tmp_path: Path) -> None:
    report = _import(tmp_path, {"cut.json": json.dumps([GOOD, _other(5, "b")])[:6000]})
    (problem,) = report.errors.errors
    assert "truncated" in problem.hint and problem.location.startswith(
        f"{tmp_path}/dump/cut.json:1:"
    )


def test_duplicate_ids_with_different_content(tmp_path: Path) -> None:
    twin = dict(_other(800463, "another-post"))
    report = _import(tmp_path, {"a.json": json.dumps([GOOD]), "b.json": json.dumps([twin])})
    assert _messages(report, tmp_path) == [
        "b.json[0].id: error: duplicate id 800463: a.json[0] has another post with this id; "
        "this one is left out\n  hint: each WordPress id is one post; are two sites' files "
        "mixed up?"
    ]
    assert report.imported == 1


def test_unresolvable_ids_are_reported_not_dropped(tmp_path: Path) -> None:
    post = dict(_other(5, "b"), categories=[7, 99], tags=[3], class_list=[])
    twin = dict(_other(6, "c"), categories=[99], class_list=[])
    report = _import(tmp_path, {"p.json": json.dumps([post, twin])})
    warnings = [
        p.render().split("\n")[0].replace(f"{tmp_path}/dump/", "") for p in report.errors.warnings
    ]
    # Each unknown id once, at the first post that has it, with how many more posts have it.
    assert warnings == [
        "p.json[0].author: warning: author id 1 not found; post 5 has no author (and 1 more post)",
        "p.json[0].categories[0]: warning: category id 7 not found; left out of post 5",
        "p.json[0].categories[1]: warning: category id 99 not found; left out of post 5 "
        "(and 1 more post)",
        "p.json[0].tags[0]: warning: tag id 3 not found; left out of post 5",
    ]
    assert not report.failed and report.imported == 2


def test_cli_exit_status_and_summary(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "good.json").write_text(json.dumps(GOOD))
    (dump / "bad.json").write_text("[{")
    runner = CliRunner()
    result = runner.invoke(main, ["--site", str(tmp_path / "site"), "import", str(dump)])
    assert result.exit_code == 1
    assert f"[1] {dump}/bad.json:1:3: error: invalid JSON" in result.stderr
    assert result.stdout.endswith(
        "imported 1, updated 0, unchanged 0, skipped 0, errors 1, warnings 1\n"
    )
    ok = runner.invoke(main, ["--site", str(tmp_path / "site"), "import", str(dump / "good.json")])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.endswith(
        "imported 0, updated 0, unchanged 1, skipped 0, errors 0, warnings 1\n"
    )


def test_missing_input_path(tmp_path: Path) -> None:
    report = import_paths(tmp_path, [tmp_path / "nope"], ImportOptions())
    assert report.failed and "no such file or folder" in report.errors.render()
    assert not (tmp_path / "content").exists()  # nothing read, nothing written


def test_help_documents_every_option() -> None:
    result = CliRunner().invoke(main, ["import", "--help"])
    assert result.exit_code == 0
    command = main.commands["import"]
    for param in command.params:
        if param.name != "paths":
            assert param.help, f"--{param.name} has no help"
            assert param.opts[0] in result.output  # "--max-download" for max_download
    assert (
        "categories.json" in result.output
        and "--site" in CliRunner().invoke(main, ["--help"]).output
    )


def test_progress_bar_on_big_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen.cli import import_cmd

    monkeypatch.setattr(import_cmd, "PROGRESS_FROM", 11)  # "big" = the subset's 11 posts
    log = CliRunner().invoke(main, ["--site", str(tmp_path / "log"), "import", str(SUBSET)])
    assert log.exit_code == 0 and "Importing" not in log.stderr  # no bar in a log or a pipe
    monkeypatch.setattr(import_cmd, "on_terminal", lambda: True)
    result = CliRunner().invoke(main, ["--site", str(tmp_path), "import", str(SUBSET)])
    assert result.exit_code == 0 and "Importing" in result.stderr
    quiet = CliRunner().invoke(main, ["--site", str(tmp_path), "import", "-q", str(SUBSET)])
    assert "Importing" not in quiet.stderr
    monkeypatch.setattr(import_cmd, "PROGRESS_FROM", 12)
    small = CliRunner().invoke(main, ["--site", str(tmp_path), "import", str(SUBSET)])
    assert "Importing" not in small.stderr
