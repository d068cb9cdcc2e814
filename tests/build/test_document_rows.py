"""The build state's document rows: authors, terms and SEO records are shared by value, so a
loaded site holds one copy of each, and the rows still give back exactly what was saved."""

from __future__ import annotations

import io
import os
import pickle
from datetime import UTC, datetime
from pathlib import Path

from sitegen.build.state import documents
from sitegen.model import Author, Document, Seo, Term


def _doc(n: int, tags: tuple[str, ...]) -> Document:
    when = datetime(2024, 3, 5, 10, n, tzinfo=UTC)
    return Document(
        source=f"content/posts/p{n}.md",
        title=f"Post {n}",
        slug=f"p{n}",
        type="post",
        date=when,
        updated=when,
        path=f"2024/03/05/p{n}/",
        body_digest="0" * 64,
        body_line=9,
        author=Author("meera", "Meera Pillai"),
        categories=(Term("telecom", "Telecom"),),
        tags=tuple(Term(t, t.title()) for t in tags),
        seo=Seo(description=f"about {n}") if n % 2 else Seo(),
    )


def _entries(tmp_path: Path) -> dict[str, documents.CachedDocument]:
    probe = tmp_path / "probe"
    probe.write_text("x")
    st = os.stat(probe)
    docs = [_doc(n, ("5g", "fibre")[: n % 3]) for n in range(6)]
    return {
        d.source: documents.entry(st, st.st_mtime_ns, f"{n:064d}", d) for n, d in enumerate(docs)
    }


def test_rows_give_back_what_was_saved_with_one_copy_of_each_value(tmp_path: Path) -> None:
    saved = _entries(tmp_path)
    rows = [(source, documents.dumps(entry)) for source, entry in saved.items()]
    loaded, note = documents.load(rows)
    assert note == ""
    assert loaded == saved
    authors = {id(e.doc.author) for e in loaded.values()}
    telecom = {id(e.doc.categories[0]) for e in loaded.values()}
    assert len(authors) == 1 and len(telecom) == 1
    fibre = [t for e in loaded.values() for t in e.doc.tags if t.slug == "fibre"]
    assert len(fibre) >= 2 and len({id(t) for t in fibre}) == 1


def test_documents_parsed_apart_share_their_values(tmp_path: Path) -> None:
    entries = list(_entries(tmp_path).values())
    assert entries[0].doc.author is entries[1].doc.author
    assert entries[0].doc.seo is entries[2].doc.seo  # both the default: no SEO record


def test_rows_pickled_without_the_pool_still_load(tmp_path: Path) -> None:
    saved = _entries(tmp_path)
    rows = [(s, pickle.dumps(e, pickle.HIGHEST_PROTOCOL)) for s, e in saved.items()]
    loaded, note = documents.load(rows)
    assert (loaded, note) == (saved, "")


class _Forger(pickle.Pickler):
    """Names the author by a value the pool does not know (a damaged or hostile row)."""

    def persistent_id(self, obj: object) -> object:
        return ("builtins.eval", "1") if isinstance(obj, Author) else None


def test_a_row_naming_an_unknown_value_is_parsed_again(tmp_path: Path) -> None:
    saved = _entries(tmp_path)
    first, *rest = saved.items()
    forged = io.BytesIO()
    _Forger(forged, pickle.HIGHEST_PROTOCOL).dump(first[1])
    rows = [(first[0], forged.getvalue()), *((s, documents.dumps(e)) for s, e in rest)]
    loaded, note = documents.load(rows)
    assert first[0] not in loaded and len(loaded) == len(saved) - 1
    assert note == "1 damaged document(s) in the build state, parsed again"
