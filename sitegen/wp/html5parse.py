"""html5lib's fragment parser, with bounded nesting.

Two speed-ups apply unless SITEGEN_NO_SPEEDUPS is set (sitegen.speedups): the parser is
reused, one per thread, and skips counting invalid code points. The tree is the one
`html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)` builds
(tests/wp/test_html5parse.py compares them) -- up to a nesting limit.

The tree construction algorithm costs time in proportion to the depth of the open elements
for many tags (scope checks walk the stack; misnested formatting is reopened for each run of
text), so markup nested thousands deep took minutes. Here no element opens deeper than
MAX_DEPTH and no more than MAX_FORMATTING formatting elements stay active at once: a start
tag beyond either limit is dropped (its end tag too), its text stays where it is. `parse`
says how many tags it dropped, so the caller can report the flattening.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from html5lib import _tokenizer, html5parser, treebuilders
from html5lib.constants import tokenTypes, voidElements

from sitegen import speedups
from sitegen.wp.sanitize import tag_set

# Chrome's parser stops nesting at 512; this is lower because the converter walks the tree
# recursively, up to 3 Python frames per level, and must stay inside Python's default limit of
# 1,000 frames with room for its callers; and because the scope checks above cost up to this
# much per tag. Real posts nest far less (the WordPress corpus in tests/: 5 levels at most).
MAX_DEPTH = 256
# Formatting elements (b, i, a, font...) open at once, after the last table cell or similar
# boundary. Each run of text reopens those that misnested markup closed (`<p><b>x</p>y`), so
# this bounds the elements made per run of text. Real markup has a handful; html5lib already
# keeps at most 3 identical ones.
MAX_FORMATTING = 12

_START, _END = tokenTypes["StartTag"], tokenTypes["EndTag"]
_SPACE = tokenTypes["SpaceCharacters"]
_FORMATTING = tag_set("a b big code em font i nobr s small strike strong tt u")
# Elements whose content is raw text or never shown: one more level for them even at the
# limit, so that a script's text does not become visible text when its tag is dropped.
_CLOSED_OFF = tag_set(
    "script style noscript template title textarea xmp iframe noembed noframes plaintext "
    "svg math select object applet canvas"
)
# Inline elements: dropping one needs no space in its place to keep words apart.
_INLINE = _FORMATTING | tag_set(
    "span abbr cite sup sub mark q small kbd samp var dfn time bdi bdo ins del label"
)


@dataclass(frozen=True)
class Parsed:
    root: Element  # the DOCUMENT_FRAGMENT element
    dropped: int  # start tags dropped beyond MAX_DEPTH or MAX_FORMATTING


class _Tokenizer(_tokenizer.HTMLTokenizer):  # type: ignore[misc]
    """html5lib's tokenizer, holding back the start tags (and their end tags) that would nest
    deeper than the limits. It is pulled one token at a time by the tree builder, so the tree
    it consults is up to date."""

    dropped = 0
    open_dropped: dict[str, int]  # tag name -> start tags dropped whose end tag is to come

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self.dropped, self.open_dropped = 0, {}
        tree = self.parser.tree
        for token in super().__iter__():
            kind = token["type"]
            if kind == _START and token["name"] not in voidElements and self._too_deep(tree, token):
                self.dropped += 1
                name = token["name"]
                # (`<div/>` opens a div in HTML: its end tag is dropped with it too.)
                self.open_dropped[name] = self.open_dropped.get(name, 0) + 1
                if name not in _INLINE:
                    yield {"type": _SPACE, "data": " "}  # keep the words of two blocks apart
                continue
            if kind == _END and self.open_dropped.get(token["name"]):
                self.open_dropped[token["name"]] -= 1
                if token["name"] not in _INLINE:
                    yield {"type": _SPACE, "data": " "}
                continue
            yield token

    @staticmethod
    def _too_deep(tree: Any, token: dict[str, Any]) -> bool:
        # openElements[0] is the fragment's <html>: a new element would be at this depth.
        depth = len(tree.openElements)
        if depth > MAX_DEPTH and not (depth == MAX_DEPTH + 1 and token["name"] in _CLOSED_OFF):
            return True
        return token["name"] in _FORMATTING and _active_formatting(tree) >= MAX_FORMATTING


def _active_formatting(tree: Any) -> int:
    """Entries after the last marker of html5lib's list of active formatting elements."""
    count = 0
    for entry in reversed(tree.activeFormattingElements):
        if entry is None:  # html5lib's Marker
            break
        count += 1
        if count >= MAX_FORMATTING:
            break
    return count


class _Parser(html5parser.HTMLParser):  # type: ignore[misc]
    def _parse(
        self,
        stream: Any,
        innerHTML: bool = False,  # html5lib's own parameter names
        container: str = "div",
        scripting: bool = False,
        **kwargs: Any,
    ) -> None:
        # html5lib 1.1's HTMLParser._parse, with the depth-limiting tokenizer (and, as a
        # speed-up, the code point count switched off).
        self.innerHTMLMode = innerHTML
        self.container = container
        self.scripting = scripting
        self.tokenizer = _Tokenizer(stream, parser=self, **kwargs)
        speedups.skip_character_count(self.tokenizer)
        self.reset()
        try:
            self.mainLoop()
        except html5parser._ReparseException:
            self.reset()
            self.mainLoop()


def _new_parser() -> _Parser:
    return _Parser(treebuilders.getTreeBuilder("etree"), namespaceHTMLElements=False)


def parse_fragment(html: str) -> Element:
    """The etree fragment (a DOCUMENT_FRAGMENT element) html5lib makes of `html`."""
    return parse(html).root


def parse(html: str) -> Parsed:
    """`parse_fragment`, and how many tags it dropped to stay within the nesting limits."""
    parser = speedups.reused("html5parse", _new_parser)
    root: Element = parser.parseFragment(html)
    return Parsed(root, parser.tokenizer.dropped)
