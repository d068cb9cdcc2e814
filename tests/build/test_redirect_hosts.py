"""The redirect table through real servers: Debian's nginx, Apache and Caddy, each started here
on 127.0.0.1 with the configuration `sitegen redirects` writes for the fixture site; every rule
is requested and its status and Location (or served file) checked.

scripts/test installs the servers; a missing one fails (a redirect format nobody ran is not
tested). The table walked is the fixture site's plus hostile paths: quotes, `;`, `$`, braces
and spaces that would end a directive if a writer let them through unescaped.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from serve_helpers import memory_builder, running
from testdata import CORPUS, FIXTURE_SITE

from sitegen.build import hostrules
from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.build.redirects import Redirect
from sitegen.wp.importer import ImportOptions, import_paths

BASE_URL = "https://news.example.org/web/"
ROOT = "/web/"
# Rule paths as `rule_path` writes them, each decoded to a character that means something to
# one server's config parser: a hostile slug must stay one literal path.
HOSTILE = (
    "/web/h%22;%20return%20200%20pwned;%7B/",  # nginx: end the string, add a directive
    "/web/h$uri$(x)'y,z@!/",  # variables and quotes left unencoded by rule_path
    "/web/h%20%5B%5D%25%7B%7D%2A/",  # spaces, regex and placeholder characters
    "/web/%e0%a4%b9%e0%a4%bf-h/",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module", params=["corpus", "fixture"])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[Path, list[Redirect]]]:
    """A world-readable folder (servers started as root drop to another user) that is a
    build's public/ as it is (the site in its `web/`, the host files at its root), and its
    table with the hostile rules added: the WordPress 6.1 dev corpus (imported), and the
    fixture site (aliases, a removed post, a child category, Hindi)."""
    top = Path(tempfile.mkdtemp(prefix="sitegen-hosts-"))
    top.chmod(0o755)
    site = top / "site"
    if request.param == "fixture":
        shutil.copytree(FIXTURE_SITE, site)
    else:
        imported = import_paths(site, [CORPUS], ImportOptions())
        assert not imported.failed, imported.errors.render()
    report = build_site(site, BuildOptions(overrides={"base_url": BASE_URL}))
    assert report.committed and not report.problems.errors, report.problems.render()
    shutil.move(site / "public", top / "docroot")
    text = (top / "docroot" / "_redirects").read_text(encoding="utf-8")
    rules = hostrules.table_from_netlify(text)
    rules += [Redirect(p, ROOT, 301) for p in HOSTILE]
    rules.append(Redirect("/web/gone%22;%20x/", "/web/410.html", 410))
    for path in top.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    yield top, rules
    shutil.rmtree(top, ignore_errors=True)


def _slug(root: Path, kind: str) -> str:
    """A slug that has a feed in the build, to fill a `:slug` rule with."""
    for folder in sorted((root / "web" / kind).iterdir()):
        if (folder / "feed").is_dir():
            return folder.name
    raise AssertionError(f"no {kind} with a feed in the fixture build")


def _wait(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(100):
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("server did not start")


def _get(port: int, path: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        got = conn.getresponse()
        return got.status, got.getheader("Location") or "", got.read()
    finally:
        conn.close()


def walk(port: int, docroot: Path, rules: list[Redirect], preview: bool = False) -> list[str]:
    """Every rule requested once; the ways it answered wrong. `preview`: sitegen serve, which
    adds its reload script to a page and, as Netlify, matches a splat without the trailing
    slash (the page answers both ways)."""
    slugs = {k: _slug(docroot, k) for k in ("category", "tag", "author")}
    # A splat (`/index.php/*`) is filled with a post's path, a Hindi one where there is one.
    posts = sorted((r.target for r in rules if r.query.startswith("p=")), key=lambda p: "%" in p)
    splat = posts[-1][len(ROOT) :]
    wrong = []
    for rule in rules:
        kind = rule.source[len(ROOT) :].split("/", 1)[0]
        source = rule.source.replace(":slug", slugs.get(kind, "")).replace("*", splat)
        target = rule.target.replace(":slug", slugs.get(kind, "")).replace(":splat", splat)
        request = f"{source}?{rule.query}" if rule.query else source
        status, location, body = _get(port, request)
        if rule.status == 301:
            where = unquote(urlsplit(location).path)
            if preview and rule.source.endswith("*"):
                where, target = where.rstrip("/"), target.rstrip("/")
            if status != 301 or where != unquote(target) or urlsplit(location).query:
                wrong.append(f"{request}: {status} {location!r}, not 301 {target}")
        else:
            want = (docroot / unquote(target).lstrip("/")).read_bytes()
            if preview and want.startswith(b"<!DOCTYPE"):
                body, want = body[:200], want[:200]
            if status != rule.status or body != want:
                wrong.append(f"{request}: {status}, not {rule.status} with {target}")
    # And nothing else moved: a page, a missing page, the home.
    # and a list's page past its last is a 404, as in WordPress
    not_found = (docroot / ROOT.lstrip("/") / "404.html").read_bytes()
    for path, want_status in (("/web/no-such-page/", 404), (ROOT, 200), ("/web/page/999/", 404)):
        status, _, body = _get(port, path)
        if status != want_status:
            wrong.append(f"{path}: {status}, not {want_status}")
        elif status == 404 and not preview and body != not_found:
            wrong.append(f"{path}: 404 without the site's 404 page")
    return wrong


def _need(program: str) -> str:
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/usr/bin")
    assert found, f"{program} is not installed: `bash scripts/test` installs it (apt-get)"
    return found


@contextmanager
def _run(cmd: list[str], port: int, log: Path, env: dict[str, str] | None = None) -> Iterator[int]:
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        _wait(port, proc, log)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _render(fmt: str, rules: list[Redirect]) -> str:
    return hostrules.render(fmt, rules, BASE_URL, ROOT)


def test_nginx_answers_every_rule(served: tuple[Path, list[Redirect]]) -> None:
    top, rules = served
    nginx = _need("nginx")
    prefix = top / "nginx"
    prefix.mkdir(exist_ok=True)
    (prefix / "redirects.conf").write_text(_render("nginx", rules), encoding="utf-8")
    port = _free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    server {{
        listen 127.0.0.1:{port};
        root {top}/docroot;
        include {prefix}/redirects.conf;
    }}
}}
""",
        encoding="utf-8",
    )
    cmd = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
    cmd += ["-g", "daemon off;"]
    with _run(cmd, port, prefix / "out.log"):
        wrong = walk(port, top / "docroot", rules)
        assert wrong == [], "\n".join(wrong)


APACHE_MODULES = ("mpm_event", "authz_core", "dir", "mime", "rewrite", "alias")


def test_apache_answers_every_rule(served: tuple[Path, list[Redirect]]) -> None:
    top, rules = served
    apache = _need("apache2")
    conf = top / "apache"
    conf.mkdir(exist_ok=True)
    (top / "docroot" / ".htaccess").write_text(_render("apache", rules), "utf-8")
    port = _free_port()
    modules = "\n".join(
        f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so" for m in APACHE_MODULES
    )
    (conf / "httpd.conf").write_text(
        f"""{modules}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {conf}/httpd.pid
DefaultRuntimeDir {conf}
ErrorLog {conf}/error.log
LogLevel warn
TypesConfig /etc/mime.types
User www-data
Group www-data
DocumentRoot {top}/docroot
<Directory {top}/docroot>
    Options FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
""",
        encoding="utf-8",
    )
    cmd = [apache, "-f", str(conf / "httpd.conf"), "-DFOREGROUND"]
    try:
        with _run(cmd, port, conf / "out.log"):
            wrong = walk(port, top / "docroot", rules)
            assert wrong == [], (conf / "error.log").read_text(errors="replace")[-3000:]
    finally:
        (top / "docroot" / ".htaccess").unlink()


def test_caddy_answers_every_rule(served: tuple[Path, list[Redirect]]) -> None:
    top, rules = served
    caddy = _need("caddy")
    conf = top / "caddy"
    conf.mkdir(exist_ok=True)
    (conf / "redirects.caddy").write_text(_render("caddy", rules), encoding="utf-8")
    port = _free_port()
    (conf / "Caddyfile").write_text(
        f"""{{
    admin off
    auto_https off
}}
http://127.0.0.1:{port} {{
    root * {top}/docroot
    import {conf}/redirects.caddy
    file_server
}}
""",
        encoding="utf-8",
    )
    env = {**os.environ, "XDG_DATA_HOME": str(conf), "XDG_CONFIG_HOME": str(conf)}
    env["HOME"] = str(conf)
    cmd = [caddy, "run", "--config", str(conf / "Caddyfile"), "--adapter", "caddyfile"]
    with _run(cmd, port, conf / "out.log", env):
        wrong = walk(port, top / "docroot", rules)
        assert wrong == [], "\n".join(wrong)


def test_netlify_form_answers_every_rule_in_the_preview(
    served: tuple[Path, list[Redirect]],
) -> None:
    """`_redirects` as `sitegen serve` applies it, the way Netlify does (Netlify itself cannot
    run here): the same walk, the same answers."""
    top, rules = served
    root = top / "docroot"
    files = (p for p in root.rglob("*") if p.is_file())
    outputs = {p.relative_to(root).as_posix(): p.read_bytes() for p in files}
    outputs["_redirects"] = _render("netlify", rules).encode()
    with running(memory_builder(outputs)) as preview:
        port = int(preview.server.server_address[1])
        wrong = walk(port, top / "docroot", rules, preview=True)
        assert wrong == [], "\n".join(wrong)
