"""public/ is the working site at a plain static server's root when no mirror URL is set:
every internal href/src of every page answers 200 from Python's http.server."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sitehelpers import internal_links, static_server, status

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site

FIXTURE = Path(__file__).parent / "fixtures" / "site"


def fetch_all(public: Path) -> dict[str, tuple[int, str]]:
    links = internal_links(public)
    assert len(links) > 20  # a real site, not an empty page
    with static_server([public]) as port:
        answers = {t: (status(f"http://127.0.0.1:{port}{t}"), p) for t, p in links.items()}
    return {t: a for t, a in answers.items() if a[0] != 200}


def test_default_layout_serves_from_public_root(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    toml = site / "sitegen.toml"
    toml.write_text(re.sub(r"(?m)^base_url = .*\n", "", toml.read_text()))
    report = build_site(site)
    assert report.committed, report.problems.render()
    # The site's home is https://news.example.org/web/, yet no link starts with /web/.
    home = (site / "public" / "index.html").read_text()
    assert 'href="/assets/' in home and '"/web/' not in home
    assert fetch_all(site / "public") == {}
    # Absolute URLs name WordPress's host: the build says so, with the fix.
    # A note, not a warning: a warning would keep every later build from the no-op path.
    said = [n for n in report.notes if "no mirror URL set" in n]
    assert said and "base_url =" in said[0] and not report.problems.warnings


def test_chosen_mirror_url_sets_no_warning(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    report = build_site(site, BuildOptions(overrides={"base_url": "https://mirror.example.net/"}))
    assert report.committed and not report.problems.items, report.problems.render()
    assert not [n for n in report.notes if "no mirror URL set" in n]
    assert fetch_all(site / "public") == {}


def test_a_changed_stylesheet_is_a_new_url_on_every_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    assert build_site(site).committed
    before = sorted(p.name for p in (site / "public" / "assets").glob("style.*.css"))
    theme = site / "themes" / "default" / "static"
    theme.mkdir(parents=True)
    (theme / "style.css").write_text("body { color: #123 }\n")
    report = build_site(site)  # incremental: the pages' only change is the stylesheet's name
    assert report.committed, report.problems.render()
    after = sorted(p.name for p in (site / "public" / "assets").glob("style.*.css"))
    assert len(after) == 1 and after != before
    for page in (site / "public").rglob("*.html"):
        if "<head>" in (text := page.read_text()):
            assert f"/web/assets/{after[0]}" in text, page
    headers = (site / "public" / "_headers").read_text()
    assert (
        f"/web/assets/{after[0]}\n  Cache-Control: public, max-age=31536000, immutable" in headers
    )


def test_without_a_mirror_url_feed_links_name_wordpress_pages_consistently(
    tmp_path: Path,
) -> None:
    # Links start at "/", absolute URLs at WordPress's home (https://news.example.org/web/):
    # a link inside a feed item must lead where the item's own URL leads, under /web/.
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    toml = site / "sitegen.toml"
    toml.write_text(re.sub(r"(?m)^base_url = .*\n", "", toml.read_text()))
    assert build_site(site).committed
    feed = (site / "public" / "feed" / "index.xml").read_text()
    hosts = re.findall(r"https://news\.example\.org/[^\s\"'&<]*", feed)
    assert hosts and all(u.startswith("https://news.example.org/web/") for u in hosts), [
        u for u in hosts if not u.startswith("https://news.example.org/web/")
    ]
