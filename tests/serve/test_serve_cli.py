"""`sitegen serve` as a user runs it: a real process, real port, Ctrl-C."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from testdata import FIXTURE_SITE, ROOT


def sitegen(*args: str, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "sitegen", *args],
        cwd=cwd,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@contextmanager
def serving(*args: str, cwd: Path) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """A running `sitegen serve` once its first build is done: the process, its URL, and what
    it printed so far."""
    proc = sitegen("serve", "--port", "0", *args, cwd=cwd)
    try:
        assert proc.stdout is not None
        seen, url = "", ""
        for line in proc.stdout:
            seen += line
            if found := re.search(r"at (http://127\.0\.0\.1:\d+/)", line):
                url = found.group(1)
            if url and line.startswith(("built in", "build failed")):
                yield proc, url, seen
                break
        else:
            raise AssertionError(f"no first build: {seen}{proc.stderr and proc.stderr.read()}")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def built_site(tmp_path: Path) -> Path:
    public = tmp_path / "public"
    (public / "feed").mkdir(parents=True)
    (public / "index.html").write_text("<!doctype html><html><body><h1>Home</h1></body></html>")
    (public / "feed" / "index.xml").write_text('<?xml version="1.0"?><rss version="2.0"/>')
    return tmp_path


def test_serves_then_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    site = built_site(tmp_path)
    with serving("--dir", "public", cwd=site) as (proc, url, _):
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200 and b"<h1>Home</h1>" in resp.read()
        with urllib.request.urlopen(url + "feed/", timeout=10) as resp:
            assert resp.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "Stopped." in out
        assert "Traceback" not in err


def test_second_serve_on_a_busy_port_says_so(tmp_path: Path) -> None:
    site = built_site(tmp_path)
    with serving("--dir", "public", cwd=site) as (first, url, _):
        port = url.rsplit(":", 1)[1].strip("/")
        second = sitegen("serve", "--port", port, "--dir", "public", cwd=site)
        _out, err = second.communicate(timeout=30)
        assert second.returncode == 1
        assert f"127.0.0.1:{port} is already in use" in err
        assert "Traceback" not in err
        assert first.poll() is None  # the first one is unharmed
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=20)
        assert first.returncode == 0


def test_default_builds_the_site_in_memory(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    with serving(cwd=site) as (proc, url, seen):
        with urllib.request.urlopen(url + "2023/09/02/5g-rollout-reaches-500-cities/") as resp:
            assert b"500th city" in resp.read()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "(initial build)" in seen and "Stopped." in out
    assert not (site / "public").exists()
