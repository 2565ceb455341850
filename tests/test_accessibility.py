"""Every page coursekit writes against WCAG 2.1 AA, as axe-core checks it in Chromium.

The pages are those of ``class_site`` (the whole course for a class of 30, student
and instructor variants, as the privacy tests render it), its index, and the
questionnaire HTML. One headless Debian Chromium opens them one after the other;
axe-core (bundled by axe-playwright-python, injected into the page: nothing is
fetched) runs the rules tagged ``wcag2a``, ``wcag2aa``, ``wcag21a`` and ``wcag21aa``.
A failure lists rule, page and element.

The structure checks (one ``h1``, headings in order, ``lang``, a skip link,
table headers) read the HTML; the keyboard test presses Tab through a page and
opens each figure's data view with Enter or Space.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.browser_support import chromium_context
from tests.conftest import run_cli

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
FIGURES_DRAWN = """() => Array.from(document.querySelectorAll('.ck-plot'))
    .every(d => d.querySelector('.main-svg'))"""
# A notebook page with several figures (two histograms among them) for the keyboard test.
KEYBOARD_PAGE = "01_meet_the_data.html"


def _pages(site: Path) -> list[Path]:
    pages = sorted(p for p in site.rglob("*.html") if not p.name.endswith(".failed.html"))
    assert pages, f"no pages under {site}"
    return pages


@pytest.fixture(scope="module")
def site(class_site) -> Path:
    assert class_site.returncode == 0, class_site.stderr
    return class_site.out


@pytest.fixture(scope="module")
def questionnaire(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("questionnaire") / "questionnaire.html"
    proc = run_cli("instrument", "--format", "html", "--out", str(path))
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    with chromium_context(tmp_path_factory.mktemp("a11y-profile")) as context:
        yield context.new_page()


def _open(page, path: Path) -> None:
    page.goto(path.as_uri(), wait_until="load")
    if page.locator(".ck-plot").count():
        page.wait_for_function(FIGURES_DRAWN, timeout=30_000)


def test_every_page_and_the_questionnaire_pass_axe(site, questionnaire, browser_page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    pages = _pages(site) + [questionnaire]
    variants = {p.parent.name for p in pages}
    assert {"student", "instructor"} <= variants, variants
    assert len(pages) >= 2 * 8 + 2  # 8 notebooks x 2 variants, the index, the questionnaire
    problems = []
    for path in pages:
        _open(browser_page, path)
        result = axe.run(browser_page, options=AXE_OPTIONS).response
        assert result["testEngine"]["version"].startswith("4."), result["testEngine"]
        for rule in result["violations"]:
            for node in rule["nodes"]:
                problems.append(f"{rule['id']} ({rule['impact']}) on {path.name} "
                                f"[{path.parent.name}]: {' '.join(map(str, node['target']))} "
                                f"{node['html'][:120]}")
    assert not problems, f"{len(problems)} axe violation(s):\n" + "\n".join(problems[:60])


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.headings: list[int] = []
        self.ids: set[str] = set()
        self.first_link: str | None = None
        self.tables = 0
        self.header_cells = 0
        self.captions = 0
        self._in_table = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            self.ids.add(a["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "a" and self.first_link is None:
            self.first_link = a.get("href")
        if tag == "table":
            self.tables += 1
        if tag == "th":
            self.header_cells += 1
        if tag == "caption":
            self.captions += 1


def _structure(path: Path) -> _Structure:
    parser = _Structure()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_pages_have_one_h1_headings_in_order_lang_and_a_skip_link(site, questionnaire):
    for path in [*_pages(site), questionnaire]:
        s = _structure(path)
        assert s.lang == "en", path
        assert s.headings.count(1) == 1 and s.headings[0] == 1, (path, s.headings)
        jumps = [(a, b) for a, b in zip(s.headings, s.headings[1:], strict=False) if b > a + 1]
        assert not jumps, f"{path}: heading levels skipped {jumps}"
        assert s.tables == 0 or s.header_cells >= s.tables, path
        if path != questionnaire:  # the questionnaire has one block of text before its form
            assert s.first_link and s.first_link.startswith("#"), (path, s.first_link)
            assert s.first_link[1:] in s.ids, f"{path}: skip link to a missing {s.first_link}"


def test_data_tables_and_index_table_have_captions_and_headers(site, questionnaire):
    page = site / next(iter(sorted(p.relative_to(site) for p in site.rglob(KEYBOARD_PAGE))))
    text = page.read_text(encoding="utf-8")
    figures = text.count('<figure class="ck-figure">')
    assert figures >= 2
    assert text.count('<details class="ck-data">') == figures
    tables = re.findall(r'<table class="ck-data-table">(.*?)</table>', text, re.S)
    assert tables and all("<caption>" in t and '<th scope="col">' in t
                          and '<th scope="row">' in t for t in tables)
    index = _structure(site / "index.html")
    assert index.captions == 1 and index.header_cells > 1
    q = _structure(questionnaire)
    assert q.captions == q.tables > 0


def test_exercise_feedback_reads_as_text(site):
    """A student page's feedback says "not attempted" in words; the instructor's "correct"."""
    student = next(site.rglob("student/02_*.html")).read_text(encoding="utf-8")
    instructor = next(site.rglob("instructor/02_*.html")).read_text(encoding="utf-8")
    assert re.search(r"Exercise 02\.1: not attempted\.", student)
    assert re.search(r"Exercise 02\.1: correct\.", instructor)


def test_tab_reaches_every_data_view_and_enter_or_space_opens_it(site, browser_page):
    page = browser_page
    path = next(site.rglob(f"student/{KEYBOARD_PAGE}"))
    _open(page, path)
    summaries = page.locator("details.ck-data > summary")
    n = summaries.count()
    assert n >= 2, f"{path} has {n} data views"
    assert page.locator("details.ck-data[open]").count() == 0

    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused.startswith("Skip to the content"), focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "ck-main"

    reached = []
    for _ in range(400):  # far more than the page's Tab stops
        page.keyboard.press("Tab")
        here = page.evaluate("""() => { const e = document.activeElement;
            return e && e.matches('details.ck-data > summary')
                ? Array.from(document.querySelectorAll('details.ck-data > summary')).indexOf(e)
                : (e === document.body ? -2 : -1); }""")
        if here == -2 or (reached and here == 0):
            break  # left the page or wrapped round
        if here >= 0 and here not in reached:
            reached.append(here)
            key = "Enter" if here % 2 == 0 else " "
            page.keyboard.press(key)
            details = page.locator("details.ck-data").nth(here)
            assert details.evaluate("d => d.open"), f"{key!r} did not open data view {here}"
            table = details.locator("table").first
            assert table.is_visible() and table.locator("tbody tr").count() > 0
    assert reached == list(range(n)), f"Tab reached data views {reached} of {n}"


def _histogram_page(folder: Path) -> Path:
    """A page of two course histograms (whole and fractional values), exported with no kernel."""
    import nbformat
    import numpy as np
    import pandas as pd

    from coursekit.course import plots
    from coursekit.render import htmlexport as hx

    rng = np.random.default_rng(7)
    outputs = []
    for values, title in ((pd.Series(rng.integers(1, 53, 800).astype(float)), "longest run"),
                          (pd.Series(np.log10(1 + rng.pareto(1.0, 777) * 10)), "log followers")):
        fig = plots.histogram(values, title=title, x_title=title)
        outputs.append(nbformat.v4.new_output("display_data", plots.mime_bundle(fig)))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Histograms"),
                                         nbformat.v4.new_code_cell("show()", outputs=outputs)])
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    hx.write_site_assets(folder)
    page = folder / "histograms.html"
    page.write_text(hx.export_page(nb, page_title="Histograms", root="./"), encoding="utf-8")
    return page


def test_data_view_is_what_plotly_draws(site, browser_page, tmp_path):
    """The data view's bars, bins and counts are those plotly drew (its calcdata), bar for bar."""
    page = browser_page
    drawn_js = """() => Array.from(document.querySelectorAll('.ck-plot'))
        .filter(gd => gd._fullData.length === 1
                && ['bar', 'histogram'].includes(gd._fullData[0].type))
        .map(gd => ({id: gd.id, type: gd._fullData[0].type,
                     sizes: gd.calcdata[0].map(b => b.s)}))"""
    seen = set()
    for path in (next(site.rglob(f"instructor/{KEYBOARD_PAGE}")), _histogram_page(tmp_path)):
        _open(page, path)
        drawn = page.evaluate(drawn_js)
        for figure in drawn:
            rows = page.locator(f"#{figure['id']} ~ details.ck-data tbody tr")
            last = [rows.nth(k).locator("td").last.text_content() for k in range(rows.count())]
            assert [float(v) for v in last] == figure["sizes"], (path.name, figure["id"])
            seen.add(figure["type"])
    assert seen == {"bar", "histogram"}, seen
