"""``coursekit grade``: plan (check every input, list the jobs) and run (grade, write, report).

:func:`plan_grade` reads the roster (with the course secret, as ``render --roster``),
the course's source notebooks (for their exercises and parameter defaults) and the
submissions (:mod:`~coursekit.grade.submissions`), and checks each submission's identity
(:mod:`~coursekit.grade.identity`). What cannot be graded becomes a
:class:`~coursekit.grade.submissions.Problem` and the rest is planned: one
:class:`~coursekit.grade.execute.GradeJob` per student and notebook, the later of two
submissions by the platform's time.

:func:`run_grade` takes the output folder's lock (render's), runs the jobs on render's
executors (:mod:`coursekit.render.executors`: process pool, threads, Dask) with
:func:`~coursekit.grade.execute.grade_job`, caches each result as it comes
(``OUT/.grade/<fingerprint>.json``: ``resume`` re-uses it when the submission, the
student's parameters, the limits and coursekit's version are unchanged), adds the
integrity flags, then writes, each atomically:

- ``gradebook.csv`` and ``canvas.csv`` (:mod:`~coursekit.grade.gradebook`);
- ``problems.csv``: every submission that could not be graded, and why;
- ``<label>/feedback.html`` per student (:mod:`~coursekit.grade.feedback`);
- ``report.html``, the class report (:mod:`~coursekit.grade.classreport`), with the
  site's ``coursekit.css`` and ``plotly.min.js``.

Exit codes (the CLI) as render's: 0 all graded, 1 when a submission could not be graded
or a problem was found, 2 on bad input before anything ran, 130/143 on SIGINT/SIGTERM.

>>> GradeSummary(Path("g"), (), (), (), 1.0, "x").exit_code
0
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from coursekit import __version__
from coursekit.common.atomic import atomic_write_text
from coursekit.grade.console import GradeReporter, format_grade_summary
from coursekit.grade.execute import GradeJob, GradeResult, Note, grade_job
from coursekit.grade.expected import COMPARED_KINDS, Verdict, other_matches
from coursekit.grade.gradebook import (
    NOT_SUBMITTED,
    StudentRow,
    canvas_frame,
    gradebook_frame,
    write_csv,
)
from coursekit.grade.identity import identify, read_notebook
from coursekit.grade.sandbox import Limits, isolation
from coursekit.grade.submissions import (
    GradeError,
    Problem,
    Submission,
    collect,
    latest,
    read_mapping,
)

FLAG_OTHER_DATA = "matches another student's data"
__all__ = ["GradePlan", "GradeReporter", "GradeSummary", "format_grade_summary", "plan_grade",
           "run_grade"]
CACHE = ".grade"


@dataclass(frozen=True)
class GradePlan:
    """What a grading run will do, checked before any kernel starts."""

    out: Path
    notebooks: tuple[str, ...]
    titles: Mapping[str, str]
    exercises: Mapping[str, tuple[str, ...]]
    jobs: tuple[GradeJob, ...]
    problems: tuple[Problem, ...]
    #: roster label -> student id (instructor side only; never sent to a worker or a page)
    students: Mapping[str, str]
    #: job key -> flags and student-facing notes found while planning
    flags: Mapping[str, tuple[str, ...]]
    notes: Mapping[str, tuple[str, ...]]
    limits: Limits


@dataclass(frozen=True)
class GradeSummary:
    """The outcome: results per job, the problems, where the files are."""

    out: Path
    results: tuple[GradeResult, ...]
    problems: tuple[Problem, ...]
    jobs: tuple[GradeJob, ...]
    seconds: float
    isolation: str
    skipped: tuple[str, ...] = ()

    @property
    def failed(self) -> tuple[GradeResult, ...]:
        return tuple(r for r in self.results if r.status != "graded")

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.problems else 0


def _fingerprint(sub: Submission, params: Mapping[str, Any], keys: Sequence[str],
                 limits: Limits) -> str:
    h = hashlib.sha256()
    for part in (sub.data, json.dumps(dict(params), sort_keys=True).encode(),
                 ",".join(keys).encode(), json.dumps(limits.as_dict(), sort_keys=True).encode(),
                 __version__.encode()):
        h.update(part)
        h.update(b"\0")
    return h.hexdigest()


def plan_grade(submissions: str | Path, *, roster: str | Path, secret: str | None,
               notebooks: str | None = None, mapping: str | Path | None = None,
               out: str | Path = "grades", limits: Limits | None = None) -> GradePlan:
    """Check every input and list the jobs; :class:`GradeError` or ``RenderError`` when the
    run cannot start (nothing written). Bad submissions are problems, not errors."""
    from coursekit.course.exercises import exercises_for
    from coursekit.render.plan import prepare_out
    from coursekit.render.roster import check_secret, read_roster, student_label, student_seed
    from coursekit.render.sources import load_notebooks

    limits = limits or Limits()
    key = check_secret(secret)
    ids = read_roster(roster)
    labels = {student_label(sid, key): sid for sid in ids}
    label_of = {sid: lab for lab, sid in labels.items()}
    sources = [nb for nb in load_notebooks(notebooks) if exercises_for(nb.stem[:2])]
    if not sources:
        raise GradeError("none of the notebooks has exercises to grade")
    stems = [nb.stem for nb in sources]
    exercises = {nb.stem: tuple(e.key for e in exercises_for(nb.stem[:2])) for nb in sources}
    defaults = {nb.stem: dict(nb.parameters) for nb in sources}
    table = read_mapping(mapping) if mapping else None
    subs, found = collect(submissions, table)
    problems = list(found)
    chosen: dict[tuple[str, str], list[tuple[Submission, Any, tuple[str, ...]]]] = {}
    for sub in subs:
        if sub.submitter not in label_of:
            problems.append(Problem(sub.origin, f"submitter {sub.submitter!r} is not on the "
                                    f"roster {Path(roster).name} (expected a student_id of it)",
                                    sub.submitter))
            continue
        nb, problem = read_notebook(sub)
        if problem is not None:
            problems.append(problem)
            continue
        ident = identify(nb, sub, stems, label_of[sub.submitter], labels)
        if ident.notebook is None:
            problems.append(Problem(sub.origin, ident.problem or "not graded", sub.submitter))
            continue
        flags = ident.flags + (("late (as the platform marks it)",) if sub.late else ())
        chosen.setdefault((sub.submitter, ident.notebook), []).append((sub, nb, flags))
    jobs, flags_of, notes_of = [], {}, {}
    for (sid, stem), entries in chosen.items():
        best, others = latest([e[0] for e in entries])
        sub, nb, flags = next(e for e in entries if e[0] is best)
        notes: tuple[str, ...] = ()
        if others:
            said = (f"{len(others) + 1} submissions of {stem}: graded the later, "
                    f"{best.when} ({best.origin}), not "
                    + ", ".join(f"{o.when} ({o.origin})" for o in others))
            flags = (*flags, said)
            problems.append(Problem(best.origin, said, sid, stem))
            notes = (f"You submitted this notebook {len(others) + 1} times; the latest "
                     f"({best.when}) was graded.",)
        label = label_of[sid]
        params = {**{k: v for k, v in defaults[stem].items() if k != "data_path"},
                  "seed": student_seed(sid, key), "cohort": label}
        import nbformat

        keys = exercises[stem]
        jobs.append(GradeJob(f"{label}/{stem}", stem, label, nbformat.writes(nb), params, keys,
                             limits, _fingerprint(sub, params, keys, limits), sub.origin))
        flags_of[f"{label}/{stem}"] = flags
        notes_of[f"{label}/{stem}"] = notes
    out_path = prepare_out(out)
    titles = {nb.stem: nb.title for nb in sources}
    return GradePlan(out_path, tuple(stems), titles, exercises,
                     tuple(sorted(jobs, key=lambda j: j.key)), tuple(problems), labels,
                     flags_of, notes_of, limits)


# --- results: cache, conversion ------------------------------------------------------------

def _to_json(result: GradeResult) -> str:
    return json.dumps(asdict(result), sort_keys=True, default=str)


def _from_json(text: str) -> GradeResult:
    raw = json.loads(text)
    return GradeResult(raw["key"], raw["status"], raw["seconds"],
                       tuple(Verdict(**v) for v in raw["verdicts"]), raw["expected"],
                       tuple(Note(**n) for n in raw["notes"]), raw["failure"],
                       raw.get("attempts", 1))


def _as_grade_result(job: GradeJob, result: Any) -> GradeResult:
    """A worker's result; a render JobResult (a worker that died) becomes a failed grade."""
    if isinstance(result, GradeResult):
        return result
    why = result.failure.describe() if getattr(result, "failure", None) else "the worker died"
    return GradeResult(job.key, "failed", getattr(result, "seconds", 0.0),
                       tuple(Verdict(k, "not graded", 0.0, f"Not graded: {why}.")
                             for k in job.exercises), {}, (), why)


def _cached(out: Path, job: GradeJob) -> GradeResult | None:
    path = out / CACHE / f"{job.fingerprint}.json"
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        return _from_json(path.read_text(encoding="utf-8"))
    return None


# --- integrity -------------------------------------------------------------------------------

def integrity_flags(results: Sequence[GradeResult], jobs: Mapping[str, GradeJob]
                    ) -> dict[str, list[str]]:
    """job key -> exercises whose answer matches another graded student's expected value and
    not the student's own (number exercises only; a reason to look, not a verdict)."""
    from coursekit.course.exercises import exercise

    expected: dict[str, dict[str, Any]] = {}  # exercise key -> label -> expected
    for r in results:
        for key, value in r.expected.items():
            expected.setdefault(key, {})[jobs[r.key].label] = value
    found: dict[str, list[str]] = {}
    for r in results:
        label = jobs[r.key].label
        for v in r.verdicts:
            ex = exercise(v.key)
            if ex.kind not in COMPARED_KINDS or v.status in ("correct", "not attempted",
                                                             "not graded"):
                continue
            others = {lab: val for lab, val in expected.get(v.key, {}).items() if lab != label}
            if other_matches(ex, v.answer, r.expected.get(v.key), others):
                found.setdefault(r.key, []).append(v.key)
    return found


# --- writing -----------------------------------------------------------------------------------

def _write_outputs(plan: GradePlan, results: Mapping[str, GradeResult]) -> None:
    import pandas as pd

    from coursekit.course.exercises import exercise
    from coursekit.grade.classreport import report_page
    from coursekit.grade.feedback import NotebookFeedback, feedback_page
    from coursekit.render.htmlexport import write_site_assets

    out = plan.out
    jobs = {j.key: j for j in plan.jobs}
    odd = integrity_flags(list(results.values()), jobs)
    keys = [k for stem in plan.notebooks for k in plan.exercises[stem]]
    questions = {k: exercise(k).question for k in keys}
    rows = []
    for label, sid in sorted(plan.students.items(), key=lambda p: p[1]):
        cells: dict[str, tuple[str, float]] = {}
        flags: list[str] = []
        pages = []
        for stem in plan.notebooks:
            key = f"{label}/{stem}"
            result = results.get(key)
            if result is None:
                flags.append(f"{stem}: no submission")
                cells.update({k: (NOT_SUBMITTED, 0.0) for k in plan.exercises[stem]})
                pages.append(NotebookFeedback(plan.titles[stem], (), questions, (), False))
                continue
            cells.update({v.key: (v.status, v.points) for v in result.verdicts})
            flags.extend(f"{stem}: {f}" for f in plan.flags.get(key, ()))
            if result.failure:
                flags.append(f"{stem}: not graded: {result.failure}")
            if key in odd:
                flags.append(f"{stem}: {FLAG_OTHER_DATA} ({', '.join(odd[key])}): worth a "
                             "look, not a verdict")
            notes = [*plan.notes.get(key, ()), *(n.describe() for n in result.notes)]
            if result.failure:
                notes.append(f"Your notebook could not be graded: {result.failure}.")
            pages.append(NotebookFeedback(plan.titles[stem], result.verdicts, questions,
                                          tuple(notes)))
        rows.append(StudentRow(sid, cells, tuple(flags)))
        if any(p.submitted for p in pages):
            folder = out / label
            folder.mkdir(exist_ok=True)
            atomic_write_text(folder / "feedback.html", feedback_page(label, pages))
    write_csv(gradebook_frame(rows, keys), out / "gradebook.csv")
    write_csv(canvas_frame(rows, {s: plan.exercises[s] for s in plan.notebooks}, plan.titles),
              out / "canvas.csv")
    write_csv(pd.DataFrame([(p.origin, p.student_id or "", p.message) for p in plan.problems],
                           columns=["file", "student_id", "problem"]), out / "problems.csv")
    graded = [r for r in results.values() if r.status == "graded"]
    scores = pd.DataFrame([{v.key: v.points for v in r.verdicts} for r in graded],
                          columns=keys, dtype=float)
    traps: dict[str, list[tuple[str, int]]] = {}
    for k in keys:
        ex = exercise(k)
        for number, trap in enumerate(ex.traps, start=1):
            hits = sum(1 for r in graded for v in r.verdicts if v.key == k and v.trap == number)
            traps.setdefault(k, []).append((trap.hint, hits))
    write_site_assets(out)
    atomic_write_text(out / "report.html", report_page(
        scores, questions, traps, problems=len(plan.problems),
        title=f"Class report — {', '.join(plan.titles[s] for s in plan.notebooks)}"))


def run_grade(plan: GradePlan, *, jobs: int | None = None, executor: str = "process",
              scheduler: str | None = None, resume: bool = False,
              reporter: Any = None, kernel_start: str | None = None) -> GradeSummary:
    """Run a plan (see the module docstring); KeyboardInterrupt stops it, files stay whole.

    ``kernel_start`` is ``warm`` (each submission's kernel forked from a template per
    worker, then sandboxed), ``fresh``, ``auto`` or None (the default, as for a render:
    warm for two submissions or more per worker).
    """
    from coursekit.render import executors
    from coursekit.render.console import Reporter
    from coursekit.render.executors import Options, get_executor
    from coursekit.render.job import lighten_imports
    from coursekit.render.lock import render_lock
    from coursekit.render.scratch import scratch_folder

    lighten_imports()
    run = get_executor(executor)
    reporter = reporter or Reporter()
    out = plan.out
    started = time.perf_counter()
    results: dict[str, GradeResult] = {}
    iso = isolation()
    with render_lock(out, reporter.note) as lock_fd, scratch_folder() as scratch:
        if iso.other_user:
            os.chmod(scratch, 0o711)  # kernels of another user reach their folders, list none
        (out / CACHE).mkdir(exist_ok=True)
        todo = []
        for job in plan.jobs:
            hit = _cached(out, job) if resume else None
            if hit is not None:
                results[job.key] = hit
            else:
                todo.append(job)
        skipped = tuple(k for k in results)
        reporter.start(len(todo), len(skipped))
        from coursekit.render.provisioner import choose

        workers = jobs or os.cpu_count() or 1
        options = Options(workers=workers, scheduler=scheduler,
                          lock_fd=lock_fd, scratch=str(scratch),
                          connect_timeout=executors.DASK_CONNECT_TIMEOUT, work=grade_job,
                          kernel_start=choose(kernel_start, len(todo), workers),
                          template="grade")
        try:
            stream = run(todo, options) if todo else iter(())
            with contextlib.closing(stream):
                for job, raw in stream:
                    result = _as_grade_result(job, raw)
                    results[job.key] = result
                    if result.status == "graded":
                        atomic_write_text(out / CACHE / f"{job.fingerprint}.json",
                                          _to_json(result))
                    reporter.job_done(job, result)
        finally:
            reporter.finish()
        _write_outputs(plan, results)
    ordered = tuple(results[j.key] for j in plan.jobs if j.key in results)
    return GradeSummary(out, ordered, plan.problems, plan.jobs, time.perf_counter() - started,
                        iso.describe(), skipped)
