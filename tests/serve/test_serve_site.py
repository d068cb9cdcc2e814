"""`sitegen serve` on a real site: the real build, in memory, rebuilt on change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from serve_helpers import EventStream, get

from sitegen.build.render import DEFAULT_THEME
from sitegen.serve import Preview, site_builder, watch_targets

POST = "content/posts/2023/09/5g-rollout.md"
POST_URL = "/2023/09/02/5g-rollout-reaches-500-cities/"


@pytest.fixture
def preview(site: Path):  # type: ignore[no-untyped-def]
    p = Preview(None, [], port=0, log=lambda _: None)
    p.builder = site_builder(site, p.url)
    p.start()
    yield p
    p.stop()


def test_serves_the_built_site_at_wordpress_urls(preview: Preview, site: Path) -> None:
    page = get(preview, POST_URL)
    assert page.status == 200
    assert "500th city" in page.text
    # Built for the preview's URL: every link of the page works on the preview itself.
    links = set(re.findall(r'(?:href|src)="(/[^"#]*)"', page.text))
    assert len(links) > 15
    assert {u: get(preview, u).status for u in links if get(preview, u).status >= 400} == {}
    # the types the build's _headers gives its feeds
    types = {
        u: get(preview, u).headers["content-type"] for u in ("/feed/", "/feed/atom/", "/feed/json/")
    }
    assert types == {
        "/feed/": "application/rss+xml; charset=utf-8",
        "/feed/atom/": "application/atom+xml; charset=utf-8",
        "/feed/json/": "application/feed+json; charset=utf-8",
    }
    # an old WordPress URL, through the build's _redirects
    assert get(preview, "/2023/08/31/x-private-data/").headers["location"] == (
        "/2023/09/01/x-wont-use-users-private-data/"
    )
    # WordPress's short links: a forced rule, since the home page exists at the same path
    assert get(preview, "/?p=800463").headers["location"] == (
        "/2023/09/01/x-wont-use-users-private-data/"
    )
    assert not (site / "public").exists() and not (site / ".sitegen").exists()


def test_edit_rebuilds_only_what_it_affects(preview: Preview, site: Path) -> None:
    before = {u: get(preview, u).body for u in ("/about/", "/tag/spectrum/", POST_URL)}
    post = site / POST
    post.write_text(post.read_text().replace("500th city", "600th city"))
    assert preview.rebuild(frozenset({post})) is True
    assert "600th city" in get(preview, POST_URL).text
    assert "600th city" in get(preview, "/feed/").text
    assert (
        get(preview, "/about/").body.replace(b'data-version="2"', b'data-version="1"')
        == (before["/about/"])
    )


def test_broken_template_shows_where_and_keeps_the_last_good_site(
    preview: Preview, site: Path
) -> None:
    events = EventStream(preview)
    assert events.next_state()["problems"] == []
    override = site / "themes" / "default" / "templates" / "post.html"
    override.parent.mkdir(parents=True)
    good = (DEFAULT_THEME / "templates" / "post.html").read_text()
    override.write_text(good.replace("{% block", "{% blok", 1))
    assert preview.rebuild(frozenset({override})) is False
    state = events.next_state()
    assert state["version"] == 1
    where = {p["location"].split(":")[0] for p in state["problems"]}
    assert "themes/default/templates/post.html" in where, state
    assert "500th city" in get(preview, POST_URL).text  # still the last good page

    override.write_text(good.replace("</article>", "<p>fixed theme</p></article>", 1))
    assert preview.rebuild(frozenset({override})) is True
    assert events.next_state() == {"version": 2, "problems": []}
    assert "fixed theme" in get(preview, POST_URL).text
    events.close()


def test_watch_targets(site: Path) -> None:
    """Everything a build reads, existing or not (a theme folder may be created later)."""
    assert watch_targets(site) == [
        site / "content", site / "themes", site / "static", site / "sitegen.toml", DEFAULT_THEME,
    ]  # fmt: skip
    assert not (site / "themes").exists()
