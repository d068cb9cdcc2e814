"""The static search index: tokenizer, layout, determinism."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from sitegen.search.index import DOC_CHUNK, SearchDoc, build_index, html_text, shard_key, tokenize


def test_tokenizer_keeps_indic_words_whole() -> None:
    # Python's \w alone would split at the vowel signs (matras) and the virama.
    assert tokenize("सरकार ने 6G तकनीक के लिए विशेषज्ञ समूह") == [
        "सरकार", "ने", "6g", "तकनीक", "के", "लिए", "विशेषज्ञ", "समूह",
    ]  # fmt: skip


def test_tokenizer_arabic_latin_and_cjk() -> None:
    assert tokenize("نوفاتيل تطلق خدمات") == ["نوفاتيل", "تطلق", "خدمات"]
    assert tokenize("Spectrum AUCTION, 5G-ready!") == ["spectrum", "auction", "5g", "ready"]
    assert tokenize("感謝印度用戶") == ["感謝", "謝印", "印度", "度用", "用戶"]
    assert tokenize("Ｎｏｖａ") == ["nova"]  # NFKC folds full-width letters


def test_html_text_skips_scripts_and_separates_blocks() -> None:
    html = "<p>One<b>two</b></p><script>var x</script><p>three &amp; four</p>"
    assert html_text(html) == "Onetwo three & four"


def _doc(n: int, text: str, cats: tuple[tuple[str, str], ...] = ()) -> SearchDoc:
    return SearchDoc(
        url=f"/2023/01/{n:02d}/post-{n}/",
        title=f"Post {n}",
        date=f"2023-01-{n:02d}T10:00:00+05:30",
        summary=text[:50],
        text=text,
        categories=cats,
    )


def _postings(files: dict[str, bytes], term: str) -> list[tuple[int, int]]:
    shard = json.loads(files[f"search/idx/{shard_key(term)}.json"])
    flat, doc, out = shard[term], 0, []
    for i in range(0, len(flat), 2):
        doc += flat[i]
        out.append((doc, flat[i + 1]))
    return out


def test_index_layout_postings_and_filters() -> None:
    docs = [
        _doc(1, "spectrum auction", (("telecom", "Telecom"),)),
        _doc(2, "fibre rollout auction auction", (("broadband", "Broadband"),)),
        _doc(3, "satellite", (("telecom", "Telecom"),)),
    ]
    files = build_index(docs)
    meta = json.loads(files["search/meta.json"])
    assert meta["count"] == 3
    assert meta["categories"] == [["broadband", "Broadband"], ["telecom", "Telecom"]]
    assert meta["years"] == ["2023"]
    # newest first: post 3 is document 0
    rows = json.loads(files["search/docs/0.json"])
    assert [r["u"] for r in rows] == [d.url for d in reversed(docs)]
    assert _postings(files, "auction") == [(1, 2), (2, 1)]
    assert _postings(files, "post") == [(0, 10), (1, 10), (2, 10)]  # title weight
    assert json.loads(files["search/filter/category/telecom.json"]) == [0, 2]
    assert json.loads(files["search/text/0.json"])[2] == "spectrum auction"


def test_index_is_deterministic_and_independent_of_input_order() -> None:
    docs = [_doc(n, f"word{n} common text", (("c", "C"),)) for n in range(1, 28)]
    assert build_index(docs) == build_index(list(reversed(docs)))
    files = build_index(docs * 1)
    assert len([p for p in files if p.startswith("search/docs/")]) == -(-27 // DOC_CHUNK)


@given(st.text(max_size=200))
def test_tokens_are_lowercase_and_never_empty(text: str) -> None:
    for token in tokenize(text):
        assert token and token == token.lower()
        assert tokenize(token) == [token] or len(token) > 2


def test_a_result_thumbnail_is_a_small_copy_on_this_site_or_none() -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    from sitegen.model import Document, Image
    from sitegen.search.index import thumbnail

    doc = Document("x.md", "T", "t", "post", datetime(2024, 1, 1, tzinfo=UTC),
                   datetime(2024, 1, 1, tzinfo=UTC), "t/", "", 1)  # fmt: skip
    local = Image(
        "/wp-content/uploads/a.jpg", width=1200, height=675,
        srcset="/wp-content/uploads/a-150x84.jpg 150w, /wp-content/uploads/a-300x169.jpg 300w, "
        "/wp-content/uploads/a-768x432.jpg 768w",
    )  # fmt: skip
    assert thumbnail(replace(doc, featured_image=local)) == "wp-content/uploads/a-300x169.jpg"
    other = Image("https://cdn.example/a.jpg", width=1200, height=675)
    assert thumbnail(replace(doc, featured_image=other)) == ""  # no request to another host
    assert thumbnail(doc) == ""
