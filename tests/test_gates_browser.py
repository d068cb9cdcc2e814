"""The default theme in a real headless Chromium: zero axe-core violations (light and dark),
and screenshots at desktop and phone widths in tests/artifacts/ for a human to look at."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright
from sitehelpers import ARTIFACTS, AXE, CHROMIUM, CHROMIUM_FLAGS, static_server

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "site"
PAGES = {
    "home": "",
    "post": "2023/09/01/x-wont-use-users-private-data/",
    "category": "category/telecom/5g/",
    "tag": "tag/%e0%a4%b9%e0%a4%bf%e0%a4%82%e0%a4%a6%e0%a5%80/",
    "author": "author/news-desk/page/2/",
    "archive": "2023/09/",
    "terms": "category/",
    "page": "about/",
    "404": "404.html",
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("browser") / "site"
    shutil.copytree(FIXTURE, site)
    holder = [site / "public"]
    with static_server(holder) as port:
        url = f"http://127.0.0.1:{port}/"
        report = build_site(site, BuildOptions(overrides={"base_url": url}))
        assert report.committed, report.problems.render()
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert AXE.is_file(), "axe-core missing: run `npm install` (scripts/test does)"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"[{v['impact']}] {v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_zero_axe_violations(base: str, browser: Any, name: str, scheme: str) -> None:
    page = browser.new_page(viewport=VIEWPORTS["desktop"], color_scheme=scheme)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + PAGES[name], wait_until="load")
    assert axe_violations(page) == []
    assert [u for u in requests if not u.startswith(base)] == []  # no other host, ever
    page.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("name", ["home", "post", "category"])
def test_screenshots(base: str, browser: Any, name: str, viewport: str) -> None:
    page = browser.new_page(viewport=VIEWPORTS[viewport])
    page.goto(base + PAGES[name], wait_until="load")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"{name}-{viewport}.png"
    page.screenshot(path=str(shot), full_page=True)
    # The layout fits the viewport: nothing forces a horizontal scroll on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    assert shot.stat().st_size > 10_000
    page.close()


@pytest.mark.parametrize("name", ["home", "post"])
def test_dark_mode_screenshots(base: str, browser: Any, name: str) -> None:
    page = browser.new_page(viewport=VIEWPORTS["desktop"], color_scheme="dark")
    page.goto(base + PAGES[name], wait_until="load")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 18, 18)"  # the dark palette's --bg applies
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop-dark.png"), full_page=True)
    page.close()
