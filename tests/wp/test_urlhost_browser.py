"""The iframe allow-list against the real judge: what Chromium's own URL parser makes of the
same strings (Debian's Chromium via Playwright; no page is loaded, nothing leaves the machine)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from playwright.sync_api import Page
from test_urlhost import IFRAMES

from sitegen.wp.sanitize import DEFAULT_IFRAME_HOSTS, iframe_allowed
from sitegen.wp.urlhost import web_host

pytestmark = pytest.mark.browser

PIECES = [
    "https:", "http:", "HTTPS:", "javascript:", "//", "/", "\\", "@", ":", "?", "#", "%2e",
    "%40", "%5c", "%2f", "\t", "\n", " ", ".", "www.youtube.com", "youtube.com", "evil.example",
    "WWW", "user", "443", "ｙ",
]  # fmt: skip

# Every URL: [protocol, hostname, username, password, host on an http page, on an https page].
PARSE = """urls => urls.map(u => {
  try {
    const a = new URL(u);
    const [h, s] = ['http://sitegen.invalid/', 'https://sitegen.invalid/'].map(b => new URL(u, b));
    return [a.protocol, a.hostname, a.username, a.password, h.hostname, s.hostname];
  } catch (e) { return null; }
})"""


def tricky_urls() -> list[str]:
    rng = random.Random(16)
    made = {"".join(rng.choices(PIECES, k=rng.randint(2, 9))) for _ in range(3000)}
    starts = ["https://", "http://", "https:\\\\", "https:/", "//"]
    made |= {rng.choice(starts) + "".join(rng.choices(PIECES, k=5)) for _ in range(2000)}
    made |= {url for url in IFRAMES if url.isprintable() or "\t" in url or "\n" in url}
    return sorted(url for url in made if "\ud800" not in url)


@pytest.fixture(scope="module")
def page(browser: Any) -> Page:
    return browser.new_page()


def test_allow_list_agrees_with_chromium(page: Page) -> None:
    urls = tricky_urls()
    seen = page.evaluate(PARSE, urls)
    wrong = []
    for url, parsed in zip(urls, seen, strict=True):
        browser_allows = (
            parsed is not None
            and parsed[0] in ("http:", "https:")
            and not parsed[2]
            and not parsed[3]
            and parsed[1] == parsed[4] == parsed[5]
            and parsed[1] in DEFAULT_IFRAME_HOSTS
        )
        if iframe_allowed(url, DEFAULT_IFRAME_HOSTS) is not browser_allows:
            wrong.append((url, parsed))
        # Chromium keeps a space in a host as `%20` where the standard (and ada) refuse the
        # URL: a host nobody can register, so only the hosts Chromium writes plainly count.
        plain = parsed is not None and parsed[0] in ("http:", "https:") and "%" not in parsed[1]
        if plain and web_host(url) != parsed[1]:
            wrong.append((url, parsed))
    assert not wrong, wrong[:20]
    assert sum(iframe_allowed(url, DEFAULT_IFRAME_HOSTS) for url in urls) > 20  # not all refused
