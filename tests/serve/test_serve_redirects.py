"""`_redirects` parsed and matched the way Netlify does it."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.serve.redirects import find, parse_redirects

RULES = """\
# WordPress ids and old paths of the mirror
/ p=:id /archives/:id/ 301!
/ page_id=2 /about/ 301!
/2023/08/31/old-slug/ /2023/09/01/new-slug/ 301
/news/* /2023/:splat 302
/tag/:slug/feed /tag/:slug/feed/ 301
/:year/:month/:day/amp/ /:year/:month/:day/ 308
/gone /gone.html 410
/missing/* /missing.html 404
/app/* /app/index.html 200
/forced /elsewhere/ 302!
/%e0%a4%b9%e0%a4%bf/ /hindi/ 301
"""


def resolve(path: str, query: str = "", file_exists: bool = False) -> tuple[int, str] | None:
    rules, problems = parse_redirects(RULES)
    assert not len(problems)
    match = find(rules, path, parse_qs(query), query, file_exists=file_exists)
    return None if match is None else (match.rule.status, match.location)


@pytest.mark.parametrize(
    ("path", "query", "exists", "expected"),
    [
        # WordPress's /?p=ID: query placeholder, forced because / itself exists.
        ("/", "p=42", True, (301, "/archives/42/")),
        ("/", "p=42&utm=x", True, (301, "/archives/42/")),  # extra params do not matter
        ("/", "page_id=2", True, (301, "/about/")),
        ("/", "page_id=3", True, None),  # a literal value must be equal
        ("/", "", True, None),
        # plain rules; trailing slash normalised both ways; query passed on
        ("/2023/08/31/old-slug/", "", False, (301, "/2023/09/01/new-slug/")),
        ("/2023/08/31/old-slug", "", False, (301, "/2023/09/01/new-slug/")),
        ("/2023/08/31/old-slug/", "a=1", False, (301, "/2023/09/01/new-slug/?a=1")),
        # splats
        ("/news/09/01/x/", "", False, (302, "/2023/09/01/x")),
        ("/news", "", False, (302, "/2023/")),
        ("/newsroom", "", False, None),
        # placeholders match exactly one segment
        ("/tag/5g/feed", "", False, (301, "/tag/5g/feed/")),
        ("/tag/a/b/feed", "", False, None),
        ("/2023/09/01/amp/", "", False, (308, "/2023/09/01/")),
        # status-only rules
        ("/gone", "", False, (410, "/gone.html")),
        ("/missing/a/b", "", False, (404, "/missing.html")),
        ("/app/deep/link", "", False, (200, "/app/index.html")),
        # shadowing: a file that exists wins over an unforced rule, not over a forced one
        ("/2023/08/31/old-slug/", "", True, None),
        ("/forced", "", True, (302, "/elsewhere/")),
        # percent-encoded sources match the decoded request path
        ("/हि/", "", False, (301, "/hindi/")),
    ],
)
def test_rules(path: str, query: str, exists: bool, expected: tuple[int, str] | None) -> None:
    assert resolve(path, query, exists) == expected


def test_first_match_wins() -> None:
    rules, _ = parse_redirects("/a /first 302\n/a /second 302\n/* /catch-all 302\n")
    found = find(rules, "/a", {}, "", file_exists=False)
    assert found is not None and found.location == "/first"
    other = find(rules, "/b/c", {}, "", file_exists=False)
    assert other is not None and other.location == "/catch-all"


def test_bad_lines_are_reported_with_their_line_and_skipped() -> None:
    text = "/ok /fine 301\nno-slash /x\n/lonely\n/x /y 999\n/geo /fr 302 Country=fr\n\n# note\n"
    rules, problems = parse_redirects(text, "public/_redirects")
    assert [r.source for r in rules] == ["/ok"]
    assert [p.location for p in problems] == [
        "public/_redirects:2",
        "public/_redirects:3",
        "public/_redirects:4",
        "public/_redirects:5",
    ]
    assert "999" in problems.items[2].message
    assert "Country=fr" in problems.items[3].message


def test_placeholders_do_not_eat_longer_names() -> None:
    rules, _ = parse_redirects("/:id/:identifier /to/:identifier/:id 301\n")
    found = find(rules, "/1/two", {}, "", file_exists=False)
    assert found is not None and found.location == "/to/two/1"


segment = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/?#%"),
    min_size=1,
    max_size=12,
)


@given(segment, segment, st.lists(segment, max_size=3))
def test_captured_values_come_back_in_the_target(a: str, b: str, rest: list[str]) -> None:
    """Whatever the segments, the target gets them back (percent-encoded, `/` kept)."""
    rules, _ = parse_redirects("/x/:a/:b/* /y/:b/:a/:splat 301\n")
    path = "/x/" + "/".join([a, b, *rest])
    found = find(rules, path, {}, "", file_exists=False)
    assert found is not None
    # An empty splat leaves the target's own slash, as Netlify does.
    assert unquote(found.location).rstrip("/") == "/y/" + "/".join([b, a, *rest])


def test_a_page_request_compiles_no_pattern_of_a_plain_or_query_rule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A site has a rule or two per post (`?p=`, `/amp/`, `?amp=1`): compiling each one's
    pattern on every request made a page of a 10,000-post preview take most of a second."""
    from sitegen.serve import redirects as module

    text = "\n".join(
        f"/web/{i}/ amp=1 /web/{i}/ 301!\n/web/{i}/amp/ /web/{i}/ 301" for i in range(3000)
    )
    rules, _ = parse_redirects(text + "\n/web/x/:slug/ /web/:slug/ 301!")
    compiled: list[str] = []
    real = module._pattern
    monkeypatch.setattr(module, "_pattern", lambda s: compiled.append(s) or real(s))
    assert find(rules, "/web/7/", {}, "", file_exists=True) is None
    assert compiled == ["/web/x/:slug/"]  # only the rule with a placeholder
    found = find(rules, "/web/7/amp/", {}, "", file_exists=False)
    assert found is not None and found.location == "/web/7/"
    found = find(rules, "/web/7/", {"amp": ["1"]}, "amp=1", file_exists=True)
    assert found is not None and found.location == "/web/7/"
