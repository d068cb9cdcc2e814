"""The package's layers (docs/architecture.md, "Layers"): no module imports from a layer above
its own, and two packages of one layer never import each other. Read from the source with `ast`,
so a new module or import is checked the day it is written."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from testdata import ROOT

PACKAGE = ROOT / "sitegen"

BASE = {
    "errors", "safepath", "fsutil", "digests", "mediatypes", "zones", "urls", "tuning",
    "speedups", "parallel", "yaml_emit", "markdown", "transaction", "model",
}  # fmt: skip
# group -> layer; a group is a top-level module or package of sitegen/ (build.state is build's).
LAYERS = {
    **dict.fromkeys(BASE, 0),
    "__init__": 0,
    "feeds": 1,
    "config": 2,
    "content": 2,
    "wp": 3,
    "site": 3,
    "search": 4,
    "checks": 4,
    "build": 5,
    "serve": 6,
    "publish": 6,
    "cli": 7,
    "__main__": 8,  # `python -m sitegen`: the command line
}


def _group(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "sitegen":  # `from sitegen import errors`: the names are modules
                found += [(node.lineno, f"sitegen.{a.name}") for a in node.names]
            elif node.module.startswith("sitegen."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("sitegen.")]
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_group_has_a_layer() -> None:
    groups = {_group(_name(p)) for p in MODULES}
    assert groups - LAYERS.keys() == set(), (
        "give the new module or package a layer here and in docs"
    )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_from_above_or_across(path: Path) -> None:
    mine = _group(_name(path))
    wrong = []
    for line, target in _imports(path):
        theirs = _group(target)
        if theirs == "__init__" or theirs == mine or theirs not in LAYERS:
            continue  # `__version__`; a module of its own group
        if LAYERS[theirs] > LAYERS[mine] or (LAYERS[theirs] == LAYERS[mine] and mine not in BASE):
            wrong.append(f"line {line}: {target} (layer {LAYERS[theirs]} {theirs})")
    assert not wrong, f"{path.name} (layer {LAYERS[mine]} {mine}) imports from above: {wrong}"
