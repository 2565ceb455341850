"""Grade: a class's submissions graded vs the same notebooks rendered, same --jobs, same run.

Baselines (measured in this run): ``coursekit render --roster R --variant student`` of the
exercise notebooks for every student (the notebooks executed, pages exported); and the
same grading with ``--kernel-start fresh`` against the default warm kernels (the two
gradebooks must be the same). Then
each student "submits" their issued copy with the exercise cells filled in by the
instructor's solution code, and ``coursekit grade`` grades them all (each run sandboxed,
the expected answers computed in the grader, feedback pages and the class report
written). Both are timed from launch to exit of the command, with the same ``--jobs``.

Settings: ``BENCH_GRADE_STUDENTS`` (default 3, as render's class row; the issue's figure uses 30),
``BENCH_GRADE_NOTEBOOKS`` (a glob, default
every notebook with exercises), ``BENCH_GRADE_JOBS`` (default: CPU count).

Run: ``python -m benchmarks grade``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STUDENTS = int(os.environ.get("BENCH_GRADE_STUDENTS", "3"))
PATTERN = os.environ.get("BENCH_GRADE_NOTEBOOKS", str(ROOT / "notebooks" / "0[1-7]_*.ipynb"))
JOBS = int(os.environ.get("BENCH_GRADE_JOBS", str(os.cpu_count() or 1)))
SECRET = "a benchmark secret that is long enough"


def _cli(*args: str, cwd: Path) -> float:
    env = {**os.environ, "COURSEKIT_SECRET": SECRET}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "coursekit.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"coursekit {args[0]} failed: {proc.stderr[-2000:]}")
    return seconds


def _submissions(tmp: Path, ids: list[str]) -> Path:
    """Issued copies with the instructor's solution cells put back in: students who did it."""
    import nbformat

    from coursekit.render.roster import student_label

    _cli("render", "--roster", "roster.csv", "--variant", "student", "--notebooks", PATTERN,
         "--no-execute", "--out", "issued", cwd=tmp)
    sources = {p.stem: nbformat.read(p, as_version=4) for p in map(Path, sorted(
        __import__("glob").glob(PATTERN)))}
    subs = tmp / "submissions"
    for sid in ids:
        (subs / sid).mkdir(parents=True)
        for stem, source in sources.items():
            solutions = {c.get("id"): c.source for c in source.cells
                         if "solution" in c.metadata.get("tags", [])}
            path = tmp / "issued" / student_label(sid, SECRET) / "student" / f"{stem}.ipynb"
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                if cell.get("id") in solutions:
                    cell.source = solutions[cell.get("id")]
            nbformat.write(nb, subs / sid / f"{stem}.ipynb")
    return subs


def run() -> list[dict]:
    import glob

    notebooks = sorted(glob.glob(PATTERN))
    ids = [f"bench-{i:03d}" for i in range(STUDENTS)]
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as name:
        tmp = Path(name)
        (tmp / "roster.csv").write_text("student_id\n" + "\n".join(ids) + "\n")
        render_s = _cli("render", "--roster", "roster.csv", "--variant", "student",
                        "--notebooks", PATTERN, "--jobs", str(JOBS), "--out", "site", cwd=tmp)
        _submissions(tmp, ids)
        grade_s = _cli("grade", "submissions", "--roster", "roster.csv", "--notebooks", PATTERN,
                       "--jobs", str(JOBS), "--out", "grades", cwd=tmp)
        graded = (tmp / "grades" / "gradebook.csv").read_text().count("\n") - 1
        fresh_s = _cli("grade", "submissions", "--roster", "roster.csv", "--notebooks", PATTERN,
                       "--jobs", str(JOBS), "--out", "grades-fresh", "--kernel-start", "fresh",
                       cwd=tmp)
        same = ((tmp / "grades" / "gradebook.csv").read_text()
                == (tmp / "grades-fresh" / "gradebook.csv").read_text())
    n = len(notebooks) * STUDENTS
    return [
        {"case": "render (baseline)", "students": STUDENTS, "notebooks": len(notebooks),
         "jobs": JOBS, "seconds": render_s, "per notebook s": render_s / n, "ratio": 1.0},
        {"case": "grade", "students": graded, "notebooks": len(notebooks), "jobs": JOBS,
         "seconds": grade_s, "per notebook s": grade_s / n, "ratio": grade_s / render_s},
        {"case": "grade, warm kernels vs --kernel-start fresh", "students": graded,
         "notebooks": len(notebooks), "jobs": JOBS, "seconds": grade_s,
         "per notebook s": grade_s / n, "ratio": grade_s / fresh_s,
         "detail": f"fresh {fresh_s:.1f} s; gradebooks {'the same' if same else 'DIFFER'}"},
    ]
