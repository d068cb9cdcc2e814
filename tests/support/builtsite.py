"""Where a build puts a site's own files, for the tests that read them: one helper, so that
no test spells the layout (`public/web/`) out."""

from __future__ import annotations

from pathlib import Path

from sitegen.config import SiteConfig, load_config
from sitegen.errors import Problems
from sitegen.site.assemble import load_site_info


def _config(site: Path, base_url: str | None) -> SiteConfig:
    problems = Problems()
    info = load_site_info(site, problems)
    config = load_config(site, info, problems, {"base_url": base_url} if base_url else {})
    assert not problems.errors, problems.render()
    return config


def built_root(site: Path, base_url: str | None = None) -> Path:
    """The folder of `site`'s output that holds the site itself (built for `base_url`, else
    for its sitegen.toml): public/ for a site served at its host's root, public/web/ for a
    base URL ending in /web/. The host's files (`_redirects`, `_headers`) stay at public/'s
    root whatever the base path."""
    config = _config(site, base_url)
    return config.output_dir / config.output_root


def built_folder(site: Path, base_url: str | None = None) -> Path:
    """`built_root` relative to the output folder: Path("web") for the base path /web/,
    Path(".") at the host's root. A published copy of public/ has the same layout."""
    return Path(_config(site, base_url).output_root or ".")
