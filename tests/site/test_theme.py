"""The default theme and theme overrides: every template renders, overrides fall back to the
default one template at a time, template errors name the template and line."""

from __future__ import annotations

from pathlib import Path

from builtsite import built_root

from sitegen.build.orchestrator import build_site
from sitegen.build.render import DEFAULT_THEME

POST = "2023/09/01/x-wont-use-users-private-data/index.html"


def use_theme(site: Path, templates: dict[str, str]) -> None:
    folder = site / "themes" / "mine" / "templates"
    for name, text in templates.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    config = site / "sitegen.toml"
    config.write_text('theme = "mine"\n' + config.read_text())


def test_every_template_is_rendered_by_the_fixture_build(site: Path) -> None:
    report = build_site(site)
    assert report.committed, report.problems.render()
    used = {job.template for job in report.jobs if job.template}
    layouts = {"base.html", "list.html"}  # extended by the others, never rendered alone
    templates = {
        p.relative_to(DEFAULT_THEME / "templates").as_posix()
        for p in (DEFAULT_THEME / "templates").rglob("*.html")
        if "_partials" not in p.parts
    }
    assert templates - layouts == used
    for name in used:  # and each produced at least one page with the shared frame
        job = next(j for j in report.jobs if j.template == name)
        html = (site / "public" / job.output).read_text()
        assert html.startswith('<!DOCTYPE html>\n<html lang="en">') and 'id="main"' in html


def test_override_extends_the_default_template(site: Path) -> None:
    use_theme(site, {"post.html": (
        '{% extends "default/post.html" %}\n'
        '{% block main %}<p class="mine">{{ post.title|upper }}</p>{{ super() }}{% endblock %}\n'
    )})  # fmt: skip
    report = build_site(site)
    assert report.committed, report.problems.render()
    html = (built_root(site) / POST).read_text()
    assert '<p class="mine">X WON’T USE USERS’ PRIVATE DATA' in html
    assert '<div class="e-content">' in html  # the default post template, via super()
    home = (built_root(site) / "index.html").read_text()
    assert 'class="mine"' not in home  # other templates still come from the default theme


def test_theme_static_overrides_default_asset(site: Path) -> None:
    (site / "themes/mine/static").mkdir(parents=True)
    (site / "themes/mine/static/style.css").write_text("body { color: red }\n")
    (site / "themes/mine/templates").mkdir(parents=True)
    (site / "sitegen.toml").write_text('theme = "mine"\n' + (site / "sitegen.toml").read_text())
    assert build_site(site).committed
    [sheet] = (built_root(site) / "assets").glob("style.*.css")
    assert sheet.read_text() == "body { color: red }\n"
    assert f'href="/web/assets/{sheet.name}"' in (built_root(site) / "index.html").read_text()


def test_undefined_variable_names_template_and_line_once(site: Path) -> None:
    use_theme(
        site,
        {
            "post.html": '{% extends "base.html" %}\n{% block main %}\n'
            "{{ post.titel }}\n{% endblock %}\n"
        },
    )
    report = build_site(site)
    assert not report.committed
    assert [p.render() for p in report.problems.errors] == [
        "themes/mine/templates/post.html:3: error: template: "
        "'sitegen.site.views.PostView object' has no attribute 'titel'\n"
        "  hint: fix the template; `sitegen build` names every broken one"
    ]  # one problem, although five posts use the template


def test_syntax_error_names_template_and_line(site: Path) -> None:
    use_theme(site, {"_partials/footer.html": "<footer>\n{% if %}\n</footer>\n"})
    report = build_site(site)
    rendered = report.problems.render()
    assert (
        "themes/mine/templates/_partials/footer.html:2: error: template: Expected an expression"
        in rendered
    )
    assert len(report.problems.errors) == 1


def test_featured_image_is_not_repeated_when_the_body_shows_it() -> None:
    from sitegen.site.views import shows_image

    body = '<p>x</p><figure><img src="/media/ab/photo-1024x683.jpg" alt=""></figure>'
    assert shows_image(body, "https://example.org/wp-content/uploads/2024/05/photo.jpg")
    assert shows_image(body, "/media/ab/photo-1024x683.jpg?ver=2")
    assert not shows_image(body, "https://example.org/wp-content/uploads/2024/05/photo-2.jpg")
    assert not shows_image("<p>no pictures</p>", "https://example.org/photo.jpg")


def test_share_links_are_plain_links_and_a_post_keeps_its_language(site: Path) -> None:
    assert build_site(site).committed
    post = (built_root(site) / POST).read_text()
    share = post.split('<nav class="share"', 1)[1].split("</nav>", 1)[0]
    url = "https%3A//news.example.org/web/2023/09/01/x-wont-use-users-private-data/"
    assert share.count("<a ") == 5 and "<script" not in share and "<img" not in share
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={url}"' in share
    assert "mailto:?subject=" in share and f"body={url}" in share
    hindi = built_root(site) / "2023/09/03/हिंदी-news/index.html"
    assert '<article class="post h-entry" lang="hi">' in hindi.read_text()
    assert 'lang="hi"' not in post


def test_a_bad_language_tag_is_an_error_naming_the_file(site: Path) -> None:
    hindi = site / "content/posts/2023/09/hindi.md"
    hindi.write_text(hindi.read_text().replace("language: hi", 'language: "hi\\" onload=x"'))
    report = build_site(site)
    assert not report.committed
    assert "language: not a language tag" in report.problems.render()
    assert "hindi.md" in report.problems.render()


def test_not_found_and_removed_pages_offer_search_and_the_latest_stories(site: Path) -> None:
    assert build_site(site).committed
    for name in ("404.html", "410.html"):
        page = (built_root(site) / name).read_text()
        assert 'action="/web/search/"' in page.split('error-page"')[1]
        latest = page.split('class="lost-latest"')[1]
        assert latest.count('<article class="card') == 5  # every post of the fixture
