"""Hosts read the way a browser reads them (sitegen.wp.urlhost), where trust depends on a host:
the iframe allow-list and "is this link to our own site?" at import."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cli_support import sitegen
from hypothesis import given
from hypothesis import strategies as st
from testdata import FIXTURE_SITE

from sitegen.wp.html2md.convert import ConvertOptions, html_to_markdown
from sitegen.wp.normalize import relative_path, url_key
from sitegen.wp.sanitize import DEFAULT_IFRAME_HOSTS, http_host, iframe_allowed, sanitize_html
from sitegen.wp.urlhost import embed_host, host_key, web_host

YT = "www.youtube.com"

# src -> does a browser load it from www.youtube.com on any page, with no credentials?
IFRAMES: dict[str, bool] = {
    "https://www.youtube.com/embed/abc": True,
    "http://www.youtube.com/embed/abc": True,
    "HTTPS://WWW.YOUTUBE.COM/embed/abc": True,
    "https://www.youtube.com:443/embed/abc": True,
    "https://www.youtube.com?x=1": True,
    # browsers drop tabs and newlines anywhere and strip leading controls and spaces
    "ht\ttps://www.you\ntube.com/embed/abc": True,
    " \x01https://www.youtube.com/embed/abc": True,
    # for http(s), `\` is `/`: these are youtube too
    "https:\\\\www.youtube.com/embed/abc": True,
    "https://www.youtube.com\\embed\\abc": True,
    # a percent-encoded or full-width host is decoded and mapped before it is looked up
    "https://www%2eyoutube.com/embed/abc": True,
    "https://%77ww.youtube.com/embed/abc": True,
    "https://ｗｗｗ.ｙｏｕｔｕｂｅ.ｃｏｍ/embed/abc": True,
    # the reported bypass: `\` ends the authority, so the host is evil.example
    "https://evil.example\\@www.youtube.com/": False,
    "https://evil.example\t\\@www.youtube.com/": False,
    "https://evil.example?@www.youtube.com/": False,
    "https://evil.example#@www.youtube.com/": False,
    "https://www.youtube.com@evil.example/": False,
    "https://www.youtube.com%2f@evil.example/": False,
    "https://www.youtube.com%5c@evil.example/": False,
    # credentials are refused even on the right host: the classic disguise
    "https://user@www.youtube.com/embed/abc": False,
    "https://:pw@www.youtube.com/embed/abc": False,
    "https://evil.example%5c@www.youtube.com/": False,
    # look-alikes and near misses
    "https://www.youtube.com.evil.example/embed/x": False,
    "https://www.youtube.com./embed/x": False,
    "https://www.yоutube.com/embed/x": False,  # Cyrillic о
    "https://www.you%00tube.com/": False,
    "https://www.you\x00tube.com/": False,
    "https://www.you\ud800tube.com/": False,  # a lone surrogate: not UTF-8, not a URL
    # not absolute on every page: protocol-relative, or a path on an https page
    "//www.youtube.com/embed/abc": False,
    "\\\\www.youtube.com/embed/abc": False,
    "https:/www.youtube.com/embed/abc": False,
    "https:www.youtube.com/embed/abc": False,
    "/embed/abc": False,
    "": False,
    # other schemes, however they are dressed
    "javascript:alert(1)//www.youtube.com/": False,
    "java\tscript://www.youtube.com/%0aalert(1)": False,
    " JAVASCRIPT://www.youtube.com/%0aalert(1)": False,
    "data:text/html,<script>alert(1)</script>": False,
    "ftp://www.youtube.com/": False,
    "blob:https://www.youtube.com/x": False,
}


@pytest.mark.parametrize("src", list(IFRAMES), ids=[repr(s)[1:40] for s in IFRAMES])
def test_iframe_verdict(src: str) -> None:
    assert iframe_allowed(src, DEFAULT_IFRAME_HOSTS) is IFRAMES[src]


def test_the_reported_bypass_becomes_a_link_to_the_real_host() -> None:
    html = '<iframe src="https://evil.example\\@www.youtube.com/"></iframe>'
    assert sanitize_html(html) == (
        '<a href="https://evil.example\\@www.youtube.com/">evil.example</a>'
    )
    markdown = html_to_markdown(html, ConvertOptions())
    assert "<iframe" not in markdown
    assert "evil.example" in markdown
    good = '<iframe src="https://www.youtube.com/embed/abc"></iframe>'
    assert html_to_markdown(good, ConvertOptions()).startswith("<iframe ")


def test_hosts_are_what_a_browser_loads() -> None:
    assert web_host("https://evil.example\\@www.youtube.com/") == "evil.example"
    assert http_host("https://evil.example\\@www.youtube.com/") == "evil.example"
    assert web_host("https://bücher.example/") == "xn--bcher-kva.example"
    assert web_host("https://0x7f.1/") == "127.0.0.1"
    assert web_host("mailto:a@www.youtube.com") == ""
    assert web_host("www.youtube.com/x") == ""
    assert embed_host("https://a@www.youtube.com/") == ""


def test_allow_list_entries_are_compared_as_hosts() -> None:
    assert host_key(" WWW.Example.COM ") == "www.example.com"
    assert host_key("bücher.example") == "xn--bcher-kva.example"
    assert iframe_allowed("https://www.example.com/x", ("WWW.Example.COM",))
    assert iframe_allowed("https://xn--bcher-kva.example/x", ("bücher.example",))
    assert iframe_allowed("https://bücher.example/x", ("xn--bcher-kva.example",))
    assert not iframe_allowed("https://example.com/x", ("", "/", "@"))


def test_a_link_that_only_looks_like_our_site_is_not_made_local() -> None:
    home = "https://site.example/web/"
    assert relative_path("https://site.example/web/2023/09/01/x/", home) == "2023/09/01/x/"
    assert relative_path("https://evil.example\\@site.example/web/2023/09/01/x/", home) is None
    assert relative_path("https://SITE.example:443/web/2023/09/01/x/", home) == "2023/09/01/x/"
    assert url_key("https://evil.example\\@site.example/web/x/").startswith("evil.example/")


# ---- properties

_HOSTS = ("www.youtube.com", "youtube.com", "player.vimeo.com", "evil.example", "a.b")


@given(
    scheme=st.sampled_from(["http", "https", "HTTPS", "ftp", "javascript"]),
    host=st.sampled_from(_HOSTS),
    port=st.sampled_from(["", ":443", ":8080"]),
    path=st.from_regex(r"(/[a-z0-9._~-]{0,8}){0,3}(\?[a-z0-9=&]{0,8})?", fullmatch=True),
)
def test_ordinary_urls_keep_the_verdict_urlsplit_gave(
    scheme: str, host: str, port: str, path: str
) -> None:
    # No `\`, `@`, `%`, controls: where RFC 3986 and WHATWG agree, nothing changes.
    url = f"{scheme}://{host}{port}{path}"
    parts = urlsplit(url)
    before = parts.scheme in {"http", "https"} and parts.hostname in DEFAULT_IFRAME_HOSTS
    assert iframe_allowed(url, DEFAULT_IFRAME_HOSTS) is before


# Pieces an attacker combines; a URL made of them is parsed by the browser's rules.
_PIECES = st.sampled_from(
    ["https:", "http:", "//", "/", "\\", "@", ":", "?", "#", "%2e", "%40", "%5c", "\t", "\n",
     " ", ".", "www.youtube.com", "youtube.com", "evil.example", "WWW", "user", "443"]
)  # fmt: skip


@given(st.lists(_PIECES, min_size=1, max_size=10).map("".join))
def test_an_allowed_iframe_names_its_host_plainly(url: str) -> None:
    # An independent, simpler reading: after the browser's clean-up, an allowed URL is
    # `http(s):` + slashes + a host with no `@` before the first separator, and that host,
    # percent-decoded and lowercased, is on the list. ada may refuse more, never allow more.
    if not iframe_allowed(url, DEFAULT_IFRAME_HOSTS):
        return
    cleaned = url.replace("\t", "").replace("\n", "").strip(" ")
    scheme, _, rest = cleaned.partition(":")
    assert scheme.lower() in {"http", "https"}
    stripped = rest.lstrip("/\\")
    assert len(rest) - len(stripped) >= 2, url
    authority = stripped
    for sep in "/\\?#":
        authority = authority.split(sep, 1)[0]
    assert "@" not in authority
    host = authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority
    assert host.replace("%2e", ".").lower() in DEFAULT_IFRAME_HOSTS, url


def test_a_link_no_parser_accepts_is_an_error_at_build_not_a_traceback(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    post = site / "content/posts/2022/12/year-end.md"
    post.write_text(post.read_text() + '\n<a href="http://[::1/x">there</a>\n')
    result = sitegen(site, "build")  # was: ValueError "Invalid IPv6 URL" from the link check
    assert result.exit_code == 1, result.output
    assert "error: broken link http://[::1/x (not a valid URL)" in result.output
    assert "Traceback" not in result.output
