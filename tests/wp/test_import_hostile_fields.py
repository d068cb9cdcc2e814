"""One post with an odd or hostile field, beside a good one, through the real `sitegen import`:
never a traceback, the bad field named by its JSON path, the good post always imported, and
nothing published that WordPress did not mark public."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from cli_support import seed_post, sitegen
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitegen.errors import Problems
from sitegen.wp.importer import ImportOptions, import_paths
from sitegen.wp.jsonfields import read_json

GOOD = seed_post()
SURROGATE_HINT = "the text was cut or mis-encoded in WordPress"


def other(**changes: Any) -> dict[str, Any]:
    link = "https://telecomlive.in/web/2023/09/02/other/"
    return {**GOOD, "id": 7, "slug": "other", "link": link, "guid": {"rendered": link}, **changes}


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in other().items() if k != key}


def nested(key: str, inner: str, value: Any) -> dict[str, Any]:
    post = other()
    return {**post, key: {**post[key], inner: value}}


# name -> (the bad post, exit status, posts imported, what the report must say (JSON path first))
CASES: dict[str, tuple[dict[str, Any], int, int, str]] = {
    # a lone surrogate is repaired (U+FFFD) with a warning: the post and its neighbours import
    "title-surrogate": (
        nested("title", "rendered", "5G \ud800 rollout"),
        0, 2, "posts.json[0].title.rendered: warning: a lone surrogate",
    ),
    "body-surrogate": (
        nested("content", "rendered", "<p>half an emoji: \ud83d</p>"),
        0, 2, "posts.json[0].content.rendered: warning: a lone surrogate",
    ),
    "excerpt-surrogate": (
        nested("excerpt", "rendered", "<p>\udc00</p>"),
        0, 2, "posts.json[0].excerpt.rendered: warning: a lone surrogate",
    ),
    "slug-surrogate": (
        other(slug="other-\ud800"), 0, 2, "posts.json[0].slug: warning: a lone surrogate",
    ),
    "embedded-author-surrogate": (
        other(_embedded={"author": [{"id": 1, "slug": "a", "name": "A\udfff", "link": ""}]}),
        0, 2, "posts.json[0]._embedded.author[0].name: warning: a lone surrogate",
    ),
    "key-surrogate": (
        other(**{"x\ud800": 1}), 0, 2, "posts.json[0].x\ufffd: warning: a lone surrogate",
    ),
    # no status is not "publish": skipped, counted, named
    "status-missing": (
        without("status"), 0, 1, "posts.json[0].status: warning: no status: not imported",
    ),
    "status-null": (
        other(status=None), 0, 1, "posts.json[0].status: warning: no status: not imported",
    ),
    "status-empty": (
        other(status=""), 0, 1, "posts.json[0].status: warning: no status: not imported",
    ),
    "status-number": (
        other(status=1), 1, 1, "posts.json[0].status: error: expected text, got a number 1",
    ),
    # no content: imported, empty, with a warning
    "content-missing": (
        without("content"), 0, 2, "posts.json[0].content: warning: no content.rendered",
    ),
    "content-null": (
        other(content=None), 0, 2, "posts.json[0].content: warning: no content.rendered",
    ),
    "content-without-rendered": (
        other(content={"protected": False}),
        0, 2, "posts.json[0].content: warning: no content.rendered",
    ),
    "content-number": (
        other(content=5), 1, 1, 'posts.json[0].content: error: expected {"rendered": text}',
    ),
    # other nulls and wrong types: the post is refused and named, the good one imports
    "title-null": (other(title=None), 1, 1, "posts.json[0].title: error: missing"),
    "date-null": (other(date=None), 1, 1, "posts.json[0].date: error: missing"),
    "date-number": (other(date=20230901), 1, 1, "posts.json[0].date: error: not a date"),
    "date-overflow": (
        other(date="0001-01-01T00:00:00+05:00"), 1, 1, "posts.json[0].date: error: not a date",
    ),
    "id-text": (other(id="7"), 1, 1, "posts.json[0].id: error: expected a whole number"),
    "categories-number": (
        other(categories=5), 1, 1, "posts.json[0].categories: error: expected a list of ids",
    ),
    "tags-text": (other(tags="5g"), 1, 1, "posts.json[0].tags: error: expected a list of ids"),
    "tags-nested": (
        other(tags=[[1]]), 1, 1, "posts.json[0].tags[0]: error: expected an id, got [1]",
    ),
    "author-text": (other(author="bob"), 1, 1, "posts.json[0].author: error: expected a whole"),
    "sticky-text": (other(sticky="yes"), 1, 1, "posts.json[0].sticky: error: expected true or"),
    "link-null": (other(link=None), 1, 1, "posts.json[0].link: error: missing"),
    "link-not-a-url": (
        other(link="https://[::1/x/"), 1, 1, "posts.json[0].link: error: not a URL",
    ),
    "link-bad-port": (
        other(link="https://telecomlive.in:99999/web/2023/09/02/other/"),
        1, 1, "posts.json[0].link: error: not a URL (Port out of range",
    ),
    # a link no browser can follow, in the body, is kept as written (it is the author's)
    "body-link-not-a-url": (
        nested("content", "rendered", '<p><a href="https://[::1/x">a</a><img src="http://[y"></p>'),
        0, 2, "",
    ),
    "embedded-list": (
        other(_embedded=[1]), 1, 1, "posts.json[0]._embedded: error: expected embedded objects",
    ),
}  # fmt: skip


def _not_carried(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("not carried: ")]


@pytest.mark.parametrize("name", list(CASES))
def test_one_bad_field_through_the_cli(tmp_path: Path, name: str) -> None:
    bad, status, imported, said = CASES[name]
    dump = tmp_path / "dump"
    dump.mkdir()
    # json.dumps escapes a lone surrogate as `\ud800`, exactly as PHP and the REST API do.
    (dump / "posts.json").write_text(json.dumps([bad, GOOD]))
    result = sitegen(tmp_path / "site", "import", dump)  # fails on any traceback
    assert result.exit_code == status, result.output
    assert f"{dump}/{said}" in result.output or not said
    # The summary, then what was not carried (a hostile field's name among them) if anything.
    summary = next(x for x in reversed(result.output.splitlines()) if x.startswith("imported "))
    assert summary.startswith(f"imported {imported},")
    assert result.output.splitlines()[-1] in (summary, *_not_carried(result.output))
    if SURROGATE_HINT in result.output or "no content" in result.output:
        assert "warnings" in summary
    files = sorted((tmp_path / "site" / "content" / "posts").rglob("*.md"))
    assert len(files) == imported
    for file in files:
        file.read_text(encoding="utf-8")  # every file written is valid UTF-8


@pytest.mark.parametrize(
    ("index", "said"),
    [
        ({"gmt_offset": 1e308}, "index.json.gmt_offset: error: not a UTC offset in hours: 1e+308"),
        ({"gmt_offset": "nan"}, "index.json.gmt_offset: error: not a UTC offset in hours: nan"),
        ({"gmt_offset": 99}, "index.json.gmt_offset: error: not a UTC offset in hours: 99"),
        ({"home": "https://[::1"}, "index.json.home: error: not a URL (Invalid IPv6 URL)"),
        ({"home": "javascript:alert(1)//"}, "index.json.home: error: the site's home is not"),
    ],
)
def test_a_bad_site_index_is_named_and_the_posts_still_import(
    tmp_path: Path, index: dict[str, Any], said: str
) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "posts.json").write_text(json.dumps([GOOD]))
    (dump / "index.json").write_text(json.dumps({"name": "TL", **index}))
    result = sitegen(tmp_path / "site", "import", dump)
    assert result.exit_code == 1
    assert f"{dump}/{said}" in result.output
    assert result.output.splitlines()[-1].startswith("imported 1,")


def test_a_repaired_title_keeps_the_rest_of_the_text(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "posts.json").write_text(json.dumps([nested("title", "rendered", "5G \ud800 go")]))
    assert sitegen(tmp_path / "site", "import", dump).exit_code == 0
    (file,) = (tmp_path / "site" / "content" / "posts").rglob("*.md")
    assert "title: 5G \ufffd go\n" in file.read_text(encoding="utf-8")


def test_a_bad_users_json_entry_is_repaired_too(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "posts.json").write_text(json.dumps([GOOD]))
    users = [{"id": 1, "slug": "desk", "name": "News \ud800 Desk", "description": ""}]
    (dump / "users.json").write_text(json.dumps(users))
    result = sitegen(tmp_path / "site", "import", dump)
    assert result.exit_code == 0, result.output
    assert f"{dump}/users.json[0].name: warning: a lone surrogate" in result.output
    assert "News \ufffd Desk" in (tmp_path / "site" / "content" / "_site.yaml").read_text()


def test_a_file_full_of_surrogates_is_named_a_bounded_number_of_times(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    posts = [
        {**other(id=100 + i, slug=f"p{i}"), "title": {"rendered": f"t{i}\ud800"}} for i in range(30)
    ]
    (dump / "posts.json").write_text(json.dumps(posts))
    result = sitegen(tmp_path / "site", "import", dump)
    assert result.output.count("a lone surrogate") == 20
    assert "posts.json[9].title" in result.output  # in file order: [9] before [10]
    assert "10 more texts with lone surrogates, replaced too" in result.output


def test_json_nested_too_deeply_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (dump / "posts.json").write_text(json.dumps([GOOD]))
    result = sitegen(tmp_path / "site", "import", dump)
    assert result.exit_code == 1
    assert f"{dump}/deep.json: error: nested too deeply" in result.output
    assert result.output.splitlines()[-1].startswith("imported 1,")


# ---- any value in any field: never a traceback

_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(st.characters(codec="utf-8") | st.sampled_from("\ud800\udc00\x00\n/\\."))
    | st.sampled_from(
        [
            "2023-09-01T00:00:00",
            "0001-01-01T00:00:00",
            "9999-12-31T23:59:59",
            "2023-09-01",
            "0001-01-01T00:00:00+05:00",
            "9999-12-31T23:59:59-05:00",
            "2023-09-01T00:00:00+14:00",
            "publish",
            "draft",
            "future",
            "page",
            "post",
            "aside",
        ]
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
_KEYS = st.sampled_from([*sorted(GOOD), "content.rendered", "title.rendered", "rendered"])


def _set(post: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    outer, _, inner = key.partition(".")
    if not inner:
        return {**post, key: value}
    base = post.get(outer)
    return {**post, outer: {**(base if isinstance(base, dict) else {}), inner: value}}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(_KEYS, _JSON_VALUES), min_size=1, max_size=3))
def test_any_value_in_any_field_is_reported_not_raised(
    tmp_path_factory: pytest.TempPathFactory, changes: list[tuple[str, Any]]
) -> None:
    tmp = tmp_path_factory.mktemp("fuzz")
    bad = other()
    for key, value in changes:
        bad = _set(bad, key, value)
    dump = tmp / "dump"
    dump.mkdir()
    (dump / "posts.json").write_text(json.dumps([bad, GOOD]))
    report = import_paths(tmp / "site", [dump], ImportOptions())  # raises only on a bug
    assert report.imported >= 1  # the good post, whatever happened to the other
    for problem in report.errors:
        problem.render().encode("utf-8")  # every message can be printed
    for file in (tmp / "site" / "content").rglob("*.md"):
        file.read_text(encoding="utf-8")


def test_a_lone_surrogate_from_a_live_site_is_repaired_too(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from fetch_server import FakeWordPress, serve

    from sitegen.cli import main

    class Cut(FakeWordPress):
        def item(self, i: int) -> dict[str, Any]:
            post = super().item(i)
            return {**post, "title": {"rendered": "half \ud83d"}} if i == 1 else post

    with serve(Cut({1: "2024-01-01T00:00:00", 2: "2024-01-02T00:00:00"})) as (base, _):
        result = CliRunner().invoke(main, ["--site", str(tmp_path), "import", "--from", base])
    assert result.exception is None, result.output  # before: UnicodeEncodeError saving current/
    assert "title.rendered: warning: a lone surrogate" in result.output
    assert result.output.splitlines()[-1].startswith("imported 2,")


_TRICKY = st.text(
    st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff", "🚀", "\\", "u", "D", "8", "c", "a"])
)
_SURROGATE = re.compile("[\ud800-\udfff]")


@settings(max_examples=300, deadline=None)
@given(st.lists(_TRICKY, max_size=4), st.booleans())
@example(["\\ud83d\ude80"], True)  # a backslash, the text "ud83d", then a lone low half
@example(["\ud83d\ude80"], True)  # two halves that pair up: an emoji, not broken
def test_no_lone_surrogate_survives_reading(texts: list[str], ascii_only: bool) -> None:
    # The files not walked are the ones the text proves clean: never a surrogate let through.
    raw = json.dumps({"t": texts, **{t: 1 for t in texts}}, ensure_ascii=ascii_only)
    data = raw.encode("utf-8", "backslashreplace")  # as sitegen saves what it fetched
    truth = json.dumps(json.loads(data.decode()), ensure_ascii=False)
    with tempfile.NamedTemporaryFile(suffix=".json") as fh:
        fh.write(data)
        fh.flush()
        problems = Problems()
        got = read_json(Path(fh.name), "f.json", problems)
    assert not _SURROGATE.search(json.dumps(got, ensure_ascii=False))
    assert bool(problems.warnings) == bool(_SURROGATE.search(truth))
