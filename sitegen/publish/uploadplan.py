"""The pure heart of a publish: local state + remote state -> what to upload and delete, why.

No I/O here, so the planner is tested exhaustively with hypothesis: applying the plan to the
remote state always yields the local state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sitegen.feeds.formats import is_feed
from sitegen.publish.store import ObjectMeta

# Upload order, so that a visitor never meets a page whose assets are not there yet, nor a feed
# or sitemap announcing a page that is not there yet.
ASSETS, PAGES, HOME, FEEDS, SITEMAPS = range(5)
PHASE_NAMES = ("assets", "pages", "home", "feeds", "sitemaps")


@dataclass(frozen=True)
class Upload:
    key: str
    reason: str  # "new", "changed" (content) or "metadata" (same content, other headers)
    phase: int


@dataclass(frozen=True)
class Plan:
    uploads: tuple[Upload, ...]  # in upload order: by phase, then key
    deletes: tuple[str, ...]  # sorted
    unchanged: int

    @property
    def empty(self) -> bool:
        return not self.uploads and not self.deletes

    def lines(self) -> list[str]:
        """The plan as a person reads it: one `reason  key` line per object."""
        out = [f"{u.reason:<9} {u.key}" for u in self.uploads]
        return out + [f"{'deleted':<9} {key}" for key in self.deletes]


def phase_of(key: str, meta: ObjectMeta) -> int:
    name = key.rsplit("/", 1)[-1]
    if name == "robots.txt" or (name.startswith("sitemap") and name.endswith(".xml")):
        return SITEMAPS
    if is_feed(meta.content_type):
        return FEEDS
    if key == "index.html":
        return HOME
    if meta.content_type.startswith("text/html"):
        return PAGES
    return ASSETS


def _reason(want: ObjectMeta, have: ObjectMeta | None, compare_metadata: bool) -> str | None:
    if have is None:
        return "new"
    if want.sha256 != have.sha256:
        return "changed"
    if not compare_metadata:
        return None
    if want.content_encoding != have.content_encoding:
        # Same content, other bytes on the wire (gzip switched on or off): replace the object.
        return "changed"
    if (want.content_type, want.cache_control, want.redirect) != (
        have.content_type,
        have.cache_control,
        have.redirect,
    ):
        return "metadata"
    return None


def plan_sync(
    local: Mapping[str, ObjectMeta],
    remote: Mapping[str, ObjectMeta],
    *,
    compare_metadata: bool = True,
) -> Plan:
    """Diff `local` (what the site is) against `remote` (what the store holds).

    `compare_metadata` is False for stores that keep no headers (a folder): there only the
    content decides.
    """
    uploads = []
    unchanged = 0
    for key, want in local.items():
        reason = _reason(want, remote.get(key), compare_metadata)
        if reason is None:
            unchanged += 1
        else:
            uploads.append(Upload(key, reason, phase_of(key, want)))
    uploads.sort(key=lambda u: (u.phase, u.key))
    deletes = tuple(sorted(key for key in remote if key not in local))
    return Plan(tuple(uploads), deletes, unchanged)
