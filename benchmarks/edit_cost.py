"""What one edited post costs, and the search index's share of it, in one process.

    python benchmarks/edit_cost.py SITE POST [--serve] [--edits N]

POST is a content file relative to SITE; each edit appends a paragraph to it. Without
`--serve`, each build is `sitegen build`'s (state in SITE/.sitegen/, output in public/); with
it, each is a `serve` rebuild (in memory, a Memo kept between builds; set SITEGEN_JOBS=1 to
match serve, which never forks). The first line is the first build of the process.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path
from typing import Any

from sitegen.build import orchestrator as build
from sitegen.build.incremental import Memo
from sitegen.build.options import BuildOptions, InMemory
from sitegen.build.output import MemorySink


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("post", help="content file to edit, relative to SITE")
    parser.add_argument("--serve", action="store_true", help="build in memory, as serve does")
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    spent: list[float] = []
    real = build._search_index

    def timed(*a: Any, **k: Any) -> Any:
        start = time.perf_counter()
        try:
            return real(*a, **k)
        finally:
            spent.append(time.perf_counter() - start)

    build._search_index = timed
    memo, sink = Memo(), MemorySink()
    for step in range(args.edits + 1):
        if step:
            with open(args.site / args.post, "a", encoding="utf-8") as fh:
                fh.write(f"\nOne more paragraph {step}.\n")
            time.sleep(1.1)  # a new mtime, whatever the file system's resolution
        spent.clear()
        start = time.perf_counter()
        if args.serve:
            overrides = {"base_url": "http://127.0.0.1:8000/"}
            report = build.build_site(
                args.site,
                BuildOptions(overrides=overrides, check_links=False, target=InMemory(sink, memo)),
            )
        else:
            report = build.build_site(args.site)
        total = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        label = f"edit {step}" if step else "first"
        print(f"{label}: build {total:.2f} s, search index {sum(spent):.3f} s, "
              f"{report.summary()}, max RSS {rss} MB", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
