"""The safe-path gate: every name and path that reaches a file or a server rule passes here."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen import safepath
from sitegen.safepath import UnsafePath

HOSTILE_PATHS = [
    "%2e%2e%2f" * 12 + "victim/",
    "../" * 10 + "x/config",
    "a/../../b/",
    "a/%2e%2e/b/",
    "a/%2E%2E/b/",
    "a/./b/",
    "a/%2e/b/",
    "x\n/* https://evil.example/:splat 302!\n/z/",
    "x\r\ny/",
    "a\tb/",
    "a b/",
    "a%00b/",
    "a\x00b/",
    "a%2fb/",
    "a%5cb/",
    "a\\b/",
    "a?b=1/",
    "a#frag/",
    "a//b/",
    "%ff%fe/",
    "a\u2028b/",
    "a\u202eb/",
    "x" * 256 + "/",
    quote("ह" * 86) + "/",  # 258 bytes decoded
    "a\ud800b/",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_are_refused(path: str) -> None:
    with pytest.raises(UnsafePath):
        safepath.output_file(path)


@pytest.mark.parametrize(
    ("path", "file"),
    [
        ("", "index.html"),
        ("2024/03/05/slug/", "2024/03/05/slug/index.html"),
        ("/2024/03/05/slug", "2024/03/05/slug"),
        ("sitemap.xml", "sitemap.xml"),
        ("2024/11/14/%e0%a4%b9/", "2024/11/14/ह/index.html"),
        ("2024/11/14/हिंदी/", "2024/11/14/हिंदी/index.html"),
        ("category/5g/page/2/", "category/5g/page/2/index.html"),
        ("a%20b/", "a b/index.html"),
        ("x" * 255 + "/", "x" * 255 + "/index.html"),
    ],
)
def test_real_paths_pass(path: str, file: str) -> None:
    assert safepath.output_file(path) == file


@given(st.lists(st.text(min_size=0, max_size=30), min_size=1, max_size=5))
def test_output_file_never_leaves_the_root(segments: list[str]) -> None:
    path = "/".join(quote(s, safe="") if len(s) % 2 else s for s in segments) + "/"
    try:
        rel = safepath.output_file(path)
    except UnsafePath:
        return
    normal = os.path.normpath(rel)
    assert not normal.startswith(("..", "/"))
    assert normal == rel.rstrip("/")
    assert "\x00" not in rel and "\n" not in rel and "\\" not in rel
    for part in rel.split("/"):
        assert 0 < len(part.encode()) <= 255


def _answer(check: object, path: str) -> tuple[str, str]:
    try:
        return "ok", check(path)  # type: ignore[operator]
    except UnsafePath as exc:
        return "refused", str(exc)


# Paths near the plain fast path's edges: segments that are empty, `.`, `..` or too long, its
# own characters, and what it must hand to the full rules (`%`, space, `?`, `\\`, non-ASCII).
_SEGMENTS = st.sampled_from(["", ".", "..", "a", "x" * 255, "x" * 256, ":*", "%2e%2e", "a b"])
_NEAR_PLAIN = st.builds(
    lambda lead, parts, trail: lead + "/".join(parts) + trail,
    st.sampled_from(["", "/", "//"]),
    st.lists(_SEGMENTS | st.text(alphabet="ab.-_~:%2e?# \\\tह\u202e", max_size=6), max_size=5),
    st.sampled_from(["", "/", "//"]),
)


@given(_NEAR_PLAIN | st.text(max_size=30))
def test_the_plain_path_shortcut_answers_as_the_rules_do(path: str) -> None:
    """The oracle of `check_url_path`'s fast path: the same result, or the same refusal."""
    assert _answer(safepath.check_url_path, path) == _answer(safepath._checked_url_path, path)


@given(_NEAR_PLAIN | st.text(max_size=30))
def test_the_plain_file_shortcut_answers_as_the_rules_do(rel: str) -> None:
    """The oracle of `check_relative_file`'s fast path, and of `output_file` skipping the
    decoding of a path with no `%` in it."""
    fast = _answer(safepath.check_relative_file, rel)
    assert fast == _answer(safepath._checked_relative_file, rel)
    decoded = _answer(safepath.output_file, rel)
    if decoded[0] == "ok":
        segments = safepath.check_url_path(rel).split("/")
        whole = "/".join(safepath.decode_segment(s) for s in segments)
        assert decoded[1] == (whole + "index.html" if whole == "" or whole.endswith("/") else whole)


@given(st.text(max_size=40))
def test_rule_path_has_no_separator_or_placeholder(text: str) -> None:
    try:
        rule = safepath.rule_path(text)
    except UnsafePath:
        return
    assert not any(ch.isspace() or ord(ch) < 32 or ord(ch) > 126 for ch in rule)
    assert ":" not in rule and "*" not in rule


@pytest.mark.parametrize("slug", ["../x", "a/b", "..", ".", "", "a b", "x\ny", "%2e%2e"])
def test_hostile_slugs(slug: str) -> None:
    with pytest.raises(UnsafePath):
        safepath.check_slug(slug)


def test_inside_refuses_symlinked_folder(tmp_path: Path) -> None:
    root = tmp_path / "public"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside)
    with pytest.raises(UnsafePath):
        safepath.inside(root, "link/index.html")
    (root / "file-link").symlink_to(outside / "f")
    with pytest.raises(UnsafePath):
        safepath.inside(root, "file-link")
    assert safepath.inside(root, "a/b/index.html") == root / "a" / "b" / "index.html"


@pytest.mark.parametrize("rel", ["../x", "/etc/passwd", "a/../../x", "a//b", "a/./b", ""])
def test_inside_refuses_escapes(tmp_path: Path, rel: str) -> None:
    with pytest.raises(UnsafePath):
        safepath.inside(tmp_path, rel)


@given(st.text(min_size=1, max_size=400))
def test_hashed_name_fits_and_is_stable(name: str) -> None:
    try:
        name.encode()
    except UnicodeEncodeError:
        return
    short = safepath.hashed_name(name)
    assert len(short.encode()) <= 200
    assert short == safepath.hashed_name(name)
    if len(name.encode()) <= 200:
        assert short == name
