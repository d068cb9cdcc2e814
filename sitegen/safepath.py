"""The one gate for paths and names that come from untrusted input.

Everything sitegen publishes is named by WordPress data (slugs, permalinks, term and author
slugs, aliases, upload paths) or by hand-edited front matter, and all of it may be hostile. This
module alone decides what a safe URL path, a safe file name and a safe server-rule token are;
import, content loading, the output sink, search, media, publish, archive and serve go through
it. It imports nothing of the package, so every layer may use it.

Rules (each refusal is an `UnsafePath` whose message says why, for the user):
- a *name* (one decoded path segment, or a file name) is refused if it is empty, `.` or `..`,
  holds `/`, `\\`, NUL or any other control or format character, a lone surrogate, or is longer
  than file systems allow (255 bytes of UTF-8);
- a *URL path* (site-relative, as stored in content: `2024/03/05/slug/`, percent-encoded as
  WordPress published it) is refused if its raw form holds whitespace, control characters,
  `\\`, `?`, `#`, or invalid percent-encoding, or if any decoded segment is not a safe name;
- a file is written only through `inside(root, rel)`, which refuses a result outside `root`,
  whether by `..`, an absolute path or a symbolic link on the way.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, unquote

MAX_NAME_BYTES = 255  # ext4, XFS, btrfs, APFS and NTFS all stop at 255 (bytes or UTF-16 units)

# Characters a raw URL path may never hold: they end a path (`?`, `#`), are read as a separator
# by some servers (`\`), or split a server rule (whitespace). Control and format characters are
# refused by category below.
_RAW_FORBIDDEN = frozenset('\\?#"<>`{}|^')
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})


class UnsafePath(ValueError):
    """A path or name refused by the gate; `str()` says why in words a user can act on."""


def _bad_char(text: str) -> str | None:
    """The first character no path may hold, or None."""
    # str.isprintable() is False for exactly these categories but the space (a test proves it
    # for every code point): one C call answers for the usual path, which is 10,000s a build.
    if text.isprintable() and " " not in text:
        return None
    for ch in text:
        if ch.isspace() or unicodedata.category(ch) in _BAD_CATEGORIES:
            return ch
    return None


def check_name(name: str) -> str:
    """`name` if it is a safe single file or folder name (decoded), else UnsafePath."""
    if name in ("", ".", ".."):
        raise UnsafePath(f"{name!r} is not a file name")
    if "/" in name or "\\" in name:
        raise UnsafePath(f"{name!r} holds a path separator")
    # Spaces are allowed inside a name, but must not hide what follows them: `_bad_char`
    # reports the first space, so it looks at the name without them.
    bad = _bad_char(name.replace(" ", ""))
    if bad is not None:
        raise UnsafePath(f"{name!r} holds the control character U+{ord(bad):04X}")
    if name != name.strip():
        raise UnsafePath(f"{name!r} starts or ends with white space")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        raise UnsafePath(f"{name!r} is not valid Unicode (a lone surrogate)") from None
    if size > MAX_NAME_BYTES:
        raise UnsafePath(f"a name of {size} bytes is longer than file systems allow (255)")
    return name


# A path of unreserved ASCII characters and sub-delimiters, as nearly every slug is: nothing in
# it to decode, and no character any rule refuses. Its segments are safe names if each holds 1
# to 255 of them (one byte each) and is not `.` or `..`: one regular expression call answers for
# a whole path, and a build checks every output path and every server rule's (150,000 at 10,000
# posts). Anything else goes through the rules themselves.
_PLAIN_SEGMENT = r"(?!\.\.?(?:/|\Z))[A-Za-z0-9._~!$&'()*+,;=:@-]{1,255}"
_PLAIN_FILE = re.compile(rf"{_PLAIN_SEGMENT}(?:/{_PLAIN_SEGMENT})*")


def is_plain_file(rel: str) -> bool:
    """Whether `rel` is a relative file path of plain segments: safe, in one spelling only
    (nothing to decode, normalise or compose), and not a folder (`a/`)."""
    return _PLAIN_FILE.fullmatch(rel) is not None


def check_url_path(path: str) -> str:
    """A site-relative URL path, normalised (`a/b/`, `a/file.xml` or `` for the home).

    Leading and trailing slashes are dropped and a trailing one restored, so `/a/b` and `a/b/`
    are one path; everything else must already be safe: nothing here repairs a path.
    """
    inner = path.strip("/")
    if not inner:
        return ""
    if _PLAIN_FILE.fullmatch(inner):  # the answer of the full check, at a fraction of its cost
        return inner + ("/" if path.endswith("/") else "")
    return _checked_url_path(path)


def _checked_url_path(path: str) -> str:
    """`check_url_path` character by character, segment by segment: the rules themselves."""
    bad = _bad_char(path)
    if bad is not None:
        raise UnsafePath(f"{path!r} holds white space or the control character U+{ord(bad):04X}")
    forbidden = next((ch for ch in path if ch in _RAW_FORBIDDEN), None)
    if forbidden is not None:
        raise UnsafePath(f"{path!r} holds {forbidden!r}, which no URL path may")
    inner = path.strip("/")
    if not inner:
        return ""
    for segment in inner.split("/"):
        check_name(decode_segment(segment))
    return inner + ("/" if path.endswith("/") else "")


def check_page_path(path: str) -> str:
    """A page's URL path (a folder: `2024/03/05/slug/`, `` for the home)."""
    inner = check_url_path(path).strip("/")
    return inner + "/" if inner else ""


def check_slug(slug: str) -> str:
    """A term or author slug: exactly one safe URL path segment."""
    if "/" in slug:
        raise UnsafePath(f"{slug!r} holds a path separator")
    check_url_path(slug)
    check_name(decode_segment(slug))
    return slug


def decode_segment(segment: str) -> str:
    """One URL path segment percent-decoded as UTF-8; invalid encodings are refused."""
    try:
        return unquote(segment, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise UnsafePath(f"{segment!r} is not valid percent-encoded UTF-8") from None


def output_file(path: str) -> str:
    """The file (relative to the output root, decoded) that serves the URL path `path`."""
    safe = check_url_path(path)
    decoded = safe if "%" not in safe else "/".join(decode_segment(s) for s in safe.split("/"))
    return decoded + "index.html" if decoded == "" or decoded.endswith("/") else decoded


def site_folder(base_path: str) -> str:
    """The folder of the output (decoded: "" or "web/") that serves the URL folder `base_path`
    ("/" or "/web/"). The output is the server's root, laid out as it is served: a plain static
    server (or a bucket, or nginx's `root`) at public/ answers /web/x/ from public/web/x/."""
    return output_file(base_path.lstrip("/"))[: -len("index.html")]


def check_relative_file(rel: str) -> str:
    """A decoded relative file path (`a/b/index.html`): every part a safe name."""
    if _PLAIN_FILE.fullmatch(rel):  # as in check_url_path
        return rel
    return _checked_relative_file(rel)


def _checked_relative_file(rel: str) -> str:
    """`check_relative_file` name by name: the rules themselves."""
    if not rel or rel.startswith("/"):
        raise UnsafePath(f"{rel!r} is not a relative file path")
    for part in rel.split("/"):
        check_name(part)
    return rel


def inside(root: Path, rel: str) -> Path:
    """`root / rel`, refused unless it stays inside `root` once symbolic links are followed.

    `rel` uses "/" and every part must be a safe name. The check resolves the parent folder,
    so a folder inside the site that is a symbolic link to elsewhere is refused too.
    """
    check_relative_file(rel)
    target = root.joinpath(*rel.split("/"))
    real_root = os.path.realpath(root)
    real_parent = os.path.realpath(target.parent)
    if real_parent != real_root and not real_parent.startswith(real_root + os.sep):
        raise UnsafePath(f"{rel!r} leads outside {root} (through a symbolic link)")
    if target.is_symlink():
        raise UnsafePath(f"{rel!r} is a symbolic link")
    return target


def hashed_name(name: str, limit: int = 200) -> str:
    """`name` shortened to at most `limit` UTF-8 bytes, keeping it unique with a hash of the
    whole name (`<prefix>-<12 hex>`). Names that fit are returned unchanged."""
    data = name.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return name
    digest = hashlib.sha256(data).hexdigest()[:12]
    head = data[: limit - len(digest) - 1].decode("utf-8", "ignore")
    return f"{head}-{digest}"


# What a server rule may hold unencoded in a path: RFC 3986's unreserved characters, "%" of an
# encoding already there, "/" and the sub-delimiters that no rule syntax we write gives a
# meaning to. `:` (a placeholder in Netlify's rules) and `*` (a splat) are encoded.
_RULE_SAFE = "/%-._~!$&'()+,;=@"


def rule_path(path: str) -> str:
    """A checked URL path in the form every server-rule writer emits: nothing in it can end a
    rule, start a placeholder or a splat, or smuggle a second rule in."""
    return quote(check_url_path(path), safe=_RULE_SAFE)


# --- Walking a folder without leaving it --------------------------------------------------------


def files_inside(root: Path, refused: Callable[[str, UnsafePath], None]) -> list[tuple[str, Path]]:
    """`iter_files_inside` as a list."""
    return list(iter_files_inside(root, refused))


def iter_files_inside(
    root: Path, refused: Callable[[str, UnsafePath], None]
) -> Iterator[tuple[str, Path]]:
    """Every file under `root` as (relative path with "/", path), sorted, that is really inside
    it: no symbolic link is followed, whether to a file or a folder (its target may be any file
    of the machine, `passwd -> /etc/passwd`), and every name must pass `check_name`. Each one
    left out is passed to `refused` (with why), and a folder left out is not entered.

    The walk's answer for the files it yields is `inside()`'s, at a fraction of its cost (a
    tree walked from `root` without following links cannot leave it): it runs for every static
    file of a build and every file of a publish. Yielded as the walk goes (sorted within each
    folder, a folder's files before the next name), so a caller that streams holds no list.
    """

    def walk(folder: str, prefix: str) -> Iterator[tuple[str, Path]]:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            rel = prefix + entry.name
            try:
                check_name(entry.name)
                if entry.is_symlink():
                    raise UnsafePath(f"{rel!r} is a symbolic link")
            except UnsafePath as exc:
                refused(rel, exc)
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from walk(entry.path, rel + "/")
            elif entry.is_file(follow_symlinks=False):
                yield rel, Path(entry.path)
            # anything else (a FIFO, a socket, a device) is no file to copy or publish

    if os.path.isdir(root):
        yield from walk(os.fspath(root), "")


# --- Server-rule paths in each host's own syntax ------------------------------------------------
# `rule_path` is Netlify's form. nginx and Apache match rules against the *decoded* path, and
# each config language has its own quoting; these give every writer a form that no syntax we
# write (nginx, Apache, Caddy, CSV, JSON) reads as anything but a literal path.


def rule_path_encoded(path: str) -> str:
    """A checked URL path with all but letters, digits and `/-._~%` percent-encoded: no
    quote, space, `$`, `{`, `;`, `*` or `:` is left to mean anything to a config parser."""
    return quote(check_url_path(path), safe="/%-._~")


def rule_path_decoded(path: str) -> str:
    """A checked URL path decoded (what nginx's `$uri` and Apache's per-directory rules see).
    May hold `"`, `;`, `$`, `{` or a space: only `nginx_string`/`pcre_literal` may emit it."""
    safe = check_url_path(path)
    return "/".join(decode_segment(s) for s in safe.split("/"))


def nginx_string(text: str) -> str:
    """`text` as one double-quoted nginx token. nginx reads `\\"` and `\\\\` as escapes in a
    quoted string; a checked path holds no control character that could end the line."""
    if _bad_char(text.replace(" ", "")) is not None:
        raise UnsafePath(f"{text!r} holds a control character")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pcre_literal(text: str) -> str:
    """`text` as a PCRE pattern matching exactly its UTF-8 bytes: every byte but letters,
    digits, `/`, `_` and `-` written `\\xHH`, so the pattern holds no space, quote, `$` or `%`
    that Apache's or Caddy's config parser could read."""
    keep = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-")
    return "".join(chr(b) if b in keep else f"\\x{b:02x}" for b in text.encode("utf-8"))
