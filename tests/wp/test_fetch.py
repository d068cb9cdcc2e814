"""The REST client against a scripted HTTP server on 127.0.0.1 (real sockets, real urllib)."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from fetch_server import Reply, serve

from sitegen import __version__
from sitegen.wp.fetch import (
    FetchError,
    FetchOptions,
    HttpClient,
    RestClient,
    api_link,
    iri_to_uri,
    retry_after_seconds,
)
from sitegen.wp.rawstore import RawStore, fetch_merged, fetch_pages

INDEX = {"name": "Test", "namespaces": ["wp/v2"], "routes": {}}


def client(base: str, waits: list[float] | None = None, **opts: object) -> RestClient:
    options = FetchOptions(**{"timeout": 2.0, "retries": 3, "backoff": 0.01, **opts})  # type: ignore[arg-type]
    record = waits.append if waits is not None else (lambda s: None)
    return RestClient(base + "/", HttpClient(options, sleep=record), api_root=base + "/wp-json/")


def scripted(*replies: Reply):  # type: ignore[no-untyped-def]
    queue = list(replies)
    return lambda path: queue.pop(0) if len(queue) > 1 else queue[0]


def test_429_waits_for_retry_after_then_succeeds() -> None:
    waits: list[float] = []
    answer = scripted(
        Reply(429, {"code": "too_many"}, {"Retry-After": "7"}), Reply(200, [{"id": 1}])
    )
    with serve(answer) as (base, seen):
        resp = client(base, waits).get("wp/v2/posts")
    assert resp.json() == [{"id": 1}]
    assert waits == [7.0]
    assert len(seen) == 2


def test_retry_after_as_http_date() -> None:
    later = datetime.now(UTC) + timedelta(seconds=90)
    wait = retry_after_seconds(format_datetime(later, usegmt=True))
    assert wait is not None and 80 < wait <= 90
    assert retry_after_seconds("soon") is None


def test_retry_after_is_capped_by_max_wait() -> None:
    waits: list[float] = []
    answer = scripted(Reply(503, "busy", {"Retry-After": "3600"}), Reply(200, []))
    with serve(answer) as (base, _):
        client(base, waits, max_wait=5.0).get("wp/v2/posts")
    assert waits == [5.0]


def test_5xx_is_retried_with_growing_backoff() -> None:
    waits: list[float] = []
    answer = scripted(Reply(502, "bad gateway"), Reply(500, "oops"), Reply(200, []))
    with serve(answer) as (base, seen):
        assert client(base, waits, backoff=1.0).get("wp/v2/posts").json() == []
    assert len(seen) == 3
    assert 0.75 <= waits[0] <= 1.25 and 1.5 <= waits[1] <= 2.5


def test_gives_up_after_the_retries() -> None:
    with (
        serve(lambda path: Reply(504, "gateway timeout")) as (base, seen),
        pytest.raises(FetchError, match=r"gave up after 4 attempts: HTTP 504"),
    ):
        client(base, retries=3).get("wp/v2/posts")
    assert len(seen) == 4


def test_time_out_is_retried() -> None:
    answer = scripted(Reply(200, [], delay=1.0), Reply(200, [{"id": 5}]))
    with serve(answer) as (base, seen):
        assert client(base, timeout=0.2).get("wp/v2/posts").json() == [{"id": 5}]
    assert len(seen) == 2


def test_dropped_connection_is_retried() -> None:
    answer = scripted(Reply(drop=True), Reply(200, [{"id": 6}]))
    with serve(answer) as (base, seen):
        assert client(base).get("wp/v2/posts").json() == [{"id": 6}]
    assert len(seen) == 2


def test_time_outs_forever_give_a_clear_error() -> None:
    with (
        serve(lambda path: Reply(200, [], delay=0.5)) as (base, _),
        pytest.raises(FetchError, match="gave up after 2 attempts: timed out"),
    ):
        client(base, timeout=0.1, retries=1).get("wp/v2/posts")


@pytest.mark.parametrize("status", [401, 403])
def test_unauthorized_is_a_clear_error_and_not_retried(status: int) -> None:
    body = {"code": "rest_cannot_access", "message": "Only authenticated users can access."}
    with serve(lambda path: Reply(status, body)) as (base, seen), pytest.raises(FetchError) as err:
        client(base).get("wp/v2/posts")
    assert f"HTTP {status}: the site refuses anonymous access (rest_cannot_access)" in str(
        err.value
    )
    assert "security plugin" in str(err.value)
    assert len(seen) == 1


def test_html_instead_of_json_is_a_clear_error() -> None:
    page = Reply(
        200, "<!DOCTYPE html>\n<html><body>Checking your browser", {"Content-Type": "text/html"}
    )
    with serve(lambda path: page) as (base, _), pytest.raises(FetchError) as err:
        client(base).get("wp/v2/posts").json()
    text = str(err.value)
    assert "not JSON (text/html; starts with '<!DOCTYPE html> <html>" in text
    assert "/wp-json/wp/v2/posts" in text and "hint:" in text


def test_json_after_a_bom_and_blank_lines_is_accepted() -> None:
    with serve(lambda path: Reply(200, b'\xef\xbb\xbf\n\n[{"id": 9}]')) as (base, _):
        assert client(base).get("wp/v2/posts").json() == [{"id": 9}]


def test_invalid_page_number_is_a_clear_error() -> None:
    body = {
        "code": "rest_post_invalid_page_number",
        "message": "The page number requested is larger",
    }
    with (
        serve(lambda path: Reply(400, body)) as (base, seen),
        pytest.raises(FetchError, match="rest_post_invalid_page_number") as err,
    ):
        client(base).get("wp/v2/posts", {"page": 9})
    assert "run the command again" in str(err.value)
    assert len(seen) == 1


def test_user_agent_names_sitegen_and_its_version() -> None:
    with serve(lambda path: Reply(200, [])) as (base, seen):
        client(base).get("wp/v2/posts")
    assert seen[0].headers["User-Agent"].startswith(f"sitegen/{__version__} (+https://")


def test_discovery_follows_the_link_header() -> None:
    def answer(path: str) -> Reply:
        if path == "/blog/":
            link = '<http://x/feed>; rel="alternate", <{root}>; rel="https://api.w.org/"'
            return Reply(
                200, "<html>", {"Content-Type": "text/html", "Link": link.format(root=api)}
            )
        if path == "/api/root/":
            return Reply(200, INDEX)
        return Reply(404, {"code": "rest_no_route"})

    with serve(answer) as (base, seen):
        api = base + "/api/root/"
        rest = RestClient(base + "/blog", HttpClient(FetchOptions(retries=0)))
        assert rest.discover() == api
        assert rest.url("wp/v2/posts", {"page": 2}) == api + "wp/v2/posts?page=2"
    assert [s.path for s in seen] == ["/blog/", "/api/root/"]


def test_discovery_falls_back_to_rest_route() -> None:
    def answer(path: str) -> Reply:
        if path == "/":
            return Reply(200, "<html>", {"Content-Type": "text/html"})
        if path == "/?rest_route=/":
            return Reply(200, INDEX)
        if path.startswith("/?rest_route=%2Fwp%2Fv2%2Fposts"):
            return Reply(200, [{"id": 3}])
        return Reply(404, "<html>not found</html>", {"Content-Type": "text/html"})

    with serve(answer) as (base, seen):
        rest = RestClient(base, HttpClient(FetchOptions(retries=0)))
        assert rest.discover() == base + "/?rest_route=/"
        assert rest.get("wp/v2/posts", {"page": 2, "per_page": 100}).json() == [{"id": 3}]
    assert seen[-1].path == "/?rest_route=%2Fwp%2Fv2%2Fposts&page=2&per_page=100"


def test_disabled_rest_api_is_a_clear_error() -> None:
    disabled = {"code": "rest_disabled", "message": "The REST API is disabled on this site."}
    with (
        serve(lambda path: Reply(200, "<html>") if path == "/" else Reply(404, disabled)) as (
            base,
            _,
        ),
        pytest.raises(FetchError) as err,
    ):
        RestClient(base, HttpClient(FetchOptions(retries=0))).discover()
    text = str(err.value)
    assert "no WordPress REST API found" in text
    assert "/wp-json/ -> HTTP 404" in text and "?rest_route=/ -> HTTP 404" in text


def test_api_link_header_parsing() -> None:
    assert (
        api_link(['<https://e.com/wp-json/>; rel="https://api.w.org/"']) == "https://e.com/wp-json/"
    )
    assert (
        api_link(
            [
                "<https://e.com/?p=1>; rel=shortlink",
                '<https://e.com/?rest_route=/>; rel="https://api.w.org/"',
            ]
        )
        == "https://e.com/?rest_route=/"
    )
    assert api_link(["<https://e.com/?p=1>; rel=shortlink"]) == ""


def test_iri_to_uri_encodes_only_what_urllib_refuses() -> None:
    assert iri_to_uri("http://h/wp-content/uploads/फ़ोटो (1).jpg?x=1&y=a b") == (
        "http://h/wp-content/uploads/%E0%A4%AB%E0%A4%BC%E0%A5%8B%E0%A4%9F%E0%A5%8B%20(1).jpg?x=1&y=a%20b"
    )
    assert iri_to_uri("http://h/a%20b/%e0%a4%95.jpg") == "http://h/a%20b/%e0%a4%95.jpg"


def posts_server(total: int, per_page: int, inflight: list[int] | None = None):  # type: ignore[no-untyped-def]
    pages = max(1, -(-total // per_page))
    lock = threading.Lock()
    state = {"now": 0}

    def answer(path: str) -> Reply:
        if inflight is not None:
            with lock:
                state["now"] += 1
                inflight.append(state["now"])
            time.sleep(0.05)
            with lock:
                state["now"] -= 1
        page = int(path.split("page=")[-1].split("&")[0])
        items = [{"id": i} for i in range((page - 1) * per_page, min(total, page * per_page))]
        return Reply(200, items, {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)})

    return answer


def test_fetch_pages_saves_each_page_and_resumes(tmp_path: Path) -> None:
    with serve(posts_server(250, 100)) as (base, seen):
        rest = client(base, per_page=100)
        store = RawStore(tmp_path)
        pages = fetch_pages(rest, store, "wp/v2/posts", {}, lambda n: f"posts-page-{n}.json")
        assert [len(p) for p in pages] == [100, 100, 50]
        assert len(seen) == 3
        assert json.loads((tmp_path / "posts-page-3.json").read_bytes())[0] == {"id": 200}
        log = (tmp_path / "headers.txt").read_text().splitlines()
        assert log[0].startswith("# URL\tstatus\tX-WP-Total\tX-WP-TotalPages\tfile")
        assert log[1].endswith("wp/v2/posts?per_page=100&page=1\t200\t250\t3\tposts-page-1.json")
        # An interrupted run: page 3 never arrived. The next run asks only for it.
        (tmp_path / "posts-page-3.json").unlink()
        again = fetch_pages(
            rest, RawStore(tmp_path), "wp/v2/posts", {}, lambda n: f"posts-page-{n}.json"
        )
        assert again == pages
        assert len(seen) == 4 and seen[-1].path.endswith("page=3")


def test_fetch_pages_respects_the_concurrency_limit(tmp_path: Path) -> None:
    inflight: list[int] = []
    with serve(posts_server(1000, 100, inflight)) as (base, seen):
        rest = client(base, per_page=100, jobs=3)
        pages = fetch_pages(rest, RawStore(tmp_path), "wp/v2/posts", {}, lambda n: f"p{n}.json")
    assert len(pages) == 10 and len(seen) == 10
    assert max(inflight) <= 3


def test_fetch_merged_writes_one_file(tmp_path: Path) -> None:
    with serve(posts_server(130, 100)) as (base, seen):
        items = fetch_merged(
            client(base, per_page=100), RawStore(tmp_path), "wp/v2/tags", {}, "tags.json"
        )
        assert len(items) == 130
        assert json.loads((tmp_path / "tags.json").read_bytes()) == items
        again = fetch_merged(
            client(base, per_page=100), RawStore(tmp_path), "wp/v2/tags", {}, "tags.json"
        )
        assert again == items and len(seen) == 2
