"""Responsive-image attributes (`srcset`, `sizes`, `width`, `height`, `loading`), checked.

WordPress writes every image with its size variants (`x-300x169.jpg 300w, x-1024x576.jpg 1024w`)
and its dimensions, so a browser picks a small file on a phone and reserves the image's box
before it loads. Those attributes are content like any other: a `srcset` may name a
`javascript:` URL, a tracker on another host, ten thousand candidates or a width of 10^9.
Each function here returns the value to write, or "" / None when nothing of it may stay:
- `srcset`: at most `MAX_CANDIDATES` candidates, each with a safe URL (the caller's `url`, which
  also rewrites it to the mirror) on the same origin as the image's `src`, and a plain `Nw`
  (1 ≤ N ≤ `MAX_PIXELS`) or `Nx` descriptor;
- `sizes`: media conditions and lengths only (no `url(`, no quotes), bounded in length;
- `width`/`height`: a whole number of pixels, 1 ≤ N ≤ `MAX_PIXELS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_CANDIDATES = 16  # WordPress writes at most ~8 (its registered sizes); more is not an image
MAX_PIXELS = 10000  # wider than any real upload WordPress resizes; an absurd value is dropped
MAX_SIZES = 300
_W = re.compile(r"^([1-9][0-9]{0,4})w$")
_X = re.compile(r"^([1-9](?:\.[0-9]{1,2})?|0\.[0-9]{1,2})x$")
_SIZES = re.compile(r"^[0-9a-z\s().,:%+*/-]+$")
_DIM = re.compile(r"^\s*([1-9][0-9]{0,4})(?:px)?\s*$")


@dataclass(frozen=True)
class KnownImage:
    """What WordPress knew of one image file: its size, and its attachment's srcset."""

    width: int
    height: int
    srcset: str = ""  # the attachment's size variants, at their WordPress URLs


KnownImages = Mapping[str, KnownImage]  # every size's URL -> that size

# Candidates end at a comma followed by space, or after a descriptor: how browsers split them.
_SPLIT = re.compile(r",\s+(?=\S)|(?<=[0-9][wx]),(?=\S)")


def dimension(value: str | None) -> int | None:
    """A width/height attribute as pixels, or None when it is not a sane whole number."""
    m = _DIM.match(value or "")
    if m is None or int(m[1]) > MAX_PIXELS:
        return None
    return int(m[1])


def clean_sizes(value: str | None) -> str:
    value = " ".join((value or "").split()).lower()
    if not value or len(value) > MAX_SIZES or not _SIZES.match(value) or "url(" in value:
        return ""
    return value


def _origin(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ("invalid", "")
    return (parts.scheme.lower(), parts.netloc.lower())


def clean_srcset(value: str | None, url: Callable[[str], str | None], src: str | None) -> str:
    """`value` with only safe candidates on `src`'s origin (any origin when `src` is None)."""
    if not value:
        return ""
    want = _origin(src) if src is not None else None
    out: list[str] = []
    seen: set[str] = set()
    # Bounded work whatever the input: look at a few more parts than can be kept.
    for part in _SPLIT.split(value.strip(), maxsplit=MAX_CANDIDATES * 4)[: MAX_CANDIDATES * 4]:
        bits = part.strip().rstrip(",").split()
        if not bits or len(bits) > 2:
            continue
        descriptor = bits[1].lower() if len(bits) == 2 else "1x"
        w, x = _W.match(descriptor), _X.match(descriptor)
        if (w is None and x is None) or (w is not None and int(w[1]) > MAX_PIXELS):
            continue
        target = url(bits[0])
        if not target or any(c in target for c in " ,\t\n\r\"'<>"):
            continue
        if want is not None and _origin(target) != want:
            continue
        if descriptor in seen:
            continue
        seen.add(descriptor)
        out.append(f"{target} {descriptor}" if len(bits) == 2 else target)
        if len(out) == MAX_CANDIDATES:
            break
    return ", ".join(out)


def default_sizes(width: int) -> str:
    """What WordPress writes when it knows only the image's width (wp_calculate_image_sizes)."""
    return f"(max-width: {width}px) 100vw, {width}px"


def variants_srcset(
    width: int, height: int, variants: Iterable[tuple[str, int, int]], original: str
) -> str:
    """A srcset like WordPress's from an attachment's sizes: the variants with the original's
    aspect ratio (a cropped thumbnail would distort), and the original, narrowest first."""
    if width <= 0 or height <= 0:
        return ""
    keep = {width: original}
    for url, w, h in variants:
        if 0 < w <= MAX_PIXELS and h > 0 and abs(w / h - width / height) < 0.01 * (width / height):
            keep.setdefault(w, url)
    if len(keep) < 2:
        return ""
    return ", ".join(f"{keep[w]} {w}w" for w in sorted(keep)[:MAX_CANDIDATES])


def known_images(
    attachments: Iterable[tuple[str, int, int, Iterable[tuple[str, int, int]]]],
) -> dict[str, KnownImage]:
    """Every size URL of every attachment -> its dimensions and the attachment's srcset, from
    (original URL, width, height, [(size URL, width, height)]) as media.json or WXR say."""
    index: dict[str, KnownImage] = {}
    for original, width, height, variants in attachments:
        variants = list(variants)
        srcset = variants_srcset(width, height, variants, original)
        if width > 0 and height > 0:
            index[original] = KnownImage(width, height, srcset)
        for url, w, h in variants:
            if w > 0 and h > 0:
                same_ratio = bool(srcset) and f"{url} {w}w" in srcset
                index.setdefault(url, KnownImage(w, h, srcset if same_ratio else ""))
    return index
