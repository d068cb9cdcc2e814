"""The gate's fast path for the characters a path may not hold answers as the slow one does."""

from __future__ import annotations

import sys
import unicodedata

from sitegen import safepath


def test_the_printable_fast_path_refuses_exactly_the_refused_characters() -> None:
    # _bad_char answers "nothing to refuse" from str.isprintable() for the usual path; that is
    # only right while isprintable() is False for exactly the refused categories but the space.
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        slow = ch.isspace() or unicodedata.category(ch) in safepath._BAD_CATEGORIES
        assert slow == (safepath._bad_char(f"a{ch}b") == ch), hex(code)
