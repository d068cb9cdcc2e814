"""The build state under .sitegen/: round trip, and every way it can be wrong means rebuild."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.cache import FORMAT, BuildState, load_state, save_state, state_path


def test_round_trip(tmp_path: Path) -> None:
    state = BuildState("abc", {"content/a.md": "1"}, {"a/index.html": "2"}, {"a/index.html": "3"})
    save_state(tmp_path, state)
    assert load_state(tmp_path) == (state, "")
    assert state_path(tmp_path) == tmp_path / ".sitegen" / "build-state.json"


def test_absent_is_a_silent_full_build(tmp_path: Path) -> None:
    assert load_state(tmp_path) == (None, "")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b"{not json", "unreadable"),
        (b"\xff\xfe", "unreadable"),
        (b"[]", "not a build state"),
        (json.dumps({"format": FORMAT + 1}).encode(), f"format {FORMAT + 1}"),
        (json.dumps({"format": FORMAT, "sitegen": "0.0.0-old"}).encode(), "sitegen 0.0.0-old"),
    ],
)
def test_anything_wrong_means_full_build_with_a_reason(
    tmp_path: Path, text: bytes, reason: str
) -> None:
    path = state_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(text)
    state, why = load_state(tmp_path)
    assert state is None
    assert why.startswith(".sitegen/build-state.json: ") and reason in why
    assert why.endswith("doing a full build")


def test_wrong_shapes_are_rejected(tmp_path: Path) -> None:
    save_state(tmp_path, BuildState("x"))
    raw = json.loads(state_path(tmp_path).read_text())
    raw["outputs"] = {"a": 1}
    state_path(tmp_path).write_text(json.dumps(raw))
    state, why = load_state(tmp_path)
    assert state is None and "'outputs' is not a table of text" in why
