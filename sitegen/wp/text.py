"""Plain text from WordPress HTML snippets: titles, excerpts, captions, term names.

WordPress texturizes titles (`&#8217;`), leaves entities in term names (`Policy &amp;
Regulation`) and wraps excerpts in `<p>` with `[&hellip;]`; front matter wants plain text.
"""

from __future__ import annotations

import html as html_lib
import re
from html.entities import html5
from xml.etree.ElementTree import Element

from sitegen.wp.html5parse import parse_fragment
from sitegen.wp.sanitize import tag_set

_SPACE = re.compile(r"\s+")
# Tags whose text is not visible, and tags that separate words when a browser renders them.
_HIDDEN = frozenset({"script", "style", "noscript", "template"})
_BREAKING = tag_set(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr td th figure figcaption "
    "section article header footer hr dt dd"
)


def plain_text(html: str) -> str:
    """The visible text of `html`: entities decoded, tags stripped, whitespace folded."""
    if "<" not in html and "&" not in html:
        return _SPACE.sub(" ", html).strip()
    simple = _simple_text(html)
    return tree_text(html) if simple is None else _SPACE.sub(" ", simple).strip()


# What nearly every excerpt and texturized title is: text with a few character references,
# maybe wrapped in one <p>. Decoded here, it needs no parse; anything else goes to html5lib.
_SIMPLE = re.compile(r"[ \t\n\r\f]*(<p>)?([^<\x00]*)(?(1)</p>)[ \t\n\r\f]*\Z")
_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{0,31}));")


def _simple_text(html: str) -> str | None:
    """The text html5lib would find in `html`, if `html` is that simple; else None."""
    match = _SIMPLE.match(html)
    if match is None:
        return None
    text = match.group(2)
    if "&" not in text:
        return text
    references = _REFERENCE.findall(text)
    if len(references) != text.count("&"):
        return None  # a bare `&`, or a reference without its `;`: html5lib's rules are subtle
    for decimal, hexadecimal, name in references:
        if name and f"{name};" not in html5:
            return None
        if not name and not _plain_code_point(int(decimal or hexadecimal, 10 if decimal else 16)):
            return None
    return html_lib.unescape(text)


def _plain_code_point(number: int) -> bool:
    # Outside these, html5lib and html.unescape differ (C0/C1 controls, surrogates,
    # noncharacters); such text goes the long way.
    return 0x20 <= number < 0x7F or 0xA0 <= number <= 0xD7FF


def tree_text(html: str) -> str:
    """plain_text, always through html5lib's tree."""
    root = parse_fragment(html)
    parts: list[str] = []
    _collect(root, parts)
    return _SPACE.sub(" ", "".join(parts)).strip()


def _collect(root: Element, parts: list[str]) -> None:
    # An explicit stack, not recursion: pasted markup can nest thousands of levels deep.
    stack: list[tuple[Element, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""
        if closing:
            parts.append(" " if tag in _BREAKING else "")
            parts.append(element.tail or "")
            continue
        if tag in _HIDDEN or not isinstance(element.tag, str):
            parts.append(element.tail or "")
            continue
        parts.append(" " if tag in _BREAKING else "")
        parts.append(element.text or "")
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
