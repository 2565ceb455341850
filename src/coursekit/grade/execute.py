"""One grading job, in a worker: rebuild the cohort, run the submission sandboxed, judge it.

:func:`grade_job` is what the render's executors (process pool, threads, Dask;
:mod:`coursekit.render.executors`) run for ``coursekit grade``. It never writes a file the
user sees and never raises for a bad submission: everything comes back in a
:class:`GradeResult` (plain data) that the grader's main process writes
(:mod:`coursekit.grade.run`). Steps, one module each:

1. the expected answers on the student's cohort, in this (the grader's) process
   (:mod:`coursekit.grade.expected`);
2. the submission prepared: outputs cleared, the roster's parameters injected after its
   ``parameters`` cell (papermill's ``parameterize_notebook``; whatever the submission set
   is overwritten), the read-out cell appended (:mod:`coursekit.grade.answers`);
3. run with nbclient in a sandboxed kernel (:mod:`coursekit.grade.sandbox`): a cell that
   errs or hits the cell time limit (interrupted) does not stop the others; output past
   the cap is dropped and its cell interrupted; the notebook time limit, memory and
   process limits kill the kernel's whole tree;
4. the answers read out as data and judged; every process the kernel started is killed.

>>> Note(3, "CellTimeout").describe()
'cell 3: CellTimeout'
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from coursekit.grade.answers import READOUT_TAG, keys_in_notebook, read_answers, readout_source
from coursekit.grade.expected import POINTS, Verdict, cohort, expected_values, verdict
from coursekit.grade.sandbox import (
    Limits,
    become_subreaper,
    kernel_manager_class,
    kill_tree,
    reap_orphans,
    sandbox_uid,
    working_folder,
)

TIMEOUT_ENAME = "CellTimeout"
#: Tag of the parameters cell the grader inserted (the submission had none).
INSERTED_TAG = "coursekit-inserted"


@dataclass(frozen=True)
class GradeJob:
    """One submission to grade: everything a worker needs, nothing secret, no student id."""

    key: str
    notebook: str
    label: str
    source: str
    parameters: Mapping[str, Any]
    exercises: tuple[str, ...]
    limits: Limits
    fingerprint: str
    origin: str = ""

    # What the render's executors and console read from a job.
    @property
    def cohort(self) -> str:
        return self.label

    @property
    def variant(self) -> str:
        return "submission"


@dataclass(frozen=True)
class Note:
    """Something that happened while the submission ran (a cell number as submitted)."""

    cell: int | None
    text: str

    def describe(self) -> str:
        return f"cell {self.cell}: {self.text}" if self.cell is not None else self.text


@dataclass(frozen=True)
class GradeResult:
    """What a worker sends back (plain data): the verdicts, the expected values, what happened."""

    key: str
    status: str  # graded | failed (no answers could be read)
    seconds: float
    verdicts: tuple[Verdict, ...] = ()
    expected: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()
    failure: str | None = None
    attempts: int = 1

    @property
    def total(self) -> float:
        return sum(v.points for v in self.verdicts)


def _clean(nb: Any) -> Any:
    """Outputs cleared; a read-out cell of an earlier grading removed."""
    keep = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if READOUT_TAG in tags:
            continue
        if not isinstance(tags, list):
            tags = []
        cell.setdefault("metadata", {})["tags"] = [t for t in tags if isinstance(t, str)]
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        keep.append(cell)
    nb.cells = keep
    nb.metadata.pop("widgets", None)
    nb.metadata["papermill"] = {}
    return nb


def prepare(source: str, parameters: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    """The notebook that runs: cleaned, roster parameters injected, read-out cell appended."""
    import nbformat
    from papermill.parameterize import parameterize_notebook

    nb = _clean(nbformat.reads(source, as_version=4))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    had = _injected_at(nb) is not None
    nb = parameterize_notebook(nb, dict(parameters), kernel_name="python3", language="python")
    at = _injected_at(nb)
    if not had and at is not None:
        nb.cells[at].metadata["tags"].append(INSERTED_TAG)
    cell = nbformat.v4.new_code_cell(readout_source(keys))
    cell.metadata["tags"] = [READOUT_TAG]
    nb.cells.append(cell)
    return nb


def _injected_at(nb: Any) -> int | None:
    for index, cell in enumerate(nb.cells):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            return index
    return None


def _submitted_number(nb: Any, index: int) -> int:
    """1-based number, in the notebook as submitted, of cell ``index`` of the run notebook.

    papermill replaces a submission's injected-parameters cell in place, and inserts one
    (not in the submission) when there is none: :func:`prepare` tags that one.
    """
    inserted = [i for i, c in enumerate(nb.cells)
                if INSERTED_TAG in c.get("metadata", {}).get("tags", [])]
    return index + 1 - sum(1 for i in inserted if i < index)


@lru_cache(maxsize=1)
def _client_class() -> type:
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        """nbclient, keeping at most ``output_cap`` bytes of output (the read-out exempt)."""

        output_cap = 2 * 2**20
        output_bytes = 0
        capped_cell: int | None = None
        kernel_pid: int | None = None

        async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> Any:
            if cell is not None:
                self.timed_out.append(cell)
            return await super()._async_handle_timeout(timeout, cell)

        def output(self, outs: list[Any], msg: dict[str, Any], display_id: str | None,
                   cell_index: int) -> Any:
            content = msg.get("content", {})
            size = len(str(content.get("text", ""))) + sum(
                len(str(v)) for v in (content.get("data") or {}).values())
            if cell_index == len(self.nb.cells) - 1:
                return super().output(outs, msg, display_id, cell_index)
            self.output_bytes += size
            if self.output_bytes > self.output_cap:
                if self.capped_cell is None:
                    self.capped_cell = cell_index
                    outs.append(_stream_note(
                        f"[coursekit grade: output past {self.output_cap // 1024} KiB cut]"))
                    if self.kernel_pid:
                        with contextlib.suppress(OSError):
                            os.kill(self.kernel_pid, signal.SIGINT)
                return None
            return super().output(outs, msg, display_id, cell_index)

    return CappedClient


def _stream_note(text: str) -> Any:
    import nbformat

    return nbformat.v4.new_output("stream", name="stderr", text=text + "\n")


def _run(nb: Any, limits: Limits) -> tuple[Any, list[Note], str | None]:
    """Execute ``nb`` sandboxed; return it, notes, and why no answers can be read (or None)."""
    from nbclient.exceptions import DeadKernelError

    uid = sandbox_uid()
    holder: dict[str, Any] = {}
    notes: list[Note] = []
    failure: str | None = None
    with working_folder(uid) as work:
        base = kernel_manager_class()

        class JobKernelManager(base):  # type: ignore[misc, valid-type]
            sandbox_workdir = str(work)
            sandbox_limits = limits
            sandbox_uid = uid

            async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
                await super()._async_launch_kernel(kernel_cmd, **kw)
                holder["watchdog"] = self.watchdog
                client.kernel_pid = self.watchdog.pid if self.watchdog else None

        client = _client_class()(
            nb, timeout=limits.cell_timeout, startup_timeout=limits.start_timeout,
            interrupt_on_timeout=True, allow_errors=True, store_widget_state=False,
            record_timing=False, shutdown_kernel="immediate", iopub_timeout=2,
            error_on_timeout={"ename": TIMEOUT_ENAME,
                              "evalue": f"stopped at the cell time limit ({limits.cell_timeout} s)",
                              "traceback": []},
            kernel_manager_class=JobKernelManager, kernel_name="python3",
            resources={"metadata": {"path": str(work)}})
        client.output_cap = limits.output_kb * 1024
        client.timed_out = []
        running: list[int] = []
        client.on_cell_execute = lambda cell, cell_index, **kw: running.__setitem__(
            slice(None), [cell_index])
        try:
            client.execute()
        except DeadKernelError:
            watchdog = holder.get("watchdog")
            why = watchdog.reason if watchdog and watchdog.reason else "the kernel died"
            cell = _submitted_number(nb, running[0]) if running else None
            failure = Note(cell, f"stopped: {why}").describe()
        except Exception as exc:  # noqa: BLE001 - a kernel that never started, and the like
            text = str(exc).strip().splitlines()
            failure = f"the notebook could not run ({type(exc).__name__}: " \
                      f"{text[0] if text else 'no message'})"
        finally:
            watchdog = holder.get("watchdog")
            if watchdog is not None:
                watchdog.stop()
                kill_tree(watchdog.seen)
            if multiprocessing.parent_process() is not None:
                reap_orphans()
        if client.capped_cell is not None:
            notes.append(Note(_submitted_number(nb, client.capped_cell),
                              f"output past {limits.output_kb} KiB was cut and the cell "
                              "interrupted"))
    timed_out = {id(c) for c in client.timed_out}
    for index, cell in enumerate(nb.cells[:-1]):
        if id(cell) in timed_out:
            notes.append(Note(_submitted_number(nb, index), f"{TIMEOUT_ENAME}: stopped at the "
                              f"cell time limit ({limits.cell_timeout} s)"))
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                text = f"{out.get('ename')}: {str(out.get('evalue', ''))[:200]}"
                notes.append(Note(_submitted_number(nb, index), text))
    return nb, notes, failure


def grade_job(job: GradeJob) -> GradeResult:
    """Grade one submission (see the module docstring); never raises for a bad submission."""
    from coursekit.course.exercises import exercise
    from coursekit.render.job import lighten_imports

    lighten_imports()
    started = time.perf_counter()
    if multiprocessing.parent_process() is not None:
        become_subreaper()
    exercises = [exercise(k) for k in job.exercises]
    course = cohort(job.parameters)
    expected = expected_values(exercises, course)
    import nbformat

    submitted = nbformat.reads(job.source, as_version=4)
    present = keys_in_notebook(submitted)
    nb = prepare(job.source, job.parameters, job.exercises)
    executed, notes, failure = _run(nb, job.limits)
    answers = read_answers(executed) if failure is None else None
    if failure is None and answers is None:
        failure = "no answers could be read (the read-out cell did not run to its end)"
    verdicts = []
    for ex in exercises:
        if answers is None:
            verdicts.append(Verdict(ex.key, "not graded", POINTS["not graded"],
                                    f"Not graded: {failure}.", None, None, expected[ex.key]))
        elif ex.key not in present:
            verdicts.append(Verdict(ex.key, "not attempted", 0.0,
                                    f"Not attempted: the exercise's answer cell is not in the "
                                    f"notebook. {ex.question}", None, None, expected[ex.key]))
        else:
            try:
                verdicts.append(verdict(ex, answers.get(ex.key), course))
            except Exception as exc:  # noqa: BLE001 - an exercise this cohort cannot answer
                verdicts.append(Verdict(ex.key, "not available", 0.0,
                                        f"This cohort cannot answer it ({type(exc).__name__}).",
                                        answers.get(ex.key)))
    return GradeResult(job.key, "failed" if failure else "graded",
                       time.perf_counter() - started, tuple(verdicts), expected, tuple(notes),
                       failure)
