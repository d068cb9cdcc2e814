"""Benchmark sitegen against Hugo and Pelican on the same generated news site.

    python benchmarks/run.py                       # 1,000 and 10,000 posts, 3 runs, all tools
    python benchmarks/run.py --sizes 50000 --runs 1
    python benchmarks/run.py --tools hugo,pelican --sizes 1000

For each size: generate the corpus (seeded) under benchmarks/work/N/, then, for each run, each
tool in turn (the order rotates from run to run so that no tool always runs on a warm or a busy
machine): sitegen import, then clean build, build with nothing changed, build after editing one
post. When this sitegen has `serve`: the edit-to-browser latency in headless Chromium, 5 edits
on the last run's site. Every step is a fresh process; wall time, CPU time, peak memory and
files written are recorded. `SITEGEN_SRC=/path/to/checkout` benchmarks another checkout of
sitegen than this one. Medians, ratios and the targets go to benchmarks/RESULTS.md, the
raw measurements to benchmarks/work/results-SIZES-TOOLS.json.
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import formats, generate, latency, report
from benchmarks.measure import Measurement, measure
from benchmarks.tools import HERE, REPO, TOOLS, fresh_sitegen_site, sitegen, sitegen_env


def prepare_corpus(size_dir: Path, posts: int, seed: int) -> str:
    """Write the corpus afresh (edits of an earlier run are undone); the newest post's slug."""
    started = time.perf_counter()
    corpus = generate.generate(posts, seed)
    for name, writer in formats.WRITERS.items():
        shutil.rmtree(
            size_dir / name / "content" if name != "wp" else size_dir / name, ignore_errors=True
        )
        writer(corpus, size_dir / name)
    print(f"N={posts}: corpus generated in {time.perf_counter() - started:.1f} s", flush=True)
    return corpus.posts[-1].slug


def sitegen_can(command: str) -> bool:
    source = Path(os.environ.get("SITEGEN_SRC", REPO))
    probe = [sys.executable, "-m", "sitegen", command, "--help"]
    done = subprocess.run(probe, env=sitegen_env(source), cwd=source, capture_output=True)
    return done.returncode == 0


def profile(size_dir: Path, step: str) -> str:
    """cProfile of one sitegen `step` ("import" into an empty site, or a clean "build"): the
    top functions by own time, then sitegen's own functions by cumulative time."""
    tool = sitegen(size_dir, "", 0)
    site, stats_file = tool.site, size_dir / f"sitegen-{step}.prof"
    if step == "import":
        site = size_dir / "sitegen-profiled-import"
        fresh_sitegen_site(site)()
        args = ["import", "--quiet", str(size_dir / "wp")]
    else:
        shutil.rmtree(site / "public", ignore_errors=True)
        shutil.rmtree(site / ".sitegen", ignore_errors=True)
        args = ["build"]
    cmd = [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "sitegen"]
    subprocess.run([*cmd, "--site", str(site), *args], env=tool.env, cwd=size_dir, check=True,
                   capture_output=True)  # fmt: skip
    if step == "import":
        shutil.rmtree(site, ignore_errors=True)
    own, mine = io.StringIO(), io.StringIO()
    pstats.Stats(str(stats_file), stream=own).strip_dirs().sort_stats("tottime").print_stats(20)
    # Full paths select sitegen's own functions; then the checkout's prefix is dropped.
    source = os.environ.get("SITEGEN_SRC", str(REPO)).rstrip("/") + "/"
    pstats.Stats(str(stats_file), stream=mine).sort_stats("cumulative").print_stats(
        re.escape(source + "sitegen/"), 20
    )
    parts = [text.getvalue() for text in (own, mine)]
    parts = [t[t.find("   ncalls") :] if "   ncalls" in t else t for t in parts]
    return (parts[0].rstrip() + "\n\nsitegen's functions by cumulative time:\n" + parts[1]).replace(
        source, ""
    )


def run_size(size: int, args: argparse.Namespace, results: list[Measurement]) -> str:
    """Measure every tool's steps `args.runs` times; the slug of the edited post."""
    size_dir = args.work / str(size)
    slug = prepare_corpus(size_dir, size, args.seed)
    names = args.tools
    for run in range(1, args.runs + 1):
        shift = (run - 1) % len(names)
        for name in names[shift:] + names[:shift]:
            tool = TOOLS[name](size_dir, slug, run)
            for step in tool.steps:
                step.setup()
                m = measure(
                    step.command,
                    cwd=step.cwd,
                    env=tool.env,
                    log=size_dir / "logs" / f"{name}.log",
                    output=step.output,
                    label=(name, step.scenario, size, run),
                )
                results.append(m)
                print(
                    f"N={size} run {run} {name:8} {step.scenario:16} wall {m.wall_s:7.3f} s  "
                    f"cpu {m.cpu_s:7.3f} s  rss {m.max_rss_mb:6.0f} MB  "
                    f"written {m.files_written}",
                    flush=True,
                )
    return slug


def serve_latency(size: int, args: argparse.Namespace, slug: str) -> list[Measurement]:
    """Edit-to-browser latency of `sitegen serve` on the site the last run imported."""
    size_dir = args.work / str(size)
    tool = sitegen(size_dir, slug, 0)
    post = next(iter(sorted((tool.site / "content").rglob(f"{slug}.md"))))
    found = latency.edit_to_browser(
        tool.site, tool.env, post, size, max(args.runs, 5), size_dir / "logs" / "sitegen-serve.log"
    )
    for m in found:
        print(f"N={size} edit {m.run} sitegen serve: edit to browser {m.wall_s:.3f} s", flush=True)
    return found


def latency_only(size: int, args: argparse.Namespace) -> list[Measurement]:
    """Import the corpus (not measured), then only the edit-to-browser latency."""
    size_dir = args.work / str(size)
    slug = prepare_corpus(size_dir, size, args.seed)
    tool = sitegen(size_dir, slug, 0)
    importing = tool.steps[0]
    importing.setup()
    subprocess.run(importing.command, cwd=importing.cwd, env=tool.env, check=True,
                   capture_output=True)  # fmt: skip
    return serve_latency(size, args, slug)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="comma-separated post counts (default 1000,10000; e.g. 50000)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per step (default 3)")
    parser.add_argument("--tools", default="sitegen,hugo,pelican")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument(
        "--no-profile",
        action="store_true",
        help="skip the cProfile runs of sitegen's import and clean build",
    )
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="measure only sitegen serve's edit-to-browser latency (the import is not timed)",
    )
    parser.add_argument(
        "--report-from",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="measure nothing: write RESULTS.md from the raw results of earlier runs "
        "(benchmarks/work/results-*.json), e.g. 1,000 and 10,000 posts measured apart",
    )
    args = parser.parse_args(argv)
    args.work = args.work.resolve()  # the tools run in other folders
    args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    args.tools = args.tools.split(",")
    unknown = set(args.tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))} (known: {', '.join(TOOLS)})")
    if (
        not args.report_from
        and "sitegen" in args.tools
        and not (sitegen_can("import") and sitegen_can("build"))
    ):
        parser.error("this sitegen has no import/build command yet; use --tools hugo,pelican")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.report_from:
        report.write(args.results, [report.Session.load(p) for p in args.report_from])
        return 0
    source = f"SITEGEN_SRC={os.environ['SITEGEN_SRC']} " if "SITEGEN_SRC" in os.environ else ""
    command = f"{source}python benchmarks/run.py" + "".join(f" {a}" for a in (argv or sys.argv[1:]))
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    runs = max(args.runs, 5) if args.latency_only else args.runs  # latency: 5 edits at least
    session = report.Session(command, runs, started, os.getloadavg())
    serve = "sitegen" in args.tools and sitegen_can("serve")
    if args.latency_only and not serve:
        raise SystemExit("--latency-only: this sitegen has no serve command")
    for size in args.sizes:
        if args.latency_only:
            session.measurements += latency_only(size, args)
            continue
        slug = run_size(size, args, session.measurements)
        if serve:
            session.measurements += serve_latency(size, args, slug)
        if "sitegen" in args.tools and not args.no_profile:
            for step in ("import", "build"):
                session.profiles[f"{size} {step}"] = profile(args.work / str(size), step)
    session.load_end = os.getloadavg()
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = "-".join(map(str, args.sizes))
    tools = "latency" if args.latency_only else "-".join(args.tools)
    raw = args.work / f"results-{sizes}-{tools}.json"
    session.save(raw)
    print(f"raw measurements: {raw}", file=sys.stderr)
    report.write(args.results, [session])
    return 0


if __name__ == "__main__":
    sys.exit(main())
