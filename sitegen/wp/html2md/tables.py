"""Tables (GFM when simple, HTML when not) and the HTML kept where Markdown has no syntax.

A GFM table can say: one header row, cells of inline content, column alignment. Anything more
(merged cells, block content in cells, no header row, a caption) is written as HTML, built
from an allow-list and then passed through the sanitiser, so it is clean by construction and
by policy. Kept HTML never holds a blank line: in CommonMark a blank line ends an HTML block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from sitegen.wp.html2md.emphasis import BREAK, resolve
from sitegen.wp.html2md.escape import html_escape
from sitegen.wp.html2md.inline import open_tag, render_inline, tidy
from sitegen.wp.html2md.tree import DROPPED, Context, Node, fold, has_block, nodes, tag
from sitegen.wp.sanitize import ALLOWED_TAGS, iframe_allowed, safe_url, sanitize_html, tag_set

_SECTIONS = frozenset({"thead", "tbody", "tfoot"})
_STRUCTURAL = tag_set("table thead tbody tfoot tr colgroup dl ul ol video audio")
_ALIGN = re.compile(r"text-align\s*:\s*(left|center|right)", re.I)
# After these closing tags a newline keeps kept HTML readable in the content file.
# (only where the parent ignores whitespace, so converting the page again gives the same HTML).
_NEWLINE_AFTER = tag_set("tr thead tbody tfoot caption colgroup dt dd li source track")


def table(ctx: Context, el: Element) -> str:
    rows = _rows(el)
    if _is_simple(el, rows):
        return _gfm(ctx, rows)
    return html_block(ctx, el)


def _rows(el: Element) -> list[tuple[list[Element], bool]]:
    """(cells, in <thead>) for every row, in order."""
    rows: list[tuple[list[Element], bool]] = []
    for child in el:
        name = tag(child)
        if name in _SECTIONS:
            rows.extend(
                ([c for c in tr if tag(c) in {"td", "th"}], name == "thead")
                for tr in child
                if tag(tr) == "tr"
            )
        elif name == "tr":
            rows.append(([c for c in child if tag(c) in {"td", "th"}], False))
    return rows


def _is_simple(el: Element, rows: list[tuple[list[Element], bool]]) -> bool:
    if not rows or any(tag(c) in {"caption", "colgroup"} for c in el):
        return False
    head, in_thead = rows[0]
    if not head or not (in_thead or all(tag(c) == "th" for c in head)):
        return False
    if any(in_head for _, in_head in rows[1:]):
        return False
    for cells, _ in rows:
        for cell in cells:
            if cell.get("colspan", "1").strip() != "1" or cell.get("rowspan", "1").strip() != "1":
                return False
            if has_block(cell) or _pipe_in_code(cell):
                return False
    return True


def _pipe_in_code(cell: Element) -> bool:
    # A `|` inside a code span would split the GFM cell; HTML says it plainly.
    return any(
        tag(e) in {"code", "tt", "kbd", "samp"} and "|" in "".join(e.itertext())
        for e in cell.iter()
    )


def _gfm(ctx: Context, rows: list[tuple[list[Element], bool]]) -> str:
    width = max(len(cells) for cells, _ in rows)
    lines = []
    for i, (cells, _) in enumerate(rows):
        texts = [_cell(ctx, c) for c in cells] + [""] * (width - len(cells))
        lines.append("| " + " | ".join(texts) + " |")
        if i == 0:
            aligns = [_alignment(c) for c in cells] + [""] * (width - len(cells))
            lines.append("| " + " | ".join(_delimiter(a) for a in aligns) + " |")
    return "\n".join(lines)


def _cell(ctx: Context, cell: Element) -> str:
    text = render_inline(ctx, nodes(cell))
    text = tidy(text)
    return resolve(text).replace(BREAK, "<br>")


def _alignment(cell: Element) -> str:
    align = cell.get("align", "").lower()
    match = _ALIGN.search(cell.get("style", ""))
    return match.group(1).lower() if match else align


def _delimiter(align: str) -> str:
    return {"left": ":---", "center": ":---:", "right": "---:"}.get(align, "---")


def html_block(ctx: Context, el: Element) -> str:
    """`el` as sanitised HTML with no blank line, for a CommonMark HTML block."""
    html = sanitize_html(serialize(ctx, el), ctx.iframe_hosts).strip()
    return re.sub(r"\n[ \t]*(?=\n)", "", html)


def serialize(ctx: Context, el: Element, *, in_pre: bool = False) -> str:
    """HTML for `el`, keeping allowed tags and attributes only (URLs checked and rewritten)."""
    name = tag(el)
    in_pre = in_pre or name == "pre"
    parts: list[str] = []
    text: list[str] = []  # text runs merge across what is dropped, as a browser would see it
    for node in _stream(ctx, el):
        if isinstance(node, str):
            text.append(node)
            continue
        parts.append(_text(text, name, in_pre))
        parts.append(serialize(ctx, node, in_pre=in_pre))
    parts.append(_text(text, name, in_pre))
    content = "".join(parts)
    if name not in ALLOWED_TAGS:
        return content
    newline = "\n" if name in _NEWLINE_AFTER else ""
    if name in {"br", "img", "source", "track"}:
        return open_tag(name, el, ctx) + newline
    return f"{open_tag(name, el, ctx)}{content}</{name}>{newline}"


def _stream(ctx: Context, el: Element) -> Iterator[Node]:
    """Text and allowed elements inside `el`; other elements give their content. An iframe the
    sanitiser would drop is dropped here, so the text around it merges as it will on the page
    (else converting the result again would fold that text differently)."""
    for node in nodes(el):
        name = tag(node)
        if name == "iframe" and isinstance(node, Element):
            if iframe_allowed(safe_url(node.get("src") or "") or "", ctx.iframe_hosts):
                yield node
        elif isinstance(node, str) or name in ALLOWED_TAGS:
            yield node
        elif name not in DROPPED and not name.startswith("#") and isinstance(node, Element):
            yield from _stream(ctx, node)


def _text(run: list[str], parent: str, in_pre: bool) -> str:
    raw = "".join(run)
    run.clear()
    if parent in _STRUCTURAL:
        # Whitespace between rows or items is layout (we add our own newlines); stray text
        # there is kept, without the layout whitespace around it.
        raw = raw.strip(" \t\n\r\f")
    return html_escape(raw if in_pre else fold(raw)).replace("\n", "<br>")
