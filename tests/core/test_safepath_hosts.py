"""The gate's per-host forms of a server-rule path (nginx, Apache/Caddy regex, encoded)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from sitegen import safepath


def test_encoded_leaves_nothing_a_config_parser_reads() -> None:
    got = safepath.rule_path_encoded("web/a$b;c:d*e'f(g)/%e0%a4%b9/")
    assert got == "web/a%24b%3Bc%3Ad%2Ae%27f%28g%29/%e0%a4%b9/"
    assert re.fullmatch(r"[A-Za-z0-9/%\-._~]*", got)


def test_decoded_is_what_the_server_matches() -> None:
    assert safepath.rule_path_decoded("web/a%22b%20c/%e0%a4%b9/") == 'web/a"b c/ह/'


@pytest.mark.parametrize("bad", ["web/a%0Ab/", "web/a%2Fb/", "web/../x/", "web/a\\b/", "a?b"])
def test_decoded_refuses_what_the_gate_refuses(bad: str) -> None:
    with pytest.raises(safepath.UnsafePath):
        safepath.rule_path_decoded(bad)


def test_nginx_string_escapes_quote_and_backslash() -> None:
    assert safepath.nginx_string('/a"b\\c;$d{/') == '"/a\\"b\\\\c;$d{/"'
    with pytest.raises(safepath.UnsafePath):
        safepath.nginx_string("/a\nb/")


def test_pcre_literal_matches_exactly_its_text() -> None:
    text = 'web/a.b*c"d e$f(g)[h]^ह/'
    pattern = safepath.pcre_literal(text)
    assert re.fullmatch(r"[A-Za-z0-9/_\-\\x]*", pattern)
    # Python's re reads \xHH as a code point, so compare on the Latin-1 view of the bytes.
    latin = text.encode("utf-8").decode("latin-1")
    assert re.fullmatch(pattern, latin)
    assert not re.fullmatch(pattern, latin.replace(".", "x"))


@pytest.mark.parametrize("name", ["a \nb", '" \n"', "x \r", "a b\u2028c", "a \x00"])
def test_a_control_character_after_a_space_is_refused(name: str) -> None:
    # A space before it once hid it: `a%20%0Ab` passed the gate into server rules.
    with pytest.raises(safepath.UnsafePath):
        safepath.check_name(name)
    with pytest.raises(safepath.UnsafePath):
        safepath.rule_path("web/" + quote(name, safe="") + "/")


def test_a_space_alone_is_still_a_name() -> None:
    assert safepath.check_name("a b") == "a b"
