"""memoize_macro: an imported macro called again with the same arguments answers from a memo
(a post's card is rendered ~13 times in a build), with the same output."""

from __future__ import annotations

import jinja2

from sitegen.speedups import memoize_macro

MACRO = (
    "{% macro card(p, h='h2') %}{{ calls.append(p) or '' }}<{{ h }}>{{ p }}</{{ h }}>{% endmacro %}"
)
PAGE = '{% from "card.html" import card %}{{ card(x) }}{{ card(x, "h3") }}{{ card(x, h="h3") }}'


def _env() -> tuple[jinja2.Environment, list[object]]:
    env = jinja2.Environment(loader=jinja2.DictLoader({"card.html": MACRO, "page.html": PAGE}))
    calls: list[object] = []
    env.globals["calls"] = calls
    return env, calls


def test_each_distinct_call_is_rendered_once() -> None:
    env, calls = _env()
    plain = env.get_template("page.html").render(x="a")
    memo_env, memo_calls = _env()
    memoize_macro(memo_env, "card.html", "card")
    pages = [memo_env.get_template("page.html").render(x=x) for x in ("a", "b", "a", "b")]
    assert pages[0] == plain == "<h2>a</h2><h3>a</h3><h3>a</h3>"
    assert pages == [plain, plain.replace("a", "b")] * 2
    assert calls == ["a"] * 3  # without the memo: every call
    # Three keys per page ("h3" and h="h3" differ), each rendered once: not again for the last two.
    assert memo_calls == ["a"] * 3 + ["b"] * 3


def test_arguments_that_do_not_hash_are_rendered_every_time() -> None:
    env, calls = _env()
    memoize_macro(env, "card.html", "card")
    page = env.get_template("page.html")
    expected = "<h2>['l']</h2><h3>['l']</h3><h3>['l']</h3>"
    assert page.render(x=["l"]) == page.render(x=["l"]) == expected
    assert len(calls) == 6


def test_a_missing_or_broken_template_is_left_to_the_render() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"card.html": "{% macro card( %}"}))
    memoize_macro(env, "card.html", "card")  # no exception here: the page's render reports it
    memoize_macro(env, "nope.html", "card")


def test_each_build_gets_a_fresh_memo_on_a_reused_environment() -> None:
    """An environment may outlive a build (serve reuses it while the templates are unchanged):
    memoizing again replaces the memo, so it never holds more than one build's cards."""
    env, calls = _env()
    memoize_macro(env, "card.html", "card")
    env.get_template("page.html").render(x="a")
    memoize_macro(env, "card.html", "card")
    env.get_template("page.html").render(x="a")
    assert calls == ["a"] * 6  # rendered again by the second build's memo, not nested in it
