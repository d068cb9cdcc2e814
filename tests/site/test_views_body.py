"""Views.body skips localize_media when the site has no local copies and the body no srcset:
then every URL maps to itself and the pass changes nothing (it costs a Python call per link,
each time a page or feed shows a body)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sitegen.urls import localize_media

HOME = "https://news.example.com/"

_url = st.sampled_from([HOME, HOME + "wp-content/a.jpg", HOME + "2018/x/?a=1&amp;b", "/rel/", ""])
_piece = st.one_of(
    st.builds(lambda a, u: f'<a {a}="{u}">t</a>', st.sampled_from(["href", "src", "poster"]), _url),
    st.builds(lambda u: f"<img srcset='{u} 1x'>", _url),  # single quotes: _SRCSET needs double
    st.sampled_from(["<p>", HOME, "\n", ' src="', '"', "text"]),
)


@given(st.lists(_piece, max_size=10).map("".join))
def test_without_local_files_or_srcset_nothing_changes(html: str) -> None:
    assert 'srcset="' not in html
    assert localize_media(html, HOME, lambda url: url) == html


def test_a_srcset_is_respaced_even_without_local_files() -> None:
    """Why the shortcut looks for "srcset": that pass normalises the list's spacing."""
    html = f'<img srcset="{HOME}a.jpg 1x,{HOME}b.jpg 2x">'
    assert localize_media(html, HOME, lambda url: url) != html
