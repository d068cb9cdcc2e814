"""Make every URL in a post's HTML absolute, for feed readers (they resolve nothing reliably).

Uses the stdlib `html.parser` only to *find* start tags; everything between them is copied byte
for byte, and a tag is re-written only when one of its URLs changed. So text, entities, comments
and scripts come out exactly as they went in, and running it twice changes nothing.
(The build side must not import html5lib, which is why this is not an html5lib tree walk.)
"""

from __future__ import annotations

import re
from html import escape, unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from sitegen.feeds.xmltext import require_absolute

# Attributes whose value is one URL. (`srcset`/`imagesrcset` hold a list, handled apart.)
URL_ATTRS = frozenset(
    {"href", "src", "poster", "cite", "data", "action", "formaction", "background", "longdesc"}
)
SRCSET_ATTRS = frozenset({"srcset", "imagesrcset"})

# Every place html.parser could read one of those attributes with a value: its name, preceded
# by a quote, a space or "/" and followed by "=" and a value exactly as the parser's own
# attribute pattern (attrfind_tolerant) reads them. Only that preceding character is consumed
# (the rest is lookahead), so no candidate can hide the next; matches in text, comments or
# scripts are harmless extras. Names match without case (the parser lowercases them; "k" also
# matches KELVIN SIGN, whose lower() is "k"); the one-letter test first makes the scan ~2x faster.
_CANDIDATE = re.compile(
    r"""['"\s/](?=(?i:[hspcdafbli]))(?=((?i:href|srcset|src|poster|cite|data|action|formaction"""
    r"""|background|longdesc|imagesrcset))\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))"""
)


def absolutize_url(url: str, base_url: str) -> str:
    """`url` resolved against `base_url`. URLs with a scheme (https:, mailto:, data:) and URLs
    Python cannot parse (`http://[::1`) are returned as they are: copied, never "normalised"
    (urljoin would drop an empty `?`, so a second pass would change the first one's output)."""
    stripped = url.strip()
    try:
        if not stripped or urlsplit(stripped).scheme:
            return url
        # Stripped again: `? #` joins to `…/? ` (the empty fragment goes).
        return urljoin(base_url, stripped).strip()
    except ValueError:
        return url


def absolutize_srcset(value: str, base_url: str) -> str:
    """Each candidate of a srcset (`a.jpg 1x, /b.jpg 2x`) resolved; descriptors kept.

    Follows the HTML spec's split: a URL runs to whitespace (trailing commas end it), its
    descriptors run to the next comma. Splitting on every comma would cut `data:` URLs.
    """
    out: list[str] = []
    changed = False
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        if i >= n:
            break
        j = i
        while j < n and not value[j].isspace():
            j += 1
        url, descriptor = value[i:j], ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            k = value.find(",", j)
            k = n if k < 0 else k
            descriptor, j = value[j:k].strip(), k
        resolved = absolutize_url(url, base_url)
        changed = changed or resolved != url
        out.append(resolved + (f" {descriptor}" if descriptor else ""))
        i = j
    # Re-joined only when a URL changed, so an absolute srcset keeps its exact bytes.
    return ", ".join(out) if changed else value


class _TagFinder(HTMLParser):
    """Collects (start offset, end offset, replacement) for start tags whose URLs change."""

    def __init__(self, html: str, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.base_url = base_url
        self.edits: list[tuple[int, int, str]] = []
        # Found with str.find, not a Python loop over every character (a 10,000-post feed build
        # spent more time here than in the parser).
        self._line_starts = [0]
        pos = html.find("\n")
        while pos >= 0:
            self._line_starts.append(pos + 1)
            pos = html.find("\n", pos + 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._rewrite(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Not "the raw text ends in '/>'": in `<a href=../up/>` the slash belongs to the URL.
        self._rewrite(tag, attrs, self_closing=True)

    def _rewrite(self, tag: str, attrs: list[tuple[str, str | None]], self_closing: bool) -> None:
        raw = self.get_starttag_text() or ""
        new_attrs = [(name, self._resolve(name, value)) for name, value in attrs]
        if new_attrs == attrs:
            return
        line, column = self.getpos()
        start = self._line_starts[line - 1] + column
        # Only splice where the parser's position really holds this tag's text: if the two ever
        # disagree, leaving one URL relative beats corrupting the post.
        if self.html[start : start + len(raw)] == raw:
            replacement = _serialize(tag, new_attrs, self_closing)
            self.edits.append((start, start + len(raw), replacement))

    def _resolve(self, name: str, value: str | None) -> str | None:
        return None if value is None else _resolve(name, value, self.base_url)


def _resolve(name: str, value: str, base_url: str) -> str:
    """The value of attribute `name` in a feed: resolved if it holds URLs."""
    if name in URL_ATTRS:
        return absolutize_url(value, base_url)
    if name in SRCSET_ATTRS:
        return absolutize_srcset(value, base_url)
    return value


def _serialize(tag: str, attrs: list[tuple[str, str | None]], self_closing: bool) -> str:
    parts = [tag] + [name if val is None else f'{name}="{escape(val)}"' for name, val in attrs]
    return "<" + " ".join(parts) + ("/>" if self_closing else ">")


def _all_absolute(html: str, base_url: str) -> bool:
    """Whether no URL attribute of `html` would change: every candidate's value, read the way
    the parser reads it (quotes off, entities decoded), resolves to itself. Lets HTML whose
    links are all absolute skip html.parser; stops at the first link that is not."""
    for found in _CANDIDATE.finditer(html):
        name, raw = found.groups()
        if raw[:1] in ("'", '"'):
            raw = raw[1:-1]
        value = unescape(raw) if raw else raw
        if _resolve(name.lower(), value, base_url) != value:
            return False
    return True


class AbsoluteHTML(str):
    """What absolutize_html returns: HTML it made absolute against `base_url`. Passing it again
    with that base returns it as it is (a second pass changes nothing, a tested property): a
    feed item's HTML is made absolute once per build, and each feed writer that shows it (a
    post is in a dozen feeds, RSS and Atom) passes it again, which cost a scan every time."""

    base_url: str


def absolutize_html(html: str, base_url: str) -> str:
    """`html` with every href/src/srcset/poster (and the other URL attributes) made absolute.

    `base_url` is the page the HTML belongs to (the post's URL), so `#note-1` and `img.jpg`
    resolve the way a browser on that page would resolve them.
    """
    require_absolute(base_url, "base URL")
    if isinstance(html, AbsoluteHTML) and html.base_url == base_url:
        return html
    done = AbsoluteHTML(html if _all_absolute(html, base_url) else rewrite_tags(html, base_url))
    done.base_url = base_url
    return done


def rewrite_tags(html: str, base_url: str) -> str:
    """absolutize_html's work, through html.parser (the reference the fast check must match)."""
    finder = _TagFinder(html, base_url)
    finder.feed(html)
    finder.close()
    out, last = [], 0
    for start, end, replacement in finder.edits:
        out.append(html[last:start])
        out.append(replacement)
        last = end
    out.append(html[last:])
    return "".join(out)
