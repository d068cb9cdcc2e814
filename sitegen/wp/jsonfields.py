"""Typed access to parsed JSON, with every problem located by file and JSON path.

`read_json` names the line and column of a syntax error (and says when a download was cut
short); `JsonObject` names `file[i].key` when a value is missing or of the wrong type.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sitegen.content import why_not_a_date
from sitegen.errors import SitegenError


def read_json(path: Path, name: str) -> Any:
    """Parse a JSON file; a SitegenError names the file, line and column of what is wrong."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SitegenError(f"cannot read: {exc.strerror}", name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SitegenError(
            f"not UTF-8 ({exc.reason} at byte {exc.start})",
            name,
            "save the file as UTF-8, as the REST API sends it",
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # An unterminated string, like a parse that runs out of text, means the input just stops.
        truncated = not text[exc.pos :].strip() or exc.msg.startswith("Unterminated string")
        hint = (
            "the file ends before the JSON does: it looks truncated; download it again"
            if truncated
            else _not_json_hint(text)
        )
        raise SitegenError(
            f"invalid JSON: {exc.msg}", f"{name}:{exc.lineno}:{exc.colno}", hint
        ) from None


def _not_json_hint(text: str) -> str:
    """Say what the file is instead: a WordPress export (WXR) or a feed is a common mistake."""
    head = text.lstrip()[:200].lower()
    if head.startswith("<?xml") or head.startswith("<rss"):
        return (
            "this is XML (a WordPress export or a feed), not the REST API's JSON: save "
            "/wp-json/wp/v2/posts?per_page=100&page=N instead, or use --from URL"
        )
    if head.startswith("<"):
        return "this is an HTML page, not JSON; was it saved from an error or login page?"
    return "the file is not valid JSON; was it saved from an error page?"


def kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


class JsonObject:
    """Typed access to one JSON object; errors name `where.key`."""

    def __init__(self, obj: Any, where: str, what: str = "a post") -> None:
        if not isinstance(obj, dict):
            raise SitegenError(f"expected {what} (an object), got {kind(obj)}", where)
        self.obj = obj
        self.where = where

    def loc(self, key: str) -> str:
        return f"{self.where}.{key}"

    def get(self, key: str, default: Any = None) -> Any:
        value = self.obj.get(key, default)
        return default if value is None else value

    def need(self, key: str) -> Any:
        if self.obj.get(key) is None:
            raise SitegenError("missing", self.loc(key), f"every object here needs '{key}'")
        return self.obj[key]

    def int_(self, key: str, default: int | None = None) -> int:
        value = self.need(key) if default is None else self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise SitegenError(
                f"expected a whole number, got {kind(value)} {short(value)}", self.loc(key)
            )
        return value

    def str_(self, key: str, default: str | None = None) -> str:
        value = self.need(key) if default is None else self.get(key, default)
        if not isinstance(value, str):
            raise SitegenError(f"expected text, got {kind(value)} {short(value)}", self.loc(key))
        return value

    def bool_(self, key: str) -> bool:
        value = self.get(key, False)
        if not isinstance(value, bool):
            raise SitegenError(f"expected true or false, got {short(value)}", self.loc(key))
        return value

    def rendered(self, key: str, *, required: bool = True) -> str:
        """`{"rendered": "..."}` as the API gives it; a bare string is accepted too."""
        value = self.need(key) if required else self.get(key, "")
        if isinstance(value, dict):
            value = value.get("rendered")
            if not isinstance(value, str):
                raise SitegenError(f"expected text, got {kind(value)}", self.loc(f"{key}.rendered"))
        if not isinstance(value, str):
            raise SitegenError(f'expected {{"rendered": text}}, got {kind(value)}', self.loc(key))
        return value

    def date(self, key: str, *, required: bool = True) -> datetime | None:
        value = self.need(key) if required else self.obj.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
                offset = parsed.utcoffset()
                return parsed if offset is None else (parsed - offset).replace(tzinfo=None)
            except ValueError:
                pass
        raise SitegenError(
            f"not a date: {short(value)}{why_not_a_date(value)}",
            self.loc(key),
            "WordPress writes dates as 2023-09-01T11:51:47",
        )

    def ids(self, key: str) -> tuple[int, ...]:
        value = self.get(key, [])
        if not isinstance(value, list):
            raise SitegenError(f"expected a list of ids, got {kind(value)}", self.loc(key))
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, int):
                raise SitegenError(f"expected an id, got {short(item)}", f"{self.loc(key)}[{i}]")
        return tuple(value)

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SitegenError("expected a list of texts", self.loc(key))
        return tuple(value)


def short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
