"""Click-to-load embeds: an iframe from another host becomes a link to what it showed.

An archive page must not call YouTube, Vimeo or any other host before the reader asks: such a
request tells a third party who reads what, and in a permanent archive the player is often
gone (a blank 281 px gap). So every iframe whose address is on another host is shown as a
poster, a plain link with the embed's title and "Watch on YouTube", which opens the original.
No script runs; the reader's click is the request.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, quote, urlsplit

# An iframe with its fallback content; one a hand edit left unclosed is matched alone (without
# swallowing what follows up to a later iframe's end), since a browser would still load it.
_IFRAME = re.compile(r"<iframe\b([^>]*)>(?:(?:(?!<iframe\b).)*?</iframe\s*>)?", re.S | re.I)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")

# Host (without "www.") -> the provider's name and what the reader does there.
_PROVIDERS: dict[str, tuple[str, str]] = {
    "youtube.com": ("YouTube", "Watch"),
    "youtube-nocookie.com": ("YouTube", "Watch"),
    "player.vimeo.com": ("Vimeo", "Watch"),
    "dailymotion.com": ("Dailymotion", "Watch"),
    "open.spotify.com": ("Spotify", "Listen"),
    "w.soundcloud.com": ("SoundCloud", "Listen"),
}
_AUDIO = {"Spotify", "SoundCloud"}


def click_to_load(body: str) -> str:
    """`body` (HTML) with every iframe from another host replaced by its poster link."""
    if "<iframe" not in body.lower():
        return body
    return _IFRAME.sub(_poster, body)


def _poster(match: re.Match[str]) -> str:
    attrs = _attributes(match.group(1))
    src = attrs.get("src", "").strip()
    parts = urlsplit(src)
    host = (parts.hostname or "").lower() if parts.scheme in ("http", "https", "") else ""
    if not host:  # a page of this site stays; an address no browser should load goes
        return match.group(0) if src and not parts.scheme else ""
    short = host.removeprefix("www.")
    provider, verb = _PROVIDERS.get(short, (short, "Open"))
    title = " ".join(attrs.get("title", "").split()) or provider
    kind = "embed embed-audio" if provider in _AUDIO else "embed"
    action = f"{verb} on {provider}"
    return (
        f'<a class="{kind}" href="{html.escape(original_url(src))}">'
        f'<span class="embed-title" dir="auto">{html.escape(title, quote=False)}</span> '
        f'<span class="embed-action">{html.escape(action, quote=False)}</span></a>'
    )


def _attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, double, single, bare in _ATTRIBUTE.findall(text):
        found.setdefault(name.lower(), html.unescape(double or single or bare))
    return found


def original_url(src: str) -> str:
    """The page a player iframe shows, where a reader can watch it (the embed URL otherwise):
    https://www.youtube.com/embed/ID?start=30 -> https://www.youtube.com/watch?v=ID&t=30."""
    parts = urlsplit(src)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/").split("/")
    query = parse_qs(parts.query)
    if host in ("youtube.com", "youtube-nocookie.com") and len(path) == 3 and path[1] == "embed":
        start = query.get("start", [""])[0]
        extra = f"&t={quote(start)}" if start.isdigit() else ""
        return f"https://www.youtube.com/watch?v={quote(path[2])}{extra}"
    if host == "player.vimeo.com" and len(path) == 3 and path[1] == "video":
        return f"https://vimeo.com/{quote(path[2])}"
    if host == "dailymotion.com" and path[1:3] == ["embed", "video"] and len(path) == 4:
        return f"https://www.dailymotion.com/video/{quote(path[3])}"
    if host == "open.spotify.com" and len(path) > 2 and path[1] == "embed":
        return "https://open.spotify.com/" + "/".join(quote(p) for p in path[2:])
    if host == "w.soundcloud.com":
        target = query.get("url", [""])[0]
        if urlsplit(target).scheme in ("http", "https"):
            return target
    return src
