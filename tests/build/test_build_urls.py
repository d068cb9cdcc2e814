"""Non-ASCII (percent-encoded) WordPress slugs, proven against a real server on 127.0.0.1.

WordPress publishes `/2023/09/03/%e0%a4%b9%e0%a4%bf%e0%a4%82%e0%a4%a6%e0%a5%80-news/`. A static
server percent-decodes the request path before it looks up the file, so the build writes the
*decoded* UTF-8 directory name; a directory named with the escapes themselves is never found.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from pathlib import Path

from sitehelpers import static_server
from testdata import FIXTURE_SITE

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.safepath import output_file
from sitegen.urls import prefix_root_links

ENCODED = "2023/09/03/%e0%a4%b9%e0%a4%bf%e0%a4%82%e0%a4%a6%e0%a5%80-news/"


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return err.code


def test_output_file_decodes_the_path() -> None:
    assert output_file(ENCODED) == "2023/09/03/हिंदी-news/index.html"
    assert output_file("") == "index.html"
    assert output_file("feed/index.xml") == "feed/index.xml"


def test_decoded_directory_is_served_and_encoded_one_is_not(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    holder = [site / "public"]
    with static_server(holder) as port:
        base = f"http://127.0.0.1:{port}/"
        assert build_site(site, BuildOptions(overrides={"base_url": base})).committed
        assert status(base + ENCODED) == 200  # what WordPress linked to
        assert (
            status(base + ENCODED.upper().replace("NEWS", "news")) == 200
        )  # upper-case escapes too
        assert status(base + "tag/%e0%a4%b9%e0%a4%bf%e0%a4%82%e0%a4%a6%e0%a5%80/") == 200
        # The alternative we rejected: a folder literally named with the escapes.
        literal = tmp_path / "literal"
        (literal / ENCODED).mkdir(parents=True)
        (literal / ENCODED / "index.html").write_text("<p>x</p>")
        holder[0] = literal
        assert status(base + ENCODED) == 404


def test_prefix_root_links_only_touches_root_relative_urls() -> None:
    html = (
        '<a href="/2023/">a</a> <a href="//cdn.example/x">b</a> <a href="https://x.org/">c</a>'
        ' <img src="/wp-content/a.jpg" srcset="/wp-content/a.jpg 1x, /wp-content/b.jpg 2x">'
        ' <a href="#top">d</a> <a href="rel/">e</a>'
    )
    assert prefix_root_links(html, "/web/") == (
        '<a href="/web/2023/">a</a> <a href="//cdn.example/x">b</a> <a href="https://x.org/">c</a>'
        ' <img src="/web/wp-content/a.jpg"'
        ' srcset="/web/wp-content/a.jpg 1x, /web/wp-content/b.jpg 2x">'
        ' <a href="#top">d</a> <a href="rel/">e</a>'
    )
    assert prefix_root_links(html, "/") == html
