"""Reader comments end to end: imported from the dev corpus (approved only, no e-mail address
anywhere), hostile comments made harmless, rendered threaded at WordPress's anchors, counted
on posts and cards, published as WordPress's comment feeds, turned off by `sitegen.toml`, and
kept right by incremental builds."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from builtsite import built_root
from comment_support import add_comments
from feedcheck import check_xml_feed, parse_xml
from testdata import CORPUS, FIXTURE_SITE, FIXTURES

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.wp.importer import ImportOptions, import_paths

BASE = "http://mirror.test/web/"
TARIFFS = "2025/07/10/tariffs-so-far-a-recap-of-the-years-price-changes/"
TARIFFS_ID = 800474
OTHER_ID = 800439  # the Kolkata outage post, which has comment 1202


def _import(site: Path, *inputs: Path) -> Any:
    report = import_paths(site, list(inputs), ImportOptions())
    assert not report.failed, report.errors.render()
    return report


def _build(site: Path, **overrides: Any) -> Path:
    report = build_site(
        site, BuildOptions(overrides={"base_url": BASE, **overrides}, check_links=False)
    )
    assert report.committed, report.problems.render()
    return built_root(site, overrides.get("base_url", BASE))  # the site's own files


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("comments-corpus")
    _import(site, CORPUS)
    _build(site)
    return site


def test_the_corpus_comments_are_imported_threaded_without_addresses(corpus_site: Path) -> None:
    content = corpus_site / "content"
    tariffs = content / "posts/2025/07/tariffs-so-far-a-recap-of-the-years-price-changes.md"
    text = tariffs.read_text()
    assert "comments:\n- id: 1200\n  author: Prakash\n  date: 2025-07-10T19:02:00+05:30\n" in text
    assert "- id: 1201\n  parent: 1200\n  author: Aditi Raghavan\n" in text
    assert "We’ll add an annual-plan table" in text  # texturized as WordPress showed it
    everything = "".join(
        p.read_text(errors="replace") for p in sorted(corpus_site.rglob("*")) if p.is_file()
    )
    for address in ("reader.kol@", "prakash@", "aditi.r@", "gravatar.com/avatar"):
        assert address not in everything


def test_comments_render_threaded_at_wordpress_anchors(corpus_site: Path) -> None:
    page = (built_root(corpus_site, BASE) / TARIFFS / "index.html").read_text()
    section = page[
        page.index('<section id="comments"') : page.index("</section>", page.index('id="comments"'))
    ]
    assert '<h2 id="comments-title" class="comments-title">2 comments</h2>' in section
    top = section.index('<li id="comment-1200" class="comment depth-1 parent">')
    child = section.index('<ol class="children">', top)
    reply = section.index('<li id="comment-1201" class="comment depth-2">', child)
    assert top < child < reply
    assert (
        '<a class="comment-date" href="#comment-1201">'
        '<time datetime="2025-07-10T20:15:00+05:30">July 10, 2025 at 8:15 pm</time></a>' in section
    )
    # The count on the post, and on a card of a list showing it, links to the list.
    assert '<a class="comment-count" href="#comments">2 comments</a>' in page
    assert '"commentCount": 2' in page  # schema.org, in the article's JSON-LD
    cards = "".join(p.read_text() for p in built_root(corpus_site, BASE).rglob("index.html"))
    assert f'<a class="card-comments" href="/web/{TARIFFS}#comments">2 comments</a>' in cards
    # A post without comments shows no section and no count.
    plain = (built_root(corpus_site, BASE) / "2024/03/15").rglob("index.html")
    for path in plain:
        assert 'id="comments"' not in path.read_text()


def test_comment_feeds_are_wordpress_s_and_valid(corpus_site: Path) -> None:
    public = built_root(corpus_site, BASE)
    site_feed = (public / "comments/feed/index.xml").read_bytes()
    post_feed = (public / TARIFFS / "feed/index.xml").read_bytes()
    for data in (
        site_feed,
        post_feed,
        (public / "comments/feed/atom/index.xml").read_bytes(),
        (public / TARIFFS / "feed/atom/index.xml").read_bytes(),
    ):
        assert check_xml_feed(data) == []
    channel = parse_xml(site_feed).find("channel")
    assert channel.findtext("title") == "Comments for Telecom Live (local mirror test)"
    guids = [i.findtext("guid") for i in channel.iter("item")]
    assert [g.rsplit("#", 1)[1] for g in guids] == ["comment-1201", "comment-1200", "comment-1202"]
    post = parse_xml(post_feed).find("channel")
    assert post.findtext("title").startswith("Comments on: Tariffs so far")
    items = list(post.iter("item"))
    assert [i.findtext("title") for i in items] == ["By: Aditi Raghavan", "By: Prakash"]
    assert items[0].findtext("link") == f"{BASE}{TARIFFS}#comment-1201"
    assert items[0].find("guid").get("isPermaLink") == "false"  # as WordPress writes it
    assert items[0].findtext("{http://purl.org/dc/elements/1.1/}creator") == "Aditi Raghavan"
    # Served as feeds, and at WordPress's other feed URLs.
    redirects = (corpus_site / "public" / "_redirects").read_text()  # at the host's root
    assert "/web/comments/feed/ /web/comments/feed/index.xml 200\n" in redirects
    assert f"/web/{TARIFFS}feed/rss2/ /web/{TARIFFS}feed/ 301\n" in redirects
    assert "/web/ feed=comments-rss2 /web/comments/feed/ 301!\n" in redirects
    assert "/web/wp-commentsrss2.php /web/comments/feed/ 301\n" in redirects
    assert (
        "/web/comments/feed/\n  Content-Type: application/rss+xml"
        in (corpus_site / "public" / "_headers").read_text()
    )


def _hostile_dump(tmp: Path, comments: list[dict[str, Any]]) -> Path:
    dump = Path(shutil.copytree(CORPUS, tmp / "dump"))
    (dump / "export.xml").unlink()  # the folder is read as REST JSON either way
    (dump / "comments.json").write_text(json.dumps(comments))
    return dump


def _comment(cid: int, post: int = TARIFFS_ID, parent: int = 0, **more: Any) -> dict[str, Any]:
    minute = cid % 60
    hour = (cid // 60) % 24
    day = 11 + (cid // 1440) % 15
    base = {
        "id": cid,
        "post": post,
        "parent": parent,
        "author_name": f"Reader {cid}",
        "author_url": "",
        "date": f"2025-07-{day:02d}T{hour:02d}:{minute:02d}:00",
        "date_gmt": None,
        "content": {"rendered": f"<p>Comment {cid}.</p>\n"},
        "status": "approved",
    }
    base.update(more)
    if base["date_gmt"] is None:
        del base["date_gmt"]
    return base


def test_hostile_comments_are_made_harmless(tmp_path: Path) -> None:
    chain = [_comment(5000)] + [_comment(5000 + i, parent=4999 + i) for i in range(1, 60)]
    comments = [
        _comment(
            2001,
            content={
                "rendered": '<p>hi<script>alert(1)</script><img src=x onerror="alert(2)"></p>'
            },
            author_url="javascript:alert(3)",
            author_name="<b>Mallory</b>",
        ),
        _comment(2002, author_url="https://ok.example.org/", status="spam"),
        _comment(2003, status="hold"),
        _comment(2004, status="trash"),
        _comment(2005, parent=2006),  # a cycle: 2005 <-> 2006
        _comment(2006, parent=2005),
        _comment(2007, parent=1202),  # answers a comment of another post
        _comment(2008, author_url="https://ok.example.org/"),
        *chain,
    ]
    site = tmp_path / "site"
    report = _import(site, _hostile_dump(tmp_path, comments))
    assert report.skipped.get("comment spam") == 1
    assert report.skipped.get("comment pending") == 1
    assert report.skipped.get("comment trash") == 1
    text = (
        site / "content/posts/2025/07/tariffs-so-far-a-recap-of-the-years-price-changes.md"
    ).read_text()
    assert "script" not in text and "onerror" not in text and "javascript:" not in text
    assert "Mallory" in text and "<b>" not in text
    assert "url: https://ok.example.org/" in text
    assert "- id: 2002" not in text and "- id: 2003" not in text
    assert "- id: 2007\n  author" in text  # kept, at the top level: its parent is elsewhere
    public = _build(site)
    page = (public / TARIFFS / "index.html").read_text()
    assert "<script>alert" not in page and "javascript:" not in page
    for cid in (2001, 2005, 2006, 2007, 2008, 5000, 5059):
        assert f'id="comment-{cid}"' in page
    depths = {int(d) for d in re.findall(r'class="comment depth-(\d+)', page)}
    assert max(depths) == 5  # WordPress's default thread depth: deeper replies stay at 5
    assert page.count('class="comment depth-5') == 60 - 4


def test_ten_thousand_comments_on_one_post(tmp_path: Path) -> None:
    comments = [
        _comment(10_000 + i, parent=(10_000 + i - 1) if i % 3 else 0) for i in range(10_000)
    ]
    site = tmp_path / "site"
    _import(site, _hostile_dump(tmp_path, comments))
    public = _build(site)
    page = (public / TARIFFS / "index.html").read_text()
    # With the two the post's `_embed` replies hold.
    assert page.count('<li id="comment-') == 10_002
    assert '<a class="comment-count" href="#comments">10002 comments</a>' in page
    feed = parse_xml((public / "comments/feed/index.xml").read_bytes())
    assert len(list(feed.iter("item"))) == 20  # [feeds] items: the latest 20


def test_comments_can_be_turned_off(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    add_comments(site / "content/posts/2023/08/sticky.md")
    public = _build(site)
    page = (public / "2023/08/15/tariffs-decade/index.html").read_text()
    assert 'id="comment-1201"' in page and "3 comments" in page
    (site / "sitegen.toml").write_text("[comments]\nenabled = false\n")
    public = _build(site)
    page = (public / "2023/08/15/tariffs-decade/index.html").read_text()
    assert "comment" not in page.lower().replace("<!--", "")
    assert not (public / "comments").exists()
    assert not (public / "2023/08/15/tariffs-decade/feed").exists()
    assert "comments/feed" not in (site / "public" / "_redirects").read_text()


def test_a_comment_edit_rebuilds_the_post_and_feeds_as_a_clean_build(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    post = site / "content/posts/2023/08/sticky.md"
    add_comments(post)
    public = _build(site)
    page, feed = public / "2023/08/15/tariffs-decade/index.html", public / "comments/feed/index.xml"
    own_feed = public / "2023/08/15/tariffs-decade/feed/index.xml"
    before = {p: p.read_bytes() for p in (page, feed, own_feed)}
    post.write_text(post.read_text().replace("body: A reply.", "body: An edited reply."))
    public = _build(site)
    for path, old in before.items():
        assert path.read_bytes() != old and b"An edited reply." in path.read_bytes()
    incremental = {p.relative_to(public): p.read_bytes() for p in public.rglob("*") if p.is_file()}
    clean = Path(
        shutil.copytree(
            site, tmp_path / "clean", ignore=shutil.ignore_patterns("public", ".sitegen")
        )
    )
    public = _build(clean)
    assert {
        p.relative_to(public): p.read_bytes() for p in public.rglob("*") if p.is_file()
    } == incremental


def test_a_site_s_first_comment_changes_every_head_as_a_clean_build(tmp_path: Path) -> None:
    """Every page advertises the site's comment feed once there is one: the first comment
    must not leave the other pages of an incremental build stale."""
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    public = _build(site)
    assert "comments/feed/" not in (public / "index.html").read_text()
    add_comments(site / "content/posts/2023/08/sticky.md")
    public = _build(site)
    home = (public / "index.html").read_text()
    assert 'title="Telecom Wire Comments RSS" href="/web/comments/feed/"' in home
    post = (public / "2023/08/15/tariffs-decade/index.html").read_text()
    assert 'href="/web/2023/08/15/tariffs-decade/feed/"' in post
    incremental = {p.relative_to(public): p.read_bytes() for p in public.rglob("*") if p.is_file()}
    clean = Path(
        shutil.copytree(
            site, tmp_path / "clean", ignore=shutil.ignore_patterns("public", ".sitegen")
        )
    )
    public = _build(clean)
    built = {p.relative_to(public): p.read_bytes() for p in public.rglob("*") if p.is_file()}
    assert built == incremental


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("comments: yes\n", "comments: expected a list"),
        (
            "comments:\n- id: x\n  author: a\n  date: 2024-01-01T00:00:00Z\n",
            "comments[0].id: expected a whole number",
        ),
        ("comments:\n- id: 1\n  author: a\n  date: soon\n", "comments[0].date: not a date"),
        (
            "comments:\n- id: 1\n  author: a\n  date: 2024-01-01T00:00:00Z\n  url: javascript:x\n",
            "comments[0].url: only http and https",
        ),
        ("comments:\n- just text\n", "comments[0]: expected a mapping"),
    ],
)
def test_a_bad_comment_is_named_with_file_line_key_and_fix(
    tmp_path: Path, block: str, message: str
) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    add_comments(site / "content/posts/2023/08/sticky.md", block)
    report = build_site(site, BuildOptions(overrides={"base_url": BASE}, check_links=False))
    rendered = report.problems.render()
    assert not report.committed
    assert "content/posts/2023/08/sticky.md:" in rendered and message in rendered
    assert "hint: each comment is a mapping" in rendered


def _wxr_comment(cid: int, approved: str, kind: str = "comment", **more: str) -> str:
    fields = {
        "comment_id": str(cid),
        "comment_author": more.get("author", f"Reader {cid}"),
        "comment_author_email": f"reader{cid}@private.test",
        "comment_author_url": more.get("url", ""),
        "comment_author_IP": "198.51.100.7",
        "comment_date": f"2024-01-03 1{cid % 10}:00:00",
        "comment_date_gmt": f"2024-01-03 1{cid % 10}:00:00",
        "comment_content": more.get("content", f"Comment {cid} :)"),
        "comment_approved": approved,
        "comment_type": kind,
        "comment_parent": more.get("parent", "0"),
    }
    inner = "".join(f"<wp:{k}><![CDATA[{v}]]></wp:{k}>" for k, v in fields.items())
    return f"<wp:comment>{inner}</wp:comment>"


def test_export_comments_skipped_by_status_and_kind_and_never_an_address(tmp_path: Path) -> None:
    small = (FIXTURES / "wxr/small-1.1.xml").read_text()
    comments = "".join(
        [
            _wxr_comment(1, "1", url="javascript:alert(1)", content="<script>x()</script>Hi"),
            _wxr_comment(2, "1", parent="1", url="http://two.example/"),
            _wxr_comment(3, "0"),
            _wxr_comment(4, "spam"),
            _wxr_comment(5, "trash"),
            _wxr_comment(6, "1", kind="pingback"),
        ]
    )
    marker = '<category domain="category" nicename="new-one">New one</category>\n</item>'
    assert marker in small
    export = tmp_path / "export.xml"
    export.write_text(small.replace(marker, marker.replace("</item>", comments + "</item>")))
    site = tmp_path / "site"
    report = import_paths(site, [export], ImportOptions())
    for reason in ("comment pending", "comment spam", "comment trash", "comment pingback"):
        assert report.skipped.get(reason) == 1, report.skipped
    everything = "".join(p.read_text() for p in (site / "content").rglob("*") if p.is_file())
    assert "private.test" not in everything and "198.51.100.7" not in everything
    assert (
        "javascript:" not in everything and "<script" not in everything and "x()" not in everything
    )
    assert (
        "- id: 1\n  author: Reader 1\n  date: 2024-01-03T11:00:00+00:00\n  body: |\n    Hi\n"
        in everything
    )
    assert "- id: 2\n  parent: 1\n" in everything and "url: http://two.example/" in everything
    assert "- id: 3\n" not in everything and "- id: 6\n" not in everything
    assert "Comment 2 🙂" in everything  # WordPress's smilies, as it displays comments


def test_a_page_shows_its_comments_too(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    page_file = next((site / "content/pages").rglob("*.md"))
    add_comments(page_file)
    public = _build(site)
    shown = [p for p in public.rglob("index.html") if 'id="comment-1201"' in p.read_text()]
    assert len(shown) == 1 and 'class="comment depth-2"' in shown[0].read_text()
    assert (shown[0].parent / "feed/index.xml").is_file()


def test_every_post_answers_its_feed_url_with_an_empty_comment_feed(tmp_path: Path) -> None:
    # WordPress answers every post's /<permalink>/feed/ (its comment feed, an empty channel
    # until someone comments); before, only commented posts had one and the rest were 404.
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    public = _build(site)
    post = "2023/09/02/5g-rollout-reaches-500-cities/"
    rss, atom = public / post / "feed/index.xml", public / post / "feed/atom/index.xml"
    for data in (rss.read_bytes(), atom.read_bytes()):
        assert check_xml_feed(data) == []
    channel = parse_xml(rss.read_bytes()).find("channel")
    assert channel is not None
    assert channel.findtext("title") == "Comments on: 5G rollout reaches 500 cities"
    assert channel.findall("item") == []
    # The post's own date, not the build's: two builds give the same bytes.
    assert channel.findtext("lastBuildDate") == "Sat, 02 Sep 2023 09:15:00 +0530"
    redirects = (site / "public" / "_redirects").read_text()
    assert f"/web/{post}feed/ /web/{post}feed/index.xml 200\n" in redirects
    assert f"/web/{post}feed/rss2/ /web/{post}feed/ 301\n" in redirects
    # Every post of the site has one; no site-wide comment feed without comments.
    posts = {
        p.parent.parent.relative_to(public).as_posix()
        for p in public.glob("20*/*/*/*/feed/index.xml")
    }
    assert len(posts) == 5
    assert not (public / "comments").exists()
