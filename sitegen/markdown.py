"""The project's one Markdown setup: CommonMark + GFM tables + strikethrough + footnotes.

Raw HTML is enabled because content files may carry HTML that Markdown cannot express; the
import sanitises it (sitegen.wp.sanitize), and hand-written content is the site owner's own.
Linkify and the typographer stay off so that text renders exactly as it was written.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin


def make_markdown() -> MarkdownIt:
    """A fresh MarkdownIt instance with the project's settings."""
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    return md


_MD = make_markdown()


def render_markdown(text: str) -> str:
    """`text` (CommonMark) as HTML."""
    html: str = _MD.render(text)
    return html
