"""Click-to-load embeds (sitegen/site/embeds.py): no iframe from another host survives into a
page; each becomes a link to the original with its title and the provider's name."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.site.embeds import click_to_load, original_url

YOUTUBE = (
    '<iframe src="https://www.youtube.com/embed/Lm3vD8kz2Pa?feature=oembed" width="500" '
    'height="281" title="Summit 2025 | Highlights" allowfullscreen></iframe>'
)


def test_a_youtube_player_becomes_a_poster_linking_to_the_watch_page() -> None:
    assert click_to_load(f"<p>Before</p>\n{YOUTUBE}\n") == (
        "<p>Before</p>\n"
        '<a class="embed" href="https://www.youtube.com/watch?v=Lm3vD8kz2Pa">'
        '<span class="embed-title" dir="auto">Summit 2025 | Highlights</span> '
        '<span class="embed-action">Watch on YouTube</span></a>\n'
    )


@pytest.mark.parametrize(
    ("src", "page"),
    [
        ("https://www.youtube-nocookie.com/embed/abc?start=30", "https://www.youtube.com/watch?v=abc&t=30"),
        ("https://player.vimeo.com/video/123456?h=x", "https://vimeo.com/123456"),
        ("https://www.dailymotion.com/embed/video/x8abc", "https://www.dailymotion.com/video/x8abc"),
        ("https://open.spotify.com/embed/episode/42", "https://open.spotify.com/episode/42"),
        (
            "https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/1",
            "https://api.soundcloud.com/tracks/1",
        ),
        ("https://maps.example.com/embed/x", "https://maps.example.com/embed/x"),
    ],
)  # fmt: skip
def test_the_link_goes_to_the_page_a_reader_can_use(src: str, page: str) -> None:
    assert original_url(src) == page


def test_audio_and_unknown_hosts_say_what_the_click_does() -> None:
    spotify = click_to_load('<iframe src="https://open.spotify.com/embed/track/1"></iframe>')
    assert 'class="embed embed-audio"' in spotify and "Listen on Spotify" in spotify
    other = click_to_load("<iframe src='//maps.example.com/m' title=Map></iframe>")
    assert ">Map</span>" in other and "Open on maps.example.com" in other


def test_an_iframe_of_this_site_stays_and_a_script_address_goes() -> None:
    local = '<iframe src="/web/chart/" title="Chart"></iframe>'
    assert click_to_load(local) == local
    assert click_to_load('<iframe src="javascript:alert(1)"></iframe>') == ""


def test_titles_are_escaped() -> None:
    got = click_to_load('<iframe src="https://x.example/" title="&lt;b&gt; &amp; &quot;"></iframe>')
    assert "<b>" not in got and "&lt;b&gt; &amp;" in got


@given(st.text(alphabet="<>\"' =/abcfiemrsthp:.", max_size=80))
def test_no_iframe_to_another_host_is_left(noise: str) -> None:
    got = click_to_load(f'<iframe src="https://evil.example/{noise}">{noise}</iframe>{noise}')
    assert not re.search(r"<iframe[^>]*evil\.example", got)


def test_an_unclosed_iframe_becomes_a_poster_and_keeps_what_follows() -> None:
    body = (
        '<p>a</p><iframe src="https://tracker.example/x"><p>b</p>'
        '<iframe src="https://www.youtube.com/embed/abc" title="T"></iframe><p>c</p>'
    )
    out = click_to_load(body)
    assert "<iframe" not in out
    assert '<p>a</p><a class="embed" href="https://tracker.example/x">' in out
    assert "<p>b</p>" in out and "<p>c</p>" in out
    assert 'href="https://www.youtube.com/watch?v=abc"' in out
