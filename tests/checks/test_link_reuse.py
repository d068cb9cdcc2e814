"""The build's link check reuses last build's result for a page only when nothing it depends on
changed: its bytes, the output's file names, _redirects, and the pages its #fragments point into."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from builtsite import built_root

from sitegen.build.orchestrator import build_site
from sitegen.checks import links

NOTE = "content/posts/2023/09/x-wont-use-users-private-data.md"
NOTE_PAGE = "/2023/09/01/x-wont-use-users-private-data/"
LINKING = "content/posts/2022/12/year-end.md"


def warnings(site: Path) -> list[str]:
    report = build_site(site)
    assert report.committed
    return [p.render() for p in report.problems.items]


def clean_warnings(site: Path) -> list[str]:
    other = site.parent / "clean"
    shutil.rmtree(other, ignore_errors=True)
    shutil.copytree(site, other, ignore=shutil.ignore_patterns("public", ".sitegen"))
    return warnings(other)


@pytest.fixture
def site(site: Path) -> Path:
    """The shared fixture-site copy, one post linking to a footnote and to nowhere."""
    post = site / LINKING
    post.write_text(
        post.read_text() + f"\nSee [the note]({NOTE_PAGE}#fn1) and [this](/no/such/page/).\n"
    )
    return site


def test_unchanged_pages_are_not_parsed_again(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = warnings(site)
    assert any("broken link /web/no/such/page/" in w for w in first)  # base path /web/
    assert not any("#fn1" in w for w in first)  # the footnote is there
    parsed: list[bytes] = []
    real = links._parse
    monkeypatch.setattr(links, "_parse", lambda data: parsed.append(data) or real(data))
    assert warnings(site) == first
    # The pages rendered every time (404, search, term lists) have the same bytes: none parsed.
    assert parsed == []


def test_a_fragment_target_that_changed_is_checked_again(site: Path) -> None:
    warnings(site)
    note = site / NOTE
    # The footnote becomes plain text ("1" stays): the linking page's bytes, the file names (the
    # search index's shards follow the words) stay; only the #fn1 it points to is gone.
    note.write_text(note.read_text().replace("[^1]: According", "According").replace("[^1]", " 1"))
    again = warnings(site)
    assert any("#fn1" in w and "no id='fn1'" in w and LINKING in w for w in again)
    assert again == clean_warnings(site)


def test_a_file_that_appears_mends_links_to_it(site: Path) -> None:
    warnings(site)
    target = site / "static" / "no" / "such" / "page" / "index.html"
    target.parent.mkdir(parents=True)
    target.write_text("<!doctype html><title>Here</title>\n")  # no page's bytes change
    again = warnings(site)
    assert not any("/no/such/page/" in w for w in again)
    assert again == clean_warnings(site)


def test_a_new_search_shard_does_not_send_every_page_to_the_parser(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = warnings(site)
    post = site / NOTE
    # "qzx..." starts no word of the site: the index gains a shard, the output a file name.
    post.write_text(post.read_text() + "\nQzxwv is a new word.\n")
    parsed: list[bytes] = []
    real = links._parse
    monkeypatch.setattr(links, "_parse", lambda data: parsed.append(data) or real(data))
    again = warnings(site)
    assert (built_root(site) / "search" / "idx" / "717a.json").is_file()
    assert again == first and 0 < len(parsed) < 30  # the pages that changed, not all of them


def test_a_link_to_a_search_data_file_depends_on_that_file(site: Path) -> None:
    post = site / LINKING
    post.write_text(post.read_text() + "\nThe [shard](/search/idx/717a.json).\n")
    assert any("717a.json" in w for w in warnings(site))  # no such shard yet
    note = site / NOTE
    note.write_text(note.read_text() + "\nQzxwv is a new word.\n")
    assert not any("717a.json" in w for w in warnings(site))  # now there is
    assert warnings(site) == clean_warnings(site)
