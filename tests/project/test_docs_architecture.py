"""docs/architecture.md and docs/performance.md stay true: the modules they name exist, the
`module.name` they cite is defined in that module, every module is in the architecture's map,
and the README's map names every module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from testdata import ROOT

DOC = ROOT / "docs" / "architecture.md"
DOCS = [DOC, ROOT / "docs" / "performance.md"]
PACKAGE = ROOT / "sitegen"

# A module path as the document writes it: `sitegen/wp/importplan.py`, or `wp/importplan.py`
# relative to
# the package (the diagram and the tables use the short form).
_PATH = re.compile(r"(?<![\w/.])(?:sitegen/)?((?:[a-z_0-9]+/)*[a-z_0-9]+\.py)\b")
# `module.name` or `module.Class.method` in backquotes (not a file name: `build/plan.py`).
FILE_SUFFIXES = {"py", "html", "xml", "json", "toml", "yaml", "txt", "md", "bin", "pickle"}
_DOTTED = re.compile(r"`([a-z_0-9]+)\.([A-Za-z_][A-Za-z_0-9]*)")


def _text() -> str:
    return DOC.read_text(encoding="utf-8")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_module_path_named_exists(doc: Path) -> None:
    named = {m.group(1) for m in _PATH.finditer(doc.read_text(encoding="utf-8"))}
    assert named, "the pattern found no module paths: is it still right?"
    top = {"tests", "benchmarks"}  # paths of the repository, not of the package
    base = {rel: ROOT if rel.split("/")[0] in top else PACKAGE for rel in named}
    missing = sorted(rel for rel in named if not (base[rel] / rel).is_file())
    assert not missing, f"{doc.name} names modules that do not exist: {missing}"


def test_every_module_is_in_the_module_map() -> None:
    text = _text()
    absent = [
        p.relative_to(ROOT).as_posix()
        for p in _modules()
        if f"`{p.relative_to(ROOT).as_posix()}`" not in text
    ]
    assert not absent, f"add these modules to docs/architecture.md's module map: {absent}"


def _defines(source: str, name: str) -> bool:
    """Whether `name` is defined at any level of a module (function, class, method,
    constant, attribute or dataclass field)."""
    pattern = (
        rf"^\s*(?:async\s+)?(?:def|class)\s+{name}\b"
        rf"|^\s*{name}\s*(?::[^=\n]*)?="
        rf"|^\s*{name}\s*:"
        rf"|\bself\.{name}\s*(?::[^=\n]*)?="
        rf"|^from\s+\S+\s+import\s+[^\n]*\b{name}\b"  # re-exported
    )
    return re.search(pattern, source, re.M) is not None


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_cited_name_is_defined_where_it_is_cited(doc: Path) -> None:
    by_stem: dict[str, list[Path]] = {}
    for path in _modules():
        stem = path.parent.name if path.name == "__init__.py" else path.stem
        by_stem.setdefault(stem, []).append(path)
    wrong = []
    checked = 0
    for module, name in sorted(set(_DOTTED.findall(doc.read_text(encoding="utf-8")))):
        candidates = [] if name in FILE_SUFFIXES else by_stem.get(module, [])
        if not candidates:
            continue  # not a module of the package (`sitegen.toml`, `content.rendered` ...)
        checked += 1
        sources = [p.read_text(encoding="utf-8") for p in candidates]
        if not any(_defines(source, name) for source in sources):
            wrong.append(f"{module}.{name}")
    assert checked > 10, "the pattern found few citations: is it still right?"
    assert not wrong, f"{doc.name} cites names these modules do not define: {wrong}"


def _readme_map() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Development")
    return text[start : text.index("\n```\n", text.index("```", start) + 3)]


def test_readme_map_names_every_module_and_points_to_the_architecture() -> None:
    """The README's short map: every top-level module and package, every module of the
    import side (`html2md_*` spelt as the suffixes it lists), and the pointer to the rest."""
    block = _readme_map()
    words = set(re.findall(r"[a-z_0-9]+", block))
    words |= {f"html2md_{w}" for w in words}  # "html2md_* (blocks, inline ...)"
    names = [p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")]
    names += [p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()]
    names += [p.stem for p in (PACKAGE / "wp").glob("*.py") if p.stem != "__init__"]
    missing = sorted(set(names) - words)
    assert not missing, f"add these modules to README.md's map: {missing}"
    assert "docs/architecture.md" in block
