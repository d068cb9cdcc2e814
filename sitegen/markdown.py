"""The project's one Markdown setup: CommonMark + GFM tables + strikethrough + footnotes.

Raw HTML is enabled because content files may carry HTML that Markdown cannot express; the
import sanitises it (sitegen.wp.sanitize), and hand-written content is the site owner's own.
Linkify and the typographer stay off so that text renders exactly as it was written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin


def make_markdown() -> MarkdownIt:
    """A fresh MarkdownIt instance with the project's settings."""
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.add_render_rule("footnote_caption", _footnote_caption)
    return md


def _footnote_caption(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """A footnote reference as WordPress's footnotes show it: the bare number (`1`, not the
    plugin's `[1]`), superscript; a second reference to one note is `1:1`, as before."""
    n = str(tokens[idx].meta["id"] + 1)
    if tokens[idx].meta.get("subId", -1) > 0:
        n += ":" + str(tokens[idx].meta["subId"])
    return n


_MD = make_markdown()


def render_markdown(text: str) -> str:
    """`text` (CommonMark) as HTML."""
    html: str = _MD.render(text)
    return html
