"""What a reader sees in a piece of HTML: text, links and images. Used by the fidelity tests.

Written independently of the converter (plain html5lib walking) so that it can disagree.
Footnote markers are left out on both sides: WordPress writes `<sup>1</sup>` and `↩`, the
renderer writes `[1]` and `↩︎`, and their in-page hrefs (`#fn-1` vs `#fn1`) differ by design.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote
from xml.etree.ElementTree import Element

import html5lib

from sitegen.wp.sanitize import tag_set

HIDDEN = {"script", "style", "noscript", "template", "head", "title"}
# Elements a browser lays out as blocks (or breaks): text on either side is separate words.
BREAKING = tag_set(
    "p div br li ul ol dl dt dd h1 h2 h3 h4 h5 h6 blockquote pre table thead tbody tfoot tr td "
    "th caption figure figcaption section article header footer aside nav hr iframe video "
    "audio address details summary main center"
)
FOOTNOTE_HREF = re.compile(r"^#fn")


@dataclass
class Visible:
    text: str
    links: list[str]
    images: list[str]


def visible(html: str) -> Visible:
    root = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    parts: list[str] = []
    links: list[str] = []
    images: list[str] = []
    _walk(root, parts, links, images)
    text = re.sub(r"\s+", " ", "".join(parts).replace("\xa0", " ")).strip()
    return Visible(text, links, images)


def _walk(el: Element, parts: list[str], links: list[str], images: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if not tag and el.tag is not None and el.tag != "DOCUMENT_FRAGMENT":
        return  # comment
    if tag in HIDDEN or (tag == "a" and FOOTNOTE_HREF.match(el.get("href", ""))):
        return
    if tag == "a" and el.get("href") is not None:
        links.append(normalise_url(el.get("href", "")))
    if tag == "img" and el.get("src"):
        images.append(normalise_url(el.get("src", "")))
    if tag == "iframe" and el.get("src"):
        links.append("iframe:" + normalise_url(el.get("src", "")))
    brk = " " if tag in BREAKING else ""
    parts.append(brk + (el.text or ""))
    for child in el:
        _walk(child, parts, links, images)
        parts.append(child.tail or "")
    parts.append(brk)


def normalise_url(url: str) -> str:
    # The renderer percent-encodes URLs; compare what they mean, not how they are spelled.
    return unquote(url.strip())
