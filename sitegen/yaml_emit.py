"""A fast YAML emitter for the shapes front matter has, byte-identical to PyYAML's.

PyYAML's pure-Python emitter was ~30 % of an import's CPU (an event, a node and a per-character
analysis for every scalar); libyaml's is fast but escapes emoji as `\\U0001F680`. This module
writes the few shapes the import produces (str, int, bool, None, date/datetime, and non-empty or
empty lists and dicts of those, nested) exactly as `content._Dumper` would: the same style
choices (plain, single-quoted, literal block), the same indentation.

It is an accelerator, not a second dialect: `emit` returns None for anything it does not know
to be safe (double-quoted scalars, lines long enough for PyYAML to fold, floats, shared objects
PyYAML would write as anchors, odd keys ...) and the caller then uses PyYAML. A hypothesis
property test (tests/core/test_yaml_emit.py) checks it against PyYAML byte for byte.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import yaml

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# BaseResolver.resolve's lists: the resolvers for a value's first character, then the wildcard
# ones. Most text starts with a character that has none.
_Resolvers = list[tuple[str, "re.Pattern[str]"]]
_WILDCARD: _Resolvers = list(yaml.SafeDumper.yaml_implicit_resolvers.get(None) or [])
_RESOLVERS: dict[str | None, _Resolvers] = {
    first: [*resolvers, *_WILDCARD]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}

# Characters PyYAML's analysis counts as "special" (or as line breaks other than \n): any of
# them means a double-quoted scalar or a multi-line quoted one, which is left to PyYAML.
# (\x85, \u2028 and \u2029 are line breaks to YAML, hence the gaps.)
_NOT_SIMPLE = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]"
)
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_BLOCK_START = frozenset("#,[]{}&*!|>'\"%@` ")  # a plain scalar cannot start with these
_WIDTH = 10_000  # content._Dumper's width: PyYAML folds lines past it, which we leave to it
_INDENT = 2


class _Fallback(Exception):
    """This value is not one the fast emitter is sure to write as PyYAML does."""


def _resolve(value: str) -> str:
    """The tag PyYAML's resolver gives a plain scalar `value` (BaseResolver.resolve)."""
    for tag, regexp in _RESOLVERS.get(value[0] if value else "", _WILDCARD):
        if regexp.match(value):
            return str(tag)
    return _STR


@lru_cache(maxsize=1024)
def _plain_key(key: str) -> bool:
    """A key PyYAML writes plain, as a simple key (the same two dozen keys, over and over)."""
    return len(key) <= 100 and _KEY.match(key) is not None and _resolve(key) == _STR


def _plain_allowed(text: str) -> bool:
    """PyYAML's `allow_block_plain` for a one-line scalar without special characters."""
    return not (
        text[0] in _BLOCK_START
        or text[-1] in " :"
        or (text[0] in "?:-" and (len(text) == 1 or text[1] == " "))
        or text.startswith(("---", "..."))
        or ": " in text
        or " #" in text
    )


def _string(text: str, column: int, indent: int) -> str:
    """A str value written at `column`, as a mapping value or sequence item whose block
    content would be indented by `indent` (content._represent_str's style choices)."""
    if _NOT_SIMPLE.search(text):
        raise _Fallback
    if "\n" in text:
        # content._represent_str asks for a literal block when the text has no outer blanks;
        # PyYAML grants it unless a line ends in a space. Anything else is double-quoted.
        if text != text.strip() + "\n" * text.endswith("\n") or " \n" in text:
            raise _Fallback
        hint = "" if text.endswith("\n") else "-"
        pad = " " * indent
        lines = (pad + line if line else "" for line in text.rstrip("\n").split("\n"))
        return f"|{hint}\n" + "\n".join(lines)
    # Past the width, PyYAML breaks a long line at a space: that is its business.
    if column + 2 * len(text) + 2 >= _WIDTH:
        raise _Fallback
    if text and _plain_allowed(text) and _resolve(text) == _STR:
        return text
    return "'" + text.replace("'", "''") + "'"


def _implicit(text: str, tag: str) -> str:
    """A scalar PyYAML writes plain because it resolves to its own tag."""
    if _resolve(text) != tag or not _plain_allowed(text):
        raise _Fallback
    return text


class _Emitter:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.seen: set[int] = set()  # PyYAML writes an object met twice as an &anchor

    def once(self, value: object) -> None:
        if id(value) in self.seen:
            raise _Fallback
        self.seen.add(id(value))

    def scalar(self, value: Any, column: int, indent: int) -> str:
        kind = type(value)
        if kind is str:
            return _string(value, column, indent)
        if kind is bool:
            return "true" if value else "false"
        if value is None:
            return "null"
        if kind is int:
            return _implicit(str(value), _INT)
        if kind is datetime or kind is date:
            self.once(value)
            return _implicit(value.isoformat(), _TIMESTAMP)
        raise _Fallback  # floats, tuples, subclasses...: PyYAML's own rules

    def mapping(self, data: dict[Any, Any], indent: int, inline: bool) -> None:
        """Keys at column `indent`; `inline`: the first key follows a `- ` already written."""
        self.once(data)
        for i, (key, value) in enumerate(data.items()):
            if type(key) is not str or not _plain_key(key):
                raise _Fallback
            if i or not inline:
                self.out.append(" " * indent)
            self.out.append(key + ":")
            self.value(value, indent + len(key) + 1, indent, in_mapping=True)

    def sequence(self, data: list[Any], indent: int, inline: bool) -> None:
        """Items' dashes at column `indent`; `inline`: the first follows a `- `."""
        self.once(data)
        for i, item in enumerate(data):
            if i or not inline:
                self.out.append(" " * indent)
            self.out.append("-")
            self.value(item, indent + 1, indent, in_mapping=False)

    def value(self, value: Any, column: int, indent: int, in_mapping: bool) -> None:
        """`value` after a `key:` or `-` that ends at `column`, in a collection at `indent`."""
        kind = type(value)
        if kind is dict or kind is list:
            if not value:
                self.once(value)
                self.out.append(" {}\n" if kind is dict else " []\n")
            elif kind is dict and in_mapping:
                self.out.append("\n")
                self.mapping(value, indent + _INDENT, inline=False)
            elif kind is dict:
                self.out.append(" ")
                self.mapping(value, indent + _INDENT, inline=True)
            elif in_mapping:  # a list under a key: dashes at the key's column
                self.out.append("\n")
                self.sequence(value, indent, inline=False)
            else:
                self.out.append(" ")
                self.sequence(value, indent + _INDENT, inline=True)
            return
        self.out.append(" " + self.scalar(value, column + 1, indent + _INDENT) + "\n")


def emit(data: dict[str, Any]) -> str | None:
    """`data` as content._Dumper writes it (block style, unicode as itself, no sorting), or
    None when PyYAML must do it."""
    if type(data) is not dict or not data:
        return None
    emitter = _Emitter()
    try:
        emitter.mapping(data, 0, inline=False)
    except _Fallback:
        return None
    return "".join(emitter.out)
