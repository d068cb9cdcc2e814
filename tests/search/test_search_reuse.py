"""A build after one post was edited extracts the text of that post only for the search index,
reusing last index's text of the others; the index equals a clean build's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from builtsite import built_root
from testdata import FIXTURE_SITE

from sitegen.build.orchestrator import build_site
from sitegen.checks.files import DirFiles
from sitegen.search import index as search

POST = "content/posts/2023/09/5g-rollout.md"


def index(site: Path) -> dict[str, bytes]:
    found = {k: v for k, v in DirFiles(built_root(site)).items() if k.startswith("search/")}
    assert found, "no search index where the layout puts it"
    return found


def test_only_the_edited_post_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    assert build_site(site).committed
    post = site / POST
    post.write_text(post.read_text().replace("500th city", "600th city zanzibar"))
    extracted: list[str] = []
    real = search.html_text
    monkeypatch.setattr(search, "html_text", lambda h: extracted.append(h) or real(h))
    assert build_site(site).committed
    assert len(extracted) == 1 and "zanzibar" in extracted[0]
    monkeypatch.undo()
    clean = Path(
        shutil.copytree(
            site, tmp_path / "clean", ignore=shutil.ignore_patterns("public", ".sitegen")
        )
    )
    assert build_site(clean).committed
    assert index(site) == index(clean) and b"zanzibar" in index(site)["search/text/0.json"]


def test_a_tampered_index_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    assert build_site(site).committed
    texts = built_root(site) / "search" / "text" / "0.json"
    assert b"5G" in texts.read_bytes()
    texts.write_bytes(texts.read_bytes().replace(b"5G", b"6G"))  # by hand, after the build
    post = site / POST
    post.write_text(post.read_text().replace("500th city", "600th city"))
    assert build_site(site).committed
    assert b"6G" not in texts.read_bytes()
