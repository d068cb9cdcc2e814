"""The one sanitising policy for imported HTML, built on nh3 (Ammonia).

WordPress content is untrusted: authors paste scripts, tracking pixels with `onerror`,
`javascript:` links and iframes from anywhere. Markdown cannot say everything, so some HTML
stays in the content files (tables Markdown cannot express, figure wrappers, sup/sub, allowed
iframes). Everything that stays passes this policy: an allow-list of tags and attributes, URLs
only with safe schemes, iframes only from an allow-list of hosts. The converter emits only
these tags and attributes, and `sanitize_html` is also what the fidelity tests compare against.
"""

from __future__ import annotations

import html as html_lib
import re
from functools import lru_cache

import nh3

from sitegen.wp.srcset import clean_sizes, clean_srcset, dimension
from sitegen.wp.urlhost import embed_host, host_key, web_host


def tag_set(names: str) -> frozenset[str]:
    """A set of tag names written as one space-separated string (reads like HTML docs)."""
    return frozenset(names.split())


# Schemes a link or image may use; everything else (javascript:, data:, vbscript:, file:) goes.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# Tags that may stay as HTML in content files, with the attributes each may keep.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title", "width", "height", "srcset", "sizes", "loading"}),
    "iframe": frozenset({"src", "width", "height", "title", "allow", "allowfullscreen"}),
    "video": frozenset({"src", "controls", "width", "height", "poster", "preload"}),
    "audio": frozenset({"src", "controls", "preload"}),
    "source": frozenset({"src", "type"}),
    "track": frozenset({"src", "kind", "srclang", "label"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "abbr": frozenset({"title"}),
    "time": frozenset({"datetime"}),
    "bdo": frozenset({"dir"}),
    "q": frozenset({"cite"}),
    "blockquote": frozenset(),
    "div": frozenset({"dir", "lang", "class"}),  # class: only GALLERY_CLASS
    "p": frozenset({"dir", "lang"}),
}
GALLERY_CLASS = "gallery"  # <div class="gallery"> holds a gallery's figures
BLOCK_TAGS = tag_set(
    "p div h1 h2 h3 h4 h5 h6 ul ol li blockquote pre hr table thead tbody tfoot tr th td "
    "caption colgroup col figure figcaption dl dt dd details summary section"
)
INLINE_TAGS = tag_set(
    "a img br em strong b i u s del ins sup sub code kbd samp var mark small cite abbr dfn "
    "q time bdi bdo span iframe video audio source track"
)
ALLOWED_TAGS = BLOCK_TAGS | INLINE_TAGS

DEFAULT_IFRAME_HOSTS: tuple[str, ...] = (
    "youtube.com",
    "www.youtube.com",
    "www.youtube-nocookie.com",
    "player.vimeo.com",
    "www.dailymotion.com",
    "open.spotify.com",
    "w.soundcloud.com",
)

# Browsers remove tabs and newlines anywhere in a URL and strip leading controls and spaces,
# so `jav&#x09;ascript:` is `javascript:`; check the scheme the browser would see.
_URL_NOISE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def safe_url(url: str) -> str | None:
    """`url` as it should be written, or None when its scheme is not allowed."""
    cleaned = _URL_NOISE.sub("", url).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c "
        "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
        "\x19\x1a\x1b\x1c\x1d\x1e\x1f"
    )
    match = _SCHEME.match(cleaned)
    if match and match.group(1).lower() not in URL_SCHEMES:
        return None
    return cleaned


def iframe_allowed(src: str, hosts: tuple[str, ...]) -> bool:
    """True when a browser would load `src` over https (or http) from one of `hosts` (exact host
    names), whatever page it sits in; a URL with a user name or password is never allowed."""
    host = embed_host(src)
    return bool(host) and host in _host_keys(hosts)


@lru_cache(maxsize=16)
def _host_keys(hosts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(filter(None, map(host_key, hosts)))


def iframe_link_text(src: str, title: str) -> str:
    """The text of the link that stands in for an iframe from a host outside the allow-list."""
    return " ".join(title.split()) or http_host(src) or src


def sanitize_html(html: str, iframe_hosts: tuple[str, ...] = DEFAULT_IFRAME_HOSTS) -> str:
    """`html` with everything outside the policy removed (script and style with their text).

    An iframe from a host outside `iframe_hosts` becomes a plain link to what it showed
    (a reader can still follow it; nothing runs in the page).
    """

    def keep(tag: str, attr: str, value: str) -> str | None:
        if attr in {"href", "src", "cite", "poster"} and safe_url(value) is None:
            return None
        if tag == "img":
            return _image_attribute(attr, value)
        if attr == "class":  # the one class the converter writes: the theme styles it
            return value if value == GALLERY_CLASS else None
        return value

    def clean(text: str) -> str:
        cleaned: str = nh3.clean(
            text,
            tags=set(ALLOWED_TAGS),
            clean_content_tags={"script", "style", "noscript", "template", "textarea"},
            attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
            attribute_filter=keep,
            url_schemes=set(URL_SCHEMES),
            link_rel=None,
            strip_comments=True,
        )
        return cleaned

    cleaned = _IMG.sub(_unless_pixel, clean(_POST_EMBED.sub("", html)))
    linked = _IFRAME.sub(lambda match: _iframe_or_link(match, iframe_hosts), cleaned)
    # A link put where an iframe was may sit inside another link: parse once more so the
    # result is what a browser (and the next run) makes of it.
    return clean(linked) if linked != cleaned else cleaned


# WordPress post embeds pair a <blockquote> link (kept) with a sandboxed iframe of the post's
# /embed/ view (dropped: it would only repeat the link, with a secret in its URL).
_POST_EMBED = re.compile(
    r"<iframe\b[^>]*\bclass\s*=\s*[\"']?[^>]*\bwp-embedded-content\b[^>]*>.*?</iframe\s*>",
    re.S | re.I,
)
_IFRAME = re.compile(r"<iframe\b([^>]*)>.*?</iframe>", re.S)
_ATTRIBUTE = re.compile(r'\s([a-z-]+)(?:="([^"]*)")?')


def is_pixel(width: str | None, height: str | None) -> bool:
    """True for an image of at most 2×2 pixels by its attributes: a tracking pixel (or a
    spacer). It shows a reader nothing and tells an ad or analytics host who read the page,
    so the mirror leaves it out."""
    return (width or "").strip() in _PIXEL and (height or "").strip() in _PIXEL


_PIXEL = frozenset({"0", "1", "2", "0px", "1px", "2px"})
_IMG = re.compile(r"<img\b[^>]*>")


def _unless_pixel(match: re.Match[str]) -> str:
    attrs = dict(_ATTRIBUTE.findall(match.group(0)))
    return "" if is_pixel(attrs.get("width"), attrs.get("height")) else match.group(0)


def _iframe_or_link(match: re.Match[str], hosts: tuple[str, ...]) -> str:
    attrs = {name: html_lib.unescape(value) for name, value in _ATTRIBUTE.findall(match.group(1))}
    src = attrs.get("src", "")
    if src and iframe_allowed(src, hosts):
        return match.group(0)
    if not http_host(src):
        return ""
    text = iframe_link_text(src, attrs.get("title", ""))
    return f'<a href="{html_lib.escape(src)}">{html_lib.escape(text, quote=False)}</a>'


def _image_attribute(attr: str, value: str) -> str | None:
    """An <img> attribute as the converter would write it (srcset.py), or None to drop it."""
    if attr == "srcset":
        return clean_srcset(value, safe_url, None) or None
    if attr == "sizes":
        return clean_sizes(value) or None
    if attr in {"width", "height"}:
        return value if dimension(value) is not None else None
    if attr == "loading":
        return value if value in {"lazy", "eager"} else None
    return value


def http_host(url: str) -> str:
    """The host a browser would load for an http(s) URL; "" for anything else."""
    return web_host(url)
