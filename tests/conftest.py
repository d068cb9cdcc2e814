"""Options and fixtures every test folder shares. A fixture only one folder's tests use is in
that folder's conftest.py; helper functions are modules of tests/support/, imported by name."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright
from sitehelpers import CHROMIUM, CHROMIUM_FLAGS
from testdata import FIXTURE_SITE


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files under tests/golden/ (and the repo's content/) from the "
        "current output instead of comparing with them; review the diff before committing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the small fixture site (tests/fixtures/site) at tmp_path/site, free to break.
    A test file that needs it prepared further overrides `site` and asks for this one."""
    return Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright, one per test file."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
