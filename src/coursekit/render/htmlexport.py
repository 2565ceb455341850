"""Offline HTML for rendered notebooks: pages, site assets and the index page.

A page is an executed notebook exported with nbconvert's ``lab`` template,
changed so that it works with no network at all:

- every plotly output (``application/vnd.plotly.v1+json``, as
  :func:`coursekit.course.plots.show` and the live explorers emit it) becomes a
  ``<figure>``: a ``<div>`` drawn by ``Plotly.newPlot`` (an image named by the
  caption, without plotly's mode bar), the output's ``text/plain`` caption under
  it as a visible text alternative, and a data view: a ``<details>`` with a table
  of the numbers of each trace (:mod:`coursekit.render.figuredata`)
  (:func:`convert_figures`, run as an nbconvert preprocessor);
- where a live widget stood, the page shows the widget's starting figure and
  the line :data:`LIVE_NOTE`; a widget without a figure becomes that line alone,
  never an empty box;
- plotly.js is one file per site (:data:`PLOTLY_JS`), copied from the installed
  plotly package, and the JupyterLab style sheets are one shared file
  (:data:`SITE_CSS`); pages load both with relative links;
- the template's require.js, MathJax and mermaid scripts from a CDN are left
  out; TeX in Markdown cells is turned into MathML when the page is written
  (latex2mathml), which browsers draw without any script.

Titles come from the notebook's first heading (:func:`notebook_title`). Pages and the
index meet WCAG 2.1 AA as axe-core checks it (tests/test_accessibility.py): a skip link
to ``<main>``, AA contrast for prompts and links, and a print style sheet (A4 or Letter,
no figure split across pages) that :mod:`coursekit.render.pdf` prints with.

The markup is in Jinja templates beside this module (``templates/``): the page's
head and navigation (extending nbconvert's ``lab`` template), a figure, the
index page, and the two style sheets.

>>> figure_html({"layout": {"height": 300}}, "Bars & 'lines'", "ck-fig-1")[:60]
'<figure class="ck-figure"><div id="ck-fig-1" class="ck-plot"'
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from coursekit.common.atomic import atomic_write_bytes, atomic_write_text
from coursekit.common.mime import PLOTLY_MIME, WIDGET_MIME, WIDGET_STATE_MIME

#: Shown under a figure that is live in JupyterLab (same words as coursekit.course.widgets).
LIVE_NOTE = "This figure is live in JupyterLab: run the notebook to use its controls."
#: Shown where a widget without a figure stood.
WIDGET_NOTE = "This control is live in JupyterLab: run the notebook to use it."

PLOTLY_JS = "plotly.min.js"
SITE_CSS = "coursekit.css"
INDEX = "index.html"

_TEMPLATE_NAME = "coursekit_page.html.j2"  # extends nbconvert's lab template
_TEMPLATES = Path(__file__).parent / "templates"


def _safe(value: Any) -> Any:
    """Every ``{{ }}`` of our templates is escaped as :func:`html.escape` does, unless Markup.

    ``html.escape`` rather than Jinja's autoescape (markupsafe), whose ``&#39;`` and
    ``&#34;`` would change every page and index byte for byte.
    """
    from markupsafe import Markup

    return value if isinstance(value, Markup) else html.escape(str(value))


@lru_cache(maxsize=1)
def _templates() -> Any:
    """The Jinja environment of the index and figure templates (``templates/``)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(_TEMPLATES), finalize=_safe, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True,
                       undefined=StrictUndefined, autoescape=False)


def _asset(name: str) -> str:
    return (_TEMPLATES / name).read_text(encoding="utf-8")


# --- titles ------------------------------------------------------------------------------

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def notebook_title(nb: Mapping[str, Any], fallback: str = "") -> str:
    """The text of the notebook's first Markdown heading, without Markdown markup.

    Falls back to ``metadata.title``, then to ``fallback``.

    >>> notebook_title({"cells": [{"cell_type": "markdown", "source": "# 02 · *Measuring*"}]})
    '02 · Measuring'
    """
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        match = _HEADING.search(source)
        if match:
            return _plain(match.group(1))
    meta_title = nb.get("metadata", {}).get("title")
    return str(meta_title) if meta_title else fallback


def _plain(markdown: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # links, images
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*\*|__|\*|_|`)", "", text)
    return text.strip()


# --- figures -----------------------------------------------------------------------------

def _script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>`` can close it)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def figure_html(spec: Mapping[str, Any], caption: str, div_id: str, *, live: bool = False) -> str:
    """An HTML figure for a plotly JSON spec: plot ``<div>``, drawing script, caption, data view.

    The script expects plotly.js to be loaded (the page's head loads it); the
    caption is always visible and is the figure's text alternative (the plot is
    an image named by it); the data view is a ``<details>`` with a table of the
    numbers of each trace (:mod:`coursekit.render.figuredata`).
    """
    from markupsafe import Markup

    from coursekit.render.figuredata import figure_tables, prepare

    spec = prepare(spec)
    layout = spec.get("layout") or {}
    height = layout.get("height")
    height = int(height) if isinstance(height, int | float) and height > 0 else 450
    # No mode bar: its ten buttons per figure would be invisible Tab stops inside an image.
    config = {**(spec.get("config") or {}), "displayModeBar": False}
    payload = _script_json([spec.get("data") or [], layout, config])
    return _templates().get_template("page_figure.html.j2").render(
        div_id=div_id, height=height, payload=Markup(payload), caption=caption.strip() or "Figure",
        live=live, live_note=LIVE_NOTE, tables=figure_tables(spec))


def _caption_and_live(text: str | list[str], live: bool) -> str:
    text = "".join(text) if isinstance(text, list) else str(text or "")
    lines = [ln for ln in text.splitlines() if ln.strip() and ln.strip() != LIVE_NOTE]
    if live:
        lines = [ln for ln in lines if "live in JupyterLab" not in ln]
    return "\n".join(lines)


def convert_figures(nb: Any) -> int:
    """Turn the notebook's plotly and widget outputs into HTML in place; return the figure count.

    Plotly JSON (with or without a live-widget view beside it) becomes
    :func:`figure_html`; a widget view without a figure becomes :data:`WIDGET_NOTE`;
    stored widget state is dropped.
    """
    nb.metadata.pop("widgets", None)
    count = 0
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            plain = data.get("text/plain", "")
            plain = "".join(plain) if isinstance(plain, list) else str(plain)
            live = WIDGET_MIME in data or LIVE_NOTE in plain
            if PLOTLY_MIME in data:
                caption = _caption_and_live(data.get("text/plain", ""), live)
                count += 1
                output["data"] = {"text/html": figure_html(
                    data[PLOTLY_MIME], caption, f"ck-fig-{count}", live=live)}
                output["metadata"] = {}
            elif live:
                output["data"] = {"text/html": f'<p class="ck-live">{html.escape(WIDGET_NOTE)}</p>'}
                output["metadata"] = {}
            else:
                data.pop(WIDGET_STATE_MIME, None)
    return count


@lru_cache(maxsize=1)
def _preprocessor_class() -> type:
    from nbconvert.preprocessors import Preprocessor

    class PlotlyFigurePreprocessor(Preprocessor):
        """nbconvert preprocessor running :func:`convert_figures` on the page's copy.

        Sets ``resources['coursekit_figures']``, so a page loads plotly.js only
        when it draws a figure.
        """

        def preprocess(self, nb, resources):  # type: ignore[override]
            resources["coursekit_figures"] = convert_figures(nb)
            return nb, resources

    return PlotlyFigurePreprocessor


# --- math --------------------------------------------------------------------------------

def tex_to_mathml(tex: str, *, display: bool) -> str:
    """MathML for a TeX formula; the escaped TeX in ``<code>`` if it cannot be converted."""
    from latex2mathml.converter import convert

    try:
        return convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any TeX the converter cannot read stays readable as TeX
        return f'<code class="ck-tex">{html.escape(tex)}</code>'


@lru_cache(maxsize=1)
def _renderer_class() -> type:
    from nbconvert.filters.markdown_mistune import IPythonRenderer

    class MathMLRenderer(IPythonRenderer):
        """Markdown renderer that writes TeX as MathML instead of leaving it for MathJax."""

        def block_math(self, body: str) -> str:
            return tex_to_mathml(body, display=True)

        def inline_math(self, body: str) -> str:
            return tex_to_mathml(body, display=False)

        def latex_environment(self, name: str, body: str) -> str:
            return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)

    return MathMLRenderer


# --- the exporter ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _exporter() -> Any:
    """One exporter per process: building the Jinja environment is the expensive part."""
    from jinja2 import FileSystemLoader, pass_context
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import MarkdownWithMath
    from traitlets.config import Config

    class PageExporter(HTMLExporter):
        @pass_context
        def markdown2html(self, context, source):  # type: ignore[override]
            cell = context.get("cell", {})
            path = context.get("resources", {}).get("metadata", {}).get("path", "")
            renderer = _renderer_class()(
                escape=False, attachments=cell.get("attachments", {}),
                embed_images=self.embed_images, path=path,
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links, **self.lexer_options)
            return MarkdownWithMath(renderer=renderer).render(source)

    config = Config()
    # The page links the site's style sheet (highlighting included) instead of inlining it.
    config.CSSHTMLHeaderPreprocessor.enabled = False
    exporter = PageExporter(config=config, template_name="lab",
                            extra_loaders=[FileSystemLoader(_TEMPLATES)],
                            template_file=_TEMPLATE_NAME)
    exporter.register_preprocessor(_preprocessor_class()(), enabled=True)
    return exporter


def export_page(nb: Any, *, page_title: str, root: str, crumbs: Sequence[str] = ()) -> str:
    """One notebook (an ``nbformat`` node) as an offline HTML page.

    ``root`` is the relative path from the page to the site folder (``"../../"``),
    where :func:`write_site_assets` put plotly.js and the style sheet.
    ``crumbs`` are shown in the navigation line after the link to the index.
    """
    resources = {"coursekit": {"page_title": page_title, "root": root, "crumbs": list(crumbs)}}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


def warm() -> None:
    """Build the exporter and render a tiny page, so the first real page is fast.

    The first export in a process compiles the Jinja templates and the
    regular expressions of the Markdown, highlighting and HTML libraries (about 1 s).
    """
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Warm\n\nText with $x^2$ and `code`."),
        nbformat.v4.new_code_cell("x = 1", outputs=[nbformat.v4.new_output(
            "execute_result", {"text/plain": "1"}, execution_count=1)])])
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    export_page(nb, page_title="warm", root="./")


# --- site assets -------------------------------------------------------------------------

def plotly_js_path() -> Path:
    """The installed plotly package's own ``plotly.min.js`` (the version its JSON is made for)."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / PLOTLY_JS


def site_css() -> str:
    """The shared style sheet: JupyterLab's light theme, code highlighting and the page extras."""
    from pygments.formatters import HtmlFormatter

    exporter = _exporter()
    parts = []
    for name in ("static/index.css", "static/theme-light.css"):
        for folder in exporter.template_paths:
            candidate = Path(folder) / name
            if candidate.is_file():
                parts.append(candidate.read_text(encoding="utf-8"))
                break
        else:
            raise FileNotFoundError(f"nbconvert's lab template has no {name}")
    parts.append(HtmlFormatter(style="default").get_style_defs(".highlight"))
    parts.append(_asset("page.css"))
    return "\n".join(parts)


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return
    atomic_write_bytes(path, data)


def write_site_assets(out: Path) -> list[Path]:
    """Write plotly.js and the style sheet into the site folder ``out`` (once, atomically)."""
    out = Path(out)
    js, css = out / PLOTLY_JS, out / SITE_CSS
    _write_if_changed(js, plotly_js_path().read_bytes())
    _write_if_changed(css, site_css().encode("utf-8"))
    return [js, css]


# --- the index page ----------------------------------------------------------------------

@dataclass(frozen=True)
class IndexEntry:
    """One rendered (or failed) notebook as the index lists it; paths relative to the site."""

    cohort: str
    variant: str
    notebook: str
    title: str
    status: str
    page: str | None
    notebook_file: str | None
    detail: str = ""


def _short(notebook: str) -> str:
    match = re.match(r"^(\d+)_", notebook)
    return match.group(1) if match else notebook


def index_html(entries: Iterable[IndexEntry], *, heading: str = "Chasing Followers") -> str:
    """The site's index: the notebooks, then one table row per cohort and variant.

    Each cell is the notebook's status (ok, failed, prepared) linking to its page,
    with a link to the notebook file and, for a failure, where and why.
    """
    from markupsafe import Markup

    entries = list(entries)
    titles: dict[str, str] = {}
    for e in sorted(entries, key=lambda e: e.notebook):
        titles.setdefault(e.notebook, e.title)
    notebooks = [{"name": nb, "title": title, "short": _short(nb),
                  "numbered": title.startswith(_short(nb))} for nb, title in titles.items()]
    pairs = sorted({(e.cohort, e.variant) for e in entries})
    by_key = {(e.cohort, e.variant, e.notebook): e for e in entries}
    rows = [{"cohort": c, "variant": v, "entries": [by_key.get((c, v, nb)) for nb in titles]}
            for c, v in pairs]
    return _templates().get_template("site_index.html.j2").render(
        heading=heading, css=Markup(_asset("index.css")), notebooks=notebooks, rows=rows,
        n_cohorts=len({c for c, _ in pairs}),
        n_ok=sum(e.status == "ok" for e in entries),
        n_failed=sum(e.status == "failed" for e in entries),
        n_prepared=sum(e.status == "prepared" for e in entries),
        pseudonyms=any(re.fullmatch(r"s-[0-9a-f]{8}", c) for c, _ in pairs))


def write_index(out: Path, entries: Iterable[IndexEntry], **kw: Any) -> Path:
    """Write ``index.html`` into the site folder atomically and return its path."""
    return atomic_write_text(Path(out) / INDEX, index_html(entries, **kw))
