"""html -> Markdown case files: one WordPress quirk per file in tests/cases/html2md/.

A case file is a description, then `--- html` and `--- markdown` sections. Each case checks
the conversion and that the Markdown is a fixpoint (converting its rendering gives it back).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from testdata import ROOT, TESTS

from sitegen.markdown import render_markdown
from sitegen.wp.html2md.convert import DEFAULT_IFRAME_HOSTS, ConvertOptions, html_to_markdown

CASES = TESTS / "cases" / "html2md"


def load_case(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    _, rest = text.split("\n--- html\n", 1)
    html, markdown = rest.split("\n--- markdown\n", 1)
    markdown = markdown.rstrip("\n")
    return html, markdown + "\n" if markdown else ""


CASE_FILES = sorted(CASES.glob("*.txt"))


def test_there_are_cases() -> None:
    assert len(CASE_FILES) >= 40


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case(path: Path) -> None:
    html, expected = load_case(path)
    assert html_to_markdown(html) == expected


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_is_a_fixpoint(path: Path) -> None:
    _, expected = load_case(path)
    assert html_to_markdown(render_markdown(expected)) == expected


def test_rewrite_url_sees_every_href_and_src() -> None:
    seen: list[str] = []

    def rewrite(url: str) -> str:
        seen.append(url)
        return url.replace("http://127.0.0.1:8089/web/", "/")

    html = (
        '<p><a href="http://127.0.0.1:8089/web/2024/03/05/x/">x</a>'
        '<img src="http://127.0.0.1:8089/web/wp-content/uploads/a.png" alt="a"></p>'
        '<table><tr><td colspan="2"><a href="http://127.0.0.1:8089/web/tag/t/">t</a></td></tr>'
        "</table>"
    )
    markdown = html_to_markdown(html, ConvertOptions(rewrite_url=rewrite))
    assert "[x](/2024/03/05/x/)" in markdown
    assert "![a](/wp-content/uploads/a.png)" in markdown
    assert '<a href="/tag/t/">t</a>' in markdown
    assert sorted(seen) == sorted(
        [
            "http://127.0.0.1:8089/web/2024/03/05/x/",
            "http://127.0.0.1:8089/web/wp-content/uploads/a.png",
            "http://127.0.0.1:8089/web/tag/t/",
        ]
    )


def test_rewrite_url_cannot_smuggle_an_unsafe_url() -> None:
    markdown = html_to_markdown(
        '<p><a href="https://example.org/">x</a></p>',
        ConvertOptions(rewrite_url=lambda url: "javascript:alert(1)"),
    )
    assert markdown == "x\n"


def test_iframe_hosts_option() -> None:
    html = '<iframe src="https://maps.example.com/embed?x=1" title="Map"></iframe>'
    assert html_to_markdown(html) == "[Map](https://maps.example.com/embed?x=1)\n"
    allowed = ConvertOptions(iframe_hosts=(*DEFAULT_IFRAME_HOSTS, "maps.example.com"))
    assert html_to_markdown(html, allowed) == (
        '<iframe src="https://maps.example.com/embed?x=1" title="Map"></iframe>\n'
    )


def test_empty_and_whitespace_input() -> None:
    assert html_to_markdown("") == ""
    assert html_to_markdown("  \n<p> </p><!-- wp:spacer -->") == ""


def test_deeply_nested_markup_keeps_its_text() -> None:
    html = "<div>" * 5000 + "<p>deep <em>text</em></p>" + "</div>" * 5000
    assert "deep" in html_to_markdown(html)


def test_readme_example_is_real_output() -> None:
    # The README's "HTML to Markdown" console example must be what the converter prints.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## HTML to Markdown", 1)[1]
    console = section.split("```console\n", 1)[1].split("```\n", 1)[0]
    shown_html = console.split("$ cat example.html\n", 1)[1].split("\n$ python", 1)[0] + "\n"
    shown_markdown = console.split("< example.html\n", 1)[1]
    assert html_to_markdown(shown_html) == shown_markdown
