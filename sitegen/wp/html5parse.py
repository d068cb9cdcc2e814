"""html5lib's fragment parser, minus two costs the import does not need.

`html5lib.parseFragment` builds a new parser (tree builder, phases) for every fragment, and
its input stream runs a regex over all the text to *count* invalid code points for the
parse-error list, which nothing here reads. Together ~20 % of the parsing time of an import.
This parser skips the count (html5lib itself does, on platforms where Python catches them
earlier: `reportCharacterErrors = None`) and is reused, one per thread. The tree is the one
`html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)` builds
(tests/test_html5parse.py compares them).
"""

from __future__ import annotations

import threading
from typing import Any
from xml.etree.ElementTree import Element

from html5lib import _tokenizer, html5parser, treebuilders


class _Parser(html5parser.HTMLParser):  # type: ignore[misc]
    def _parse(
        self,
        stream: Any,
        innerHTML: bool = False,  # html5lib's own parameter names
        container: str = "div",
        scripting: bool = False,
        **kwargs: Any,
    ) -> None:
        # html5lib 1.1's HTMLParser._parse, with the code point count switched off.
        self.innerHTMLMode = innerHTML
        self.container = container
        self.scripting = scripting
        self.tokenizer = _tokenizer.HTMLTokenizer(stream, parser=self, **kwargs)
        self.tokenizer.stream.reportCharacterErrors = None
        self.reset()
        try:
            self.mainLoop()
        except html5parser._ReparseException:
            self.reset()
            self.mainLoop()


_local = threading.local()


def parse_fragment(html: str) -> Element:
    """The etree fragment (a DOCUMENT_FRAGMENT element) html5lib makes of `html`."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        etree = treebuilders.getTreeBuilder("etree")
        parser = _local.parser = _Parser(etree, namespaceHTMLElements=False)
    root: Element = parser.parseFragment(html)
    return root
