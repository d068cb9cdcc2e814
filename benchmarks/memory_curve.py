"""Peak memory and time of sitegen's build as the site grows: one row per size and step.

    python benchmarks/memory_curve.py --sizes 10000,30000,100000 [--work /tmp] [--src CHECKOUT]

For each size, the seeded corpus (benchmarks/generate.py) is generated and imported once into
WORK/sitegen-bench-SIZE/ (kept: the big ones take minutes to make), then three builds run, each
a fresh `python -m sitegen build` process: a clean one (output and build state removed first),
one with nothing changed, and one after a paragraph is appended to the newest post. A sampler
reads the RSS of the build process and of each of its worker processes from /proc every 50 ms;
the peak of the largest process is also taken from `wait4` (the kernel's max RSS of the process
and the children it waited for), which no sampling interval can miss.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SLUG_FILE = "newest.txt"  # the content file of the newest post, found once per corpus


@dataclass
class Figures:
    step: str
    seconds: float
    cpu: float  # user + system seconds, workers included (fairer on a busy machine)
    parent_mb: int  # sampled peak of the build process
    worker_mb: int  # sampled peak of the largest worker process
    max_rss_mb: int  # wait4: the largest process's peak, exactly


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def measure(step: str, command: list[str], env: dict[str, str], cwd: Path) -> Figures:
    peaks = {"parent": 0, "worker": 0}
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peaks["parent"] = max(peaks["parent"], _rss_kb(proc.pid))
            for child in _children(proc.pid):
                peaks["worker"] = max(peaks["worker"], _rss_kb(child))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(command)} failed with status {proc.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    return Figures(
        step,
        seconds,
        cpu,
        peaks["parent"] // 1024,
        peaks["worker"] // 1024,
        usage.ru_maxrss // 1024,
    )


def corpus(size: int, work: Path, env: dict[str, str]) -> Path:
    """WORK/sitegen-bench-SIZE/sitegen: the imported site, made if missing."""
    root = work / f"sitegen-bench-{size}"
    site = root / "sitegen"
    if (site / "content").is_dir():
        return site
    gen = [sys.executable, str(HERE / "generate.py"), "--posts", str(size), "--out", str(root)]
    subprocess.run([*gen, "--formats", "wp"], check=True)
    site.mkdir(parents=True, exist_ok=True)
    shutil.copy2(HERE / "sitegen" / "sitegen.toml", site / "sitegen.toml")
    command = [sys.executable, "-m", "sitegen", "--site", str(site), "import", "--quiet"]
    subprocess.run([*command, str(root / "wp")], check=True, env=env, cwd=root)
    return site


def newest_post(site: Path) -> Path:
    """The content file of the newest post (the last in path order: posts/YYYY/MM/...)."""
    return max((site / "content").rglob("*.md"))


def curve(size: int, work: Path, env: dict[str, str]) -> list[Figures]:
    site = corpus(size, work, env)
    build = [sys.executable, "-m", "sitegen", "--site", str(site), "build"]
    for stale in (site / "public", site / ".sitegen"):
        shutil.rmtree(stale, ignore_errors=True)
    rows = [measure("clean build", build, env, site.parent)]
    rows.append(measure("nothing changed", build, env, site.parent))
    post = newest_post(site)
    original = post.read_bytes()
    try:
        post.write_text(
            original.decode("utf-8").rstrip("\n") + "\n\nCorrection: a figure was wrong.\n",
            encoding="utf-8",
        )
        rows.append(measure("one post edited", build, env, site.parent))
    finally:
        post.write_bytes(original)
    # Not measured: leaves public/ as the corpus builds, to compare with another checkout's.
    subprocess.run(build, env=env, cwd=site.parent, check=True, stdout=subprocess.DEVNULL)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,30000", help="comma-separated post counts")
    parser.add_argument("--work", type=Path, default=Path("/tmp"), help="where corpora live")
    parser.add_argument("--src", type=Path, default=REPO, help="the sitegen checkout to measure")
    args = parser.parse_args()
    path = os.pathsep.join(filter(None, [str(args.src), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, PYTHONPATH=path)
    print(f"command: {' '.join([Path(sys.argv[0]).name, *sys.argv[1:]])}")
    print("| posts | step | wall s | CPU s | parent peak MB | largest worker MB | max RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        for row in curve(size, args.work, env):
            print(
                f"| {size:,} | {row.step} | {row.seconds:.2f} | {row.cpu:.2f} | {row.parent_mb} | "
                f"{row.worker_mb} | {row.max_rss_mb} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
