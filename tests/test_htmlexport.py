"""coursekit.render.htmlexport: offline pages, figures with captions, MathML, site assets, index.

The last test opens rendered pages in headless Chromium with every request
that is not a local file refused, as a reader with no network would.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from coursekit.render import htmlexport as hx
from coursekit.render import run as render
from tests.test_render import COURSE

PLOTLY = "application/vnd.plotly.v1+json"
WIDGET = "application/vnd.jupyter.widget-view+json"


def test_live_note_matches_the_explorers():
    from coursekit.course.widgets import LIVE_NOTE

    assert hx.LIVE_NOTE == LIVE_NOTE


@pytest.mark.parametrize("cells, metadata, expected", [
    (["intro", "# 02 · *Measuring* `motives` [here](x.html)\n\ntext"], {},
     "02 · Measuring motives here"),
    (["no heading here", "## Second level first\n# later"], {}, "Second level first"),
    (["plain"], {"title": "From metadata"}, "From metadata"),
    (["plain"], {}, "fallback"),
])
def test_notebook_title(cells, metadata, expected):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(c) for c in cells],
                                  metadata=metadata)
    assert hx.notebook_title(nb, "fallback") == expected


def test_figure_html_escapes_what_could_end_the_script():
    spec = {"data": [{"type": "bar", "name": "</script><script>alert(1)</script>"}],
            "layout": {"height": 321, "title": {"text": "a & b"}}, "config": {}}
    out = hx.figure_html(spec, 'Caption with <b> & "quotes"', "f1", live=True)
    assert out.count("</script>") == 1 and "<script>alert" not in out
    assert "height:321px" in out
    assert '<figcaption class="ck-caption">Caption with &lt;b&gt; &amp; &quot;quotes&quot;' in out
    assert hx.LIVE_NOTE in out
    payload = re.search(r"var a=(.*?);if\(window\.Plotly\)", out).group(1)
    assert json.loads(payload)[0][0]["name"] == "</script><script>alert(1)</script>"


def test_convert_figures_turns_each_output_kind_into_html():
    fig = {"data": [{"type": "bar", "y": [1, 2]}], "layout": {}}
    outputs = [
        nbformat.v4.new_output("display_data", {PLOTLY: fig, "text/plain": "Static caption"}),
        nbformat.v4.new_output("display_data", {
            WIDGET: {"model_id": "abc", "version_major": 2, "version_minor": 0},
            PLOTLY: fig, "text/plain": f"Live caption\n{hx.LIVE_NOTE}"}),
        nbformat.v4.new_output("display_data", {
            WIDGET: {"model_id": "def", "version_major": 2, "version_minor": 0},
            "text/plain": "IntSlider(value=1)"}),
        nbformat.v4.new_output("stream", text="plain text stays\n"),
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=outputs)],
                                  metadata={"widgets": {"state": "big"}})
    assert hx.convert_figures(nb) == 2
    first, second, third, fourth = nb.cells[0].outputs
    assert list(first.data) == ["text/html"] and "Static caption" in first.data["text/html"]
    assert hx.LIVE_NOTE not in first.data["text/html"]
    html = second.data["text/html"]
    assert "Live caption</figcaption>" in html and html.count(hx.LIVE_NOTE) == 1
    assert list(third.data) == ["text/html"] and hx.WIDGET_NOTE in third.data["text/html"]
    assert fourth.text == "plain text stays\n"
    assert "widgets" not in nb.metadata


def test_tex_becomes_mathml_or_stays_readable():
    assert hx.tex_to_mathml(r"\frac{k}{k-1}", display=True).startswith("<math")
    assert 'display="block"' in hx.tex_to_mathml("x^2", display=True)
    assert hx.tex_to_mathml(r"\frac{", display=False) == r'<code class="ck-tex">\frac{</code>'


def test_site_assets_are_written_once(tmp_path):
    js, css = hx.write_site_assets(tmp_path)
    assert js.read_bytes() == hx.plotly_js_path().read_bytes()
    text = css.read_text()
    assert ".highlight" in text and ".ck-caption" in text and "--jp-ui-font-family" in text
    assert not re.search(r"url\(\s*['\"]?https?:", text)
    stamp = js.stat().st_mtime_ns
    hx.write_site_assets(tmp_path)
    assert js.stat().st_mtime_ns == stamp


def test_index_lists_status_and_links():
    entries = [
        hx.IndexEntry("seed-1", "instructor", "01_a", "A <title>", "ok",
                      "seed-1/instructor/01_a.html", "seed-1/instructor/01_a.ipynb"),
        hx.IndexEntry("seed-1", "instructor", "02_b", "B", "failed",
                      "seed-1/instructor/02_b.failed.html", None, "cell 3 [2]: KeyError: 'b'"),
        hx.IndexEntry("seed-1", "student", "01_a", "A <title>", "prepared", None,
                      "seed-1/student/01_a.ipynb"),
    ]
    page = hx.index_html(entries)
    assert "1 ok" in page and "1 failed" in page and "1 prepared" in page
    assert 'href="seed-1/instructor/01_a.html"' in page
    assert 'href="seed-1/instructor/02_b.failed.html"' in page
    assert "KeyError: &#x27;b&#x27;" in page and "A &lt;title&gt;" in page
    assert page.count("<tr>") == 3  # header + a row per cohort and variant
    assert '<th title="A &lt;title&gt;">01</th>' in page


def test_pages_work_in_a_browser_with_no_network(tmp_path):
    from tests.browser_support import chromium_context

    plan = render.plan_render(notebooks=COURSE, seed=11, variant="student", out=tmp_path / "s")
    summary = render.run_render(plan, jobs=2)
    assert [r.status for r in summary.results] == ["ok", "ok"]
    pages = sorted((tmp_path / "s" / "seed-11" / "student").glob("*.html"))
    requests: list[str] = []
    errors: list[str] = []

    def only_files(route):
        requests.append(route.request.url)
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    with chromium_context(tmp_path / "profile") as context:
        context.route("**/*", only_files)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        for path in pages:
            page.goto(path.as_uri())
            page.wait_for_selector(".ck-plot .main-svg", timeout=15_000)
            bars = page.locator(".ck-plot .bars path").count()
            assert bars > 0, path
            assert page.locator(".ck-caption").first.is_visible()
            if path.stem == "02_live":
                assert page.get_by_text(hx.LIVE_NOTE).is_visible()
            if path.stem == "01_basics":
                box = page.locator("math").first.bounding_box()
                assert box and box["height"] > 20  # a drawn fraction, not raw TeX
        page.goto((tmp_path / "s" / "index.html").as_uri())
        page.get_by_role("link", name="ok").first.click()
        page.wait_for_selector(".ck-plot .main-svg", timeout=15_000)
    assert errors == []
    assert requests and all(url.startswith("file:") for url in requests), requests
    assert any(url.endswith("/plotly.min.js") for url in requests)
