"""Which files an import reads, and the side collections next to them.

A WordPress export (`*.xml`, WXR) is read on its own: it holds its site's details, terms,
authors and attachments itself, so no side file beside it is read. Several exports (the pieces
of a big site's export), named or in a folder, are read together. A folder is read as one kind:
its `*.json` if it has any, else its `*.xml`.

`sitegen import dump/` reads every `*.json` in `dump/` (sorted, so runs are reproducible);
`sitegen import one-post.json` reads that file and the side files beside it. Side files
(categories, tags, users, media, the site index) give names, hierarchy and images; pages.json
found beside an input file only teaches where pages live (links to them resolve), while
pages.json inside an input folder, or named on the command line, is imported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.errors import Problems, SitegenError
from sitegen.wp import wxr
from sitegen.wp.export import (
    PAGES_FILE,
    SIDE_FILES,
    WpComment,
    WpMedia,
    WpPost,
    WpSite,
    WpTerm,
    WpUser,
    iter_posts,
    parse_collection,
    parse_comment,
    parse_media,
    parse_site,
    parse_term,
    parse_user,
)
from sitegen.wp.jsonfields import read_json

_COLLECTIONS: dict[str, tuple[Any, tuple[str, ...], str]] = {
    "categories.json": (parse_term, ("category",), "categories"),
    "tags.json": (parse_term, ("post_tag",), "tags"),
    "users.json": (parse_user, (), "users"),
    "media.json": (parse_media, (), "media"),
    "comments.json": (parse_comment, (), "comments"),
}


@dataclass(frozen=True)
class Source:
    path: Path
    name: str  # as the user would write it, used in every message
    content: bool  # False: read for links only (a pages.json beside an input file)
    export: bool = False  # a WordPress export (WXR), not REST JSON
    in_folder: bool = False  # found in a folder, not named: a stray non-export is skipped


@dataclass
class SideData:
    site: WpSite | None = None
    categories: dict[int, WpTerm] = field(default_factory=dict)
    tags: dict[int, WpTerm] = field(default_factory=dict)
    users: dict[int, WpUser] = field(default_factory=dict)
    media: dict[int, WpMedia] = field(default_factory=dict)
    comments: dict[int, WpComment] = field(default_factory=dict)  # by the comment's id
    wxr: wxr.WxrData | None = None  # what the exports among the inputs tell about each other


def collect(inputs: list[Path], problems: Problems) -> tuple[list[Source], list[Source]]:
    """(post files, side files), each without duplicates, in a stable order."""
    posts: dict[Path, Source] = {}
    sides: dict[Path, Source] = {}
    beside: dict[Path, Source] = {}
    for given in inputs:
        if given.is_dir():
            found = sorted(given.glob("*.json"))
            exports = [] if found else sorted(p for p in given.glob("*") if wxr.looks_like_xml(p))
            if not found and not exports:  # else the import "succeeds" having read nothing
                problems.error(
                    "no .json or .xml files in this folder", str(given), _empty_hint(given)
                )
            for path in found:
                _classify(path, str(path), posts, sides)
            for path in exports:
                posts[path.resolve()] = Source(path, str(path), True, export=True, in_folder=True)
        elif given.is_file() and wxr.looks_like_xml(given):
            posts[given.resolve()] = Source(given, str(given), True, export=True)
        elif given.is_file():
            _classify(given, str(given), posts, sides)
            for name in (*SIDE_FILES, PAGES_FILE):
                near = given.parent / name
                if near.is_file() and near.resolve() != given.resolve():
                    beside.setdefault(near.resolve(), Source(near, str(near), name == PAGES_FILE))
        else:
            problems.error(
                "no such file or folder",
                str(given),
                "give JSON files or folders of them, as saved from /wp-json/wp/v2/",
            )
    for key, src in beside.items():
        if src.path.name == PAGES_FILE:
            posts.setdefault(key, Source(src.path, src.name, content=False))
        else:
            sides.setdefault(key, src)
    return list(posts.values()), list(sides.values())


def _empty_hint(folder: Path) -> str:
    """Subfolders are not searched (a raw/ tree holds many runs); name one that has JSON."""
    inner = sorted(p.parent for p in folder.glob("*/*.json"))
    if inner:
        return f"folders are not searched recursively: give {inner[0]} itself"
    return (
        "give the folder you saved the /wp-json/wp/v2/ answers in (posts*.json...), or "
        "WordPress's export (Tools -> Export, an .xml file)"
    )


def _classify(path: Path, name: str, posts: dict[Path, Source], sides: dict[Path, Source]) -> None:
    key = path.resolve()
    if path.name in SIDE_FILES:
        sides.setdefault(key, Source(path, name, False))
    else:
        posts[key] = Source(path, name, True)  # named or in an input folder: imported


def read_posts(
    src: Source, side: SideData, *, first: bool, problems: Problems | None = None
) -> Iterator[WpPost | SitegenError]:
    """The posts of one input, JSON or export; `first`: the importer's first pass, which
    learns the exports' site details, terms, authors and attachments into `side`, and
    reports what reading repaired in `problems`."""
    if src.export:
        if side.wxr is None:
            side.wxr = wxr.WxrData()
        return wxr.read(src.path, src.name, side, learn=first)
    return iter_posts(read_json(src.path, src.name, problems if first else None), src.name)


def read_sides(sources: list[Source], problems: Problems) -> SideData:
    """Read every side file; a bad entry is reported and left out, the rest is used."""
    side = SideData()
    for src in sources:
        try:
            data = read_json(src.path, src.name, problems)
        except SitegenError as err:
            problems.add(err)
            continue
        kind = src.path.name
        if kind == "index.json":
            try:
                side.site = parse_site(data, src.name)
            except SitegenError as err:
                problems.add(err)
            continue
        parse, args, into = _COLLECTIONS[kind]
        for item in parse_collection(data, src.name, parse, *args):
            if isinstance(item, SitegenError):
                problems.add(item)
            else:
                getattr(side, into).setdefault(item.id, item)
    return side
