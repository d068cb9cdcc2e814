"""Shared by the hostile-input tests (test_hostile_corpus.py, test_hostile_fuzz.py): build a
WordPress REST dump from the small template in tests/hostile/template/, watch a sandbox folder
for writes where a command has no business writing, and read a command's output the way a user
does (was an error reported? is there a traceback?).

A command may write only to its own areas: the site's content/, public/ (and the build's staging
folder beside it), the .sitegen/ cache, and the folder it was given (publish, archive, restore).
Anything else that changes in the sandbox is a write outside the site.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from testdata import TESTS

TEMPLATE = TESTS / "hostile" / "template"
HOME = "http://127.0.0.1:8089/web/"  # the template's WordPress home (tests/fixtures/wp-local-dev)
TRACEBACK = "Traceback (most recent call last)"

# What a site's commands may write inside the site folder (relative to it).
SITE_AREAS = ("content/", "public/", ".public.", ".sitegen/")

_ERROR_LINE = re.compile(r"(^|: )error: |^Error: ", re.MULTILINE)


def template(name: str) -> dict[str, Any]:
    data = json.loads((TEMPLATE / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def post(**changes: Any) -> dict[str, Any]:
    """The template post with `changes`; a text for title/content/excerpt/guid becomes
    {"rendered": text}; `_drop=[keys]` removes keys (a post without `status`, say)."""
    result = copy.deepcopy(template("post"))
    for key in changes.pop("_drop", []):
        result.pop(key, None)
    for key, value in changes.items():
        if key in ("title", "content", "excerpt", "guid") and isinstance(value, str):
            value = {"rendered": value, **({"protected": False} if key != "title" else {})}
            if key in ("title", "guid"):
                value.pop("protected", None)
        result[key] = value
    return result


def term(kind: str, **changes: Any) -> dict[str, Any]:
    """A category, tag or user (kind: "category", "tag", "user") from the template."""
    result = template(kind)
    result.update(changes)
    return result


def write_dump(
    folder: Path,
    posts: Iterable[dict[str, Any]],
    categories: Iterable[dict[str, Any]] = (),
    tags: Iterable[dict[str, Any]] = (),
    users: Iterable[dict[str, Any]] = (),
    comments: Iterable[dict[str, Any]] = (),
) -> None:
    """A REST dump as the import reads it: the template post is always posts.json[0] and the
    template category and user are always [0] of their files, so the hostile items follow.
    `comments`: /wp/v2/comments objects as they are (comments.json, only when given)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "posts.json": [template("post"), *posts],
        "categories.json": [template("category"), *categories],
        "tags.json": list(tags),
        "users.json": [template("user"), *users],
        "index.json": template("index"),
    }
    if comments:
        files["comments.json"] = list(comments)
    for name, data in files.items():
        # ensure_ascii: a lone surrogate or NUL goes out as \ud800 / \u0000, as PHP sends it.
        (folder / name).write_text(json.dumps(data, indent=1), encoding="utf-8")


Tree = dict[str, str]


def snapshot(root: Path) -> Tree:
    """Every file, folder and symbolic link under `root` (not followed), with its content hash
    or link target, keyed by path relative to `root`."""
    tree: Tree = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if os.path.islink(path):
                tree[rel] = "link:" + os.readlink(path)
            elif os.path.isdir(path):
                tree[rel] = "dir"
            else:
                with open(path, "rb") as fh:
                    tree[rel] = hashlib.sha256(fh.read()).hexdigest()
    return tree


def changed(before: Tree, after: Tree) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def outside(paths: Iterable[str], site: str, allowed: Iterable[str] = ()) -> list[str]:
    """The paths (relative to the sandbox) a command had no business changing: anything not
    in the site's own areas (site/content/, site/public/, ...) nor under an `allowed` folder."""
    areas = [f"{site}/{a}" for a in SITE_AREAS] + [a.rstrip("/") + "/" for a in allowed]
    owned = [a.rstrip("/") for a in areas]
    return sorted(
        p
        for p in paths
        if not any(p.startswith(a) for a in areas)
        # The folders themselves appear when first made; a site's own folder is its business.
        and p not in owned
        and p != site
    )


def public_files(public: Path) -> dict[str, bytes]:
    """public/ as bytes per path (symbolic links as their target): to compare two builds."""
    result: dict[str, bytes] = {}
    if not public.is_dir():
        return result
    for folder, _dirs, files in os.walk(public):
        for name in files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, public).replace(os.sep, "/")
            if os.path.islink(path):
                result[rel] = b"link:" + os.readlink(path).encode("utf-8", "surrogateescape")
            else:
                with open(path, "rb") as fh:
                    result[rel] = fh.read()
    return result


def reports_error(output: str) -> bool:
    """Whether the output reports an error, as sitegen's problems and click's usage errors do."""
    return _ERROR_LINE.search(output) is not None
