"""The default theme's browsing and article header: the date archive index, numbered
pagination, breadcrumbs, the current section, dates linked to their archive, the dek, the
time with its zone, "Updated", reading time and the author box — on the fixture site's build."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from builtsite import built_root
from testdata import FIXTURE_SITE

from sitegen.build.orchestrator import build_site
from sitegen.build.render import DEFAULT_THEME, page_numbers
from sitegen.site.views import clock, local_time, manual_excerpt, reading_minutes

POST = "2023/09/01/x-wont-use-users-private-data/index.html"


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("browse") / "site"
    shutil.copytree(FIXTURE_SITE, site)
    report = build_site(site)
    assert report.committed and not report.problems.items, report.problems.render()
    return built_root(site)


def read(public: Path, rel: str) -> str:
    return (public / rel).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("page", "pages", "want"),
    [
        (1, 1, [1]),
        (1, 12, [1, 2, 3, 0, 12]),
        (6, 12, [1, 0, 4, 5, 6, 7, 8, 0, 12]),
        (12, 12, [1, 0, 10, 11, 12]),
        (4, 7, [1, 2, 3, 4, 5, 6, 7]),  # a gap of one page shows the page, not "…"
        (5, 12, [1, 2, 3, 4, 5, 6, 7, 0, 12]),
    ],
)
def test_page_numbers_show_first_last_and_neighbours(
    page: int, pages: int, want: list[int]
) -> None:
    assert page_numbers(page, pages) == want


def test_archive_index_lists_years_and_months_with_counts(public: Path) -> None:
    html = read(public, "archives/index.html")
    years = re.findall(
        r'<h2 id="y(\d{4})"><a href="/web/\1/">\1</a> <span class="count">(\d+)', html
    )
    assert years == [("2023", "4"), ("2022", "1")]  # newest first
    months = re.findall(
        r'<li><a href="/web/(\d{4}/\d\d)/">(\w+)</a> <span class="count">(\d+)', html
    )
    assert months == [
        ("2023/09", "September", "3"),
        ("2023/08", "August", "1"),
        ("2022/12", "December", "1"),
    ]
    assert "<loc>https://news.example.org/web/archives/</loc>" in read(public, "sitemap.xml")


def test_every_page_links_the_archive_index_from_its_footer(public: Path) -> None:
    pages = [p for p in public.rglob("*.html") if "search" not in p.parts or p.name == "index.html"]
    assert len(pages) > 20
    for page in pages:
        footer = page.read_text(encoding="utf-8").split('<footer class="site-footer">')[-1]
        assert 'href="/web/archives/">Archives</a>' in footer, page


def test_every_date_links_to_its_month(public: Path) -> None:
    for rel in ("index.html", "tag/ai/index.html", POST):
        html = read(public, rel)
        dates = re.findall(r'(<a [^>]*>)?<time class="dt-published" datetime="(\d{4})-(\d\d)', html)
        assert dates, rel
        for link, year, month in dates:
            assert link.endswith(f'href="/web/{year}/{month}/">'), (rel, link)


def test_numbered_pagination_marks_the_current_page(public: Path) -> None:
    html = read(public, "2023/09/page/2/index.html")
    nav = html.split('<nav class="pagination"')[1].split("</nav>")[0]
    assert re.findall(r'<a href="([^"]+)"[^>]*>(\d+)</a>', nav) == [
        ("/web/2023/09/", "1"),
        ("/web/2023/09/page/2/", "2"),
    ]
    assert 'href="/web/2023/09/page/2/" aria-current="page"' in nav
    assert 'rel="prev" href="/web/2023/09/"' in nav


@pytest.mark.parametrize(
    ("rel", "trail"),
    [
        ("2023/09/index.html", ["Home", "Archives", "2023", "September 2023"]),
        ("tag/ai/index.html", ["Home", "Tags", "AI"]),
        ("category/telecom/5g/index.html", ["Home", "Telecom", "5G"]),
        ("category/telecom/index.html", ["Home", "Telecom"]),
        ("author/priya/index.html", ["Home", "Priya Raman"]),
        ("archives/index.html", ["Home", "Archives"]),
    ],
)
def test_list_pages_have_breadcrumbs(public: Path, rel: str, trail: list[str]) -> None:
    html = read(public, rel)
    crumbs = html.split('<nav class="breadcrumbs" aria-label="Breadcrumb">')[1].split("</nav>")[0]
    assert re.findall(r"<li>(?:<a [^>]+>|<span [^>]+>)([^<]+)<", crumbs) == trail
    assert crumbs.count('aria-current="page"') == 1


def test_home_has_no_breadcrumbs(public: Path) -> None:
    assert 'aria-label="Breadcrumb"' not in read(public, "index.html")


def nav_current(html: str) -> list[tuple[str, str]]:
    nav = html.split('<nav class="site-nav"')[1].split("</nav>")[0]
    return re.findall(r'<a href="([^"]+)" aria-current="(\w+)"', nav)


def test_the_current_section_is_highlighted(public: Path) -> None:
    assert nav_current(read(public, "category/telecom/index.html")) == [
        ("/web/category/telecom/", "page")
    ]
    # a subsection's page highlights its top-level section
    assert nav_current(read(public, "category/telecom/5g/index.html")) == [
        ("/web/category/telecom/", "true")
    ]
    assert ("/web/category/telecom/", "true") in nav_current(read(public, POST))
    assert nav_current(read(public, "index.html")) == []
    assert nav_current(read(public, "tag/ai/index.html")) == []


def test_article_header_has_dek_time_zone_update_reading_time(public: Path) -> None:
    header = read(public, POST).split('<header class="post-header')[1].split("</header>")[0]
    assert '<p class="post-dek p-summary" dir="auto">Elon Musk on Friday said' in header
    assert (
        '<a class="u-url" href="/web/2023/09/01/x-wont-use-users-private-data/" dir="ltr">'
        "11:51 IST</a>" in header
    )
    assert (
        'Updated <time class="dt-updated" datetime="2023-09-02T08:00:00+05:30" dir="ltr">'
        "September 2, 2023, 08:00 IST</time>"
    ) in header
    assert re.search(r'<span class="reading-time">\d+ min read</span>', header)
    assert " hidden" not in header


def test_author_box_with_bio_and_link(public: Path) -> None:
    html = read(public, POST)
    box = html.split('<aside class="author-box"')[1].split("</aside>")[0]
    assert "<b>News Desk</b> — The newsroom of Telecom Wire." in box
    assert '<a href="/web/author/news-desk/">All 3 articles by News Desk</a>' in box


def test_a_page_has_no_archive_date_link_nor_author_box(public: Path) -> None:
    html = read(public, "about/index.html")
    assert 'class="author-box"' not in html
    assert "Published" not in html


def test_update_within_the_hour_is_not_shown() -> None:
    ist = timezone(timedelta(hours=5, minutes=30), "IST")
    d = datetime(2024, 3, 5, 4, 42, tzinfo=UTC)
    assert clock(local_time(d, ist)) == "10:12 IST"
    naive = datetime(2024, 3, 5, 10, 12)  # already in the site's zone
    assert clock(local_time(naive, ist)) == "10:12 IST"
    assert reading_minutes("<p>" + "word " * 460 + "</p>") == 2
    assert reading_minutes("") == 0


def test_an_edit_within_the_hour_shows_no_update(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    src = site / "content/posts/2023/09/x-wont-use-users-private-data.md"
    text = src.read_text(encoding="utf-8")
    src.write_text(
        text.replace("updated: 2023-09-02T08:00:00+05:30", "updated: 2023-09-01T12:40:00+05:30"),
        encoding="utf-8",
    )
    build_site(site)
    header = (
        read(built_root(site), POST).split('<header class="post-header')[1].split("</header>")[0]
    )
    assert "Updated" not in header and "dt-updated" not in header
    assert "11:51 IST" in header


CSS = (DEFAULT_THEME / "static" / "style.css").read_text(encoding="utf-8")


def test_print_style_hides_navigation_search_and_related() -> None:
    block = CSS.split("@media print")[1]
    hidden = block.split("{ display: none")[0]
    for selector in (".site-header", ".site-footer", ".related", ".post-nav", ".header-search"):
        assert selector in hidden, selector


def test_hidden_beats_display_rules() -> None:
    # the search page's filters are `hidden` until its script runs; `.search-filters` sets
    # display:flex, which would show them without JavaScript
    assert re.search(r"\[hidden\][^{]*\{ display: none !important; \}", CSS)


def test_titles_and_summaries_take_their_direction_from_their_text(tmp_path: Path) -> None:
    # No per-post language in the content: an Arabic headline over an Arabic body must still
    # run right to left, on its page and on every card.
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    src = site / "content/posts/2023/09/x-wont-use-users-private-data.md"
    title = "'X won’t use users’ private data to train its AI models: Elon Musk'"
    text = src.read_text(encoding="utf-8")
    assert title in text
    src.write_text(text.replace(title, "'إكس لن تستخدم بيانات المستخدمين'"), encoding="utf-8")
    assert build_site(site).committed
    public = built_root(site)
    page = read(public, POST)
    assert '<article class="post h-entry" dir="rtl">' in page  # its byline and dates too
    assert re.search(r'<a class="u-url" href="[^"]+" dir="ltr">\d\d:\d\d IST</a>', page)
    assert '<h1 class="post-title p-name" dir="auto">إكس لن' in page
    home = read(public, "tag/ai/index.html")
    assert re.search(r'<h[23] class="card-title" dir="auto"><a [^>]+>إكس لن', home)
    assert '<p class="card-summary p-summary" dir="auto">' in home
    assert home.count('dir="rtl"') == 1  # its card, not the others


@pytest.mark.parametrize(
    ("summary", "body", "dek"),
    [
        ("Operators switched on 5G …", "<p>Operators switched on 5G in 500 cities.</p>", ""),
        ("Operators switched on [&hellip;]", "<p>Operators switched <b>on</b> 5G.</p>", ""),
        ("Rollout done.", "<p>Operators switched on 5G.</p>", "Rollout done."),
        ("", "<p>Text.</p>", ""),
        (  # the automatic excerpt runs past a gallery's caption the body has
            "One two three four five six seven eight nine ten eleven twelve. Next one …",
            "<p>One two three four five six seven eight nine ten eleven twelve.</p>"
            "<figure><figcaption>Caption</figcaption></figure><p>Next one and more.</p>",
            "",
        ),
    ],
)
def test_only_a_written_excerpt_is_the_dek(summary: str, body: str, dek: str) -> None:
    assert manual_excerpt(summary, body) == dek


def test_home_pages_after_the_first_have_breadcrumbs(public: Path) -> None:
    html = read(public, "page/2/index.html")
    crumbs = html.split('<nav class="breadcrumbs" aria-label="Breadcrumb">')[1].split("</nav>")[0]
    assert re.findall(r"<li>(?:<a [^>]+>|<span [^>]+>)([^<]+)<", crumbs) == ["Home", "Page 2"]


def test_a_wordpress_page_at_archives_keeps_its_address(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    (site / "content/pages/archives.md").write_text(
        "---\ntitle: Our archives\nslug: archives\ntype: page\n"
        "date: 2020-01-01T10:00:00+05:30\npath: archives/\nwp_id: 3\n---\n\nThe page.\n",
        encoding="utf-8",
    )
    report = build_site(site)
    assert report.committed and not report.problems.items, report.problems.render()
    html = read(built_root(site), "archives/index.html")
    assert "Our archives" in html and 'class="archive-year"' not in html


def test_an_update_the_same_day_shows_its_time_only(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    src = site / "content/posts/2023/09/x-wont-use-users-private-data.md"
    text = src.read_text(encoding="utf-8")
    new = text.replace("updated: 2023-09-02T08:00:00+05:30", "updated: 2023-09-01T18:40:00+05:30")
    src.write_text(new, encoding="utf-8")
    build_site(site)
    header = read(built_root(site), POST).split('<header class="post-header')[1]
    assert '+05:30" dir="ltr">18:40 IST</time>' in header.split("</header>")[0]
