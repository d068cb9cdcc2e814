"""The hostile corpus: each case in tests/hostile/cases/ is a small hostile input (REST JSON,
front matter, _site.yaml, symbolic links, a snapshot manifest) with its expected verdict, run
through the real `sitegen` command in a subprocess, as a user runs it.

Every case, whatever it says, must also keep these promises:
- nothing is written outside the site's own folders and the folder a command was given
  (a sandbox around the site is compared before and after each command);
- no Python traceback, and the exit status tells the truth (non-zero exactly when an error is
  reported);
- a build that fails leaves public/ exactly as it was;
- the secret file next to the site never ends up in anything sitegen writes.

tests/hostile/README.md describes the case format.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from hostile_support import (
    HOME,
    TRACEBACK,
    changed,
    outside,
    post,
    public_files,
    reports_error,
    snapshot,
    term,
    write_dump,
)
from testdata import TESTS

CASES = TESTS / "hostile" / "cases"
SECRET = "SECRET-7f3c9a-the-build-user-private-file"
# The site lives a few folders below the sandbox so that a path escaping it by a few `..`
# still lands inside the sandbox, where the comparison sees it (the tests may run as root:
# an escape must never reach the real file system).
SITE = "d1/d2/d3/site"
STEP_TIMEOUT = 60.0
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "SOURCE_DATE_EPOCH": "1767225600"}
ENV.pop("AWS_ENDPOINT_URL", None)


@dataclass
class Sandbox:
    root: Path
    outputs: list[str] = field(default_factory=list)

    @property
    def site(self) -> Path:
        return self.root / SITE

    def fill(self, text: str) -> str:
        """`text` with its placeholders filled; other braces (YAML, JSON) are left alone."""
        places = {
            "home": HOME,
            "sandbox": str(self.root),
            "site": str(self.site),
            "dump": str(self.root / "dump"),
            "target": str(self.root / "target"),
            "archive": str(self.root / "archive"),
            "restore": str(self.root / "restore"),
            "secret": str(self.root / "secret.txt"),
        }
        return _PLACEHOLDER.sub(lambda m: places.get(m[1], m[0]), text)


def load_cases() -> list[Any]:
    cases = []
    for path in sorted(CASES.glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases.append(pytest.param(case, id=path.stem))
    return cases


def _expand(value: Any, box: Sandbox) -> Any:
    """Fill the placeholders ({home}, {sandbox}, ...) in every string of a case's data, and
    spell out long texts: {concat: [text, {repeat: text, times: N}, ...]} is one string."""
    if isinstance(value, str):
        return box.fill(value)
    if isinstance(value, list):
        return [_expand(v, box) for v in value]
    if isinstance(value, dict) and "concat" in value:
        parts = _expand(value["concat"], box)
        return "".join(p if isinstance(p, str) else p["repeat"] * p["times"] for p in parts)
    if isinstance(value, dict):
        return {_expand(k, box): _expand(v, box) for k, v in value.items()}
    return value


def _write_files(base: Path, files: dict[str, Any]) -> None:
    for rel, text in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8")
        else:
            path.write_text(json.dumps(text, indent=1), encoding="utf-8")


def _symlinks(base: Path, links: dict[str, str]) -> None:
    for rel, target in links.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)


def _archive(root: Path, snap: dict[str, Any]) -> None:
    """A hand-made `sitegen archive` folder: objects by sha256 and one snapshot manifest."""
    files = []
    for entry in snap["files"]:
        body = entry["body"].encode("utf-8")
        sha = hashlib.sha256(body).hexdigest()
        obj = root / "objects" / "sha256" / sha[:2] / sha
        obj.parent.mkdir(parents=True, exist_ok=True)
        obj.write_bytes(body)
        files.append(
            {"path": entry["path"], "sha256": sha, "size": len(body), "content_type": "text/html"}
        )
    manifest = {
        "format": 1,
        "name": snap["name"],
        "created": "2026-01-01T00:00:00Z",
        "sitegen_version": "0.1.0",
        "source": {"dir": "public", "git_commit": None, "git_dirty": None},
        "posts": 1,
        "file_count": len(files),
        "total_size": sum(f["size"] for f in files),
        "files": files,
    }
    (root / "snapshots").mkdir(parents=True, exist_ok=True)
    (root / "snapshots" / f"{snap['name']}.json").write_text(json.dumps(manifest))


def _setup(box: Sandbox, case: dict[str, Any]) -> None:
    box.site.mkdir(parents=True)
    (box.root / "secret.txt").write_text(SECRET + "\n")
    dump = case.get("dump", {})
    write_dump(
        box.root / "dump",
        posts=[post(**p) for p in dump.get("posts", [])],
        categories=[term("category", **c) for c in dump.get("categories", [])],
        tags=[term("tag", **t) for t in dump.get("tags", [])],
        users=[term("user", **u) for u in dump.get("users", [])],
        comments=dump.get("comments", []),
    )
    _write_files(box.root, case.get("sandbox", {}))
    _write_files(box.site, case.get("site", {}))
    _symlinks(box.site, case.get("symlinks", {}))
    if "snapshot" in case:
        _archive(box.root / "archive", case["snapshot"])


def _run(box: Sandbox, step: dict[str, Any], where: str) -> None:
    args = shlex.split(step["run"])
    folders = [a for a in args if a.startswith(str(box.root))]
    allowed = [os.path.relpath(a, box.root) for a in folders if "dump" not in a]
    public = box.site / "public"
    before, public_before = snapshot(box.root), public_files(public)
    timeout = step.get("timeout", STEP_TIMEOUT)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sitegen", "--site", str(box.site), *args],
            cwd=box.site,
            env=ENV,
            capture_output=True,
            text=True,
            errors="backslashreplace",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{where}: `sitegen {step['run']}` still running after {timeout} s")
    output = done.stdout + done.stderr
    box.outputs.append(output)
    shown = f"{where}: `sitegen {step['run']}` exited {done.returncode}:\n{output}"
    assert TRACEBACK not in output, shown
    assert done.returncode in (0, 1, 2), shown  # 2: click's usage errors; never a crash code
    truthful = (done.returncode != 0) == reports_error(output)
    assert truthful, "the exit status and the messages disagree\n" + shown
    if "exit" in step:
        assert done.returncode == step["exit"], shown
    for name in step.get("names", []):
        assert name in output, f"{name!r} not named\n{shown}"
    escaped = outside(changed(before, snapshot(box.root)), SITE, allowed)
    assert not escaped, f"written outside the site: {escaped}\n{shown}"
    # A build that fails only on broken links writes its (whole) output and says so.
    links_only = "(output updated; its broken links fail the build)" in output
    if args[0] == "build" and done.returncode != 0 and not links_only:
        assert public_files(public) == public_before, f"failed build changed public/\n{shown}"


def _check_results(box: Sandbox, case: dict[str, Any]) -> None:
    public = box.site / "public"
    for rel in case.get("built", []):
        assert (public / rel).is_file(), f"public/{rel} was not built\n" + "\n".join(box.outputs)
    for rel in case.get("absent", []):
        assert not (public / rel).exists(), f"public/{rel} exists"
    for rel in case.get("missing", []):
        assert not os.path.lexists(box.root / rel), f"{rel} exists"
    for rel, tags in case.get("xml_lacks", {}).items():
        root = ElementTree.parse(box.root / rel).getroot()
        for tag, texts in tags.items():
            for element in root.iter(tag):
                for text in texts:
                    assert text not in (element.text or ""), f"{rel}: <{tag}> holds {text!r}"
    for rel, patterns in case.get("lacks", {}).items():
        path = box.root / rel
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        for pattern in patterns:
            assert not re.search(pattern, text), f"{rel} matches {pattern!r}"
    for rel, patterns in case.get("has", {}).items():
        text = (box.root / rel).read_text(encoding="utf-8")
        for pattern in patterns:
            assert re.search(pattern, text), f"{rel} lacks {pattern!r}"
    everything = " ".join(box.outputs)
    for name in case.get("names", []):
        assert name in everything, f"{name!r} named by no command\n{everything}"
    # Nothing sitegen wrote may carry the secret the symbolic links point at.
    for area in (box.site / "public", *(box.root / d for d in ("target", "archive", "restore"))):
        for path in area.rglob("*") if area.is_dir() else ():
            if path.is_file() and not path.is_symlink():
                assert SECRET.encode() not in path.read_bytes(), f"{path} holds the secret"


@pytest.mark.parametrize("case", load_cases())
def test_hostile_case(tmp_path: Path, case: dict[str, Any]) -> None:
    box = Sandbox(tmp_path / "sandbox")
    case = _expand(case, box)
    _setup(box, case)
    steps = case.get("steps") or [{"run": "import {dump}"}, {"run": "build"}]
    for number, step in enumerate(steps, 1):
        step = _expand(step, box)
        where = f"step {number}"
        if "write" in step:
            _write_files(box.site, step["write"])
        if "write_sandbox" in step:
            _write_files(box.root, step["write_sandbox"])
        if "symlink" in step:
            _symlinks(box.site, step["symlink"])
        if "run" in step:
            _run(box, step, where)
    _check_results(box, case)


def test_every_case_states_a_verdict() -> None:
    """A case without an expectation proves nothing: each names what must be refused or
    built, and says which threat it covers."""
    for param in load_cases():
        (case,) = param.values
        assert case.get("threat") and case.get("about"), param.id
        steps = case.get("steps") or []
        verdicts = ("built", "absent", "missing", "lacks", "has", "xml_lacks", "names")
        stated = any(k in case for k in verdicts) or any("names" in s for s in steps)
        assert stated, f"{param.id}: no expected verdict"
