"""Fingerprints come from explicit digests: every config field counts unless it is listed as not
changing the output, and where the checkout lives is not one of them."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest
from builtsite import built_folder
from testdata import FIXTURE_SITE, ROOT

from sitegen.build.orchestrator import build_site
from sitegen.config import NOT_OUTPUT, FeedsConfig, SiteConfig, SitemapConfig
from sitegen.digests import canonical, fingerprint

# What every build renders, tracked or not (kinds whose plan lists no dependencies).
# Rendered on every build (untracked kinds), in the site's folder.
ALWAYS = {
    (built_folder(FIXTURE_SITE) / p).as_posix()
    for p in ("404.html", "410.html", "category/index.html", "robots.txt", "search/index.html",
              "tag/index.html")
}  # fmt: skip


def _other(value: Any) -> Any:
    """A different value of the same type."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, tuple):
        return (*value, "x")
    if isinstance(value, Path):
        return value / "x"
    if dataclasses.is_dataclass(value):
        first = dataclasses.fields(value)[0].name
        return dataclasses.replace(value, **{first: _other(getattr(value, first))})  # type: ignore[type-var]
    raise AssertionError(f"no other value for {value!r}: teach _other this type")


def _config(tmp_path: Path) -> SiteConfig:
    return SiteConfig(tmp_path, tmp_path / "public", "https://example.org/")


def test_every_config_field_changes_the_digest_or_is_listed(tmp_path: Path) -> None:
    config = _config(tmp_path)
    for f in dataclasses.fields(SiteConfig):
        changes = {f.name: _other(getattr(config, f.name))}
        if f.name == "site_dir":  # a moved site: its output folder moves with it
            changes["output_dir"] = changes["site_dir"] / "public"
        changed = dataclasses.replace(config, **changes)
        same = changed.digest() == config.digest()
        assert same == (f.name in NOT_OUTPUT), f"SiteConfig.{f.name}"


@pytest.mark.parametrize("table", [FeedsConfig(), SitemapConfig()])
def test_every_field_of_a_config_table_changes_the_digest(tmp_path: Path, table: Any) -> None:
    config = _config(tmp_path)
    name = {FeedsConfig: "feeds", SitemapConfig: "sitemap"}[type(table)]
    for f in dataclasses.fields(table):
        other = dataclasses.replace(table, **{f.name: _other(getattr(table, f.name))})
        changed = dataclasses.replace(config, **{name: other})
        assert changed.digest() != config.digest(), f"{name}.{f.name}"


def test_the_digest_does_not_know_where_the_checkout_is(tmp_path: Path) -> None:
    here, there = _config(tmp_path / "a"), _config(tmp_path / "b")
    assert here.digest() == there.digest()
    elsewhere = dataclasses.replace(here, output_dir=tmp_path / "out")  # outside the site
    assert elsewhere.digest() != here.digest()


def test_a_field_hidden_from_repr_still_counts() -> None:
    @dataclasses.dataclass(frozen=True)
    class Hidden:
        shown: str
        hidden: str = dataclasses.field(default="", repr=False)

    assert repr(Hidden("a", "1")) == repr(Hidden("a", "2"))
    assert fingerprint(Hidden("a", "1")) != fingerprint(Hidden("a", "2"))


def test_what_has_no_fingerprint_is_refused() -> None:
    with pytest.raises(TypeError, match="no fingerprint for a PosixPath"):
        canonical(Path("/abs"))
    with pytest.raises(TypeError, match="object"):
        canonical(object())


def test_a_moved_checkout_renders_nothing_again(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "here" / "site"))
    theme = site / "themes" / "default" / "templates"  # an own theme folder, moved with it
    theme.mkdir(parents=True)
    default = ROOT / "themes" / "default" / "templates" / "post.html"
    shutil.copy(default, theme / "post.html")
    assert build_site(site).committed
    moved = Path(shutil.copytree(site, tmp_path / "elsewhere" / "moved", symlinks=True))
    shutil.rmtree(site)
    report = build_site(moved)
    assert report.committed and report.notes == []
    assert set(report.rendered) <= ALWAYS and report.reused > 30
