"""Quality gates on the built fixture site: valid HTML, no broken links, a valid sitemap,
no page pointing at the original host."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from builtsite import built_root
from sitehelpers import sitemap_xsd_errors, vnu_errors
from testdata import FIXTURE_SITE

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.checks.links import check_links
from sitegen.checks.sitemap import check_sitemap

MIRROR = "http://127.0.0.1:8000/archive/"  # a host other than the original, to catch leaks


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("gates") / "site"
    shutil.copytree(FIXTURE_SITE, site)
    report = build_site(site, BuildOptions(overrides={"base_url": MIRROR}, strict=True))
    assert not report.problems.items, report.problems.render()
    return site


@pytest.fixture(scope="module")
def built(site: Path) -> Path:
    """The site's own files (in archive/ of public/ for MIRROR's path)."""
    return built_root(site, MIRROR)


def test_zero_nu_html_checker_errors(built: Path) -> None:
    assert vnu_errors(built) == []


def test_zero_broken_internal_links(site: Path) -> None:
    # As a server whose root is public/ resolves them (the redirect table at that root).
    assert [p.render() for p in check_links(site / "public", "/")] == []


def test_sitemap_is_valid(built: Path) -> None:
    assert sitemap_xsd_errors(built / "sitemap.xml") == []
    assert [p.render() for p in check_sitemap(built, MIRROR)] == []
    locs = re.findall(r"<loc>([^<]+)</loc>", (built / "sitemap.xml").read_text())
    assert f"{MIRROR}2023/09/01/x-wont-use-users-private-data/" in locs
    assert f"{MIRROR}category/telecom/5g/" in locs and f"{MIRROR}" in locs


def test_no_page_points_at_the_original_host(built: Path) -> None:
    """Only the one "Originally published at" link may name the WordPress host, and images the
    mirror does not hold (the offline import has no image bytes; `fetch` mirrors them into
    static/): those stay on the original host rather than break."""
    static = FIXTURE_SITE / "static"
    leaks, unmirrored = [], set()
    for page in sorted(built.rglob("*.html")):
        text = re.sub(r'<p class="original">.*?</p>', "", page.read_text(), flags=re.S)
        for match in re.finditer(r'<img [^>]*src="https://news\.example\.org/web/([^"]+)"', text):
            assert not (static / match.group(1)).exists(), "a mirrored image must be linked locally"
            unmirrored.add(match.group(1))
            text = text.replace(match.group(0), "")
        if "news.example.org" in text:
            leaks.append(page.relative_to(built).as_posix())
    assert leaks == []
    assert unmirrored == {"wp-content/uploads/2023/09/not-mirrored.png"}
    post = (built / "2023/09/01/x-wont-use-users-private-data/index.html").read_text()
    assert post.count("news.example.org") == 2  # the original link: href and its text
    assert '<img src="/archive/wp-content/uploads/2023/09/x-logo.png" alt="The X logo' in post
