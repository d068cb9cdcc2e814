"""The redirect table (`redirects.redirect_table`) in each host's own configuration language.

`sitegen redirects --format F` reads the table back from the build's `_redirects` (the
Netlify rendering, which holds every rule) and writes it for one host:

- `nginx`: a file to `include` in the site's `server { }` block: a `location` block per path,
  its query rules as `if ($arg_…)` inside it, 410 with the 410 page;
- `apache`: `.htaccess` for public/, the document root (mod_rewrite, `RewriteCond
  %{QUERY_STRING}`);
- `caddy`: a snippet to `import` in the site block of a Caddyfile;
- `cloudflare`: a Bulk Redirects CSV: exact paths to 301 only (see `CLOUDFLARE_CANNOT`);
- `s3`: a bucket website configuration (JSON) whose routing rules hold the path redirects.

Every path is re-checked here (`_checked`): a `_redirects` edited by hand, or by someone
else, cannot put a directive into a server's configuration. Each writer emits paths only
through the gate's escapes: `rule_path_encoded`, `nginx_string` or `pcre_literal`.

Every host serves public/ as it is at its root, where the site sits in its base path's folder
(`public/web/` for /web/): the table's full paths are the host's, nothing is stripped.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator

from sitegen import safepath
from sitegen.build.redirects import Redirect, netlify_text
from sitegen.errors import SitegenError

SLUG = ":slug"
# One path segment captured for a target: never a control character, space, `?` or `#` (a
# request's decoded `%0d%0a` must not reach a Location header).
SEGMENT = r"([^/?#\x00-\x20\x7f]+)"
# The rest of a path (`/index.php/*` -> `/:splat`): the same, `/` allowed.
SPLAT = r"([^?#\x00-\x20\x7f]*)"
HOLES = {SLUG: SEGMENT, "*": SPLAT, ":splat": SPLAT}
CLOUDFLARE_CANNOT = (
    "query-string rules (/?p=ID, /?page_id=ID, /?feed=…), 410 Gone, 200 rewrites and "
    "rules with a placeholder (:slug, *)"
)
S3_CANNOT = "query-string rules, 410 Gone and rules with a placeholder (:slug, *)"


def _split(path: str) -> tuple[str, str, str] | None:
    """(before, placeholder, after) of a rule path with one placeholder, or None."""
    found = [h for h in HOLES if h in path]
    if not found:
        return None
    head, hole, tail = path.partition(found[0])
    return head, hole, tail


def table_from_netlify(text: str, source: str = "_redirects") -> list[Redirect]:
    """The redirect table from a `_redirects` file written by `redirects.render_redirects`."""
    return list(rules_from_netlify(text.splitlines(), source))


def rules_from_netlify(lines: Iterable[str], source: str = "_redirects") -> Iterator[Redirect]:
    """`table_from_netlify` one line at a time (an open file is such lines): for a reader that
    streams the table of a large site rather than hold it."""
    for number, line in enumerate(lines, 1):
        tokens = line.split()
        if not tokens or tokens[0].startswith("#"):
            continue
        where = f"{source}:{number}"
        query = tokens[1] if len(tokens) == 4 else ""
        if len(tokens) not in (3, 4) or (query and not _plain_query(query)):
            raise SitegenError("not a rule sitegen writes", where, "build again: `sitegen build`")
        src, target, code = tokens[0], tokens[-2], tokens[-1]
        status = code.rstrip("!")
        if status not in ("200", "301", "410"):
            raise SitegenError(f"status {code!r} is not one sitegen writes", where)
        rule = Redirect(_checked(src, where), _checked(target, where), int(status), query)
        yield Redirect(rule.source, rule.target, rule.status, query, code.endswith("!"))


def _plain_query(query: str) -> bool:
    """`p=42`, `page_id=7`, `feed=comments-rss2`: ASCII letters, digits, `_` in the key, `-`
    in the value only."""
    key, eq, value = query.partition("=")
    word = key.replace("_", "a") + value.replace("-", "a")
    return bool(eq and key and value) and word.isascii() and word.isalnum()


def _checked(path: str, where: str) -> str:
    """`path` if it is exactly what `rule_path` writes (a `:slug` pattern: ours, as written)."""
    parts = _split(path)
    plain = path if parts is None else parts[0] + "x" + parts[2]
    try:
        ok = plain.startswith("/") and "/" + safepath.rule_path(plain) == plain
    except safepath.UnsafePath as exc:
        raise SitegenError(f"a path refused for a server rule: {exc}", where) from None
    # One placeholder, and a splat only at the end (as Netlify allows it).
    if parts is not None and (_split(parts[2]) or (parts[1] == "*" and parts[2])):
        ok = False
    if not ok:
        raise SitegenError(f"a path refused for a server rule: {path!r}", where)
    return path


def left_out(fmt: str, rules: list[Redirect]) -> str:
    """What of the table a format cannot hold, in words ("" if it holds it all)."""
    cannot = {"cloudflare": CLOUDFLARE_CANNOT, "s3": S3_CANNOT}.get(fmt)
    if cannot is None:
        return ""
    count = len(rules) - len(_plain_redirects(rules))
    return f"{count} rules left out: {fmt} cannot express {cannot}" if count else ""


def render(fmt: str, rules: list[Redirect], base_url: str, base_path: str) -> str:
    """The table for host `fmt`, for the site at `base_url` whose base path is `base_path`
    ("/" or "/web/": its folder of public/ holds the 404 page a bucket website names)."""
    writer = WRITERS.get(fmt)
    if writer is None:
        raise SitegenError(f"no writer for {fmt!r}", hint=f"one of: {', '.join(WRITERS)}")
    return writer(rules, base_url, base_path)


# --- path forms --------------------------------------------------------------------------------


def _encoded(path: str) -> str:
    """`/a/b/` in the percent-encoded form every writer may emit as a target."""
    return "/" + safepath.rule_path_encoded(path)


def _decoded(path: str) -> str:
    return "/" + safepath.rule_path_decoded(path)


def _regex(path: str, start: str = "") -> str:
    """A pattern (`:slug`, a trailing `*`) or a plain path as an anchored PCRE; the placeholder
    is group 1.
    `start` (a prefix of `path`, the folder an .htaccess sits in) is left out."""
    body = path[len(start) :]
    parts = _split(body)
    if parts is None:
        return f"^{_literal(body)}$"
    head, hole, tail = parts
    return f"^{_literal(head)}{HOLES[hole]}{_literal(tail)}$"


def _raw_regex(path: str) -> str:
    """A pattern as a PCRE for the request as sent (path and query, percent-encoded): the
    placeholder is group 1, in the form the client wrote it."""
    parts = _split(path)
    assert parts is not None
    head, hole, tail = parts
    lit = [safepath.pcre_literal("/" + safepath.rule_path(p) if p else "") for p in (head, tail)]
    return f"^{lit[0]}{HOLES[hole]}{lit[1]}(?:\\?.*)?$"


def _literal(part: str) -> str:
    lead = "/" if part.startswith("/") else ""
    return safepath.pcre_literal(lead + safepath.rule_path_decoded(part))


def _target(path: str, slug: str) -> str:
    """A target with the captured slug put in with the host's syntax (`$1`, `{re.n.1}`)."""
    parts = _split(path)
    if parts is None:
        return _encoded(path)
    head, _, tail = parts
    return _encoded(head) + slug + ("/" + safepath.rule_path_encoded(tail) if tail else "")


def _header(what: str) -> list[str]:
    return [f"# Generated by sitegen: old WordPress URLs -> the mirror's pages ({what})."]


def _index_names(rules: list[Redirect]) -> list[str]:
    """The file names the 200 rules serve (`index.xml`): every 200 rule of the table maps a
    folder to a file in it, which a server's directory index does for all of them at once."""
    names = {"index.html": None}
    for rule in rules:
        if rule.status == 200:
            folder, _, name = rule.target.rpartition("/")
            if folder + "/" != rule.source or "/" in name:
                raise SitegenError(f"a 200 rule this host cannot express: {rule.source}")
            names[name] = None
    return [safepath.check_name(n) for n in names]


# --- nginx -------------------------------------------------------------------------------------


def nginx(rules: list[Redirect], base_url: str, base_path: str) -> str:
    out = _header("nginx: `include` this file inside the site's server { } block")
    out.append(f"index {' '.join(_index_names(rules))};")
    out.append(f"error_page 404 {_not_found(base_path)};")
    # One block per location (nginx refuses a location twice): a path's query rules (`if`)
    # first, then its unconditional rule, in table order; the first that applies answers.
    blocks: dict[str, list[str]] = {}
    for rule in rules:
        if rule.status == 200:
            continue
        if rule.pattern and rule.status != 410:
            # The location matches the decoded path; the target takes the placeholder from the
            # request as sent (`$request_uri`, still percent-encoded), so a Location is ASCII.
            where = "~ " + safepath.nginx_string(_regex(rule.source))
            raw = safepath.nginx_string(_raw_regex(rule.source))
            to = _target(rule.target, "$1")
            blocks.setdefault(where, []).append(
                f"if ($request_uri ~ {raw}) {{ return {rule.status} {to}; }}"
            )
            continue
        where = (
            "~ " + safepath.nginx_string(_regex(rule.source))
            if rule.pattern
            else ("= " + safepath.nginx_string(_decoded(rule.source)))
        )
        to = _encoded(rule.target)
        if rule.query:
            key, _, value = rule.query.partition("=")
            cond = f"$arg_{key} = {safepath.nginx_string(value)}"
            blocks.setdefault(where, []).append(f"if ({cond}) {{ return {rule.status} {to}; }}")
        elif rule.status == 410:
            blocks.setdefault(where, []).append(f"error_page 410 {to}; return 410;")
        else:
            blocks.setdefault(where, []).append(f"return {rule.status} {to};")
    for where, body in blocks.items():
        if len(body) == 1:
            out.append(f"location {where} {{ {body[0]} }}")
        else:
            ifs = [line for line in body if line.startswith("if ")]
            rest = [line for line in body if not line.startswith("if ")][:1]
            out += [f"location {where} {{", *(f"    {line}" for line in ifs + rest), "}"]
    return "\n".join(out) + "\n"


# --- Apache ------------------------------------------------------------------------------------


def apache(rules: list[Redirect], base_url: str, base_path: str) -> str:
    out = _header("Apache: .htaccess in public/ (the document root); needs AllowOverride All")
    out.append(f"DirectoryIndex {' '.join(_index_names(rules))}")
    out.append(f"ErrorDocument 404 {_not_found(base_path)}")
    gone = {r.target for r in rules if r.status == 410}
    out += [f"ErrorDocument 410 {_apache_target(t)}" for t in sorted(gone)]
    out.append("RewriteEngine On")
    for rule in rules:
        if rule.status == 200:
            continue
        if rule.query:
            key, _, value = rule.query.partition("=")
            pair = safepath.pcre_literal(f"{key}={value}")
            out.append(f"RewriteCond %{{QUERY_STRING}} (^|&){pair}(&|$)")
        # In an .htaccess, a pattern matches the path less the folder's own: here the root's "/".
        pattern = _regex(rule.source, "/")
        if rule.status == 410:
            out.append(f"RewriteRule {pattern} - [G,L]")
        else:
            to = _apache_target(rule.target, "$1")
            # B: a back-reference is the decoded path; escaped again (all but `/`) it is a
            # Location in ASCII, never raw UTF-8 or a space.
            flags = f"R={rule.status},L,NE,QSD" + (",B,BNE=/" if rule.pattern else "")
            out.append(f"RewriteRule {pattern} {to} [{flags}]")
    return "\n".join(out) + "\n"


def _apache_target(path: str, slug: str = "") -> str:
    # `%N` is a back-reference in a substitution: an encoded `%20` must be written `\%20`.
    return _target(path, "\x00").replace("%", "\\%").replace("\x00", slug)


# --- Caddy -------------------------------------------------------------------------------------


def caddy(rules: list[Redirect], base_url: str, base_path: str) -> str:
    out = _header("Caddy: `import` this file inside the site's block, before file_server")
    gone: list[str] = []
    for n, rule in enumerate(rules):
        name = f"sitegen{n}"
        if rule.query:
            key, _, value = rule.query.partition("=")
            query = f"{key}={safepath.rule_path_encoded(value)}"
            out.append(f"@{name} {{\n    path {_published(rule.source)}\n    query {query}\n}}")
        elif rule.pattern:
            # On the request as sent (`{http.request.uri}`, percent-encoded): the placeholder
            # goes into the target as the client wrote it, ASCII.
            out.append(f"@{name} vars_regexp {name} {{http.request.uri}} {_raw_regex(rule.source)}")
        elif rule.status == 410:
            gone.append(_published(rule.source))
            continue
        else:
            out.append(f"@{name} path {_published(rule.source)}")
        to = _target(rule.target, f"{{re.{name}.1}}")
        if rule.status == 200 and not rule.pattern and _caddy_token(_decoded(rule.target)):
            # A rewrite names a file, and Caddy's file_server looks up the rewritten URI's
            # path as written: `%e2%82%b9` would be looked up as those nine bytes, not as `₹`.
            to = _decoded(rule.target)
        verb = "rewrite" if rule.status == 200 else "redir"
        out.append(f"{verb} @{name} {to}" + ("" if rule.status == 200 else f" {rule.status}"))
    pages = {r.target for r in rules if r.status == 410}
    # One handle_errors for the whole site: each error answers with its own page, the site's
    # (a 404 under /web/ with /web/404.html, not the 410 page nor Caddy's empty body).
    out.append("handle_errors {")
    if gone and len(pages) == 1:
        out.insert(-1, f"@sitegen_gone path {' '.join(gone)}")
        out.insert(-1, "error @sitegen_gone 410")
        out.append("    @sitegen_410 expression {err.status_code} == 410")
        out.append(f"    rewrite @sitegen_410 {_encoded(pages.pop())}")
    out.append("    @sitegen_404 expression {err.status_code} == 404")
    out.append(f"    rewrite @sitegen_404 {_not_found(base_path)}")
    out.append("    file_server")
    out.append("}")
    return "\n".join(out) + "\n"


def _not_found(base_path: str) -> str:
    """The site's own 404 page, in its base path's folder of public/ (checked like a rule's
    target: the base path is the user's, but it reaches a server's configuration)."""
    return _encoded(_checked(base_path + "404.html", "base_url"))


def _caddy_token(text: str) -> bool:
    """Whether `text` is one plain Caddyfile token: nothing that quotes, escapes, opens a
    placeholder or a comment, or ends the token (else the encoded form is kept)."""
    return not any(c.isspace() or c in "{}\"'#`<>\\;*" or ord(c) < 32 for c in text)


def _published(path: str) -> str:
    """A source path as the site's links spell it (`rule_path`): Caddy matches a pattern that
    holds `%XX` against the request's escaped path, byte for byte, so `;` must stay `;`.
    Nothing `rule_path` leaves unencoded means anything inside a Caddyfile token that starts
    with `/` (no quote, brace, `#`, `*`, `<` or space)."""
    return "/" + safepath.rule_path(path)


# --- Cloudflare Bulk Redirects, S3 website routing rules ----------------------------------------


def _plain_redirects(rules: list[Redirect]) -> list[Redirect]:
    return [r for r in rules if r.status == 301 and not r.query and not r.pattern]


def cloudflare(rules: list[Redirect], base_url: str, base_path: str) -> str:
    """Bulk Redirects' CSV (source URL without scheme, target URL, status); a Bulk Redirect
    List cannot express the rest of the table: its rules are left to the Pages `_redirects`
    or a Worker."""
    host = base_url.split("://", 1)[-1].split("/", 1)[0]
    scheme = base_url.split("://", 1)[0]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for rule in _plain_redirects(rules):
        target = f"{scheme}://{host}{_encoded(rule.target)}"
        writer.writerow([host + _encoded(rule.source), target, "301"])
    return buf.getvalue()


def s3(rules: list[Redirect], base_url: str, base_path: str) -> str:
    """A bucket website configuration: index and error documents, and a routing rule per path
    redirect (keys are public/'s, the bucket's root: `web/old/` with a base path; AWS allows
    50 rules, the object redirects `sitegen publish` sets cover the rest)."""
    routing = []
    for rule in _plain_redirects(rules):
        # A bucket's keys are the decoded paths (the files' names), as S3 decodes a request.
        key = _decoded(rule.source)[1:]
        to = _decoded(rule.target)[1:]
        routing.append(
            {
                "Condition": {"KeyPrefixEquals": key},
                "Redirect": {"ReplaceKeyWith": to, "HttpRedirectCode": "301"},
            }
        )
    # The 404 page is the site's, in the site's folder of the bucket (public/web/404.html).
    error_key = safepath.site_folder(base_path) + "404.html"
    doc = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": error_key},
        "RoutingRules": routing,
    }
    return json.dumps(doc, indent=2, ensure_ascii=True) + "\n"


def netlify(rules: list[Redirect], base_url: str, base_path: str) -> str:
    return netlify_text(rules)


WRITERS: dict[str, Callable[[list[Redirect], str, str], str]] = {
    "netlify": netlify,
    "nginx": nginx,
    "apache": apache,
    "caddy": caddy,
    "cloudflare": cloudflare,
    "s3": s3,
}
