"""public/ is the working site at a plain static server's root when no mirror URL is set:
every internal href/src of every page answers 200 from Python's http.server."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from builtsite import built_folder, built_root
from click.testing import CliRunner
from sitehelpers import internal_links, static_server, status
from testdata import FIXTURE_SITE

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.cli import build_cmd, check_cmd, redirects_cmd
from sitegen.publish.localsite import scan_site
from sitegen.publish.settings import PublishSettings


def fetch_all(public: Path) -> dict[str, tuple[int, str]]:
    links = internal_links(public)
    assert len(links) > 20  # a real site, not an empty page
    with static_server([public]) as port:
        answers = {t: (status(f"http://127.0.0.1:{port}{t}"), p) for t, p in links.items()}
    return {t: a for t, a in answers.items() if a[0] != 200}


def test_default_layout_serves_from_public_root(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
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
    shutil.copytree(FIXTURE_SITE, site)
    report = build_site(site, BuildOptions(overrides={"base_url": "https://mirror.example.net/"}))
    assert report.committed and not report.problems.items, report.problems.render()
    assert not [n for n in report.notes if "no mirror URL set" in n]
    assert fetch_all(site / "public") == {}


def test_a_changed_stylesheet_is_a_new_url_on_every_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    assert build_site(site).committed
    before = sorted(p.name for p in (built_root(site) / "assets").glob("style.*.css"))
    theme = site / "themes" / "default" / "static"
    theme.mkdir(parents=True)
    (theme / "style.css").write_text("body { color: #123 }\n")
    report = build_site(site)  # incremental: the pages' only change is the stylesheet's name
    assert report.committed, report.problems.render()
    after = sorted(p.name for p in (built_root(site) / "assets").glob("style.*.css"))
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
    shutil.copytree(FIXTURE_SITE, site)
    toml = site / "sitegen.toml"
    toml.write_text(re.sub(r"(?m)^base_url = .*\n", "", toml.read_text()))
    assert build_site(site).committed
    feed = (site / "public" / "feed" / "index.xml").read_text()
    hosts = re.findall(r"https://news\.example\.org/[^\s\"'&<]*", feed)
    assert hosts and all(u.startswith("https://news.example.org/web/") for u in hosts), [
        u for u in hosts if not u.startswith("https://news.example.org/web/")
    ]


@pytest.mark.parametrize(
    ("base_url", "top"),
    [
        (None, "web"),  # the fixture's sitegen.toml: https://news.example.org/web/
        ("http://127.0.0.1:8000/news/archive/", "news"),  # --base-url, two folders deep
    ],
)
def test_a_base_path_is_a_folder_of_public(tmp_path: Path, base_url: str | None, top: str) -> None:
    # Before: links started with /web/ while the files sat at public/'s root, so a plain
    # server at public/ broke every link, and `sitegen check` (resolving under /web/) said OK.
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    option = ["--base-url", base_url] if base_url else []
    built = CliRunner().invoke(build_cmd.command, option, obj=site)
    assert built.exit_code == 0, built.output
    public, folder = site / "public", built_folder(site, base_url)
    assert folder.parts[0] == top
    # The host's files at the root Netlify reads; nothing else of the site beside its folder.
    assert sorted(p.name for p in public.iterdir()) == ["_headers", "_redirects", top]
    path = "/" + folder.as_posix() + "/"
    assert f'href="{path}assets/' in (public / folder / "index.html").read_text()
    assert f"{path}feed/ {path}feed/index.xml 200" in (public / "_redirects").read_text()
    assert fetch_all(public) == {}  # python's http.server at public/: every link answers 200
    checked = CliRunner().invoke(check_cmd.command, [], obj=site)
    assert checked.exit_code == 0, checked.output
    # The old layout (the site's files at public/'s root) fails the check, as it fails readers.
    for item in (public / folder).iterdir():
        item.rename(public / item.name)
    shutil.rmtree(public / top)
    failed = CliRunner().invoke(check_cmd.command, [], obj=site)
    assert failed.exit_code == 1, failed.output
    assert f"error: broken link {path}assets/" in failed.output


def test_every_host_reads_the_table_from_public_s_root(tmp_path: Path) -> None:
    """Netlify's _redirects and _headers, the bucket website's keys and 404 page, and the
    object redirects `publish` sends: all named from public/'s root, where the site sits in
    its base path's folder."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)  # base_url = "https://news.example.org/web/"
    assert CliRunner().invoke(build_cmd.command, [], obj=site).exit_code == 0
    public, folder = site / "public", built_folder(site).as_posix()
    assert "/web/category/5g/ /web/category/telecom/5g/ 301" in (public / "_redirects").read_text()
    assert "/web/feed/\n  Content-Type: application/rss+xml" in (public / "_headers").read_text()
    out = tmp_path / "s3.json"
    made = CliRunner().invoke(redirects_cmd.command, ["--format", "s3", "-o", str(out)], obj=site)
    assert made.exit_code == 0, made.output
    doc = json.loads(out.read_text())
    assert doc["ErrorDocument"]["Key"] == f"{folder}/404.html"
    assert (public / doc["ErrorDocument"]["Key"]).is_file()
    moved = {
        r["Condition"]["KeyPrefixEquals"]: r["Redirect"]["ReplaceKeyWith"]
        for r in doc["RoutingRules"]
    }
    assert moved[f"{folder}/category/5g/"] == f"{folder}/category/telecom/5g/"
    # Each target is a folder of the site (a feed's gets its index.html copy when published).
    folders = [to for to in moved.values() if to.endswith("/")]
    assert all(any((public / to).glob("index.*")) for to in folders), folders
    objects = scan_site(public, PublishSettings(), compress=False, feed_index_html=True)
    redirects = {o.key: o.meta.redirect for o in objects if o.meta.redirect}
    assert redirects[f"{folder}/category/5g/index.html"] == "/web/category/telecom/5g/"
    assert redirects[f"{folder}/wp-rss2.php"] == "/web/feed/"
    assert all(key.startswith(f"{folder}/") for key in redirects)
