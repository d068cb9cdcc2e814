"""The host a browser would load for a URL, read by the WHATWG URL Standard (through ada).

Python's `urlsplit` follows RFC 3986, browsers follow WHATWG, and the two disagree exactly where
an attacker wants them to: for http(s) a browser reads `\\` as `/`, drops tabs and newlines,
percent-decodes and IDNA-maps the host, and resolves `https:/x` against the page. So
`https://evil.example\\@www.youtube.com/` is `www.youtube.com` to `urlsplit` and `evil.example`
to every browser. Any decision that trusts a host (the iframe allow-list, "is this link to our
own site?") asks this module, which asks ada, the parser Node.js uses.
"""

from __future__ import annotations

from ada_url import URL

_WEB_SCHEMES = frozenset({"http:", "https:"})

# A mirror's page is served over http or https; a URL that is only absolute on one of them
# (`https:/x` is a path on an https page) is ambiguous. Resolving it against both a page of each
# scheme on a host nobody owns shows where it would really go.
_PAGES = ("http://sitegen.invalid/", "https://sitegen.invalid/")


def _parse(url: str, base: str | None = None) -> URL | None:
    try:
        return URL(url, base)
    except (ValueError, UnicodeError):  # unparseable, or a lone surrogate (not UTF-8)
        return None


def web_host(url: str) -> str:
    """The host a browser loads for the absolute http(s) URL `url` (lowercase, IDNA ASCII,
    percent-decoded, without the port); "" for anything else (relative, other schemes, invalid)."""
    parsed = _parse(url)
    if parsed is None or parsed.protocol not in _WEB_SCHEMES:
        return ""
    return parsed.hostname


def embed_host(url: str) -> str:
    """`web_host(url)`, but "" unless the URL means that host on every page it may sit in,
    and never with a user name or password (`https://a@b/` is the classic disguise)."""
    parsed = _parse(url)
    if parsed is None or parsed.protocol not in _WEB_SCHEMES:
        return ""
    if parsed.username or parsed.password:
        return ""
    for page in _PAGES:
        resolved = _parse(url, page)
        if resolved is None or resolved.hostname != parsed.hostname:
            return ""
    return parsed.hostname


def host_key(host: str) -> str:
    """An allow-list entry as `web_host` would write it (`WWW.YouTube.com`, `bücher.example`)."""
    return web_host(f"https://{host.strip()}/") if host.strip() else ""


def web_authority(url: str) -> str:
    """`web_host(url)` with the port when it is not the scheme's default (`example.org:8080`)."""
    parsed = _parse(url)
    if parsed is None or parsed.protocol not in _WEB_SCHEMES:
        return ""
    return f"{parsed.hostname}:{parsed.port}" if parsed.port else parsed.hostname
