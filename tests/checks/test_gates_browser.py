"""The default theme in a real headless Chromium: every kind of page, at desktop and phone
widths, light and dark, with zero axe-core violations (WCAG 2.2 AA, target-size included, and
best practice); screenshots in tests/artifacts/ for a human to look at."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page
from sitehelpers import ARTIFACTS, AXE, static_server
from testdata import FIXTURE_SITE

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site

pytestmark = pytest.mark.browser

PAGES = {
    "home": "",
    "post": "2023/09/01/x-wont-use-users-private-data/",
    "category": "category/telecom/5g/",
    "tag": "tag/%e0%a4%b9%e0%a4%bf%e0%a4%82%e0%a4%a6%e0%a5%80/",
    "author": "author/news-desk/page/2/",
    "archive": "2023/09/",
    "archives": "archives/",
    "terms": "category/",
    "page": "about/",
    "search": "search/?q=spectrum",
    "404": "404.html",
    "410": "410.html",
}
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("browser") / "site"
    shutil.copytree(FIXTURE_SITE, site)
    holder = [site / "public"]
    with static_server(holder) as port:
        url = f"http://127.0.0.1:{port}/"
        report = build_site(site, BuildOptions(overrides={"base_url": url}))
        assert report.committed, report.problems.render()
        yield url


WCAG22 = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Page, tags: list[str] | None = None) -> list[str]:
    assert AXE.is_file(), "axe-core missing: run `npm install` (scripts/test does)"
    page.add_script_tag(path=str(AXE))
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if tags:
        options["runOnly"] = {"type": "tag", "values": tags}
    result = page.evaluate("(o) => axe.run(document, o)", options)
    return [
        f"[{v['impact']}] {v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("name", sorted(PAGES))
def test_zero_axe_violations(
    base: str, browser: Any, name: str, viewport: str, scheme: str
) -> None:
    page = browser.new_page(viewport=VIEWPORTS[viewport], color_scheme=scheme)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + PAGES[name], wait_until="load")
    if name == "search":  # the script has run the query: results are on the page
        page.wait_for_selector(".search-results li", timeout=5000)
    assert axe_violations(page, WCAG22) == []
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


@pytest.mark.parametrize("name", ["home", "post", "archive"])
def test_phone_header_is_compact(base: str, browser: Any, name: str) -> None:
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    page.goto(base + PAGES[name], wait_until="load")
    height = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    assert height <= 120, height
    page.close()


def test_a_post_prints_without_navigation_search_or_related(base: str, browser: Any) -> None:
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(base + PAGES["post"], wait_until="load")
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => Object.fromEntries(['.site-header', '.site-footer', '.related', '.post-nav',
            '.comments', '.post-title', '.e-content', '.print-only'].map(s => {
            const e = document.querySelector(s);
            return [s, !!e && getComputedStyle(e).display !== 'none'];
        }))"""
    )
    assert shown == {
        ".site-header": False,
        ".site-footer": False,
        ".related": False,
        ".post-nav": False,
        ".comments": False,
        ".post-title": True,
        ".e-content": True,
        ".print-only": True,
    }
    page.close()


def test_search_filters_stay_hidden_without_javascript(base: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "search/", wait_until="load")
    assert not page.is_visible(".search-filters")
    context.close()


def test_a_long_site_title_fits_the_phone_header(base: str, browser: Any) -> None:
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    page.goto(base + PAGES["home"], wait_until="load")
    page.evaluate(
        "document.querySelector('.site-title').textContent = 'Telecom Live (local mirror test)'"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert page.is_visible(".search-link") and not page.is_visible(".header-search")
    height = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    assert height <= 120, height
    page.close()


def test_header_search_box_is_dark_in_dark_mode(base: str, browser: Any) -> None:
    page = browser.new_page(viewport=VIEWPORTS["desktop"], color_scheme="dark")
    page.goto(base + PAGES["home"], wait_until="load")
    background = page.evaluate(
        "getComputedStyle(document.querySelector('#header-q')).backgroundColor"
    )
    assert background != "rgb(255, 255, 255)", background
    page.close()
