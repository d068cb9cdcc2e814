"""Generate N synthetic news posts, deterministically for a seed, in three formats.

    python benchmarks/generate.py --posts 1000 --seed 8 --out benchmarks/work/1000

writes `OUT/wp/` (WordPress REST JSON: posts-page-K.json of 100, categories.json, tags.json,
users.json, media.json, pages.json, index.json, headers.txt — the shapes of a real WordPress 6.1
dump), `OUT/hugo/content/` and `OUT/pelican/content/` (the same posts as Markdown). The site has
30 categories (a two-level tree), 300 tags and 20 authors; term use is skewed the way it is on a
real news site (a few tags on thousands of posts, most on a handful).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import formats
from benchmarks.textgen import COMPANIES, TOPICS, WORDS, ArticleWriter, Block, Link

HOME = "https://news.example.com/"
TZ = timezone(timedelta(hours=5, minutes=30))  # Asia/Kolkata, like the real site
START = datetime(2015, 1, 1, 9, 0, tzinfo=TZ)

PARENTS = ("Telecom", "IT", "Policy & Regulation", "Devices", "Broadband", "Satellite")
CHILDREN = {
    "Telecom": ("5G", "Spectrum", "Tariffs", "Towers", "Mergers"),
    "IT": ("Cloud", "Data Centres", "Startups", "Earnings", "AI"),
    "Policy & Regulation": ("Licensing", "Right of Way", "Security", "Consultations"),
    "Devices": ("Smartphones", "Wearables", "Semiconductors"),
    "Broadband": ("Fibre", "Fixed Wireless", "Cable"),
    "Satellite": ("Satcom Licences", "Launches", "Ground Stations"),
}
FIRST = ("Aditi", "Manish", "Sneha", "Rahul", "Kavya", "Imran", "Pooja", "Arjun", "Divya", "Nikhil")
LAST = ("Raghavan", "Kulkarni", "Dutta", "Menon", "Chatterjee", "Khan", "Reddy", "Sethi")


@dataclass(frozen=True)
class Term:
    id: int
    name: str
    slug: str
    parent: int = 0  # categories: the parent's id


@dataclass(frozen=True)
class Post:
    id: int
    slug: str
    title: str
    date: datetime  # local time, with the site's offset
    author: int
    categories: tuple[int, ...]
    tags: tuple[int, ...]
    blocks: tuple[Block, ...]
    featured_media: int  # 0: none

    @property
    def path(self) -> str:
        """The WordPress permalink path (/%year%/%monthnum%/%day%/%postname%/), no leading /."""
        return f"{self.date:%Y/%m/%d}/{self.slug}/"


@dataclass(frozen=True)
class Corpus:
    home: str
    categories: tuple[Term, ...]
    tags: tuple[Term, ...]
    authors: tuple[Term, ...]
    posts: tuple[Post, ...]  # oldest first


def slugify(text: str) -> str:
    """WordPress' sanitize_title for ASCII text: lowercase, runs of other characters -> '-'."""
    text = text.lower().replace("’", "").replace("'", "").replace("&", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _categories() -> tuple[Term, ...]:
    terms = [Term(1, "Uncategorized", "uncategorized")]
    for name in PARENTS:
        parent = Term(len(terms) + 1, name, slugify(name))
        terms.append(parent)
        for child in CHILDREN[name]:
            terms.append(Term(len(terms) + 1, child, slugify(child), parent.id))
    assert len(terms) == 30 == len({t.id for t in terms}), terms
    return tuple(terms)


def _tags(rng: random.Random) -> tuple[Term, ...]:
    pairs = [f"{w.title()} {t}" for w in WORDS for t in TOPICS]
    pairs += [f"{c} {t}" for c in COMPANIES for t in TOPICS]
    rng.shuffle(pairs)
    names: dict[str, str] = {}  # slug -> name: slugs must be unique
    for name in [*COMPANIES, *TOPICS, *pairs]:
        names.setdefault(slugify(name), name)
        if len(names) == 300:
            break
    return tuple(Term(100 + i, name, slug) for i, (slug, name) in enumerate(names.items()))


def _authors() -> tuple[Term, ...]:
    names = [f"{FIRST[i % len(FIRST)]} {LAST[(i * 3) % len(LAST)]}" for i in range(19)]
    return (
        Term(1, "News Desk", "news-desk"),
        *(Term(2 + i, n, slugify(n)) for i, n in enumerate(names)),
    )


def _zipf(n: int) -> list[float]:
    return [1.0 / (i + 1) for i in range(n)]


def generate(count: int, seed: int, home: str = HOME) -> Corpus:
    """The whole synthetic site; the same `seed` always gives the same corpus."""
    rng = random.Random(seed)
    categories, tags, authors = _categories(), _tags(rng), _authors()
    leaf_cats = [c for c in categories if c.id != 1]
    cat_weights, tag_weights, author_weights = _zipf(len(leaf_cats)), _zipf(len(tags)), _zipf(20)
    writer = ArticleWriter(rng, home)
    # ~8 posts a day, at irregular times, so date archives and pagination look like a newsroom's.
    when = START
    seen: dict[str, int] = {}
    posts: list[Post] = []
    for n in range(count):
        when += timedelta(minutes=rng.randint(20, 340))
        title = writer.title()
        base = slugify(title)[:80].strip("-")
        seen[base] = seen.get(base, 0) + 1
        slug = base if seen[base] == 1 else f"{base}-{seen[base]}"  # WordPress' duplicate rule
        links = [
            Link("earlier coverage", "/" + p.path) for p in rng.sample(posts, min(3, len(posts)))
        ]
        links.append(Link("report", f"https://www.example.org/reports/{rng.randrange(10**6)}"))
        ncat = 2 if rng.random() < 0.15 else 1
        cats = tuple(sorted({c.id for c in rng.choices(leaf_cats, cat_weights, k=ncat)}))
        post_tags = tuple(
            sorted({t.id for t in rng.choices(tags, tag_weights, k=rng.randint(2, 6))})
        )
        media = 50_000 + n if rng.random() < 0.6 else 0
        blocks = writer.body(links, 90_000 + n, when.year, when.month)
        posts.append(
            Post(
                id=1000 + n,
                slug=slug,
                title=title,
                date=when,
                author=rng.choices(authors, author_weights)[0].id,
                categories=cats,
                tags=post_tags,
                blocks=tuple(blocks),
                featured_media=media,
            )
        )
    return Corpus(home, categories, tags, authors, tuple(posts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000, help="number of posts (default 1000)")
    parser.add_argument("--seed", type=int, default=8, help="random seed (default 8)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--formats", default="wp,hugo,pelican", help="comma-separated subset")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus = generate(args.posts, args.seed)
    for name in args.formats.split(","):
        formats.WRITERS[name](corpus, args.out / name)
    print(
        f"generated {len(corpus.posts)} posts (seed {args.seed}) in {args.out} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
