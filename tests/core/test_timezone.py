"""The site's time zone: dates without an offset are read in it, and every date is shown in it
(pages, feeds, archives) while feeds keep the same instants."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from sitegen.build.orchestrator import build_site
from sitegen.wp.importplan import zone_name
from sitegen.zones import site_zone

LATE = "2024-03-31T23:30:00"  # no offset: 23:30 in the site's zone, 18:00 UTC in Kolkata
NEXT_DAY = "2024-04-30T20:00:00Z"  # 01:30 on 1 May in Kolkata


def _site(tmp_path: Path, zone: str, toml_zone: str | None = None) -> Path:
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "content" / "_site.yaml").write_text(
        f"name: Late news\nhome: https://example.org/\ntimezone: '{zone}'\nlanguage: en\n"
    )
    if toml_zone is not None:
        (site / "sitegen.toml").write_text(f'timezone = "{toml_zone}"\n')
    for slug, when, path in (
        ("late", LATE, "2024/03/31/late/"),
        ("early", NEXT_DAY, "2024/05/01/early/"),
    ):
        (site / "content" / "posts" / f"{slug}.md").write_text(
            f"---\ntitle: {slug.title()}\nslug: {slug}\ndate: {when}\npath: {path}\n---\n\nBody.\n"
        )
    return site


def _public(site: Path) -> Path:
    report = build_site(site)
    assert report.committed and not report.problems.errors, report.problems.items
    return site / "public"


def _feed_instants(public: Path) -> dict[str, list[str]]:
    rss = (public / "feed" / "index.xml").read_text()
    atom = (public / "feed" / "atom" / "index.xml").read_text()
    feed = json.loads((public / "feed" / "json" / "index.json").read_text())
    return {
        "rss": re.findall(r"<pubDate>([^<]+)</pubDate>", rss),
        "atom": re.findall(r"<published>([^<]+)</published>", atom),
        "json": [item["date_published"] for item in feed["items"]],
    }


def test_a_late_post_in_kolkata(tmp_path: Path) -> None:
    public = _public(_site(tmp_path, "Asia/Kolkata"))
    page = (public / "2024/03/31/late/index.html").read_text()
    assert 'datetime="2024-03-31T23:30:00+05:30">March 31, 2024</time>' in page
    # Filed by its local date, as WordPress files it.
    assert "/2024/03/31/late/" in (public / "2024/03/index.html").read_text()
    assert not (public / "2024/04").exists()  # no post is in April in the site's zone
    # Written 20:00 UTC on 30 April: 1 May in the site's zone, in May's archive, shown +05:30.
    early = (public / "2024/05/01/early/index.html").read_text()
    assert 'datetime="2024-05-01T01:30:00+05:30">May 1, 2024</time>' in early
    assert "/2024/05/01/early/" in (public / "2024/05/01/index.html").read_text()

    found = _feed_instants(public)
    assert found["rss"] == ["Wed, 01 May 2024 01:30:00 +0530", "Sun, 31 Mar 2024 23:30:00 +0530"]
    assert (
        found["atom"] == found["json"] == ["2024-05-01T01:30:00+05:30", "2024-03-31T23:30:00+05:30"]
    )
    instants = [parsedate_to_datetime(d) for d in found["rss"]]
    instants += [datetime.fromisoformat(d) for d in found["atom"] + found["json"]]
    late, early_utc = (
        datetime(2024, 3, 31, 18, 0, tzinfo=UTC),
        datetime(2024, 4, 30, 20, tzinfo=UTC),
    )
    assert instants == [early_utc, late] * 3


def test_sitegen_toml_zone_wins_and_a_change_is_seen(tmp_path: Path) -> None:
    site = _site(tmp_path, "Asia/Kolkata")
    _public(site)
    (site / "sitegen.toml").write_text('timezone = "UTC"\n')
    public = _public(site)  # the cached parse (read in Kolkata) must not be reused
    page = (public / "2024/03/31/late/index.html").read_text()
    assert 'datetime="2024-03-31T23:30:00+00:00">March 31, 2024</time>' in page
    early = (public / "2024/05/01/early/index.html").read_text()
    assert 'datetime="2024-04-30T20:00:00+00:00">April 30, 2024</time>' in early
    assert "/2024/05/01/early/" in (public / "2024/04/30/index.html").read_text()


@pytest.mark.parametrize(
    ("gmt_offset", "written", "shown"),
    [(5, "Etc/GMT-5", "+05:00"), (3.5, "+03:30", "+03:30"), (-9.5, "Pacific/Marquesas", "-09:30")],
)
def test_a_gmt_offset_only_site(
    tmp_path: Path, gmt_offset: float, written: str, shown: str
) -> None:
    """WordPress's manual "UTC+3:30" setting has no zone name, only gmt_offset: the import
    writes a name the build reads back as that offset."""
    fixed = timezone(timedelta(hours=gmt_offset))
    assert zone_name(fixed) == written
    assert site_zone(written) is not None
    assert datetime(2024, 7, 1, tzinfo=site_zone(written)).utcoffset() == fixed.utcoffset(None)
    public = _public(_site(tmp_path, written))
    page = (public / "2024/03/31/late/index.html").read_text()
    assert f'datetime="2024-03-31T23:30:00{shown}"' in page
    instant = datetime.fromisoformat(_feed_instants(public)["atom"][-1])
    assert instant == datetime(2024, 3, 31, 23, 30, tzinfo=fixed)


def test_offsets_that_are_no_zone() -> None:
    assert site_zone("+05:30") == timezone(timedelta(hours=5.5))
    assert site_zone("UTC-03:30") == timezone(timedelta(hours=-3.5))
    assert site_zone("+00:00") is UTC
    for bad in ("+15:00", "+05:75", "Mars/Olympus", "", "5:30"):
        assert site_zone(bad) is None, bad
