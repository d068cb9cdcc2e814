"""Synthetic news-article bodies, as blocks that render both to WordPress HTML and to Markdown.

A body is generated once as a list of blocks and then rendered twice, so the REST JSON that
sitegen imports and the Markdown that Hugo and Pelican read carry exactly the same text, links,
images and tables. The HTML mimics WordPress' classic-editor output (wpautop paragraphs,
wptexturize entities, captioned images with srcset), which is what a real importer meets.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

COMPANIES = (
    "Sarthi Mobile",
    "NovaTel India",
    "Jyoti Telecom",
    "Vayu Wireless",
    "Kaveri Fibernet",
    "Indus Towers Grid",
    "Ganga Broadband",
    "Orbit Satcom",
    "Deccan Data Centres",
    "Pragati IT",
    "Lotus Networks",
    "Meghdoot Cloud",
    "Sahyadri Semiconductors",
    "Tarang Devices",
    "Nilgiri Fibre",
    "Aravali Cable",
    "Chenab Mobile",
    "Konark Systems",
    "Himalaya Spectrum",
    "Sutlej Software",
    "Narmada Infotech",
    "Brahmaputra Telecom",
    "Godavari Handsets",
    "Coromandel Cloud",
    "Malabar Wireless",
    "Thar Solar Networks",
    "Vindhya Microwave",
)
PEOPLE = (
    ("Meera Pillai", "chief technology officer"),
    ("Arvind Rao", "chief executive"),
    ("Lavanya Iyer", "analyst at Monsoon Capital"),
    ("Rohan Mehta", "policy head"),
    ("Farah Siddiqui", "director of networks"),
    ("Vikram Bose", "chief financial officer"),
    ("Ananya Desai", "research director"),
    ("Karan Gill", "head of enterprise business"),
    ("Priya Nair", "telecom secretary"),
    ("Sameer Kapoor", "partner at Horizon Advisory"),
    ("Neha Joshi", "head of devices"),
    ("Tenzin Dorje", "chief operating officer"),
)
SUBJECTS = (
    "the telecom regulator",
    "the ministry",
    "the operator",
    "the company",
    "analysts",
    "industry executives",
    "the department of telecommunications",
    "the spectrum panel",
    "rival carriers",
    "enterprise customers",
    "handset makers",
    "tower companies",
    "the cellular operators’ association",
    "broadband providers",
    "the tribunal",
)
VERBS = (
    "said",
    "expects",
    "reported",
    "announced",
    "estimated",
    "warned",
    "confirmed",
    "proposed",
    "denied",
    "forecast",
    "told investors",
    "noted",
    "plans to review",
)
OBJECTS = (
    "average revenue per user",
    "the 5G rollout",
    "fibre-to-the-home connections",
    "spectrum auction reserve prices",
    "satellite broadband licences",
    "tariff increases",
    "data traffic growth",
    "capital expenditure",
    "the merger",
    "network slicing trials",
    "rural tower coverage",
    "the right-of-way rules",
    "smartphone shipments",
    "subscriber additions",
    "the licence fee",
    "cloud revenue",
    "data centre capacity",
    "submarine cable landings",
    "open RAN deployments",
    "fixed wireless access",
)
CLAUSES = (
    "over the next two quarters",
    "in the metro circles",
    "despite weaker demand",
    "according to people familiar with the matter",
    "after months of consultation",
    "compared with a year earlier",
    "in its quarterly filing",
    "ahead of the auction",
    "for the third month in a row",
    "across 22 service areas",
    "before the festive season",
    "while costs kept rising",
    "in a statement on Monday",
    "at an industry event in Mumbai",
)
ADJECTIVES = (
    "marginal",
    "sharp",
    "steady",
    "modest",
    "record",
    "unexpected",
    "gradual",
    "significant",
)
TOPICS = (
    "5G",
    "Spectrum",
    "Tariffs",
    "Broadband",
    "Satellite",
    "Devices",
    "Cloud",
    "Data Centres",
    "Policy",
    "Fibre",
    "Towers",
    "Earnings",
    "Security",
    "AI",
    "Semiconductors",
)
ACTIONS = (
    "raises",
    "cuts",
    "expands",
    "delays",
    "launches",
    "wins",
    "loses",
    "doubles",
    "pauses",
    "revives",
    "backs",
    "questions",
    "overhauls",
    "completes",
)
WORDS = (
    "network",
    "coverage",
    "rollout",
    "pricing",
    "licence",
    "subscribers",
    "capacity",
    "auction",
    "fibre",
    "handsets",
    "revenue",
    "tariff",
    "spectrum",
    "users",
    "towers",
)
COLUMNS = (
    ("Operator", "Net adds (million)", "ARPU (₹)"),
    ("Circle", "5G sites", "Share of traffic (%)"),
    ("Quarter", "Revenue (₹ crore)", "Margin (%)"),
    ("Provider", "Subscribers (lakh)", "Growth (%)"),
)


@dataclass(frozen=True)
class Link:
    text: str
    href: str  # absolute, or root-relative ("/2020/01/02/slug/") for a link to another post


@dataclass(frozen=True)
class Block:
    """One block of an article. `kind`: p, h2, h3, ul, ol, quote, img, table.

    p/h2/h3: `items` holds one paragraph as alternating text and Link pieces.
    ul/ol: `items` holds one entry per list item (plain text). quote: text + cite.
    img: src, alt, caption, width, height, media_id. table: header row + rows.
    """

    kind: str
    items: tuple[object, ...] = ()
    text: str = ""
    cite: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def _texturize(text: str) -> str:
    """Escape for HTML the way WordPress' wptexturize leaves typographic characters."""
    out = html.escape(text, quote=False)
    for char, entity in (
        ("’", "&#8217;"),
        ("“", "&#8220;"),
        ("”", "&#8221;"),
        ("–", "&#8211;"),
        ("—", "&#8212;"),
    ):
        out = out.replace(char, entity)
    return out


class ArticleWriter:
    """Draws titles and bodies from one seeded random stream (deterministic for a seed)."""

    def __init__(self, rng: random.Random, home: str) -> None:
        self.rng = rng
        self.home = home.rstrip("/")

    def sentence(self) -> str:
        r = self.rng
        kind = r.randrange(5)
        if kind == 0:
            return (
                f"{r.choice(COMPANIES)} {r.choice(VERBS)} {r.choice(OBJECTS)} would see a "
                f"{r.choice(ADJECTIVES)} change {r.choice(CLAUSES)}."
            )
        if kind == 1:
            pct = f"{r.randint(1, 40)}.{r.randint(0, 9)}%"
            return (
                f"{r.choice(SUBJECTS).capitalize()} {r.choice(VERBS)} that {r.choice(OBJECTS)} "
                f"rose {pct} {r.choice(CLAUSES)}."
            )
        if kind == 2:
            name, role = r.choice(PEOPLE)
            return (
                f"“The {r.choice(WORDS)} question is really about {r.choice(OBJECTS)},” said "
                f"{name}, {role} at {r.choice(COMPANIES)}."
            )
        if kind == 3:
            return (
                f"The {r.choice(COMPANIES)} board’s decision on {r.choice(OBJECTS)} came "
                f"{r.choice(CLAUSES)}, and {r.choice(SUBJECTS)} {r.choice(VERBS)} it was "
                f"{r.choice(ADJECTIVES)}."
            )
        return (
            f"{r.choice(SUBJECTS).capitalize()} {r.choice(VERBS)} {r.randint(2, 900)} "
            f"{r.choice(WORDS)} {r.choice(CLAUSES)}."
        )

    def title(self) -> str:
        r = self.rng
        if r.random() < 0.5:
            return (
                f"{r.choice(COMPANIES)} {r.choice(ACTIONS)} {r.choice(OBJECTS)} {r.choice(CLAUSES)}"
            )
        return (
            f"{r.choice(TOPICS)}: {r.choice(SUBJECTS).capitalize()} {r.choice(VERBS)} "
            f"{r.choice(OBJECTS)} {r.choice(CLAUSES)}"
        )

    def paragraph(self, links: list[Link]) -> Block:
        pieces: list[object] = []
        text = " ".join(self.sentence() for _ in range(self.rng.randint(3, 5)))
        if links and self.rng.random() < 0.45:
            # Put a link on a run of words inside the paragraph, as editors do.
            words = text.split(" ")
            at = self.rng.randrange(1, max(2, len(words) - 4))
            link = self.rng.choice(links)
            anchor = " ".join(words[at : at + 3]).rstrip(".,”")
            pieces = [" ".join(words[:at]) + " ", Link(anchor, link.href)]
            pieces.append(" ".join(words[at:])[len(anchor) :])
        else:
            pieces = [text]
        return Block("p", tuple(pieces))

    def image(self, media_id: int, year: int, month: int) -> Block:
        r = self.rng
        name = f"{r.choice(WORDS)}-{r.choice(WORDS)}-{media_id}"
        src = f"{self.home}/wp-content/uploads/{year}/{month:02d}/{name}-1024x576.jpg"
        alt = f"{r.choice(COMPANIES)} {r.choice(WORDS)} at an event"
        caption = self.sentence()
        return Block("img", (src, alt, caption, 1024, 576, media_id))

    def table(self) -> Block:
        r = self.rng
        header = r.choice(COLUMNS)
        rows = tuple(
            (r.choice(COMPANIES), f"{r.uniform(-2, 9):.1f}", str(r.randint(90, 400)))
            for _ in range(r.randint(3, 6))
        )
        return Block("table", rows=(header, *rows))

    def body(self, links: list[Link], media_id: int, year: int, month: int) -> list[Block]:
        """600–900 words: paragraphs with headings, a list, a quote, an image and a table."""
        r = self.rng
        target = r.randint(600, 900)
        blocks: list[Block] = [self.paragraph(links), self.paragraph(links)]
        extras = ["h2", "ul", "quote", "img", "table", "h3", "ol"]
        r.shuffle(extras)
        total = word_count(blocks)
        while total < target:
            block = (
                self.extra(extras.pop(), media_id, year, month)
                if extras and r.random() < 0.4
                else self.paragraph(links)
            )
            size = len(block_text(block).split())
            # A block is < 300 words, so stopping here still leaves at least 600.
            if total + size > 900:
                break
            blocks.append(block)
            total += size
        return blocks

    def extra(self, kind: str, media_id: int, year: int, month: int) -> Block:
        r = self.rng
        if kind in ("h2", "h3"):
            return Block(kind, (f"{r.choice(TOPICS)} and {r.choice(OBJECTS)}",))
        if kind in ("ul", "ol"):
            return Block(kind, tuple(self.sentence() for _ in range(r.randint(3, 5))))
        if kind == "quote":
            name, role = r.choice(PEOPLE)
            return Block("quote", text=self.sentence(), cite=f"— {name}, {role}")
        if kind == "img":
            return self.image(media_id, year, month)
        return self.table()


def block_text(block: Block) -> str:
    """The words a reader sees in a block (used to count words and to compare formats)."""
    if block.kind in ("p", "h2", "h3"):
        return "".join(p.text if isinstance(p, Link) else str(p) for p in block.items)
    if block.kind in ("ul", "ol"):
        return " ".join(str(i) for i in block.items)
    if block.kind == "quote":
        return f"{block.text} {block.cite}"
    if block.kind == "img":
        return str(block.items[2])
    return " ".join(" ".join(row) for row in block.rows)


def word_count(blocks: list[Block]) -> int:
    return sum(len(block_text(b).split()) for b in blocks)


def _inline_html(block: Block) -> str:
    out = []
    for piece in block.items:
        if isinstance(piece, Link):
            out.append(f'<a href="{html.escape(piece.href)}">{_texturize(piece.text)}</a>')
        else:
            out.append(_texturize(str(piece)))
    return "".join(out)


def to_html(blocks: list[Block], home: str) -> str:
    """WordPress `content.rendered`: wpautop paragraphs and texturized quotes."""
    home = home.rstrip("/")
    out: list[str] = []
    for b in blocks:
        if b.kind == "p":
            inner = _inline_html(b).replace('href="/', f'href="{home}/')
            out.append(f"<p>{inner}</p>\n")
        elif b.kind in ("h2", "h3"):
            out.append(f"<{b.kind}>{_inline_html(b)}</{b.kind}>\n")
        elif b.kind in ("ul", "ol"):
            items = "".join(f"<li>{_texturize(str(i))}</li>\n" for i in b.items)
            out.append(f"<{b.kind}>\n{items}</{b.kind}>\n")
        elif b.kind == "quote":
            out.append(
                f"<blockquote><p>{_texturize(b.text)}<br />\n"
                f"<cite>{_texturize(b.cite)}</cite></p></blockquote>\n"
            )
        elif b.kind == "img":
            out.append(_figure_html(b))
        else:
            out.append(_table_html(b))
    return "".join(out)


def _figure_html(b: Block) -> str:
    src, alt, caption, width, height, media_id = b.items
    full = str(src).replace("-1024x576", "")
    small = str(src).replace("-1024x576", "-300x169")
    return (
        f'<figure id="attachment_{media_id}" aria-describedby="caption-attachment-{media_id}" '
        f'style="width: {width}px" class="wp-caption aligncenter"><img decoding="async" '
        f'loading="lazy" class="size-large wp-image-{media_id}" src="{src}" '
        f'alt="{html.escape(str(alt))}" width="{width}" height="{height}" '
        f'srcset="{src} 1024w, {small} 300w, {full} 1200w" '
        f'sizes="(max-width: {width}px) 100vw, {width}px" />'
        f'<figcaption id="caption-attachment-{media_id}" class="wp-caption-text">'
        f"{_texturize(str(caption))}</figcaption></figure>\n"
    )


def _table_html(b: Block) -> str:
    head = "".join(f"<th>{_texturize(c)}</th>\n" for c in b.rows[0])
    body = "".join(
        "<tr>\n" + "".join(f"<td>{_texturize(c)}</td>\n" for c in row) + "</tr>\n"
        for row in b.rows[1:]
    )
    return f"<table>\n<thead>\n<tr>\n{head}</tr>\n</thead>\n<tbody>\n{body}</tbody>\n</table>\n"


def to_markdown(blocks: list[Block]) -> str:
    """The same body as CommonMark + GFM tables (what Hugo and Pelican read)."""
    out: list[str] = []
    for b in blocks:
        if b.kind == "p":
            out.append(
                "".join(f"[{p.text}]({p.href})" if isinstance(p, Link) else str(p) for p in b.items)
            )
        elif b.kind in ("h2", "h3"):
            out.append(("## " if b.kind == "h2" else "### ") + block_text(b))
        elif b.kind in ("ul", "ol"):
            marks = ("- " for _ in b.items) if b.kind == "ul" else (f"{n}. " for n in range(1, 99))
            out.append("\n".join(m + str(i) for m, i in zip(marks, b.items, strict=False)))
        elif b.kind == "quote":
            out.append(f"> {b.text}\n>\n> {b.cite}")
        elif b.kind == "img":
            src, alt, caption = b.items[0], b.items[1], b.items[2]
            out.append(f"![{alt}]({src})\n*{caption}*")
        else:
            rows = [b.rows[0], tuple("---" for _ in b.rows[0]), *b.rows[1:]]
            out.append("\n".join("| " + " | ".join(r) + " |" for r in rows))
    return "\n\n".join(out) + "\n"


def excerpt(blocks: list[Block], words: int = 55) -> str:
    """WordPress' automatic excerpt: the first 55 words of the text, then ` […]`."""
    text = " ".join(block_text(b) for b in blocks if b.kind == "p").split()
    return " ".join(text[:words])
