"""Inline HTML -> Markdown: emphasis, links, images, code spans, line breaks, kept inline tags.

Emphasis is emitted as private-use markers first and resolved once the whole paragraph is
known, because whether `*` opens or closes emphasis depends on the characters around it
(CommonMark's flanking rules). Where `*`/`**`/`~~` would not parse back as the same emphasis
(`foo<em>bar</em>`, `<em>"x"</em>y`), the element is written as HTML instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from xml.etree.ElementTree import Element

from sitegen.wp.html2md.emphasis import BREAK, KINDS
from sitegen.wp.html2md.escape import (
    code_span,
    escape_text,
    html_escape,
    link_destination,
    link_title,
)
from sitegen.wp.html2md.tree import (
    BLOCKS,
    DROPPED,
    Context,
    Node,
    classes,
    fold,
    nodes,
    tag,
    text_of,
)
from sitegen.wp.sanitize import (
    ALLOWED_ATTRIBUTES,
    http_host,
    iframe_allowed,
    iframe_link_text,
    is_pixel,
    safe_url,
    tag_set,
)
from sitegen.wp.srcset import clean_sizes, clean_srcset, default_sizes, dimension

_KIND_OF_TAG = {
    "em": "em",
    "i": "em",
    "strong": "strong",
    "b": "strong",
    "del": "del",
    "s": "del",
    "strike": "del",
}
# Inline tags Markdown has no syntax for; they stay as (sanitised) HTML.
KEPT_INLINE = tag_set("sup sub cite mark abbr kbd samp var small u ins q dfn time bdi bdo")
_CODE = frozenset({"code", "tt"})
# Elements that write something of their own; any other inline element is just its content.
_WRITERS = KEPT_INLINE | _CODE | set(_KIND_OF_TAG) | BLOCKS | tag_set("a img br iframe video audio")
_OUTER_SPACE = " " + BREAK


def render_inline(ctx: Context, items: Iterable[Node], active: frozenset[str] = frozenset()) -> str:
    """Markdown (with unresolved emphasis markers and BREAKs) for a run of inline nodes."""
    out: list[str] = []
    text: list[str] = []  # text is escaped as a whole run: `a_b` must not depend on a <span>
    for node in _flatten(ctx, items, active):
        if isinstance(node, str):
            text.append(node)
            continue
        piece = _element(ctx, node, active)
        if piece:
            _push(out, escape_text(fold("".join(text))))
            text.clear()
            _push(out, piece)
    _push(out, escape_text(fold("".join(text))))
    return "".join(out)


def _flatten(ctx: Context, items: Iterable[Node], active: frozenset[str]) -> Iterator[Node]:
    """Text and the elements that write something; wrappers that write nothing are opened."""
    # A stack of iterators, not nested generators: every node would pass through each
    # generator around it, and wrappers nest hundreds deep.
    stack: list[Iterator[Node]] = [iter(items)]
    while stack:
        for node in stack[-1]:
            if isinstance(node, str):
                yield node
                continue
            name = tag(node)
            if name in DROPPED or name.startswith("#"):
                continue
            if _transparent(ctx, node, name, active):
                stack.append(nodes(node))
                break
            yield node
        else:
            stack.pop()


def _transparent(ctx: Context, el: Element, name: str, active: frozenset[str]) -> bool:
    if name == "a":
        href = el.get("href")  # (checked, not rewritten: rewrite_url runs once per URL)
        return href is None or (safe_url(href) is None and href[1:] not in ctx.footnotes)
    if name in _KIND_OF_TAG:
        return _KIND_OF_TAG[name] in active
    return name not in _WRITERS


def _push(out: list[str], piece: str) -> None:
    if piece:
        if out:
            _join(out, piece)
        out.append(piece)


# Pieces that are harmless alone can make syntax together: `!` + `[link]` is an image,
# `<` + `b>` a tag, `&` + `amp;` an entity. Escape the end of the previous piece then.
_JOINS = (("!", re.compile(r"\[")), ("<", re.compile(r"[A-Za-z/!?]")), ("&", re.compile(r"[#\w]")))


_SPACES = re.compile(" {2,}")
_SPACED_BREAK = re.compile(f" *{BREAK} *")


def tidy(text: str) -> str:
    """Fold the spaces that element boundaries leave (`<em>a </em> b`), trim the ends."""
    text = _SPACES.sub(" ", text)
    if BREAK in text:
        text = _SPACED_BREAK.sub(BREAK, text)
    return text.strip(" " + BREAK)


def _join(out: list[str], piece: str) -> None:
    previous = out[-1]
    if previous.endswith("`") and piece.startswith("`"):
        # Two code spans side by side would fuse their backtick fences into one run.
        out.append("<!-- -->")
        return
    for char, starts in _JOINS:
        if previous.endswith(char) and not _escaped(previous) and starts.match(piece):
            out[-1] = previous[:-1] + "\\" + char
            return


def _escaped(text: str) -> bool:
    """True when the last character of `text` is backslash-escaped (odd backslashes before)."""
    body = text[:-1]
    return (len(body) - len(body.rstrip("\\"))) % 2 == 1


def _element(ctx: Context, el: Element, active: frozenset[str]) -> str:
    name = tag(el)
    if name == "iframe":
        return iframe_link(ctx, el)
    if name in DROPPED or name.startswith("#") or name in {"video", "audio"}:
        return ""
    if name == "br":
        return BREAK
    if name in _KIND_OF_TAG:
        return _emphasis(ctx, el, _KIND_OF_TAG[name], active)
    if name in _CODE:
        code = fold(text_of(el))
        core = code.strip(" ")  # edge spaces go outside, where they survive rendering
        return code.replace(core, code_span(core), 1) if core else code
    if name == "a":
        return _link(ctx, el, active)
    if name == "img":
        return image(ctx, el)
    inner = render_inline(ctx, nodes(el), active)
    if name == "sup" and inner.startswith("[^") and _only_footnote_ref(ctx, el):
        return inner
    if name in KEPT_INLINE and inner.strip(_OUTER_SPACE):
        return f"{open_tag(name, el, ctx)}{inner}</{name}>"
    if name in BLOCKS:
        return f" {inner} "  # a block inside an inline context: keep words apart
    return inner


def _only_footnote_ref(ctx: Context, el: Element) -> bool:
    content = [n for n in nodes(el) if not (isinstance(n, str) and not n.strip())]
    return (
        len(content) == 1
        and not isinstance(content[0], str)
        and tag(content[0]) == "a"
        and content[0].get("href", "")[1:] in ctx.footnotes
    )


def _emphasis(ctx: Context, el: Element, kind: str, active: frozenset[str]) -> str:
    inner = render_inline(ctx, nodes(el), active | {kind})
    if kind in active:  # <em><i>x</i></em> is still just emphasis
        return inner
    core = inner.strip(_OUTER_SPACE)
    if not core:
        return inner
    start = len(inner) - len(inner.lstrip(_OUTER_SPACE))
    end = start + len(core)
    opener, closer = KINDS[kind][0], KINDS[kind][1]
    return f"{inner[:start]}{opener}{core}{closer}{inner[end:]}"


def _link(ctx: Context, el: Element, active: frozenset[str]) -> str:
    href = el.get("href")
    if href is not None and href.startswith("#"):
        if href[1:] in ctx.footnotes:
            return f"[^{ctx.footnotes[href[1:]]}]"
        if href[1:] in ctx.footnote_refs:
            return ""  # a footnote's back-link: the renderer makes its own
    inner = render_inline(ctx, nodes(el), active)
    url = ctx.url(href)
    if url is None:
        return inner
    return f"[{inner}]({link_destination(url)}{link_title(el.get('title', ''))})"


def iframe_link(ctx: Context, el: Element) -> str:
    """A link to what an iframe from a host outside the allow-list showed, as the sanitiser
    writes it; "" for a post embed's iframe (its <blockquote> already links to the post)."""
    src = ctx.url(el.get("src"))
    if src is None or not http_host(src) or "wp-embedded-content" in classes(el):
        return ""
    if iframe_allowed(src, ctx.iframe_hosts):
        return ""  # an embed inside inline markup: nowhere to put it
    text = escape_text(iframe_link_text(src, el.get("title", "")))
    return f"[{text}]({link_destination(src)})"


def image(ctx: Context, el: Element) -> str:
    url = ctx.url(el.get("src"))
    if url is None or not url or tracker(ctx, el, url):
        return ""
    ctx.images += 1
    attrs = responsive(ctx, el, url)
    if attrs:  # Markdown cannot say srcset or size: the image stays HTML, attributes checked
        return f"<img{attrs}>"
    alt = escape_text(fold(el.get("alt", "")).strip())
    return f"![{alt}]({link_destination(url)}{link_title(el.get('title', ''))})"


def tracker(ctx: Context, el: Element, url: str) -> bool:
    """True (and noted) for a tracking pixel, left out as the sanitiser does (is_pixel)."""
    if not is_pixel(el.get("width"), el.get("height")):
        return False
    ctx.trackers.append(url)
    return True


def responsive(ctx: Context, el: Element, url: str) -> str:
    """The attributes of an <img> that keeps what WordPress knew of it (srcset, sizes, width,
    height; lazy loading but for a post's first image), or "" when nothing is known."""
    known = ctx.known_images.get((el.get("src") or "").strip())
    width, height = dimension(el.get("width")), dimension(el.get("height"))
    if (width is None or height is None) and known is not None:
        width, height = known.width, known.height
    srcset = clean_srcset(el.get("srcset") or (known.srcset if known else ""), ctx.url, url)
    if not srcset and (width is None or height is None):
        return ""
    sizes = (ctx.sizes or clean_sizes(el.get("sizes"))) if srcset else ""
    if srcset and not sizes and width is not None:
        sizes = default_sizes(width)
    pairs = [("src", url), ("alt", fold(el.get("alt", "")).strip())]
    title = fold(el.get("title", "")).strip()
    pairs += [("title", title)] if title else []
    if width is not None and height is not None:
        pairs += [("width", str(width)), ("height", str(height))]
    pairs += [("srcset", srcset), ("sizes", sizes)] if srcset and sizes else []
    pairs += [("loading", "lazy")] if ctx.images > 1 else []
    return "".join(f' {k}="{html_escape(v, quote=True)}"' for k, v in pairs)


def open_tag(name: str, el: Element, ctx: Context) -> str:
    """`<name ...>` with only the attributes the sanitising policy allows."""
    if name == "img":
        url = ctx.url(el.get("src"))
        if url and tracker(ctx, el, url):
            return ""
        if url:
            ctx.images += 1
            kept = responsive(ctx, el, url)
            if kept:
                return f"<img{kept}>"
    attrs = []
    for attr in sorted(ALLOWED_ATTRIBUTES.get(name, ())):
        value = el.get(attr)
        if value is None:
            continue
        if attr in {"src", "href", "cite", "poster"}:
            value = ctx.url(value)
            if value is None:
                continue
        attrs.append(f' {attr}="{html_escape(value, quote=True)}"' if value else f" {attr}")
    return f"<{name}{''.join(attrs)}>"
