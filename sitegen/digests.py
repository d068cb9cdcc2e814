"""Content digests and fingerprints: the one way sitegen names bytes and values by their
content. The build state, the plan, the config and the import use it, so it sits below them all."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date


def digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def canonical(value: object) -> object:
    """`value` as JSON data, for a fingerprint: EVERY field of a dataclass (`repr=False` or
    not, so none escapes invalidation), a `digest()` where a type has one; a type with neither
    (a path, an arbitrary object) is a TypeError, so that what it contributes is decided, not
    left to its `repr` (which may hold an absolute path or a memory address)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if callable(getattr(value, "digest", None)):
        return ["digest", value.digest()]  # type: ignore[attr-defined]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return [type(value).__name__, [[f.name, canonical(getattr(value, f.name))] for f in fields]]
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return [[canonical(k), canonical(v)] for k, v in value.items()]
    if isinstance(value, date):  # datetime too: its offset is in the ISO form
        return [type(value).__name__, value.isoformat(), str(getattr(value, "tzinfo", ""))]
    raise TypeError(f"no fingerprint for a {type(value).__name__}: give it a digest() method")


def fingerprint(*parts: object) -> str:
    """The digest of `parts` in their canonical form (see `canonical`)."""
    data = [canonical(p) for p in parts]
    return digest(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
