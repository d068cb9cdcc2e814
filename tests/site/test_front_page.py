"""The front page (sitegen/site/front.py, index.html): a lead, the stories after it, a block per
section chosen in `[front]` of sitegen.toml; sticky posts pinned only while recent enough."""

from __future__ import annotations

import re
from pathlib import Path

from builtsite import built_root

from sitegen.build.orchestrator import build_site

STICKY = "/web/2023/08/15/tariffs-decade/"  # sticky, 19 days older than the newest post
LINK = re.compile(r'class="u-url p-name" href="([^"]+)"')


def _front(site: Path, toml: str = "") -> tuple[str, list[str], list[str]]:
    """(the front page, the post links above the section blocks, the blocks' headings)."""
    config = site / "sitegen.toml"
    config.write_text(config.read_text() + toml)
    report = build_site(site)
    assert report.committed, report.problems.render()
    home = (built_root(site) / "index.html").read_text()
    top = LINK.findall(home.split('<section class="front-block"')[0])
    headings = re.findall(r'<h2 class="front-heading"[^>]*>(?:<a [^>]+>)?([^<]+)<', home)
    return home, top, headings


def test_a_recent_sticky_post_leads_and_sections_follow(site: Path) -> None:
    home, top, headings = _front(site)
    assert top[0] == STICKY
    # Top-level categories, most posts first; Policy's posts are all shown above it: no block.
    assert headings == ["Telecom"]
    # Each post once on the page.
    links = LINK.findall(home)
    assert len(links) == len(set(links))


def test_a_sticky_post_older_than_sticky_days_is_not_pinned(site: Path) -> None:
    _, top, _ = _front(site, "\n[front]\nsticky_days = 10\n")
    assert STICKY not in top


def test_sticky_days_zero_pins_whatever_the_age(site: Path) -> None:
    _, top, _ = _front(site, "\n[front]\nsticky_days = 0\n")
    assert top[0] == STICKY


def test_sections_are_chosen_in_sitegen_toml(site: Path) -> None:
    _, _, headings = _front(site, '\n[front]\nsections = ["policy"]\nsection_posts = 1\n')
    assert headings == ["Policy &amp; Regulation"]


def test_an_unknown_section_is_an_error_naming_the_line(site: Path) -> None:
    config = site / "sitegen.toml"
    config.write_text(config.read_text() + '\n[front]\nsections = ["sport"]\n')
    line = config.read_text().splitlines().index('sections = ["sport"]') + 1
    report = build_site(site)
    assert not report.committed
    assert [p.render() for p in report.problems.errors] == [
        f"sitegen.toml:{line}: error: front.sections: no category with posts has the slug "
        "'sport'\n  hint: use category slugs (as in /category/<slug>/), e.g. telecom, policy"
    ]


def test_every_card_picture_links_to_its_story(site: Path) -> None:
    home, _, _ = _front(site)
    cards = re.findall(r"<article class=\"card .*?</article>", home, re.S)
    assert cards
    for card in cards:
        link = re.search(r'<a class="card-image-link" href="([^"]+)"', card)
        assert link and f'class="u-url p-name" href="{link[1]}"' in card
