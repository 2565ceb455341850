"""``coursekit render --pdf``: a printed handout beside the page, through Debian's Chromium.

One notebook (02, which has math, a live explorer's stand-in figure and exercises)
is rendered with ``--pdf``; poppler's ``pdfinfo`` and ``pdftotext`` read the PDF.
The expected page count comes from the page itself: its height laid out for print
at the printed column's width, divided by the printable height of a sheet; figures
that may not be split push content on, so up to half as many pages again are allowed.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from coursekit.render import pdf as pdfmod
from coursekit.render.htmlexport import _plain
from tests.browser_support import chromium_context
from tests.conftest import ROOT, run_cli

NOTEBOOK = "02_measuring_motives"
POPPLER_HINT = "apt-get install -y --no-install-recommends poppler-utils"
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def _poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} (poppler-utils) is missing: {POPPLER_HINT}", pytrace=False)
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


def _pages(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _poppler("pdfinfo", str(pdf)), re.M).group(1))


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "site"
    proc = run_cli("render", "--seed", "11", "--variant", "student", "--notebooks",
                   f"notebooks/{NOTEBOOK}.ipynb", "--out", str(out), "--pdf", "--jobs", "1",
                   cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out, proc


def test_render_pdf_writes_a_handout_with_the_notebooks_headings(rendered, tmp_path):
    out, proc = rendered
    page = out / "seed-11" / "student" / f"{NOTEBOOK}.html"
    pdf = page.with_suffix(".pdf")
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF-")
    assert "printed 1 page(s) to PDF (a4)" in proc.stdout
    assert "A4" in _poppler("pdfinfo", str(pdf))

    text = _words(_poppler("pdftotext", "-layout", str(pdf), "-"))
    nb = nbformat.read(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb", as_version=4)
    headings = [_plain(m.group(1)) for c in nb.cells if c.cell_type == "markdown"
                for m in _HEADING.finditer(c.source)]
    assert len(headings) >= 5
    missing = [h for h in headings if _words(h) not in text]
    assert not missing, f"headings not in the PDF's text: {missing}"
    assert "Course index" not in text  # the navigation is not printed

    with chromium_context(tmp_path / "profile",
                          viewport=(pdfmod._column_px("a4"), 1000)) as context:
        tab = context.new_page()
        tab.emulate_media(media="print")
        tab.goto(page.as_uri())
        height = tab.evaluate("() => document.documentElement.scrollHeight")
        # No figure is wider than the printed column, so none is cut at the right edge.
        widest = tab.evaluate("() => Math.max(0, ...Array.from(document.querySelectorAll("
                              "'.ck-plot .main-svg'), s => s.width.baseVal.value))")
    sheet = (297 - 2 * 15) * 96 / 25.4  # printable A4 height in CSS pixels
    least = math.ceil(height / sheet)
    assert least <= _pages(pdf) <= math.ceil(least * 1.5) + 1, (height, _pages(pdf))
    assert 0 < widest <= pdfmod._column_px("a4")


def test_letter_paper(rendered):
    out, _ = rendered
    page = out / "seed-11" / "student" / f"{NOTEBOOK}.html"
    copy = page.with_name("letter.html")
    shutil.copy(page, copy)
    [written] = pdfmod.write_pdfs([copy], paper="letter")
    assert written == copy.with_suffix(".pdf")
    info = _poppler("pdfinfo", str(written))
    assert "letter" in info.lower() and _pages(written) >= 1


def test_a_missing_browser_is_named_before_anything_runs(tmp_path):
    missing = tmp_path / "no" / "chromium"
    proc = run_cli("render", "--seed", "11", "--notebooks", f"notebooks/{NOTEBOOK}.ipynb",
                   "--out", str(tmp_path / "site"), "--pdf", cwd=ROOT,
                   env={pdfmod.CHROMIUM_ENV: str(missing)})
    assert proc.returncode == 2
    assert str(missing) in proc.stderr and "chromium" in proc.stderr
    assert pdfmod.CHROMIUM_ENV in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not list(tmp_path.rglob("*.html")) and not list(tmp_path.rglob("*.pdf"))
