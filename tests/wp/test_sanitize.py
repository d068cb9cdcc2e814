"""The sanitising policy (sitegen.wp.sanitize) on the payloads of /work/shared/checks'
sanitize probe, and on what WordPress really emits."""

from __future__ import annotations

import re

import pytest

from sitegen.wp.sanitize import DEFAULT_IFRAME_HOSTS, iframe_allowed, safe_url, sanitize_html

# payload -> what must be left of it (exactly)
PAYLOADS = {
    "<p>a<script>alert(1)</script>b</p>": "<p>ab</p>",
    '<img src="x.png" alt="x" onerror="alert(1)">': '<img src="x.png" alt="x">',
    '<a href="https://example.org/" onclick="steal()">link</a>': (
        '<a href="https://example.org/">link</a>'
    ),
    '<a href="javascript:alert(1)">x</a>': "<a>x</a>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>': "<a>x</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>': "<a>x</a>",
    '<a href=" JaVaScRiPt:alert(1)">x</a>': "<a>x</a>",
    '<img src="data:image/png;base64,AAAA" alt="d">': '<img alt="d">',
    "<style>body{display:none}</style><p>t</p>": "<p>t</p>",
    '<p style="position:fixed;top:0">t</p>': "<p>t</p>",
    '<iframe src="https://www.youtube.com/embed/abc123" width="560" height="315" '
    "allowfullscreen></iframe>": (
        '<iframe src="https://www.youtube.com/embed/abc123" width="560" height="315" '
        'allowfullscreen=""></iframe>'
    ),
    # an iframe from elsewhere becomes a link to what it showed; nothing runs in the page
    '<iframe src="https://evil.example/x"></iframe>': (
        '<a href="https://evil.example/x">evil.example</a>'
    ),
    '<iframe src="https://www.youtube.com.evil.example/embed/x" title="A &lt;map&gt;"></iframe>': (
        '<a href="https://www.youtube.com.evil.example/embed/x">A &lt;map&gt;</a>'
    ),
    '<iframe src="javascript:alert(1)"></iframe><iframe srcdoc="<script>x</script>"></iframe>': "",
    "<svg><script>alert(1)</script></svg>": "",
    # a WordPress post embed: the iframe of the post's /embed/ view only repeats the quote's link
    '<blockquote class="wp-embedded-content"><a href="https://e.example/p/">P</a></blockquote>'
    '<iframe class="wp-embedded-content" sandbox="allow-scripts" src="https://e.example/p/embed/">'
    "</iframe>": '<blockquote><a href="https://e.example/p/">P</a></blockquote>',
    '<figure class="wp-block-image"><img src="/a.jpg" alt="A"><figcaption>Cap</figcaption>'
    "</figure>": '<figure><img src="/a.jpg" alt="A"><figcaption>Cap</figcaption></figure>',
    '<p dir="rtl" lang="ar" onclick="x()">نص</p>': '<p dir="rtl" lang="ar">نص</p>',
    "<!-- wp:paragraph --><p>x</p><!-- /wp:paragraph -->": "<p>x</p>",
    "<form action='/x'><input name=q><button>Go</button></form>": "Go",
}


@pytest.mark.parametrize("payload", list(PAYLOADS), ids=range(len(PAYLOADS)))
def test_payload(payload: str) -> None:
    assert sanitize_html(payload) == PAYLOADS[payload]


def test_no_payload_survives_the_shipped_policy() -> None:
    # The probe's survive-check: no <script>, no on* attribute, no javascript: URL, no <style>.
    tag = re.compile(r"<[a-zA-Z][^>]*>")
    bad = re.compile(r"^<(script|style)|\son\w+=|javascript:", re.I)
    for payload in PAYLOADS:
        assert not [t for t in tag.findall(sanitize_html(payload)) if bad.search(t)]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("  /relative/path ", "/relative/path"),
        ("#fn-1", "#fn-1"),
        ("mailto:desk@example.test", "mailto:desk@example.test"),
        ("tel:+911234", "tel:+911234"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("\x01javascript:alert(1)", None),
        ("data:image/png;base64,AAAA", None),
        ("vbscript:msgbox", None),
        ("file:///etc/passwd", None),
        ("page:with-colon-in-path", None),
        ("./page:with-colon", "./page:with-colon"),
    ],
)
def test_safe_url(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_iframe_allow_list_matches_host_names_exactly() -> None:
    assert iframe_allowed("https://www.youtube.com/embed/x", DEFAULT_IFRAME_HOSTS)
    assert iframe_allowed("https://player.vimeo.com/video/1", DEFAULT_IFRAME_HOSTS)
    assert not iframe_allowed("https://youtube.com.evil.example/", DEFAULT_IFRAME_HOSTS)
    assert not iframe_allowed("https://evil.example/?www.youtube.com", DEFAULT_IFRAME_HOSTS)
    assert not iframe_allowed("javascript://www.youtube.com/%0aalert(1)", DEFAULT_IFRAME_HOSTS)
    assert not iframe_allowed("https://[broken/", DEFAULT_IFRAME_HOSTS)
