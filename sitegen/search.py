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
- `docs/<n>.json`: title, URL, date and summary of documents n*DOC_CHUNK onwards.
- `text/<n>.json`: the plain text of documents n*TEXT_CHUNK onwards, for highlighted excerpts.

The tokenizer is mirrored exactly by `themes/default/static/search.js`; a browser test checks the
two agree on Latin, Devanagari, Arabic and CJK text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser

from sitegen.parallel import ordered_map
from sitegen.site import Site

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


def _dump(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _weights(doc: SearchDoc) -> Counter[str]:
    weights: Counter[str] = Counter()
    for term, count in Counter(tokenize(doc.text)).items():
        weights[term] = min(count, BODY_CAP)
    for term in set(tokenize(doc.title)):
        weights[term] += TITLE_WEIGHT
    labels = " ".join([*(name for _, name in doc.categories), *doc.tags, doc.author])
    for term in set(tokenize(labels)):
        weights[term] += TERM_WEIGHT
    return weights


def build_index(docs: Iterable[SearchDoc]) -> dict[str, bytes]:
    """Every file of the index, by path relative to the site root. Deterministic."""
    ordered = sorted(docs, key=lambda d: (d.date, d.url), reverse=True)
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    filters: dict[tuple[str, str], list[int]] = defaultdict(list)
    categories: dict[str, str] = {}
    # Tokenising every body is the index's slow part: a process pool does it, in order.
    weighted = ordered_map(lambda i: _weights(ordered[i]), len(ordered))
    for number, (doc, weights) in enumerate(zip(ordered, weighted, strict=True)):
        for term, weight in weights.items():
            postings[term].append((number, weight))
        filters[("year", doc.year)].append(number)
        for slug, name in doc.categories:
            categories[slug] = name
            filters[("category", slug)].append(number)
    files = dict(_shards(postings))
    files.update(_filter_files(filters))
    files.update(_chunks(ordered))
    years = sorted({value for kind, value in filters if kind == "year"}, reverse=True)
    files["search/meta.json"] = _dump(
        {
            "format": FORMAT,
            "count": len(ordered),
            "doc_chunk": DOC_CHUNK,
            "text_chunk": TEXT_CHUNK,
            "shards": sorted({shard_key(t) for t in postings}),
            "categories": [[slug, categories[slug]] for slug in sorted(categories)],
            "years": years,
        }
    )
    return files


def _shards(postings: dict[str, list[tuple[int, int]]]) -> Iterator[tuple[str, bytes]]:
    by_shard: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for term, entries in postings.items():
        flat: list[int] = []
        previous = 0
        for number, weight in entries:  # already in document order
            flat += [number - previous, weight]
            previous = number
        by_shard[shard_key(term)][term] = flat
    for key, terms in by_shard.items():
        yield f"search/idx/{key}.json", _dump(terms)


def _filter_files(filters: dict[tuple[str, str], list[int]]) -> Iterator[tuple[str, bytes]]:
    for (kind, value), numbers in filters.items():
        yield f"search/filter/{kind}/{value}.json", _dump(numbers)


def _chunks(ordered: list[SearchDoc]) -> Iterator[tuple[str, bytes]]:
    for start in range(0, len(ordered), DOC_CHUNK):
        rows = [
            {"u": d.url, "t": d.title, "d": d.date, "s": d.summary}
            for d in ordered[start : start + DOC_CHUNK]
        ]
        yield f"search/docs/{start // DOC_CHUNK}.json", _dump(rows)
    for start in range(0, len(ordered), TEXT_CHUNK):
        texts = [d.text[:MAX_TEXT] for d in ordered[start : start + TEXT_CHUNK]]
        yield f"search/text/{start // TEXT_CHUNK}.json", _dump(texts)


def previous_texts(files: Mapping[str, bytes]) -> dict[str, str]:
    """URL -> plain text of each document of a previous index, from its `docs/` and `text/`
    files; a text cut at MAX_TEXT is not the whole text and is left out."""
    urls: list[str] = []
    texts: list[str] = []
    try:
        for folder, into in (("docs", urls), ("text", texts)):
            n = 0
            while f"search/{folder}/{n}.json" in files:
                rows = json.loads(files[f"search/{folder}/{n}.json"])
                into += [row["u"] for row in rows] if folder == "docs" else rows
                n += 1
    except (ValueError, TypeError, KeyError):
        return {}
    if len(urls) != len(texts) or not all(isinstance(t, str) for t in [*urls, *texts]):
        return {}
    return {url: text for url, text in zip(urls, texts, strict=True) if len(text) < MAX_TEXT}


def site_documents(
    site: Site, bodies: Mapping[str, str], base_path: str, known: Mapping[str, str] | None = None
) -> list[SearchDoc]:
    """One SearchDoc per post. A post is filed under its categories' ancestors too, as on the
    category pages (a parent category lists its children's posts). `known`: the plain text of
    posts whose body did not change since it was extracted (by path), not extracted again."""
    in_category: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for slug, posts in site.category_posts.items():
        for path in posts:
            in_category[path].append((slug, site.categories[slug].name))
    docs = []
    # The other bodies' text, extracted by a process pool: html.parser is the slow part.
    known = known or {}
    todo = [path for path in site.posts if path not in known]
    fresh = dict(
        zip(todo, ordered_map(lambda i: html_text(bodies.get(todo[i], "")), len(todo)), strict=True)
    )
    for path in site.posts:
        text = known[path] if path in known else fresh[path]
        doc = site.docs[path]
        docs.append(
            SearchDoc(
                url=base_path + path,
                title=doc.title,
                date=doc.date.isoformat(),
                summary=doc.summary,
                text=text,
                categories=tuple(sorted(in_category[path])),
                tags=tuple(t.name for t in doc.tags),
                author=doc.author.name if doc.author else "",
            )
        )
    return docs
