"""The site's time zone: an IANA name, or a fixed UTC offset written `+05:30`.

WordPress stores either a zone name (`timezone_string`) or, for its manual "UTC+5:30" setting,
only `gmt_offset` in hours. The import names the zone when one keeps that offset all year; an
offset no such zone has is written as the offset itself, which this module reads back.
Shared by the import and the build, so it imports nothing of either."""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_OFFSET = re.compile(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?")


def site_zone(name: str) -> tzinfo | None:
    """The zone `name` means, or None if it means none."""
    found = _OFFSET.fullmatch(name.strip())
    if found:
        sign, hours, minutes = found.groups()
        total = int(hours) * 60 + int(minutes or 0)
        if total > 14 * 60 or int(minutes or 0) >= 60:
            return None
        return timezone(timedelta(minutes=-total if sign == "-" else total)) if total else UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def offset_name(minutes: int) -> str:
    """A fixed offset as `site_zone` reads it: 210 -> "+03:30"."""
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
