"""`sitegen build` on the small fixture site: URLs, lists, redirects, stability, failure modes."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from builtsite import built_root
from testdata import FIXTURE_SITE

from sitegen.build.options import BuildOptions, InMemory
from sitegen.build.orchestrator import build_site
from sitegen.build.output import MemorySink

POST = "2023/09/01/x-wont-use-users-private-data/index.html"
HINDI_DIR = "2023/09/03/हिंदी-news"


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_builds_every_wordpress_url(site: Path) -> None:
    report = build_site(site)
    assert not report.problems.items, report.problems.render()
    public = tree(built_root(site))
    expected = [
        POST,
        f"{HINDI_DIR}/index.html",
        "index.html", "page/2/index.html", "page/3/index.html",
        "category/telecom/index.html", "category/telecom/page/2/index.html",
        "category/telecom/5g/index.html", "category/index.html", "tag/index.html",
        "tag/हिंदी/index.html", "author/priya/index.html",
        "2023/index.html", "2023/09/index.html", "2023/09/01/index.html",
        "about/index.html", "404.html", "410.html", "robots.txt", "sitemap.xml",
        "feed/index.xml", "feed/atom/index.xml",
        "feed/json/index.json", "category/telecom/5g/feed/index.xml", "tag/ai/feed/atom/index.xml",
        "wp-content/uploads/2023/09/x-logo.png",
    ]  # fmt: skip
    assert [p for p in expected if p not in public] == []
    # The host's files sit at public/'s root, where Netlify reads them, beside the site's folder.
    assert sorted(p.name for p in (site / "public").iterdir()) == ["_headers", "_redirects", "web"]
    # Theme assets carry their content's hash: a changed stylesheet is a new URL.
    assert [p for p in public if re.fullmatch(r"assets/style\.[0-9a-f]{10}\.css", p)]
    assert "2023/09/04/unfinished-draft/index.html" not in public  # drafts need --drafts
    assert "category/unused/index.html" not in public  # WordPress 404s an empty category


def test_sticky_first_and_pagination(site: Path) -> None:
    build_site(site)
    home = (built_root(site) / "index.html").read_text()
    top = home.split('<section class="front-block"')[0]  # the lead and the stories after it
    titles = re.findall(r'class="u-url p-name" href="([^"]+)"', top)
    # 5 posts, 2 per page: the sticky post (19 days older than the newest) leads page 1.
    assert titles == [
        "/web/2023/08/15/tariffs-decade/",
        "/web/2023/09/03/%e0%a4%b9%e0%a4%bf%e0%a4%82%e0%a4%a6%e0%a5%80-news/",
    ]
    assert 'href="/web/page/2/"' in home
    last = (built_root(site) / "page/3/index.html").read_text()
    assert re.findall(r'class="u-url p-name" href="([^"]+)"', last) == [
        "/web/2022/12/31/year-end-2022/"
    ]
    assert 'rel="prev" href="/web/page/2/"' in last


def test_parent_category_lists_child_posts_with_breadcrumbs(site: Path) -> None:
    build_site(site)
    telecom = (built_root(site) / "category/telecom/index.html").read_text()
    assert "/web/2023/09/02/5g-rollout-reaches-500-cities/" in telecom  # posted in 5G only
    child = (built_root(site) / "category/telecom/5g/index.html").read_text()
    assert re.search(
        r'<a href="/web/category/telecom/">Telecom</a>.*aria-current="page">5G<', child, re.S
    )


def test_post_page_markup(site: Path) -> None:
    build_site(site)
    html = (built_root(site) / POST).read_text()
    body = re.search(r'<div class="e-content">(.*?)</div>\n', html, re.S)
    assert body and body.group(1).startswith("<p>Elon Musk on Friday")
    assert (
        body.group(1).rstrip().endswith("</section>")
    )  # exactly the body: ends with the footnotes
    assert (
        '<time class="dt-published" datetime="2023-09-01T11:51:47+05:30">September 1, 2023</time>'
        in html
    )
    assert '<a class="p-author h-card" href="/web/author/news-desk/">News Desk</a>' in html
    assert (
        '<link rel="canonical" href="https://news.example.org/web/2023/09/01/x-wont-use-users-private-data/">'
        in html
    )
    assert '"@type": "NewsArticle"' in html and 'property="og:image"' in html
    assert "<figcaption>X updated its privacy policy. &lt;Photo: file&gt;</figcaption>" in html
    # root-relative links in the body get the base path
    assert '<a href="/web/category/telecom/5g/">our 5G coverage</a>' in html
    assert 'rel="prev" href="/web/2023/08/15/tariffs-decade/"' in html
    assert 'rel="next" href="/web/2023/09/02/5g-rollout-reaches-500-cities/"' in html
    assert 'type="application/rss+xml" title="Telecom Wire RSS" href="/web/feed/"' in html


def test_redirects(site: Path) -> None:
    build_site(site)
    lines = (site / "public/_redirects").read_text().splitlines()
    assert "/web/ p=800463 /web/2023/09/01/x-wont-use-users-private-data/ 301!" in lines
    assert "/web/ page_id=2 /web/about/ 301!" in lines
    assert (
        "/web/2023/08/31/x-private-data/ /web/2023/09/01/x-wont-use-users-private-data/ 301"
        in lines
    )
    assert "/web/2023/07/01/withdrawn-story/ /web/410.html 410" in lines
    assert not [line for line in lines if "year-end-2022/ /web/410.html" in line]  # back again
    assert "/web/category/5g/ /web/category/telecom/5g/ 301" in lines
    assert "/web/feed/ /web/feed/index.xml 200" in lines
    assert "/web/category/:slug/feed/ /web/category/:slug/feed/index.xml 200" in lines


def test_two_builds_are_byte_identical_and_second_writes_nothing(
    site: Path, tmp_path: Path
) -> None:
    build_site(site)
    first = tree(site / "public")
    mtimes = {p: p.stat().st_mtime_ns for p in (site / "public").rglob("*") if p.is_file()}
    other = tmp_path / "other"
    shutil.copytree(FIXTURE_SITE, other)
    build_site(other)
    assert tree(other / "public") == first  # independent builds agree byte for byte
    report = build_site(site)
    assert report.written == 0 and report.unchanged == len(first)
    assert {p: p.stat().st_mtime_ns for p in (site / "public").rglob("*") if p.is_file()} == mtimes


def test_removed_post_is_pruned(site: Path) -> None:
    build_site(site)
    (site / "content/posts/2022/12/year-end.md").unlink()
    build_site(site)
    assert not (built_root(site) / "2022/12/31/year-end-2022").exists()
    assert not (built_root(site) / "2022").exists()


def test_failed_build_keeps_previous_output(site: Path) -> None:
    build_site(site)
    before = tree(site / "public")
    post = site / "content/posts/2023/09/5g-rollout.md"
    post.write_text(post.read_text().replace("date: 2023-09-02T09:15:00+05:30", "date: 2023-13-02"))
    report = build_site(site)
    assert report.failed() and not report.committed
    [error] = report.problems.errors  # named by file (and line, where the parser knows it)
    assert error.location.startswith("content/posts/2023/09/5g-rollout.md")
    assert tree(site / "public") == before
    assert not list(site.glob(".public.*"))  # the staging folder is cleaned up


def test_all_problems_reported_together(site: Path) -> None:
    (site / "content/posts/2023/09/bad1.md").write_text("---\ntitle: x\n---\nno date\n")
    (site / "content/posts/2023/09/bad2.md").write_text("title: no front matter\n")
    dup = site / "content/posts/2023/09/dup.md"
    dup.write_text((site / "content/posts/2022/12/year-end.md").read_text())
    report = build_site(site)
    rendered = report.problems.render()
    assert "[1] content/posts/2023/09/bad1.md:1: error: date: missing" in rendered
    assert "content/posts/2023/09/bad2.md:1: error: no front matter" in rendered
    assert (
        "URL collision: /2022/12/31/year-end-2022/ is also the path of "
        "content/posts/2022/12/year-end.md" in rendered
    )
    assert "content/posts/2023/09/dup.md" in rendered
    assert len(report.problems.errors) == 3


def test_memory_sink_builds_the_same_bytes(site: Path) -> None:
    build_site(site)
    sink = MemorySink()
    report = build_site(site, BuildOptions(target=InMemory(sink)))
    assert report.committed
    on_disk = {
        k: v
        for k, v in (
            (p.relative_to(site / "public").as_posix(), p.read_bytes())
            for p in (site / "public").rglob("*")
            if p.is_file()
        )
    }
    assert sink.files == on_disk


def test_base_url_override_moves_every_link(site: Path) -> None:
    report = build_site(site, BuildOptions(overrides={"base_url": "http://127.0.0.1:8000/"}))
    assert not report.problems.items, report.problems.render()
    html = (site / "public" / POST).read_text()
    assert 'href="/category/telecom/5g/"' in html and "/web/" not in html.replace(
        "news.example.org/web/", ""
    )


def test_news_article_json_ld_survives_hostile_titles(site: Path) -> None:
    post = site / "content/posts/2023/09/5g-rollout.md"
    post.write_text(
        post.read_text().replace(
            "title: 5G rollout reaches 500 cities", "title: 'a </script><!-- & b'"
        )
    )
    build_site(site)
    html = (built_root(site) / "2023/09/02/5g-rollout-reaches-500-cities/index.html").read_text()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert data["headline"] == "a </script><!-- & b"
    assert data["@type"] == "NewsArticle" and data["inLanguage"] == "en"
    assert data["author"] == {
        "@type": "Person",
        "name": "Priya Raman",
        "url": "https://news.example.org/web/author/priya/",
    }
    assert data["articleSection"] == ["5G"] and data["keywords"] == ["Spectrum", "AI"]
    assert data["datePublished"] == "2023-09-02T09:15:00+05:30"
    assert (
        data["mainEntityOfPage"]
        == "https://news.example.org/web/2023/09/02/5g-rollout-reaches-500-cities/"
    )


def test_a_folder_without_content_is_an_error(tmp_path: Path) -> None:
    report = build_site(tmp_path)
    # Only the cause: a missing base_url (no content/_site.yaml) would follow from it.
    assert [p.render() for p in report.problems] == [
        f"error: no content/ folder in {tmp_path}\n"
        "  hint: run `sitegen import` first, or choose the site with `sitegen --site DIR build`",
    ]
    assert not (tmp_path / "public").exists()
