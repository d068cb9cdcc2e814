"""WordPress `content.rendered` HTML -> clean, readable CommonMark (GFM tables, footnotes).

The converter walks html5lib's parse tree (html5lib parses broken markup the way browsers do):
html2md_blocks for block structure, html2md_inline for text-level markup, html2md_tables for
tables and the HTML that stays HTML, html2md_escape so that text stays text. Output is
deterministic and a fixpoint: converting the rendering of the output gives the output back.

Decisions (docs: README "HTML to Markdown"):
- `<!--more-->` and block comments are dropped; `<!--nextpage-->` becomes a rule (`---`): the
  mirror shows all pages of a split post on one page.
- Footnotes (`<sup><a href="#fn-1">` + `<ol class="footnotes">`) become `[^1]` references and
  definitions at the end; the `<hr>` before the list and the back-links go (the renderer
  makes its own).
- HTML that Markdown cannot express stays HTML, limited to sitegen.wp.sanitize's policy.
- Iframes stay only from `iframe_hosts`; any other becomes a link to what it showed, and a
  WordPress post embed's iframe goes (its <blockquote> already links to the post).
- `rewrite_url` sees every URL that is written (links, images, iframes, URLs in kept HTML),
  after unsafe ones (`javascript:`, `data:`...) are dropped; what it returns is checked again.
- Nesting is bounded, so that hostile markup costs time in proportion to its length: HTML
  deeper than html5parse.MAX_DEPTH levels, formatting tags beyond html5parse.MAX_FORMATTING
  open at once, and quotes and lists deeper than the renderer shows (html2md_blocks.
  MAX_NESTING) are flattened: their text is kept, and `convert` counts them for a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from sitegen.wp.html2md.blocks import Block, convert_blocks
from sitegen.wp.html2md.escape import escape_line_start, escape_text
from sitegen.wp.html2md.tree import Context, classes, is_blank, nodes, parse, tag
from sitegen.wp.sanitize import DEFAULT_IFRAME_HOSTS
from sitegen.wp.srcset import KnownImages
from sitegen.wp.text import plain_text

__all__ = ["DEFAULT_IFRAME_HOSTS", "Conversion", "ConvertOptions", "convert", "html_to_markdown"]


@dataclass(frozen=True)
class ConvertOptions:
    rewrite_url: Callable[[str], str] | None = None  # called for every href/src to write
    iframe_hosts: tuple[str, ...] = DEFAULT_IFRAME_HOSTS
    # Sizes WordPress knew (media.json, WXR attachments): dimensions and srcset for an <img>
    # that lacks them.
    known_images: KnownImages = field(default_factory=dict)


@dataclass(frozen=True)
class Conversion:
    markdown: str
    # Elements nested too deep (beyond html5parse.MAX_DEPTH levels, or more formatting
    # elements open at once than html5parse.MAX_FORMATTING) whose tags went, text kept.
    flattened: int = 0
    trackers: tuple[str, ...] = ()  # tracking pixels left out (inline.tracker)


def html_to_markdown(html: str, options: ConvertOptions | None = None) -> str:
    """Markdown for a WordPress HTML fragment; "" for one that shows nothing. Never raises."""
    return convert(html, options).markdown


def convert(html: str, options: ConvertOptions | None = None) -> Conversion:
    """`html_to_markdown`, and what the conversion had to give up (for a warning)."""
    options = options or ConvertOptions()
    try:
        return _convert(html, options)
    except RecursionError:
        # Not expected (the tree's depth is bounded); if it happens, keep the text anyway.
        return Conversion(_flat_text(html), flattened=1)


def _convert(html: str, options: ConvertOptions) -> Conversion:
    ctx = Context(
        options.rewrite_url, tuple(options.iframe_hosts), known_images=options.known_images
    )
    root = parse(html, ctx)
    containers = _find_footnotes(root, ctx)
    blocks = convert_blocks(ctx, nodes(root))
    notes = [_definition(ctx, item) for container in containers for item in _items(container)]
    text = "\n\n".join([b.text for b in blocks] + notes)
    return Conversion(text + "\n" if text else "", ctx.flattened, tuple(ctx.trackers))


def _items(container: Element) -> list[Element]:
    return [li for li in container if tag(li) == "li"]


def _find_footnotes(root: Element, ctx: Context) -> list[Element]:
    """Register footnote lists whose every item is referenced; return them in order."""
    parents = {child: parent for parent in root.iter() for child in parent}
    targets: dict[str, list[Element]] = {}
    for a in root.iter("a"):
        href = a.get("href", "")
        if href.startswith("#") and len(href) > 1:
            targets.setdefault(href[1:], []).append(a)
    found = []
    for ol in root.iter("ol"):
        parent = parents.get(ol)
        if not ({"footnotes", "footnotes-list"} & (classes(ol) | classes(parent or ol))):
            continue
        items = _items(ol)
        ids = [li.get("id", "") for li in items]
        if not items or not all(i and targets.get(i) for i in ids):
            continue
        if any(c not in items and not is_blank(c) for c in ol):
            continue
        for number, (li_id, _) in enumerate(zip(ids, items, strict=True), 1):
            ctx.footnotes[li_id] = _label(li_id, number, ctx)
            for a in targets[li_id]:
                ctx.footnote_refs.update(x for x in (a.get("id"), _sup_id(a, parents)) if x)
        outer = parent if parent is not None and "footnotes" in classes(parent) else ol
        ctx.skip.add(id(outer))
        _skip_separator(outer, parents, ctx)
        found.append(ol)
    return found


def _label(li_id: str, number: int, ctx: Context) -> str:
    match = re.search(r"(\d+)$", li_id)
    label = match.group(1) if match else str(number)
    while label in ctx.footnotes.values():
        label += "-"
    return label


def _sup_id(a: Element, parents: dict[Element, Element]) -> str | None:
    parent = parents.get(a)
    return parent.get("id") if parent is not None and tag(parent) == "sup" else None


def _skip_separator(outer: Element, parents: dict[Element, Element], ctx: Context) -> None:
    """Skip the `<hr>` right before a footnote list: the renderer draws its own."""
    parent = parents.get(outer)
    if parent is None:
        return
    siblings = list(parent)
    index = siblings.index(outer)
    if index > 0 and tag(siblings[index - 1]) == "hr" and is_blank(siblings[index - 1].tail or ""):
        ctx.skip.add(id(siblings[index - 1]))


def _definition(ctx: Context, item: Element) -> str:
    label = ctx.footnotes[item.get("id", "")]
    ctx.nesting += 1  # a footnote definition is a Markdown container too
    try:
        blocks: list[Block] = convert_blocks(ctx, nodes(item))
    finally:
        ctx.nesting -= 1
    lines = "\n\n".join(b.text for b in blocks).split("\n")
    rest = ["    " + line if line else "" for line in lines[1:]]
    return "\n".join([f"[^{label}]: {lines[0]}", *rest])


def _flat_text(html: str) -> str:
    text = plain_text(html)
    return escape_line_start(escape_text(text)) + "\n" if text else ""
