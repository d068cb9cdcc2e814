"""What a newcomer sees when the input is wrong: the file, the line or JSON path, a hint, a
non-zero exit status, no traceback, and nothing half-written.

Each case is one mistake a user really makes, run through the real `sitegen` command.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitegen.cli import main
from sitegen.render import DEFAULT_THEME
from sitegen.serve import Preview, site_builder

FIXTURES = Path(__file__).parent / "fixtures"
SITE = FIXTURES / "site"
SEED = FIXTURES / "seed" / "000_d01410bb3d07ad41.json"
POST = "content/posts/2023/09/5g-rollout.md"


def sitegen(site: Path, *args: str | Path) -> Result:
    result = CliRunner().invoke(main, ["--site", str(site), *map(str, args)])
    # A user error ends in SystemExit with a message; anything else would be a traceback.
    assert isinstance(result.exception, SystemExit | None), result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SITE, tmp_path / "site"))


def seed_post() -> dict[str, object]:
    data = json.loads(SEED.read_text())
    post = data[0] if isinstance(data, list) else data
    assert isinstance(post, dict)
    return post


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
    assert f"{empty}: error: no .json files in this folder" in result.output
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
    before = (site / "public" / "index.html").read_bytes()
    (site / POST).write_text("---\ntitle: x\ndate: 2023-13-01\n---\nbody\n")
    result = sitegen(site, "build")
    assert result.exit_code == 1
    last = result.output.splitlines()[-1]
    assert re.fullmatch(r"build failed: 1 error\(s\), \d+ warning\(s\) in \d+\.\d\d s "
                        r"\(output NOT updated\)", last), last  # fmt: skip
    assert (site / "public" / "index.html").read_bytes() == before


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


def test_build_and_check_in_a_folder_with_nothing(tmp_path: Path) -> None:
    result = sitegen(tmp_path, "build")
    assert result.exit_code == 1
    assert f"error: no content/ folder in {tmp_path}" in result.output
    assert "hint: run `sitegen import` first" in result.output
    # Before: also "sitegen.toml: error: base_url: not set", for a file that does not exist.
    assert "base_url" not in result.output
    checked = sitegen(tmp_path, "check", "--base-url", "https://example.org/")
    assert checked.exit_code == 1
    assert f"error: no built site in {tmp_path / 'public'}" in checked.output
    assert "hint: run `sitegen build` first" in checked.output


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


def test_check_of_a_broken_site_ends_with_a_verdict(site: Path) -> None:
    # Before: a failing `sitegen check` printed its numbered problems and no summary line.
    assert sitegen(site, "build").exit_code == 0
    shutil.rmtree(site / "public" / "category" / "policy")
    result = sitegen(site, "check")
    assert result.exit_code == 1
    count = len(re.findall(r"^\[\d+\] ", result.output, re.M))
    assert count > 1
    pages = len(list((site / "public").rglob("*.html")))
    assert re.fullmatch(
        rf"public/: {pages} pages, \d+ feeds; {count} error\(s\)", result.output.splitlines()[-1]
    )
    (site / "sitegen.toml").write_text("base_url = 3\n")
    bad_config = sitegen(site, "check")
    assert bad_config.exit_code == 1
    assert "sitegen.toml:1: error: base_url: expected str, got 3" in bad_config.output
    assert bad_config.output.splitlines()[-1] == "check failed: 1 error(s); nothing was checked"


def test_a_bad_base_url_option_is_named_as_the_option(site: Path) -> None:
    # Before: "sitegen.toml: error: base_url: not an absolute http(s) URL: 'example.org'",
    # sending the user to a file that does not hold the mistake.
    for command in ("build", "check"):
        result = sitegen(site, command, "--base-url", "example.org")
        assert result.exit_code == 1
        assert "[1] error: --base-url: not an absolute http(s) URL: 'example.org'" in result.output
        assert "hint: give the full address, e.g. https://example.org/" in result.output
        assert "sitegen.toml" not in result.output


def test_a_wordpress_export_or_feed_is_named_as_such(tmp_path: Path) -> None:
    # Before: "invalid JSON: Expecting value / hint: ... was it saved from an error page?" for
    # the WXR export.xml a WordPress user is most likely to have at hand.
    corpus = FIXTURES / "wp-local-dev"
    result = sitegen(tmp_path / "s", "import", corpus / "export.xml", corpus / "feed.xml")
    assert result.exit_code == 1
    for name in ("export.xml", "feed.xml"):
        assert f"{corpus / name}:1:1: error: invalid JSON: Expecting value" in result.output
    assert result.output.count("hint: this is XML (a WordPress export or a feed), not the") == 2
    assert "errors 2" in result.output.splitlines()[-1]


def test_broken_site_yaml_is_one_error_with_its_lines_in_build_and_import(site: Path) -> None:
    # Before: the build added "base_url: not set" (a consequence), and the import printed
    # PyYAML's raw multi-line dump ("unreadable: while parsing a flow sequence\n in ...").
    site_yaml = site / "content" / "_site.yaml"
    lines = site_yaml.read_text().splitlines()
    site_yaml.write_text("\n".join([*lines, "language: [en"]) + "\n")
    opened = len(lines) + 1
    built = sitegen(site, "build")
    assert built.exit_code == 1
    assert (
        f"[1] content/_site.yaml:{opened + 1}: error: not valid YAML: expected ',' or ']', but "
        f"got '<stream end>' (while parsing a flow sequence that starts on line {opened})\n"
        "  hint: close every quote and bracket"
    ) in built.output
    assert "[2]" not in built.output
    imported = sitegen(site, "import", SEED)
    assert imported.exit_code == 1
    assert (
        f"[1] content/_site.yaml:{opened + 1}: error: not valid YAML: expected ',' or ']'"
    ) in imported.output
    assert "hint: fix the YAML or delete the file; the import writes it again" in imported.output
    assert 'in "<unicode string>"' not in imported.output


def test_check_of_a_site_built_for_another_base_url_says_so_once(site: Path) -> None:
    # Before: one error per link, feed item and sitemap entry (5908 on the corpus).
    other = "https://staging.example.net/mirror/"
    assert sitegen(site, "build", "--base-url", other).exit_code == 0
    result = sitegen(site, "check")
    assert result.exit_code == 1
    assert result.output == (
        f"[1] error: public/ was built for {other}, not https://news.example.org/web/\n"
        f"  hint: check it with --base-url {other}, or build again\n"
        "check failed: 1 error(s); nothing was checked\n"
    )
    assert sitegen(site, "check", "--base-url", other).exit_code == 0


def test_strict_build_says_why_it_failed_with_zero_errors(site: Path) -> None:
    post = site / POST
    post.write_text(post.read_text() + "\n[gone](/no-such-page/)\n")
    lenient = sitegen(site, "build")
    assert lenient.exit_code == 0
    assert "warning: broken link /web/no-such-page/" in lenient.output
    strict = sitegen(site, "build", "--strict")
    assert strict.exit_code == 1
    assert re.fullmatch(
        r"build failed: 0 error\(s\), 1 warning\(s\) in \d+\.\d\d s \(output NOT updated\); "
        r"--strict: warnings fail the build",
        strict.output.splitlines()[-1],
    )


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
    assert (site / "mirror" / "index.html").read_bytes() == (
        site / "public/index.html"
    ).read_bytes()


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
    post = site / "public" / "2023/09/02/5g-rollout-reaches-500-cities/index.html"
    assert "café" in post.read_text()


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


def test_check_of_a_site_built_without_a_sitemap_passes(site: Path) -> None:
    # Before: `[sitemap] enabled = false`, then `sitegen check` failed: "no sitemap in the build".
    toml = site / "sitegen.toml"
    toml.write_text(toml.read_text() + "\n[sitemap]\nenabled = false\n")
    assert sitegen(site, "build").exit_code == 0
    assert not (site / "public" / "sitemap.xml").exists()
    result = sitegen(site, "check")
    assert result.exit_code == 0, result.output
    shutil.rmtree(site / "public" / "category")  # the other checks still run
    assert sitegen(site, "check").exit_code == 1


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


def test_front_matter_typos_are_pointed_at(site: Path) -> None:
    # Before: `categoires:` was silently kept as an extra key (the post lost its categories),
    # and `tilte:` gave "title: missing / hint: add 'title: ...'" as if there were none.
    path = site / POST
    text = path.read_text()
    lines = text.split("\n")
    assert "categories:" in lines
    path.write_text(text.replace("\ncategories:", "\ncategoires:", 1))
    warned = sitegen(site, "build")
    assert warned.exit_code == 0
    assert (
        f"{POST}: warning: unknown front matter key 'categoires' (did you mean 'categories'?)"
    ) in warned.output
    assert sitegen(site, "build", "--strict").exit_code == 1
    path.write_text(text.replace("\ntitle:", "\ntilte:", 1))
    failed = sitegen(site, "build")
    title_line = next(i for i, line in enumerate(lines, 1) if line.startswith("title:"))
    assert f"{POST}:{title_line}: error: title: missing\n  hint: rename 'tilte' to 'title'" in (
        failed.output
    )
