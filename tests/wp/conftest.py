"""Fixtures of the import side's tests."""

from __future__ import annotations

import os
import urllib.request

import pytest


@pytest.fixture(scope="session")
def wp_url() -> str:
    """The live test WordPress (tests/wordpress/) that scripts/test starts on 127.0.0.1:8089:
    SITEGEN_TEST_WORDPRESS, once its REST API answers. Without it the test FAILS (the
    `wordpress` marker is how a run leaves these tests out)."""
    url = os.environ.get("SITEGEN_TEST_WORDPRESS", "")
    if not url:
        pytest.fail("SITEGEN_TEST_WORDPRESS is not set: run scripts/test, which starts WordPress")
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/wp-json/", timeout=10) as r:
            assert r.status == 200
    except OSError as exc:
        pytest.fail(f"WordPress at {url} is not reachable: {exc}")
    return url
