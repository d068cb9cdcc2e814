"""Content files: Markdown with YAML front matter (docs/content-format.md).

`dump_document` and `parse_document` are inverses: what the import writes, the build reads,
and a person can edit in between. Dates are written as ISO 8601 with the site's UTC offset.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from dataclasses import replace
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from sitegen import safepath
from sitegen.digests import digest
from sitegen.errors import SitegenError
from sitegen.model import Author, Comment, Document, Image, Seo, Term
from sitegen.yaml_emit import emit

FENCE = "---"

# Keys in the order a person reading the file wants them: what it is, when, who, where.
KEY_ORDER = (
    "title",
    "slug",
    "type",
    "status",
    "date",
    "updated",
    "author",
    "categories",
    "tags",
    "summary",
    "seo",
    "featured_image",
    "format",
    "sticky",
    "language",
    "path",
    "permalink",
    "aliases",
    "parent",
    "menu_order",
    "wp_id",
    "guid",
    "comments",
)


# libyaml's C parser when PyYAML was built with it: the build parses every file's front matter
# and the site's own YAML files (SafeLoader: timestamps resolved, for the files that want them).
# Not its emitter: that writes emoji as "\U0001F680" escapes, which nobody wants to edit.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(yaml.SafeDumper):
    """Block style, unicode as itself, and ISO 8601 dates with a `T` (PyYAML uses a space)."""


def _represent_datetime(dumper: yaml.SafeDumper, value: datetime) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line strings (captions, summaries edited by hand) read best as literal blocks.
    style = "|" if "\n" in value and value == value.strip() + "\n" * value.endswith("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(datetime, _represent_datetime)
_Dumper.add_representer(str, _represent_str)


class _Loader(SafeLoader):  # type: ignore[valid-type,misc]
    """Safe loading, but timestamps stay text: we parse dates ourselves so that a bad date is
    reported with its key and line instead of PyYAML's bare ValueError."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class AliasRefused(yaml.MarkedYAMLError):
    """A YAML alias (`*name`) where sitegen reads YAML. Its own writers never emit one, and a
    few lines of nested aliases stand for billions of values ("billion laughs"): a hand-edited
    file must not be able to make every later step of a build walk them."""

    hint = (
        "write the value out in full: sitegen does not expand YAML aliases (*name) or merge "
        "keys (<<: *name)"
    )


class SurrogateRefused(yaml.MarkedYAMLError):
    """A `\\ud800`-style escape: half of a UTF-16 pair, which no UTF-8 page can hold."""

    hint = "write the character itself, or an emoji as \\U0001F600 (eight digits)"


def load_yaml(text: str, loader: type[yaml.SafeLoader] = _Loader) -> Any:
    """`text` parsed by `loader` (front matter's by default), refusing aliases and nesting too
    deep to parse; both raise a yaml.MarkedYAMLError that `yaml_error` turns into a message."""
    if "*" in text:  # no alias without a star: most files are not parsed twice
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                raise AliasRefused(
                    problem=f"found an alias (*{event.anchor}), which sitegen does not expand",
                    problem_mark=event.start_mark,  # type: ignore[arg-type]  # libyaml's Mark
                )
    try:
        data = yaml.load(text, Loader=loader)
    except RecursionError:  # the pure-Python parser (libyaml stops at 1,000 levels itself)
        raise yaml.MarkedYAMLError(problem="nested too deeply") from None
    escape = _SURROGATE_ESCAPE.search(text)
    if escape and _has_surrogate(data):
        # libyaml refuses `"\ud800"`; PyYAML's own parser makes a text no page can be written in.
        line = text.count("\n", 0, escape.start())
        column = escape.start() - (text.rfind("\n", 0, escape.start()) + 1)
        raise SurrogateRefused(
            problem=f"found a lone surrogate escape ({escape.group()}), half of a UTF-16 pair",
            problem_mark=yaml.Mark("", escape.start(), line, column, "", 0),
        )
    return data


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(data: Any) -> bool:
    stack = [data]
    while stack:  # no aliases, so a tree: every value is visited once
        value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def dump_front_matter(meta: dict[str, Any]) -> str:
    ordered = {k: meta[k] for k in KEY_ORDER if k in meta}
    ordered.update({k: v for k, v in meta.items() if k not in ordered})
    fast = emit(ordered)  # byte-identical to the below for the shapes it knows, ~20x faster
    if fast is not None:
        return fast
    return yaml.dump(
        ordered,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
        default_flow_style=False,
    )


def dump_document(meta: dict[str, Any], body: str) -> str:
    """The text of a content file. The body always ends with exactly one newline."""
    body = body.strip("\n")
    return (
        f"{FENCE}\n{dump_front_matter(meta)}{FENCE}\n\n{body}\n"
        if body
        else f"{FENCE}\n{dump_front_matter(meta)}{FENCE}\n"
    )


def split_document(text: str, source: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, 1-based line of the body). Raises SitegenError naming the line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        raise SitegenError(
            "no front matter",
            f"{source}:1",
            "a content file starts with a line '---', then YAML, then '---'",
        )
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.rstrip() == FENCE)
    except StopIteration:
        raise SitegenError(
            "front matter is not closed",
            f"{source}:1",
            "add a line '---' after the last front matter key",
        ) from None
    try:
        meta = load_yaml("\n".join(lines[1:end])) or {}
    except yaml.MarkedYAMLError as exc:
        raise yaml_error(exc, source, "front matter", first_line=2) from None
    if not isinstance(meta, dict):
        raise SitegenError("front matter is not a mapping of keys to values", f"{source}:2")
    body_start = end + 1
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    return meta, "\n".join(lines[body_start:]), body_start + 1


YAML_HINT = (
    "close every quote and bracket; quote a value that holds ': ' or starts with [ { * & ! |"
)


def why_not_a_date(value: object) -> str:
    """` (month must be in 1..12)` for a well-formed but impossible date, else "": the user
    should not have to find the 13 in 2019-13-01 alone."""
    if not isinstance(value, str):
        return ""
    try:
        datetime.fromisoformat(value)
    except ValueError as exc:
        reason = str(exc)
        return "" if reason.startswith("Invalid isoformat") else f" ({reason})"
    return ""


def yaml_error(exc: yaml.YAMLError, source: str, what: str, first_line: int = 1) -> SitegenError:
    """The line YAML stopped at, and where what it was reading began: an unclosed quote is only
    noticed at the end of the text, far below the line to fix. `first_line`: the file's line
    of the YAML's first line (2 in front matter)."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return SitegenError(f"{what}: {exc}", source, YAML_HINT)
    line = first_line + (exc.problem_mark.line if exc.problem_mark else 0)
    message = f"{what}: {exc.problem}"
    if exc.context and exc.context_mark:
        message += f" ({exc.context} that starts on line {first_line + exc.context_mark.line})"
    return SitegenError(message, f"{source}:{line}", getattr(exc, "hint", YAML_HINT))


def _line_of(text: str, key: str) -> int:
    for i, line in enumerate(text.split("\n"), 1):
        if line.startswith(f"{key}:"):
            return i
    return 1


def read_body(site_dir: Path, doc: Document) -> str:
    """The Markdown body of `doc`, read from its content file: the one place a build reads a
    body, when it renders it, so that no stage holds every body at once. Only the lines from
    `body_line` on are read as the body (the front matter was parsed when the document was
    loaded); a file that no longer holds the body the document was loaded with (saved again
    during the build) is an error, so that a rendered body is never stored under another
    body's digest."""
    try:
        text = (site_dir / doc.source).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SitegenError(f"could not read the body: {exc}", doc.source, _AGAIN) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    body = "\n".join(text.split("\n")[doc.body_line - 1 :])
    if digest(body) != doc.body_digest:
        raise SitegenError("changed while the site was being built", doc.source, _AGAIN)
    return body


_AGAIN = "build again once the content file is saved"


# A BCP 47 language tag as browsers read `lang`: "hi", "pt-BR", "zh-Hant-TW".
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def _language(value: str, where: Any) -> str:
    if value and not _LANGUAGE.fullmatch(value):
        raise SitegenError(
            f"language: not a language tag: {value!r}",
            where("language"),
            "write a BCP 47 tag such as 'hi', 'ar' or 'pt-BR'",
        )
    return value


def parse_document(text: str, source: str, tz: tzinfo = UTC) -> Document:
    """Parse a content file into a Document; errors name the file, the line and the key.

    A date written without a UTC offset is taken to be in `tz` (the site's time zone)."""
    meta, body, body_line = split_document(text, source)

    def where(key: str) -> str:
        return f"{source}:{_line_of(text, key)}"

    def missing(key: str, hint: str) -> SitegenError:
        typo = difflib.get_close_matches(key, [str(k) for k in meta], n=1, cutoff=0.8)
        if typo:  # `tilte:` is there: point at it rather than ask for a second title
            return SitegenError(f"{key}: missing", where(typo[0]), f"rename '{typo[0]}' to '{key}'")
        return SitegenError(f"{key}: missing", where("---"), hint)

    def need_str(key: str, default: str | None = None) -> str:
        value = meta.get(key, default)
        if value is None:
            raise missing(key, f"add '{key}: ...' to the front matter")
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise SitegenError(f"{key}: expected text, got {type(value).__name__}", where(key))
        return str(value)

    def need_date(key: str, default: datetime | None = None) -> datetime:
        value = meta.get(key, default)
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = datetime.fromisoformat(value)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=tz)
        if value is None:
            raise missing(key, f"add '{key}: 2024-01-31T09:00:00+05:30'")
        raise SitegenError(
            f"{key}: not a date: {value!r}{why_not_a_date(value)}",
            where(key),
            "write dates as ISO 8601, e.g. 2024-01-31T09:00:00+05:30",
        )

    title = need_str("title")
    slug = need_str("slug", "")
    doc_type = need_str("type", "post")
    published = need_date("date")
    path = need_str("path", "")
    if not path:
        raise SitegenError("path: missing", where("---"), "add 'path: 2024/01/31/my-post/'")
    path = _page_path(path, "path", where)
    known = set(KEY_ORDER)
    return Document(
        source=source,
        title=title,
        slug=slug,
        type=doc_type,
        date=published,
        updated=need_date("updated", published),
        path=path,
        body_digest=digest(body),
        body_line=body_line,
        status=need_str("status", "publish"),
        permalink=need_str("permalink", ""),
        wp_id=_int(meta.get("wp_id", 0), "wp_id", where),
        guid=need_str("guid", ""),
        author=_author(meta.get("author"), where),
        categories=_terms(meta, "categories", where),
        tags=_terms(meta, "tags", where),
        summary=need_str("summary", ""),
        featured_image=_image(meta.get("featured_image"), where),
        format=need_str("format", "standard"),
        sticky=bool(meta.get("sticky", False)),
        language=_language(need_str("language", ""), where),
        aliases=_aliases(meta.get("aliases"), where),
        parent=_checked_parent(need_str("parent", ""), where),
        menu_order=_int(meta.get("menu_order", 0), "menu_order", where),
        extra=tuple(sorted((k, str(v)) for k, v in meta.items() if k not in known)),
        seo=_seo(meta.get("seo"), where),
        comments=_comments(meta.get("comments"), where, tz),
    )


COMMENT_HINT = (
    "each comment is a mapping: id (a whole number), author, date (ISO 8601), body "
    "(Markdown), and optionally parent (the id it answers) and url (http or https)"
)


def _comments(value: Any, where: Any, tz: tzinfo) -> tuple[Comment, ...]:
    """The `comments` list; an error names the entry and its key (`comments[2].date`)."""
    if not value:
        return ()
    if not isinstance(value, list):
        raise SitegenError("comments: expected a list", where("comments"), COMMENT_HINT)
    out = []
    for i, item in enumerate(value):
        key = f"comments[{i}]"

        def bad(what: str, key: str = key) -> SitegenError:
            return SitegenError(f"{key}{what}", where("comments"), COMMENT_HINT)

        if not isinstance(item, dict):
            raise bad(f": expected a mapping, got {item!r}")
        wp_id, parent = item.get("id"), item.get("parent", 0)
        for name, number in (("id", wp_id), ("parent", parent)):
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise bad(f".{name}: expected a whole number, got {number!r}")
        raw_date = item.get("date")
        when: Any = raw_date
        if isinstance(raw_date, str):
            with contextlib.suppress(ValueError):
                when = datetime.fromisoformat(raw_date)
        if not isinstance(when, datetime):
            raise bad(f".date: not a date: {raw_date!r}{why_not_a_date(raw_date)}")
        texts = {k: item.get(k, "") for k in ("author", "body", "url")}
        for name, text in texts.items():
            if text is None:
                texts[name] = ""
            elif not isinstance(text, str | int | float) or isinstance(text, bool):
                raise bad(f".{name}: expected text, got {type(text).__name__}")
        url = str(texts["url"]).strip()
        if url and not url.lower().startswith(("http://", "https://")):
            raise bad(f".url: only http and https links are allowed, got {url[:60]!r}")
        out.append(
            Comment(
                id=wp_id,  # type: ignore[arg-type]  # checked above
                author=str(texts["author"]),
                date=(when if when.tzinfo else when.replace(tzinfo=tz)).astimezone(tz),
                body=str(texts["body"]),
                parent=parent,
                url=url,
            )
        )
    return tuple(out)


def _seo(value: Any, where: Any) -> Seo:
    """`seo:` — title, description, canonical (http(s) URL or a path of this site), noindex."""
    if value is None or value == {}:
        return Seo()
    if not isinstance(value, dict):
        raise SitegenError(
            f"seo: expected keys (title, description, canonical, noindex), got {value!r}",
            where("seo"),
            "write seo: on its own line, then '  title: ...' indented below it",
        )
    unknown = sorted(
        str(k) for k in value if k not in ("title", "description", "canonical", "noindex")
    )
    if unknown:
        raise SitegenError(
            f"seo: unknown key {unknown[0]!r}",
            where("seo"),
            "seo: takes title, description, canonical and noindex",
        )
    texts = {}
    for key in ("title", "description", "canonical"):
        text = value.get(key, "")
        if text is None:
            text = ""
        if isinstance(text, bool) or not isinstance(text, str | int | float):
            raise SitegenError(f"seo.{key}: expected text", where("seo"))
        texts[key] = str(text).strip()
    canonical = texts["canonical"]
    if canonical and not _site_path(canonical) and _scheme(canonical) not in ("http", "https"):
        raise SitegenError(
            f"seo.canonical: {canonical[:80]!r} is neither an http(s) URL nor a path of this site",
            where("seo"),
            "write a full https:// address, a path such as /2023/09/01/post/, or remove it",
        )
    noindex = value.get("noindex", False)
    if not isinstance(noindex, bool):
        raise SitegenError("seo.noindex: expected true or false", where("seo"))
    return Seo(texts["title"], texts["description"], canonical, noindex)


def _site_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def _aliases(value: Any, where: Any) -> tuple[str, ...]:
    """A list of old paths; one path written without the list is one alias (it used to be
    split into characters, and a number was a traceback)."""
    if not value:
        return ()
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(a, str) for a in value):
        for alias in value:
            if not _page_path(alias, "aliases", where):
                raise SitegenError(
                    f"aliases: {alias!r} is the home, not an old path of this page",
                    where("aliases"),
                    "remove it: the home cannot redirect to a post",
                )
        return tuple(value)
    raise SitegenError(
        f"aliases: expected a list of paths, got {value!r}",
        where("aliases"),
        "write aliases: [2019/05/old-slug/] or one path per '- ' line",
    )


# Every path and slug in front matter becomes a file name and a line of `_redirects`: checked
# here, on every way a document is loaded, so that no later stage sees one the gate refused.
PATH_HINT = (
    "write a path under the site as WordPress publishes it (percent-encoded, e.g. "
    "2024/01/31/my-post/): no '..', '.', empty or over-long segments, no white space or "
    "control characters"
)
SLUG_HINT = (
    "a slug is one URL path segment as WordPress writes it (e.g. 5g or %e0%a4%b9): "
    "no '/', '..', white space or control characters"
)


def _page_path(value: str, key: str, where: Any) -> str:
    """`value` as a checked page path (`a/b/`, "" for the home)."""
    try:
        return safepath.check_page_path(value)
    except safepath.UnsafePath as exc:
        raise SitegenError(f"{key}: {value!r}: {exc}", where(key), PATH_HINT) from None


def _checked_parent(value: str, where: Any) -> str:
    """A page's parent: a page path, kept as written (it is matched against paths)."""
    if value:
        _page_path(value, "parent", where)
    return value


def _slug(value: str, key: str, where: Any) -> str:
    try:
        return safepath.check_slug(value)
    except safepath.UnsafePath as exc:
        raise SitegenError(f"{key}: {exc}", where(key), SLUG_HINT) from None


def _int(value: Any, key: str, where: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SitegenError(f"{key}: expected a whole number, got {value!r}", where(key))
    return value


def _author(value: Any, where: Any) -> Author | None:
    if value is None:
        return None
    if isinstance(value, str):
        return Author(slug=_slug(value, "author", where), name=value)
    if isinstance(value, dict) and value.get("slug"):
        slug = _slug(str(value["slug"]), "author", where)
        return Author(slug=slug, name=str(value.get("name") or value["slug"]))
    raise SitegenError("author: expected {name: ..., slug: ...}", where("author"))


def _terms(meta: dict[str, Any], key: str, where: Any) -> tuple[Term, ...]:
    value = meta.get(key) or []
    if not isinstance(value, list):
        raise SitegenError(f"{key}: expected a list", where(key))
    terms = []
    for item in value:
        if isinstance(item, str):
            terms.append(Term(slug=_slug(item, key, where), name=item))
        elif isinstance(item, dict) and item.get("slug"):
            parent = str(item.get("parent") or "")
            terms.append(
                Term(
                    slug=_slug(str(item["slug"]), key, where),
                    name=str(item.get("name") or item["slug"]),
                    parent=_slug(parent, key, where) if parent else "",
                )
            )
        else:
            raise SitegenError(f"{key}: each entry needs a slug, got {item!r}", where(key))
    return tuple(terms)


def _image(value: Any, where: Any) -> Image | None:
    if not value:
        return None
    if isinstance(value, str):
        return Image(url=value)
    if isinstance(value, dict) and value.get("url"):
        return Image(
            url=str(value["url"]),
            alt=str(value.get("alt") or ""),
            caption=str(value.get("caption") or ""),
            width=int(value.get("width") or 0),
            height=int(value.get("height") or 0),
            srcset=str(value.get("srcset") or ""),
        )
    raise SitegenError(
        "featured_image: expected {url: ..., alt: ..., caption: ...}", where("featured_image")
    )


def in_zone(doc: Document, tz: tzinfo) -> Document:
    """`doc` with its dates shown in the site's zone (the same instants): pages, feeds and
    date archives all read a post's date as the site's local time, as WordPress does."""
    return replace(doc, date=doc.date.astimezone(tz), updated=doc.updated.astimezone(tz))


def read_document(site_dir: Path, path: Path, tz: tzinfo = UTC) -> Document:
    source = path.relative_to(site_dir).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SitegenError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source) from None
    return in_zone(parse_document(text, source, tz), tz)
