"""Screenshots of the default theme for README.md, from the real corpus, so they stay true.

Imports tests/fixtures/wp-local-dev (a real WordPress 6.1's REST output) into a temporary
site, builds it, serves it on 127.0.0.1 and photographs the home page, an article and a search
in headless Chromium at desktop (1366×900) and phone (390×844) widths into docs/screenshots/.
The corpus holds no image bytes: its WordPress host is not asked, and each picture is a plain
tile of the picture's size (from its file name or media.json), as in the page budget test.
Run it with `scripts/screenshots` (it needs the test extras and the system's Chromium, as the
browser tests do).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))  # the browser tests' server, Chromium

from playwright.sync_api import sync_playwright  # noqa: E402
from sitehelpers import CHROMIUM, CHROMIUM_FLAGS, solid_png, static_server  # noqa: E402
from testdata import CORPUS  # noqa: E402

from sitegen.build.options import BuildOptions  # noqa: E402
from sitegen.build.orchestrator import build_site  # noqa: E402
from sitegen.wp.importer import ImportOptions, import_paths  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
ORIGINAL = "http://127.0.0.1:8089/**"  # the corpus's WordPress: not running, never asked
SHOTS = {
    "home": "",
    "article": "2024/02/12/in-pictures-inside-meghdoot-networks-new-data-centre-in-navi-mumbai/",
    "search": "search/?q=spectrum",
}
SIZE = re.compile(r"-(\d+)x(\d+)\.\w+$")  # WordPress's resized copies: name-300x200.jpg
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        imported = import_paths(site, [CORPUS], ImportOptions())
        if imported.failed:
            print(imported.errors.render(), file=sys.stderr)
            return 1
        with static_server([site / "public"]) as port:
            base = f"http://127.0.0.1:{port}/"
            report = build_site(site, BuildOptions(overrides={"base_url": base}))
            if not report.committed:
                print(report.problems.render(), file=sys.stderr)
                return 1
            OUT.mkdir(parents=True, exist_ok=True)
            _photograph(base)
    return 0


def _stand_in(route: Any, sizes: dict[str, tuple[int, int]]) -> None:
    url = route.request.url
    size = SIZE.search(url)
    width, height = (int(size[1]), int(size[2])) if size else sizes.get(url, (800, 600))
    route.fulfill(body=solid_png(width, height), content_type="image/png")


def _photograph(base: str) -> None:
    media = json.loads((CORPUS / "media.json").read_text(encoding="utf-8"))
    sizes = {m["source_url"]: (m["media_details"]["width"], m["media_details"]["height"])
             for m in media}  # fmt: skip
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        for name, path in SHOTS.items():
            for kind, (width, height) in VIEWPORTS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.route(ORIGINAL, lambda route: _stand_in(route, sizes))
                page.goto(base + path, wait_until="load")
                if name == "search":
                    page.wait_for_selector(".search-results li", timeout=10_000)
                shot = OUT / f"{name}-{kind}.png"
                page.screenshot(path=str(shot))
                print(f"{shot.relative_to(ROOT)}: {shot.stat().st_size // 1024} KB")
                page.close()
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
