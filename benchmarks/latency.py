"""Edit-to-browser latency of `sitegen serve`, seen by a real headless Chromium.

The clock starts just before a paragraph is appended to a content file and stops when the text
of that paragraph is visible in the page the browser has open: it covers the file watcher, the
debounce, the rebuild, the live-reload event, the reload and the browser's rendering, i.e.
what a writer waits for. The serve process's CPU time and peak memory come from /proc.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import yaml

from benchmarks.measure import Measurement

CHROMIUM = "/usr/bin/chromium"
# No sandbox as root, no GPU, nothing that phones home (the flags sitegen's browser tests use).
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip
STARTUP_TIMEOUT_S = 1800.0  # serve builds the whole site in memory before it answers
EDIT_TIMEOUT_S = 300.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"sitegen serve exited {server.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"sitegen serve did not answer {url} in {STARTUP_TIMEOUT_S:.0f} s")


def _wait_for_text(page: object, marker: str, started: float) -> float:
    from playwright.sync_api import Error, Page

    assert isinstance(page, Page)
    while time.perf_counter() - started < EDIT_TIMEOUT_S:
        try:
            if page.evaluate("m => !!document.body && document.body.innerText.includes(m)", marker):
                return time.perf_counter() - started
        except Error:
            pass  # the page is reloading: its old document is gone, the new one not there yet
        time.sleep(0.005)
    raise RuntimeError(f"the edit never reached the browser in {EDIT_TIMEOUT_S:.0f} s")


def edit_to_browser(
    site: Path, env: Mapping[str, str], post: Path, size: int, edits: int, log: Path
) -> list[Measurement]:
    """Serve `site`, open `post`'s page in Chromium, edit `post` `edits` times, time each."""
    from playwright.sync_api import sync_playwright

    meta = yaml.safe_load(post.read_text(encoding="utf-8").split("---\n", 2)[1])
    port = _free_port()
    url = f"http://127.0.0.1:{port}/{meta['path'].lstrip('/')}"
    cmd = [sys.executable, "-m", "sitegen", "--site", str(site), "serve", "--port", str(port)]
    results: list[Measurement] = []
    log.parent.mkdir(parents=True, exist_ok=True)  # --latency-only runs no other step first
    with log.open("ab") as out:
        server = subprocess.Popen(cmd, cwd=site.parent, env=dict(env), stdout=out, stderr=out)
    try:
        _wait_until_up(url, server, log)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
            )
            page = browser.new_page()
            page.goto(url)
            for n in range(1, edits + 1):
                marker = f"Latency probe {n} at {time.time_ns()}"
                cpu = _cpu_s(server.pid)
                started = time.perf_counter()
                with post.open("a", encoding="utf-8") as fh:
                    fh.write(f"\n{marker}.\n")
                wall = _wait_for_text(page, marker, started)
                results.append(
                    Measurement(
                        "sitegen",
                        "edit to browser",
                        size,
                        n,
                        wall,
                        _cpu_s(server.pid) - cpu,
                        _peak_rss_mb(server.pid),
                        0,
                        0,
                        0,
                    )
                )
                time.sleep(1.0)  # let the watcher settle, as a writer's next save would
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return results
