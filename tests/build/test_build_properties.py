"""Properties of whole builds (hypothesis): any small site builds without a problem, every page
is at its path, no internal link is broken, the sitemap is valid, and titles stay text."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from sitegen.build.options import BuildOptions, InMemory
from sitegen.build.orchestrator import build_site
from sitegen.build.output import MemorySink
from sitegen.checks.links import check_links
from sitegen.checks.sitemap import check_sitemap
from sitegen.content import dump_document
from sitegen.safepath import output_file

BASE = "https://mirror.example/sub/"
FOLDER = "sub/"  # the folder of the output the site sits in for BASE's path
IST = timezone(timedelta(hours=5, minutes=30))
CATEGORIES = [("news", ""), ("telecom", ""), ("5g", "telecom"), ("mmwave", "5g")]
TAGS = ["ai", "spectrum", quote("स्पेक्ट्रम").lower(), "x"]
SITE_YAML = (
    "name: Prop\nhome: https://orig.example/\ntimezone: Asia/Kolkata\n"
    "categories:\n"
    + "".join(f"- {{slug: '{s}', name: 'C {s}', parent: '{p}'}}\n" for s, p in CATEGORIES)
    + "tags:\n"
    + "".join(f"- {{slug: '{t}', name: 'T {i}'}}\n" for i, t in enumerate(TAGS))
)

slug_text = st.text(alphabet="abcdefgxyz-0123456789हिंदी", min_size=1, max_size=12).filter(
    lambda s: s.strip("-") == s
)
post = st.fixed_dictionaries(
    {
        "title": st.text(
            st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
        ).filter(lambda t: t.strip()),
        "slug": slug_text,
        "minutes": st.integers(min_value=0, max_value=3 * 365 * 24 * 60),
        "categories": st.lists(st.sampled_from([c for c, _ in CATEGORIES]), unique=True),
        "tags": st.lists(st.sampled_from(TAGS), unique=True),
        "sticky": st.booleans(),
        "body": st.sampled_from(["Text.", "See [the home](/).", "| a |\n|---|\n| 1 |", ""]),
    }
)


def write_site(root: Path, posts: list[dict[str, object]], per_page: int) -> list[str]:
    (root / "content/posts").mkdir(parents=True)
    (root / "content/_site.yaml").write_text(SITE_YAML)
    (root / "sitegen.toml").write_text(f'base_url = "{BASE}"\nposts_per_page = {per_page}\n')
    paths = []
    for i, p in enumerate(posts):
        date = datetime(2021, 1, 1, tzinfo=IST) + timedelta(minutes=int(p["minutes"]))  # type: ignore[call-overload]
        path = f"{date:%Y/%m/%d}/{quote(str(p['slug'])).lower()}-{i}/"
        paths.append(path)
        meta = {
            "title": p["title"], "date": date, "path": path, "sticky": p["sticky"],
            "author": {"slug": "desk", "name": "Desk"},
            "categories": [{"slug": c} for c in p["categories"]],  # type: ignore[attr-defined]
            "tags": [{"slug": t} for t in p["tags"]],  # type: ignore[attr-defined]
        }  # fmt: skip
        (root / f"content/posts/{i}.md").write_text(dump_document(meta, str(p["body"])))
    return paths


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posts=st.lists(post, min_size=1, max_size=12), per_page=st.integers(1, 4))
def test_any_small_site_builds_clean(posts: list[dict[str, object]], per_page: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="sitegen-prop-"))
    try:
        paths = write_site(root, posts, per_page)
        sink = MemorySink()
        report = build_site(root, BuildOptions(strict=True, target=InMemory(sink)))
        assert not report.problems.items, report.problems.render()
        # Links resolved as a server at the output's root does; the rest in the site's folder.
        assert check_links(sink.files, "/") == []
        assert sorted({k.split("/")[0] for k in sink.files}) == ["_headers", "_redirects", "sub"]
        files = {k[len(FOLDER) :]: v for k, v in sink.files.items() if k.startswith(FOLDER)}
        assert all(output_file(p) in files for p in paths)
        assert check_sitemap(files, BASE) == []
        for i, p in enumerate(posts):  # the title is text, escaped, whatever it holds
            html = files[output_file(paths[i])].decode()
            title = escape(str(p["title"]))
            assert f'<h1 class="post-title p-name" dir="auto">{title}</h1>' in html
    finally:
        shutil.rmtree(root)
