"""Hostile front matter, `_site.yaml` and `_gone.yaml` in `sitegen build`: every path, alias,
parent, term and author slug goes through sitegen.safepath when content is read, on every way
it is read (the incremental loader, its document cache, serve's memo); a refused one is an
error naming the file and key, nothing is written outside the site, `public/` stays as it was.
Behind that, the output sinks and the server-rule writer refuse what any caller gives them."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cli_support import POST, sitegen
from testdata import FIXTURE_SITE

from sitegen import safepath
from sitegen.build.incremental import Memo
from sitegen.build.options import BuildOptions, InMemory
from sitegen.build.orchestrator import build_site
from sitegen.build.output import MemorySink, StagedDirSink
from sitegen.build.redirects import render_headers, render_redirects
from sitegen.config import SiteConfig, load_config
from sitegen.content import parse_document
from sitegen.errors import Problems, SitegenError
from sitegen.site.assemble import Site, assemble_site, load_site_info

INJECT = "x\n/* https://evil.example/:splat 302!\n/z"


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    """The fixture site two folders down, so that a `../../x` lands in tmp if let through."""
    return Path(shutil.copytree(FIXTURE_SITE, tmp_path / "a" / "site"))


def _outside(site: Path) -> list[str]:
    root = site.parent.parent
    return sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, dirs, files in os.walk(root)
        if not (folder + os.sep).startswith(str(site) + os.sep)
        for name in dirs + files
    )


def _edit(site: Path, key: str, value: str) -> None:
    """Set front matter `key` of the 5G post to the YAML `value` (replacing it if there)."""
    path = site / POST
    lines = path.read_text().split("\n")
    if f"{key}:" in lines:  # a block list: drop its items too
        at = lines.index(f"{key}:")
        end = next(i for i in range(at + 1, len(lines)) if not lines[i].startswith("- "))
        del lines[at:end]
    lines = [line for line in lines if not line.startswith(f"{key}:")]
    lines.insert(1, f"{key}: {value}")
    path.write_text("\n".join(lines))


def _public(site: Path) -> dict[str, bytes]:
    out = site / "public"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


CASES = [
    ("path", "../../x/", "path: '../../x/': '..' is not a file name"),
    ("path", "'%2e%2e/%2e%2e/x/'", "path: '%2e%2e/%2e%2e/x/': '..' is not a file name"),
    ("path", "a/%2f/x/", "path: 'a/%2f/x/': '/' holds a path separator"),
    ("path", '"a/\\0b/"', "holds white space or the control character U+0000"),
    ("path", "'" + "x" * 256 + "/'", "longer than file systems allow"),
    ("aliases", "['../../x/']", "aliases: '../../x/': '..' is not"),
    ("aliases", '["' + INJECT.replace("\n", "\\n") + '"]', "aliases: 'x\\n/*"),
    ("aliases", "[/]", "aliases: '/' is the home"),
    ("parent", "'a/../../x/'", "parent: 'a/../../x/': '..' is not a file name"),
    ("categories", "[../../x]", "categories: '../../x' holds a path separator"),
    ("tags", '["' + INJECT.replace("\n", "\\n") + '"]', "tags: 'x\\n/*"),
    ("author", '"a\\0b"', "author: 'a\\x00b' holds white space or the control character U+0000"),
    ("author", "{slug: ..}", "author: '..' is not a file name"),
    ("categories", "[{slug: ok, parent: ../x}]", "categories: '../x' holds"),
]


@pytest.mark.parametrize(("key", "value", "said"), CASES)
def test_hostile_front_matter_is_an_error_naming_the_file_and_key(
    site: Path, key: str, value: str, said: str
) -> None:
    assert sitegen(site, "build").exit_code == 0
    before, outside = _public(site), _outside(site)
    _edit(site, key, value)
    result = sitegen(site, "build")  # incremental: the document cache and state are there
    assert result.exit_code == 1
    assert f"{POST}:2: error: " in result.output
    assert said in result.output.replace("\\\\", "\\")
    assert "hint: " in result.output
    assert _public(site) == before  # a failed build leaves public/ as it was
    assert _outside(site) == outside
    again = sitegen(site, "build", "--full")  # and the clean path says the same
    assert again.exit_code == 1 and f"{POST}:2: error: " in again.output


def test_serve_memo_loads_through_the_same_check(site: Path) -> None:
    memo = Memo()
    sink = MemorySink()
    assert not build_site(site, BuildOptions(target=InMemory(sink, memo))).failed()
    _edit(site, "path", "../../x/")
    report = build_site(site, BuildOptions(target=InMemory(sink, memo)))
    errors = [p.render() for p in report.problems.errors]
    assert errors and errors[0].startswith(f"{POST}:2: error: path: '../../x/': '..' is not")
    assert not any(".." in rel for rel in sink.files)


def test_hostile_site_yaml_terms_and_authors_are_left_out_with_file_and_key(site: Path) -> None:
    info = site / "content" / "_site.yaml"
    text = info.read_text()
    text = text.replace("- {slug: unused,", "- {slug: '../../x', name: X}\n- {slug: unused,")
    text = text.replace("- {slug: priya,", '- {slug: "a\\0b", name: N}\n- {slug: priya,')
    text = text.replace("- {slug: ai,", "- {slug: ok, name: O, parent: '..'}\n- {slug: ai,")
    info.write_text(text)
    outside = _outside(site)
    result = sitegen(site, "build")
    assert result.exit_code == 1
    out = result.output
    assert "content/_site.yaml: error: categories[3].slug: '../../x' holds a path separator" in out
    assert (
        "content/_site.yaml: error: authors[1].slug: 'a\\x00b' holds white space or the control"
        in out
    )
    assert "content/_site.yaml: error: tags[1].parent: '..' is not a file name" in out
    assert "hint: a slug is one URL path segment" in out
    problems = Problems()
    loaded = load_site_info(site, problems)
    assert [t.slug for t in loaded.categories] == ["telecom", "5g", "policy", "unused"]
    assert [a.slug for a in loaded.authors] == ["news-desk", "priya"]
    assert _outside(site) == outside


def test_hostile_gone_paths_are_left_out_of_redirects(site: Path) -> None:
    gone = site / "content" / "_gone.yaml"
    bad = INJECT.replace("\n", "\\n")
    gone.write_text(gone.read_text() + f'- {{path: "{bad}/", wp_id: 9}}\n- {{path: ../x/}}\n')
    result = sitegen(site, "build")
    assert result.exit_code == 1
    assert "content/_gone.yaml: error: entry " in result.output
    assert "evil.example" not in result.output.split("error: entry")[0]


def _site_with(site: Path, **doc_fields: Any) -> tuple[Site, SiteConfig]:
    """A Site assembled from a document that skipped the checks of content loading."""
    problems = Problems()
    info = load_site_info(site, problems)
    config = load_config(site, info, problems)
    doc = replace(parse_document((site / POST).read_text(), POST), **doc_fields)
    return assemble_site(info, [doc], problems), config


@pytest.mark.parametrize(
    "fields",
    [
        {"aliases": (INJECT + "/",)},
        {"path": INJECT + "/"},
        {"path": "a b/"},
        {"path": "%2e%2e/x/"},
    ],
    ids=["alias", "path", "space", "dotdot"],
)
def test_the_rule_writers_refuse_a_path_that_slipped_past_loading(
    site: Path, fields: dict[str, Any]
) -> None:
    built, config = _site_with(site, **fields)
    with pytest.raises(SitegenError) as caught:
        render_redirects(built, config)
    assert "a path refused for a server rule" in caught.value.message
    assert caught.value.location == "_redirects"


def test_the_rule_writers_quote_what_a_rule_could_misread(site: Path) -> None:
    built, config = _site_with(site, aliases=("old/:splat/*/",))
    rules = render_redirects(built, config).decode()
    assert "/web/old/%3Asplat/%2A/ /web/2023/09/02/5g-rollout-reaches-500-cities/ 301" in rules
    headers = render_headers(built, config).decode()
    assert "/web/category/telecom/5g/feed/" in headers and "/web/category/:slug/feed/" in headers


@pytest.mark.parametrize(
    "rel",
    ["../x.html", "a/../../x.html", "ABSOLUTE", "a/\x00/index.html", "", "a//b", "a/" + "x" * 256],
)
def test_the_sinks_refuse_a_name_outside_the_output(tmp_path: Path, rel: str) -> None:
    # An absolute name inside tmp: were it ever let through, it must not land anywhere else.
    rel = rel.replace("ABSOLUTE", str(tmp_path / "abs.html"))
    memory = MemorySink()
    with pytest.raises(SitegenError, match="output file refused"):
        memory.write(rel, b"x")
    assert not memory.staged()
    staged = StagedDirSink(tmp_path / "public")
    with pytest.raises(SitegenError, match="output file refused"):
        staged.write(rel, b"x")
    assert not staged.changed
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public.new"]


def test_the_staged_sink_refuses_a_folder_that_links_out(tmp_path: Path) -> None:
    staged = StagedDirSink(tmp_path / "public")
    (tmp_path / "elsewhere").mkdir()
    (staged.stage / "a").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(SitegenError, match="output file refused"):
        staged.write("a/index.html", b"x")
    assert not list((tmp_path / "elsewhere").iterdir())
    assert staged.write("b/index.html", b"x") and staged.changed == {"b/index.html"}


def test_the_output_file_of_a_path_comes_from_the_gate() -> None:
    from sitegen.build.plan import RenderJob

    assert RenderJob(path="%e0%a4%b9/", kind="page").output == "ह/index.html"
    with pytest.raises(safepath.UnsafePath):
        _ = RenderJob(path="%2e%2e/x/", kind="page").output


def test_a_static_file_with_an_unpublishable_name_is_named_not_a_crash(site: Path) -> None:
    (site / "static" / "Icon\r").write_bytes(b"")  # what some sync tools leave in folders
    before = _public(site)
    result = sitegen(site, "build")
    # Left out and said, like a symbolic link in static/: the rest of the site is published.
    assert result.exit_code == 0, result.output
    assert "static/Icon\r: warning: not copied: 'Icon\\r' holds" in result.output
    assert "hint: rename or remove the file" in result.output
    assert not any("Icon" in name for name in _public(site))
    assert {k: v for k, v in _public(site).items()}.keys() >= before.keys()
