"""Warm kernels: renders with kernels forked from a template against today's start and the floor.

All measured in one run, on the same machine state (report ratios, not seconds):

- ``course``: the course (8 notebooks), ``--jobs 2``, ``--kernel-start warm`` and ``fresh``,
  and papermill's floor (:func:`benchmarks.bench_render.floor_seconds`: papermill running only
  the course's import lines, once per notebook, on as many processes);
- ``class``: BENCH_WARM_STUDENTS students (default 30) x the course, ``--jobs 2``, the same
  three; throughput in notebooks per minute; peak memory of the render's whole process tree
  (sum of RSS and of USS over the main process, workers, templates and kernels, sampled every
  BENCH_WARM_SAMPLE seconds with psutil);
- ``first cell``: from asking for a kernel to the end of the course's import cell, a started
  kernel against one forked from a ready template (median of 3).

Run: ``python -m benchmarks warm`` (the load of the machine goes into the first row).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from benchmarks.bench_render import NOTEBOOKS, ROOT, course_imports, floor_seconds

STUDENTS = int(os.environ.get("BENCH_WARM_STUDENTS", "30"))
SAMPLE = float(os.environ.get("BENCH_WARM_SAMPLE", "1.0"))
SECRET = "benchmark-secret-0123456789"


def _tree_memory(root: psutil.Process) -> tuple[int, int]:
    """(RSS, USS) summed over ``root`` and all its descendants, in bytes."""
    rss = uss = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            info = proc.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        rss += info.rss
        uss += info.uss
    return rss, uss


def render(out: Path, mode: str, *args: str) -> tuple[float, int, int]:
    """Wall seconds of ``coursekit render`` and its peak (RSS, USS) tree sums."""
    env = {**os.environ, "COURSEKIT_SECRET": SECRET}
    cmd = [sys.executable, "-m", "coursekit.cli", "render", "--out", str(out), "--jobs", "2",
           "--kernel-start", mode, *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        root = psutil.Process(proc.pid)
        while not done.is_set():
            rss, uss = _tree_memory(root)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], uss)
            done.wait(SAMPLE)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"render ({mode}) exited {proc.returncode}: {stderr[-2000:]}")
    if "warm kernel unavailable" in stderr:
        raise RuntimeError(f"warm render fell back to fresh kernels: {stderr[-2000:]}")
    return seconds, peak[0], peak[1]


def first_cell(mode: str, reps: int = 3) -> float:
    """Median seconds from asking for a kernel to the end of the course's import cell."""
    from coursekit.render import provisioner
    from coursekit.render.job import _kernel_manager_class

    code = "\n".join(course_imports(NOTEBOOKS))

    async def once() -> float:
        km = _kernel_manager_class()(kernel_name="python3")
        start = time.perf_counter()
        await km.start_kernel(cwd=str(ROOT / "notebooks"))
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=120)
        reply = await kc.execute_interactive(code, timeout=300, output_hook=lambda msg: None)
        seconds = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the import cell failed in a {mode} kernel: {reply['content']}")
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
        return seconds

    with provisioner.kernel_start_as(mode):
        if mode == "warm":
            provisioner.prestart()
            asyncio.run(once())  # the template is ready after this one
        times = [asyncio.run(once()) for _ in range(reps)]
    return statistics.median(times)


def _row(case: str, ours: float, base: float, detail: str = "") -> dict:
    return {"case": case, "coursekit_s": round(ours, 2), "baseline_s": round(base, 2),
            "ratio": round(ours / base, 3), "detail": detail}


def run() -> list[dict]:
    n = len(NOTEBOOKS)
    if not n:
        return [{"case": "warm", "detail": "no notebooks in notebooks/"}]
    rows = []
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp_name:
        tmp = Path(tmp_name)
        floor = floor_seconds(tmp, n, 2)
        fresh, fresh_rss, fresh_uss = render(tmp / "course-fresh", "fresh")
        warm, warm_rss, warm_uss = render(tmp / "course-warm", "warm")
        rows.append(_row(f"course: {n} notebooks, --jobs 2, warm vs today's start", warm, fresh,
                         f"load average {load:.1f} on {os.cpu_count()} cores at the start"))
        rows.append(_row("course: warm vs papermill floor", warm, floor,
                         f"floor = papermill x{n} on the course's imports"))
        rows.append(_row("course: today's start vs papermill floor", fresh, floor))

        roster = tmp / "roster.csv"
        roster.write_text("student_id\n" + "".join(f"student-{i:03d}\n"
                                                     for i in range(STUDENTS)))
        m = n * STUDENTS
        c_floor = floor_seconds(tmp, m, 2)
        c_fresh, c_fresh_rss, c_fresh_uss = render(tmp / "class-fresh", "fresh",
                                                   "--roster", str(roster))
        c_warm, c_warm_rss, c_warm_uss = render(tmp / "class-warm", "warm",
                                                "--roster", str(roster))

        def per_min(seconds: float) -> str:
            return f"{m / seconds * 60:.1f}/min"

        rows.append(_row(f"class: {STUDENTS} students x {n} notebooks, warm vs today's start",
                         c_warm, c_fresh, f"{per_min(c_warm)} vs {per_min(c_fresh)}"))
        rows.append(_row("class: warm vs papermill floor", c_warm, c_floor,
                         f"throughput {c_floor / c_warm:.2f}x the floor's "
                         f"({per_min(c_warm)} vs {per_min(c_floor)})"))
        rows.append(_row("class: today's start vs papermill floor", c_fresh, c_floor,
                         f"throughput {c_floor / c_fresh:.2f}x the floor's"))
        mb = 1024 * 1024
        rows.append({"case": "class: peak memory, warm vs today's start (MB, tree sum)",
                     "coursekit_s": "", "baseline_s": "",
                     "ratio": round(c_warm_uss / c_fresh_uss, 3),
                     "detail": f"USS {c_warm_uss / mb:.0f} vs {c_fresh_uss / mb:.0f}; "
                               f"RSS {c_warm_rss / mb:.0f} vs {c_fresh_rss / mb:.0f}"})
        rows.append({"case": "course: peak memory, warm vs today's start (MB, tree sum)",
                     "coursekit_s": "", "baseline_s": "",
                     "ratio": round(warm_uss / fresh_uss, 3),
                     "detail": f"USS {warm_uss / mb:.0f} vs {fresh_uss / mb:.0f}; "
                               f"RSS {warm_rss / mb:.0f} vs {fresh_rss / mb:.0f}"})
    cold, hot = first_cell("fresh"), first_cell("warm")
    rows.append(_row("first cell: ask for a kernel to the course's imports done", hot, cold,
                     "warm (template ready) vs today's start, median of 3"))
    rows.append({"case": "load", "detail": f"load average {os.getloadavg()[0]:.1f} at the end"})
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
