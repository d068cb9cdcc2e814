"""SEO plugins' data (Yoast's yoast_head_json over REST, Yoast and Rank Math post meta in an
export) reach the front matter `seo:` and then the page's <head>, the sitemap and the feeds."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from builtsite import built_root
from testdata import SEED

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.content import parse_document
from sitegen.errors import SitegenError
from sitegen.wp import seo
from sitegen.wp.importer import ImportOptions, import_paths

HOME = "https://telecomlive.in/web/"


def _posts(first_seo: dict[str, object], second_seo: dict[str, object] | None = None) -> list:
    one = json.loads(SEED.read_text())
    two = copy.deepcopy(one)
    two.update(id=one["id"] + 1, slug="other", link=HOME + "2023/09/02/other/")
    two["date"] = two["date_gmt"] = "2023-09-02T10:00:00"
    two["excerpt"] = {"rendered": "", "protected": False}
    one["yoast_head_json"] = first_seo
    if second_seo is not None:
        two["yoast_head_json"] = second_seo
    return [one, two]


def _import(tmp_path: Path, posts: list) -> tuple[Path, object]:
    src = tmp_path / "in"
    src.mkdir()
    (src / "posts.json").write_text(json.dumps(posts))
    (src / "index.json").write_text(json.dumps({"name": "Telecom Live", "home": HOME}))
    site = tmp_path / "site"
    report = import_paths(site, [src], ImportOptions())
    return site, report


def _meta(site: Path, slug: str) -> dict:
    doc = next(p for p in (site / "content").rglob(f"{slug}.md"))
    parsed = parse_document(doc.read_text(), doc.name)
    return {
        "title": parsed.seo.title,
        "description": parsed.seo.description,
        "canonical": parsed.seo.canonical,
        "noindex": parsed.seo.noindex,
    }


def test_yoast_head_json_to_front_matter_head_sitemap_and_feed(tmp_path: Path) -> None:
    first = {
        "title": "X won't train AI on your DMs – Telecom Live",
        "description": "Musk says X will use only public data.",
        # At the old host: the mirror's own page for that post.
        "canonical": HOME + "2023/09/02/other/",
        "robots": {"index": "noindex", "follow": "follow"},
    }
    second = {"description": "Only the SEO description.", "canonical": HOME + "2023/09/02/other/"}
    site, report = _import(tmp_path, _posts(first, second))
    assert not report.errors.errors, report.errors.render()
    slug = "x-wont-use-users-private-data-to-train-its-ai-models-elon-musk"
    assert _meta(site, slug) == {
        "title": "X won't train AI on your DMs – Telecom Live",
        "description": "Musk says X will use only public data.",
        "canonical": "/2023/09/02/other/",
        "noindex": True,
    }
    # The second post's canonical is itself: no canonical written, the default says it.
    assert _meta(site, "other")["canonical"] == ""

    built = build_site(
        site, BuildOptions(overrides={"base_url": "https://mirror.test/web/"}, check_links=False)
    )
    assert built.committed, built.problems.render()
    public = built_root(site, "https://mirror.test/web/")
    page = (public / "2023/09/01" / slug / "index.html").read_text()
    assert "<title>X won&#39;t train AI on your DMs – Telecom Live</title>" in page
    assert '<meta name="description" content="Musk says X will use only public data.">' in page
    assert '<link rel="canonical" href="https://mirror.test/web/2023/09/02/other/">' in page
    assert '<meta name="robots" content="noindex">' in page
    # Yoast shows its title to social sites too.
    assert '<meta property="og:title" content="X won&#39;t train AI on your DMs' in page
    other = (public / "2023/09/02/other/index.html").read_text()
    assert '<meta name="robots"' not in other
    assert '<link rel="canonical" href="https://mirror.test/web/2023/09/02/other/">' in other
    sitemap = (public / "sitemap.xml").read_text()
    assert "2023/09/02/other/" in sitemap
    assert slug not in sitemap  # noindex: kept out of the sitemap
    feed = (public / "feed/index.xml").read_text()
    assert "<description>Only the SEO description.</description>" in feed


def test_hostile_values(tmp_path: Path) -> None:
    first = {"title": "T" * 5000, "canonical": "javascript:alert(1)", "description": "<b>x</b>"}
    second = {"canonical": "https://syndicated.example/original-story/"}
    site, report = _import(tmp_path, _posts(first, second))
    warned = "\n".join(p.render() for p in report.errors.warnings)
    assert "canonical 'javascript:alert(1)' is not an http(s) URL" in warned
    assert "title cut to 300 characters" in warned
    meta = _meta(site, "x-wont-use-users-private-data-to-train-its-ai-models-elon-musk")
    assert meta["canonical"] == "" and meta["description"] == "x"
    assert len(meta["title"]) == 300
    # Another site's page this post copies: kept, it is the story's real home.
    assert _meta(site, "other")["canonical"] == "https://syndicated.example/original-story/"


def test_export_meta_yoast_and_rank_math() -> None:
    yoast = {
        "_yoast_wpseo_title": "%%title%% %%page%% %%sep%% %%sitename%%",
        "_yoast_wpseo_metadesc": "About %%title%%.",
        "_yoast_wpseo_canonical": "https://telecomlive.in/web/elsewhere/",
        "_yoast_wpseo_meta-robots-noindex": "1",
    }
    assert seo.from_meta(yoast, "Post", "Site") == {
        "title": "Post – Site",
        "description": "About Post.",
        "canonical": "https://telecomlive.in/web/elsewhere/",
        "noindex": True,
    }
    # A variable only a plugin knows: the post's own title rather than half a template.
    assert seo.from_meta({"_yoast_wpseo_title": "%%cf_sub%% %%sep%% x"}, "Post", "S") == {
        "title": "Post"
    }
    rank_math = {
        "rank_math_title": "%title% %sep% %sitename%",
        "rank_math_description": "Desc",
        "rank_math_robots": 'a:2:{i:0;s:7:"noindex";i:1;s:8:"nofollow";}',
    }
    assert seo.from_meta(rank_math, "Post", "Site") == {
        "title": "Post - Site",
        "description": "Desc",
        "noindex": True,
    }
    assert seo.from_meta({"_yoast_wpseo_meta-robots-noindex": "2"}, "P", "S") == {}


@pytest.mark.parametrize(
    ("seo_yaml", "said"),
    [
        ("seo: yes", "seo: expected keys"),
        ("seo: {titel: x}", "seo: unknown key 'titel'"),
        ("seo: {canonical: 'javascript:alert(1)'}", "neither an http(s) URL nor a path"),
        ("seo: {canonical: //evil.example/x}", "neither an http(s) URL nor a path"),
        ("seo: {noindex: 'no'}", "seo.noindex: expected true or false"),
    ],
)
def test_hand_written_seo_is_checked(seo_yaml: str, said: str) -> None:
    text = f"---\ntitle: T\ndate: 2024-01-01T00:00:00+00:00\npath: t/\n{seo_yaml}\n---\nBody\n"
    with pytest.raises(SitegenError) as exc:
        parse_document(text, "content/t.md")
    assert said in exc.value.message
    assert exc.value.location == "content/t.md:5"


def test_hand_written_seo_path_canonical() -> None:
    text = "---\ntitle: T\ndate: 2024-01-01T00:00:00+00:00\npath: t/\nseo:\n  canonical: /x/\n---\n"
    assert parse_document(text, "t.md").seo.canonical == "/x/"
