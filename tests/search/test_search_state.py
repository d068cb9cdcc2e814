"""The search index a build makes from the last one's state equals a clean build's, byte for
byte, whatever changed; and it redoes only what changed (sitegen.build.state.searchindex)."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from array import array
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from builtsite import built_folder, built_root
from hypothesis import given, settings
from hypothesis import strategies as st
from testdata import FIXTURE_SITE

from sitegen.build.incremental import Memo
from sitegen.build.options import BuildOptions, InMemory
from sitegen.build.orchestrator import build_site
from sitegen.build.output import MemorySink
from sitegen.build.state import searchindex as searchstate
from sitegen.build.state.searchindex import Docs, SearchState, index_files
from sitegen.checks.files import DirFiles
from sitegen.digests import digest
from sitegen.search import index as search
from sitegen.search.index import Compact, SearchDoc, build_index
from sitegen.search.weights import Weights
from sitegen.tuning import Tuning, tuned

POST = "content/posts/2023/09/5g-rollout.md"

# Few words, sharing first letters: edits move terms in and out of shared shards, and a
# shard's last term can vanish.
WORDS = ["aa", "ab", "abc", "ba", "bb", "spectrum", "spec", "नमस्ते", "感謝印度", "zz"]
text = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
doc = st.builds(
    SearchDoc,
    url=st.integers(0, 99).map(lambda n: f"/p/{n}/"),
    title=text,
    date=st.sampled_from(["2024-01-01", "2024-01-02", "2023-05-05"]),
    summary=st.just("s"),
    text=text,
    categories=st.sampled_from([(), (("c", "Spectrum"),), (("d", "Ab"),)]),
    tags=st.lists(st.sampled_from(["aa", "zz"]), max_size=2).map(tuple),
)
edit = st.tuples(
    st.sampled_from(["text", "title", "date", "labels", "add", "delete", "nothing"]),
    st.integers(0, 99),
    doc,
)


def documents(docs: list[SearchDoc]) -> Docs:
    ordered = search.order({d.url: d for d in docs}.values())
    return Docs(ordered, [digest(d.text) for d in ordered], lambda n: ordered[n].text)


def apply(docs: list[SearchDoc], kind: str, at: int, new: SearchDoc) -> list[SearchDoc]:
    docs = list(docs)
    n = at % len(docs)
    if kind == "add" or not docs:
        return [*docs, new]
    if kind == "delete" and len(docs) > 1:
        return docs[:n] + docs[n + 1 :]
    changed: dict[str, Any] = {
        "text": {"text": new.text},
        "title": {"title": new.title},
        "date": {"date": new.date},
        "labels": {"categories": new.categories, "tags": new.tags},
    }.get(kind, {})
    docs[n] = replace(docs[n], **changed)
    return docs


@settings(max_examples=150, deadline=None)
@given(
    st.lists(doc, min_size=1, max_size=25),
    st.lists(edit, min_size=1, max_size=6),
    st.sampled_from([Tuning().search_max_patched, 1]),  # 1: a few changes already mean assembling
    st.booleans(),  # the state goes through its file between builds, as with `sitegen build`
)
def test_every_sequence_of_changes_gives_a_clean_builds_files(
    start: list[SearchDoc], edits: list[tuple[str, int, SearchDoc]], limit: int, disk: bool
) -> None:
    with tuned(search_max_patched=limit), tempfile.TemporaryDirectory() as tmp:
        changes_give_a_clean_builds_files(start, edits, Path(tmp) if disk else None)


def changes_give_a_clean_builds_files(
    start: list[SearchDoc], edits: list[tuple[str, int, SearchDoc]], disk: Path | None
) -> None:
    docs = list({d.url: d for d in start}.values())
    files, state = index_files(documents(docs), None, {}.get)
    assert files == build_index(docs)
    for kind, at, new in edits:
        docs = list({d.url: d for d in apply(docs, kind, at, new)}.values())
        if disk is not None:
            state = searchstate.from_bytes(searchstate.to_bytes(state)) or SearchState()
            assert state.keys, "the state did not load"
        files, state = index_files(documents(docs), state, files.get)
        assert files == build_index(docs), kind
        assert state.files == {rel: digest(data) for rel, data in files.items()}


def _docs(count: int) -> list[SearchDoc]:
    return [
        SearchDoc(f"/p/{n}/", f"Title {n}", f"2024-01-{n % 28 + 1:02d}", "s", f"body{n} words aa")
        for n in range(count)
    ]


def test_one_edit_tokenises_one_document_and_writes_its_shards_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = _docs(60)
    files, state = index_files(documents(docs), None, {}.get)
    docs[7] = replace(docs[7], text="body7 words aa zebra")
    tokenised: list[str] = []
    real = search.term_weights
    monkeypatch.setattr(search, "term_weights", lambda t, *a: tokenised.append(t) or real(t, *a))
    monkeypatch.setattr(search, "shard_files", None)  # assembling every shard would fail
    new, _ = index_files(documents(docs), state, files.get)
    assert tokenised == ["body7 words aa zebra"]
    changed = {rel for rel in new if new[rel] is not files.get(rel)}
    text_chunk = search.text_path([d.url for d in search.order(docs)].index("/p/7/") // 20)
    assert changed - {text_chunk} == {"search/idx/7a65.json"} | {
        rel for rel in new if not rel.startswith(("search/idx/", "search/text/"))
    }


def test_nothing_changed_is_nothing_to_save() -> None:
    docs = _docs(30)
    files, state = index_files(documents(docs), None, {}.get)
    assert state.changed
    again, state = index_files(documents(docs), state, files.get)
    assert again == files and not state.changed


def test_files_changed_behind_its_back_are_not_patched() -> None:
    docs = _docs(30)
    files, state = index_files(documents(docs), None, {}.get)
    tampered = {**files, "search/idx/6161.json": b'{"aa":[0,99]}'}
    docs[3] = replace(docs[3], text="body3 words aa aa")
    new, _ = index_files(documents(docs), state, tampered.get)
    assert new == build_index(docs)


def test_a_count_change_reuses_the_kept_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = _docs(30)
    files, state = index_files(documents(docs), None, {}.get)
    tokenised: list[str] = []
    real = search.term_weights
    monkeypatch.setattr(search, "term_weights", lambda t, *a: tokenised.append(t) or real(t, *a))
    docs.append(SearchDoc("/new/", "New", "2024-01-15", "s", "fresh words"))
    new, _ = index_files(documents(docs), state, files.get)
    assert tokenised == ["fresh words"] and new == build_index(docs)


class _Recorder:
    """A Target that records, at each file written, how many texts had been extracted and how
    many cut texts the build still held."""

    def __init__(self, docs: Docs, extracted: list[int]) -> None:
        self.docs, self.extracted = docs, extracted
        self.seen: list[tuple[str, int, int]] = []

    def write(self, rel: str, data: bytes) -> None:
        self.seen.append((rel, len(self.extracted), len(self.docs.cut)))

    def keep(self, rel: str) -> None:
        raise AssertionError("a clean index keeps nothing")


def test_the_index_is_written_as_it_is_made() -> None:
    """Memory: each text chunk is written once its 20 texts are in (not after every text of
    the site is extracted), and its texts are dropped then."""
    docs = _docs(200)
    extracted: list[int] = []
    ordered = documents(docs)
    plain = ordered.text
    ordered.text = lambda n: extracted.append(n) or plain(n)
    target = _Recorder(ordered, extracted)
    with tuned(pool_min_items=10**9):  # serial: the extraction is counted in this process
        searchstate.write_index(ordered, None, {}.get, target)
    chunks = [(rel, n, held) for rel, n, held in target.seen if rel.startswith("search/text/")]
    assert len(chunks) == 10
    for chunk, (rel, n, held) in enumerate(chunks):
        assert rel == search.text_path(chunk)
        assert n == (chunk + 1) * search.TEXT_CHUNK  # its own texts, none of the next chunk's
        assert held == search.TEXT_CHUNK  # its texts, dropped once it is written
    assert not ordered.cut


def test_the_saved_state_loads_back(tmp_path: Path) -> None:
    _, state = index_files(documents(_docs(40)), None, {}.get)
    loaded = searchstate.from_bytes(searchstate.to_bytes(state))
    assert isinstance(loaded, SearchState) and not loaded.changed
    assert loaded.vocab.terms == state.vocab.terms and loaded.files == state.files
    assert (loaded.bodies, loaded.keys) == (state.bodies, state.keys)
    assert list(loaded.weights) == list(state.weights) and len(loaded.weights) == 40


compact = st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(1, 24)), max_size=5).map(
    lambda pairs: (array("I", [t for t, _ in pairs]), bytes(w for _, w in pairs))
)


@given(st.lists(compact, max_size=12), st.dictionaries(st.integers(0, 11), compact))
def test_weights_with_changes_flatten_to_the_changed_list(
    base: list[Compact], changes: dict[int, Compact]
) -> None:
    weights = Weights.of(base).copy()
    expected = list(base)
    for number, new in changes.items():
        if number < len(base):
            weights[number] = new
            expected[number] = new
    assert list(weights) == expected and len(weights) == len(base)
    flat = Weights(*weights.flat())
    assert list(flat) == expected and flat.flat() == Weights.of(expected).flat()
    assert list(Weights.of(base)) == base  # the copy's changes are its own


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-3],  # cut short
        lambda b: b[:-1] + bytes([b[-1] ^ 1]),  # one weight changed
        lambda b: b.replace(b'"machine":"', b'"machine":"0'),
        lambda b: b.replace(b'"bodies":["', b'"bodies":[1,"'),
        lambda b: b"garbage",
        lambda b: b[:40],
    ],
)
def test_a_damaged_state_is_no_state(tmp_path: Path, damage: Any) -> None:
    _, state = index_files(documents(_docs(40)), None, {}.get)
    assert searchstate.from_bytes(damage(searchstate.to_bytes(state))) is None


# The index's files in the output (the fixture's site sits in its base path's folder, web/).
SEARCH = f"{(built_folder(FIXTURE_SITE) / 'search').as_posix()}/"


def _index(files: dict[str, bytes]) -> dict[str, bytes]:
    found = {k: v for k, v in files.items() if k.startswith(SEARCH)}
    assert found, f"no {SEARCH} in the output"
    return found


def _clean(site: Path, into: Path) -> dict[str, bytes]:
    shutil.copytree(site, into, ignore=shutil.ignore_patterns("public", ".sitegen"))
    assert build_site(into).committed
    return _index(dict(DirFiles(into / "public")))


def test_build_and_serve_patch_the_last_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    sink, memo = MemorySink(), Memo()
    assert build_site(site).committed
    assert build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo))).committed
    post = site / POST
    post.write_text(post.read_text().replace("500th city", "600th city zanzibar"))
    monkeypatch.setattr(search, "shard_files", None)  # from .sitegen/ and the memo: patched
    assert build_site(site).committed
    assert build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo))).committed
    monkeypatch.undo()
    clean = _clean(site, tmp_path / "clean")
    assert _index(dict(DirFiles(site / "public"))) == clean == _index(sink.files)


def _saved_index(site: Path, damage: bytes | None = None) -> bytes | None:
    """The search state in the site's build state (replaced by `damage` first, if given)."""
    with contextlib.closing(sqlite3.connect(site / ".sitegen" / "state.sqlite")) as db, db:
        if damage is not None:
            db.execute("UPDATE blobs SET value = ? WHERE key = ?", (damage, searchstate.KEY))
        row = db.execute("SELECT value FROM blobs WHERE key = ?", (searchstate.KEY,)).fetchone()
    return None if row is None else bytes(row[0])


def test_a_damaged_state_file_means_a_full_index(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    assert build_site(site).committed
    _saved_index(site, b"{")
    post = site / POST
    post.write_text(post.read_text().replace("500th city", "600th city zanzibar"))
    assert build_site(site).committed
    assert _index(dict(DirFiles(site / "public"))) == _clean(site, tmp_path / "clean")
    assert searchstate.from_bytes(_saved_index(site)) is not None  # written again


def test_a_failed_build_leaves_no_state_that_lies(tmp_path: Path) -> None:
    """A failed build writes neither its search state nor its index: the next build patches
    last good build's index and must not believe the failed build's words are in it."""
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    assert build_site(site).committed
    post = site / POST
    # Words whose shards exist: a missing file alone would already stop the patching.
    post.write_text(post.read_text().replace("500th city", "500th city alpha"))
    broken = site / "themes" / "default" / "templates" / "post.html"
    broken.parent.mkdir(parents=True)
    broken.write_text("{% if %}")
    assert not build_site(site).committed
    assert b"city alpha" not in (built_root(site) / "search" / "text" / "0.json").read_bytes()
    broken.unlink()
    post.write_text(post.read_text().replace("city alpha", "city alpha beta"))
    assert build_site(site).committed
    assert _index(dict(DirFiles(site / "public"))) == _clean(site, tmp_path / "clean")


def test_texts_last_index_cannot_give_are_extracted_by_the_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A post added while last build's text chunks are gone (a failed build, search turned
    off and on): all 31 texts are needed, and the pool must get them, not the parent alone."""
    docs = _docs(30)
    files, state = index_files(documents(docs), None, {}.get)
    given_to_pool: list[int] = []
    real = searchstate.ordered_map

    def recording(work: Any, count: int) -> Any:
        given_to_pool.append(count)
        return real(work, count)

    monkeypatch.setattr(searchstate, "ordered_map", recording)
    docs.append(SearchDoc("/new/", "New", "2024-01-15", "s", "fresh words"))
    shards_only = {k: v for k, v in files.items() if not k.startswith("search/text/")}
    new, _ = index_files(documents(docs), state, shards_only.get)
    assert given_to_pool == [31] and new == build_index(docs)
    given_to_pool.clear()
    index_files(documents(docs), state, files.get)  # chunks there: only the new post
    assert given_to_pool == [1]


def test_serve_makes_search_documents_for_changed_posts_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    sink, memo = MemorySink(), Memo()
    assert build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo))).committed
    post = site / POST
    post.write_text(post.read_text().replace("500th city", "600th city zanzibar"))
    made: list[str] = []
    real = search.search_doc
    monkeypatch.setattr(search, "search_doc", lambda d, *a: made.append(d.title) or real(d, *a))
    assert build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo))).committed
    assert len(made) == 1
    monkeypatch.undo()
    assert _index(sink.files) == _clean(site, tmp_path / "clean")


def test_serve_sees_a_renamed_category_in_unchanged_posts(tmp_path: Path) -> None:
    """The posts' documents stay the same objects, but their labels changed."""
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    sink, memo = MemorySink(), Memo()
    assert build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo))).committed
    info = site / "content" / "_site.yaml"
    info.write_text(info.read_text().replace("name: Telecom,", "name: Wireless Zanzibar,"))
    assert build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo))).committed
    assert b"zanzibar" in sink.files[SEARCH + "idx/7a61.json"]
    assert _index(sink.files) == _clean(site, tmp_path / "clean")
