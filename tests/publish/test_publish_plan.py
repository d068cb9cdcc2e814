"""The pure parts of publishing: the planner, upload order, Content-Type and Cache-Control rules."""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from testdata import PUBLISH_SITE

from sitegen.errors import SitegenError
from sitegen.feeds.formats import FORMATS
from sitegen.mediatypes import ATOM, RSS, content_type, is_compressible
from sitegen.publish.localsite import scan_site
from sitegen.publish.settings import (
    DAY,
    IMMUTABLE,
    SHORT,
    PublishSettings,
    glob_match,
    load_settings,
    parse_settings,
)
from sitegen.publish.store import ObjectMeta
from sitegen.publish.uploadplan import ASSETS, FEEDS, HOME, PAGES, SITEMAPS, phase_of, plan_sync

HTML = "text/html; charset=utf-8"


def meta(sha: str, ctype: str = HTML, cache: str = SHORT, enc: str = "") -> ObjectMeta:
    return ObjectMeta(sha, ctype, cache, enc)


def test_plan_reasons() -> None:
    local = {
        "new.html": meta("1"),
        "same.html": meta("2"),
        "edited.html": meta("3"),
        "recached.html": meta("4", cache="no-cache"),
        "zipped.css": meta("5", "text/css", DAY, "gzip"),
    }
    remote = {
        "same.html": meta("2"),
        "edited.html": meta("old"),
        "recached.html": meta("4"),
        "zipped.css": meta("5", "text/css", DAY),
        "gone.html": meta("6"),
    }
    plan = plan_sync(local, remote)
    assert {(u.key, u.reason) for u in plan.uploads} == {
        ("new.html", "new"),
        ("edited.html", "changed"),
        ("recached.html", "metadata"),
        ("zipped.css", "changed"),
    }
    assert plan.deletes == ("gone.html",)
    assert plan.unchanged == 1
    assert "deleted   gone.html" in plan.lines()


def test_folder_targets_compare_content_only() -> None:
    local = {"a.html": meta("1", cache="no-cache"), "b.html": meta("2")}
    remote = {"a.html": ObjectMeta("1"), "b.html": ObjectMeta("x")}
    plan = plan_sync(local, remote, compare_metadata=False)
    assert [(u.key, u.reason) for u in plan.uploads] == [("b.html", "changed")]


def test_upload_order_assets_pages_home_feeds_sitemaps() -> None:
    local = {
        "sitemap.xml": meta("1", "application/xml"),
        "feed/index.xml": meta("2", RSS),
        "feed/index.html": meta("2", RSS),  # the S3 alias of a feed is a feed
        "index.html": meta("3"),
        "2025/11/02/post/index.html": meta("4"),
        "assets/style.css": meta("5", "text/css"),
        "robots.txt": meta("6", "text/plain"),
    }
    plan = plan_sync(local, {})
    assert [u.key for u in plan.uploads] == [
        "assets/style.css",
        "2025/11/02/post/index.html",
        "index.html",
        "feed/index.html",
        "feed/index.xml",
        "robots.txt",
        "sitemap.xml",
    ]
    assert phase_of("sitemap-posts.xml", meta("1", "application/xml")) == SITEMAPS
    assert phase_of("feed/atom/index.xml", meta("1", ATOM)) == FEEDS
    assert phase_of("index.html", meta("1")) == HOME
    assert phase_of("404.html", meta("1")) == PAGES
    assert phase_of("wp-content/uploads/x.png", meta("1", "image/png")) == ASSETS


keys = st.text(alphabet="abc/.", min_size=1, max_size=6)
metas = st.builds(
    ObjectMeta,
    sha256=st.sampled_from(["h1", "h2", "h3"]),
    content_type=st.sampled_from([HTML, RSS, "image/png"]),
    cache_control=st.sampled_from([SHORT, DAY]),
    content_encoding=st.sampled_from(["", "gzip"]),
)


@given(st.dictionaries(keys, metas), st.dictionaries(keys, metas), st.booleans())
def test_applying_the_plan_yields_the_local_state(
    local: dict[str, ObjectMeta], remote: dict[str, ObjectMeta], compare_metadata: bool
) -> None:
    plan = plan_sync(local, remote, compare_metadata=compare_metadata)
    after = {k: m for k, m in remote.items() if k not in plan.deletes}
    after.update({u.key: local[u.key] for u in plan.uploads})
    if compare_metadata:
        assert after == local
    else:
        assert {k: m.sha256 for k, m in after.items()} == {k: m.sha256 for k, m in local.items()}
    # Nothing is uploaded twice, nothing needless, and the order is by phase.
    assert len({u.key for u in plan.uploads}) == len(plan.uploads)
    assert len(plan.uploads) + plan.unchanged == len(local)
    phases = [u.phase for u in plan.uploads]
    assert phases == sorted(phases)
    # A second plan against the result has nothing left to do.
    assert plan_sync(local, after, compare_metadata=compare_metadata).empty


def test_content_types_of_a_wordpress_mirror() -> None:
    rss = (PUBLISH_SITE / "feed/index.xml").read_bytes()
    atom = (PUBLISH_SITE / "feed/atom/index.xml").read_bytes()
    sitemap = (PUBLISH_SITE / "sitemap.xml").read_bytes()
    assert content_type("feed/index.xml", rss) == "application/rss+xml; charset=utf-8"
    assert content_type("feed/atom/index.xml", atom) == "application/atom+xml; charset=utf-8"
    assert content_type("sitemap.xml", sitemap) == "application/xml; charset=utf-8"
    assert content_type("index.html") == HTML
    assert content_type("site.webmanifest") == "application/manifest+json"
    assert content_type("search/index.json") == "application/json"
    assert content_type("fonts/inter.woff2") == "font/woff2"
    assert content_type("img/A.JPG") == "image/jpeg"
    assert content_type("logo.svg") == "image/svg+xml"
    assert content_type("pagefind/fragment/en_4e0b2b5.pf_fragment") == "application/octet-stream"
    assert content_type("LICENSE") == "application/octet-stream"
    assert is_compressible(RSS) and is_compressible("image/svg+xml")
    assert not is_compressible("image/png") and not is_compressible("font/woff2")


def test_glob_patterns() -> None:
    assert glob_match("*.html", "2025/11/02/post/index.html")  # no "/": any folder
    assert glob_match("assets/**", "assets/css/site.css")
    assert not glob_match("assets/*", "assets/css/site.css")
    assert glob_match("**/feed/index.xml", "feed/index.xml")
    assert glob_match("category/*/feed/index.xml", "category/5g/feed/index.xml")
    assert not glob_match("feed/*.xml", "category/5g/feed/index.xml")
    assert glob_match("img?.png", "a/img1.png")


def test_cache_control_defaults_and_rules() -> None:
    settings = PublishSettings()
    assert settings.cache_control_for("index.html", HTML) == SHORT
    assert settings.cache_control_for("feed/index.xml", RSS) == SHORT
    # Every feed format, the JSON Feed too: a new post must reach subscribers within minutes.
    for feed in FORMATS:
        assert settings.cache_control_for(feed.file, feed.content_type) == SHORT
    assert settings.cache_control_for("assets/style.3f2a9c1e.css", "text/css") == IMMUTABLE
    assert settings.cache_control_for("wp-content/uploads/a.png", "image/png") == DAY
    ruled = parse_settings({"cache_control": {"wp-content/uploads/**": "public, max-age=600"}}, "t")
    assert ruled.cache_control_for("wp-content/uploads/a.png", "image/png") == "public, max-age=600"
    assert ruled.cache_control_for("index.html", HTML) == SHORT


def test_settings_from_sitegen_toml(tmp_path: Path) -> None:
    assert load_settings(tmp_path) == PublishSettings()
    (tmp_path / "sitegen.toml").write_text(
        'title = "x"\n[publish]\ntarget = "s3://b/p"\nmax_deletes = 10\ngzip = true\n'
        '[publish.content_type]\n"*.php" = "text/html; charset=utf-8"\n'
    )
    settings = load_settings(tmp_path)
    assert (settings.target, settings.max_deletes, settings.gzip) == ("s3://b/p", 10, True)
    assert settings.content_type_for("old/index.php") == HTML
    (tmp_path / "sitegen.toml").write_text("[publish]\nmax_deletess = 3\n")
    with pytest.raises(SitegenError, match=re.escape("unknown key 'publish.max_deletess'")) as info:
        load_settings(tmp_path)
    assert str(info.value).startswith("sitegen.toml:2: ")  # the line, as the build says it
    (tmp_path / "sitegen.toml").write_text("jobs = 1\n[publish]\njobs = true\n")
    with pytest.raises(SitegenError) as info:
        load_settings(tmp_path)
    assert str(info.value) == "sitegen.toml:3: publish.jobs: expected int, got True"


def test_scan_site_hashes_headers_and_feed_aliases() -> None:
    objects = {
        o.key: o
        for o in scan_site(PUBLISH_SITE, PublishSettings(), compress=True, feed_index_html=True)
    }
    feed, alias = objects["feed/index.xml"], objects["feed/index.html"]
    assert alias.meta == feed.meta and alias.meta.content_type == RSS
    assert objects["feed/atom/index.html"].meta.content_type.startswith("application/atom+xml")
    assert "category/telecom/feed/index.html" in objects
    # A folder with its own index.html keeps it: no alias replaces a real page.
    assert objects["index.html"].source.name == "index.html"
    assert feed.meta.content_encoding == "gzip"
    assert objects["wp-content/uploads/2025/11/tower.png"].meta.content_encoding == ""
    assert gzip.decompress(feed.body()) == (PUBLISH_SITE / "feed/index.xml").read_bytes()
    assert feed.body() == feed.body()  # deterministic: no timestamp in the gzip header
    assert (
        feed.meta.sha256
        == hashlib.sha256((PUBLISH_SITE / "feed/index.xml").read_bytes()).hexdigest()
    )
    plain = scan_site(PUBLISH_SITE, PublishSettings(), compress=False, feed_index_html=False)
    assert sorted(o.key for o in plain) == sorted(
        p.relative_to(PUBLISH_SITE).as_posix() for p in PUBLISH_SITE.rglob("*") if p.is_file()
    )


def test_scan_site_refuses_a_missing_or_empty_site(tmp_path: Path) -> None:
    with pytest.raises(SitegenError, match="no built site here"):
        scan_site(tmp_path / "public", PublishSettings(), compress=False, feed_index_html=False)
    (tmp_path / "public").mkdir()
    with pytest.raises(SitegenError, match="the built site is empty"):
        scan_site(tmp_path / "public", PublishSettings(), compress=False, feed_index_html=False)


def test_json_feed_is_a_feed_and_answers_at_its_folder(tmp_path: Path) -> None:
    site = tmp_path / "public"
    shutil.copytree(PUBLISH_SITE, site)
    (site / "feed/json").mkdir()
    (site / "feed/json/index.json").write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Telecom Live",\n'
        ' "feed_url": "http://127.0.0.1:8089/web/feed/json/", "items": []}\n'
    )
    (site / "search").mkdir()
    (site / "search/index.json").write_text('{"pages": ["/", "/category/telecom/"]}\n')
    objects = {
        o.key: o for o in scan_site(site, PublishSettings(), compress=False, feed_index_html=True)
    }
    feed = objects["feed/json/index.json"].meta
    assert feed.content_type == "application/feed+json; charset=utf-8"
    assert objects["feed/json/index.html"].meta == feed
    assert phase_of("feed/json/index.json", feed) == FEEDS
    assert objects["search/index.json"].meta.content_type == "application/json"
    assert "search/index.html" not in objects  # JSON data is not a feed: no alias
