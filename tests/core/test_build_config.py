"""sitegen.toml: every key optional, defaults from content/_site.yaml, bad keys named."""

from __future__ import annotations

import re
from pathlib import Path

from testdata import ROOT

from sitegen.config import load_config
from sitegen.errors import Problems
from sitegen.model import SiteInfo

INFO = SiteInfo(name="Wire", description="News", home="https://example.org/web/",
                timezone="Asia/Kolkata", language="hi")  # fmt: skip


def load(tmp_path: Path, text: str, overrides: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    (tmp_path / "sitegen.toml").write_text(text)
    problems = Problems()
    return load_config(tmp_path, INFO, problems, overrides), problems


def test_defaults_come_from_the_site_file(tmp_path: Path) -> None:
    config, problems = load(tmp_path, "")
    assert not problems.items
    assert (config.title, config.description, config.language, config.timezone) == (
        "Wire",
        "News",
        "hi",
        "Asia/Kolkata",
    )
    # WordPress's home names the pages' absolute URLs, but the mirror's links start at "/":
    # public/ holds the site at its root, so a plain static server serves it as it is.
    assert config.base_url == "https://example.org/web/" and config.base_path == "/"
    assert not config.mirror_url_set
    assert config.posts_per_page == 10 and config.feeds.items == 20 and config.feeds.full_text
    assert config.output_dir == tmp_path / "public"


def test_values_and_override(tmp_path: Path) -> None:
    text = (
        'title = "Mirror"\nposts_per_page = 5\noutput_dir = "out"\n'
        '[feeds]\nitems = 7\nformats = ["rss"]\n[search]\nenabled = true\n'
    )
    config, problems = load(tmp_path, text, {"base_url": "http://127.0.0.1:8000"})
    assert not problems.items
    assert config.base_url == "http://127.0.0.1:8000/" and config.base_path == "/"
    assert (config.title, config.posts_per_page, config.feeds.items, config.feeds.formats) == (
        "Mirror",
        5,
        7,
        ("rss",),
    )
    assert config.search_enabled and config.output_dir == tmp_path / "out"


def test_every_bad_key_is_named_with_its_line(tmp_path: Path) -> None:
    text = (
        'title = "x"\npost_per_page = 5\ntimezone = "Mars/Olympus"\n'
        '[feeds]\nitems = "many"\n[sitemap]\nmax_urls = 60000\n'
    )
    _, problems = load(tmp_path, text)
    assert [p.render() for p in problems] == [
        "sitegen.toml:2: error: unknown key 'post_per_page'\n  hint: known keys here: base_url, "
        "comments, description, feeds, front, iframe_hosts, language, output_dir, posts_per_page, "
        "publish, search, sitemap, theme, timezone, title",
        "sitegen.toml:5: error: feeds.items: expected int, got 'many'",
        "sitegen.toml:3: error: timezone: unknown time zone 'Mars/Olympus'\n"
        '  hint: use an IANA name like "Asia/Kolkata", or a fixed UTC offset like "+05:30"',
        "sitegen.toml:7: error: sitemap.max_urls: must be between 1 and 50000, got 60000",
    ]


def test_invalid_toml_and_bad_base_url(tmp_path: Path) -> None:
    _, problems = load(tmp_path, 'title = "x\n')
    assert problems.render().startswith("[1] sitegen.toml:1: error: not valid TOML")
    _, problems = load(tmp_path, 'base_url = "example.org"\n')
    assert problems.render().startswith(
        "[1] sitegen.toml:1: error: base_url: not an absolute http(s) URL: 'example.org'"
    )


def test_netlify_toml_builds_and_publishes_the_output(tmp_path: Path) -> None:
    """Run netlify.toml's build command (less its pip install) the way Netlify would: on a copy
    of the repository's own site, with DEPLOY_PRIME_URL set, then look at what it published."""
    import os
    import shutil
    import subprocess
    import sys
    import tomllib

    netlify = tomllib.loads((ROOT / "netlify.toml").read_text())
    install, build = netlify["build"]["command"].split(" && ")
    assert install.startswith("pip install") and build.startswith("sitegen build")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    env = dict(os.environ, DEPLOY_PRIME_URL="https://deploy-preview-7--mirror.example.net")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    script = build.replace("sitegen", f"{sys.executable} -m sitegen", 1)
    subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, check=True, timeout=120)
    home = (tmp_path / netlify["build"]["publish"] / "index.html").read_text()
    assert 'rel="canonical" href="https://deploy-preview-7--mirror.example.net/"' in home
    assert all(h["for"].startswith("/") and h["values"] for h in netlify["headers"])
    # Pages are /slug/ URLs: a rule for "/*.html" matches none of them. And a Cache-Control
    # here would override _headers' year for the fingerprinted assets (Netlify applies
    # netlify.toml's rules after _headers').
    assert not [h for h in netlify["headers"] if h["for"].endswith(".html")]
    assert not [h for h in netlify["headers"] if "Cache-Control" in h["values"]]
    headers = (tmp_path / "public" / "_headers").read_text()
    assert re.search(r"^/assets/style\.[0-9a-f]{10}\.css\n  Cache-Control: public, "
                     r"max-age=31536000, immutable$", headers, re.M)  # fmt: skip
