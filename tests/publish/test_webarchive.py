"""`sitegen archive --format wacz|warc` on the real WordPress 6.1 corpus
(tests/fixtures/wp-local-dev): the WACZ passes `wacz validate`, a real pywb started here
replays every post, page, feed and the search page with the bytes of public/, an alias as a
301 to its new URL, a removed post as a 410; two builds of the same content give the same
bytes."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from builtsite import built_root
from click.testing import CliRunner
from publish_support import drop_bucket, new_bucket, s3_client, s3_endpoint
from testdata import CORPUS

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.cli import main as cli
from sitegen.content import split_document
from sitegen.errors import Problems
from sitegen.publish.local import LocalStore
from sitegen.publish.store import StoreOptions, open_store
from sitegen.publish.webarchive import store_web_archive, validate_wacz
from sitegen.wp.importer import ImportOptions, import_paths

MIRROR = "http://127.0.0.1:8000/mirror/"
ALIAS = "2001/01/01/the-old-slug/"
GONE = "2022/12/31/a-removed-post/"
BIN = Path(sys.executable).parent


def _make_site(site: Path) -> Path:
    """The corpus imported, one post given an old path, one removed post; built for MIRROR."""
    imported = import_paths(site, [CORPUS], ImportOptions())
    assert not imported.failed, imported.errors.render()
    post = sorted((site / "content" / "posts").rglob("*.md"))[0]
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("\ntype: post\n", f"\ntype: post\naliases: [{ALIAS}]\n", 1))
    (site / "content" / "_gone.yaml").write_text(
        f"- {{path: {GONE}, wp_id: 999999, removed: 2026-11-28}}\n", encoding="utf-8"
    )
    report = build_site(site, BuildOptions(overrides={"base_url": MIRROR}, strict=True))
    assert report.committed and not report.problems.items, report.problems.render()
    return site


def _wacz(site: Path, store: Path, name: str, fmt: str = "wacz") -> Path:
    problems = Problems()
    result = store_web_archive(
        LocalStore(store), fmt, site / "public", MIRROR, name, problems, env={}
    )
    assert not problems.items, problems.render()
    return store / result.key


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_site(tmp_path_factory.mktemp("wacz-site"))


@pytest.fixture(scope="module")
def wacz(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _wacz(site, tmp_path_factory.mktemp("wacz-store"), "one")


def _aliased_post(site: Path) -> str:
    post = sorted((site / "content" / "posts").rglob("*.md"))[0]
    meta, _, _ = split_document(post.read_text(encoding="utf-8"), str(post))
    return str(meta["path"])


def test_wacz_validates_and_lists_every_post_and_page(site: Path, wacz: Path) -> None:
    assert validate_wacz(wacz)
    with zipfile.ZipFile(wacz) as zf:
        names = set(zf.namelist())
        lines = zf.read("pages/pages.jsonl").decode().splitlines()
        package = json.loads(zf.read("datapackage.json"))
    assert {"datapackage.json", "pages/pages.jsonl", "indexes/index.cdx.gz"} <= names
    assert any(n.startswith("archive/") and n.endswith(".warc.gz") for n in names)
    assert {r["path"] for r in package["resources"]} >= {"pages/pages.jsonl"}
    assert all(r["hash"].startswith("sha256:") for r in package["resources"])
    pages = {unquote(p["url"]): p for p in map(json.loads, lines[1:])}
    docs = {}
    for path in (site / "content").rglob("*.md"):
        meta, _, _ = split_document(path.read_text(encoding="utf-8"), str(path))
        docs[unquote(MIRROR + str(meta["path"]))] = meta
    assert set(pages) == set(docs)
    for url, page in pages.items():
        assert page["title"].startswith(docs[url]["title"]), url
        assert page["date"] == str(docs[url]["date"]), url


def test_a_tampered_wacz_fails_validation(wacz: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.wacz"
    with zipfile.ZipFile(wacz) as src, zipfile.ZipFile(bad, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "pages/pages.jsonl":
                data = data.replace(b'"title": "', b'"title": "X', 1)
            out.writestr(info, data)
    assert not validate_wacz(bad)


def test_two_builds_give_the_same_bytes(
    site: Path, wacz: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = _make_site(tmp_path_factory.mktemp("wacz-site-again"))
    store = tmp_path_factory.mktemp("wacz-store-again")
    assert _wacz(again, store, "one").read_bytes() == wacz.read_bytes()
    warc = _wacz(site, store, "w", "warc")
    assert warc.read_bytes() == _wacz(again, store, "w2", "warc").read_bytes()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pywb(wacz: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real pywb on 127.0.0.1 with the WACZ added to a collection; its replay prefix."""
    if not (BIN / "wayback").exists():
        pytest.skip("pywb is not installed (the test extra installs it)")
    home = tmp_path_factory.mktemp("pywb")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    run = {"cwd": home, "env": env, "check": True, "capture_output": True}
    subprocess.run([str(BIN / "wb-manager"), "init", "site"], **run)  # type: ignore[call-overload]
    subprocess.run(  # type: ignore[call-overload]
        [str(BIN / "wb-manager"), "add", "site", "--unpack-wacz", str(wacz)], **run
    )
    port = _free_port()
    log = open(home / "pywb.log", "wb")  # noqa: SIM115 - open while the server runs
    server = subprocess.Popen(
        [str(BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=home,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail((home / "pywb.log").read_text(errors="replace"))
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/site/20251102151435id_/"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with _OPENER.open(url, timeout=30) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def _replayed(site: Path) -> list[str]:
    """Every post and page, every feed and the search page: the files public/ serves them from
    (in the site's folder of public/: mirror/ for MIRROR's path)."""
    public = built_root(site, MIRROR)
    keys = ["search/index.html"]
    for path in (site / "content").rglob("*.md"):
        meta, _, _ = split_document(path.read_text(encoding="utf-8"), str(path))
        keys.append(unquote(str(meta["path"])) + "index.html")
    for feed in public.rglob("index.*"):
        if feed.suffix in (".xml", ".json") and "search" not in feed.parts:
            keys.append(feed.relative_to(public).as_posix())
    return keys


def test_pywb_replays_every_post_page_feed_and_search(site: Path, pywb: str) -> None:
    keys = _replayed(site)
    assert len([k for k in keys if k.endswith(".xml")]) > 10
    folders = 0
    for key in keys:
        path = key[: -len("index.html")] if key.endswith("index.html") else key
        status, headers, body = _get(pywb + MIRROR + quote(path))
        assert status == 200, key
        assert body == (built_root(site, MIRROR) / key).read_bytes(), key
        if key.endswith(".xml"):
            assert headers["Content-Type"].startswith("application/"), key
        folder = key.rpartition("/")[0]
        feed = key.endswith(("/index.xml", "/index.json"))
        if feed and not (built_root(site, MIRROR) / folder / "index.html").exists():  # /feed/
            status, headers, body = _get(pywb + MIRROR + quote(folder) + "/")
            assert (status, body) == (200, (built_root(site, MIRROR) / key).read_bytes()), folder
            folders += 1
    assert folders > 10


def test_pywb_replays_an_alias_as_301_and_a_removed_post_as_410(site: Path, pywb: str) -> None:
    status, headers, _ = _get(pywb + MIRROR + ALIAS)
    assert status == 301
    assert headers["Location"].endswith(MIRROR + _aliased_post(site))
    status, _, body = _get(pywb + MIRROR + GONE)
    assert status == 410
    assert body == (built_root(site, MIRROR) / "410.html").read_bytes()


def test_cli_writes_both_formats_and_lists_them(site: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "arch")
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    for fmt in ("wacz", "warc"):
        done = runner.invoke(cli, ["--site", str(site), "archive", store, "--format", fmt], env=env)
        assert done.exit_code == 0, done.output
    again = runner.invoke(cli, ["--site", str(site), "archive", store, "--format", "wacz"], env=env)
    assert again.exit_code == 1 and "never overwritten" in again.output
    listed = runner.invoke(cli, ["--site", str(site), "archive", "list", store])
    assert "webarchives/2023-11-14T221320Z.wacz" in listed.output
    assert "webarchives/2023-11-14T221320Z.warc.gz" in listed.output
    shutil.rmtree(tmp_path / "arch")


@pytest.mark.s3
def test_s3_gets_the_same_bytes_as_a_folder(site: Path, wacz: Path) -> None:
    """Put from the temporary file in pieces (`put_file`): the object is the folder's WACZ."""
    endpoint = s3_endpoint()
    bucket = new_bucket(endpoint)
    try:
        store = open_store(f"s3://{bucket}/arch", StoreOptions(endpoint_url=endpoint))
        problems = Problems()
        result = store_web_archive(store, "wacz", site / "public", MIRROR, "one", problems, {})
        assert not problems.items, problems.render()
        got = s3_client(endpoint).get_object(Bucket=bucket, Key=f"arch/{result.key}")
        assert got["Body"].read() == wacz.read_bytes()
        assert got["ContentType"] == "application/wacz"
    finally:
        drop_bucket(endpoint, bucket)
