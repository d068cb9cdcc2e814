"""Responsive images: what WordPress gave an <img> is kept, and hostile srcsets are not."""

from __future__ import annotations

import json
import re

from testdata import CORPUS

from sitegen.markdown import render_markdown
from sitegen.wp.html2md.blocks import GALLERY_SIZES
from sitegen.wp.html2md.convert import ConvertOptions, html_to_markdown
from sitegen.wp.sanitize import safe_url, sanitize_html
from sitegen.wp.srcset import (
    MAX_CANDIDATES,
    clean_sizes,
    clean_srcset,
    dimension,
    known_images,
)

ORIGIN = "http://127.0.0.1:8089/web/wp-content/uploads/"


def _imgs(html: str) -> list[dict[str, str]]:
    found = []
    for tag in re.findall(r"<img\b[^>]*>", html):
        found.append(dict(re.findall(r'\s([a-z-]+)="([^"]*)"', tag)))
    return found


def _dev_posts() -> list[dict[str, object]]:
    posts = []
    for path in sorted(CORPUS.glob("posts-page-*.json")):
        posts += json.loads(path.read_text(encoding="utf-8"))
    return posts


def test_every_dev_corpus_image_keeps_what_wordpress_gave_it() -> None:
    checked = 0
    for post in _dev_posts():
        html = post["content"]["rendered"]  # type: ignore[index]
        given = [i for i in _imgs(html) if "srcset" in i]
        if not given:
            continue
        out = _imgs(render_markdown(html_to_markdown(html)))
        by_src = {i["src"]: i for i in out}
        for before in given:
            after = by_src[before["src"]]
            if "width" in before:
                assert (after["width"], after["height"]) == (before["width"], before["height"])
            if "srcset" in before:
                # The same candidates, by width (the order means nothing to a browser).
                assert sorted(after["srcset"].split(", ")) == sorted(before["srcset"].split(", "))
                widths = [int(c.rsplit(" ", 1)[1][:-1]) for c in after["srcset"].split(", ")]
                assert widths == sorted(widths)
                # A gallery's images: the slot they show in, not the thumbnail's full width.
                gallery = post["id"] == 800456
                assert after["sizes"] == (GALLERY_SIZES if gallery else before["sizes"])
        assert "loading" not in out[0], "the first image of a post loads at once"
        assert all(i.get("loading") == "lazy" for i in out[1:])
        checked += len(given)
    assert checked >= 8  # the gallery's four, the captions', the SMS screenshot


def test_gallery_shortcode_becomes_figures_with_every_caption() -> None:
    post = next(p for p in _dev_posts() if p["id"] == 800456)
    html = render_markdown(html_to_markdown(post["content"]["rendered"]))  # type: ignore[index]
    gallery = html[html.index('<div class="gallery">') : html.index("</div>")]
    assert gallery.count("<figure>") == 4
    assert gallery.count("<img") == 4
    assert "Unfolded, the screen measures 7.8 inches." in gallery


def test_tiled_gallery_and_old_block_gallery_keep_each_caption() -> None:
    tiled = (
        '<div class="tiled-gallery"><div class="gallery-row"><div class="gallery-group">'
        + "".join(
            f'<div class="tiled-gallery-item"><a href="/p{i}"><img src="/i{i}.jpg" width="10" '
            f'height="10" alt="a{i}"></a><div class="tiled-gallery-caption">cap {i}</div></div>'
            for i in range(3)
        )
        + "</div></div></div>"
    )
    old_block = (
        '<figure class="wp-block-gallery"><ul class="blocks-gallery-grid">'
        + "".join(
            f'<li class="blocks-gallery-item"><figure><img src="/j{i}.jpg" alt="b{i}">'
            f'<figcaption class="blocks-gallery-item__caption">note {i}</figcaption></figure></li>'
            for i in range(4)
        )
        + "</ul></figure>"
    )
    for html, word, n in ((tiled, "cap", 3), (old_block, "note", 4)):
        out = render_markdown(html_to_markdown(html))
        assert out.count("<figure>") == n
        assert out.count("<figcaption>") == n
        for i in range(n):
            assert f"{word} {i}" in out


def test_known_sizes_restore_dimensions_and_srcset() -> None:
    known = known_images([(ORIGIN + "a.jpg", 1200, 675, [(ORIGIN + "a-300x169.jpg", 300, 169)])])
    md = html_to_markdown(
        f'<p><img src="{ORIGIN}a-300x169.jpg" alt="x"></p>', ConvertOptions(known_images=known)
    )
    (img,) = _imgs(render_markdown(md))
    assert (img["width"], img["height"]) == ("300", "169")
    assert img["srcset"] == f"{ORIGIN}a-300x169.jpg 300w, {ORIGIN}a.jpg 1200w"
    assert img["sizes"] == "(max-width: 300px) 100vw, 300px"


def test_an_image_nothing_is_known_of_stays_markdown() -> None:
    assert html_to_markdown('<p><img src="https://e.org/a.png" alt="a"></p>') == (
        "![a](https://e.org/a.png)\n"
    )


# ---- hostile srcsets


def test_javascript_and_other_host_candidates_are_dropped() -> None:
    html = (
        '<p><img src="https://site.example/a.jpg" width="10" height="10" srcset="'
        "javascript:alert(1) 100w, https://tracker.example/t.gif 200w, "
        "//tracker.example/u.gif 250w, https://site.example/a-300.jpg 300w, "
        'data:image/png;base64,AAAA 400w" sizes="url(x), 100vw"></p>'
    )
    (img,) = _imgs(render_markdown(html_to_markdown(html)))
    assert img["srcset"] == "https://site.example/a-300.jpg 300w"
    assert img["sizes"] == "(max-width: 10px) 100vw, 10px"  # the hostile one replaced


def test_ten_thousand_candidates_and_absurd_widths() -> None:
    many = ", ".join(f"https://s.example/{i}.jpg {i + 1}w" for i in range(10_000))
    kept = clean_srcset(many, safe_url, "https://s.example/a.jpg")
    assert len(kept.split(", ")) == MAX_CANDIDATES
    absurd = (
        "https://s.example/a.jpg 999999999w, https://s.example/b.jpg 0w, "
        "https://s.example/c.jpg 640w"
    )
    assert (
        clean_srcset(absurd, safe_url, "https://s.example/x.jpg") == "https://s.example/c.jpg 640w"
    )
    assert dimension("99999999") is None
    assert dimension("0") is None
    assert dimension("640") == 640
    assert clean_sizes('100vw" onerror="x') == ""


def test_sanitizer_applies_the_same_rules() -> None:
    out = sanitize_html(
        '<img src="/a.jpg" srcset="javascript:x 1x, /b.jpg 300w, /c.jpg 123456789w" '
        'sizes="url(evil)" loading="sometimes" width="wide" height="20">'
    )
    assert out == '<img src="/a.jpg" srcset="/b.jpg 300w" height="20">'
