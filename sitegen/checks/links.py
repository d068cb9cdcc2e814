"""Offline internal-link checker: every href/src/srcset/poster of every page must resolve.

A link resolves when the file exists (a URL ending in "/" means its index.html), when a `200`
rewrite of `_redirects` maps it to a file (feeds: /feed/ -> /feed/index.xml), or when it is the
source of a redirect (old WordPress URLs are valid link targets); a `#fragment` must name an id
in the target page. Links outside the site's base path, other hosts and other schemes are not
this checker's business (an offline build cannot know them).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.checks.files import as_files
from sitegen.errors import Problem
from sitegen.parallel import ordered_map

LINK_ATTRS = {"href", "src", "poster", "srcset"}
SKIP_SCHEMES = ("mailto:", "tel:", "data:", "javascript:", "sms:")


_HIDDEN = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)(\s[^>]*)?>")  # every start tag (tests compare)
# A start tag with an attribute _collect may read (srcset contains src; names match without
# case, as they are lowercased). The other tags (<p>, <li>, <div class=...>) add nothing to a
# page, and skipping them in the regex, not in Python, halves the parse: ~160 tags a page.
# Same matches as _TAG's restricted to these: a match ends at the first ">" after its "<", so a
# wanted tag can never start inside a skipped one (that one would contain the same attribute).
# The one-letter test before the names is only there for speed.
_LINKED_TAG = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9-]*)(?=\s[^>]*?(?=(?i:[hspin]))(?i:href|src|poster|id|name))(\s[^>]*)>"
)
_ATTR = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


@dataclass
class _Page:
    links: list[tuple[int, str]] = field(default_factory=list)  # (line, URL)
    ids: set[str] = field(default_factory=set)


def _parse(data: bytes) -> _Page:
    """Links and ids of a page. A tokenizer over tags, not a full HTML parser: it reads the
    start tags of well-formed markup (which the build writes) and is ~10x faster than
    html.parser on a site of thousands of pages. Comments, scripts and styles are skipped."""
    text = data.decode("utf-8", errors="replace")
    text = _HIDDEN.sub(lambda m: "\n" * m.group(0).count("\n"), text)  # keep line numbers
    page, line, last = _Page(), 1, 0
    for tag in _LINKED_TAG.finditer(text):
        line += text.count("\n", last, tag.start())
        last = tag.start()
        attrs = {  # findall: tuples made in C, not a match object per attribute
            name.lower(): html.unescape(double or single or bare)
            for name, double, single, bare in _ATTR.findall(tag.group(2))
        }
        _collect(tag.group(1).lower(), attrs, line, page)
    return page


def _collect(tag: str, attrs: dict[str, str], line: int, page: _Page) -> None:
    if "id" in attrs:
        page.ids.add(attrs["id"])
    if tag == "a" and "name" in attrs:
        page.ids.add(attrs["name"])
    if tag == "link" and attrs.get("rel") == "canonical":
        return  # the public URL, which an offline check cannot see
    for key in LINK_ATTRS & attrs.keys():
        if key == "srcset":
            page.links += [(line, c.split()[0]) for c in attrs[key].split(",") if c.strip()]
        else:
            page.links.append((line, attrs[key].strip()))


@dataclass
class Rewrites:
    """The 200 rewrites of `_redirects`, first match wins (as on Netlify). Exact paths (one per
    feed folder: two per post on a site with comments) are looked up, not scanned: a scan of
    20,000 patterns for each link to a feed folder made the link check quadratic."""

    exact: dict[str, tuple[int, str]] = field(default_factory=dict)  # src -> (rule no., dest)
    patterns: list[tuple[int, re.Pattern[str], str]] = field(default_factory=list)

    def add(self, src: str, dest: str) -> None:
        number = len(self.exact) + len(self.patterns)
        if ":" not in src and "*" not in src:
            self.exact.setdefault(src, (number, dest))
            return
        pattern = re.sub(r":([a-z]+)", r"(?P<\1>[^/]+)", re.escape(src).replace("\\:", ":"))
        self.patterns.append((number, re.compile(f"^{pattern}$"), dest))

    def find(self, rel: str) -> str | None:
        """Where the first rule that matches `rel` rewrites it to, or None."""
        exact = self.exact.get(rel)
        for number, pattern, dest in self.patterns:
            if exact is not None and exact[0] < number:
                break
            found = pattern.match(rel)
            if found:
                return _fill(dest, found.groupdict())
        return exact[1] if exact is not None else None


def redirect_rules(files: Mapping[str, bytes], base_path: str) -> tuple[Rewrites, set[str]]:
    """(200 rewrites over site-relative paths, redirect sources) read from `_redirects`."""
    rewrites = Rewrites()
    sources: set[str] = set()
    if "_redirects" not in files:
        return rewrites, sources
    for line in files["_redirects"].decode("utf-8").splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[0].startswith("#") or not parts[0].startswith(base_path):
            continue
        src, dest = parts[0][len(base_path) :], parts[1][len(base_path) :]
        if parts[2] == "200":
            rewrites.add(src, dest)
        else:
            sources.add(src)
    return rewrites, sources


def _fill(dest: str, values: dict[str, str]) -> str:
    return re.sub(r":([a-z]+)", lambda m: values[m.group(1)], dest)


def _target_file(rel: str, files: Mapping[str, bytes]) -> str | None:
    decoded = unquote(rel)
    for candidate in (
        decoded + "index.html" if decoded.endswith("/") or not decoded else decoded,
        decoded + "/index.html",
    ):
        if candidate in files:
            return candidate
    return None


# Files pages fetch by script, not link (the search index's data): left out of what every
# page's result depends on (checks.linkstate); a link to one makes the file a target instead.
UNLINKED = ("search/idx/", "search/docs/", "search/text/", "search/filter/", "search/meta.json")


def unlinked(name: str) -> bool:
    """Whether the output file `name` is search data (UNLINKED), at the output's root or in
    the site's folder under a base path (`web/search/idx/…`)."""
    at = name.find("search/")
    return at >= 0 and (at == 0 or name[at - 1] == "/") and name[at:].startswith(UNLINKED)


@dataclass
class PageResult:
    """One page's broken links, and the pages whose ids its `#fragment` links were checked in."""

    problems: list[Problem] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)


def check_links(site: Path | Mapping[str, bytes], base_path: str = "/") -> list[Problem]:
    """Broken internal links of a built site, one Problem per link, in file order."""
    results = check_pages(as_files(site), base_path)
    return [problem for result in results.values() for problem in result.problems]


def check_pages(
    files: Mapping[str, bytes],
    base_path: str,
    reuse: Callable[[str], PageResult | None] | None = None,
) -> dict[str, PageResult]:
    """Each HTML page's result, in file order. `reuse(page)` may return the last check's
    result for a page whose inputs did not change (the build knows which): only the other pages
    are parsed, and parsing is most of the work (done by a process pool).

    Each page is checked as its parse arrives; only its ids are kept, for `#fragment` links
    into it (all pages' parsed links, kept until the end, were 170 MB at 10,000 posts)."""
    check = _Checker(files, base_path)
    results = {page: reuse(page) if reuse else None for page in files if page.endswith(".html")}
    todo = [page for page, result in results.items() if result is None]
    for page, parsed in zip(
        todo, ordered_map(lambda i: _parse(files[todo[i]]), len(todo)), strict=True
    ):
        check.ids[page] = parsed.ids
        results[page] = check.page(page, parsed.links)
    return {page: result or PageResult() for page, result in results.items()}


class _Checker:
    """What checking one link needs to know about the whole output, and what it learnt."""

    def __init__(self, files: Mapping[str, bytes], base_path: str) -> None:
        self.files, self.base_path = files, base_path
        self.ids: dict[str, set[str]] = {}  # page -> its ids
        self.known: dict[str, tuple[str, str]] = {}  # root-relative link -> _check_one's answer

    @cached_property
    def _rules(self) -> tuple[Rewrites, set[str]]:
        # Read when a link first needs them: an edit checks a few pages, and reading the
        # rules of a 10,000-post site was most of what its link check cost.
        return redirect_rules(self.files, self.base_path)

    @property
    def rewrites(self) -> Rewrites:
        return self._rules[0]

    @property
    def sources(self) -> set[str]:
        return self._rules[1]

    def page(self, page: str, links: list[tuple[int, str]]) -> PageResult:
        result = PageResult()
        page_url = self.base_path + (page.removesuffix("index.html"))
        for line, link in links:
            if link in self.known:
                problem, target = self.known[link]
            else:
                problem, target = self._check_one(link, page_url)
                if link.startswith("/") and not link.startswith("//"):
                    self.known[link] = problem, target
            if target:
                result.targets.add(target)
            if problem:
                result.problems.append(
                    Problem(f"broken link {link} ({problem})", f"{page}:{line}", warning=True)
                )
        return result

    def _check_one(self, link: str, page_url: str) -> tuple[str, str]:
        """(the problem with `link`, or ""; the page whose ids its #fragment was checked in)."""
        try:
            elsewhere = bool(urlsplit(link).netloc)
            url = urlsplit(urljoin(page_url, link))
        except ValueError:  # `https://[::1/x`: no browser can follow it either
            return "not a valid URL", ""
        if not link or link.startswith(SKIP_SCHEMES) or elsewhere or link.startswith("//"):
            return "", ""
        if not url.path.startswith(self.base_path):
            return f"outside the site's base path {self.base_path}", ""
        rel = url.path[len(self.base_path) :]
        target = _target_file(rel, self.files)
        rewritten = self.rewrites.find(rel) if target is None else None
        if target is None and rewritten is not None:
            target = _target_file(rewritten, self.files)
        if unlinked(unquote(rel)):  # not in linkstate's digest of names: a target
            return ("" if target else "no such file in the site"), target or unquote(rel)
        if target is None:
            return "" if rel in self.sources else "no such file in the site", ""
        if url.fragment and target.endswith(".html") and url.fragment != "top":
            if target not in self.ids:  # a page not parsed yet (or reused): parsed here
                self.ids[target] = _parse(self.files[target]).ids
            if unquote(url.fragment) not in self.ids[target]:
                return f"no id={url.fragment!r} in {target}", target
            return "", target
        return "", ""
