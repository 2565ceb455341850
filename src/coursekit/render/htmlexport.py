"""Offline HTML for rendered notebooks: pages, site assets and the index page.

A page is an executed notebook exported with nbconvert's ``lab`` template,
changed so that it works with no network at all:

- every plotly output (``application/vnd.plotly.v1+json``, as
  :func:`coursekit.course.plots.show` and the live explorers emit it) becomes a
  ``<figure>``: a ``<div>`` drawn by ``Plotly.newPlot`` and the output's
  ``text/plain`` caption under it as a visible text alternative
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

Titles come from the notebook's first heading (:func:`notebook_title`).
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

_TEMPLATE_NAME = "coursekit_page.html.j2"
_TEMPLATE = r"""
{%- extends 'index.html.j2' -%}
{%- block html_head -%}
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{{ resources.coursekit.page_title | e }}</title>
<link rel="stylesheet" href="{{ resources.coursekit.root }}coursekit.css">
{%- if resources.coursekit_figures %}
<script src="{{ resources.coursekit.root }}plotly.min.js"></script>
{%- endif %}
{%- endblock html_head -%}
{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<nav class="ck-nav"><a href="{{ resources.coursekit.root }}index.html">Course index</a>
{%- for item in resources.coursekit.crumbs %} · <span>{{ item | e }}</span>{% endfor %}</nav>
<main>
{%- endblock body_header -%}
"""

_EXTRA_CSS = """
/* coursekit pages */
a.anchor-link { display: none; }
.jp-InputArea { overflow: hidden; }
.jp-InputArea-editor { overflow: hidden; }
.cm-editor.cm-s-jupyter .highlight pre { padding: var(--jp-code-padding) 4px; margin: 0;
  font-family: inherit; font-size: inherit; line-height: inherit; color: inherit; }
.jp-OutputArea-output pre { line-height: inherit; font-family: inherit; }
.jp-RenderedText pre { color: var(--jp-content-font-color1); font-size: var(--jp-code-font-size); }
.jp-Collapser { display: none; }
@media print { .jp-Cell-inputWrapper, .jp-Cell-outputWrapper { display: block; } }
.ck-nav { font: 14px/1.5 var(--jp-ui-font-family); padding: 8px 16px; color: #444;
  border-bottom: 1px solid #ddd; background: #fafafa; }
.ck-figure { margin: 0.5em 0; max-width: 100%; }
.ck-plot { width: 100%; }
.ck-caption { font-size: 0.9em; color: #333; margin-top: 0.3em; }
.ck-live { font-size: 0.9em; color: #555; font-style: italic; margin: 0.2em 0 0; }
math[display="block"] { margin: 0.6em 0; }
"""

_INDEX_CSS = """
body { font: 15px/1.5 Inter, Helvetica, Arial, sans-serif; color: #222; margin: 2em auto;
  max-width: 70em; padding: 0 1em; }
table { border-collapse: collapse; margin: 1em 0 2em; }
th, td { border: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
.ok { color: #007a5a; } .failed { color: #b3261e; font-weight: bold; } .prepared { color: #555; }
.muted { color: #666; font-size: 0.9em; }
"""


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
    """An HTML figure for a plotly JSON spec: plot ``<div>``, drawing script, caption.

    The script expects plotly.js to be loaded (the page's head loads it); the
    caption is always visible and is the figure's text alternative.
    """
    layout = spec.get("layout") or {}
    height = layout.get("height")
    height = int(height) if isinstance(height, int | float) and height > 0 else 450
    payload = _script_json([spec.get("data") or [], layout, spec.get("config") or {}])
    cap = html.escape(caption.strip() or "Figure")
    note = f'<p class="ck-live">{html.escape(LIVE_NOTE)}</p>' if live else ""
    return (
        f'<figure class="ck-figure">'
        f'<div id="{div_id}" class="ck-plot" style="height:{height}px" role="img" '
        f'aria-label="{cap}"></div>'
        f'<script>(function(){{var a={payload};'
        f'if(window.Plotly){{Plotly.newPlot("{div_id}",a[0],a[1],a[2]);}}}})();</script>'
        f'<figcaption class="ck-caption">{cap}</figcaption>{note}</figure>'
    )


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
    from jinja2 import DictLoader, pass_context
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
                            extra_loaders=[DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
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
    parts.append(_EXTRA_CSS)
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


def _cell(entry: IndexEntry | None) -> str:
    if entry is None:
        return '<td class="muted">–</td>'
    cls = html.escape(entry.status)
    status = (f'<a class="{cls}" href="{html.escape(entry.page)}">{cls}</a>' if entry.page
              else f'<span class="{cls}">{cls}</span>')
    nb_link = (f' <a class="muted" href="{html.escape(entry.notebook_file)}">ipynb</a>'
               if entry.notebook_file else "")
    detail = f'<br><span class="muted">{html.escape(entry.detail)}</span>' if entry.detail else ""
    return f"<td>{status}{nb_link}{detail}</td>"


def _short(notebook: str) -> str:
    match = re.match(r"^(\d+)_", notebook)
    return match.group(1) if match else notebook


def index_html(entries: Iterable[IndexEntry], *, heading: str = "Chasing Followers") -> str:
    """The site's index: the notebooks, then one table row per cohort and variant.

    Each cell is the notebook's status (ok, failed, prepared) linking to its page,
    with a link to the notebook file and, for a failure, where and why.
    """
    entries = list(entries)
    notebooks: dict[str, str] = {}
    for e in sorted(entries, key=lambda e: e.notebook):
        notebooks.setdefault(e.notebook, e.title)
    rows = sorted({(e.cohort, e.variant) for e in entries})
    by_key = {(e.cohort, e.variant, e.notebook): e for e in entries}
    n_ok = sum(e.status == "ok" for e in entries)
    n_failed = sum(e.status == "failed" for e in entries)
    n_prepared = sum(e.status == "prepared" for e in entries)
    n_cohorts = len({c for c, _ in rows})
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
        f"<title>{html.escape(heading)}: rendered course</title>",
        f"<style>{_INDEX_CSS}</style>", "</head>", "<body>",
        f"<h1>{html.escape(heading)}</h1>",
        f'<p>{n_cohorts} cohort(s), {len(notebooks)} notebook(s): {n_ok} ok, '
        f'<span class="{"failed" if n_failed else "muted"}">{n_failed} failed</span>'
        + (f", {n_prepared} prepared (not executed)" if n_prepared else "") + ".</p>",
        "<h2>Notebooks</h2>", "<ul>",
        *(f"<li>{'' if title.startswith(_short(nb)) else f'<b>{html.escape(_short(nb))}</b> '}"
          f"{html.escape(title)} "
          f'<span class="muted">({html.escape(nb)})</span></li>'
          for nb, title in notebooks.items()),
        "</ul>", "<h2>Cohorts</h2>",
        *(['<p class="muted">Students appear under pseudonyms: with the course secret set, '
            "<code>coursekit render --roster ROSTER --which STUDENT_ID</code> prints a "
            "student's.</p>"] if any(re.fullmatch(r"s-[0-9a-f]{8}", c) for c, _ in rows) else []),
        "<table><tr><th>cohort</th><th>variant</th>"
        + "".join(f'<th title="{html.escape(title)}">{html.escape(_short(nb))}</th>'
                  for nb, title in notebooks.items()) + "</tr>",
    ]
    for cohort, variant in rows:
        cells = "".join(_cell(by_key.get((cohort, variant, nb))) for nb in notebooks)
        parts.append(f"<tr><th>{html.escape(cohort)}</th><td>{html.escape(variant)}</td>"
                     f"{cells}</tr>")
    parts += ["</table>", "</body>", "</html>", ""]
    return "\n".join(parts)


def write_index(out: Path, entries: Iterable[IndexEntry], **kw: Any) -> Path:
    """Write ``index.html`` into the site folder atomically and return its path."""
    return atomic_write_text(Path(out) / INDEX, index_html(entries, **kw))
