"""Escaping, so that text which looks like Markdown or HTML stays text.

Two kinds of escape: characters that mean something anywhere in a line (`*`, `_`, `[`, `` ` ``,
`<tag`, `&entity;`), escaped as text is emitted, and constructs that only mean something at the
start of a line (`# x`, `1. x`, `- x`, `> x`, `===`), escaped once the lines of a paragraph are
known. Escapes are kept to what is needed so the Markdown stays readable.
"""

from __future__ import annotations

import re

from markdown_it.common.normalize_url import normalizeLink

_ALWAYS = re.compile(r"[\\`*\[\]|~]")
_LT = re.compile(r"<(?=[A-Za-z/!?])")
_AMP = re.compile(r"&(?=#|[A-Za-z0-9]+;)")
_LINE_START = re.compile(
    r"^(?:#{1,6}(?=[ \t]|$)|>|[-+*](?=[ \t]|$)|[-=]+[ \t]*$|\d{1,9}(?=[.)](?:[ \t]|$)))"
)
# Private-use characters are the converter's own markers; text never carries them raw.
_PRIVATE = re.compile(r"[\ue000-\ue00f]")
# Any character one of the escapes below acts on: most runs of text have none.
_ANY = re.compile(r"[\\`*\[\]|~&<_\xa0\ue000-\ue00f]")


def escape_text(text: str) -> str:
    """Escape inline Markdown syntax in a run of (already whitespace-folded) text."""
    if not _ANY.search(text):
        return text
    text = _ALWAYS.sub(lambda m: "\\" + m.group(), text)  # first: it escapes backslashes
    text = _AMP.sub(r"\\&", text)  # before adding any `&` of our own below
    text = _PRIVATE.sub(lambda m: f"&#x{ord(m.group()):X};", text)
    text = text.replace("\xa0", "&nbsp;")
    text = _LT.sub(r"\\<", text)
    return _escape_underscores(text)


def _escape_underscores(text: str) -> str:
    # `_` between two letters or digits can neither open nor close emphasis: leave it.
    if "_" not in text:
        return text
    out = []
    for i, char in enumerate(text):
        if char == "_":
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if not (before.isalnum() and after.isalnum()):
                out.append("\\")
        out.append(char)
    return "".join(out)


def escape_line_start(line: str) -> str:
    """Escape a block construct that `line` would start (heading, list, quote, setext...)."""
    match = _LINE_START.match(line)
    if match is None:
        return line
    end = match.end()
    if match.group()[0].isdigit():
        return line[:end] + "\\" + line[end:]
    return "\\" + line


def code_span(code: str) -> str:
    """`code` as a Markdown code span (code spans take no escapes: fence with backticks)."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * (longest + 1)
    pad = (
        code.startswith("`")
        or code.endswith("`")
        or (code.startswith(" ") and code.endswith(" ") and code.strip(" ") != "")
    )
    return f"{fence} {code} {fence}" if pad else f"{fence}{code}{fence}"


def link_destination(url: str) -> str:
    """`url` as a link destination: bare when it can be, else in <...>.

    The URL is percent-encoded the way the renderer would encode it anyway, so that what the
    file says is what the page links to (and converting the page again changes nothing).
    """
    url = normalizeLink(url)
    escaped = re.sub(r"[\\()]", lambda m: "\\" + m.group(), url)
    escaped = _AMP.sub(r"\\&", escaped)
    if re.search(r"[\s<>\x00-\x1f]", url) is None:
        return escaped
    inner = re.sub(r"[\\<>]", lambda m: "\\" + m.group(), url)
    inner = _AMP.sub(r"\\&", inner)
    return "<" + re.sub(r"[\n\r]", " ", inner) + ">"


def link_title(title: str) -> str:
    """` "title"` for a link or image, or "" when there is none."""
    if not title.strip():
        return ""
    escaped = re.sub(r'[\\"]', lambda m: "\\" + m.group(), " ".join(title.split()))
    return ' "' + _AMP.sub(r"\\&", escaped) + '"'


def html_escape(text: str, *, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text
