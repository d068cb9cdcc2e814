"""`sitegen build` on bad content, config and themes: the file and line, a hint, a non-zero
exit, no traceback, and public/ (and the sources!) untouched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from builtsite import built_root
from cli_support import POST, sitegen
from testdata import SEED

from sitegen.build.render import DEFAULT_THEME


def test_broken_front_matter_points_at_the_unclosed_quote(site: Path) -> None:
    path = site / POST
    lines = path.read_text().split("\n")
    title = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[title] = 'title: "5G rollout reaches 500 cities'
    path.write_text("\n".join(lines))
    result = sitegen(site, "build")
    assert result.exit_code == 1
    # YAML only notices at the end of the front matter; the message says where the quote began.
    assert re.search(
        rf"{POST}:\d+: error: front matter: found unexpected end of stream "
        rf"\(while scanning a quoted scalar that starts on line {title + 1}\)",
        result.output,
    ), result.output
    assert "hint: close every quote and bracket" in result.output
    assert result.output.splitlines()[-1].startswith("build failed: 1 error(s)")
    assert not (site / "public").exists()


def test_failed_build_summary_does_not_claim_files_were_written(site: Path) -> None:
    # Before: "699 files: 699 written, 0 unchanged, 1 error(s) ... (output NOT updated)".
    assert sitegen(site, "build").exit_code == 0
    before = (built_root(site) / "index.html").read_bytes()
    (site / POST).write_text("---\ntitle: x\ndate: 2023-13-01\n---\nbody\n")
    result = sitegen(site, "build")
    assert result.exit_code == 1
    last = result.output.splitlines()[-1]
    assert re.fullmatch(r"build failed: 1 error\(s\), \d+ warning\(s\) in \d+\.\d\d s "
                        r"\(output NOT updated\)", last), last  # fmt: skip
    assert (built_root(site) / "index.html").read_bytes() == before


def test_broken_site_template_is_one_error_not_a_flood_of_link_warnings(site: Path) -> None:
    # Before: one typo in post.html gave the error plus a "broken link" warning for every link
    # to every post (471 on the corpus), burying the one line to fix.
    theme = site / "themes" / "mine" / "templates"
    theme.mkdir(parents=True)
    good = (DEFAULT_THEME / "templates" / "post.html").read_text()
    (theme / "post.html").write_text(good.replace("{{ post.title }}", "{{ post.title }", 1))
    toml = site / "sitegen.toml"
    toml.write_text('theme = "mine"\n' + toml.read_text())
    result = sitegen(site, "build")
    assert result.exit_code == 1
    assert re.search(
        r"^\[1\] themes/mine/templates/post\.html:\d+: error: template: ", result.output, re.M
    )
    assert "broken link" not in result.output
    assert result.output.splitlines()[-1].startswith("build failed: 1 error(s), 0 warning(s)")


def test_strict_build_says_why_it_failed_with_zero_errors(site: Path) -> None:
    post = site / POST
    post.write_text(post.read_text().replace("\ntitle:", "\ntilte: x\ntitle:", 1))
    lenient = sitegen(site, "build")
    assert lenient.exit_code == 0, lenient.output
    assert "warning: unknown front matter key 'tilte'" in lenient.output
    strict = sitegen(site, "build", "--strict")
    assert strict.exit_code == 1
    assert re.fullmatch(
        r"build failed: 0 error\(s\), 1 warning\(s\) in \d+\.\d\d s \(output NOT updated\); "
        r"--strict: warnings fail the build",
        strict.output.splitlines()[-1],
    )


def test_a_broken_link_has_one_verdict_in_build_and_check(site: Path) -> None:
    # Before: a warning in `build` (exit 0) and an error in `check` (exit 1) for one link.
    post = site / POST
    post.write_text(post.read_text() + "\n[gone](/no-such-page/)\n")
    built = sitegen(site, "build")
    assert built.exit_code == 1
    assert f"{POST}: error: broken link /web/no-such-page/ (no such file in the site)" in (
        built.output
    )
    # The output is whole and written (only the link is wrong); the summary says both.
    assert re.fullmatch(
        r"\d+ files: \d+ written, 0 unchanged, 1 error\(s\), 0 warning\(s\) in \d+\.\d\d s "
        r"\(output updated; its broken links fail the build\)",
        built.output.splitlines()[-1],
    )
    assert any(b"/no-such-page/" in p.read_bytes() for p in (site / "public").rglob("*.html"))
    checked = sitegen(site, "check")
    assert checked.exit_code == 1
    assert "broken link /web/no-such-page/" in checked.output
    again = sitegen(site, "build")  # nothing changed: the same verdict, not a no-op exit 0
    assert again.exit_code == 1
    assert "error: broken link /web/no-such-page/" in again.output


def test_a_missing_included_template_is_named_as_missing(site: Path) -> None:
    # Before: "themes/mine/templates/post.html:1: error: template: _nope.html".
    theme = site / "themes" / "mine" / "templates"
    theme.mkdir(parents=True)
    (theme / "post.html").write_text(
        '{% extends "base.html" %}{% block main %}{% include "_nope.html" %}{% endblock %}\n'
    )
    toml = site / "sitegen.toml"
    toml.write_text('theme = "mine"\n' + toml.read_text())
    result = sitegen(site, "build")
    assert result.exit_code == 1
    assert (
        "[1] themes/mine/templates/post.html:1: error: template: no template named _nope.html"
    ) in result.output


@pytest.mark.parametrize("value", ["content", ".", "themes/mine", "static", ".sitegen"])
def test_output_dir_that_would_replace_the_sources_is_refused(site: Path, value: str) -> None:
    # Before: output_dir = "content" built the site and swapped it in place of content/:
    # every post was gone.
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    (site / "sitegen.toml").write_text(
        f'output_dir = "{value}"\n' + (site / "sitegen.toml").read_text()
    )
    result = sitegen(site, "build")
    assert result.exit_code == 1
    assert f"sitegen.toml:1: error: output_dir: '{value}' would overwrite " in result.output
    assert 'hint: use a folder of its own, like output_dir = "public"' in result.output
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before


def test_non_utf8_config_and_site_files_are_errors_not_tracebacks(site: Path) -> None:
    # Before: UnicodeDecodeError tracebacks from `sitegen build` and `sitegen check`.
    toml = site / "sitegen.toml"
    good = toml.read_bytes()
    toml.write_bytes(good + b'language = "caf\xe9"\n')
    for command in ("build", "check"):
        result = sitegen(site, command)
        assert result.exit_code == 1
        assert "[1] sitegen.toml: error: not UTF-8 text (invalid continuation byte at byte" in (
            result.output
        )
    toml.write_bytes(good)
    site_yaml = site / "content" / "_site.yaml"
    site_yaml.write_bytes(site_yaml.read_bytes() + b"language: caf\xe9\n")
    built = sitegen(site, "build")
    assert built.exit_code == 1
    assert "[1] content/_site.yaml: error: not UTF-8 text (" in built.output
    imported = sitegen(site, "import", SEED)
    assert imported.exit_code == 1
    assert "hint: save it as UTF-8, or delete it; the import writes it again" in imported.output


def test_a_template_saved_as_latin1_is_named(site: Path) -> None:
    # Before: a UnicodeDecodeError traceback from the build's template digests.
    theme = site / "themes" / "mine" / "templates"
    theme.mkdir(parents=True)
    (theme / "post.html").write_bytes(
        b'{% extends "base.html" %}{% block main %}caf\xe9{% endblock %}\n'
    )
    toml = site / "sitegen.toml"
    toml.write_text('theme = "mine"\n' + toml.read_text())
    result = sitegen(site, "build")
    assert result.exit_code == 1
    assert (
        "[1] themes/mine/templates/post.html: error: template: not UTF-8 text (invalid "
        "continuation byte at byte 44)\n  hint: save the template as UTF-8"
    ) in result.output
    (theme / "post.html").write_text(
        '{% extends "base.html" %}{% block main %}café{% endblock %}\n'
    )
    fixed = sitegen(site, "build")
    assert fixed.exit_code == 0, fixed.output
    post = built_root(site) / "2023/09/02/5g-rollout-reaches-500-cities/index.html"
    assert "café" in post.read_text()


def test_front_matter_typos_are_pointed_at(site: Path) -> None:
    # Before: `categoires:` was silently kept as an extra key (the post lost its categories),
    # and `tilte:` gave "title: missing / hint: add 'title: ...'" as if there were none.
    path = site / POST
    text = path.read_text()
    lines = text.split("\n")
    assert "categories:" in lines
    path.write_text(text.replace("\ncategories:", "\ncategoires:", 1))
    warned = sitegen(site, "build")
    assert (
        f"{POST}: warning: unknown front matter key 'categoires' (did you mean 'categories'?)"
    ) in warned.output
    # The post lost its only category, so that category's page is gone and links to it break:
    # an error, whatever --strict says.
    assert warned.exit_code == 1
    assert "error: broken link /web/category/" in warned.output
    path.write_text(text.replace("\ntitle:", "\ntilte:", 1))
    failed = sitegen(site, "build")
    title_line = next(i for i, line in enumerate(lines, 1) if line.startswith("title:"))
    assert f"{POST}:{title_line}: error: title: missing\n  hint: rename 'tilte' to 'title'" in (
        failed.output
    )


def test_aliases_written_as_one_path_or_a_number(site: Path) -> None:
    # Before: `aliases: 2019/05/old/` was split into one alias per character, and
    # `aliases: 2019` was a TypeError traceback.
    path = site / POST
    text = path.read_text()
    path.write_text(text.replace("\ntitle:", "\naliases: 2019/05/old-5g-post/\ntitle:", 1))
    built = sitegen(site, "build")
    assert built.exit_code == 0, built.output
    redirects = (site / "public" / "_redirects").read_text()
    assert re.search(
        r"^/web/2019/05/old-5g-post/ +/web/2023/09/02/5g-rollout-reaches-500-cities/ +301$",
        redirects,
        re.M,
    ), redirects
    assert "/web/2/ " not in redirects and "/web/0/ " not in redirects  # not per character
    path.write_text(text.replace("\ntitle:", "\naliases: 2019\ntitle:", 1))
    failed = sitegen(site, "build")
    assert failed.exit_code == 1
    assert f"{POST}:2: error: aliases: expected a list of paths, got 2019" in failed.output


def test_a_non_numeric_wp_id_in_site_yaml_or_gone_yaml_is_an_error(site: Path) -> None:
    # Before: `wp_id: x` in content/_site.yaml or content/_gone.yaml was a ValueError traceback.
    site_yaml = site / "content" / "_site.yaml"
    good = site_yaml.read_text()
    site_yaml.write_text(good + "authors:\n- {slug: ana, name: Ana, wp_id: x}\n")
    result = sitegen(site, "build")
    assert result.exit_code == 1
    assert "content/_site.yaml: error: authors: expected a list of {slug: ..., name: ...}" in (
        result.output
    )
    site_yaml.write_text(good)
    (site / "content" / "_gone.yaml").write_text("- {path: 2019/01/x/, wp_id: x}\n")
    gone = sitegen(site, "build")
    assert gone.exit_code == 1
    assert "content/_gone.yaml: error: entry 0: expected {path: 2023/09/01/x/, wp_id: 1}" in (
        gone.output
    )
