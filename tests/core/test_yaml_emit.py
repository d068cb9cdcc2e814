"""The fast front matter emitter writes what PyYAML writes, byte for byte, or declines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from testdata import TESTS

from sitegen.content import KEY_ORDER, _Dumper, dump_front_matter
from sitegen.yaml_emit import emit

GOLDEN = TESTS / "golden" / "content"


def pyyaml(data: dict[str, Any]) -> str:
    """What content.dump_front_matter wrote before the fast emitter (its reference)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
        default_flow_style=False,
    )


# Pieces that decide a YAML scalar's style: indicators, words YAML reads as other types,
# numbers and dates as text, quotes, breaks, blanks, emoji, Devanagari, control characters.
TRICKY = [
    ": ",
    ":",
    " #",
    "#",
    "'",
    '"',
    "- ",
    "-",
    "? ",
    "?",
    "---",
    "...",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "~",
    "yes",
    "no",
    "null",
    "Null",
    "true",
    "False",
    "on",
    "off",
    "y",
    "n",
    "=",
    "<<",
    "0",
    "12",
    "-7",
    "0x1F",
    "0o17",
    "1_000",
    "3.5",
    ".inf",
    "-.nan",
    "1e3",
    "2024-01-31",
    "2024-01-31T09:00:00+05:30",
    "12:30:00",
    "190:20:30",
    " ",
    "  ",
    "\n",
    "\n\n",
    " \n",
    "\n ",
    "\t",
    "\r",
    "\r\n",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\xa0",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffe",
    "\U0010ffff",
    "\ud800",
    "🚀",
    "नमस्ते",
    "“quoted”",
    "—",
    "…",
    "é",
    "\u3000",
    "\\",
    "/",
    "http://x.example/a?b=c#d",
]
words = st.sampled_from(TRICKY) | st.text(max_size=6)
tricky_text = st.lists(words, max_size=8).map("".join)
long_text = st.integers(4_000, 12_000).map(lambda n: ("word " * n)[:n])
texts = tricky_text | st.text() | long_text
offsets = st.integers(-23 * 60, 23 * 60).map(lambda m: timezone(timedelta(minutes=m)))
datetimes = st.datetimes(timezones=st.none() | st.just(UTC) | offsets)
scalars = (
    texts
    | st.integers(-(10**20), 10**20)
    | st.booleans()
    | st.none()
    | datetimes
    | st.dates()
    | st.floats(allow_nan=False)
)
keys = st.sampled_from([*KEY_ORDER, "name", "url", "alt", "caption", "yes", "null", "a b"]) | (
    st.text(max_size=8)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
front_matters = st.dictionaries(keys, values, min_size=1, max_size=8)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(front_matters)
def test_same_bytes_as_pyyaml_or_declines(data: dict[str, Any]) -> None:
    fast = emit(data)
    if fast is None:
        return  # PyYAML writes it (content.dump_front_matter falls back)
    assert fast == pyyaml(data)
    assert yaml.safe_load(fast) == data


# What the import writes: plain text and the front matter's own shapes. The fast path must take
# these (else the property above passes by always declining).
plain = st.text(
    st.characters(categories=["L", "N", "P", "Zs", "So"], exclude_characters="\u3000\xa0\x85"),
    max_size=80,
)
nested = st.recursive(
    plain | st.integers() | st.booleans() | datetimes,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEY_ORDER), inner),
    max_leaves=8,
)


@settings(max_examples=120)
@given(st.dictionaries(st.sampled_from(KEY_ORDER), nested, min_size=1))
def test_takes_the_import_shapes(data: dict[str, Any]) -> None:
    fast = emit(data)
    assert fast is not None
    assert fast == pyyaml(data)


def test_multi_line_text_is_a_literal_block() -> None:
    data = {"caption": "Line one\n\n  indented: two\n", "tags": [{"name": "a\nb"}]}
    fast = emit(data)
    assert fast == "caption: |\n  Line one\n\n    indented: two\ntags:\n- name: |-\n    a\n    b\n"
    assert fast == pyyaml(data)


def test_declines_what_pyyaml_must_write() -> None:
    when = datetime(2024, 1, 31, 9, tzinfo=UTC)
    shared = {"slug": "a"}
    assert emit({"title": "tab\there"}) is None  # double-quoted escape
    assert emit({"date": when, "updated": when}) is None  # an anchor and an alias
    assert emit({"categories": [shared, shared]}) is None
    assert emit({"ratio": 0.5}) is None
    assert emit({"summary": "word " * 2_500}) is None  # PyYAML folds it at 10,000 columns
    assert emit({"when": date(2024, 1, 31)}) == pyyaml({"when": date(2024, 1, 31)})


def test_golden_front_matter_takes_the_fast_path() -> None:
    files = sorted(GOLDEN.rglob("*.md"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8").split("---\n")[1]
        assert emit(yaml.safe_load(text)) == text, path


def test_dump_front_matter_uses_pyyaml_where_the_emitter_declines() -> None:
    meta = {"slug": "a", "title": "Tab\there", "date": datetime(2024, 1, 31, 9, tzinfo=UTC)}
    ordered = {"title": "Tab\there", "slug": "a", "date": meta["date"]}
    assert emit(ordered) is None
    assert dump_front_matter(meta) == pyyaml(ordered)
    assert dump_front_matter(meta).startswith('title: "Tab\\there"\n')
