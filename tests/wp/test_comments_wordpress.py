"""Reader comments round-trip from the REAL WordPress on 127.0.0.1:8089 (tests/wordpress/,
`populate.php --variant=dev`: approved comments 1200 and its reply 1201 on the tariff recap,
1202 on the outage post, a spam one (1203) and a pending one (1204) that must never appear) to
the mirror's HTML and comment feeds, compared with WordPress's own comment feeds.

scripts/test starts WordPress and exports SITEGEN_TEST_WORDPRESS; without it these tests FAIL.
"""

from __future__ import annotations

import urllib.request
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from builtsite import built_root
from feedcheck import check_xml_feed, parse_xml

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.wp.mirror import MirrorOptions, mirror_site

pytestmark = pytest.mark.wordpress

TARIFFS = "2025/07/10/tariffs-so-far-a-recap-of-the-years-price-changes/"
NEVER = (
    "Cheap followers",
    "spam.example",
    "Awaiting moderation",
    "Unverified reader",
    "prakash@",
    "reader.kol@",
)


@pytest.fixture(scope="module")
def wp_base(wp_url: str) -> str:
    """The live WordPress's address ending in a slash: the mirror's base URL, and the prefix
    of WordPress's own feed addresses."""
    return wp_url.rstrip("/") + "/"


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as r:  # the loopback WordPress only
        assert r.status == 200
        data: bytes = r.read()
        return data


@pytest.fixture(scope="module")
def mirrored(wp_base: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("comments-live")
    report = mirror_site(site, wp_base, MirrorOptions())
    assert not report.failed, report.all_problems().render()
    built = build_site(site, BuildOptions(overrides={"base_url": wp_base}, check_links=False))
    assert built.committed, built.problems.render()
    return site


def test_spam_and_pending_comments_never_appear(mirrored: Path) -> None:
    for path in mirrored.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert not [n for n in NEVER if n in text], path


def test_comments_are_threaded_in_the_html(mirrored: Path, wp_base: str) -> None:
    page = (built_root(mirrored, wp_base) / TARIFFS / "index.html").read_text()
    top = page.index('<li id="comment-1200" class="comment depth-1 parent">')
    assert page.index('<li id="comment-1201" class="comment depth-2">') > top
    assert "2 comments" in page


@pytest.mark.parametrize("feed", ["comments/feed/", f"{TARIFFS}feed/"])
def test_comment_feeds_carry_what_wordpress_s_carry(
    mirrored: Path, wp_base: str, feed: str
) -> None:
    ours = (built_root(mirrored, wp_base) / feed / "index.xml").read_bytes()
    assert check_xml_feed(ours) == []
    theirs = parse_xml(_get(wp_base + feed)).find("channel")
    mine = parse_xml(ours).find("channel")
    assert mine.findtext("title") == (theirs.findtext("title") or "").strip()  # WordPress indents

    def items(channel: object) -> list[tuple[str | None, ...]]:
        return [
            (
                (i.findtext("title") or "").strip(),  # WordPress indents its template
                i.findtext("guid"),
                i.findtext("{http://purl.org/dc/elements/1.1/}creator"),
                # WordPress writes GMT (+0000), the mirror the site's offset: the same instant.
                str(parsedate_to_datetime(i.findtext("pubDate") or "").astimezone(UTC)),
            )
            for i in channel.iter("item")  # type: ignore[attr-defined]
        ]

    assert items(mine) == items(theirs)
