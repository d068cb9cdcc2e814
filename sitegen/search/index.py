"""A static full-text search index, split into small files the browser loads on demand.

Why not Pagefind: its output is not byte-stable (two runs over the same pages give different
filter and metadata files, checked with pagefind 1.5.2), which would break sitegen's promise of
byte-identical builds and make every publish re-upload the index. This index is a pure function
of the posts, so an unchanged site gives identical files and one edited post changes only the
shards that hold its words.

Layout under `search/` (all JSON, UTF-8):
- `meta.json`: format version, document count, chunk sizes, the shard keys that exist, and the
  filter values (categories with their names, years) for the search form.
- `idx/<key>.json`: the postings of every term whose first two characters are `key` (hex of
  their UTF-8 bytes): `{term: [docgap, weight, docgap, weight, ...]}`. Loaded per query word.
- `filter/<name>/<value>.json`: sorted document numbers, for category and year filters.
- `docs/<n>.json`: title, URL, date, summary, section and thumbnail of documents n*DOC_CHUNK on.
- `text/<n>.json`: the plain text of documents n*TEXT_CHUNK onwards, for highlighted excerpts.

The tokenizer is mirrored exactly by `themes/default/static/search.js`; a browser test checks the
two agree on Latin, Devanagari, Arabic and CJK text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from sitegen import safepath
from sitegen.errors import SitegenError
from sitegen.model import Document
from sitegen.site.assemble import Site

FORMAT = 1
DOC_CHUNK = 100
TEXT_CHUNK = 20
MAX_TEXT = 20_000  # characters of body text kept per document for excerpts
TITLE_WEIGHT, TERM_WEIGHT, BODY_CAP = 10, 4, 10

# Letters, digits and the combining marks that Indic, Arabic, Thai and Khmer words are built
# with: Python's \w leaves the marks out and would cut "नमस्ते" into pieces. search.js uses
# the same class: [\p{L}\p{N}_] plus these ranges.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u200c\u200d"
)
_WORD = re.compile(f"[\\w{_MARKS}]+")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def tokenize(text: str) -> list[str]:
    """Words, lower-cased and NFKC-normalised; runs of CJK characters become bigrams."""
    text = unicodedata.normalize("NFKC", text).lower()
    words: list[str] = _WORD.findall(text)
    if not _CJK.search(text):
        return words  # one search per text, not per word: 10,000 bodies have 8 million words
    out: list[str] = []
    for word in words:
        if not _CJK.search(word):
            out.append(word)
            continue
        for run in re.split(f"({_CJK.pattern}+)", word):
            if not run:
                continue
            if not _CJK.match(run) or len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def shard_key(term: str) -> str:
    return term[:2].encode("utf-8").hex()


@dataclass(frozen=True)
class SearchDoc:
    url: str
    title: str
    date: str  # ISO 8601
    summary: str
    text: str  # plain text of the body
    categories: tuple[tuple[str, str], ...] = ()  # (slug, name)
    tags: tuple[str, ...] = ()
    author: str = ""
    section: str = ""  # the post's first category: the result's kicker
    image: str = ""  # a thumbnail on this site (root-relative, without the base path), or ""

    @property
    def year(self) -> str:
        return self.date[:4]


class _TextExtractor(HTMLParser):
    """Visible text of an HTML fragment (stdlib parser: the build side does not use html5lib)."""

    _SKIP = frozenset({"script", "style", "template", "iframe"})
    _BLOCK = frozenset({"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def dump(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def labels(doc: SearchDoc) -> str:
    """The words a document is filed under (categories, tags, author), weighted TERM_WEIGHT."""
    return " ".join([*(name for _, name in doc.categories), *doc.tags, doc.author])


def term_weights(text: str, title: str, labelled: str) -> dict[str, int]:
    """term -> weight of one document: a function of its text, title and labels only."""
    weights: Counter[str] = Counter()
    for term, count in Counter(tokenize(text)).items():
        weights[term] = min(count, BODY_CAP)
    for term in set(tokenize(title)):
        weights[term] += TITLE_WEIGHT
    for term in set(tokenize(labelled)):
        weights[term] += TERM_WEIGHT
    return dict(weights)


# One document's weights, small: term numbers (of a Vocab) and weights (at most
# BODY_CAP + TITLE_WEIGHT + TERM_WEIGHT = 24, so one byte each), in the same order.
Compact = tuple["array[int]", bytes]


class Vocab:
    """Every term seen, numbered: what is kept per document are numbers, not strings."""

    def __init__(self, terms: list[str] | None = None) -> None:
        self.terms: list[str] = terms or []
        self.ids = {term: number for number, term in enumerate(self.terms)}

    def encode(self, weights: Mapping[str, int]) -> Compact:
        ids, terms = self.ids, self.terms
        for term in weights:
            if term not in ids:
                ids[term] = len(terms)
                terms.append(term)
        return array("I", map(ids.__getitem__, weights)), bytes(weights.values())


def order(docs: Iterable[SearchDoc]) -> list[SearchDoc]:
    """Documents by number: newest first (an edit that keeps the date keeps every number)."""
    return sorted(docs, key=lambda d: (d.date, d.url), reverse=True)


def build_index(docs: Iterable[SearchDoc]) -> dict[str, bytes]:
    """Every file of the index, by path relative to the site root. Deterministic; a build
    assembles the same files from the documents' kept weights (sitegen.build.state.searchindex)."""
    ordered = order(docs)
    vocab = Vocab()
    weights = [vocab.encode(term_weights(d.text, d.title, labels(d))) for d in ordered]
    files = dict(shard_files(weights, vocab))
    files.update(text_files([d.text for d in ordered]))
    files.update(listing_files(ordered, files))
    return files


def postings(weights: Iterable[Compact]) -> dict[int, array[int]]:
    """Term number -> [docgap, weight, docgap, weight, ...] in document order. Unsigned
    32-bit arrays, not lists: every posting of the site is held at once (a list spends 8 bytes
    a slot on a pointer, plus an object for each number past 256)."""
    flat: dict[int, array[int]] = {}
    last: dict[int, int] = {}
    for number, (ids, values) in enumerate(weights):
        for term, weight in zip(ids, values, strict=True):
            entries = flat.get(term)
            if entries is None:
                flat[term] = array("I", (number, weight))
            else:
                entries.extend((number - last[term], weight))
            last[term] = number
    return flat


def shard_files(weights: Iterable[Compact], vocab: Vocab) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of each shard, one at a time: a shard's postings are dropped once it is
    dumped, so its bytes and the postings not yet dumped are never all held at once."""
    flat = postings(weights)
    by_shard: dict[str, list[int]] = defaultdict(list)  # shard key -> its term numbers
    for number in flat:
        by_shard[shard_key(vocab.terms[number])].append(number)
    for key, numbers in by_shard.items():
        terms = {vocab.terms[n]: flat.pop(n).tolist() for n in numbers}
        yield shard_path(key), dump(terms)


SHARD_DIR = "search/idx/"


def shard_path(key: str) -> str:
    return f"{SHARD_DIR}{key}.json"


def text_path(chunk: int) -> str:
    return f"search/text/{chunk}.json"


def text_files(texts: Sequence[str]) -> dict[str, bytes]:
    return {
        text_path(start // TEXT_CHUNK): text_chunk(texts[start : start + TEXT_CHUNK])
        for start in range(0, len(texts), TEXT_CHUNK)
    }


def text_chunk(texts: Iterable[str]) -> bytes:
    return dump([text[:MAX_TEXT] for text in texts])


def listing_files(ordered: list[SearchDoc], files: Iterable[str]) -> dict[str, bytes]:
    """The files that are cheap to make again every time: document rows, filters, meta.
    `files`: the index's other files (the shards that exist are listed in meta)."""
    out: dict[str, bytes] = {}
    filters: dict[tuple[str, str], list[int]] = defaultdict(list)
    categories: dict[str, str] = {}
    for number, doc in enumerate(ordered):
        filters[("year", doc.year)].append(number)
        for slug, name in doc.categories:
            categories[slug] = name
            filters[("category", slug)].append(number)
    for (kind, value), numbers in filters.items():
        out[f"search/filter/{kind}/{_filter_name(value)}"] = dump(numbers)
    for start in range(0, len(ordered), DOC_CHUNK):
        rows = [
            {"u": d.url, "t": d.title, "d": d.date, "s": d.summary, "c": d.section, "i": d.image}
            for d in ordered[start : start + DOC_CHUNK]
        ]
        out[f"search/docs/{start // DOC_CHUNK}.json"] = dump(rows)
    prefix = SHARD_DIR
    out["search/meta.json"] = dump(
        {
            "format": FORMAT,
            "count": len(ordered),
            "doc_chunk": DOC_CHUNK,
            "text_chunk": TEXT_CHUNK,
            "shards": sorted(f[len(prefix) : -len(".json")] for f in files if f.startswith(prefix)),
            "categories": [[slug, categories[slug]] for slug in sorted(categories)],
            "years": sorted({value for kind, value in filters if kind == "year"}, reverse=True),
        }
    )
    return out


def _filter_name(value: str) -> str:
    """The file of one filter value (a category slug, as the search page asks for it, or a
    year). Slugs were checked when the content was read; the gate is asked again because
    this name is the index's own path into the output folder."""
    try:
        return safepath.check_name(f"{value}.json")
    except safepath.UnsafePath as exc:
        raise SitegenError(
            f"search filter refused: {exc}",
            "search index",
            "every slug is checked when content is read; please report this as a bug",
        ) from None


def site_documents(site: Site, base_path: str) -> dict[str, SearchDoc]:
    """One SearchDoc per post, by path, without its text: sitegen.build.state.searchindex extracts
    only
    the texts it needs."""
    filed = post_categories(site)
    return {p: search_doc(site.docs[p], base_path + p, filed[p]) for p in site.posts}


def post_categories(site: Site) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each post's categories, (slug, name), sorted. A post is filed under its categories'
    ancestors too, as on the category pages (a parent category lists its children's posts)."""
    in_category: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for slug, posts in site.category_posts.items():
        for path in posts:
            in_category[path].append((slug, site.categories[slug].name))
    return {path: tuple(sorted(in_category[path])) for path in site.posts}


def search_doc(doc: Document, url: str, categories: tuple[tuple[str, str], ...]) -> SearchDoc:
    return SearchDoc(
        url=url,
        title=doc.title,
        date=doc.date.isoformat(),
        summary=doc.summary,
        text="",
        categories=categories,
        tags=tuple(t.name for t in doc.tags),
        author=doc.author.name if doc.author else "",
        section=doc.categories[0].name if doc.categories else "",
        image=thumbnail(doc),
    )


def thumbnail(doc: Document) -> str:
    """The featured image's smallest copy at least 200 px wide (else the image), when the
    mirror holds it (a root-relative URL, as `import --media` writes): a search result must
    not load a picture from another host."""
    image = doc.featured_image
    if image is None:
        return ""
    best, best_width = image.url, image.width or 10**6
    for candidate in image.srcset.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        width = (
            int(descriptor[:-1]) if descriptor.endswith("w") and descriptor[:-1].isdigit() else 0
        )
        if 200 <= width < best_width:
            best, best_width = url, width
    return best[1:] if best.startswith("/") and not best.startswith("//") else ""
