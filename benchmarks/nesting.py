"""How long `html_to_markdown` takes on hostile nesting: a benchmark, not a test.

    python -m benchmarks.nesting [--runs N]

Each case is converted N times in this process (the parser is warm after the first); the
median wall time is printed with the size of the input and how many elements the converter
flattened (nested beyond its limits: the text kept, the structure not). Markup nested 20,000
deep should convert in well under a second.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from sitegen.wp.html2md.convert import convert

POST_BYTES = 265_000  # the size of the hostile post that once took 75 s


def divs(levels: int) -> str:
    return "<div>" * levels + "<p>deep <em>text</em></p>" + "</div>" * levels


def _to_size(one: Callable[[int], str]) -> str:
    """`one(i)` for i = 0, 1, ... until the post is POST_BYTES long."""
    parts, size, i = [], 0, 0
    while size < POST_BYTES:
        part = one(i)
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)[:POST_BYTES]


def table_b_a() -> str:
    """Tables in cells, bold links in each, closed nowhere: 265 KB."""
    return _to_size(lambda i: f'<table><tr><td><b><a href="https://example.com/{i}">cell {i} ')


def table_b_a_closed() -> str:
    """The same, every element closed at the end."""
    level = '<table><tr><td><b><a href="https://example.com/">cell '
    closing = "</a></b></td></tr></table>"
    levels = POST_BYTES // (len(level) + len(closing))
    return level * levels + closing * levels


def reopened_formatting() -> str:
    """Paragraphs that each leave a different <b> open: a browser reopens all of them in every
    later paragraph (html5lib too), so each paragraph would hold all the earlier ones."""
    return _to_size(lambda i: f'<p><b class="c{i}">paragraph {i}</p>')


def deep_quotes() -> str:
    """Quotes 255 deep around thousands of lines: the depth limit is no bound on the work."""
    return "<blockquote>" * 255 + _to_size(lambda i: f"line {i}<br>")


CASES: dict[str, Callable[[], str]] = {
    "div nested 5,000 deep": lambda: divs(5_000),
    "div nested 10,000 deep": lambda: divs(10_000),
    "div nested 20,000 deep": lambda: divs(20_000),
    "table/b/a nested, unclosed (265 KB)": table_b_a,
    "table/b/a nested, closed (265 KB)": table_b_a_closed,
    "misnested <b> reopened (265 KB)": reopened_formatting,
    "255 quotes deep, 265 KB of lines": deep_quotes,
}


def measure(html: str, runs: int) -> tuple[float, list[float], int]:
    times, flattened = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        flattened = convert(html).flattened
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, flattened


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="conversions per case (default 5)")
    args = parser.parse_args(argv)
    print("| case | input | median (s) | all runs (s) | flattened |")
    print("|---|---:|---:|---|---:|")
    for name, make in CASES.items():
        html = make()
        median, times, flattened = measure(html, args.runs)
        runs = " ".join(f"{t:.3f}" for t in times)
        print(f"| {name} | {len(html) / 1000:.0f} KB | {median:.3f} | {runs} | {flattened} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
