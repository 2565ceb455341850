"""Printable handouts: a PDF beside each rendered page, printed by Debian's Chromium.

``coursekit render --pdf`` prints every page of the run with headless Chromium
(through Playwright, one browser for all pages) as the page's print style sheet
lays it out: A4 or Letter, 15 mm margins, figures never split across pages,
code wrapped, the navigation, prompts and data views left out. The page is
laid out for print *before* its figures are drawn, so plotly draws each figure
at the printed column's width instead of a screen's.

The browser is ``/usr/bin/chromium`` unless ``COURSEKIT_CHROMIUM`` names
another; :func:`chromium_path` says clearly when it is missing, before any
notebook runs. Each PDF is written to a temporary file and renamed into place.

>>> sorted(PAPERS)
['a4', 'letter']
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from coursekit.common.atomic import atomic_path
from coursekit.common.errors import CourseKitError

CHROMIUM_ENV = "COURSEKIT_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: Paper names of ``--paper`` and the format Chromium's print takes.
PAPERS = {"a4": "A4", "letter": "Letter"}
MARGIN = "15mm"
_INSTALL = "apt-get install -y --no-install-recommends chromium"
_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
#: Longest wait for a page's figures to be drawn.
FIGURE_TIMEOUT_MS = 60_000
_FIGURES_DRAWN = """() => Array.from(document.querySelectorAll('.ck-plot'))
    .every(d => !window.Plotly || d.querySelector('.main-svg'))"""


class PdfError(CourseKitError):
    """A PDF cannot be printed: the browser or Playwright is missing, or printing failed."""


def chromium_path() -> Path:
    """The Chromium that prints: ``$COURSEKIT_CHROMIUM`` or ``/usr/bin/chromium``.

    Raises :class:`PdfError` naming the path and how to install it when it is
    not an executable file, and when the Python package ``playwright`` is missing.
    """
    path = Path(os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM)
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise PdfError(f"--pdf needs the Chromium browser, and there is none at {path}: "
                       f"install Debian's chromium ({_INSTALL}, as root) or set {CHROMIUM_ENV} "
                       "to a Chromium or Chrome executable")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise PdfError("--pdf drives Chromium through the Python package playwright, which is "
                       "not installed: pip install 'coursekit[pdf]' (Playwright's own browser "
                       f"downloads are not needed; {path} is used)") from None
    return path


def pdf_path(page: Path) -> Path:
    """Where the PDF of ``page`` goes: beside it, ``NAME.pdf``."""
    return Path(page).with_suffix(".pdf")


def _column_px(paper: str) -> int:
    """The printed text width in CSS pixels (96 per inch) of ``paper`` with the margins."""
    width_mm = {"a4": 210.0, "letter": 215.9}[paper]
    return int((width_mm - 2 * float(MARGIN.removesuffix("mm"))) * 96 / 25.4)


def write_pdfs(pages: Iterable[Path], *, paper: str = "a4",
               on_page: Callable[[Path], None] | None = None) -> list[Path]:
    """Print each HTML page to a PDF beside it (:func:`pdf_path`); return the PDFs written.

    ``paper`` is ``"a4"`` or ``"letter"``. ``on_page`` is called with each PDF
    once it is written (for progress lines).
    """
    if paper not in PAPERS:
        raise PdfError(f"paper '{paper}' is not one of {', '.join(sorted(PAPERS))}")
    pages = [Path(p) for p in pages]
    if not pages:
        return []
    executable = chromium_path()
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(executable), headless=True,
                                         args=_ARGS)
            try:
                tab = browser.new_page(viewport={"width": _column_px(paper), "height": 1000})
                tab.emulate_media(media="print")  # lay out for print before plotly draws
                for page in pages:
                    tab.goto(page.resolve().as_uri(), wait_until="load")
                    tab.wait_for_function(_FIGURES_DRAWN, timeout=FIGURE_TIMEOUT_MS)
                    target = pdf_path(page)
                    with atomic_path(target) as tmp:
                        tmp.write_bytes(tab.pdf(format=PAPERS[paper], print_background=True,
                                                margin={side: MARGIN for side in
                                                        ("top", "right", "bottom", "left")}))
                    written.append(target)
                    if on_page is not None:
                        on_page(target)
            finally:
                browser.close()
    except PlaywrightError as exc:
        done = f" ({len(written)} of {len(pages)} written)" if written else ""
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PdfError(f"printing with {executable} failed{done}: {first}") from None
    return written
