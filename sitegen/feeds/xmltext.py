"""The few text rules every feed format shares: clean text, escape it, format dates.

We write the XML ourselves (see `XmlWriter`) instead of through a library because the bytes are
the product: a fixed element order, fixed namespace prefixes, and no build clock anywhere, so two
builds of the same content are byte-identical and deploys stay small.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

from sitegen import mediatypes
from sitegen.errors import SitegenError

# XML 1.0 forbids C0 controls (except tab, LF, CR), lone surrogates and U+FFFE/U+FFFF; one such
# character in a WordPress title makes the whole feed unreadable, so they go. C1 controls are
# legal but never text (they are mojibake of Windows-1252 quotes), and some readers reject them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """`text` without the characters no XML 1.0 document (or UTF-8 JSON) may contain."""
    return _ILLEGAL.sub("", text)


def escape_text(text: str) -> str:
    # ">" too: "]]>" is not allowed in character data. CR as a reference: XML parsers turn a
    # literal CR (and CRLF) into LF, so a WordPress body with CRLF would not read back as written.
    cleaned = clean_text(text)
    return (
        cleaned.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", "&#13;")
    )


# Where the HTML tokenizer leaves plain text: `&` before a letter, digit or `#` may start a
# character reference, `<` before a letter, `!`, `/` or `?` starts markup. Anywhere else (`a & b`,
# `x < 3`) the character is already text, so escaping only here keeps ordinary text as it was.
_HTML_SPECIAL = re.compile(r"&(?=[A-Za-z0-9#])|<(?=[A-Za-z!/?])")


def html_text(text: str) -> str:
    """Plain `text` as HTML that shows exactly that text (for an element readers read as HTML)."""
    # Cleaned first: dropping a character afterwards could join `<` and a letter again.
    return _HTML_SPECIAL.sub(lambda m: "&amp;" if m.group() == "&" else "&lt;", clean_text(text))


def escape_attr(text: str) -> str:
    # Tab, LF and CR as references: a parser would normalise them to spaces otherwise.
    return escape_text(text).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")


def aware(value: datetime) -> datetime:
    """Naive datetimes (a date-only `date:` in front matter) are read as UTC: deterministic."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def rfc822(value: datetime) -> str:
    """RSS 2.0 dates: `Sun, 02 Nov 2025 20:44:35 +0530` (the post's own offset is kept)."""
    return format_datetime(aware(value).replace(microsecond=0))


def rfc3339(value: datetime) -> str:
    """Atom and JSON Feed dates: `2025-11-02T20:44:35+05:30`, always with an offset."""
    return aware(value).isoformat(timespec="seconds")


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def require_absolute(url: str, what: str) -> str:
    """Feed readers resolve nothing: a relative URL here is a configuration error."""
    if not is_absolute(url):
        raise SitegenError(
            f"feed {what} is not an absolute http(s) URL: {url!r}",
            hint="set base_url in sitegen.toml to a full URL such as https://example.org/",
        )
    return url


# The image formats feed readers show as an enclosure; their types come from the one table.
_FEED_IMAGES = frozenset(("avif", "gif", "jpeg", "jpg", "png", "svg", "webp"))


def image_type(url: str, given: str) -> str:
    """The MIME type of a featured image: as given, else from the extension, else "".

    `sitegen.mediatypes`' fixed table, not `mimetypes`, whose answers depend on the machine's
    /etc/mime.types.
    """
    if given:
        return given
    path = urlsplit(url).path
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return mediatypes.BY_EXTENSION[ext] if ext in _FEED_IMAGES else ""


def unique(values: Iterable[str]) -> list[str]:
    """Cleaned, non-blank values, first occurrence kept, in order (a tag named like a category)."""
    seen: dict[str, None] = {}
    for value in map(clean_text, values):
        if value.strip():
            seen.setdefault(value, None)
    return list(seen)


class XmlWriter:
    """An indented XML document written element by element, in exactly the order called."""

    def __init__(self) -> None:
        self._parts: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        self._depth = 0

    def _tag(self, name: str, attrs: Iterable[tuple[str, str]]) -> str:
        return name + "".join(f' {key}="{escape_attr(value)}"' for key, value in attrs)

    def open(self, name: str, *attrs: tuple[str, str]) -> None:
        self._parts.append(f"{'  ' * self._depth}<{self._tag(name, attrs)}>\n")
        self._depth += 1

    def close(self, name: str) -> None:
        self._depth -= 1
        self._parts.append(f"{'  ' * self._depth}</{name}>\n")

    def leaf(self, name: str, text: str, *attrs: tuple[str, str]) -> None:
        """`<name attrs>text</name>`; text is escaped, so HTML arrives as HTML-in-text."""
        indent = "  " * self._depth
        self._parts.append(f"{indent}<{self._tag(name, attrs)}>{escape_text(text)}</{name}>\n")

    def empty(self, name: str, *attrs: tuple[str, str]) -> None:
        self._parts.append(f"{'  ' * self._depth}<{self._tag(name, attrs)}/>\n")

    def getvalue(self) -> bytes:
        assert self._depth == 0, "unclosed element"
        return "".join(self._parts).encode("utf-8")
