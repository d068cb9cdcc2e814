"""`sitegen init`: a new site folder from a saved dump, an export or a live WordPress."""

from __future__ import annotations

import socket
import tomllib
from pathlib import Path

from click.testing import CliRunner, Result
from fetch_server import FakeWordPress, serve
from testdata import CORPUS

from sitegen.cli import main
from sitegen.config import SiteConfig, load_config
from sitegen.errors import Problems
from sitegen.model import SiteInfo

WRITTEN = (
    "sitegen.toml",
    "netlify.toml",
    ".gitignore",
    ".github/workflows/sync.yml",
    "deploy/sitegen-sync.service",
    "deploy/sitegen-sync.timer",
)


def run(site: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--site", str(site), *args])


def config_of(site: Path) -> SiteConfig:
    problems = Problems()
    config = load_config(site, SiteInfo(), problems)
    assert not len(problems), problems.render()
    return config


def test_init_from_the_dump_then_import_and_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = run(site, "init", str(CORPUS), "--base-url", "https://news.example.org")
    assert result.exit_code == 0, result.output
    for name in WRITTEN:
        assert (site / name).is_file(), name
    config = config_of(site)
    assert config.base_url == "https://news.example.org/"
    assert config.title == "Telecom Live (local mirror test)"
    assert config.timezone == "Asia/Kolkata"
    # Every key written is explained by the comment line just above it.
    lines = (site / "sitegen.toml").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            assert lines[i - 1].startswith("#"), f"{line!r} has no comment"
    for name in ("netlify.toml", "deploy/sitegen-sync.service", "deploy/sitegen-sync.timer"):
        if name.endswith(".toml"):
            tomllib.loads((site / name).read_text(encoding="utf-8"))
    sync = (site / ".github/workflows/sync.yml").read_text(encoding="utf-8")
    assert "sitegen import --from http://127.0.0.1:8089/web/" in sync
    assert "sitegen build" in sync and "sitegen publish" in sync
    assert "/public/" in (site / ".gitignore").read_text(encoding="utf-8")

    assert run(site, "import", str(CORPUS)).exit_code == 0
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    assert (site / "public" / "index.html").is_file()
    checked = run(site, "check")
    assert checked.exit_code == 0, checked.output


def test_init_from_the_export_reads_the_channel(tmp_path: Path) -> None:
    result = run(tmp_path, "init", str(CORPUS / "export.xml"), "--base-url", "https://m.example/")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "sitegen.toml").read_text(encoding="utf-8")
    assert 'title = "Telecom Live (local mirror test)"' in text
    assert "WordPress's own address was http://127.0.0.1:8089/web/." in text
    assert config_of(tmp_path).language == "en"


def test_init_from_a_live_site(tmp_path: Path) -> None:
    with serve(FakeWordPress({})) as (base, _):
        result = run(tmp_path, "init", "--from", base, "--base-url", "https://m.example/")
    assert result.exit_code == 0, result.output
    assert 'title = "Fake"' in (tmp_path / "sitegen.toml").read_text(encoding="utf-8")
    assert "WordPress gave no zone name" in (tmp_path / "sitegen.toml").read_text()
    assert f"next: sitegen import --from {base}" in result.output


def test_an_unreachable_site_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(tmp_path / "site", "init", "--from", f"http://127.0.0.1:{port}/")
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


def test_the_publish_example_loads_once_uncommented(tmp_path: Path) -> None:
    assert run(tmp_path, "init", str(CORPUS), "--base-url", "https://m.example/").exit_code == 0
    toml = tmp_path / "sitegen.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace("# [publish]", "[publish]").replace('# target = "s3:', 'target = "s3:')
    toml.write_text(text, encoding="utf-8")
    assert tomllib.loads(text)["publish"]["target"] == "s3://my-bucket/"
    config_of(tmp_path)


def test_a_folder_linked_to_outside_the_site_is_refused(tmp_path: Path) -> None:
    site, outside = tmp_path / "site", tmp_path / "outside"
    site.mkdir()
    outside.mkdir()
    (site / "deploy").symlink_to(outside)
    result = run(site, "init", str(CORPUS), "--base-url", "https://m.example/")
    assert result.exit_code == 1 and "refused" in result.output
    assert not list(outside.iterdir())


def test_without_a_terminal_the_base_url_is_a_named_placeholder(tmp_path: Path) -> None:
    result = run(tmp_path, "init", str(CORPUS))
    assert result.exit_code == 0, result.output
    assert "base_url is a placeholder" in result.output
    assert config_of(tmp_path).base_url == "https://mirror.example.org/"


def test_existing_files_are_kept_without_force(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text('title = "mine"\n', encoding="utf-8")
    result = run(tmp_path, "init", str(CORPUS), "--base-url", "https://m.example/")
    assert result.exit_code == 0, result.output
    assert "kept sitegen.toml (exists; --force overwrites it)" in result.output
    assert (tmp_path / "sitegen.toml").read_text(encoding="utf-8") == 'title = "mine"\n'
    assert (tmp_path / "netlify.toml").is_file()
    forced = run(tmp_path, "init", str(CORPUS), "--base-url", "https://m.example/", "--force")
    assert forced.exit_code == 0
    assert "kept" not in forced.output
    assert "Telecom Live" in (tmp_path / "sitegen.toml").read_text(encoding="utf-8")


def test_bad_inputs_are_clear_errors(tmp_path: Path) -> None:
    site = tmp_path / "site"
    missing = run(site, "init", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1
    assert "no such file or folder" in missing.output and "Traceback" not in missing.output
    empty = tmp_path / "empty"
    empty.mkdir()
    no_index = run(site, "init", str(empty))
    assert no_index.exit_code == 1 and "no index.json in this folder" in no_index.output
    feed = run(site, "init", str(CORPUS / "feed.xml"))
    assert feed.exit_code == 1 and "not a WordPress export" in feed.output
    neither = run(site, "init")
    assert neither.exit_code == 2 and "give either DUMP" in neither.output
    scheme = run(site, "init", "--from", "example.org")
    assert scheme.exit_code == 2 and "not an http:// or https:// address" in scheme.output
    base = run(site, "init", str(CORPUS), "--base-url", "mirror.example.org")
    assert base.exit_code == 2 and "'--base-url'" in base.output
    assert not site.exists()  # nothing written after a refusal
