"""Live reload and the error overlay: the served site's state, and the script that watches it.

The browser learns of changes over Server-Sent Events (one long GET, plain HTTP, reconnects by
itself). Each page is served with the version of the site it came from; when the server reports
another version, the page reloads. A failed rebuild does not change the version (the last good
site stays up) but carries the problems, which the script shows as an overlay until a rebuild
succeeds. The script is added to HTML as it is served, never written into the built files.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field

from sitegen.errors import Problem
from sitegen.serve.files import SiteFiles
from sitegen.serve.redirects import Rule, parse_redirects

EVENTS_PATH = "/__sitegen/events"
SCRIPT_PATH = "/__sitegen/reload.js"


@dataclass(frozen=True)
class LiveSite:
    """One good build: its files and its parsed `_redirects`."""

    files: SiteFiles
    rules: list[Rule] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @classmethod
    def of(cls, files: SiteFiles) -> LiveSite:
        raw = files.read("_redirects")
        if raw is None:
            return cls(files)
        rules, problems = _parsed_redirects(raw)
        return cls(files, rules, list(problems))


_LAST_REDIRECTS: list[tuple[bytes, tuple[list[Rule], list[Problem]]]] = []


def _parsed_redirects(raw: bytes) -> tuple[list[Rule], list[Problem]]:
    """`_redirects` parsed, or last rebuild's parse of the same bytes: at 10,000 posts it has
    20,000 lines, and most rebuilds do not change it."""
    if _LAST_REDIRECTS and _LAST_REDIRECTS[0][0] == raw:
        return _LAST_REDIRECTS[0][1]
    rules, problems = parse_redirects(raw.decode("utf-8", "replace"))
    _LAST_REDIRECTS[:] = [(raw, (rules, list(problems)))]
    return rules, list(problems)


@dataclass(frozen=True)
class Snapshot:
    site: LiveSite | None
    version: int  # of the last good site; 0 before the first one
    problems: tuple[Problem, ...]  # of the last build, if it failed
    changes: int  # counts every change, good or bad, so waiters can tell they missed nothing

    def event(self) -> bytes:
        payload = {
            "version": self.version,
            "problems": [
                {"location": p.location, "message": p.message, "hint": p.hint, "text": p.render()}
                for p in self.problems
            ],
        }
        return f"event: state\ndata: {json.dumps(payload)}\n\n".encode()


class LiveState:
    """What is being served, and a condition that wakes every event stream on a change."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._snap = Snapshot(None, 0, (), 0)
        self._closed = False

    def snapshot(self) -> Snapshot:
        with self._cond:
            return self._snap

    def publish(self, site: LiveSite) -> None:
        """A build succeeded: serve it, clear any overlay, tell the pages to reload."""
        with self._cond:
            s = self._snap
            self._snap = Snapshot(site, s.version + 1, (), s.changes + 1)
            self._cond.notify_all()

    def refresh(self, site: LiveSite) -> None:
        """Serve `site` from now on without telling the pages: it differs from the last one
        only in files no open page shows (a deferred build's feeds and search index)."""
        with self._cond:
            s = self._snap
            self._snap = Snapshot(site, s.version, s.problems, s.changes)

    def fail(self, problems: list[Problem]) -> None:
        """A build failed: keep serving the last good site, show the problems."""
        with self._cond:
            s = self._snap
            self._snap = Snapshot(s.site, s.version, tuple(problems), s.changes + 1)
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> Snapshot | None:
        """The snapshot once it differs from change `seen`; None on timeout or when closing."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._snap.changes != seen, timeout)
            if self._closed or self._snap.changes == seen:
                return None
            return self._snap

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


_BODY_END = re.compile(rb"</body\s*>", re.I)
_HTML_END = re.compile(rb"</html\s*>", re.I)


def inject(html: bytes, version: int) -> bytes:
    """`html` with the live-reload script before its last `</body>` (or at the end)."""
    tag = f'<script src="{SCRIPT_PATH}" data-version="{version}"></script>'.encode()
    for pattern in (_BODY_END, _HTML_END):
        ends = list(pattern.finditer(html))
        if ends:
            at = ends[-1].start()
            return html[:at] + tag + html[at:]
    return html + tag


CLIENT_JS = """\
// sitegen serve: reload when the site changes; show build errors over the page.
(function () {
  var me = document.currentScript;
  var version = me ? me.getAttribute("data-version") : null;
  var overlay = null;
  function clear() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function show(problems) {
    clear();
    overlay = document.createElement("div");
    overlay.id = "sitegen-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(24,24,27,.96);color:#fafafa;padding:2em;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace";
    var h = document.createElement("h2");
    h.textContent = "sitegen: the rebuild failed; the page below is the last good build";
    h.style.cssText = "color:#fca5a5;font-size:16px;margin:0 0 1em";
    overlay.appendChild(h);
    problems.forEach(function (p) {
      var pre = document.createElement("pre");
      pre.className = "sitegen-problem";
      pre.style.cssText = "white-space:pre-wrap;margin:0 0 1em";
      pre.textContent = p.text;  // text, never HTML: messages quote user input
      overlay.appendChild(pre);
    });
    document.body.appendChild(overlay);
  }
  var source = new EventSource("__EVENTS__");
  source.addEventListener("state", function (e) {
    var s = JSON.parse(e.data);
    if (version !== null && String(s.version) !== version) {
      source.close();
      location.reload();
      return;
    }
    if (s.problems.length) { show(s.problems); } else { clear(); }
  });
})();
""".replace("__EVENTS__", EVENTS_PATH)
