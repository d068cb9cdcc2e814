"""A bad home URL in content/_site.yaml is blamed on that file and its `home` key, not on
sitegen.toml; one that is not a URL at all is an error, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import sitegen

SITE_YAML = "content/_site.yaml"


def set_home(site: Path, home: str) -> None:
    path = site / SITE_YAML
    path.write_text(
        path.read_text().replace("home: https://news.example.org/web/", f"home: {home}")
    )
    toml = site / "sitegen.toml"
    toml.write_text(toml.read_text().replace('base_url = "https://news.example.org/web/"\n', ""))


@pytest.mark.parametrize("home", ["news.example.org", "'http://[::1'", "javascript:alert(1)"])
def test_a_bad_home_names_site_yaml(site: Path, home: str) -> None:
    set_home(site, home)
    result = sitegen(site, "build")
    assert result.exit_code == 1
    assert f"{SITE_YAML}:3: error: home: not an absolute http(s) URL" in result.output
    assert "sitegen.toml" in result.output  # only as the other way to fix it (the hint)
    assert "sitegen.toml:" not in result.output


def test_base_url_in_sitegen_toml_wins_over_a_bad_home(site: Path) -> None:
    path = site / SITE_YAML
    path.write_text(path.read_text().replace("home: https://news.example.org/web/", "home: x"))
    result = sitegen(site, "build")
    assert result.exit_code == 0, result.output


def test_a_bad_base_url_in_sitegen_toml_is_still_blamed_on_it(site: Path) -> None:
    toml = site / "sitegen.toml"
    toml.write_text(toml.read_text().replace("https://news.example.org/web/", "news.example.org"))
    result = sitegen(site, "build")
    assert result.exit_code == 1
    assert "sitegen.toml:4: error: base_url: not an absolute http(s) URL" in result.output
