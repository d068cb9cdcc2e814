"""Plain text from WordPress HTML snippets: titles, excerpts, captions, term names.

WordPress texturizes titles (`&#8217;`), leaves entities in term names (`Policy &amp;
Regulation`) and wraps excerpts in `<p>` with `[&hellip;]`; front matter wants plain text.
"""

from __future__ import annotations

import re
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
