"""Shared by the tests/cli/test_cli_*_errors.py files: run `sitegen` as a user does, on a copy of
the fixture site, and fail on any traceback (a user error must end in a message)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from testdata import FIXTURE_SITE, SEED

from sitegen.cli import main

POST = "content/posts/2023/09/5g-rollout.md"


def sitegen(site: Path, *args: str | Path) -> Result:
    result = CliRunner().invoke(main, ["--site", str(site), *map(str, args)])
    # A user error ends in SystemExit with a message; anything else would be a traceback.
    assert isinstance(result.exception, SystemExit | None), result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    """A copy of the small fixture site (tests/fixtures/site), free to break."""
    return Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))


def seed_post() -> dict[str, object]:
    data = json.loads(SEED.read_text())
    post = data[0] if isinstance(data, list) else data
    assert isinstance(post, dict)
    return post
