"""Reader comments threaded as WordPress threads them (`wp_list_comments`, Walker_Comment).

Replies nest under the comment they answer, oldest first at every level, down to WordPress's
default `thread_comments_depth` of 5; a reply deeper than that is shown at the deepest level,
right after the comment it answers, as WordPress does so that no reply is orphaned. What a
hand-edited file can hold and WordPress cannot (a parent that is not there, a reply to itself,
a cycle) never loses a comment: whatever the walk from the top-level comments does not reach
is shown at the top level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.model import Comment

MAX_DEPTH = 5


@dataclass(frozen=True)
class Node:
    comment: Comment
    depth: int  # 1 for a top-level comment
    children: tuple[Node, ...]


def thread(comments: Sequence[Comment], max_depth: int = MAX_DEPTH) -> tuple[Node, ...]:
    """`comments` as a forest. Iterative: a 10,000-reply chain must not hit Python's stack."""
    ordered = sorted(comments, key=lambda c: (c.date, c.id))
    ids = {c.id for c in ordered}
    replies: dict[int, list[Comment]] = {}
    roots: list[Comment] = []
    for c in ordered:
        if c.parent and c.parent != c.id and c.parent in ids:
            replies.setdefault(c.parent, []).append(c)
        else:
            roots.append(c)
    seen: set[int] = set()
    out: list[Node] = []
    for c in roots:
        out.extend(_walk(c, replies, seen, max_depth))
    for c in ordered:  # in a cycle: reachable from no top-level comment
        if c.id not in seen:
            out.extend(_walk(c, replies, seen, max_depth))
    return tuple(out)


def _walk(
    root: Comment, replies: dict[int, list[Comment]], seen: set[int], max_depth: int
) -> list[Node]:
    """The nodes `root` makes at its level: itself, then (at the deepest level) its flattened
    replies. Built bottom-up from an explicit stack."""
    # Each frame: (comment, depth, the list its node goes into).
    result: list[Node] = []
    stack: list[tuple[Comment, int, list[Node]]] = [(root, 1, result)]
    pending: list[tuple[Comment, int, list[Node], list[Node]]] = []
    while stack:
        c, depth, into = stack.pop()
        if c.id in seen:
            continue
        seen.add(c.id)
        kids: list[Node] = []
        pending.append((c, depth, into, kids))
        below = [r for r in replies.get(c.id, ()) if r.id not in seen]
        if depth < max_depth:
            stack.extend((r, depth + 1, kids) for r in reversed(below))
        else:  # at the deepest level: replies follow at the same level
            stack.extend((r, depth, into) for r in reversed(below))
    # Children were collected into `kids` lists; nodes are immutable, so build them last,
    # deepest first, and place each into its parent's list in walk order.
    order: dict[int, int] = {c.id: i for i, (c, _, _, _) in enumerate(pending)}
    for c, depth, into, kids in reversed(pending):
        into.append(Node(c, depth, tuple(sorted(kids, key=lambda n: order[n.comment.id]))))
    result.sort(key=lambda n: order[n.comment.id])
    return result
