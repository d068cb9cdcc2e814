"""related_posts (bit sets, for speed at 10,000 posts) picks exactly what the plain definition
picks: the posts sharing the most tags with the post, ties broken newest first."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from sitegen.errors import Problems
from sitegen.model import Document, SiteInfo, Term
from sitegen.site.assemble import Site, assemble_site, related_posts

START = datetime(2020, 1, 1, tzinfo=UTC)


def reference(site: Site, path: str, limit: int) -> list[str]:
    """The definition, as it was written before it had to be fast."""
    score: dict[str, int] = defaultdict(int)
    for tag in site.docs[path].tags:
        for other in site.tag_posts.get(tag.slug, ()):
            if other != path:
                score[other] += 1
    return sorted(score, key=lambda p: (-score[p], site.post_order[p]))[:limit]


def make_site(tagging: list[tuple[int, list[int]]]) -> Site:
    docs = [
        Document(
            source=f"content/posts/p{i}.md",
            title=f"Post {i}",
            slug=f"p{i}",
            type="post",
            date=START + timedelta(hours=hours),
            updated=START,
            path=f"p{i}/",
            body_digest="",
            body_line=5,
            tags=tuple(Term(slug=f"t{t}", name=f"T{t}") for t in tags),
        )
        for i, (hours, tags) in enumerate(tagging)
    ]
    return assemble_site(SiteInfo(), docs, Problems())


posts = st.lists(
    st.tuples(st.integers(0, 30), st.lists(st.integers(0, 6), max_size=5)),  # repeats allowed
    min_size=1,
    max_size=40,
)


@given(posts, st.integers(0, 5))
def test_related_posts_match_the_definition(
    tagging: list[tuple[int, list[int]]], limit: int
) -> None:
    site = make_site(tagging)
    for path in site.posts:
        assert related_posts(site, path, limit) == reference(site, path, limit)


def test_most_shared_tags_first_then_newest() -> None:
    site = make_site([(10, [1, 2]), (9, [1, 2]), (8, [1]), (20, [1]), (30, [3])])
    assert related_posts(site, "p0/") == ["p1/", "p3/", "p2/"]
    assert related_posts(site, "p4/") == []
