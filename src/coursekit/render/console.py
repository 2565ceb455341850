"""What a render says on the terminal: progress while it runs, a summary table at the end.

:class:`Reporter` is the silent set of callbacks :func:`coursekit.render.run.run_render`
calls; :class:`ConsoleReporter` shows a tqdm bar on a terminal (a line per
notebook otherwise) and every failure at once. :func:`format_summary` lays out
its table with ``tabulate``.

>>> from pathlib import Path
>>> from coursekit.render.job import Job, JobResult
>>> job = Job(key="c/instructor/01", notebook="01", title="One", cohort="c",
...           variant="instructor", source="{}", parameters={}, execute=True, timeout=1,
...           cwd=None, fingerprint="f")
>>> summary = RenderSummary(Path("site"), (JobResult(job.key, "ok", 1.25),), (), (job,), 2.0)
>>> print(format_summary(summary))
notebook      ok    failed    skipped    mean s    max s
----------  ----  --------  ---------  --------  -------
01             1         0          0       1.2      1.2
1 rendered, 0 failed, 0 up to date, in 2.0 s
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursekit.render.job import Job, JobResult

_HEAD = ("notebook", "ok", "failed", "skipped", "mean s", "max s")


@dataclass(frozen=True)
class RenderSummary:
    """The outcome of a run: one result per job run, the keys skipped, where the site is."""

    out: Path
    results: tuple[JobResult, ...]
    skipped: tuple[str, ...]
    jobs: tuple[Job, ...]
    seconds: float
    interrupted: bool = False

    @property
    def failed(self) -> tuple[JobResult, ...]:
        return tuple(r for r in self.results if r.status == "failed")

    @property
    def index(self) -> Path:
        return self.out / "index.html"


class Reporter:
    """Progress callbacks of :func:`coursekit.render.run.run_render`; this one is silent."""

    def start(self, total: int, skipped: int) -> None: ...

    def job_done(self, job: Job, result: JobResult) -> None: ...

    def note(self, text: str) -> None:
        """A one-line notice (a stale lock taken over)."""

    def finish(self) -> None: ...


class ConsoleReporter(Reporter):
    """A tqdm progress bar on a terminal, a line per notebook otherwise; failures at once."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.bar: Any = None
        self.done = 0
        self.total = 0

    def start(self, total: int, skipped: int) -> None:
        self.total = total
        if skipped:
            self._write(f"resume: {skipped} notebook(s) up to date, {total} to render")
        if total and getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: the pool forks after this
            self.bar = tqdm(total=total, desc="render", unit="nb", file=self.stream,
                            dynamic_ncols=True)

    def _write(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def note(self, text: str) -> None:
        self._write(text)

    def job_done(self, job: Job, result: JobResult) -> None:
        self.done += 1
        if result.status == "failed" and result.failure:
            self._write(f"FAILED {job.notebook} (cohort {job.cohort}, {job.variant}): "
                        f"{result.failure.describe()}")
        if self.bar is not None:
            self.bar.set_postfix_str(f"{job.cohort}/{job.notebook}", refresh=False)
            self.bar.update(1)
        elif result.status != "failed":
            self._write(f"[{self.done}/{self.total}] {result.status:8} {job.key} "
                        f"({result.seconds:.1f} s)")

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _rows(summary: RenderSummary) -> list[tuple[str, ...]]:
    jobs = {j.key: j for j in summary.jobs}
    counts: dict[str, dict[str, Any]] = {}
    for job in summary.jobs:
        counts.setdefault(job.notebook, {"ok": 0, "failed": 0, "prepared": 0, "skipped": 0,
                                         "seconds": []})
    for key in summary.skipped:
        counts[jobs[key].notebook]["skipped"] += 1
    for result in summary.results:
        row = counts[jobs[result.key].notebook]
        row[result.status] += 1
        row["seconds"].append(result.seconds)
    rows = []
    for name, row in counts.items():
        secs = row["seconds"]
        rows.append((name, str(row["ok"] + row["prepared"]), str(row["failed"]),
                     str(row["skipped"]), f"{sum(secs) / len(secs):.1f}" if secs else "-",
                     f"{max(secs):.1f}" if secs else "-"))
    return rows


def format_summary(summary: RenderSummary) -> str:
    """The closing report: a table per notebook, then every failure on its own line."""
    from tabulate import tabulate

    jobs = {j.key: j for j in summary.jobs}
    table = tabulate(_rows(summary), headers=_HEAD, tablefmt="simple", disable_numparse=True,
                     colalign=("left",) + ("right",) * (len(_HEAD) - 1))
    n_ok = sum(r.status in ("ok", "prepared") for r in summary.results)
    text = [table, f"{n_ok} rendered, {len(summary.failed)} failed, {len(summary.skipped)} "
                   f"up to date, in {summary.seconds:.1f} s"]
    if summary.failed:
        text.append("failures:")
        for result in summary.failed:
            job = jobs[result.key]
            why = result.failure.describe() if result.failure else "unknown error"
            text.append(f"  {job.notebook} (cohort {job.cohort}, {job.variant}): {why}")
    return "\n".join(text)
