"""What a downloaded file really is, from its first bytes (never from its URL or Content-Type).

A mirrored file is published on the mirror's own origin, with the type its extension implies.
A page served as `image/png`, an SVG with `onload`, a script: each would run on that origin if
it were stored as what the remote server claimed. So media are kept only when their bytes are an
image, audio, video or PDF format browsers never execute, and the stored extension is the one
of the format found here.

SVG is refused, not cleaned: it is XML that may carry script, event handlers, foreignObject
(HTML inside), external references and entity tricks, and no well-kept Python library sanitises
it (nh3/ammonia are HTML sanitisers and drop SVG's namespaces). A refused SVG keeps its remote URL
in the content, where a browser shows it as an <img>, which never runs its script.
"""

from __future__ import annotations

import re

# ISO base media "ftyp" major brands: still images first, then audio, then any other as video.
_HEIF = {b"avif": ".avif", b"avis": ".avif"} | {
    brand: ".heic" for brand in (b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1")
}
_ISO_AUDIO = {b"M4A ": ".m4a", b"M4B ": ".m4a", b"F4A ": ".m4a"}
_QUICKTIME = {b"qt  ": ".mov"}
# Every extension sniff() can answer: what a file under static/media/ may be called.
EXTENSIONS = frozenset(
    {".jpg", ".png", ".gif", ".pdf", ".mp3", ".ogg", ".flac", ".webp", ".wav", ".mp4"}
    | {".webm", ".mkv", ".bmp", ".ico"}
    | set(_HEIF.values())
    | set(_ISO_AUDIO.values())
    | set(_QUICKTIME.values())
)


def sniff(data: bytes) -> str | None:
    """The extension (".jpg", ".pdf", …) of an allowed media format, or None."""
    head = data[:64]
    for magic, ext in _SIMPLE:
        if head.startswith(magic):
            return ext
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WEBP": ".webp", b"WAVE": ".wav"}.get(head[8:12])
    if head[4:8] == b"ftyp" and len(head) >= 12:
        brand = head[8:12]
        return _HEIF.get(brand) or _ISO_AUDIO.get(brand) or _QUICKTIME.get(brand) or ".mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska, or WebM by its DocType
        return ".webm" if b"webm" in data[:4096] else ".mkv"
    if _is_bmp(head):
        return ".bmp"
    if _is_ico(head):
        return ".ico"
    if _is_mp3_frame(head):
        return ".mp3"
    return None


_SIMPLE = [
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
    (b"%PDF-", ".pdf"),
    (b"ID3", ".mp3"),
    (b"OggS", ".ogg"),
    (b"fLaC", ".flac"),
]


def _is_bmp(head: bytes) -> bool:
    # "BM", then a DIB header size that exists (12, 40, 52, 56, 64, 108, 124).
    return (
        head[:2] == b"BM"
        and len(head) >= 18
        and int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64, 108, 124)
    )


def _is_ico(head: bytes) -> bool:
    # Reserved 0, type 1 (icon), at least one image; then the first entry's reserved byte is 0.
    return (
        head[:4] == b"\x00\x00\x01\x00"
        and len(head) >= 22
        and head[4:6] != b"\x00\x00"
        and head[9] == 0
    )


def _is_mp3_frame(head: bytes) -> bool:
    # An MPEG audio frame header without ID3 tag: 11 sync bits, a valid version (not 01), layer
    # III/II/I (not 00, which is AAC's ADTS), a bitrate index that is not 1111.
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    return version != 1 and layer != 0 and head[2] >> 4 != 0xF


_MARKUP = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(!doctype|svg|html|\w+)", re.I | re.S
)


def describe(data: bytes) -> str:
    """A few words on what refused bytes look like, for the warning."""
    if not data:
        return "empty"
    if data.startswith(b"#!"):
        return "a script (#!)"
    m = _MARKUP.match(data[:4096].lstrip(b"\xef\xbb\xbf"))
    if m:
        tag = m.group(1).lower()
        if tag == b"svg" or b"<svg" in data[:4096].lower():
            return "SVG (may carry script: not mirrored)"
        return "HTML" if tag in (b"!doctype", b"html") else f"markup (<{tag.decode()}>)"
    start = data[:24].decode("latin-1")
    return f"starts with {start!r}"
