"""Search in a real headless Chromium, on the built WordPress corpus: the static index and
assets/search.js answer queries with no server behind them (a plain static file server)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sitehelpers import ARTIFACTS, AXE, static_server
from testdata import CORPUS

from sitegen.build.incremental import Memo, render_bodies
from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.errors import Problems
from sitegen.search.index import html_text, tokenize
from sitegen.wp.importer import ImportOptions, import_paths

pytestmark = pytest.mark.browser
Served = tuple[str, Any, Path]  # the base URL, the built Site, the site directory


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    site = tmp_path_factory.mktemp("search")
    assert not import_paths(site, [CORPUS], ImportOptions()).failed
    with static_server([site / "public"]) as port:
        base = f"http://127.0.0.1:{port}/web/"
        report = build_site(
            site,
            BuildOptions(overrides={"base_url": base}, strict=True),
        )
        assert report.committed, report.problems.render()
        yield base, report.site, site


@pytest.fixture(scope="module")
def page(browser: Any) -> Page:
    return browser.new_page(viewport={"width": 1280, "height": 900})


def _search(page: Page, base: str, query: str, **filters: str) -> list[str]:
    params = "&".join(f"{k}={v}" for k, v in {"q": query, **filters}.items())
    page.goto(f"{base}search/?{params}")
    expect(page.locator("[data-search-status]")).to_contain_text("found", timeout=10_000)
    return page.eval_on_selector_all(".search-result h2 a", "els => els.map(e => e.href)")


def _unique_body_word(site: Any, site_dir: Path) -> tuple[str, str]:
    """A word in exactly one post's body, and no other post's words start with it."""
    bodies = render_bodies(site, site_dir, Problems(), Memo())
    words = {p: set(tokenize(html_text(bodies[p]))) for p in site.posts}
    titles = {p: set(tokenize(site.docs[p].title)) for p in site.posts}
    counts = Counter(w for ws in words.values() for w in ws)
    for path in site.posts:
        for word in sorted(words[path]):
            if counts[word] != 1 or len(word) < 7 or not word.isalpha() or word in titles[path]:
                continue
            others = [w for p in site.posts if p != path for w in words[p] | titles[p]]
            if not any(w.startswith(word) for w in others):
                return word, path
    raise AssertionError("the corpus has no word unique to one post")


def test_tokenizer_in_browser_matches_python(page: Page, served: Served) -> None:
    page.goto(served[0] + "search/")
    samples = [
        "Spectrum AUCTION, 5G-ready!",
        "सरकार ने 6G तकनीक के लिए विशेषज्ञ समूह का गठन किया",
        "نوفاتيل تطلق خدمات الجيل الخامس",
        "「感謝印度用戶的支持！」 Ｎｏｖａ 5",
        "Telecom’s “quotes” & emoji 🚀📱",
    ]
    for text in samples:
        assert page.evaluate("t => window.sitegenSearch.tokenize(t)", text) == tokenize(text)


def test_a_word_from_one_body_finds_that_post_first(
    page: Page, served: tuple[str, Any, Path]
) -> None:
    base, site, site_dir = served
    word, path = _unique_body_word(site, site_dir)
    hits = _search(page, base, word)
    assert hits and hits[0] == base + path, (word, hits[:3])
    assert page.locator(".search-result mark").first.inner_text().lower() == word
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-desktop.png"), full_page=True)


def test_hindi_word_finds_the_hindi_post(page: Page, served: Served) -> None:
    base, site, _ = served
    hindi = next(p for p in site.posts if "विशेषज्ञ" in site.docs[p].title)
    assert _search(page, base, "विशेषज्ञ")[0] == base + hindi
    assert _search(page, base, "نوفاتيل")[0].startswith(base + "20")  # Arabic works too


def test_category_and_year_filters_narrow_the_results(
    page: Page, served: tuple[str, Any, Path]
) -> None:
    base, site, _ = served
    everything = _search(page, base, "said")
    broadband = set(site.category_posts["broadband"])
    narrowed = _search(page, base, "said", category="broadband")
    assert 0 < len(narrowed) < len(everything)
    assert {h.removeprefix(base) for h in narrowed} <= broadband
    in_2023 = _search(page, base, "said", year="2023")
    assert in_2023 and all(site.docs[h.removeprefix(base)].date.year == 2023 for h in in_2023)
    # the form shows the filter that is applied
    assert page.locator("select[name=year]").input_value() == "2023"


def test_header_box_leads_to_results_and_page_passes_axe(page: Page, served: Served) -> None:
    base = served[0]
    page.goto(base)
    page.fill("#header-q", "spectrum")
    page.press("#header-q", "Enter")
    expect(page.locator("[data-search-status]")).to_contain_text("found", timeout=10_000)
    assert page.locator(".search-result").count() > 0
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run()).violations.map(v => v.id)")
    assert result == []


def test_without_javascript_the_page_says_so(browser: Any, served: Served) -> None:
    tab = browser.new_page(java_script_enabled=False)
    tab.goto(served[0] + "search/?q=spectrum")
    assert "needs JavaScript" in tab.inner_text("main")
    assert tab.locator("main a[href$='category/']:visible").count() == 1
    tab.close()


def test_a_typo_finds_nothing_but_suggests_the_word_and_helps(page: Page, served: Served) -> None:
    assert _search(page, served[0], "spectrm") == []
    expect(page.locator("[data-search-suggestion]")).to_be_visible(timeout=10_000)
    link = page.locator("[data-search-suggestion] a")
    assert link.inner_text() == "spectrum"
    assert page.is_visible("[data-search-help] a[href$='archives/']")
    link.click()
    expect(page.locator(".search-result").first).to_be_visible(timeout=10_000)
    assert not page.is_visible("[data-search-help]")


def test_results_show_section_and_date_and_the_page_has_one_search_box(
    page: Page, served: Served
) -> None:
    assert _search(page, served[0], "spectrum")
    meta = page.locator(".search-result .meta").first.inner_text()
    assert "·" in meta and page.locator(".search-result .meta time").count() > 0
    assert page.locator(".search-result .kicker").count() > 0
    assert page.locator("input[type=search]").count() == 1
