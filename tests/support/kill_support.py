"""A real `kill -9` at a chosen step of a `sitegen` run, for the crash tests.

`install_hook(folder)` writes a `sitecustomize.py` there; a child interpreter started with that
folder on PYTHONPATH loads it at start-up. It wraps os.replace and os.link: the KILL_AT-th call
whose paths contain KILL_MATCH sends SIGKILL to the process just before the call runs (nothing
after it: no handler, no `finally`), and COUNT_TO, if set, receives the number of such calls.
Test machinery only: the code under test has no hook for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SITECUSTOMIZE = """
import os, signal
_at = int(os.environ.get("KILL_AT", "0"))
_match = os.environ.get("KILL_MATCH", "")
_count_to = os.environ.get("COUNT_TO")
if _match and (_at or _count_to):
    _calls = [0]
    _real = {"replace": os.replace, "link": os.link}
    def _tick(*paths):
        if any(_match in os.fspath(p) for p in paths):
            _calls[0] += 1
            if _count_to:
                with open(_count_to, "w") as fh:
                    fh.write(str(_calls[0]))
            if _calls[0] == _at:
                os.kill(os.getpid(), signal.SIGKILL)
    def replace(src, dst, **kw):
        _tick(src, dst)
        return _real["replace"](src, dst, **kw)
    def link(src, dst, **kw):
        _tick(src, dst)
        return _real["link"](src, dst, **kw)
    os.replace, os.link = replace, link
"""


def install_hook(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return folder


def run(
    site: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`sitegen --site SITE ARGS` in a child interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "sitegen", "--site", str(site), *args],
        capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})},
    )  # fmt: skip
