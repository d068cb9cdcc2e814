"""A small, bounded reader for PHP's `serialize()` format: strings, numbers, booleans, null and
arrays only.

WordPress stores an attachment's sizes (`_wp_attachment_metadata`) serialized, and an export
carries that text as it is. PHP's own `unserialize` on untrusted text is a known hazard (objects
are built and their magic methods run), and so are the generic Python ports that mimic it: this
reader builds nothing but dicts, refuses objects (`O:`, `C:`), references and anything it does not
know, and stops at a size, depth and item count no real attachment comes near.
"""

from __future__ import annotations

from typing import Any

MAX_BYTES = 1 << 20
MAX_DEPTH = 16
MAX_ITEMS = 20_000


class NotSerialized(ValueError):
    """The text is not a PHP serialization this reader accepts."""


def loads(text: str) -> Any:
    """The value `text` serializes; NotSerialized if it is anything else or too big."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_BYTES:
        raise NotSerialized("too long")
    reader = _Reader(data)
    value = reader.value(0)
    if reader.pos != len(data):
        raise NotSerialized(f"unexpected data at byte {reader.pos}")
    return value


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.items = 0

    def value(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise NotSerialized("nested too deeply")
        self.items += 1
        if self.items > MAX_ITEMS:
            raise NotSerialized("too many items")
        kind = self.data[self.pos : self.pos + 2]
        if kind == b"N;":
            self.pos += 2
            return None
        self.pos += 2
        if kind == b"i:":
            return self.integer(self.until(b";"))
        if kind == b"b:":
            flag = self.until(b";")
            if flag not in (b"0", b"1"):
                raise NotSerialized("bad boolean")
            return flag == b"1"
        if kind == b"d:":
            try:
                return float(self.until(b";"))
            except ValueError:
                raise NotSerialized("bad float") from None
        if kind == b"s:":
            return self.string()
        if kind == b"a:":
            return self.array(depth)
        raise NotSerialized(f"unsupported value {kind!r} at byte {self.pos - 2}")

    def until(self, stop: bytes) -> bytes:
        end = self.data.find(stop, self.pos, self.pos + 32)
        if end == -1:
            raise NotSerialized(f"unterminated value at byte {self.pos}")
        found, self.pos = self.data[self.pos : end], end + 1
        return found

    def integer(self, raw: bytes) -> int:
        if not raw.lstrip(b"-").isdigit():
            raise NotSerialized("bad integer")
        return int(raw)

    def string(self) -> str:
        length = self.integer(self.until(b":"))
        start = self.pos + 1
        end = start + length
        if length < 0 or self.data[self.pos : start] != b'"' or self.data[end : end + 2] != b'";':
            raise NotSerialized(f"bad string at byte {self.pos}")
        self.pos = end + 2
        return self.data[start:end].decode("utf-8", "replace")

    def array(self, depth: int) -> dict[Any, Any]:
        count = self.integer(self.until(b":"))
        if count < 0 or count > MAX_ITEMS or self.data[self.pos : self.pos + 1] != b"{":
            raise NotSerialized(f"bad array at byte {self.pos}")
        self.pos += 1
        out: dict[Any, Any] = {}
        for _ in range(count):
            key = self.value(depth + 1)
            if not isinstance(key, int | str) or isinstance(key, bool):
                raise NotSerialized("bad array key")
            out[key] = self.value(depth + 1)
        if self.data[self.pos : self.pos + 1] != b"}":
            raise NotSerialized(f"bad array end at byte {self.pos}")
        self.pos += 1
        return out
