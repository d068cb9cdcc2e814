"""The feed registry (`sitegen.feeds.formats`) is the truth: every declared format is built at
its declared file for exactly the lists it declares, made by its writer, advertised in `_headers`
and served by `sitegen serve` and `sitegen publish` with its declared content type."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from builtsite import built_root
from comment_support import add_comments
from serve_helpers import get, running
from testdata import FIXTURE_SITE

from sitegen.build.orchestrator import build_site
from sitegen.build.plan import feed_jobs
from sitegen.build.redirects import FEED_BASES
from sitegen.config import FeedsConfig, load_config
from sitegen.errors import Problems
from sitegen.feeds.formats import (
    BY_NAME,
    COMMENT_KINDS,
    FORMATS,
    LIST_KINDS,
    FeedFormat,
    format_of,
    is_feed,
)
from sitegen.mediatypes import content_type
from sitegen.publish.localsite import scan_site
from sitegen.publish.settings import PublishSettings
from sitegen.publish.store import ObjectMeta
from sitegen.publish.uploadplan import FEEDS, phase_of
from sitegen.serve import BuildOutcome
from sitegen.serve.files import DirectoryFiles
from sitegen.site.assemble import assemble_site, load_documents, load_site_info

ROOT = "/web/"  # the fixture site's base path
# One list of each kind in the fixture site (a nested category too: its URL has two slugs).
LISTS = {
    "home": [""],
    "category": ["category/telecom/", "category/telecom/5g/"],
    "tag": ["tag/spectrum/"],
    "author": ["author/priya/"],
    "comments": ["comments/"],
    "post": ["2023/08/15/tariffs-decade/"],
}
CASES = [(fmt, kind) for fmt in FORMATS for kind in LIST_KINDS]
DECLARED = [(fmt, kind) for fmt in FORMATS for kind in fmt.kinds]


def ids(case: tuple[FeedFormat, str]) -> str:
    return f"{case[0].name}-{case[1]}"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build's public/, as a host serves it (the site in its base path's folder)."""
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path_factory.mktemp("formats") / "site"))
    add_comments(site / "content/posts/2023/08/sticky.md")
    report = build_site(site)
    assert report.committed and not report.problems.items, report.problems.render()
    return site / "public"


@pytest.fixture(scope="module")
def public(output: Path) -> Path:
    """The site's own files."""
    return built_root(output.parent)


@pytest.fixture(scope="module")
def published(output: Path) -> dict[str, str]:
    """Content type by URL path (without its leading "/"), as publish uploads them."""
    objects = scan_site(output, PublishSettings(), compress=False, feed_index_html=True)
    return {o.key: o.meta.content_type for o in objects}


def test_the_registry_declares_each_format_once() -> None:
    assert [f.name for f in FORMATS] == ["rss", "atom", "json"]
    assert len({f.file for f in FORMATS}) == len({f.url for f in FORMATS}) == len(FORMATS)
    for fmt in FORMATS:
        assert fmt.file.startswith(fmt.url)
        assert set(fmt.kinds) <= set(LIST_KINDS) | set(COMMENT_KINDS)
        assert format_of(fmt.file) is fmt and format_of("tag/x/" + fmt.file) is fmt
        assert is_feed(fmt.content_type) and is_feed(fmt.mime)
    assert format_of("feed/index.html") is None and format_of("search/index.json") is None
    assert not is_feed("application/json") and not is_feed("application/xml; charset=utf-8")


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_each_format_is_built_where_it_is_declared_and_nowhere_else(
    case: tuple[FeedFormat, str], public: Path
) -> None:
    fmt, kind = case
    for base in LISTS[kind]:
        path = public / (base + fmt.file)
        assert path.is_file() == (kind in fmt.kinds), path
        if path.is_file():
            # Its writer made it: the bytes say the format they are, whatever the file is called.
            assert content_type("feed.bin." + fmt.file.rsplit(".", 1)[-1], path.read_bytes()) == (
                fmt.content_type
            )


@pytest.mark.parametrize("case", DECLARED, ids=ids)
def test_serve_and_publish_send_each_feed_with_its_declared_type(
    case: tuple[FeedFormat, str], output: Path, public: Path, published: dict[str, str]
) -> None:
    fmt, kind = case
    with running(lambda changed: BuildOutcome(DirectoryFiles(output))) as preview:
        for base in LISTS[kind]:
            file = base + fmt.file
            # As a subscriber asks for it (the folder) and by its file name.
            for url in (ROOT + base + fmt.url, ROOT + file):
                reply = get(preview, url)
                assert (reply.status, reply.headers["content-type"]) == (200, fmt.content_type)
                assert reply.body == (public / file).read_bytes()
            assert published[ROOT[1:] + file] == fmt.content_type
            # S3 answers a folder with its index.html: the copy keeps the feed's type.
            assert published[ROOT[1:] + base + fmt.url + "index.html"] == fmt.content_type
            assert phase_of(file, ObjectMeta(content_type=fmt.content_type)) == FEEDS


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_headers_name_each_feed_url_with_its_declared_type(
    case: tuple[FeedFormat, str], output: Path
) -> None:
    fmt, kind = case
    headers = (output / "_headers").read_text()  # at public/'s root, where Netlify reads them
    redirects = (output / "_redirects").read_text()
    url = ROOT + FEED_BASES[kind] + fmt.url
    name = fmt.file.rsplit("/", 1)[-1]
    declared = f"{url}\n  Content-Type: {fmt.content_type}\n"
    assert (declared in headers) == (kind in fmt.kinds)
    assert (f"{url} {url}{name} 200\n" in redirects) == (kind in fmt.kinds)


def test_page_heads_advertise_the_formats_so_declared(public: Path) -> None:
    home = (public / "index.html").read_text()
    category = (public / "category/telecom/index.html").read_text()
    for fmt in FORMATS:
        link = f'type="{fmt.mime}" title="Telecom Wire {fmt.label}" href="{ROOT}{fmt.url}"'
        assert (link in home) == fmt.in_head
        own = (
            f'type="{fmt.mime}" title="Telecom {fmt.label}" href="{ROOT}category/telecom/{fmt.url}"'
        )
        assert (own in category) == (fmt.in_head and "category" in fmt.kinds)


@pytest.mark.parametrize("asked", [("json", "atom"), ("rss",), ()])
def test_the_plan_makes_the_formats_asked_for_at_their_files(asked: tuple[str, ...]) -> None:
    problems = Problems()
    info = load_site_info(FIXTURE_SITE, problems)
    config = load_config(FIXTURE_SITE, info, problems)
    site = assemble_site(info, load_documents(FIXTURE_SITE, problems), problems)
    config = dataclasses.replace(config, feeds=FeedsConfig(items=3, formats=asked))
    jobs = feed_jobs(site, config)
    home = [j.path for j in jobs if j.kind == "feed-home"]
    assert home == [BY_NAME[name].file for name in asked]  # in the order asked
    for job in jobs:
        fmt = format_of(job.path)
        assert fmt is not None and fmt.name in asked
        assert job.kind.removeprefix("feed-") in fmt.kinds
    tag_feeds = {j.path for j in jobs if j.kind == "feed-tag" and j.key == "spectrum"}
    assert tag_feeds == {
        "tag/spectrum/" + BY_NAME[n].file for n in asked if "tag" in BY_NAME[n].kinds
    }
