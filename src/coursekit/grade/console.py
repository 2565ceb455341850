"""What ``coursekit grade`` says on the terminal: progress (render's reporter) and a summary.

:class:`GradeReporter` is render's :class:`~coursekit.render.console.ConsoleReporter`
(a tqdm bar on a terminal, a line per submission otherwise) with a grading job's line;
:func:`format_grade_summary` lays out a table per notebook with ``tabulate``, then the
isolation this system gave the kernels, every problem and every submission that could not
be graded. Labels only: no student id reaches the terminal from a worker's result (the
problems name files as the platform named them).

>>> from pathlib import Path
>>> from coursekit.grade.run import GradeSummary
>>> print(format_grade_summary(GradeSummary(Path("g"), (), (), (), 1.0, "no network")))
notebook    graded    not graded    mean points    max points    mean s
----------  --------  ------------  -------------  ------------  --------
0 graded, 0 not graded, 0 problem(s), in 1.0 s
kernels: no network
"""

from __future__ import annotations

from typing import Any

from coursekit.render.console import ConsoleReporter

_HEAD = ("notebook", "graded", "not graded", "mean points", "max points", "mean s")


class GradeReporter(ConsoleReporter):
    """Render's console reporter, worded for submissions."""

    def job_done(self, job: Any, result: Any) -> None:
        self.done += 1
        if result.status != "graded":
            self._write(f"NOT GRADED {job.key}: {result.failure}")
        if self.bar is not None:
            self.bar.set_postfix_str(job.key, refresh=False)
            self.bar.update(1)
        elif result.status == "graded":
            self._write(f"[{self.done}/{self.total}] graded {job.key}: "
                        f"{result.total:g}/{len(result.verdicts)} ({result.seconds:.1f} s)")


def format_grade_summary(summary: Any) -> str:
    """The closing report (see the module docstring)."""
    from tabulate import tabulate

    jobs = {j.key: j for j in summary.jobs}
    per: dict[str, list[Any]] = {}
    for job in summary.jobs:
        per.setdefault(job.notebook, [])
    for r in summary.results:
        per[jobs[r.key].notebook].append(r)
    rows = []
    for name, results in per.items():
        graded = [r for r in results if r.status == "graded"]
        secs = [r.seconds for r in results]
        rows.append((name, str(len(graded)), str(len(results) - len(graded)),
                     f"{sum(r.total for r in graded) / len(graded):.2f}" if graded else "-",
                     str(len(jobs_for(summary, name))), f"{sum(secs) / len(secs):.1f}"
                     if secs else "-"))
    table = tabulate(rows, headers=_HEAD, tablefmt="simple", disable_numparse=True,
                     colalign=("left",) + ("right",) * (len(_HEAD) - 1))
    n_graded = sum(r.status == "graded" for r in summary.results)
    text = [table, f"{n_graded} graded, {len(summary.failed)} not graded, "
                   f"{len(summary.problems)} problem(s), in {summary.seconds:.1f} s"
            + (f" ({len(summary.skipped)} from an earlier run)" if summary.skipped else ""),
            f"kernels: {summary.isolation}"]
    if summary.problems:
        text.append("problems:")
        text.extend(f"  {p.describe()}" for p in summary.problems)
    if summary.failed:
        text.append("not graded:")
        text.extend(f"  {r.key}: {r.failure}" for r in summary.failed)
    if summary.results or summary.problems:
        text.append(f"wrote {summary.out}/gradebook.csv, canvas.csv, problems.csv, "
                    "report.html and <label>/feedback.html")
    return "\n".join(text)


def jobs_for(summary: Any, notebook: str) -> tuple[str, ...]:
    """Exercise keys of ``notebook`` (from its first job), for the max-points column."""
    for job in summary.jobs:
        if job.notebook == notebook:
            return tuple(job.exercises)
    return ()
