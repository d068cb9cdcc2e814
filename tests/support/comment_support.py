"""Reader comments added to a copy of a fixture site's post (the fixtures themselves have none,
so that their golden output stays what it was before comments)."""

from __future__ import annotations

from pathlib import Path

THREAD = """comments:
- id: 1200
  author: Prakash
  date: 2023-08-16T10:00:00+05:30
  body: First <b>comment</b>.
- id: 1201
  parent: 1200
  author: Aditi
  url: https://aditi.example.org/
  date: 2023-08-16T11:00:00+05:30
  body: A reply.
- id: 1202
  author: Third
  date: 2023-08-17T09:00:00+05:30
  body: Later.
"""


def add_comments(post: Path, block: str = THREAD) -> None:
    """`block` (a `comments:` front matter key) appended to the front matter of `post`."""
    text = post.read_text(encoding="utf-8")
    end = text.index("\n---", 3)
    post.write_text(text[: end + 1] + block + text[end + 1 :], encoding="utf-8")
