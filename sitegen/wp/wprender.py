"""WordPress's `the_content` for a post read from an export (WXR): blocks, embeds, shortcodes.

The export holds `post_content` as the editor saved it; the REST API's `content.rendered` is
that text through the `the_content` filters of WordPress 6.1, in this order:

    8  [embed] shortcodes, then autoembed (a URL alone on its line: the oEmbed HTML, here from
       the `_oembed_<md5>` cache WordPress keeps in the post's meta, which the export carries)
    9  do_blocks (block comments removed; wpautop is then skipped for this post)
    10 wptexturize, wpautop, shortcode_unautop (sitegen.wp.wpformat)
    11 capital_P_dangit, do_shortcode ([caption], [gallery], [audio], [video], [playlist])
    20 convert_smilies

What is not reproduced here: the `srcset`, `sizes` and `loading` attributes
`wp_filter_content_tags` adds to images (the converter gives each image back its attachment's
sizes, srcset.py), `decoding`, the `<style>` a gallery gets on themes without HTML5 support,
and the `?_=1` cache-busting query of media players.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sitegen.wp import wpformat
from sitegen.wp.wpformat import SHORTCODES


@dataclass(frozen=True)
class Attachment:
    """What a post's shortcodes need of one attachment (an `<item>` of type attachment)."""

    id: int
    url: str
    link: str = ""  # the attachment's own page
    parent: int = 0
    mime: str = ""
    alt: str = ""
    caption: str = ""  # post_excerpt, as saved
    menu_order: int = 0
    width: int = 0
    height: int = 0
    sizes: tuple[tuple[str, str, int, int], ...] = ()  # (name, file, width, height)

    def size(self, name: str) -> tuple[str, int, int]:
        """The URL, width and height of one size (`full` and unknown sizes: the original)."""
        for size, file, width, height in self.sizes:
            if size == name and file:
                return self.url.rsplit("/", 1)[0] + "/" + file, width, height
        return self.url, self.width, self.height


@dataclass
class RenderContext:
    post_id: int
    attachment: Callable[[int], Attachment | None]
    children: Callable[[int], list[int]]  # attachment ids whose parent is this post
    oembed: dict[str, str] = field(default_factory=dict)  # `_oembed_<md5>` key -> HTML
    unknown_shortcodes: Counter[str] = field(default_factory=Counter)
    missing_embeds: int = 0
    gallery_instance: int = 0


_BLOCK = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{(?:(?:[^}]+|\}+(?=\})|(?!\}\s+/?-->).)*+)?\}\s+)?(?P<void>/)?-->",
    re.S,
)


def has_blocks(content: str) -> bool:
    return "<!-- wp:" in content


def do_blocks(content: str) -> str:
    """Static blocks render as their saved HTML: only the block comments go."""
    return _BLOCK.sub("", content)


def the_content(raw: str, ctx: RenderContext) -> str:
    """`content.rendered` of a post whose `post_content` is `raw`."""
    text = _run_embed_shortcodes(wpformat.bounded(raw), ctx)
    text = autoembed(text, ctx)
    blocks = has_blocks(text)
    if blocks:
        text = do_blocks(text)
    text = wpformat.wptexturize(text)
    if not blocks:
        text = wpformat.wpautop(text)
    text = wpformat.shortcode_unautop(text)
    text = wpformat.capital_p_dangit(text)
    text = do_shortcode(text, ctx)
    return wpformat.convert_smilies(text)


def auto_excerpt(raw: str, ctx: RenderContext, rendered: str = "") -> str:
    """wp_trim_excerpt for a post without a manual excerpt: the first 55 words of the teaser
    (what comes before `<!--more-->` on the first page), shortcodes and embeds left out.
    `rendered`: the_content(raw), reused when the teaser is the whole post as it is."""
    page = raw.split("<!--nextpage-->", 1)[0]
    more = _more(page)
    if more != -1:
        page = page[:more]
    text = _excerpt_remove_blocks(strip_shortcodes(page))
    if text != raw or not rendered:
        rendered = the_content(text, ctx)
    return wpformat.the_excerpt(wpformat.trim_words(rendered.replace("]]>", "]]&gt;")))


def _more(text: str) -> int:
    """Where `<!--more(.*?)?-->` matches (`.` stops at a line's end), or -1; without the
    regex's scan to the end from every `<!--more` that has no `-->`."""
    start = text.find("<!--more")
    end = newline = -1
    while start != -1:
        if end < start:
            end = text.find("-->", start + 8)
        if end == -1:
            return -1
        if newline < start:
            newline = text.find("\n", start)
            newline = len(text) if newline == -1 else newline
        if newline > end:
            return start
        start = text.find("<!--more", newline)
    return -1


# Blocks whose HTML an auto-excerpt keeps (excerpt_remove_blocks); the others are dropped.
_EXCERPT_BLOCKS = frozenset(
    {"freeform", "heading", "html", "list", "media-text", "paragraph", "preformatted"}
    | {"pullquote", "quote", "table", "verse", "columns", "column", "group"}
)


def _excerpt_remove_blocks(content: str) -> str:
    """excerpt_remove_blocks: top-level blocks of other kinds (embeds, images, galleries) go."""
    if not has_blocks(content):
        return content
    out: list[str] = []
    depth, pos, skipping = 0, 0, False
    for m in _BLOCK.finditer(content):
        if not skipping:
            out.append(content[pos : m.start()])
        pos = m.end()
        name = (m.group("namespace") or "core/") + m.group("name")
        allowed = name.startswith("core/") and name[5:] in _EXCERPT_BLOCKS
        if m.group("void"):
            if not skipping and (depth or allowed):
                out.append(m.group(0))
        elif m.group("closer"):
            depth -= 1
            if skipping and depth == 0:
                skipping = False
            elif not skipping:
                out.append(m.group(0))
        else:
            if depth == 0 and not allowed:
                skipping = True
            elif not skipping:
                out.append(m.group(0))
            depth += 1
    if not skipping:
        out.append(content[pos:])
    return "".join(out)


# ---- shortcodes


@functools.cache
def shortcode_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    """get_shortcode_regex() for `names` (the last: "enclosed" or "", wpformat.shortcode_passes):
    groups 1 `[` (escaped), 2 name, 3 attributes, 4 `/` (self-closing), 5 content, 6 `]`."""
    *tags, enclosed = names
    alternation = "|".join(re.escape(n) for n in tags)
    return re.compile(
        r"\[(\[?)(" + alternation + r")(?![\w-])([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:" + (wpformat.ENCLOSED if enclosed else r"(?!)()") + r")?)(\]?)"
    )


def _sub_shortcodes(content: str, names: list[str], replace: Callable[[re.Match[str]], str]) -> str:
    for group in wpformat.shortcode_passes(content, names):
        content = shortcode_regex(group).sub(replace, content)
    return content


_NAMES_IN = re.compile(r"\[([^<>&/\[\]\x00-\x20=]++)")
_ATTS = re.compile(
    r"([\w-]+)\s*=\s*\"([^\"]*)\"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|"
    r"([\w-]+)\s*=\s*([^\s'\"]+)(?:\s|$)|\"([^\"]*)\"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"
)
# What looks like a shortcode of a plugin: `[name attr=...]`, `[name/]` or `[name]...[/name]`.
_LOOKS_LIKE = re.compile(r"\[([A-Za-z][\w-]*)(?:\s[^\[\]=]*=[^\[\]]*\]|\s*/\]|\][^\[]*\[/\1\])")


def parse_atts(text: str) -> dict[str, str]:
    """shortcode_parse_atts, keeping the named attributes (positional ones get their index)."""
    atts: dict[str, str] = {}
    text = re.sub("[\xa0\u200b]+", " ", text)
    for n, m in enumerate(_ATTS.finditer(text)):
        for name_group in (1, 3, 5):
            if m.group(name_group):
                atts[m.group(name_group).lower()] = _stripcslashes(m.group(name_group + 1))
                break
        else:
            positional = m.group(7) if m.group(7) else m.group(8) if m.group(8) else m.group(9)
            atts[str(n)] = _stripcslashes(positional or "")
    for key, value in atts.items():
        if "<" in value and not re.fullmatch(r"[^<]*+(?:<[^>]*+>[^<]*+)*+", value):
            atts[key] = ""
    return atts


def _stripcslashes(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value) if "\\" in value else value


def do_shortcode(content: str, ctx: RenderContext) -> str:
    if "[" not in content:
        return content
    present = set(_NAMES_IN.findall(content))
    _count_unknown(content, ctx)
    names = [n for n in SHORTCODES if n in present and n != "embed"]
    if not names:
        return content
    return _sub_shortcodes(content, names, lambda m: _do_tag(m, ctx))


def _count_unknown(content: str, ctx: RenderContext) -> None:
    for m in _LOOKS_LIKE.finditer(content):
        if m.group(1) not in SHORTCODES:
            ctx.unknown_shortcodes[m.group(1)] += 1


def _do_tag(m: re.Match[str], ctx: RenderContext) -> str:
    if m.group(1) == "[" and m.group(6) == "]":
        return m.group(0)[1:-1]  # [[tag]]: an escaped shortcode, shown as typed
    name, atts, inner = m.group(2), parse_atts(m.group(3)), m.group(5)
    handler = _HANDLERS.get(name)
    out = handler(atts, inner, ctx) if handler else m.group(0)
    return m.group(1) + out + m.group(6)


def strip_shortcodes(content: str) -> str:
    """strip_shortcodes: registered shortcodes go, with what they enclose."""
    if "[" not in content:
        return content
    present = set(_NAMES_IN.findall(content))
    names = [n for n in SHORTCODES if n in present]
    if not names:
        return content

    def strip(m: re.Match[str]) -> str:
        if m.group(1) == "[" and m.group(6) == "]":
            return m.group(0)[1:-1]
        return m.group(1) + m.group(6)

    return _sub_shortcodes(content, names, strip)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def caption(atts: dict[str, str], inner: str | None, ctx: RenderContext) -> str:
    """img_caption_shortcode, as a theme with HTML5 captions renders it."""
    content = inner or ""
    text = atts.get("caption")
    if text is None:
        found = re.match(r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", content, re.S | re.I)
        if found:
            content, text = found.group(1), found.group(2).strip()
    width = _int(atts.get("width", ""))
    if width < 1 or not text:
        return content
    ident = re.sub(r"%[a-fA-F0-9][a-fA-F0-9]|[^A-Za-z0-9_-]", "", atts.get("id", ""))
    caption_id = re.sub(r"%[a-fA-F0-9][a-fA-F0-9]|[^A-Za-z0-9_-]", "", atts.get("caption_id", ""))
    if not caption_id and ident:
        caption_id = "caption-" + ident.replace("_", "-")
    id_attr = f'id="{_attr(ident)}" ' if ident else ""
    cap_attr = f'id="{_attr(caption_id)}" ' if caption_id else ""
    described = f'aria-describedby="{_attr(caption_id)}" ' if caption_id else ""
    klass = f"wp-caption {atts.get('align', 'alignnone')} {atts.get('class', '')}".strip()
    return (
        f'<figure {id_attr}{described}style="width: {width}px" class="{_attr(klass)}">'
        f"{do_shortcode(content, ctx)}"
        f'<figcaption {cap_attr}class="wp-caption-text">{text}</figcaption></figure>'
    )


def _int(value: str) -> int:
    found = re.match(r"\s*([+-]?\d+)", value)
    return int(found.group(1)) if found else 0


def gallery(atts: dict[str, str], inner: str | None, ctx: RenderContext) -> str:
    """gallery_shortcode, HTML5 markup: the images of `ids`, else the post's own images."""
    ctx.gallery_instance += 1
    selector = f"gallery-{ctx.gallery_instance}"
    ids = [int(i) for i in re.findall(r"\d+", atts.get("ids") or atts.get("include") or "")]
    post_id = _int(atts.get("id", "")) or ctx.post_id
    items = [a for a in (ctx.attachment(i) for i in ids) if a and a.mime.startswith("image")]
    if not ids:
        exclude = {int(i) for i in re.findall(r"\d+", atts.get("exclude", ""))}
        children = [ctx.attachment(i) for i in ctx.children(post_id) if i not in exclude]
        items = sorted(
            (a for a in children if a and a.mime.startswith("image")),
            key=lambda a: (a.menu_order, a.id),
            reverse=atts.get("order", "ASC").upper() == "DESC",
        )
    if not items:
        return ""
    columns = _int(atts.get("columns", "3"))
    size = atts.get("size", "thumbnail") or "thumbnail"
    link = atts.get("link", "")
    size_class = re.sub(r"[^A-Za-z0-9_-]", "", size)
    out = (
        f"<div id='{selector}' class='gallery galleryid-{post_id} gallery-columns-{columns} "
        f"gallery-size-{size_class}'>"
    )
    for item in items:
        described = f"{selector}-{item.id}" if item.caption.strip() else ""
        image = _image(item, size, described)
        if link == "file":
            image = f"<a href='{_attr(item.url)}'>{image}</a>"
        elif link != "none":
            image = f"<a href='{_attr(item.link or item.url)}'>{image}</a>"
        orientation = ""
        if item.width and item.height:
            orientation = "portrait" if item.height > item.width else "landscape"
        out += (
            f"<figure class='gallery-item'>\n\t\t\t<div class='gallery-icon {orientation}'>"
            f"\n\t\t\t\t{image}\n\t\t\t</div>"
        )
        if item.caption.strip():
            out += (
                f"\n\t\t\t\t<figcaption class='wp-caption-text gallery-caption' "
                f"id='{selector}-{item.id}'>\n\t\t\t\t{wpformat.wptexturize(item.caption)}"
                "\n\t\t\t\t</figcaption>"
            )
        out += "</figure>"
    return out + "\n\t\t</div>\n"


def _image(item: Attachment, size: str, described: str) -> str:
    url, width, height = item.size(size)
    dims = f'width="{width}" height="{height}" ' if width and height else ""
    aria = f' aria-describedby="{described}"' if described else ""
    return (
        f'<img {dims}src="{_attr(url)}" class="attachment-{size} size-{size}" '
        f'alt="{_attr(item.alt)}" decoding="async" loading="lazy"{aria} />'
    )


_MEDIA_TYPES = {"mp3": "audio/mpeg", "m4a": "audio/mpeg", "ogg": "audio/ogg", "wav": "audio/wav"}
_VIDEO_TYPES = {"mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "ogv": "video/ogg"}


def _sources(atts: dict[str, str], types: dict[str, str], fallback: str) -> list[tuple[str, str]]:
    """(URL, type) of a player's sources: `src` first, then one attribute per extension."""
    sources = [(atts[k], t) for k, t in types.items() if atts.get(k)]
    src = atts.get("src", "")
    if src:
        sources.insert(0, (src, types.get(_ext(src), fallback)))
    return sources


def audio(atts: dict[str, str], inner: str | None, ctx: RenderContext) -> str:
    """wp_audio_shortcode's player (without the IE shim and the `?_=N` query)."""
    sources = _sources(atts, _MEDIA_TYPES, "audio/mpeg")
    if not sources:
        return ""
    first = sources[0][0]
    tags = "".join(f'<source type="{t}" src="{_attr(u)}" />' for u, t in sources)
    return (
        f'<audio class="wp-audio-shortcode" preload="{_attr(atts.get("preload", "none"))}" '
        f'style="width: 100%;" controls="controls">{tags}'
        f'<a href="{_attr(first)}">{html.escape(first)}</a></audio>'
    )


def video(atts: dict[str, str], inner: str | None, ctx: RenderContext) -> str:
    """wp_video_shortcode's player (without the IE shim and the `?_=N` query)."""
    sources = _sources(atts, _VIDEO_TYPES, "video/mp4")
    if not sources:
        return ""
    width, height = _int(atts.get("width", "640")) or 640, _int(atts.get("height", "360")) or 360
    poster = f' poster="{_attr(atts["poster"])}"' if atts.get("poster") else ""
    first = sources[0][0]
    tags = "".join(f'<source type="{t}" src="{_attr(u)}" />' for u, t in sources)
    return (
        f'<div style="width: {width}px;" class="wp-video"><video class="wp-video-shortcode" '
        f'width="{width}" height="{height}"{poster} preload="metadata" controls="controls">'
        f'{tags}<a href="{_attr(first)}">{html.escape(first)}</a></video></div>'
    )


def _ext(url: str) -> str:
    return url.split("?", 1)[0].rsplit(".", 1)[-1].lower()


def playlist(atts: dict[str, str], inner: str | None, ctx: RenderContext) -> str:
    """A playlist needs WordPress's JavaScript; its tracks become plain links."""
    ids = [int(i) for i in re.findall(r"\d+", atts.get("ids", ""))]
    items = [a for a in (ctx.attachment(i) for i in ids) if a]
    links = "".join(f'<li><a href="{_attr(a.url)}">{html.escape(a.url)}</a></li>' for a in items)
    return f'<ul class="wp-playlist">{links}</ul>' if links else ""


_HANDLERS: dict[str, Callable[[dict[str, str], str | None, RenderContext], str]] = {
    "caption": caption,
    "wp_caption": caption,
    "gallery": gallery,
    "audio": audio,
    "video": video,
    "playlist": playlist,
}


# ---- embeds


def _run_embed_shortcodes(content: str, ctx: RenderContext) -> str:
    if "[embed" not in content:
        return content

    def embed(m: re.Match[str]) -> str:
        if m.group(1) == "[" and m.group(6) == "]":
            return m.group(0)[1:-1]
        url = (m.group(5) or parse_atts(m.group(3)).get("src", "")).strip()
        atts = parse_atts(m.group(3))
        return m.group(1) + _embed(url, atts, ctx, link_unknown=True) + m.group(6)

    return _sub_shortcodes(content, ["embed"], embed)


_OWN_LINE = re.compile(r"^(\s*)(https?://[^\s<>\"]+)(\s*)$", re.I | re.M)
_OWN_PARAGRAPH = re.compile(r"(<p(?: [^>]*)?>\s*)(https?://[^\s<>\"]+)(\s*</p>)", re.I)


def autoembed(content: str, ctx: RenderContext) -> str:
    """A URL alone on its line (or in its paragraph) becomes its oEmbed HTML."""
    content = wpformat.replace_in_html_tags(content, {"\n": "<!-- wp-line-break -->"})
    if re.search(r"(^|\s|>)https?://", content, re.I):

        def replace(m: re.Match[str]) -> str:
            return m.group(1) + _embed(m.group(2), {}, ctx, link_unknown=False) + m.group(3)

        content = _OWN_LINE.sub(replace, content)
        content = _OWN_PARAGRAPH.sub(replace, content)
    return content.replace("<!-- wp-line-break -->", "\n")


def _embed(url: str, atts: dict[str, str], ctx: RenderContext, *, link_unknown: bool) -> str:
    """The cached oEmbed HTML for `url`; else the URL (as a link from [embed])."""
    url = html.unescape(url)
    for key in _cache_keys(url, atts):
        found = ctx.oembed.get(key)
        if found and found != "{{unknown}}":
            return found
    found = _cached_for(url, ctx.oembed)
    if found:
        return found
    ctx.missing_embeds += 1
    escaped = html.escape(url, quote=True)
    return f'<a href="{escaped}">{html.escape(url)}</a>' if link_unknown else url


def _cached_for(url: str, cache: dict[str, str]) -> str:
    """The cached HTML that names the URL's own id (a video's, a post's), when the cache key
    was made with another theme's width: the one entry holding the URL's longest token."""
    tokens = sorted(re.findall(r"[A-Za-z0-9_-]{6,}", url.split("://", 1)[-1].split("/", 1)[-1]))
    for token in sorted(tokens, key=len, reverse=True):
        found = [v for v in cache.values() if token in v and v != "{{unknown}}"]
        if len(found) == 1:
            return found[0]
    return ""


def _cache_keys(url: str, atts: dict[str, str]) -> list[str]:
    """WordPress keys its oEmbed cache by md5(url . serialize(attributes)); the attributes are
    the embed's size, by default 500 wide (the theme's content width, when it sets none) and
    1.5 times as high, at most 1000."""
    widths = [_int(atts.get("width", ""))] if atts.get("width") else [500, 580, 600, 640, 700]
    keys = []
    for width in widths:
        height = _int(atts.get("height", "")) or min(-(-width * 3 // 2), 1000)
        php = f'a:2:{{s:5:"width";i:{width};s:6:"height";i:{height};}}'
        keys.append(hashlib.md5((url + php).encode()).hexdigest())
    return keys
