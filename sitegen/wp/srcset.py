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
    """`value` with only safe candidates on `src`'s origin (any origin when `src` is None), by
    width: the order means nothing to a browser, and WordPress's varies with where it was read
    (a saved dump, the live site, an export), which must not change the mirror's bytes."""
    if not value:
        return ""
    want = _origin(src) if src is not None else None
    out: list[tuple[tuple[int, float], str]] = []
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
        out.append((_order(descriptor), f"{target} {descriptor}" if len(bits) == 2 else target))
        if len(out) == MAX_CANDIDATES:
            break
    return ", ".join(text for _, text in sorted(out))


def _order(descriptor: str) -> tuple[int, float]:
    """Width descriptors first, by width; then density descriptors, by density."""
    w = _W.match(descriptor)
    if w is not None:
        return (0, int(w[1]))
    return (1, float(_X.match(descriptor)[1]))  # type: ignore[index]  # checked by the caller


def default_sizes(width: int) -> str:
    """What WordPress writes when it knows only the image's width (wp_calculate_image_sizes)."""
    return f"(max-width: {width}px) 100vw, {width}px"


def variants_srcset(
    width: int, height: int, variants: Iterable[tuple[str, int, int]], original: str
) -> list[tuple[str, int]]:
    """The srcset candidates of an attachment as WordPress picks them (wp_calculate_image_srcset):
    its sizes (by width: WordPress's stored order differs between a saved dump and the live site,
    and the mirror must not) with the original's aspect ratio (a cropped thumbnail would
    distort), none wider than 2048 px, one per width, and the original last."""
    if width <= 0 or height <= 0:
        return []
    found: dict[int, str] = {}
    for url, w, h in [*sorted(variants, key=lambda v: (v[1], v[0])), (original, width, height)]:
        ratio_ok = h > 0 and abs(w / h - width / height) < 0.01 * (width / height)
        if 0 < w <= min(MAX_PIXELS, 2048) and ratio_ok and w not in found:
            found[w] = url
    return [(url, w) for w, url in found.items()][:MAX_CANDIDATES]


def known_images(
    attachments: Iterable[tuple[str, int, int, Iterable[tuple[str, int, int]]]],
) -> dict[str, KnownImage]:
    """Every size URL of every attachment -> its dimensions and the attachment's srcset, from
    (original URL, width, height, [(size URL, width, height)]) as media.json or WXR say. The
    srcset is by width, as every srcset sitegen writes (see `clean_srcset`)."""
    index: dict[str, KnownImage] = {}
    for original, width, height, variants in attachments:
        variants = list(variants)
        candidates = variants_srcset(width, height, variants, original)
        for url, w, h in [(original, width, height), *variants]:
            if w <= 0 or h <= 0 or url in index:
                continue
            srcset = ""
            if (url, w) in candidates and len(candidates) > 1:
                srcset = ", ".join(f"{u} {cw}w" for u, cw in sorted(candidates, key=lambda c: c[1]))
            index[url] = KnownImage(w, h, srcset)
    return index
