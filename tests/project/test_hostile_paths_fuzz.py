"""Random slugs and permalinks, imported and built through the CLI: whatever WordPress sends,
nothing is written outside the site, no traceback, every refusal named, the good post built,
and every line of `_redirects` is one well-formed rule."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hostile_paths import CATEGORIES, GOOD, HOME, USERS, Run, _post

from sitegen.serve.redirects import parse_redirects

# What path attacks are made of, and a little of everything else.
FRAGMENTS = st.sampled_from(
    [".", "..", "/", "\\", "%2e", "%2E", "%2f", "%2F", "%5c", "%00", "%", "%e0%a4", "%ff",
     "\x00", "\n", "\r", "\t", " ", "\u2028", "\u200b", "\ud800", "?", "#", "*", ":splat",
     "x" * 120, "ह" * 40, "a", "-", "_"]
)  # fmt: skip
SLUGS = st.lists(FRAGMENTS | st.text(max_size=4), min_size=1, max_size=6).map("".join)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(slug=SLUGS, term=SLUGS, author=SLUGS, on_site=st.booleans())
def test_random_slugs_never_write_outside_the_site(
    slug: str, term: str, author: str, on_site: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run = Run(Path(tmp))
        link = f"{HOME}2023/09/01/{slug}/" if on_site else "https://elsewhere.example/x/"
        bad = _post(2, slug, link=link, author=2, categories=[7, 8])
        run.write("posts.json", [GOOD, bad])
        run.write("users.json", [*USERS, {"id": 2, "slug": author, "name": "A"}])
        run.write("categories.json", [*CATEGORIES, {"id": 8, "slug": term, "name": "T"}])
        out = run.import_()  # no traceback, nothing outside (checked inside)
        assert (run.import_code == 0) == ("error:" not in out)
        built = run.build()
        if run.build_code != 0:
            # A permalink WordPress gives as `.../2023/09/01/\n/` is `.../2023/09/01//` to a
            # browser (and to urlsplit): a post at a date archive's path, which the build
            # reports as the collision it is, writing nothing.
            errors = [line for line in built.splitlines() if " error: " in line]
            assert errors and all("URL collision" in line for line in errors), built
            return
        public = run.site / "public"
        assert (public / "2023" / "09" / "01" / "good-news" / "index.html").is_file()
        for path in public.rglob("*"):
            assert path.resolve().is_relative_to(public.resolve())
        rules, problems = parse_redirects((public / "_redirects").read_text())
        assert not problems.items
        assert all(rule.target.startswith("/") for rule in rules)
