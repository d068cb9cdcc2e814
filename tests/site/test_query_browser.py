"""WordPress's query URLs on a plain static server (Python's http.server, no rules at all):
the inline script of the home page and 404.html sends headless Chromium to the right page."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builtsite import built_root
from sitehelpers import static_server
from testdata import FIXTURE_SITE

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site

pytestmark = pytest.mark.browser

# query -> the page WordPress would show (paths under the site's /web/)
CASES = {
    "p=800463": "2023/09/01/x-wont-use-users-private-data/",
    "p=2": "about/",  # WordPress's ?p= takes a page's id too
    "page_id=2": "about/",
    "s=spectrum+auction": "search/?q=spectrum%20auction",
    "cat=3": "category/telecom/5g/",
    "tag=ai": "tag/ai/",
    "tag=%E0%A4%B9%E0%A4%BF%E0%A4%82%E0%A4%A6%E0%A5%80": (
        "tag/%e0%a4%b9%e0%a4%bf%e0%a4%82%e0%a4%a6%e0%a5%80/"
    ),
    "m=202309": "2023/09/",
    "m=2023": "2023/",
    "author=2": "author/priya/",
    "feed=rss2": "feed/",
    "feed=atom": "feed/atom/",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    site = tmp_path_factory.mktemp("query") / "site"
    shutil.copytree(FIXTURE_SITE, site)
    with static_server([site / "public"]) as port:
        base = f"http://127.0.0.1:{port}/web/"
        report = build_site(site, BuildOptions(overrides={"base_url": base}))
        assert report.committed, report.problems.render()
        yield base, built_root(site, base)  # served from public/, the site in its web/


@pytest.mark.parametrize("page_name", ["", "404.html"])
def test_each_query_url_reaches_its_page(
    served: tuple[str, Path], browser: Any, page_name: str
) -> None:
    base, _ = served
    page = browser.new_page()
    try:
        for query, target in CASES.items():
            page.goto(f"{base}{page_name}?{query}")
            page.wait_for_url(base + target, timeout=10_000)
            assert page.url == base + target, query
    finally:
        page.close()


def test_an_unknown_id_stays_on_the_home_page(served: tuple[str, Path], browser: Any) -> None:
    base, _ = served
    page = browser.new_page()
    try:
        page.goto(f"{base}?p=123456789")
        page.wait_for_load_state("networkidle")
        assert page.url == f"{base}?p=123456789"
        assert page.locator("h1").first.inner_text() == "Latest news"
    finally:
        page.close()


def test_the_home_page_carries_no_table(served: tuple[str, Path]) -> None:
    # The tables are fetched only when a query is there: the home page does not grow with the
    # number of posts (100,000 posts would be a table of megabytes).
    _, public = served
    home = (public / "index.html").read_text()
    script = home[home.index("<script>(function(s,r)") :]
    script = script[: script.index("</script>")]
    assert len(script.encode()) < 1200
    assert "800463" not in home
    ids = json.loads((public / "wp-lookup" / "id" / "800.json").read_text())
    assert ids["800463"] == "2023/09/01/x-wont-use-users-private-data/"
