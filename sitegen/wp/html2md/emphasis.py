"""Resolve emphasis markers into Markdown delimiters where they parse back, HTML elsewhere.

Whether `*` opens or closes emphasis depends on the characters around the whole delimiter
run (CommonMark's left/right-flanking rules), so this runs once a paragraph is assembled.
A pair is written as `*`/`**`/`~~` only when its opening run can only open and its closing
run can only close; otherwise as `<em>`/`<strong>`/`<del>`. Falling back changes the
neighbours of other runs, so the check repeats until nothing changes.
"""

from __future__ import annotations

import re
import unicodedata

BREAK = "\ue000"
# kind -> (open marker, close marker, Markdown delimiter, HTML tag)
KINDS = {
    "em": ("\ue001", "\ue002", "*", "em"),
    "strong": ("\ue003", "\ue004", "**", "strong"),
    "del": ("\ue005", "\ue006", "~~", "del"),
}
_OPENERS = {v[0]: k for k, v in KINDS.items()}
_CLOSERS = {v[1]: k for k, v in KINDS.items()}
_MARKERS = {**_OPENERS, **_CLOSERS}
_MARKER = re.compile("[" + "".join(_MARKERS) + "]")


def resolve(text: str) -> str:
    """`text` with every emphasis marker replaced by a delimiter or an HTML tag."""
    pairs = _pairs(text)
    if not pairs:
        return text
    fallback: set[int] = set()
    changed = True
    while changed:
        changed = False
        for start, end in pairs:
            if start in fallback:
                continue
            if not (_fits(text, start, fallback, True) and _fits(text, end, fallback, False)):
                fallback.update((start, end))
                changed = True
    out = list(text)
    for start, end in pairs:
        kind = _MARKERS[text[start]]
        delimiter, html = KINDS[kind][2], KINDS[kind][3]
        if start in fallback:
            out[start], out[end] = f"<{html}>", f"</{html}>"
        else:
            out[start], out[end] = delimiter, delimiter
    return "".join(out)


def _pairs(text: str) -> list[tuple[int, int]]:
    # Only the markers' positions, found by the regex engine: most paragraphs have none, and a
    # Python loop over every character of every paragraph was a large share of the import.
    stack: list[int] = []
    pairs = []
    for match in _MARKER.finditer(text):
        i = match.start()
        if text[i] in _OPENERS:
            stack.append(i)
        elif stack:
            pairs.append((stack.pop(), i))
    return pairs


def _family(char: str) -> str:
    return KINDS[_MARKERS[char]][2][0]


def _fits(text: str, pos: int, fallback: set[int], opener: bool) -> bool:
    """True when the delimiter run holding `pos` can only open (or only close)."""

    def delimiter(i: int) -> bool:
        char = text[i]
        return char in _MARKERS and i not in fallback and _family(char) == family

    family = _family(text[pos])
    first, last = pos, pos
    while first > 0 and delimiter(first - 1):
        first -= 1
    while last + 1 < len(text) and delimiter(last + 1):
        last += 1
    run = text[first : last + 1]
    if opener and any(c in _CLOSERS for c in run):
        return False  # `*a**b*`: a closer and an opener in one run parse as neither
    before = _kind(text[first - 1]) if first > 0 else "ws"
    after = _kind(text[last + 1], after=True) if last + 1 < len(text) else "ws"
    left = after != "ws" and (after != "punct" or before != "other")
    right = before != "ws" and (before != "punct" or after != "other")
    return (left and not right) if opener else (right and not left)


def _kind(char: str, *, after: bool = False) -> str:
    """'ws', 'punct' or 'other', as CommonMark's flanking rules see the character."""
    if char == BREAK:
        return "punct" if after else "ws"  # written as a backslash and a newline
    if char in _MARKERS:
        return "punct"  # becomes `*`, `~` or `<`/`>`: punctuation either way
    if char.isspace() and char != "\xa0":
        return "ws"
    return "punct" if unicodedata.category(char)[0] in "PS" else "other"
