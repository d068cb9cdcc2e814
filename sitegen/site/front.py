"""The front page's news hierarchy: which post leads, which follow, and a block per section.

Decided here, from the assembled site and `[front]` in sitegen.toml, so that the plan (what
the home page shows, for rebuilding it when one of those posts changes) and the render (what
the template gets) agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sitegen.config import FrontConfig
from sitegen.errors import Problems
from sitegen.site.assemble import Site

SECONDARY = 4  # stories under the lead
DEFAULT_SECTIONS = 6  # top-level categories shown when [front] sections is not set


@dataclass(frozen=True)
class Front:
    lead: str  # post path; "" on a site without posts
    secondary: tuple[str, ...]  # the next stories of the home order
    latest: tuple[str, ...]  # the rest of the first home page
    sections: tuple[tuple[str, tuple[str, ...]], ...]  # (category slug, posts not shown above)

    def shown(self) -> tuple[str, ...]:
        """Every post on the page, once each."""
        extra = [p for _, posts in self.sections for p in posts]
        return (self.lead, *self.secondary, *self.latest, *extra) if self.lead else ()


def home_order(site: Site, sticky_days: int) -> tuple[str, ...]:
    """Newest first, sticky posts pinned first as WordPress does, but only while they are at
    most `sticky_days` older than the newest post (0: always): last year's pinned story must
    not sit above this week's news. Each post is listed once."""
    if not site.posts:
        return ()
    newest = site.docs[site.posts[0]].date
    limit = timedelta(days=sticky_days)
    sticky = tuple(
        p
        for p in site.posts
        if site.docs[p].sticky and (not sticky_days or newest - site.docs[p].date <= limit)
    )
    pinned = set(sticky)
    return sticky + tuple(p for p in site.posts if p not in pinned)


def top_sections(site: Site, limit: int = DEFAULT_SECTIONS) -> tuple[str, ...]:
    """The top-level categories with posts, most posts first (the header's menu too)."""
    top = [t for t in site.category_children("") if t.slug in site.category_posts]
    top.sort(key=lambda t: (-len(site.category_posts[t.slug]), t.name.lower()))
    return tuple(t.slug for t in top[:limit])


def front_page(site: Site, front: FrontConfig, per_page: int) -> Front:
    first = home_order(site, front.sticky_days)[:per_page]
    if not first:
        return Front("", (), (), ())
    first = _lead_first(site, first)
    seen = set(first)
    blocks = []
    for slug in front.sections or top_sections(site):
        posts = [p for p in site.category_posts.get(slug, ()) if p not in seen]
        posts = posts[: front.section_posts]
        seen.update(posts)
        if posts:
            blocks.append((slug, tuple(posts)))
    return Front(first[0], first[1 : 1 + SECONDARY], first[1 + SECONDARY :], tuple(blocks))


def _lead_first(site: Site, first: tuple[str, ...]) -> tuple[str, ...]:
    """`first` with its lead in front: a pinned (sticky) post if there is one, else the newest
    of the top stories with a picture (a lead is a picture story), else the newest."""
    if site.docs[first[0]].sticky:
        return first
    top = first[: 1 + SECONDARY]
    lead = next((p for p in top if site.docs[p].featured_image is not None), first[0])
    return (lead, *(p for p in first if p != lead))


def check_front(site: Site, front: FrontConfig, where: str, problems: Problems) -> None:
    """An error for each `[front] sections` slug that names no category with posts."""
    for slug in front.sections:
        if slug not in site.category_posts:
            known = ", ".join(top_sections(site, limit=20))
            problems.error(
                f"front.sections: no category with posts has the slug '{slug}'",
                where,
                f"use category slugs (as in /category/<slug>/), e.g. {known}",
            )
