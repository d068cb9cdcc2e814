"""Two outputs that land on one file (or on a file and a folder of one name) are a URL collision
reported before anything is written, never a traceback in the commit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from testdata import FIXTURE_SITE

from sitegen import safepath
from sitegen.build import output
from sitegen.build.orchestrator import build_site
from sitegen.build.output import MemorySink, Output, file_key
from sitegen.errors import Problems

POST = "content/posts/2023/09/5g-rollout.md"
PATH = "path: 2023/09/02/5g-rollout-reaches-500-cities/"


def claims(*pairs: tuple[str, str]) -> tuple[list[bool], Problems]:
    out, problems = Output(MemorySink()), Problems()
    return [out.claim(rel, owner, problems) for rel, owner in pairs], problems


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("a/index.html", "a/"),  # a folder's path names its index.html
        ("a/index.html", "a/./index.html"),
        ("a/index.html", "a//index.html"),
        ("a/index.html", "a/b/../index.html"),
        ("caf\u00e9/index.html", "cafe\u0301/index.html"),  # composed and decomposed é
        ("a", "a/index.html"),  # a file where the other needs a folder
        ("a/index.html", "a"),
        ("a/b/c.html", "a/b"),
    ],
)
def test_two_spellings_of_one_file_collide(first: str, second: str) -> None:
    done, problems = claims((first, "one.md"), (second, "two.md"))
    assert done == [True, False]
    (problem,) = problems.errors
    assert problem.message.startswith("URL collision: ")
    assert "one.md" in problem.message and "two.md" in problem.message


def test_distinct_files_and_the_same_producer_again_are_fine() -> None:
    done, problems = claims(
        ("a/index.html", "one"), ("a/b/index.html", "two"), ("ab/index.html", "three"),
        ("a/index.html", "one"), ("index.html", "home"),
    )  # fmt: skip
    assert done == [True] * 5 and not problems.items


@pytest.mark.parametrize("rel", ["../x/index.html", "/etc/x", "a/../../x", "a/\x00/index.html"])
def test_a_path_outside_the_output_is_refused(rel: str) -> None:
    done, problems = claims((rel, "evil.md"))
    assert done == [False]
    assert "unsafe output path from evil.md" in problems.errors[0].message


def test_file_key() -> None:
    assert file_key("") == "index.html"
    assert file_key("a/") == file_key("a/index.html") == file_key("./a//index.html")


_SEGMENTS = st.sampled_from(["a", "b", "index.html", ".", "..", "", "caf\u00e9", "cafe\u0301"])
_RELS = st.lists(_SEGMENTS, min_size=1, max_size=4).map("/".join)


@given(_RELS)
def test_the_plain_file_shortcut_keys_as_the_rules_do(rel: str) -> None:
    assert file_key(rel) == output._resolved_key(rel)


def _reference(pairs: list[tuple[str, str]]) -> list[bool]:
    """What a claim answers, from the definition: refused if unsafe, or if an earlier accepted
    claim of another owner has the same key, or one key is a folder of the other."""
    accepted: list[tuple[str, str]] = []
    answers = []
    for rel, owner in pairs:
        key = file_key(rel)
        try:
            safepath.check_relative_file(rel)
        except safepath.UnsafePath:
            safe = False
        else:
            safe = True
        clash = any(
            (k == key and o != owner) or k.startswith(key + "/") or key.startswith(k + "/")
            for k, o in accepted
        )
        same = any(k == key and o == owner for k, o in accepted)
        ok = same or (safe and not clash)
        if ok and not same:
            accepted.append((key, owner))
        answers.append(ok)
    return answers


@settings(max_examples=300)
@given(st.lists(st.tuples(_RELS, st.sampled_from(["one", "two"])), max_size=12))
def test_claims_answer_as_their_definition(pairs: list[tuple[str, str]]) -> None:
    """The oracle of the shortcuts in `Output.claim` (a key whose folder is known)."""
    done, _ = claims(*pairs)
    assert done == _reference(pairs)


def built(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    assert build_site(site).committed
    public = site / "public"
    return site, {p.relative_to(public).as_posix(): p.read_bytes() for p in public.rglob("*")
                  if p.is_file()}  # fmt: skip


@pytest.mark.parametrize(
    "path",
    [
        "2023/09",  # a file where the month archive needs its folder
        "2023/09/02/../",  # the month archive's page, by a `..` slug
        "2023/09/02/./",  # the day archive's page, by a `.` slug
    ],
)
def test_a_colliding_post_fails_the_build_and_leaves_the_output(tmp_path: Path, path: str) -> None:
    site, before = built(tmp_path)
    post = site / POST
    post.write_text(post.read_text().replace(PATH, f"path: {path}"))
    report = build_site(site)
    assert not report.committed
    said = [f"{p.location}: {p.message}" for p in report.problems.errors]
    assert any("content/posts/2023/09/5g-rollout.md" in m for m in said), said
    # A collision in the output, or a path the gate refuses as soon as the post is read.
    messages = [p.message for p in report.problems.errors]
    assert any(m.startswith(("URL collision", "unsafe output path", "path:")) for m in messages)
    public = site / "public"
    after = {p.relative_to(public).as_posix(): p.read_bytes() for p in public.rglob("*")
             if p.is_file()}  # fmt: skip
    assert after == before
