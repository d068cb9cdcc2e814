"""What WordPress does to a post's text on display: `wptexturize`, `wpautop`, `shortcode_unautop`,
`convert_smilies`, `capital_P_dangit` and the auto-excerpt (`wp_trim_excerpt`).

A WordPress export (WXR) holds what the editor saved; the REST API's `content.rendered` is that
text after these filters. They are ported from WordPress 6.1's `wp-includes/formatting.php`
function by function, regex by regex, so that an export gives the HTML the REST API would have
given. PHP's PCRE features Python's `re` lacks are rewritten to equivalents: variable-width
look-behinds become alternations of fixed-width ones, conditional groups become alternations.
PHP runs these regexes on bytes without the `u` flag, so `\\d`, `\\w` and `\\b` are ASCII here too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

# The shortcodes WordPress 6.1 registers (wp-includes/media.php, class-wp-embed.php).
SHORTCODES = ("wp_caption", "caption", "gallery", "playlist", "audio", "video", "embed")

# wp_spaces_regexp(), as alternatives of fixed width (a look-behind needs that in Python).
_SPACE_ALTS = (r"[\r\n\t ]", "\xa0", "&nbsp;")
_SPACE_OR = "|".join(_SPACE_ALTS)
_SPACES = "(?:" + _SPACE_OR + ")"


def _behind(*alternatives: str) -> str:
    """`(?<=a|bb|ccc)` as Python accepts it: one look-behind per alternative."""
    anchors = ("^", r"\A")
    return "(?:" + "|".join(a if a in anchors else f"(?<={a})" for a in alternatives) + ")"


def _not_behind(*alternatives: str) -> str:
    return "".join(f"(?<!{a})" for a in alternatives)


_A = re.ASCII
_S_BEHIND = _behind(r"\A", *_SPACE_ALTS)

# ---- wptexturize

_OPEN_Q, _OPEN_SQ, _APOS_FLAG = "<!--oq-->", "<!--osq-->", "<!--apos-->"
_OPENING_QUOTE, _CLOSING_QUOTE = "&#8220;", "&#8221;"
_APOS, _PRIME, _DOUBLE_PRIME = "&#8217;", "&#8242;", "&#8243;"
_OPENING_SINGLE, _CLOSING_SINGLE = "&#8216;", "&#8217;"
_EN_DASH, _EM_DASH = "&#8211;", "&#8212;"
_NO_TEXTURIZE_TAGS = ("pre", "code", "kbd", "style", "script", "tt")
_NO_TEXTURIZE_SHORTCODES = ("code",)

_COCKNEY = [
    "'tain't",
    "'twere",
    "'twas",
    "'tis",
    "'twill",
    "'til",
    "'bout",
    "'nuff",
    "'round",
    "'cause",
    "'em",
]
_STATIC = [
    ("...", "&#8230;"),
    ("``", _OPENING_QUOTE),
    ("''", _CLOSING_QUOTE),
    (" (tm)", " &#8482;"),
    *((w, w.replace("'", _APOS)) for w in _COCKNEY),
]
_STATIC_RE = re.compile("|".join(re.escape(k) for k, _ in _STATIC))
_STATIC_MAP = dict(_STATIC)
_END = r"(?=\Z|[.,:;!?)}\-\]]|&gt;|" + "|".join(_SPACE_ALTS) + ")"

_DYNAMIC_APOS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"'(\d\d)'" + _END, _A), _APOS_FLAG + r"\1" + _CLOSING_SINGLE),
    (re.compile(r"'(\d\d)\"" + _END, _A), _APOS_FLAG + r"\1" + _CLOSING_QUOTE),
    (re.compile(r"'(?=\d\d(?:\Z|(?![%\d]|[.,]\d)))", _A), _APOS_FLAG),
    (re.compile(_S_BEHIND + r"'(\d[.,\d]*)'", _A), _OPEN_SQ + r"\1" + _CLOSING_SINGLE),
    (
        re.compile(_behind(r"\A", r"[(\[{\"\-]", "&lt;", *_SPACE_ALTS) + "'", _A),
        _OPEN_SQ,
    ),
    (
        re.compile(
            _not_behind(*_SPACE_ALTS) + r"'(?!\Z|[.,:;!?\"'(){}\[\]\-]|&[lg]t;|" + _SPACE_OR + ")",
            _A,
        ),
        _APOS_FLAG,
    ),
]
_DYNAMIC_QUOTE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(_S_BEHIND + r"\"(\d[.,\d]*)\"", _A), _OPEN_Q + r"\1" + _CLOSING_QUOTE),
    (
        re.compile(
            _behind(r"\A", r"[(\[{\-]", "&lt;", *_SPACE_ALTS) + r"\"(?!" + _SPACE_OR + ")", _A
        ),
        _OPEN_Q,
    ),
]
_LINE_START = _behind("^", *_SPACE_ALTS)
_LINE_END = "(?=$|" + "|".join(_SPACE_ALTS) + ")"
_DYNAMIC_DASH: list[tuple[re.Pattern[str], str]] = [
    (re.compile("---"), _EM_DASH),
    (re.compile(_LINE_START + "--" + _LINE_END, _A), _EM_DASH),
    (re.compile("(?<!xn)--"), _EN_DASH),
    (re.compile(_LINE_START + "-" + _LINE_END, _A), _EN_DASH),
]
_TIMES_HINT = re.compile(r"(?<=\d)x\d", _A)
# `\b(\d(?(?<=0)[\d\.,]+|[\d\.,]*))x(\d[\d\.,]*)\b`: after a 0, at least one more digit.
_TIMES = re.compile(r"\b(0[\d.,]+|[1-9][\d.,]*)x(\d[\d.,]*)\b", _A)
_AMP = re.compile(r"&(?!#(?:\d+|x[a-f0-9]+);|[a-z1-4]{1,8};)", re.I | _A)

_COMMENT = r"!(?:-(?!->)[^\-]*+)*+(?:-->)?"
_HTML_SPLIT = r"<(?:(?=!--)" + _COMMENT + r"|(?!!--)[^>]*>?)"
_SHORTCODE_NAME = re.compile(r"\[/?([^<>&/\[\]\x00-\x20=]++)")


def _texturize_shortcode_regex(tagnames: list[str]) -> str:
    names = "|".join(re.escape(t) for t in tagnames)
    return r"\[[/\[]?(?:" + names + r")(?=[\s\]/])(?:[^\[\]<>]+|<[^\[\]>]*>)*+\]\]?"


def wptexturize(text: str) -> str:
    """Curly quotes, dashes, ellipses, primes and `&#038;`, outside code and tags."""
    if not text:
        return text
    found = [t for t in SHORTCODES if t in set(_SHORTCODE_NAME.findall(text))]
    shortcode = _texturize_shortcode_regex(found) if found else ""
    split = re.compile("(" + _HTML_SPLIT + ("|" + shortcode if shortcode else "") + ")")
    whole_shortcode = re.compile(shortcode + r"\Z") if shortcode else None
    tags_stack: list[str] = []
    codes_stack: list[str] = []
    parts = [p for p in split.split(text) if p]
    for i, curl in enumerate(parts):
        first = curl[0]
        if first == "<":
            if curl.startswith("<!--"):
                continue
            curl = parts[i] = _AMP.sub("&#038;", curl)
            _pushpop(curl, tags_stack, _NO_TEXTURIZE_TAGS)
        elif curl.strip(" \t\n\r\0\x0b") == "":
            continue
        elif first == "[" and whole_shortcode is not None and whole_shortcode.match(curl):
            if not curl.startswith("[[") and not curl.endswith("]]"):
                _pushpop(curl, codes_stack, _NO_TEXTURIZE_SHORTCODES)
        elif not codes_stack and not tags_stack:
            parts[i] = _texturize_text(curl)
    return "".join(parts)


def _texturize_text(curl: str) -> str:
    curl = _STATIC_RE.sub(lambda m: _STATIC_MAP[m.group(0)], curl)
    if "'" in curl:
        for pattern, repl in _DYNAMIC_APOS:
            curl = pattern.sub(repl, curl)
        curl = _primes(curl, "'", _PRIME, _OPEN_SQ, _CLOSING_SINGLE)
        curl = curl.replace(_APOS_FLAG, _APOS).replace(_OPEN_SQ, _OPENING_SINGLE)
    if '"' in curl:
        for pattern, repl in _DYNAMIC_QUOTE:
            curl = pattern.sub(repl, curl)
        curl = _primes(curl, '"', _DOUBLE_PRIME, _OPEN_Q, _CLOSING_QUOTE)
        curl = curl.replace(_OPEN_Q, _OPENING_QUOTE)
    if "-" in curl:
        for pattern, repl in _DYNAMIC_DASH:
            curl = pattern.sub(repl, curl)
    if _TIMES_HINT.search(curl):
        curl = _TIMES.sub(r"\1&#215;\2", curl)
    return _AMP.sub("&#038;", curl)


_FLAG = "<!--wp-prime-or-quote-->"


def _primes(haystack: str, needle: str, prime: str, open_quote: str, close_quote: str) -> str:
    """wptexturize_primes: is `7'.` seven feet or the end of a quotation?"""
    quote_pattern = re.compile(re.escape(needle) + _END, _A)
    prime_pattern = re.compile(r"(?<=\d)" + re.escape(needle), _A)
    flag_after_digit = re.compile(r"(?<=\d)" + re.escape(_FLAG), _A)
    flag_no_digit = re.compile(r"(?<!\d)" + re.escape(_FLAG), _A)
    sentences = haystack.split(open_quote)
    for key, sentence in enumerate(sentences):
        if needle not in sentence:
            continue
        if key != 0 and sentence.count(close_quote) == 0:
            sentence, count = quote_pattern.subn(_FLAG, sentence)
            if count > 1:
                sentence, count2 = flag_no_digit.subn(close_quote, sentence)
                if count2 == 0:
                    if f"{_FLAG}." in sentence:
                        pos = sentence.rindex(f"{_FLAG}.")
                    else:
                        pos = sentence.rindex(_FLAG)
                    sentence = sentence[:pos] + close_quote + sentence[pos + len(_FLAG) :]
                sentence = prime_pattern.sub(prime, sentence)
                sentence = flag_after_digit.sub(prime, sentence)
                sentence = sentence.replace(_FLAG, close_quote)
            elif count == 1:
                sentence = sentence.replace(_FLAG, close_quote)
                sentence = prime_pattern.sub(prime, sentence)
            else:
                sentence = prime_pattern.sub(prime, sentence)
        else:
            sentence = prime_pattern.sub(prime, sentence)
            sentence = quote_pattern.sub(close_quote, sentence)
        if needle == '"' and '"' in sentence:
            sentence = sentence.replace('"', close_quote)
        sentences[key] = sentence
    return open_quote.join(sentences)


def _pushpop(text: str, stack: list[str], disabled: tuple[str, ...]) -> None:
    """_wptexturize_pushpop_element: track the open no-texturize elements."""
    if len(text) > 1 and text[1] != "/":
        opening, offset = True, 1
    elif not stack:
        return
    else:
        opening, offset = False, 2
    space = text.find(" ")
    # PHP's substr with a length of -1 drops the last character (`>` or `]`).
    tag = text[offset:-1] if space == -1 else text[offset:space]
    if tag in disabled:
        if opening:
            stack.append(tag)
        elif stack and stack[-1] == tag:
            stack.pop()


# ---- wpautop

_ALLBLOCKS = (
    "(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
    "area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|"
    "header|footer|nav|figure|figcaption|details|menu|summary)"
)
_HTML_SPLIT_ESCAPED = (
    r"<(?:(?=!--|!\[CDATA\[)(?:(?=!-)"
    + _COMMENT
    + r"|!\[CDATA\[[^\]]*+(?:](?!]>)[^\]]*+)*+(?:]]>)?)|(?!!--|!\[CDATA\[)[^>]*>?)"
)
_HTML_SPLIT_RE = re.compile("(" + _HTML_SPLIT_ESCAPED + ")")

_AUTOP_STEPS_1 = [
    (re.compile(r"<br\s*/?>\s*<br\s*/?>"), "\n\n"),
    (re.compile(r"(<" + _ALLBLOCKS + r"[\s/>])"), r"\n\n\1"),
    (re.compile(r"(</" + _ALLBLOCKS + r">)"), r"\1\n\n"),
    (re.compile(r"(<hr\s*?/?>)"), r"\1\n\n"),
]


def replace_in_html_tags(haystack: str, pairs: dict[str, str]) -> str:
    """wp_replace_in_html_tags: replace inside tags and comments only, never in text."""
    parts = _HTML_SPLIT_RE.split(haystack)
    changed = False
    for i in range(1, len(parts), 2):
        for needle in pairs:
            if needle in parts[i]:
                for old, new in pairs.items():
                    parts[i] = parts[i].replace(old, new)
                changed = True
                break
    return "".join(parts) if changed else haystack


def wpautop(text: str, br: bool = True) -> str:
    """Paragraphs from double line breaks and `<br />` from single ones, as WordPress does."""
    if text.strip(" \t\n\r\0\x0b") == "":
        return ""
    text += "\n"
    pre_tags: dict[str, str] = {}
    if "<pre" in text:
        *text_parts, last = text.split("</pre>")
        text = ""
        for i, part in enumerate(text_parts):
            start = part.find("<pre")
            if start == -1:
                text += part
                continue
            name = f"<pre wp-pre-tag-{i}></pre>"
            pre_tags[name] = part[start:] + "</pre>"
            text += part[:start] + name
        text += last
    for pattern, repl in _AUTOP_STEPS_1:
        text = pattern.sub(repl, text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = replace_in_html_tags(text, {"\n": " <!-- wpnl --> "})
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(r"<p>\s*(</?" + _ALLBLOCKS + r"[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(r"<p>\s*(</?" + _ALLBLOCKS + r"[^>]*>)", r"\1", text)
    text = re.sub(r"(</?" + _ALLBLOCKS + r"[^>]*>)\s*</p>", r"\1", text)
    if br:
        text = re.sub(
            r"<(script|style|svg).*?</\1>",
            lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"),
            text,
            flags=re.S,
        )
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
        text = text.replace("<WPPreserveNewline />", "\n")
    text = re.sub(r"(</?" + _ALLBLOCKS + r"[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for name, original in pre_tags.items():
        text = text.replace(name, original)
    if "<!-- wpnl -->" in text:
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text


# The enclosing form of a shortcode (`[name]...[/name]`) scans from each opening tag to the
# closing one, to the end of the text when there is none: quadratic for a text of many
# shortcodes without closing tags. WordPress's regexes are used as they are, but without the
# enclosing form for names that no closing tag follows (it cannot match them anyway).
ENCLOSED = r"([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\]"
_NEVER = r"(?!)()"  # the same group, never matching


def shortcode_passes(text: str, names: tuple[str, ...] | list[str]) -> list[tuple[str, ...]]:
    """The names to match, in one pass or, when many shortcodes mix names with and without
    closing tags, in two: those with first. Each pass is (names..., "enclosed"?)."""
    present = [n for n in names if f"[{n}" in text]
    closing = [n for n in present if f"[/{n}]" in text]
    if not closing:
        return [(*present, "")] if present else []
    if len(closing) == len(present) or text.count("[") <= 200:
        return [(*present, "enclosed")]
    return [(*closing, "enclosed"), (*(n for n in present if n not in closing), "")]


@functools.cache
def _unautop_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    *tags, enclosed = names
    alternation = "|".join(re.escape(t) for t in tags)
    return re.compile(
        "<p>" + _SPACES + "*+"
        r"(\[(" + alternation + r")(?![\w-])[^\]/]*(?:/(?!\])[^\]/]*)*?"
        r"(?:/\]|\](?:" + (ENCLOSED if enclosed else _NEVER) + r")?))" + _SPACES + "*+</p>",
        _A,
    )


def shortcode_unautop(text: str) -> str:
    """A shortcode alone in its paragraph is not wrapped in `<p>`."""
    for names in shortcode_passes(text, SHORTCODES):
        text = _unautop_regex(names).sub(r"\1", text)
    return text


# ---- smilies and the capital P


_SMILIES = {
    ":neutral:": "😐", ":twisted:": "😈", ":arrow:": "➡", ":shock:": "😯", ":smile:": "🙂",
    ":???:": "😕", ":cool:": "😎", ":evil:": "👿", ":grin:": "😀", ":idea:": "💡",
    ":oops:": "😳", ":razz:": "😛", ":roll:": "🙄", ":wink:": "😉", ":cry:": "😥",
    ":eek:": "😮", ":lol:": "😆", ":mad:": "😡", ":sad:": "🙁", "8-)": "😎", "8-O": "😯",
    ":-(": "🙁", ":-)": "🙂", ":-?": "😕", ":-D": "😀", ":-P": "😛", ":-o": "😮",
    ":-x": "😡", ":-|": "😐", ";-)": "😉", "8O": "😯", ":(": "🙁", ":)": "🙂", ":?": "😕",
    ":D": "😀", ":P": "😛", ":o": "😮", ":x": "😡", ":|": "😐", ";)": "😉", ":!:": "❗",
    ":?:": "❓",
}  # fmt: skip
# `:mrgreen:` is an image in WordPress (wp-includes/images/smilies/); it stays as typed here.


def _smilies_regex() -> re.Pattern[str]:
    # smilies_init: krsort, then one alternation per first character, longest first.
    groups: dict[str, list[str]] = {}
    for smiley in sorted(_SMILIES, reverse=True):
        groups.setdefault(smiley[0], []).append(re.escape(smiley[1:]))
    before, after = _behind("^", *_SPACE_ALTS), "(?=" + _SPACE_OR + "|$)"
    alts = (before + re.escape(c) + "(?:" + "|".join(r) + ")" + after for c, r in groups.items())
    return re.compile("|".join(alts), re.M)


_SMILEY_RE = _smilies_regex()
_IGNORE_SMILIES = re.compile(r"^<(code|pre|style|script|textarea)[^>]*>")


def convert_smilies(text: str) -> str:
    """`:)` -> 🙂 in text, never inside tags or code."""
    parts = re.split(r"(<[^>\n]*>)", text)  # PHP's ungreedy `<.*>`: the same matches
    ignoring = ""
    for i, content in enumerate(parts):
        if not ignoring:
            found = _IGNORE_SMILIES.match(content)
            if found:
                ignoring = found.group(1)
        if not ignoring and content and content[0] != "<":
            parts[i] = _SMILEY_RE.sub(lambda m: _SMILIES[m.group(0).strip()], content)
        if ignoring and content == f"</{ignoring}>":
            ignoring = ""
    return "".join(parts)


def capital_p_dangit(text: str) -> str:
    for before in (" ", "&#8216;", "&#8220;", ">", "("):
        text = text.replace(before + "Wordpress", before + "WordPress")
    return text


# ---- excerpts


def strip_all_tags(text: str) -> str:
    """wp_strip_all_tags: PHP's strip_tags after dropping script and style elements."""
    text = re.sub(r"<(script|style)[^>]*?>.*?</\1>", "", text, flags=re.S | re.I)
    return _strip_tags(text).strip(" \t\n\r\0\x0b")


_TAG_OR_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)|<[^>]*(?:>|\Z)", re.S)


def _strip_tags(text: str) -> str:
    return _TAG_OR_COMMENT.sub("", text)


def trim_words(text: str, num_words: int = 55, more: str = " [&hellip;]") -> str:
    """wp_trim_words: the first `num_words` words of the text, `more` if there were more."""
    words = [w for w in re.split(r"[\n\r\t ]+", strip_all_tags(text)) if w]
    if len(words) > num_words:
        return " ".join(words[:num_words]) + more
    return " ".join(words)


def the_excerpt(text: str) -> str:
    """The `the_excerpt` filters: what `excerpt.rendered` is made of an excerpt's text."""
    return shortcode_unautop(wpautop(convert_smilies(wptexturize(bounded(text)))))


# ---- hostile input


def bounded(text: str) -> str:
    """`text`, or, when its `<`s are so many and so far from any `>` that the regexes above
    (WordPress's, which scan from each `<` to the next `>`) would take quadratic time, `text`
    with those stray `<` written `&lt;`. Real posts never come near the limit: the scan of
    ordinary HTML costs about its length; WordPress itself fails on such input (PCRE's
    backtrack limit)."""
    limit = 8 * len(text) + 100_000
    cost, nxt, i = 0, -1, text.find("<")
    while i != -1:
        if nxt < i:
            nxt = text.find(">", i)
        cost += (len(text) if nxt == -1 else nxt) - i
        if cost > limit:
            return _escape_stray(text)
        i = text.find("<", i + 1)
    return text


_STRAY = re.compile(r"<(?=[^<>]*(?:<|\Z))")


def _escape_stray(text: str) -> str:
    """Every `<` that another `<` (or the end) follows before any `>` becomes `&lt;`."""
    return _STRAY.sub("&lt;", text)


def title(text: str) -> str:
    """The `the_title` filters (wptexturize, convert_chars, trim, the capital P)."""
    return wptexturize(text).strip().replace("Wordpress", "WordPress")


def apply(text: str, *steps: Callable[[str], str]) -> str:
    for step in steps:
        text = step(text)
    return text


def comment_text(text: str) -> str:
    """The `comment_text` display filters, in WordPress's priority order: texturize, smilies,
    paragraphs. `make_clickable` (bare URLs made links) is not applied: a bare URL stays text."""
    return apply(text, wptexturize, convert_smilies, wpautop)
