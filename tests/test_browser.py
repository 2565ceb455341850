"""Notebook 02 in a real browser: JupyterLab + headless Chromium (Debian's ``chromium``).

The test opens the course's reliability notebook in JupyterLab, runs every cell,
moves the "Items" slider of the alpha explorer with the keyboard, and checks
that the kernel's callback redrew the figure: the "N items" marker moved to the
new length at the Spearman-Brown projection read off the same figure, the left
panel stayed as it was, and the caption below followed. It also checks that no
cell raised, no widget shows an error, the browser logged no widget error, and
the page fetched nothing from outside the local server.

It needs ``/usr/bin/chromium`` (``apt-get install -y chromium``) and fails, rather
than skips, without it.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from pathlib import Path

import pytest
from browser_support import JupyterLab, chromium_context, copy_notebooks, require_chromium

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "02_measuring_motives.ipynb"
SLIDER_LABEL = "Items"
STEPS = 4  # ArrowRight presses on the slider handle

# Texts the widget front ends show instead of a widget when something is wrong.
WIDGET_ERROR_TEXTS = (
    "Error displaying widget", "Failed to load model class", "model not found",
    "Loading widget...", "[anywidget]", "No renderer could be found", "Javascript Error",
    "Click to show javascript error",
)
WIDGET_LOG_PATTERN = re.compile(r"widget|anywidget|plotly|comm|model", re.IGNORECASE)

# JavaScript run in the page. The notebook panel is found by its path, not by focus.
PANEL_JS = """name => Array.from(window.jupyterapp.shell.widgets('main'))
    .find(w => w.context && w.context.path === name)"""
KERNEL_IDLE_JS = f"""name => {{
    if (!window.jupyterapp) return false;
    const panel = ({PANEL_JS})(name);
    const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
}}"""
# Starts "Run All Cells" and records its outcome in window.__runAll, so Python can wait for
# it with a timeout (page.evaluate itself has none).
RUN_ALL_JS = f"""name => {{
    const panel = ({PANEL_JS})(name);
    jupyterapp.shell.activateById(panel.id);
    window.__runAll = {{done: false}};
    jupyterapp.commands.execute('notebook:run-all-cells').then(
        ok => {{ window.__runAll = {{done: true, ok: ok}}; }},
        err => {{ window.__runAll = {{done: true, ok: false, error: String(err)}}; }});
}}"""
CELLS_JS = f"""name => Array.from(({PANEL_JS})(name).content.model.cells,
    c => c.toJSON()).filter(c => c.cell_type === 'code')"""
SHUTDOWN_JS = f"name => ({PANEL_JS})(name).sessionContext.shutdown()"
# The figure as plotly.js holds it after decoding: one {{name, x, y}} per trace.
TRACES_JS = """gd => (gd._fullData || []).map(t => ({
    name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || [])}))"""


def _wait_for(probe, what: str, timeout: float):
    """Call ``probe`` until it returns something truthy; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _first_line(cell: dict) -> str:
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    return source.strip().splitlines()[0] if source.strip() else "empty"


def _trace(traces: list[dict], name_pattern: str) -> dict:
    found = [t for t in traces if re.fullmatch(name_pattern, t["name"] or "")]
    assert len(found) == 1, f"expected one trace named like {name_pattern!r}, got {traces}"
    return found[0]


@pytest.fixture
def lab(tmp_path):
    require_chromium()  # fail before starting a server the test cannot use
    root = copy_notebooks(ROOT / "notebooks", tmp_path / "notebooks")
    assert (root / NOTEBOOK).is_file(), f"notebooks/{NOTEBOOK} is missing"
    state = tmp_path / "jupyter"
    state.mkdir()
    with JupyterLab(root, state) as server:
        yield server
    assert not server.leftover_processes(), "kernel or server processes outlived the server"


def test_alpha_explorer_slider_redraws_the_figure_in_jupyterlab(lab, tmp_path):
    console: list[str] = []
    external: list[str] = []
    with chromium_context(tmp_path / "chromium-profile") as context:
        page = context.new_page()
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}")
                if m.type in ("error", "assert") else None)
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        page.on("request", lambda r: external.append(r.url)
                if r.url.startswith(("http:", "https:", "ws:", "wss:"))
                and not r.url.startswith((lab.url, lab.url.replace("http", "ws", 1)))
                else None)
        try:
            _exercise_notebook(page, lab)
            errors = [m for m in console if m.startswith("pageerror")
                      or WIDGET_LOG_PATTERN.search(m)]
            assert not errors, "the browser logged errors:\n" + "\n".join(errors)
            assert not external, f"the page fetched from outside the local server: {external}"
            page.evaluate(SHUTDOWN_JS, NOTEBOOK)
            with urllib.request.urlopen(lab.url + "/api/kernels", timeout=10) as response:
                assert json.load(response) == [], "the notebook's kernel is still running"
        except BaseException:
            shot = tmp_path / "browser-failure.png"
            try:
                page.screenshot(path=str(shot), full_page=True)
                print(f"screenshot of the failing page: {shot}")
            except Exception as exc:  # the page itself may be gone
                print(f"no screenshot ({exc})")
            print("browser console errors:\n" + "\n".join(console))
            print(f"JupyterLab log ({lab.log}):\n{lab.log_tail()}")
            raise


def _exercise_notebook(page, lab: JupyterLab) -> None:
    page.goto(f"{lab.url}/lab/tree/{NOTEBOOK}")
    page.wait_for_function(KERNEL_IDLE_JS, arg=NOTEBOOK, timeout=90_000)

    page.evaluate(RUN_ALL_JS, NOTEBOOK)
    page.wait_for_function("() => window.__runAll.done", timeout=180_000)
    run_all = page.evaluate("() => window.__runAll")
    cells = page.evaluate(CELLS_JS, NOTEBOOK)
    raised = [f"code cell {i + 1} ({_first_line(c)}): {o['ename']}: {o['evalue']}"
              for i, c in enumerate(cells) for o in c["outputs"] if o["output_type"] == "error"]
    assert not raised, "cells raised in JupyterLab:\n" + "\n".join(raised)
    unrun = [i for i, c in enumerate(cells) if c["execution_count"] is None]
    assert run_all["ok"] and not unrun, \
        f"run-all did not run every code cell ({run_all}; cells not run: {unrun})"
    page.wait_for_function(KERNEL_IDLE_JS, arg=NOTEBOOK, timeout=30_000)

    # The explorer's output: the one holding a slider labelled "Items".
    slider = page.locator(".widget-hslider").filter(
        has=page.locator(".widget-label", has_text=re.compile(rf"^{SLIDER_LABEL}$")))
    output = page.locator(".jp-OutputArea-output").filter(has=slider)
    slider.first.wait_for(state="attached", timeout=30_000)
    assert output.count() == 1, f"expected one output with an {SLIDER_LABEL!r} slider"
    output.scroll_into_view_if_needed()
    plot = output.locator(".js-plotly-plot")
    _wait_for(lambda: plot.is_visible() or _widget_problems(page, loading_ok=True),
              "the explorer's plotly figure to render", 30)
    problems = _widget_problems(page)
    assert not problems, f"widget errors shown in the notebook: {problems}"
    handle, readout = slider.locator(".noUi-handle"), slider.locator(".widget-readout")
    # Every control of the explorer shows a label, and the slider handle is a Tab stop.
    controls = output.locator(".widget-hslider, .widget-dropdown, .widget-checkbox, "
                              ".widget-toggle-buttons, .widget-text, .widget-button")
    assert controls.count() >= 2, "the explorer shows fewer than two controls"
    unlabelled = [k for k in range(controls.count())
                  if not (controls.nth(k).is_visible() and controls.nth(k).inner_text().strip())]
    assert not unlabelled, f"controls without a visible label: {unlabelled}"
    assert int(handle.get_attribute("tabindex") or -1) >= 0, "the slider is not a Tab stop"
    caption = output.locator(".widget-html").last

    def traces() -> list[dict]:
        return plot.evaluate(TRACES_JS)

    before = _wait_for(lambda: (t := traces()) and len(t) == 4 and t, "the figure's 4 traces",
                       30)
    start = int(readout.inner_text())
    marker = _trace(before, r"\d+ items")
    assert marker["x"] == [start] and marker["name"] == f"{start} items", marker
    caption_before = caption.inner_text()
    assert f"With {start} items like these" in caption_before, caption_before

    handle.focus()
    for _ in range(STEPS):
        page.keyboard.press("ArrowRight")
    target = start + STEPS
    _wait_for(lambda: readout.inner_text() == str(target), f"the readout to show {target}", 10)

    def moved():
        t = traces()
        return t if _trace(t, r"\d+ items")["x"] == [target] else None

    after = _wait_for(moved, f"the marker to move to {target} items (kernel round trip)", 30)
    marker = _trace(after, r"\d+ items")
    projected = _trace(after, "projected alpha")
    assert marker["name"] == f"{target} items"
    assert marker["y"] == [projected["y"][projected["x"].index(target)]], (marker, projected)
    # Spearman-Brown: more items like these give a higher alpha.
    assert marker["y"][0] > _trace(before, r"\d+ items")["y"][0]
    # The slider only concerns the right-hand panel.
    assert _trace(after, "alpha if dropped") == _trace(before, "alpha if dropped")
    assert projected == _trace(before, "projected alpha")
    _wait_for(lambda: f"With {target} items like these" in caption.inner_text(),
              f"the caption to mention {target} items", 10)

    problems = _widget_problems(page)
    assert not problems, f"widget errors shown in the notebook: {problems}"


def _widget_problems(page, *, loading_ok: bool = False) -> list[str]:
    """Widget error texts and error placeholders shown in any output of the notebook.

    "Loading widget..." is a problem only once widgets should have loaded.
    """
    text = page.evaluate("() => Array.from(document.querySelectorAll('.jp-OutputArea'),"
                         " o => o.textContent).join('\\n')")
    shown = [t for t in WIDGET_ERROR_TEXTS if t in text
             and not (loading_ok and t == "Loading widget...")]
    placeholders = page.locator(".jupyter-widgets-error-widget").count()
    return shown + ([f"{placeholders} widget error placeholder(s)"] if placeholders else [])
