"""The feed docs say what the code does: every feed address we redirect, every `[feeds]`
setting and every field of the interface is named in README.md or docs/feeds.md."""

from __future__ import annotations

import dataclasses

from testdata import ROOT

from sitegen.build.redirects import FEED_ALIASES, LEGACY_FEED_FILES, QUERY_FEEDS
from sitegen.config import FeedsConfig
from sitegen.feeds import FeedItem, FeedMeta

DOC = (ROOT / "docs" / "feeds.md").read_text()
README = (ROOT / "README.md").read_text()


def test_every_redirected_feed_address_is_documented() -> None:
    for alias in FEED_ALIASES:
        assert f"feed/{alias}" in DOC and f"/feed/{alias}" in README, alias
    for name in QUERY_FEEDS:
        assert f"`{name}`" in DOC or f"?feed={name}" in DOC, name
    for legacy in LEGACY_FEED_FILES:
        assert legacy in DOC, legacy


def test_every_setting_and_field_is_documented() -> None:
    for field in dataclasses.fields(FeedsConfig):
        assert f"\n{field.name} = " in DOC, field.name
    signature = DOC[DOC.index("- `FeedMeta(") : DOC.index("- `render_rss`")]
    for cls in (FeedMeta, FeedItem):
        for field in dataclasses.fields(cls):
            assert field.name in signature, f"{cls.__name__}.{field.name}"
