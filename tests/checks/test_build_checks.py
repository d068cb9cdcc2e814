"""The offline checkers behind `sitegen check` and the build's warnings, and --strict."""

from __future__ import annotations

from pathlib import Path

from builtsite import built_root
from sitehelpers import sitemap_xsd_errors

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.checks.links import check_links, redirect_rules
from sitegen.checks.sitemap import check_sitemap

BASE = "https://news.example.org/web/"


def page(body: str) -> bytes:
    return f'<!DOCTYPE html><html><body><h1 id="top-story">x</h1>{body}</body></html>'.encode()


def test_link_checker_cases() -> None:
    files = {
        "index.html": page(
            '<a href="/web/a/">ok</a>\n<a href="/web/a/#top-story">ok frag</a>\n'
            '<a href="/web/missing/">broken</a>\n<a href="/web/a/#nope">bad frag</a>\n'
            '<a href="/web/feed/">rewrite</a>\n<a href="/web/category/x/feed/">rewrite slug</a>\n'
            '<a href="/web/old/">redirected</a>\n<img src="img.png" alt="">\n'
            '<a href="https://elsewhere.example/">external</a> <a href="mailto:a@b.c">mail</a>\n'
            '<a href="/outside/">outside</a>\n'
            '<img srcset="/web/img.png 1x, /web/gone.png 2x" alt="">'
        ),
        "a/index.html": page(""),
        "img.png": b"png",
        "feed/index.xml": b"<rss/>",
        "_redirects": (
            b"/web/feed/ /web/feed/index.xml 200\n"
            b"/web/category/:slug/feed/ /web/category/:slug/feed/index.xml 200\n"
            b"/web/old/ /web/a/ 301\n"
        ),
    }
    found = [(p.location, p.message) for p in check_links(files, "/web/")]
    assert found == [
        ("index.html:3", "broken link /web/missing/ (no such file in the site)"),
        ("index.html:4", "broken link /web/a/#nope (no id='nope' in a/index.html)"),
        ("index.html:6", "broken link /web/category/x/feed/ (no such file in the site)"),
        ("index.html:10", "broken link /outside/ (outside the site's base path /web/)"),
        ("index.html:11", "broken link /web/gone.png (no such file in the site)"),
    ]


def test_sitemap_checker_cases() -> None:
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    files = {
        "sitemap.xml": (
            f'<urlset xmlns="{ns}"><url><loc>{BASE}</loc><lastmod>2023-09-01</lastmod></url>'
            f"<url><loc>{BASE}</loc></url><url><loc>https://other.example/x/</loc></url>"
            f"<url><loc>{BASE}nothing/</loc><lastmod>yesterday</lastmod></url></urlset>"
        ).encode(),
        "index.html": b"<p>home</p>",
    }
    assert [p.render() for p in check_sitemap(files, BASE)] == [
        f"sitemap.xml: entry 2: error: duplicate loc {BASE}",
        "sitemap.xml: entry 3: error: loc 'https://other.example/x/' is not under " + BASE,
        "sitemap.xml: entry 4: error: lastmod 'yesterday' is not a W3C datetime",
        f"sitemap.xml: entry 4: error: loc {BASE}nothing/ has no file in the build",
    ]
    [bad] = check_sitemap({"sitemap.xml": b"<urlset"}, BASE)
    assert bad.message.startswith("not well-formed XML")


def test_sitemap_index_past_the_limit(site: Path) -> None:
    (site / "sitegen.toml").write_text(
        (site / "sitegen.toml").read_text() + "[sitemap]\nmax_urls = 10\n"
    )
    assert build_site(site).committed
    public = built_root(site)
    index = (public / "sitemap.xml").read_text()
    assert "<sitemapindex" in index and f"<loc>{BASE}sitemap-3.xml</loc>" in index
    for name in ("sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"):
        assert sitemap_xsd_errors(public / name) == []
    assert check_sitemap(public, BASE) == []
    assert (public / "sitemap-1.xml").read_text().count("<url>") == 10


def test_broken_link_is_an_error_and_the_output_is_still_written(site: Path) -> None:
    post = site / "content/posts/2022/12/year-end.md"
    post.write_text(post.read_text() + "\nSee [the missing story](/2021/01/01/never-existed/).\n")
    report = build_site(site)
    assert report.committed and report.failed() and not report.problems.warnings
    [error] = [p.render() for p in report.problems.errors]
    assert error.startswith(
        "content/posts/2022/12/year-end.md: error: broken link /web/2021/01/01/never-existed/"
        " (no such file in the site)\n  hint: in public/web/2022/12/31/year-end-2022/index.html:"
    )
    assert "missing story" in (built_root(site) / "2022/12/31/year-end-2022/index.html").read_text()
    post.write_text(post.read_text() + "\nMore.\n")
    again = build_site(
        site, BuildOptions(strict=True)
    )  # --strict adds nothing: it already is an error
    assert again.failed() and again.committed
    assert "More." in (built_root(site) / "2022/12/31/year-end-2022/index.html").read_text()


def test_unresolved_term_is_a_warning(site: Path) -> None:
    post = site / "content/posts/2022/12/year-end.md"
    post.write_text(
        post.read_text().replace(
            "- {slug: spectrum, name: Spectrum}", "- {slug: spektrum, name: Spektrum}"
        )
    )
    report = build_site(site)
    assert [p.render() for p in report.problems.warnings] == [
        "content/posts/2022/12/year-end.md: warning: tag 'spektrum' is not in content/_site.yaml\n"
        "  hint: add it to the tag list there, or fix the slug"
    ]
    assert (built_root(site) / "tag/spektrum/index.html").is_file()  # the post links to it


def test_rewrites_keep_netlifys_first_match_with_exact_paths_looked_up() -> None:
    table = (
        "/web/a/feed/ /web/a/feed/first.xml 200\n"  # exact, before the pattern
        "/web/:slug/feed/ /web/:slug/feed/index.xml 200\n"
        "/web/b/feed/ /web/b/feed/never.xml 200\n"  # exact, after a pattern that matches
        "/web/c/x/ /web/c/y/ 200\n"
        "/web/old/ /web/new/ 301\n"
    )
    rewrites, sources = redirect_rules({"_redirects": table.encode()}, "/web/")
    assert rewrites.find("a/feed/") == "a/feed/first.xml"
    assert rewrites.find("b/feed/") == "b/feed/index.xml"
    assert rewrites.find("c/x/") == "c/y/"
    assert rewrites.find("c/z/") is None
    assert sources == {"old/"}
