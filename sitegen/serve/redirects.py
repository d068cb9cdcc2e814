"""Netlify-style `_redirects`, applied by the preview server the way Netlify applies them.

One rule a line: `FROM [key=value ...] TO [STATUS[!]] [conditions]`, `#` comments, first match
wins. What we implement, because the build writes it and a mirror lives on its old links:

- `:name` placeholders match one path segment, a trailing `*` matches the rest (`:splat`);
- query conditions `p=:id` (the parameter must be present; `:id` takes its value) or `p=42`;
- status 301 (default), 302, 303, 307, 308 redirect; 200 rewrites; 404 and 410 serve the target
  with that status;
- `!` forces a rule; otherwise a file that exists at the path wins ("shadowing");
- `/a` and `/a/` match the same rules (Netlify normalises the trailing slash);
- the request's query string is passed on to a redirect target unless the rule matched on
  query parameters or the target has its own.

Rules with Country/Language/Role/Cookie conditions cannot be decided locally; they are skipped
with a warning rather than applied to everyone.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from sitegen.errors import Problems

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
CODES = REDIRECT_CODES | {200, 404, 410}


@dataclass(frozen=True)
class Rule:
    source: str
    query: tuple[tuple[str, str], ...]
    target: str
    status: int
    force: bool
    line: int


@dataclass(frozen=True)
class Match:
    rule: Rule
    location: str  # the target with placeholders filled in (and the query passed on)


def parse_redirects(text: str, source: str = "_redirects") -> tuple[list[Rule], Problems]:
    """Every well-formed rule, and a problem naming the line of each one that is not."""
    rules: list[Rule] = []
    problems = Problems()
    for number, line in enumerate(text.splitlines(), 1):
        tokens = line.split()
        if not tokens or tokens[0].startswith("#"):
            continue
        where = f"{source}:{number}"
        rule, error = _parse_rule(tokens, number)
        if rule is None:
            problems.warn(error, where, "write `FROM [param=:value] TO [STATUS][!]`")
        else:
            rules.append(rule)
    return rules, problems


def _parse_rule(tokens: list[str], line: int) -> tuple[Rule | None, str]:
    source, rest = tokens[0], tokens[1:]
    if not source.startswith("/"):
        return None, f"a rule's source must be a path starting with '/', got {source!r}"
    query = []
    while rest and "=" in rest[0] and not _is_target(rest[0]):
        key, _, value = rest.pop(0).partition("=")
        query.append((key, value))
    if not rest:
        return None, "a rule needs a target"
    target, rest = rest[0], rest[1:]
    status, force = 301, False
    if rest and re.fullmatch(r"\d{3}!?", rest[0]):
        status, force = int(rest[0][:3]), rest[0].endswith("!")
        rest = rest[1:]
        if status not in CODES:
            return None, f"status {status} is not one sitegen serve understands"
    if rest:
        return None, f"conditions {' '.join(rest)!r} cannot be checked locally; rule skipped"
    return Rule(source, tuple(query), target, status, force, line), ""


def _is_target(token: str) -> bool:
    return token.startswith(("/", "http://", "https://"))


def _pattern(source: str) -> re.Pattern[str]:
    path = unquote(source).rstrip("/") or "/"
    splat = path.endswith("/*") or path == "*"
    if splat:
        path = path[:-2] if path.endswith("/*") else ""
    parts = []
    for seg in re.split(r"(:[A-Za-z_]\w*)", path):
        parts.append(f"(?P<{seg[1:]}>[^/]+)" if seg.startswith(":") else re.escape(seg))
    body = "".join(parts)
    return re.compile(body + r"(?:/(?P<splat>.*))?" if splat else body)


@functools.cache
def _literal(source: str) -> str | None:
    """The path a rule without placeholders matches (decoded, no trailing slash), else None."""
    path = unquote(source)
    return None if ":" in path or "*" in path else path.rstrip("/") or "/"


def match_rule(rule: Rule, path: str, params: dict[str, list[str]]) -> dict[str, str] | None:
    """The placeholder values if `rule` matches this (percent-decoded) path and query."""
    # Cheap refusals first: a site has a rule or two per post, and compiling each one's
    # pattern on every request (more than `re` caches) made a page take most of a second.
    if any(key not in params for key, _ in rule.query):
        return None
    literal = _literal(rule.source)
    if literal is not None:
        if literal != (path.rstrip("/") or "/"):
            return None
        values = {"splat": ""}
    else:
        found = _pattern(rule.source).fullmatch(path.rstrip("/") or "/")
        if found is None:
            return None
        values = {k: v for k, v in found.groupdict().items() if v is not None}
        values.setdefault("splat", "")
    for key, want in rule.query:
        got = params.get(key)
        if not got:
            return None
        if want.startswith(":"):
            values[want[1:]] = got[0]
        elif want != got[0]:
            return None
    return values


def fill_target(rule: Rule, values: dict[str, str], query_string: str) -> str:
    target = rule.target
    for name in sorted(values, key=len, reverse=True):  # `:id` must not eat `:identifier`
        target = target.replace(f":{name}", quote(values[name], safe="/"))
    if rule.status in REDIRECT_CODES and query_string and not rule.query and "?" not in target:
        target += "?" + query_string
    return target


def find(
    rules: list[Rule],
    path: str,
    params: dict[str, list[str]],
    query_string: str,
    *,
    file_exists: bool,
) -> Match | None:
    """The first rule that applies; unforced rules yield to a file that exists (shadowing)."""
    for rule in rules:
        if file_exists and not rule.force:
            continue
        values = match_rule(rule, path, params)
        if values is not None:
            return Match(rule, fill_target(rule, values, query_string))
    return None
