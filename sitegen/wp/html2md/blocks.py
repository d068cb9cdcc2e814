"""Block HTML -> Markdown: paragraphs, headings, lists, quotes, code, rules, figures, embeds.

`convert_blocks` walks a container's children: runs of inline content become paragraphs, block
elements become their Markdown block, wrappers (`div`, `section`, `wp-block-*` containers)
vanish and leave their content. Each block is a `Block(kind, text)` so that lists can decide
tight or loose and adjacent lists can be kept apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from sitegen.wp.html2md.emphasis import BREAK, resolve
from sitegen.wp.html2md.escape import (
    escape_line_start,
    html_escape,
    link_destination,
)
from sitegen.wp.html2md.inline import render_inline, tidy
from sitegen.wp.html2md.tables import html_block, table
from sitegen.wp.html2md.tree import (
    BLOCKS,
    DROPPED,
    Context,
    Node,
    classes,
    has_block,
    is_blank,
    nodes,
    tag,
)
from sitegen.wp.sanitize import iframe_allowed, safe_url, tag_set


@dataclass(frozen=True)
class Block:
    kind: str  # para, heading, list, quote, code, rule, html, table
    text: str
    start: int = 1  # ordered lists: the first number
    attrs: str = ""  # list: the marker (- * . )); dir: the wrapper's attributes


_HTML_KEPT = frozenset({"dl", "details", "video", "audio"})
# The renderer (sitegen.markdown: markdown-it's CommonMark preset, maxNesting 20) drops what
# is nested 20 levels deep; a quote is one level, a list item two (list and item). Deeper
# quotes and lists are written as their content: shown, if not indented as deep.
MAX_NESTING = 19
# Elements `block` writes as something of their own.
_SPECIAL = tag_set("h1 h2 h3 h4 h5 h6 ul ol blockquote pre hr table figure iframe")
_DEFINITION = re.compile(r"\[(?:[^\[\]\\]|\\.)*\]:", re.S)
_LANG = re.compile(r"(?:^|\s)(?:language-|lang-|brush:\s*)([\w+#.-]+)", re.I)


def convert_blocks(
    ctx: Context, items: Iterable[Node], into: list[Block] | None = None
) -> list[Block]:
    """The blocks of a container's children; with `into`, appended to those blocks (as the
    container's parent would append them: a wrapper's blocks are the parent's blocks)."""
    blocks: list[Block] = [] if into is None else into
    add = blocks.append if into is None else lambda new: _append(blocks, [new])
    run: list[Node] = []
    for node in items:
        name = tag(node)
        if name == "#comment" and isinstance(node, Element) and _is_nextpage(node):
            _flush(ctx, run, add)
            add(Block("rule", "---"))
        elif isinstance(node, str) or not _is_block(ctx, node, name):
            run.append(node)
        else:
            _flush(ctx, run, add)
            if id(node) in ctx.skip:
                continue
            if _is_wrapper(node, name):
                # Straight into this list, not through a list of its own that every level
                # would copy again: wrappers nest hundreds deep around thousands of blocks.
                convert_blocks(ctx, nodes(node), blocks)
            else:
                _append(blocks, block(ctx, node))
    _flush(ctx, run, add)
    return blocks


def _is_wrapper(el: Element, name: str) -> bool:
    """True for an element that leaves only its content (see `block`)."""
    if name in _SPECIAL or name in _HTML_KEPT or name == "a":
        return False
    if name in {"dl", "div"} and classes(el) & {"gallery-item", "wp-caption"}:
        return False
    if is_gallery(el, name):
        return False
    return el.get("dir", "").lower() != "rtl"


def _is_nextpage(comment: Element) -> bool:
    # <!--nextpage--> splits a post into pages; the mirror shows one page and keeps a rule
    # where the split was. <!--more--> (the excerpt cut) and block comments just go.
    return (comment.text or "").strip().lower() == "nextpage"


def _is_block(ctx: Context, node: Element, name: str) -> bool:
    if name == "iframe":
        # Only an embed that stays is a block; any other iframe is a link in the text flow.
        return iframe_allowed(safe_url(node.get("src") or "") or "", ctx.iframe_hosts)
    return name in BLOCKS or (name not in DROPPED and has_block(node))


def _append(blocks: list[Block], new: Iterable[Block]) -> None:
    for block in new:
        if not block.text.strip():
            continue
        previous = blocks[-1] if blocks else None
        if previous and previous.kind == block.kind and previous.attrs == block.attrs:
            if block.kind == "list":
                block = _alternate(block)
            elif block.kind == "dir":
                block = _merge_direction(blocks.pop(), block)
        blocks.append(block)


def _flush(ctx: Context, run: list[Node], add: Callable[[Block], None]) -> None:
    if run:
        text = paragraph(ctx, run)
        if text:
            add(Block("para", text))
        run.clear()


def paragraph(ctx: Context, run: list[Node]) -> str:
    """A paragraph's Markdown; "" when the run shows nothing."""
    if all(is_blank(n) for n in run):
        return ""
    text = tidy(render_inline(ctx, run))
    if not text.replace("&nbsp;", "").strip(" " + BREAK):
        return ""  # WordPress spacer paragraphs (<p>&nbsp;</p>)
    if ctx.link:
        text = f"[{text}]({link_destination(ctx.link)})"
    lines = resolve(text).split(BREAK)
    text = "\\\n".join(escape_line_start(line.strip(" ")) for line in lines)
    if _DEFINITION.match(text):
        # `[`]:`](url)` or `[^1]: ...` at the start would be read as a link or footnote
        # definition; an empty inline element in front keeps it a paragraph.
        text = "<span></span>" + text
    return text


def block(ctx: Context, el: Element) -> list[Block]:
    name = tag(el)
    if name in {"h1", "h2", "h3", "h4", "h5", "h6"}:
        return [_heading(ctx, el, int(name[1]))]
    if name in {"ul", "ol"}:
        return _list(ctx, el)
    if name == "blockquote":
        return _quote(ctx, el)
    if name == "pre":
        return [_code(ctx, el)]
    if name == "hr":
        return [Block("rule", "---")]
    if name == "table":
        text = table(ctx, el)
        return [Block("table" if text.startswith("|") else "html", text)]
    if is_gallery(el, name):
        return _gallery(ctx, el)
    if name == "figure":
        return _figure(ctx, el)
    if name == "iframe":
        return _iframe(ctx, el)
    if name in {"dl", "div"} and classes(el) & {"gallery-item", "wp-caption"}:
        return _figure(ctx, el)  # galleries and [caption] of themes without HTML5 markup
    if name in _HTML_KEPT:
        return [Block("html", _kept_html(ctx, el))]
    if name == "a":
        return _block_link(ctx, el)
    inner = convert_blocks(ctx, nodes(el))
    return _direction(el, inner) if el.get("dir", "").lower() == "rtl" else inner


def _direction(el: Element, inner: list[Block]) -> list[Block]:
    """Keep `dir="rtl"` (and `lang`) on a <div> around Markdown blocks: RTL text needs it."""
    attrs = "".join(
        f' {a}="{html_escape(el.get(a, "").strip(), quote=True)}"'
        for a in ("dir", "lang")
        if re.fullmatch(r"[A-Za-z0-9-]{1,20}", el.get(a, "").strip())
    )
    if not attrs or not inner:
        return inner
    body = "\n\n".join(b.text for b in inner)
    return [Block("dir", f"<div{attrs}>\n\n{body}\n\n</div>", attrs=attrs)]


def _merge_direction(previous: Block, block: Block) -> Block:
    """Consecutive blocks in the same direction and language share one wrapper."""
    head, body = previous.text.rsplit("\n\n", 1)[0], block.text.split("\n\n", 1)[1]
    return Block("dir", f"{head}\n\n{body}", attrs=block.attrs)


def _block_link(ctx: Context, el: Element) -> list[Block]:
    """`<a href>` around blocks (valid HTML5): Markdown links are inline, so each paragraph
    inside gets the link."""
    url = ctx.url(el.get("href")) if not ctx.link else None
    outer, ctx.link = ctx.link, url or ctx.link
    try:
        return convert_blocks(ctx, nodes(el))
    finally:
        ctx.link = outer


def _heading(ctx: Context, el: Element, level: int) -> Block:
    text = resolve(tidy(render_inline(ctx, nodes(el)).replace(BREAK, " ")))
    if text.endswith("#"):
        text = text[:-1] + "\\#"
    return Block("heading", f"{'#' * level} {text}" if text else "")


def _alternate(block: Block) -> Block:
    """The same list with the other marker (`-`/`*`, `1.`/`1)`), for a list right after a list:
    CommonMark would merge two lists with the same marker into one."""
    swap = {"-": "*", "*": "-", ".": ")", ")": "."}
    marker = block.attrs
    lines = [
        (line.replace(marker, swap[marker], 1) if line[:1] not in {"", " "} else line)
        for line in block.text.split("\n")
    ]
    return Block("list", "\n".join(lines), block.start, swap[marker])


def _list(ctx: Context, el: Element) -> list[Block]:
    items = [child for child in el if tag(child) == "li" or not is_blank(child)]
    contents = []
    flat = ctx.nesting + 2 > MAX_NESTING  # a list and its item: two levels
    ctx.nesting += 0 if flat else 2
    try:
        for item in items:
            blocks = convert_blocks(ctx, nodes(item) if isinstance(item, Element) else [item])
            if blocks:
                contents.append((item, blocks))
    finally:
        ctx.nesting -= 0 if flat else 2
    if flat:
        ctx.flattened += 1
        return [b for _, blocks in contents for b in blocks]
    loose = any(not _tight_item(item, blocks) for item, blocks in contents)
    name = tag(el)
    start = _start(el) if name == "ol" else 1
    delim = "." if name == "ol" else "-"
    out = []
    for number, (_, blocks) in enumerate(contents, start):
        marker = f"{number}{delim}" if name == "ol" else delim
        body = ("\n\n" if loose else "\n").join(b.text for b in blocks)
        out.append(_indent_item(marker, body))
    return [Block("list", ("\n\n" if loose else "\n").join(out), start, delim)]


def _tight_item(item: Node, blocks: list[Block]) -> bool:
    # A tight item is one line of text, optionally followed by sublists that can interrupt
    # that text (an ordered list must start at 1 to interrupt a paragraph).
    if isinstance(item, Element) and any(tag(c) == "p" for c in item):
        return False
    rest = blocks[1:] if blocks[0].kind == "para" else blocks
    if any(b.kind != "list" for b in rest):
        return False
    return not (blocks[0].kind == "para" and len(blocks) > 1 and blocks[1].start != 1)


def _start(el: Element) -> int:
    try:
        start = int(el.get("start", "1").strip())
    except ValueError:
        return 1
    return start if 0 <= start <= 999_999_999 else 1


def _indent_item(marker: str, body: str) -> str:
    pad = " " * (len(marker) + 1)
    lines = body.split("\n")
    if lines[0] == "---":
        lines[0] = "___"  # `- ---` would read as one rule, not an item holding a rule
    rest = [pad + line if line else "" for line in lines[1:]]
    return "\n".join([f"{marker} {lines[0]}", *rest])


def _quote(ctx: Context, el: Element) -> list[Block]:
    if ctx.nesting + 1 > MAX_NESTING:
        ctx.flattened += 1
        return convert_blocks(ctx, nodes(el))
    ctx.nesting += 1
    try:
        inner = "\n\n".join(b.text for b in convert_blocks(ctx, nodes(el)))
    finally:
        ctx.nesting -= 1
    if not inner:
        return [Block("quote", "")]  # an empty quote is an empty wrapper
    lines = inner.split("\n")
    return [Block("quote", "\n".join(f"> {line}" if line else ">" for line in lines))]


def _code(ctx: Context, el: Element) -> Block:
    if any(safe_url(a.get("href") or "javascript:") is not None for a in el.iter("a")):
        return Block("html", html_block(ctx, el))  # links in code: keep them as HTML
    text = _pre_text(el)
    if text.endswith("\n"):
        text = text[:-1]
    if not text.strip():
        return Block("code", "")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return Block("code", f"{fence}{_language(el)}\n{text}\n{fence}")


def _pre_text(el: Element) -> str:
    name = tag(el)
    if name in DROPPED or name.startswith("#"):
        return ""  # scripts and comments show nothing, in code too
    parts = [el.text or ""]
    for child in el:
        parts.append("\n" if tag(child) == "br" else _pre_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _language(el: Element) -> str:
    for candidate in [el, *el.iter("code")]:
        match = _LANG.search(candidate.get("class", ""))
        if match:
            return match.group(1).lower()
    return ""


def _figure(ctx: Context, el: Element) -> list[Block]:
    captions = [c for c in el if tag(c) == "figcaption" or "wp-caption-text" in classes(c)]
    caption = [b for c in captions for b in convert_blocks(ctx, nodes(c))]
    body = convert_blocks(ctx, (n for n in nodes(el) if not any(n is c for c in captions)))
    if not caption:
        return body
    # CommonMark reads Markdown between HTML block lines separated by blank lines, so the
    # image (or table, or embed) and the caption stay Markdown inside the kept <figure>.
    parts = ["<figure>", *(b.text for b in body), "<figcaption>", *(b.text for b in caption)]
    return [Block("html", "\n\n".join(parts) + "\n\n</figcaption>\n</figure>")]


# [gallery] (classic and HTML5 markup), the gallery block (nested images, and the older
# ul.blocks-gallery-grid) and Jetpack's tiled galleries: containers, items, captions.
_GALLERIES = frozenset({"gallery", "wp-block-gallery", "tiled-gallery"})
_ITEMS = frozenset({"gallery-item", "blocks-gallery-item", "wp-block-image", "tiled-gallery-item"})
_CAPTIONS = frozenset(
    {"wp-caption-text", "gallery-caption", "blocks-gallery-item__caption", "tiled-gallery-caption"}
)


# A gallery's images show side by side, two to a row on a phone (the default theme's grid):
# WordPress's `sizes` says the thumbnail's full width, which makes a phone fetch a far larger
# file than the slot shows.
GALLERY_SIZES = "(max-width: 42rem) 50vw, 14rem"


def is_gallery(el: Element, name: str) -> bool:
    return name in {"div", "figure", "ul"} and bool(classes(el) & _GALLERIES)


def _gallery(ctx: Context, el: Element) -> list[Block]:
    """A gallery of figures, each image with its own caption (the theme lays them out as a
    grid); the gallery's own caption (a block gallery's) follows it."""
    items: list[Element] = []
    for item in el.iter():
        if item is not el and classes(item) & _ITEMS and not any(item in i.iter() for i in items):
            items.append(item)
    if not items:  # a gallery as this converter writes it: figures in a div.gallery
        items = [child for child in el if tag(child) == "figure"]
    if not items:
        return _figure(ctx, el) if tag(el) == "figure" else convert_blocks(ctx, nodes(el))
    ctx.sizes = GALLERY_SIZES
    try:
        figures = [_gallery_item(ctx, item) for item in items]
    finally:
        ctx.sizes = ""
    # The gallery's own caption (a block gallery's figcaption) follows it; the rest of the
    # container is layout (rows, groups, a <ul>) around the items.
    rest = [
        b
        for child in el
        if tag(child) == "figcaption" or "blocks-gallery-caption" in classes(child)
        for b in convert_blocks(ctx, nodes(child))
    ]
    html = '<div class="gallery">\n\n' + "\n\n".join(figures) + "\n\n</div>"
    return [Block("html", html), *rest]


def _gallery_item(ctx: Context, item: Element) -> str:
    inner = [n for n in nodes(item) if not is_blank(n)]
    if len(inner) == 1 and tag(inner[0]) == "figure" and isinstance(inner[0], Element):
        item = inner[0]  # <li class="blocks-gallery-item"><figure>…</figure></li>
    captions = [c for c in item.iter() if tag(c) == "figcaption" or classes(c) & _CAPTIONS]
    captions = [c for c in captions if not any(c is not o and c in o.iter() for o in captions)]
    caption = [b.text for c in captions for b in convert_blocks(ctx, nodes(c))]
    ctx.skip.update(id(c) for c in captions)
    body = [b.text for b in convert_blocks(ctx, nodes(item))]
    ctx.skip.difference_update(id(c) for c in captions)
    if not caption:
        return "\n\n".join(["<figure>", *body, "</figure>"])
    parts = ["<figure>", *body, "<figcaption>", *caption]
    return "\n\n".join(parts) + "\n\n</figcaption>\n</figure>"


def _iframe(ctx: Context, el: Element) -> list[Block]:
    src = ctx.url(el.get("src"))
    if src is None or not iframe_allowed(src, ctx.iframe_hosts):
        return []
    attrs = [f'src="{html_escape(src, quote=True)}"']
    for attr in ("width", "height", "title", "allow"):
        value = el.get(attr)
        if value:
            attrs.append(f'{attr}="{html_escape(" ".join(value.split()), quote=True)}"')
    if el.get("allowfullscreen") is not None:
        attrs.append("allowfullscreen")
    return [Block("html", f"<iframe {' '.join(attrs)}></iframe>")]


def _kept_html(ctx: Context, el: Element) -> str:
    html = html_block(ctx, el)
    if tag(el) in {"video", "audio"}:
        # The opening tag alone on the first line makes this an HTML block (CommonMark's
        # type 7), so the fallback text inside is not read as Markdown.
        html = re.sub(r"^(<[^>]*>)\s*", r"\1\n", html)
    return html
