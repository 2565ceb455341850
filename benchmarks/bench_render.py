"""Render: the whole course for one cohort against papermill's floor, and where start-up goes.

The floor (the issue's definition): papermill executing an empty notebook that
only imports what the course imports (the import statements of the course
notebooks' code cells), as many times as the course has notebooks, on a pool of
the same size, in a fresh ``python`` process, timed from launch to exit.
``coursekit render`` is timed the same way (execute + HTML + index); the
notebooks' own computations count on our side only.

Rows (all measured in this run):

- ``course``: full course render vs the floor, ``--jobs`` = cores (best of
  BENCH_RENDER_REPEATS, default 2), and vs the floor with render's own start-up
  cuts applied (what render and the notebooks' computations add);
- ``class``: BENCH_RENDER_STUDENTS students (default 3; the report uses 30) x
  the course, ``--jobs 2``, vs the floor for as many notebooks; throughput;
- ``threads``: the course with a thread pool instead of processes;
- start-up parts: ``import papermill`` with and without jsonschema's IRI grammar;
  a kernel from start to ready, plain (``ipykernel_launcher``, TCP) and ours
  (:mod:`coursekit.render.kernel`, IPC); importing plotly's FigureWidget in a
  kernel, both ways; the course's imports in a kernel; kernel shutdown, graceful
  and immediate; a page export, cold and warm;
- sizes: largest page (plotly.js excluded) and the site for one cohort.

Run: ``python -m benchmarks render``.
"""

from __future__ import annotations

import ast
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = int(os.environ.get("BENCH_RENDER_REPEATS", "2"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

FLOOR_SCRIPT = """
import os
import sys
from concurrent.futures import ProcessPoolExecutor

LEAN = os.environ.get("BENCH_LEAN_FLOOR") == "1"
if LEAN:
    from coursekit.render.job import _kernel_manager_class, lighten_imports

    lighten_imports()
import papermill as pm


def run(path):
    extra = ({"kernel_manager_class": _kernel_manager_class(), "shutdown_kernel": "immediate"}
             if LEAN else {})
    pm.execute_notebook(path, None, kernel_name="python3", progress_bar=False, **extra)


if __name__ == "__main__":
    path, n, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(run, [path] * n))
"""


THREADS_SCRIPT = """
import sys
from coursekit.render import run as render
plan = render.plan_render(out=sys.argv[1])
render.run_render(plan, jobs=int(sys.argv[2]), executor="thread")
"""


def course_imports(paths: list[Path]) -> list[str]:
    """The top-level import statements of the notebooks' code cells, in first-seen order."""
    import nbformat

    seen: dict[str, None] = {}
    for path in paths:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import | ast.ImportFrom):
                    seen.setdefault(ast.unparse(node))
    return list(seen)


def _notebook(path: Path, source: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                 "display_name": "Python 3"}
    nbformat.write(nb, path)
    return path


def _wall(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, **kw)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[:4]} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return seconds


def floor_seconds(tmp: Path, n: int, jobs: int, *, lean: bool = False) -> float:
    """Wall time of the floor for ``n`` notebooks on ``jobs`` processes.

    ``lean``: the same with render's start-up cuts (no IRI grammar in the parent,
    render kernels, immediate shutdown), to show what render adds on top.
    """
    script = tmp / "floor.py"
    script.write_text(FLOOR_SCRIPT)
    nb = _notebook(tmp / "floor.ipynb", "\n".join(course_imports(NOTEBOOKS)) or "pass")
    env = {**os.environ, "BENCH_LEAN_FLOOR": "1" if lean else "0"}
    return _wall([sys.executable, str(script), str(nb), str(n), str(jobs)], env=env)


def render_seconds(out: Path, *args: str) -> float:
    return _wall([sys.executable, "-m", "coursekit.cli", "render", "--out", str(out), *args])


def _kernel_ready(lean: bool, reps: int = 3) -> tuple[float, float, float]:
    """Median seconds: start to ready, graceful shutdown, immediate shutdown."""
    from jupyter_client import AsyncKernelManager

    from coursekit.render import job as renderjob
    from coursekit.render import run as render

    cls = renderjob._kernel_manager_class() if lean else AsyncKernelManager
    if lean:
        os.environ.pop(render.PLAIN_KERNELS_ENV, None)

    async def once(now: bool) -> tuple[float, float]:
        km = cls(kernel_name="python3")
        start = time.perf_counter()
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=120)
        ready = time.perf_counter() - start
        kc.stop_channels()
        start = time.perf_counter()
        await km.shutdown_kernel(now=now)
        return ready, time.perf_counter() - start

    ready, graceful, immediate = [], [], []
    for i in range(reps):
        r, s = asyncio.run(once(now=bool(i % 2)))
        ready.append(r)
        (immediate if i % 2 else graceful).append(s)
    return statistics.median(ready), statistics.median(graceful), statistics.median(immediate)


def _python_seconds(code: str, reps: int = 3) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def _export_seconds(site: Path) -> tuple[float, float]:
    """Cold (first in a process) and warm seconds to export the course's first page."""
    code = (
        "import sys, time, nbformat\n"
        "from coursekit.render.run import lighten_imports\n"
        "lighten_imports()\n"
        "from coursekit.render.htmlexport import export_page\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "t = time.perf_counter(); export_page(nb, page_title='x', root='../../')\n"
        "cold = time.perf_counter() - t\n"
        "t = time.perf_counter()\n"
        "for _ in range(3): export_page(nb, page_title='x', root='../../')\n"
        "print(cold, (time.perf_counter() - t) / 3)\n"
    )
    page = next(site.glob("*/instructor/*.ipynb"))
    out = subprocess.run([sys.executable, "-c", code, str(page)], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1])


def _sizes(site: Path) -> tuple[int, int]:
    pages = [p.stat().st_size for p in site.rglob("*.html")]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return max(pages), total


def _row(case: str, ours: float, base: float | None, detail: str = "") -> dict:
    return {"case": case, "coursekit_s": round(ours, 3),
            "baseline_s": round(base, 3) if base is not None else "",
            "ratio": round(ours / base, 3) if base else "", "detail": detail}


def run() -> list[dict]:
    if not NOTEBOOKS:
        return [{"case": "course", "detail": "no notebooks in notebooks/"}]
    from coursekit.render import run as render

    cores = os.cpu_count() or 1
    n = len(NOTEBOOKS)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp_name:
        tmp = Path(tmp_name)
        site = tmp / "site"
        ours, floor, lean = [], [], []
        for rep in range(REPEATS):
            floor.append(floor_seconds(tmp, n, cores))
            ours.append(render_seconds(tmp / f"site{rep}", "--jobs", str(cores)))
            lean.append(floor_seconds(tmp, n, cores, lean=True))
        (tmp / "site0").rename(site)

        def runs(values: list[float]) -> str:
            return ", ".join(f"{s:.1f}" for s in values)

        rows.append(_row(f"course: {n} notebooks, execute + HTML, --jobs {cores}", min(ours),
                         min(floor), f"floor = papermill x{n} on the course's imports (best of "
                                     f"{REPEATS}); runs {runs(ours)} vs {runs(floor)}"))
        rows.append(_row("course vs the floor with render's start-up cuts", min(ours),
                         min(lean), f"what render and the notebooks' own work add; floor runs "
                                    f"{runs(lean)}"))
        threads = _wall([sys.executable, "-c", THREADS_SCRIPT, str(tmp / "threads"), str(cores)])
        rows.append(_row(f"course in a thread pool (--jobs {cores})", threads, min(ours),
                         "baseline: the process pool (the default)"))

        students = int(os.environ.get("BENCH_RENDER_STUDENTS", "3"))
        roster = tmp / "roster.csv"
        roster.write_text("student_id\n" + "".join(f"student-{i:03d}\n"
                                                     for i in range(students)))
        env = {**os.environ, render.SECRET_ENV: "benchmark-secret-0123456789"}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "coursekit.cli", "render", "--roster", str(roster),
                        "--out", str(tmp / "class"), "--jobs", "2"], cwd=ROOT, env=env,
                       capture_output=True, check=False)
        klass = time.perf_counter() - start
        class_floor = floor_seconds(tmp, n * students, 2)
        rows.append(_row(f"class: {students} students x {n} notebooks, --jobs 2", klass,
                         class_floor, f"{n * students / klass * 60:.1f} notebooks/min vs floor "
                                      f"{n * students / class_floor * 60:.1f}"))

        plain_import = _python_seconds("import papermill")
        lean_import = _python_seconds("from coursekit.render.run import lighten_imports; "
                                      "lighten_imports(); import papermill")
        rows.append(_row("import papermill (fresh process)", lean_import, plain_import,
                         "ours skips rfc3987_syntax"))
        plain_fw = _python_seconds("import plotly.basewidget")
        lean_fw = _python_seconds("import sys; sys.modules['rfc3987_syntax'] = None; "
                                  "import plotly.basewidget")
        rows.append(_row("import plotly FigureWidget (as in a kernel)", lean_fw, plain_fw,
                         "paid once per kernel that shows a live explorer"))
        imports = course_imports(NOTEBOOKS)
        rows.append(_row("course imports (fresh process)",
                         _python_seconds("\n".join(imports)), _python_seconds("pass"),
                         f"{len(imports)} import statements; baseline: bare interpreter"))
        plain_ready, graceful, _ = _kernel_ready(lean=False)
        lean_ready, _, immediate = _kernel_ready(lean=True)
        rows.append(_row("kernel start to ready", lean_ready, plain_ready,
                         "ours: coursekit.render.kernel over IPC; baseline: "
                         "ipykernel_launcher over TCP"))
        rows.append(_row("kernel shutdown", immediate, graceful, "immediate vs graceful"))
        cold, warm = _export_seconds(site)
        rows.append(_row("page export (first course page)", warm, cold,
                         "warm vs first in a process"))
        biggest, total = _sizes(site)
        rows.append({"case": "sizes", "detail": f"largest page {biggest / 1024:.0f} KB "
                                                f"(limit 500 KB); site for one cohort "
                                                f"{total / 1024 / 1024:.2f} MB (limit 8 MB)"})
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
