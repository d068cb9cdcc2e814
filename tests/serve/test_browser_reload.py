"""Live reload and the error overlay in a real browser (Debian's Chromium via Playwright),
against a real `sitegen serve` process on a free port."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from testdata import FIXTURE_SITE, ROOT

from sitegen.build.render import DEFAULT_THEME

pytestmark = pytest.mark.browser

POST = "content/posts/2023/09/5g-rollout.md"
POST_URL = "2023/09/02/5g-rollout-reaches-500-cities/"
WAIT_MS = 20_000


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path_factory.mktemp("b") / "s"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--port", "0"],
        cwd=site, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        url = ""
        for line in proc.stdout:
            if found := re.search(r"at (http://127\.0\.0\.1:\d+/)", line):
                url = found.group(1)
            if url and line.startswith("built in"):  # the first build is being served
                yield site, url
                break
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(20)


@pytest.fixture(scope="module")
def page(browser: Any) -> Page:
    return browser.new_page()


def wait_text(page: Page, selector: str, text: str) -> None:
    page.wait_for_function(
        "([s, t]) => [...document.querySelectorAll(s)].some(e => e.textContent.includes(t))",
        arg=[selector, text],
        timeout=WAIT_MS,
    )


def test_editing_a_post_updates_the_open_page(served: tuple[Path, str], page: Page) -> None:
    site, url = served
    errors: list[Any] = []
    page.on("pageerror", lambda exc: errors.append(exc))
    page.goto(url + POST_URL)
    assert "500th city" in page.inner_text("article")
    post = site / POST
    post.write_text(post.read_text().replace("500th city", "live-reloaded city"))
    wait_text(page, "article", "live-reloaded city")  # no page.reload() anywhere
    assert page.url == url + POST_URL
    assert errors == []


def test_broken_template_shows_overlay_and_fix_recovers(
    served: tuple[Path, str], page: Page
) -> None:
    site, url = served
    page.goto(url + POST_URL)
    override = site / "themes" / "default" / "templates" / "post.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    good = (DEFAULT_THEME / "templates" / "post.html").read_text()
    broken = good.replace("{% block", "{% blok", 1)
    line = next(i for i, t in enumerate(broken.splitlines(), 1) if "{% blok" in t)
    override.write_text(broken)
    wait_text(page, "#sitegen-error-overlay", f"themes/default/templates/post.html:{line}")
    overlay = page.inner_text("#sitegen-error-overlay")
    assert "error: template:" in overlay and "blok" in overlay
    assert "live-reloaded city" in page.inner_text("article")  # the last good page, underneath

    override.write_text(good.replace("</article>", "<p>theme fixed</p></article>", 1))
    wait_text(page, "article", "theme fixed")
    assert page.locator("#sitegen-error-overlay").count() == 0
