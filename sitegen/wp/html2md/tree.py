"""The parse tree the converter walks, and the state one conversion carries.

html5lib parses like a browser (WordPress output is rarely valid HTML), into ElementTree
elements; text lives in `.text`/`.tail`, which `nodes()` turns into one ordered sequence.
The tree is at most MAX_DEPTH deep: the converter recurses per level, and deeper markup is
flattened to its text (and counted in `Context.flattened`, for the warning).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Comment, Element

from sitegen.wp.html5parse import MAX_DEPTH
from sitegen.wp.html5parse import parse as parse_html
from sitegen.wp.sanitize import safe_url, tag_set
from sitegen.wp.srcset import KnownImages

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
# Elements whose own text the converter does not write (whitespace between items or rows).
_TEXTLESS = frozenset({"ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "colgroup"})


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
    flattened: int = 0  # elements whose structure went for being nested too deep
    nesting: int = 0  # Markdown container levels around what is being converted
    known_images: KnownImages = field(default_factory=dict)  # image URL -> WordPress's sizes
    images: int = 0  # images written so far: all but the first load lazily
    sizes: str = ""  # inside a gallery: the slot its images show in (GALLERY_SIZES)
    trackers: list[str] = field(default_factory=list)  # URLs of the pixels left out

    def url(self, raw: str | None) -> str | None:
        """The URL to write for an href/src, or None when it must not be written."""
        if raw is None:
            return None
        url = safe_url(raw)
        if url is None:
            return None
        if self.rewrite_url is not None:
            rewritten = self.rewrite_url(url)
            if not rewritten and url:
                return None  # a link to nothing public: its text stays, unlinked
            url = safe_url(rewritten)
        return url


def parse(html: str, ctx: Context) -> Element:
    parsed = parse_html(html)
    ctx.flattened += parsed.dropped + _bound_depth(parsed.root)
    if _CONTROL.search(html) or _CONTROL_REF.search(html):  # rare: walk only then
        _drop_controls(parsed.root)
    return parsed.root


# C0 controls other than HTML's white space (tab, LF, FF, CR), and DEL, raw or as a numeric
# reference: invisible on a page, and white space to markdown-it, so text made of them would
# not survive a second conversion. (html5lib has already turned NUL into U+FFFD.)
_CONTROL = re.compile("[\x01-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_REF = re.compile(
    r"&#(?:0*(?:[1-9]|[12]\d|3[01]|127)(?!\d)|[xX]0*(?:[1-9a-fA-F]|1[0-9a-fA-F]|7[fF])(?![0-9a-fA-F]))"
)


def _drop_controls(root: Element) -> None:
    for element in root.iter():
        if element.text and _CONTROL.search(element.text):
            element.text = _CONTROL.sub("", element.text)
        if element.tail and _CONTROL.search(element.tail):
            element.tail = _CONTROL.sub("", element.tail)
        for name, value in element.attrib.items():
            if _CONTROL.search(value):
                element.attrib[name] = _CONTROL.sub("", value)


def _bound_depth(root: Element) -> int:
    """Flatten every element deeper than MAX_DEPTH into the text of its parent; how many.

    The parser already stops opening elements there; this catches what html5lib's
    reparenting of misnested markup can still put deeper, so the bound holds for the walk.
    """
    flattened = 0
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if depth < MAX_DEPTH:
            stack.extend((child, depth + 1) for child in element)
            continue
        if len(element):
            flattened += sum(1 for _ in element.iter()) - 1
            element.text = _visible_text(element)
            element[:] = []
        if tag(element) in _TEXTLESS and not is_blank(element.text or ""):
            # A list or table shows no text of its own; what was flattened into one must
            # still show. (The parser leaves a dropped tag's text there too.)
            element.tag = "div"
            element.attrib.clear()
    return flattened


def _visible_text(element: Element) -> str:
    """The text inside `element`, without what never shows; blocks keep words apart."""
    parts: list[str] = []
    stack: list[tuple[Node, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        if isinstance(node, str):
            parts.append(node)
            continue
        name = tag(node)
        if closing:
            parts.append(" " if name in BLOCKS else "")
            continue
        inner = node is not element
        if inner:
            stack.append((node.tail or "", False))
        if name in DROPPED or name.startswith("#"):
            continue
        if inner:
            parts.append(" " if name in BLOCKS else "")
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
        stack.append((node.text or "", False))
    return "".join(parts)


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
