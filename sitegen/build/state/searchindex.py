"""The search index between builds: what lets one edited post cost one post, not 10,000.

THE CONTRACT is the build's: the index files equal what `search.build_index` writes for the
same posts, byte for byte (tests/build/test_incremental_property.py,
tests/search/test_search_state.py).

What is kept (a `SearchState`, in the serve `Memo` or in the build state,
sitegen.build.state.store): per
document number, the digest its text is a function of (its body's Markdown), the digest its
weights are a function of (that, its title and its labels) and the weights themselves, small
(term numbers and one byte per weight, ~15 MB at 10,000 posts); and the digest of each `idx/`
and `text/` file written.

How a build uses it: document numbers follow (date, URL) order, so an edit that keeps the
count keeps every other document's number. Then only the documents whose weights digest
changed are tokenised again, and only the terms whose weight for them changed are patched,
in the shards that hold those terms (parsed from last build's bytes); every other shard and
every text chunk whose documents' bodies did not change is last build's bytes. A different
count (a post added or deleted), or many changes, assembles every shard again, still from the
kept weights: only new or changed documents are tokenised. Last build's bytes are used only if
they are still what the state recorded; anything wrong with the state means a full build.
"""

from __future__ import annotations

import contextlib
import json
import sys
import zlib
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, Protocol

from sitegen import tuning
from sitegen.digests import digest
from sitegen.parallel import ordered_map
from sitegen.search import index as search
from sitegen.search.index import MAX_TEXT, TEXT_CHUNK, SearchDoc, Vocab
from sitegen.search.weights import Weights
from sitegen.site.assemble import Site

KEY = "search"  # its blob in the build state

Reader = Callable[[str], bytes | None]  # last build's bytes of an output file, if any


@dataclass
class SearchState:
    """The documents of the last index, by number, and the digests of its idx/ and text/ files."""

    vocab: Vocab = field(default_factory=Vocab)
    bodies: list[str] = field(default_factory=list)  # digest the text is a function of
    keys: list[str] = field(default_factory=list)  # digest the weights are a function of
    weights: Weights = field(default_factory=lambda: Weights.of([]))
    files: dict[str, str] = field(default_factory=dict)  # output -> digest of its bytes
    changed: bool = True  # differs from what was loaded (worth saving)
    seen: Seen = field(default_factory=dict)  # serve's, not saved: see site_docs


@dataclass
class Docs:
    """This build's documents, by number, and how to get the plain text of one."""

    docs: list[SearchDoc]
    bodies: list[str]  # digest of each document's body: its text is a function of it
    text: Callable[[int], str]  # the whole plain text of document `number`
    keys: list[str] = field(default_factory=list)  # what weights_key gives (computed if [])
    cut: MutableMapping[int, str] = field(default_factory=lambda: PackedTexts())
    # `cut`: the texts as a text chunk keeps them, until the chunks are written

    def __post_init__(self) -> None:
        if not self.keys:
            self.keys = [weights_key(d, b) for d, b in zip(self.docs, self.bodies, strict=True)]


class PackedTexts(MutableMapping[int, str]):
    """Texts by document number, held compressed: a clean build extracts every document's
    text before the first text chunk is written, and as they are (up to MAX_TEXT characters,
    two bytes each once one is not Latin-1) they were the largest thing the index held."""

    def __init__(self) -> None:
        self._packed: dict[int, bytes] = {}

    def __getitem__(self, number: int) -> str:
        return zlib.decompress(self._packed[number]).decode("utf-8", "surrogatepass")

    def __setitem__(self, number: int, text: str) -> None:
        self._packed[number] = zlib.compress(text.encode("utf-8", "surrogatepass"), 1)

    def __delitem__(self, number: int) -> None:
        del self._packed[number]

    def __contains__(self, number: object) -> bool:
        return number in self._packed

    def __iter__(self) -> Iterator[int]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


def weights_key(doc: SearchDoc, body: str) -> str:
    """The digest of what a document's weights are a function of."""
    return digest(f"{body}\n{doc.title}\n{search.labels(doc)}")


class _Stale(Exception):
    """Last build's files are not what the state says: patching them would be wrong."""


class Target(Protocol):
    """Where the index's files go, each as soon as it is made: a build writes them to its
    output (claimed for the search index), so their bytes are never all held at once."""

    def write(self, rel: str, data: bytes) -> None: ...

    def keep(self, rel: str) -> None:
        """Last build's file at `rel` stays as it is (read and found as the state recorded)."""
        ...


class _Previous:
    """Last build's state and files, each file trusted only if its bytes are as recorded."""

    OPEN_CHUNKS = 8  # old text chunks held parsed: documents are read in number order

    def __init__(self, state: SearchState, read: Reader) -> None:
        self.state, self._read = state, read
        self._texts: dict[int, list[str]] = {}
        self.body_at = {body: n for n, body in reversed(list(enumerate(state.bodies)))}

    def bytes(self, rel: str) -> bytes:
        data = self._read(rel)
        if data is None or digest(data) != self.state.files.get(rel):
            raise _Stale(rel)
        return data

    def text(self, body: str) -> str | None:
        """The (possibly cut) text last index kept for a body with this digest, if any."""
        number = self.body_at.get(body)
        if number is None:
            return None
        chunk = number // TEXT_CHUNK
        if chunk not in self._texts:
            if len(self._texts) >= self.OPEN_CHUNKS:
                del self._texts[next(iter(self._texts))]
            try:
                self._texts[chunk] = json.loads(self.bytes(search.text_path(chunk)))
            except (_Stale, ValueError):
                self._texts[chunk] = []
        texts = self._texts[chunk]
        at = number % TEXT_CHUNK
        return texts[at] if at < len(texts) and isinstance(texts[at], str) else None


class _Written:
    """The files sent to the target so far, with the digest of each (the new state's)."""

    def __init__(self, target: Target, old: _Previous | None) -> None:
        self.target, self.old = target, old
        self.files: dict[str, str] = {}

    def write(self, rel: str, data: bytes) -> None:
        self.target.write(rel, data)
        self.files[rel] = digest(data)

    def keep(self, rel: str) -> None:
        assert self.old is not None, "only last build's files are kept"
        self.target.keep(rel)
        self.files[rel] = self.old.state.files[rel]


def write_index(
    docs: Docs, previous: SearchState | None, read: Reader, target: Target
) -> SearchState:
    """Every file of the index for `docs` (ordered by search.order) to `target`, each as soon
    as it is made; the new state, which has the digest of each file."""
    keys = docs.keys
    old = _Previous(previous, read) if previous is not None else None
    out = _Written(target, old)
    if old is not None and len(old.state.keys) == len(keys):
        changed = [n for n, key in enumerate(keys) if key != old.state.keys[n]]
        if len(changed) <= tuning.current.search_max_patched:  # else assembling is cheaper
            try:
                shards = _patched_shards(docs, keys, changed, old)
            except _Stale:
                pass  # assembled from scratch below, still from the kept weights
            else:
                return _write_patched(docs, shards, old, out)
    return _assembled(docs, keys, old, out)


class _Files(dict[str, bytes]):
    """A Target that keeps every file: what tests compare with `search.build_index`."""

    def __init__(self, read: Reader) -> None:
        super().__init__()
        self.read = read

    def write(self, rel: str, data: bytes) -> None:
        self[rel] = data

    def keep(self, rel: str) -> None:
        data = self.read(rel)
        assert data is not None, f"kept {rel}, which was not there"
        self[rel] = data


def index_files(
    docs: Docs, previous: SearchState | None, read: Reader
) -> tuple[dict[str, bytes], SearchState]:
    """write_index's files, all in one dict (for tests and small sites), and the state."""
    files = _Files(read)
    state = write_index(docs, previous, read, files)
    return dict(files), state


def _finish(docs: Docs, state: SearchState, old: _Previous | None, out: _Written) -> SearchState:
    """Write the listing files (the shards are written: meta lists them); record every
    file's digest and whether the state differs from the last one."""
    for rel, data in search.listing_files(docs.docs, list(out.files)).items():
        out.write(rel, data)
    state.files = dict(sorted(out.files.items()))  # the same order however they came
    state.changed = old is None or (state.keys, state.bodies, state.files) != (
        old.state.keys,
        old.state.bodies,
        old.state.files,
    )
    return state


def _assembled(docs: Docs, keys: list[str], old: _Previous | None, out: _Written) -> SearchState:
    """Every shard from every document's weights: kept ones, the others computed. The pool
    also extracts the texts that new text chunks need and last build's chunks do not have;
    each text chunk is written as soon as its texts are in."""
    state = SearchState(vocab=old.state.vocab if old else Vocab(), bodies=docs.bodies, keys=keys)
    kept = dict(zip(old.state.keys, old.state.weights, strict=True)) if old else {}
    chunks = _TextChunks(docs, old, out)

    def wanted(n: int) -> bool:
        if keys[n] not in kept:
            return True
        return not chunks.reusable(n) and _old_cut(docs, old, n) is None

    todo = [n for n in range(len(keys)) if wanted(n)]
    fresh = ordered_map(lambda i: _analysed(docs, todo[i], keys[todo[i]] not in kept), len(todo))
    computed = {}
    for i, (text, weights) in enumerate(fresh):
        number = todo[i]
        if weights is not None:
            computed[number] = state.vocab.encode(weights)
        docs.cut[number] = text
        chunks.write_before(todo[i + 1] if i + 1 < len(todo) else len(keys))
    chunks.write_before(len(keys))
    state.weights = Weights.of(
        computed[n] if n in computed else kept[k] for n, k in enumerate(keys)
    )
    for rel, data in search.shard_files(state.weights, state.vocab):
        out.write(rel, data)
    return _finish(docs, state, old, out)


def _analysed(docs: Docs, number: int, weigh: bool = True) -> tuple[str, dict[str, int] | None]:
    """(The text as a text chunk keeps it, the weights if `weigh`) of one document; run in
    the pool: extracting the text is the slow part, tokenising the other."""
    doc, text = docs.docs[number], docs.text(number)
    weights = search.term_weights(text, doc.title, search.labels(doc)) if weigh else None
    return text[:MAX_TEXT], weights


class _PatchedShards:
    """Last build's shards, read and checked, and the patched ones (bytes; None: emptied)."""

    def __init__(self, state: SearchState, kept: list[str], redone: dict[str, bytes | None]):
        self.state, self.kept, self.redone = state, kept, redone


def _patched_shards(
    docs: Docs, keys: list[str], changed: list[int], old: _Previous
) -> _PatchedShards:
    """Last build's index with the changed documents' postings patched in: only the shards
    holding a term whose weight changed for one of them are parsed and made again. Every file
    it relies on is checked before anything is written (_Stale: assemble instead)."""
    state = SearchState(old.state.vocab, docs.bodies, keys, old.state.weights.copy())
    touched = _changed_terms(docs, state, changed, old)
    redone: dict[str, bytes | None] = {}
    for key, changes in touched.items():
        rel = search.shard_path(key)
        terms = json.loads(old.bytes(rel)) if rel in old.state.files else {}
        for word, numbers in changes.items():
            terms[word] = _patch(terms.get(word, []), numbers)
            if not terms[word]:
                del terms[word]
        redone[rel] = search.dump(terms) if terms else None
    kept = [
        rel for rel in old.state.files if rel.startswith(search.SHARD_DIR) and rel not in redone
    ]
    for rel in kept:
        old.bytes(rel)  # untouched: kept if still as written (read, not held)
    return _PatchedShards(state, kept, redone)


def _write_patched(
    docs: Docs, shards: _PatchedShards, old: _Previous, out: _Written
) -> SearchState:
    for rel in shards.kept:
        out.keep(rel)
    for rel, data in shards.redone.items():
        if data is not None:
            out.write(rel, data)
    chunks = _TextChunks(docs, old, out)
    chunks.write_before(len(docs.docs))
    return _finish(docs, shards.state, old, out)


def _changed_terms(
    docs: Docs, state: SearchState, changed: list[int], old: _Previous
) -> dict[str, dict[str, dict[int, int]]]:
    """shard key -> term -> document -> its new weight (0: none), for each term whose weight
    changed for one of the `changed` documents; their new weights go into `state`."""
    wanted = {state.keys[n] for n in changed}
    kept = {k: old.state.weights[n] for n, k in enumerate(old.state.keys) if k in wanted}
    touched: dict[str, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for number in changed:
        new = kept.get(state.keys[number])  # a document that moved: its weights are kept
        if new is None:
            docs.cut[number], weights = _analysed(docs, number)
            new = state.vocab.encode(weights or {})
        before = dict(zip(*state.weights[number], strict=True))
        after = dict(zip(*new, strict=True))
        for term in before.keys() | after.keys():
            if before.get(term, 0) != after.get(term, 0):
                word = state.vocab.terms[term]
                touched[search.shard_key(word)][word][number] = after.get(term, 0)
        state.weights[number] = new
    return touched


def _patch(flat: list[int], changes: Mapping[int, int]) -> list[int]:
    """A term's [docgap, weight, ...] with the weights of documents `changes` set (0: out)."""
    entries = dict(zip(accumulate(flat[0::2]), flat[1::2], strict=True))
    for number, weight in changes.items():
        if weight:
            entries[number] = weight
        else:
            entries.pop(number, None)
    out: list[int] = []
    previous = 0
    for number in sorted(entries):
        out += (number - previous, entries[number])
        previous = number
    return out


class _TextChunks:
    """The text chunks, written in order, each as soon as every text it holds is known, then
    dropped from `docs.cut`. A chunk whose documents' bodies did not change is last build's
    file, kept if it is still as written (checked once, up front)."""

    def __init__(self, docs: Docs, old: _Previous | None, out: _Written) -> None:
        self.docs, self.old, self.out = docs, old, out
        self.next = 0  # the first chunk not written yet
        self.kept = self._reusable()

    def _reusable(self) -> set[int]:
        kept: set[int] = set()
        old, bodies = self.old, self.docs.bodies
        if old is None:
            return kept
        for start in range(0, len(bodies), TEXT_CHUNK):
            if old.state.bodies[start : start + TEXT_CHUNK] == bodies[start : start + TEXT_CHUNK]:
                with contextlib.suppress(_Stale):
                    old.bytes(search.text_path(start // TEXT_CHUNK))
                    kept.add(start // TEXT_CHUNK)
        return kept

    def reusable(self, number: int) -> bool:
        """Whether document `number`'s chunk is last build's, as it is."""
        return number // TEXT_CHUNK in self.kept

    def write_before(self, number: int) -> None:
        """Write every chunk not written yet whose documents all come before `number`."""
        count = len(self.docs.docs)
        while self.next * TEXT_CHUNK < count and min(count, (self.next + 1) * TEXT_CHUNK) <= number:
            self._write(self.next)
            self.next += 1

    def _write(self, chunk: int) -> None:
        rel, docs = search.text_path(chunk), self.docs
        numbers = range(chunk * TEXT_CHUNK, min(len(docs.docs), (chunk + 1) * TEXT_CHUNK))
        if chunk in self.kept:
            self.out.keep(rel)
        else:
            self.out.write(rel, search.text_chunk(_cut_text(docs, self.old, n) for n in numbers))
        for number in numbers:
            docs.cut.pop(number, None)


def _old_cut(docs: Docs, old: _Previous | None, number: int) -> str | None:
    """A document's text as a text chunk keeps it, if known without extracting it."""
    if number not in docs.cut and old is not None:
        text = old.text(docs.bodies[number])
        if text is not None:
            docs.cut[number] = text
    return docs.cut.get(number)


def _cut_text(docs: Docs, old: _Previous | None, number: int) -> str:
    text = _old_cut(docs, old, number)
    if text is None:
        text = docs.cut[number] = docs.text(number)[:MAX_TEXT]
    return text


# serve: by path, (document, categories, URL, body digest) -> (SearchDoc, weights key), for
# as long as the document is the same object (sitegen.build.incremental keeps unchanged ones).
Seen = dict[str, tuple[tuple[object, ...], SearchDoc, str]]


def site_docs(
    site: Site, html: Mapping[str, str], digests: Mapping[str, str], base: str, seen: Seen
) -> Docs:
    """The site's posts as Docs: `html` their bodies, `digests` the digests of their Markdown;
    `seen` (updated) spares serve making 10,000 SearchDocs and weight digests again."""
    filed = search.post_categories(site)
    by_path: dict[str, tuple[SearchDoc, str]] = {}
    for path in site.posts:
        inputs = (site.docs[path], filed[path], base + path, digests[path])
        hit = seen.get(path)
        if hit is None or hit[0][0] is not inputs[0] or hit[0][1:] != inputs[1:]:
            doc = search.search_doc(site.docs[path], base + path, filed[path])
            hit = seen[path] = (inputs, doc, weights_key(doc, digests[path]))
        by_path[path] = hit[1], hit[2]
    for path in seen.keys() - by_path.keys():
        del seen[path]
    paths = sorted(by_path, key=lambda p: (by_path[p][0].date, by_path[p][0].url), reverse=True)
    return Docs(
        [by_path[p][0] for p in paths],
        [digests[p] for p in paths],
        lambda n: search.html_text(html.get(paths[n], "")),
        [by_path[p][1] for p in paths],
    )


def to_bytes(state: SearchState) -> bytes:
    """One JSON line (the vocabulary, the digests, the files) then the weights, binary: it
    loads in a fraction of a second where JSON numbers would take seconds."""
    ids, values, offsets = state.weights.flat()
    payload = b"".join([offsets.tobytes(), ids.tobytes(), values])
    header = {
        "machine": _MACHINE,
        "payload": digest(payload),  # a damaged blob must not give wrong weights
        "count": len(offsets) - 1,
        "total": len(values),
        "vocab": state.vocab.terms,
        "bodies": state.bodies,
        "keys": state.keys,
        "files": state.files,
    }
    line = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    return b"".join([line, b"\n", payload])


# The binary part's layout: byte order and item sizes of the arrays.
_MACHINE = f"{sys.byteorder} {array('Q').itemsize} {array('I').itemsize}"


def from_bytes(data: bytes | None) -> SearchState | None:
    """The state `to_bytes` gave, or None if there is none or anything about it is wrong."""
    try:
        return None if data is None else _parsed(data)
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def _parsed(data: bytes) -> SearchState | None:
    end = data.index(b"\n")
    header: dict[str, Any] = json.loads(data[:end])
    if header["machine"] != _MACHINE:
        return None
    payload = data[end + 1 :]
    count, total = header["count"], header["total"]
    vocab, bodies, keys, files = header["vocab"], header["bodies"], header["keys"], header["files"]
    offsets, ids = array("Q"), array("I")
    cut = (count + 1) * offsets.itemsize
    if digest(payload) != header["payload"] or len(payload) != cut + total * (1 + ids.itemsize):
        return None
    if not len(bodies) == len(keys) == count or not _texts(vocab, bodies, keys, files):
        return None
    offsets.frombytes(payload[:cut])
    ids.frombytes(payload[cut : cut + total * ids.itemsize])
    weights = Weights(ids, payload[cut + total * ids.itemsize :], offsets)
    return SearchState(Vocab(vocab), bodies, keys, weights, files, changed=False)


def _texts(*tables: Any) -> bool:
    """Whether every table is a list of text, or a dict of text to text."""
    for table in tables:
        items = [*table.keys(), *table.values()] if isinstance(table, dict) else table
        if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
            return False
    return True
