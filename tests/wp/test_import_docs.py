"""The docs say what the import does: README's Importing section names its options, and
docs/content-format.md documents every key the import writes (checked on the golden tree)."""

from __future__ import annotations

import re

import yaml
from testdata import ROOT, TESTS

from sitegen.cli import main
from sitegen.content import split_document


def test_readme_importing_section_names_every_option() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Importing", 1)[1].split("\n## ", 1)[0]
    assert "sitegen --site mysite import wp-dump/" in section
    command = main.commands["import"]
    for param in command.params:
        if param.name not in ("paths", "quiet", "help"):
            flag = param.opts[0]  # "--max-download" for the parameter max_download
            assert flag in section, f"README's Importing section misses {flag}"


def test_content_format_documents_every_key_the_import_writes() -> None:
    doc = (ROOT / "docs" / "content-format.md").read_text()
    documented = set(re.findall(r"^(\w+):", doc, re.M)) | set(re.findall(r"\b(\w+): ", doc))
    written: set[str] = set()
    golden = TESTS / "golden" / "content"
    for path in sorted(golden.rglob("*.md")):
        meta, _, _ = split_document(path.read_text(), path.name)
        written |= set(meta)
        for value in meta.values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    written |= set(item)
    site = yaml.safe_load((golden / "_site.yaml").read_text())
    written |= set(site) | {
        k for key in ("categories", "tags", "authors") for e in site[key] for k in e
    }
    assert sorted(written - documented) == []
