"""Does `sitegen import export.xml` keep its memory flat whatever the size of the export?

    python -m benchmarks.wxr_memory --size-mb 1024 [--body-kb 40] [--reader-only]

Generates a WordPress export of about SIZE MB by repeating the published posts of the dev
corpus's real export (tests/fixtures/wp-local-dev/export.xml) with new ids, slugs and links,
each body padded to about BODY KB (a long news article), then runs, in a child process each:

- `reader`: both passes of the export reader alone (what streams the file), and
- `import`: the whole `sitegen import` into an empty site (unless --reader-only),

and reports each one's peak RSS (ru_maxrss) and time, with the file's size. The reader's peak
must not grow with the file; the import's grows only with what the importer keeps per post
(its id, permalink, dates and slug: sitegen.wp.importplan.Stub), never with the bodies.
Not a timed test: a measurement, printed as a Markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPORT = ROOT / "tests" / "fixtures" / "wp-local-dev" / "export.xml"


def generate(out: Path, size_mb: int, body_kb: int) -> int:
    """Write an export of about `size_mb` MB; returns the number of posts."""
    text = EXPORT.read_text(encoding="utf-8")
    head, rest = text.split("\t\t<item>", 1)
    items = ["\t\t<item>" + part for part in rest.split("\t\t<item>")]
    items[-1], _tail = items[-1].split("</channel>", 1)
    attachments = [i for i in items if "<wp:post_type><![CDATA[attachment]]>" in i]
    posts = [
        i
        for i in items
        if "<wp:post_type><![CDATA[post]]>" in i and "<wp:status><![CDATA[publish]]>" in i
    ]
    target = size_mb * 1024 * 1024
    written = count = 0
    with out.open("w", encoding="utf-8") as f:
        f.write(head)
        f.write("".join(attachments))
        written = len(head.encode())
        while written < target:
            template = posts[count % len(posts)]
            count += 1
            item = _copy(template, count, body_kb)
            f.write(item)
            written += len(item.encode())
        f.write("</channel>\n</rss>\n")
    return count


def _copy(item: str, n: int, body_kb: int) -> str:
    item = re.sub(
        r"<wp:post_id>\d+</wp:post_id>", f"<wp:post_id>{10_000_000 + n}</wp:post_id>", item
    )
    item = re.sub(
        r"(<wp:post_name><!\[CDATA\[)([^\]]*)", lambda m: f"{m.group(1)}{m.group(2)}-{n}", item
    )
    item = re.sub(r"(<link>[^<]*?)/</link>", lambda m: f"{m.group(1)}-{n}/</link>", item)
    body = re.search(r"<content:encoded><!\[CDATA\[(.*?)\]\]></content:encoded>", item, re.S)
    if body and body.group(1):
        paragraphs = body.group(1)
        padded = paragraphs
        while len(padded) < body_kb * 1024:
            padded += "\n\n" + paragraphs
        item = item.replace(
            body.group(0), f"<content:encoded><![CDATA[{padded}]]></content:encoded>"
        )
    return item


_READER = """
import sys
from pathlib import Path
from sitegen.wp.sources import SideData, Source, read_posts
src = Source(Path(sys.argv[1]), sys.argv[1], True, export=True)
side = SideData()
n = sum(1 for _ in read_posts(src, side, first=True))
if side.wxr is not None:
    side.wxr.finish(side)
m = sum(1 for _ in read_posts(src, side, first=False))
print(n, m)
"""


def measure(args: list[str]) -> tuple[float, int, str]:
    """Seconds, peak RSS in MB, and the output of one child process."""
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = (result.stdout + result.stderr).strip().splitlines()
    return seconds, peak_kb // 1024, out[-1] if out else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--body-kb", type=int, default=40)
    parser.add_argument("--reader-only", action="store_true")
    parser.add_argument("--keep", type=Path, help="write the export here and keep it")
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wxr-memory-"))
    try:
        export = opts.keep or work / "export.xml"
        start = time.perf_counter()
        posts = generate(export, opts.size_mb, opts.body_kb)
        size = export.stat().st_size / 1024 / 1024
        took = time.perf_counter() - start
        print(f"generated {export} ({size:.0f} MB, {posts} posts) in {took:.0f} s")
        print("| what | export | posts | time | peak RSS |")
        print("|---|---:|---:|---:|---:|")
        # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: the reader runs first.
        seconds, peak, _ = measure([sys.executable, "-c", _READER, str(export)])
        print(f"| reader, both passes | {size:.0f} MB | {posts} | {seconds:.0f} s | {peak} MB |")
        if not opts.reader_only:
            site = work / "site"
            cmd = [
                sys.executable,
                "-m",
                "sitegen",
                "--site",
                str(site),
                "import",
                "-q",
                str(export),
            ]
            seconds, peak, last = measure(cmd)
            print(f"| sitegen import | {size:.0f} MB | {posts} | {seconds:.0f} s | {peak} MB |")
            print(f"<!-- {last} -->")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
