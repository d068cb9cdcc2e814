"""The parse tree the converter walks, and the state one conversion carries.

html5lib parses like a browser (WordPress output is rarely valid HTML), into ElementTree
elements; text lives in `.text`/`.tail`, which `nodes()` turns into one ordered sequence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Comment, Element

from sitegen.wp.html5parse import parse_fragment
from sitegen.wp.sanitize import safe_url, tag_set

Node = Element | str

# Elements whose content never shows, and elements dropped with their content.
DROPPED = tag_set(
    "script style noscript template head title meta link object embed param applet canvas "
    "map area svg math input select textarea option optgroup datalist frame frameset"
)
# Elements that end a paragraph: the converter handles them as blocks.
BLOCKS = tag_set(
    "address article aside blockquote center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr iframe li main menu nav "
    "ol p pre section summary table tbody td tfoot th thead tr ul video audio legend"
)
_SPACE = re.compile(r"[ \t\n\r\f]+")


@dataclass
class Context:
    """Options and per-document state of one conversion."""

    rewrite_url: Callable[[str], str] | None
    iframe_hosts: tuple[str, ...]
    # footnote element id -> Markdown label; ids of reference elements (for back-links)
    footnotes: dict[str, str] = field(default_factory=dict)
    footnote_refs: set[str] = field(default_factory=set)
    skip: set[int] = field(default_factory=set)  # id() of elements already dealt with
    link: str = ""  # inside <a href> that holds blocks: every paragraph links there

    def url(self, raw: str | None) -> str | None:
        """The URL to write for an href/src, or None when it must not be written."""
        if raw is None:
            return None
        url = safe_url(raw)
        if url is None:
            return None
        if self.rewrite_url is not None:
            url = safe_url(self.rewrite_url(url))
        return url


def parse(html: str) -> Element:
    return parse_fragment(html)


def nodes(element: Element) -> Iterator[Node]:
    """Text and child elements of `element`, in document order."""
    if element.text:
        yield element.text
    for child in element:
        yield child
        if child.tail:
            yield child.tail


def tag(node: Node) -> str:
    """The lower-case tag name; "" for text, "#comment" for comments."""
    if isinstance(node, str):
        return ""
    if node.tag is Comment:  # type: ignore[comparison-overlap]  # html5lib's comment nodes
        return "#comment"
    return node.tag.lower() if isinstance(node.tag, str) else "#other"


def classes(element: Element) -> set[str]:
    return set(element.get("class", "").split())


def is_block(node: Node) -> bool:
    return tag(node) in BLOCKS


def has_block(element: Element) -> bool:
    """True when a block element hides somewhere inside `element`."""
    return any(tag(child) in BLOCKS for child in element.iter() if child is not element)


def text_of(element: Element) -> str:
    """All text inside `element` (comments excluded), unchanged."""
    return "".join(element.itertext())


def fold(text: str) -> str:
    """HTML whitespace folding (not U+00A0, which is text)."""
    # Most runs of text have single spaces only, and nothing to fold: `in` finds that out
    # ten times faster than the regex would.
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text:
        return _SPACE.sub(" ", text)
    return text


def is_blank(node: Node) -> bool:
    return isinstance(node, str) and not node.strip(" \t\n\r\f")
