"""YAML that sitegen reads (front matter, _site.yaml, _gone.yaml) is bounded: no aliases, so a
few hand-edited lines cannot stand for billions of values, and nesting too deep to parse is a
message, not a traceback. Every path that loads a document refuses the same way: a clean build,
an incremental one after an edit (the document cache), and the import."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from cli_support import sitegen
from testdata import SEED

from sitegen.content import AliasRefused, SafeLoader, SurrogateRefused, load_yaml, split_document

POST = "content/posts/2022/12/year-end.md"
OTHER = "content/posts/2023/08/sticky.md"

# 9 levels of 9: 387,420,489 strings once expanded (the reported 30 s build had fewer).
LAUGHS = 'lol0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)
)


def add_front_matter(path: Path, lines: str) -> None:
    text = path.read_text()
    assert text.startswith("---\n")
    path.write_text("---\n" + lines + text[4:])


def test_billion_laughs_in_front_matter_is_refused_fast_with_file_and_line(site: Path) -> None:
    add_front_matter(site / POST, LAUGHS)
    add_front_matter(site / OTHER, "a: &x 1\nb: *x\n")  # a second file: loading goes on
    started = time.perf_counter()
    result = sitegen(site, "build")
    elapsed = time.perf_counter() - started
    assert elapsed < 5, elapsed  # refused before anything walks the values (30 s+ before)
    assert result.exit_code == 1
    assert (
        f"{POST}:3: error: front matter: found an alias (*l0), which sitegen does not expand\n"
        "  hint: write the value out in full: sitegen does not expand YAML aliases (*name)"
    ) in result.output
    assert f"{OTHER}:3: error: front matter: found an alias (*x)" in result.output
    assert "2 error(s)" in result.output  # every other post loaded without a word


def test_an_edit_after_a_good_build_is_refused_too(site: Path) -> None:
    # The second build trusts its document cache for every file but the edited one.
    assert sitegen(site, "build").exit_code == 0
    add_front_matter(site / POST, "base: &b {x: 1}\nmerged:\n  <<: *b\n")
    result = sitegen(site, "build")
    assert result.exit_code == 1
    assert f"{POST}:4: error: front matter: found an alias (*b)" in result.output
    assert "1 error(s)" in result.output
    again = sitegen(site, "build")  # the refusal is not cached away
    assert f"{POST}:4: error: front matter: found an alias (*b)" in again.output


def test_site_yaml_with_an_alias_is_refused_in_build_and_import(site: Path) -> None:
    site_yaml = site / "content" / "_site.yaml"
    lines = site_yaml.read_text().splitlines()
    site_yaml.write_text("\n".join([*lines, "x: &x [1, 2]", "y: [*x, *x]"]) + "\n")
    built = sitegen(site, "build")
    assert built.exit_code == 1
    assert f"content/_site.yaml:{len(lines) + 2}: error: not valid YAML: found an alias (*x)" in (
        built.output
    )
    imported = sitegen(site, "import", SEED)
    assert imported.exit_code == 1
    assert f"content/_site.yaml:{len(lines) + 2}: error: not valid YAML: found an alias" in (
        imported.output
    )


def test_gone_yaml_with_an_alias_is_refused(site: Path) -> None:
    gone = site / "content" / "_gone.yaml"
    gone.write_text(gone.read_text() + "- &g {path: a/}\n- *g\n")
    built = sitegen(site, "build")
    assert built.exit_code == 1
    assert "content/_gone.yaml:" in built.output and "found an alias (*g)" in built.output


@pytest.mark.parametrize(
    "text",
    [
        'title: "*not an alias"\n',
        "title: 5 * 3 = 15\n",
        "title: Tom & Jerry\nsummary: '&amp; *x'\n",
        "a: &anchor 1\n",  # an anchor nobody refers to expands nothing
    ],
)
def test_stars_and_ampersands_that_are_not_aliases_load(text: str) -> None:
    meta, _, _ = split_document(f"---\n{text}---\nbody\n", "x.md")
    assert meta == yaml.safe_load(text)


@pytest.mark.parametrize("loader", [None, yaml.SafeLoader])
def test_nesting_too_deep_is_a_yaml_error_not_a_traceback(loader: type | None) -> None:
    deep = "a: " + "[" * 3000 + "]" * 3000
    with pytest.raises(yaml.MarkedYAMLError):
        load_yaml(deep) if loader is None else load_yaml(deep, loader)
    block = "".join(" " * i + f"k{i}:\n" for i in range(3000))
    with pytest.raises(yaml.MarkedYAMLError):
        load_yaml(block) if loader is None else load_yaml(block, loader)


def test_deep_front_matter_names_the_file(site: Path) -> None:
    add_front_matter(site / POST, "deep: " + "[" * 5000 + "]" * 5000 + "\n")
    result = sitegen(site, "build")
    assert result.exit_code == 1
    assert f"{POST}:2: error: front matter:" in result.output


def test_the_refusal_is_a_marked_yaml_error() -> None:
    with pytest.raises(AliasRefused) as caught:
        load_yaml("a: &a 1\nb: *a\n")
    assert caught.value.problem_mark is not None and caught.value.problem_mark.line == 1


@pytest.mark.parametrize("loader", [SafeLoader, yaml.SafeLoader])
def test_a_lone_surrogate_escape_is_refused_by_either_parser(loader: type) -> None:
    # libyaml refuses "\ud800" itself; PyYAML's own parser (where libyaml is missing) makes it a
    # text no page can be written in, so load_yaml refuses it there.
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        load_yaml('a: 1\nname: "Tele\\ud800com"\n', loader)
    assert caught.value.problem_mark is not None and caught.value.problem_mark.line == 1
    if loader is yaml.SafeLoader:
        assert isinstance(caught.value, SurrogateRefused)


def test_a_lone_surrogate_escape_in_site_yaml_is_refused_not_a_traceback(site: Path) -> None:
    site_yaml = site / "content" / "_site.yaml"
    text = site_yaml.read_text().replace("name: Telecom,", 'name: "Tele\\ud800com",', 1)
    assert "\\ud800" in text
    site_yaml.write_text(text)
    line = 1 + text[: text.index("\\ud800")].count("\n")
    built = sitegen(site, "build")  # was: UnicodeEncodeError rendering the category page
    assert built.exit_code == 1
    assert f"content/_site.yaml:{line}: error: not valid YAML: found " in built.output
    assert "Traceback" not in built.output
