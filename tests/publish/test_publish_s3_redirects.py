"""`sitegen publish` to a real S3 server (SeaweedFS in scripts/test) carries the redirect table's
path redirects as object redirects: an empty object at each old path with
`x-amz-website-redirect-location` pointing at the page.

SeaweedFS (4.48) serves no website endpoint and does not keep the header: HEAD answers without
it. So what is checked is what sitegen controls: every old path's PUT carries the header with
the right Location (recorded as boto sends it), the object exists and is empty, the header
matches wherever the server gives it back (AWS, moto), a second publish sends nothing, and a
changed target is sent again. That AWS then answers with the 301 is AWS's documented
behaviour, not tested here.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from builtsite import built_folder
from testdata import FIXTURE_SITE

from sitegen.build import hostrules
from sitegen.build.orchestrator import build_site
from sitegen.publish.localsite import scan_site
from sitegen.publish.settings import PublishSettings
from sitegen.publish.store import StoreOptions, open_store
from sitegen.publish.sync import PublishOptions, execute, prepare
from sitegen.safepath import rule_path_decoded

pytestmark = pytest.mark.s3

# The bucket's root is public/'s: the fixture's site and its old paths sit in its folder (web/).
SITE = built_folder(FIXTURE_SITE).as_posix() + "/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("s3-redirects") / "site"
    shutil.copytree(FIXTURE_SITE, site)
    assert build_site(site).committed
    return site / "public"


def _expected(public: Path) -> dict[str, str]:
    """Key -> Location for every rule S3 can answer: exact path, 301."""
    rules = hostrules.table_from_netlify((public / "_redirects").read_text())
    want = {}
    for rule in rules:
        if rule.status == 301 and not rule.query and not rule.pattern:
            path = rule_path_decoded(rule.source)  # the table's full paths: the bucket's keys
            key = path + "index.html" if path.endswith("/") else path
            want[key] = rule.target
    return want


def test_publish_sends_a_website_redirect_for_every_old_path(
    built: Path, s3: tuple[str, str, Any]
) -> None:
    endpoint, bucket, client = s3
    want = _expected(built)
    assert f"{SITE}2023/08/31/x-private-data/index.html" in want and f"{SITE}wp-rss2.php" in want
    store = open_store(f"s3://{bucket}/www", StoreOptions(endpoint_url=endpoint))
    sent: dict[str, str] = {}

    def record(request: Any, **_: Any) -> None:
        if request.method == "PUT":
            key = unquote(urlsplit(request.url).path).split("/www/", 1)[-1]
            sent[key] = request.headers.get("x-amz-website-redirect-location", b"").decode()

    store.client.meta.events.register("before-send.s3.PutObject", record)
    objects = scan_site(built, PublishSettings(), compress=False, feed_index_html=True)
    opts = PublishOptions(jobs=4, backoff=0.01)
    execute(store, prepare(store, objects, opts), objects, opts)
    for key, location in want.items():
        assert sent.get(key) == location, key
        head = client.head_object(Bucket=bucket, Key=f"www/{key}")
        assert head["ContentLength"] == 0
        # AWS (and moto) give the header back; SeaweedFS drops it, so only check it if kept.
        assert head.get("WebsiteRedirectLocation", location) == location, key
    page = f"{SITE}2023/09/01/x-wont-use-users-private-data/index.html"
    assert sent[page] == ""  # a page of the site carries none
    # A second publish reads the redirects back from the manifest: nothing to send.
    again = prepare(store, objects, opts)
    assert again.plan.empty, again.plan.lines()


def test_a_changed_target_is_published_again(built: Path, tmp_path: Path) -> None:
    """Without a server: the planner sees a moved alias as a changed object."""
    site = tmp_path / "public"
    shutil.copytree(built, site)
    before = {
        o.key: o.meta
        for o in scan_site(site, PublishSettings(), compress=False, feed_index_html=True)
    }
    text = (site / "_redirects").read_text()
    (site / "_redirects").write_text(
        text.replace(" /web/category/telecom/5g/ 301", " /web/about/ 301")
    )
    after = {
        o.key: o.meta
        for o in scan_site(site, PublishSettings(), compress=False, feed_index_html=True)
    }
    old = f"{SITE}category/5g/index.html"
    assert after[old].redirect == "/web/about/" and after[old].sha256 != before[old].sha256
    # a folder (no website) gets no redirect objects
    plain = scan_site(site, PublishSettings(), compress=False, feed_index_html=False)
    assert not any(o.meta.redirect for o in plain)
