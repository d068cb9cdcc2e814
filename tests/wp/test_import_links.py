"""Every internal link a WordPress body can hold resolves to the mirror's path: absolute (with
or without www, http or https, any percent-encoding, NFC or NFD), root-relative with the site's
path, relative to the post, `?p=` / `?page_id=` / `?attachment_id=`, attachment pages; a link to
something not public is unlinked and said."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from hypothesis import given
from hypothesis import strategies as st
from testdata import CORPUS

from sitegen.errors import Problems
from sitegen.wp import importplan as plan
from sitegen.wp.export import WpMedia
from sitegen.wp.html2md.convert import ConvertOptions, convert
from sitegen.wp.manifest import Manifest
from sitegen.wp.normalize import (
    SiteMaps,
    make_rewriter,
    post_rewriter,
    unresolved,
    url_key,
)
from sitegen.wp.sources import collect, read_sides

HOME = "https://telecomlive.in/web/"
HINDI = "हिंदी-समाचार"  # a slug WordPress stores percent-encoded
HINDI_PATH = f"2024/11/14/{quote(HINDI)}/"
PHOTO = "https://telecomlive.in/web/wp-content/uploads/2024/10/rooftop.jpg"


def _maps() -> SiteMaps:
    maps = SiteMaps(home=HOME)
    posts = {
        800463: "2023/09/01/x/",
        12: "about-us/editorial-policy/",
        800470: HINDI_PATH,
        800471: f"2024/11/15/{quote('café-crème')}/",  # NFD differs from NFC here
    }
    maps.paths = dict(posts)
    maps.links = {url_key(HOME + path): path for path in posts.values()}
    maps.media = {900: WpMedia(900, PHOTO, link=HOME + "rooftop-outdoor-unit/")}
    maps.attachments = {url_key(HOME + "rooftop-outdoor-unit/"): 900}
    maps.hidden_ids = {77: "draft"}
    maps.hidden = {url_key(HOME + "2024/01/01/secret-draft/"): "draft"}
    return maps


def test_every_form_of_a_link() -> None:
    rewrite = post_rewriter(make_rewriter(_maps()), HOME + "2023/09/01/x/")
    cases = {
        # root-relative with the site's path, as the block editor writes them
        "/web/about-us/editorial-policy/": "/about-us/editorial-policy/",
        "/web/about-us/editorial-policy": "/about-us/editorial-policy/",
        f"/web/{HINDI_PATH}": f"/{HINDI_PATH}",
        f"/web/2024/11/14/{HINDI}/": f"/{HINDI_PATH}",  # not encoded at all
        f"/web/2024/11/14/{quote(HINDI).lower()}/": f"/{HINDI_PATH}",  # lower-case %xx
        "/web/2023/09/01/x/#comments": "/2023/09/01/x/#comments",
        # www. or not, http or https
        "http://www.telecomlive.in/web/about-us/editorial-policy/": "/about-us/editorial-policy/",
        # relative to the post's own permalink
        "../../../../about-us/editorial-policy/": "/about-us/editorial-policy/",
        # attachment pages and ids: the file itself
        "/web/rooftop-outdoor-unit/": PHOTO,
        "https://telecomlive.in/web/?attachment_id=900": PHOTO,
        "https://telecomlive.in/web/?p=900": PHOTO,
        # not public: unlinked
        "/web/2024/01/01/secret-draft/": "",
        "https://telecomlive.in/web/?p=77": "",
        # not this site's content: as written
        "/other/about-us/": "/other/about-us/",
        "/web/wp-admin/": "/web/wp-admin/",
        "relative-unknown/": "relative-unknown/",
        "mailto:desk@telecomlive.in": "mailto:desk@telecomlive.in",
        "#fn-1": "#fn-1",
    }
    assert {url: rewrite(url) for url in cases} == cases


def test_nfd_slug_is_the_nfc_post() -> None:
    nfd = quote(unicodedata.normalize("NFD", "café"))
    maps = _maps()
    maps.links[url_key(HOME + "cafe/" + quote("café") + "/")] = "cafe/caf%C3%A9/"
    rewrite = make_rewriter(maps)
    assert rewrite(f"{HOME}cafe/{nfd}/") == "/cafe/caf%C3%A9/"


def test_unresolved_says_why() -> None:
    maps = _maps()
    assert unresolved("/web/2024/01/01/secret-draft/", maps) == "draft"
    assert unresolved(HOME + "?p=77", maps) == "draft"
    assert unresolved(HOME + "?p=5", maps) == "no post with id 5"


def test_a_link_to_a_draft_keeps_its_text_only() -> None:
    html = '<p>See <a href="/web/2024/01/01/secret-draft/">the plan</a>.</p>'
    out = convert(html, ConvertOptions(rewrite_url=make_rewriter(_maps()))).markdown
    assert out.strip() == "See the plan."


def _nfd(path: str) -> str:
    return "/".join(quote(unicodedata.normalize("NFD", unquote(seg))) for seg in path.split("/"))


# Each way a WordPress body may spell a link to the post at `path` (encoded as WordPress
# stores it): absolute, www, root-relative, no trailing slash, lower-case escapes, decoded, NFD.
_FORMS = [
    lambda p: HOME + p,
    lambda p: "http://www.telecomlive.in/web/" + p,
    lambda p: "/web/" + p,
    lambda p: "/web/" + p.rstrip("/"),
    lambda p: HOME + re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), p),
    lambda p: HOME + unquote(p),
    lambda p: "/web/" + _nfd(p),
]


@given(
    wp_id=st.sampled_from([800463, 12, 800470, 800471]),
    form=st.sampled_from(range(len(_FORMS))),
    fragment=st.sampled_from(["", "#comments", "#comment-12"]),
)
def test_any_form_of_a_link_to_any_post_resolves(wp_id: int, form: int, fragment: str) -> None:
    maps = _maps()
    path = maps.paths[wp_id]
    rewrite = post_rewriter(make_rewriter(maps), HOME + "2023/09/01/x/")
    assert rewrite(_FORMS[form](path) + fragment) == f"/{path}{fragment}"
    assert rewrite(HOME + f"?p={wp_id}{fragment}") == f"/{path}{fragment}"


# ---- the real dev corpus: every published post, every way a body may link it


def _corpus_maps(inputs: list[Path]) -> tuple[SiteMaps, dict[int, str]]:
    problems = Problems()
    sources, sides = collect(inputs, problems)
    side = read_sides(sides, problems)
    first = plan.first_pass(sources, side, False, problems, lambda _: None)
    placed = plan.place(first, side, Manifest(), {}, problems)
    return placed.maps, {i: s.link for i, s in placed.stubs.items()}


REST_MAPS = _corpus_maps([CORPUS])
WXR_MAPS = _corpus_maps([CORPUS / "export.xml"])


def _corpus_forms(link: str) -> list[str]:
    parts = urlsplit(link)
    host, path = parts.netloc, parts.path
    return [
        link,
        f"https://{host}{path}",
        # (an IP address has no www.: the corpus is served from 127.0.0.1)
        *([f"http://www.{host}{path}"] if not host[0].isdigit() else []),
        path,  # root-relative with the site's path (/web/...)
        path.rstrip("/"),
        f"http://{host}{unquote(path)}",  # not encoded
        f"http://{host}{re.sub('%[0-9a-f]{2}', lambda m: m.group(0).upper(), path)}",
        _nfd(path),
    ]


@given(data=st.data(), which=st.sampled_from(["rest", "wxr"]))
def test_any_link_to_any_corpus_post_resolves(data: st.DataObject, which: str) -> None:
    maps, links = REST_MAPS if which == "rest" else WXR_MAPS
    wp_id = data.draw(st.sampled_from(sorted(links)))
    form = data.draw(st.sampled_from(_corpus_forms(links[wp_id])))
    fragment = data.draw(st.sampled_from(["", "#comments"]))
    rewrite = post_rewriter(make_rewriter(maps), links[min(links)])
    assert rewrite(form + fragment) == f"/{maps.paths[wp_id]}{fragment}"
    assert rewrite(f"{maps.home}?p={wp_id}{fragment}") == f"/{maps.paths[wp_id]}{fragment}"


def test_corpus_links_to_posts_that_are_not_public_are_unlinked() -> None:
    """The export holds the drafts, private, pending and scheduled posts the REST API hides."""
    maps, _ = WXR_MAPS
    rewrite = make_rewriter(maps)
    assert len(maps.hidden_ids) == 5
    for wp_id, why in maps.hidden_ids.items():
        assert rewrite(f"{maps.home}?p={wp_id}") == ""
        assert unresolved(f"{maps.home}?p={wp_id}", maps) == why
