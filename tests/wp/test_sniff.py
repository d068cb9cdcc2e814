"""Media types by their first bytes: every allowed format found, markup and scripts never."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.wp.sniff import EXTENSIONS, describe, sniff

FTYP = b"\x00\x00\x00\x1cftyp"
ALLOWED = [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", ".jpg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ".png"),
    (b"GIF89a\x01\x00\x01\x00", ".gif"),
    (b"GIF87a\x01\x00\x01\x00", ".gif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", ".webp"),
    (FTYP + b"avif\x00\x00\x00\x00mif1miaf", ".avif"),
    (FTYP + b"heic\x00\x00\x00\x00mif1heic", ".heic"),
    (b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00" + b"\0" * 8, ".bmp"),
    (b"\x00\x00\x01\x00\x01\x00\x10\x10\x00\x00\x01\x00\x20\x00" + b"\0" * 10, ".ico"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", ".pdf"),
    (b"ID3\x04\x00\x00\x00\x00\x00\x00", ".mp3"),
    (b"\xff\xfb\x90\x64\x00\x00", ".mp3"),
    (FTYP + b"isom\x00\x00\x02\x00isomiso2", ".mp4"),
    (FTYP + b"M4A \x00\x00\x00\x00M4A mp42", ".m4a"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", ".mov"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", ".webm"),
    (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", ".mkv"),
    (b"OggS\x00\x02\x00\x00", ".ogg"),
    (b"RIFF\x24\x08\x00\x00WAVEfmt ", ".wav"),
    (b"fLaC\x00\x00\x00\x22", ".flac"),
]
REFUSED = [
    (b"<!DOCTYPE html><html><body>hi</body></html>", "HTML"),
    (b"\xef\xbb\xbf  <html><script>alert(1)</script>", "HTML"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "SVG"),
    (b'<?xml version="1.0"?>\n<!-- hi -->\n<svg onload="x"/>', "SVG"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg/>', "SVG"),
    (b"<foo><svg/></foo>", "SVG"),
    (b'<?xml version="1.0"?><rss/>', "markup (<rss>)"),
    (b"#!/bin/sh\nrm -rf ~\n", "a script (#!)"),
    (b"alert(document.domain)", "starts with 'alert(document.domain)'"),
    (b"", "empty"),
    (b"\xff\xf1\x50\x80", "starts with"),  # AAC ADTS, not MP3: not a listed type
    (b"RIFF\x24\x00\x00\x00AVI LIST", "starts with"),
    (b"BM<html>", "starts with"),
]


@pytest.mark.parametrize(("data", "ext"), ALLOWED)
def test_allowed_formats_are_found(data: bytes, ext: str) -> None:
    assert sniff(data) == ext
    assert ext in EXTENSIONS


@pytest.mark.parametrize(("data", "what"), REFUSED)
def test_markup_scripts_and_unknown_bytes_are_refused(data: bytes, what: str) -> None:
    assert sniff(data) is None
    assert describe(data).startswith(what)


@given(st.binary(max_size=200))
def test_sniff_is_total_and_answers_only_known_extensions(data: bytes) -> None:
    ext = sniff(data)
    assert ext is None or ext in EXTENSIONS
    assert describe(data)


@given(st.text(max_size=100), st.sampled_from(["<", "\n<", "\ufeff<", "#!"]))
def test_text_that_a_browser_could_run_is_never_media(text: str, start: str) -> None:
    data = (start + text).encode("utf-8")
    assert sniff(data) is None
