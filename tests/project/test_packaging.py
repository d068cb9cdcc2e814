"""sitegen installs the way Python tools do: a wheel of the checkout, installed offline into a
clean venv, carries the default theme and builds the bundled site exactly as the editable
install does.

The wheel's dependencies come from .wheelhouse/, which scripts/test fills (scripts/wheelhouse);
pip runs here with no index and no configuration, behind a proxy that refuses every connection,
so a dependency missing from the wheelhouse fails the install rather than being downloaded.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from sitehelpers import internal_links, status
from testdata import CORPUS, ROOT

import sitegen
from sitegen.build.render import DEFAULT_THEME, default_theme
from sitegen.cli import main

WHEELHOUSE = ROOT / ".wheelhouse"
SOURCES = ("pyproject.toml", "README.md", "sitegen", "themes")


def _setuptools() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        config: dict[str, object] = tomllib.load(f)["tool"]["setuptools"]
    return config


def test_version_is_the_installed_distributions() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output == f"sitegen, version {importlib.metadata.version('sitegen')}\n"
    assert importlib.metadata.version("sitegen") == sitegen.__version__


def test_the_readme_shows_this_version() -> None:
    readme = (ROOT / "README.md").read_text()
    assert f"sitegen, version {sitegen.__version__}\n" in readme
    assert f"dist/sitegen-{sitegen.__version__}-py3-none-any.whl" in readme


def test_every_package_of_the_checkout_is_in_the_wheel() -> None:
    # pyproject.toml lists the packages (so that sitegen.themes can come from themes/): a
    # subpackage added to sitegen/ without being listed would be missing from `pip install`.
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "sitegen").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert set(_setuptools()["packages"]) == on_disk | {"sitegen.themes"}  # type: ignore[arg-type]
    assert _setuptools()["package-dir"] == {"sitegen.themes": "themes"}


def test_the_checkout_uses_its_own_themes_folder() -> None:
    assert DEFAULT_THEME == ROOT / "themes" / "default"


def test_an_installed_theme_wins_over_a_folder_beside_the_package(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "sitegen"
    beside = tmp_path / "site-packages" / "themes" / "default"
    (beside / "templates").mkdir(parents=True)
    assert default_theme(package) == beside  # the checkout's layout
    (package / "themes" / "default" / "templates").mkdir(parents=True)
    assert default_theme(package) == package / "themes" / "default"  # a wheel's


# ---- the wheel, installed offline into a clean venv


def _offline_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PIP_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    refuse = "http://127.0.0.1:9"  # the discard port: nothing listens, every connection fails
    env |= {
        "PIP_CONFIG_FILE": os.devnull,  # no configured index, find-links or constraints
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(WHEELHOUSE),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "http_proxy": refuse,
        "https_proxy": refuse,
        "HTTP_PROXY": refuse,
        "HTTPS_PROXY": refuse,
        "no_proxy": "",
        "NO_PROXY": "",
    }
    return env | extra


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _bundled_site(where: Path) -> Path:
    where.mkdir()
    shutil.copytree(ROOT / "content", where / "content")
    shutil.copy2(ROOT / "sitegen.toml", where / "sitegen.toml")
    return where


@pytest.fixture(scope="module")
def wheelhouse() -> Path:
    if os.environ.get("CI") == "true":
        if not (WHEELHOUSE / "requirements.txt").is_file():
            pytest.fail(
                f"{WHEELHOUSE} is missing: scripts/test prepares it before pytest "
                "(bash scripts/wheelhouse); the packaging test installs offline from it"
            )
    else:  # a no-op when it is up to date; asks the package registry otherwise
        subprocess.run(["bash", str(ROOT / "scripts" / "wheelhouse")], check=True, timeout=300)
    return WHEELHOUSE


@pytest.fixture(scope="module")
def installed(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean venv holding sitegen from a wheel of the checkout; its bin/ folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = _offline_env()
    # A copy: setuptools builds in the source folder (build/, *.egg-info).
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "--no-deps", "--no-cache-dir", "-q", "-w", tmp / "dist", src], tmp, env)
    (wheel,) = (tmp / "dist").glob("sitegen-*.whl")
    _run([sys.executable, "-m", "venv", "--without-pip", tmp / "venv"], tmp, env)
    python = tmp / "venv" / "bin" / "python"
    _run([*pip, "--python", python, "install", "--no-cache-dir", "-q", wheel], tmp, env)
    return tmp / "venv" / "bin"


@pytest.mark.slow
def test_the_installed_wheel_carries_the_theme_and_builds_like_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    env = _offline_env()
    version = _run([installed / "sitegen", "--version"], tmp_path, env)
    assert version == f"sitegen, version {sitegen.__version__}\n"

    where = _run(
        [installed / "python", "-c", "import sitegen.build.render as r; print(r.DEFAULT_THEME)"],
        tmp_path,
        env,
    )
    theme = Path(where.strip())
    assert theme.is_relative_to(installed.parent), f"{theme} is not the venv's own copy"
    assert theme.parts[-3:] == ("sitegen", "themes", "default")
    assert _tree(theme) == _tree(ROOT / "themes" / "default")  # templates, static/, README

    wheel_site = _bundled_site(tmp_path / "from-wheel")
    _run([installed / "sitegen", "build"], wheel_site, env)
    checkout_site = _bundled_site(tmp_path / "from-checkout")
    _run([sys.executable, "-m", "sitegen", "build"], checkout_site, env)
    built, expected = _tree(wheel_site / "public"), _tree(checkout_site / "public")
    assert "index.html" in built and any(k.startswith("assets/style.") for k in built)
    assert sorted(built) == sorted(expected)
    assert [k for k in built if built[k] != expected[k]] == []


@pytest.mark.slow
def test_a_sites_own_template_overrides_the_installed_default(
    installed: Path, tmp_path: Path
) -> None:
    site = _bundled_site(tmp_path / "site")
    override = site / "themes" / "default" / "templates" / "_partials" / "footer.html"
    override.parent.mkdir(parents=True)
    # The site's template replaces the default one and still reaches it through the prefix.
    own = '<p id="own-footer">ours</p>\n'
    override.write_text(own + '{% include "default/_partials/footer.html" %}')
    _run([installed / "sitegen", "build"], site, _offline_env())
    page = (site / "public" / "index.html").read_text()
    assert own + '<footer class="site-footer">' in page
    assert page.count("<footer") == 1
    assert list((site / "public" / "assets").glob("style.*.css"))  # statics still the default's


@pytest.mark.slow
def test_the_installed_wheel_serves(installed: Path, tmp_path: Path) -> None:
    site = _bundled_site(tmp_path / "site")
    server = subprocess.Popen(
        [installed / "sitegen", "serve", "--port", "0"],
        cwd=site,
        env=_offline_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        lines: list[str] = []
        for line in server.stdout:  # the address, then the first build's outcome
            lines.append(line)
            if line.startswith(("built in", "build failed")):
                break
        output = "".join(lines)
        found = re.search(r" at (http://127\.0\.0\.1:\d+/)", output)
        assert found and lines[-1].startswith("built in"), output
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(found.group(1), timeout=30) as response:
            sheet = re.search(r'href="/(assets/style\.[0-9a-f]+\.css)"', response.read().decode())
            assert sheet, "the home page links no fingerprinted stylesheet"
        with opener.open(found.group(1) + sheet.group(1), timeout=30) as response:
            assert response.status == 200
            assert response.read() == (DEFAULT_THEME / "static" / "style.css").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.parametrize("base_url", [None, "https://mirror.example.org/web/"])
def test_from_the_wheel_init_build_and_a_plain_server_answer_every_link(
    installed: Path, tmp_path: Path, base_url: str | None
) -> None:
    """A new user's path with no network: init on the dev corpus, import, build, then
    `python -m http.server` in public/ answers every internal link and asset with 200, with
    init's default address and with one under a path (links /web/…, the site in public/web/)."""
    env = _offline_env()
    site = tmp_path / "site"
    chosen = ["--base-url", base_url] if base_url else []
    _run([installed / "sitegen", "--site", site, "init", CORPUS, *chosen], tmp_path, env)
    _run([installed / "sitegen", "--site", site, "import", CORPUS], tmp_path, env)
    _run([installed / "sitegen", "--site", site, "build"], tmp_path, env)
    public = site / "public"
    links = internal_links(public)
    assert len(links) > 100
    if base_url:
        assert all(t.startswith("/web/") for t in links), sorted(links)[:5]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = subprocess.Popen(
        [installed / "python", "-m", "http.server", "--bind", "127.0.0.1", str(port)],
        cwd=public,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):  # until it listens
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        answers = {t: (status(f"http://127.0.0.1:{port}{t}"), page) for t, page in links.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert {t: a for t, a in answers.items() if a[0] != 200} == {}
