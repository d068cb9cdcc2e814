"""The built dev corpus: no image WordPress knew the size of goes out without its dimensions;
all but a page's first image load lazily; featured images keep their srcset."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from builtsite import built_root
from testdata import CORPUS

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.site.views import ImageView, PostView
from sitegen.wp.importer import ImportOptions, import_paths

_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'\s([a-z-]+)="([^"]*)"')


def _known_paths() -> set[str]:
    """The path (under the host) of every size of every attachment WordPress listed."""
    paths = set()
    for item in json.loads((CORPUS / "media.json").read_text(encoding="utf-8")):
        paths.add(item["source_url"].split("://", 1)[1].split("/", 1)[1])
        for size in (item.get("media_details") or {}).get("sizes", {}).values():
            paths.add(size["source_url"].split("://", 1)[1].split("/", 1)[1])
    return paths


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("dev")
    report = import_paths(site, [CORPUS], ImportOptions())
    assert not report.failed, report.errors.render()
    built = build_site(
        site, BuildOptions(overrides={"base_url": "http://mirror.test/web/"}, check_links=False)
    )
    assert built.committed, built.problems.render()
    return built_root(site, "http://mirror.test/web/")


def _imgs(html: str) -> list[dict[str, str]]:
    return [dict(_ATTR.findall(tag)) for tag in _IMG.findall(html)]


def test_every_known_image_has_dimensions(public: Path) -> None:
    known = _known_paths()
    seen = 0
    for page in public.rglob("*.html"):
        for img in _imgs(page.read_text(encoding="utf-8")):
            src = img.get("src", "")
            path = src.split("://", 1)[1].split("/", 1)[1] if "://" in src else src.lstrip("/")
            if path not in known:
                continue
            seen += 1
            assert img.get("width") and img.get("height"), (page, src)
    assert seen > 100  # bodies, lead images and cards across the corpus


def test_only_the_first_body_image_loads_eagerly(public: Path) -> None:
    posts = 0
    for page in public.glob("20*/*/*/*/index.html"):
        html = page.read_text(encoding="utf-8")
        if "e-content" not in html:
            continue
        body = html[html.index('class="e-content"') :]
        body = body[: body.index("<footer") if "<footer" in body else len(body)]
        imgs = _imgs(body.split("post-nav")[0])
        lead = 'class="post-image' in html
        for i, img in enumerate(imgs):
            if "srcset" not in img:
                continue  # an image WordPress knew nothing of is Markdown: no attributes
            first = i == 0 and not lead
            assert (img.get("loading") == "lazy") != first, (page, img.get("src"))
        posts += bool(imgs)
    assert posts >= 3


def test_featured_images_are_responsive_and_eager(public: Path) -> None:
    pages = [p for p in public.glob("20*/*/*/*/index.html") if 'class="post-image' in p.read_text()]
    assert len(pages) >= 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        figure = html[html.index('class="post-image') :]
        (img,) = _imgs(figure[: figure.index("</figure>")])
        assert img["srcset"].count("w, ") >= 1 and img["sizes"], page
        assert "loading" not in img and img["width"] and img["height"], page


def test_cards_have_sizes_for_their_slot_and_only_the_lead_card_is_eager(public: Path) -> None:
    html = (public / "index.html").read_text(encoding="utf-8")
    cards = [i for i in _imgs(html) if i.get("class") == "card-image"]
    assert len(cards) >= 5
    assert all(c["srcset"] and c["sizes"] and c["width"] and c["height"] for c in cards)
    assert "loading" not in cards[0]  # the lead card: the largest element of the page
    assert all(c.get("loading") == "lazy" for c in cards[1:])
    assert cards[0]["sizes"] != cards[1]["sizes"]  # the lead card's slot is wider
    page2 = (public / "page" / "2" / "index.html").read_text(encoding="utf-8")
    assert all(i.get("loading") == "lazy" for i in _imgs(page2) if i.get("class") == "card-image")


def test_under_a_lead_image_the_body_images_all_load_lazily() -> None:
    body = '<p><img src="/a.jpg" width="3" height="2"></p><p><img src="/b.jpg" loading="lazy"></p>'
    lead = ImageView("/lead.jpg", "", "", 1200, 675)
    fields = dict(
        path="p/", url="/p/", abs_url="https://x/p/", title="T", type="post", date_iso="",
        date_human="", updated_iso="", author=None, categories=(), tags=(), summary="",
        permalink="", sticky=False, format="standard", body=lambda: body,
    )  # fmt: skip
    with_lead = PostView(image=lead, image_in_body=False, **fields)  # type: ignore[arg-type]
    assert [i.get("loading") for i in _imgs(str(with_lead.content))] == ["lazy", "lazy"]
    shown_in_body = PostView(image=lead, image_in_body=True, **fields)  # type: ignore[arg-type]
    assert [i.get("loading") for i in _imgs(str(shown_in_body.content))] == [None, "lazy"]
