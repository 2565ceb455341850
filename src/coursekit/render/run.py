"""Batch rendering for instructors: :func:`run_render` runs a plan into an offline site.

``coursekit render`` is :func:`coursekit.render.plan.plan_render` (check every
input, list the jobs) and :func:`run_render` (take the site's lock, run the jobs
on an executor, write each result, the manifest and the index as jobs finish).
The pieces, one job each:

- :mod:`~coursekit.render.sources`, :mod:`~coursekit.render.parameters`,
  :mod:`~coursekit.render.variants`, :mod:`~coursekit.render.roster`,
  :mod:`~coursekit.render.plan`: what to render;
- :mod:`~coursekit.render.job` (one notebook executed with papermill and its page
  exported, in a worker), :mod:`~coursekit.render.kernel` (the render kernels'
  launcher), :mod:`~coursekit.render.executors` (process pool, threads, Dask),
  :mod:`~coursekit.render.lifeline` (nothing outlives the render),
  :mod:`~coursekit.render.scratch` (the workers' temporary files);
- :mod:`~coursekit.render.lock`, :mod:`~coursekit.render.manifest`,
  :mod:`~coursekit.render.outputs`, :mod:`~coursekit.render.htmlexport`: what is
  written, and how it stays whole;
- :mod:`~coursekit.render.console`: progress and the summary.

``resume`` skips jobs whose fingerprint (notebook after the variant change,
parameters, data file bytes, coursekit version) is in the manifest with its
outputs present. It trusts the version: after changing coursekit itself
without a new version, render without ``resume``.

Start-up costs (measured in ``benchmarks/bench_render.py``)
-----------------------------------------------------------
``import papermill`` pulls in jsonschema, which builds the IRI grammar of
``rfc3987_syntax`` at import (about 1.5 s here; jsonschema issues 1428 and
1521). :func:`lighten_imports` keeps that optional module out of the render
process and its workers: jsonschema then skips only the ``iri`` formats, which
nothing in a render validates. Render kernels start through
:mod:`coursekit.render.kernel`, which does the same inside the kernel and leaves
out debugpy; set ``COURSEKIT_PLAIN_KERNELS=1`` to use plain
``ipykernel_launcher``. Kernels talk to their workers over Unix sockets
(``ipc``) on POSIX, which cannot collide on ports, and are stopped without the
graceful-shutdown wait once their notebook is done.

This module also re-exports the render's public names, so that
``from coursekit.render import run as render`` reaches them all:

>>> from coursekit.render import run as render
>>> render.parse_parameter("007"), render.VARIANTS
('007', ('student', 'instructor'))
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

from coursekit.render import executors
from coursekit.render.console import ConsoleReporter, RenderSummary, Reporter, format_summary
from coursekit.render.executors import DASK_CONNECT_TIMEOUT, EXECUTORS, Options, get_executor
from coursekit.render.job import (
    KERNEL_START_ATTEMPTS,
    PLAIN_KERNELS_ENV,
    Failure,
    Job,
    JobResult,
    execute_job,
    lighten_imports,
)
from coursekit.render.lock import LOCK, render_lock
from coursekit.render.manifest import MANIFEST, is_done, read_manifest, write_manifest
from coursekit.render.outputs import remove_stale_temp_files, write_result, write_site_index
from coursekit.render.parameters import PARAMETERS_TAG, check_parameters, parse_parameter
from coursekit.render.plan import (
    DEFAULT_TIMEOUT,
    OUTPUT_FORMAT,
    Cohort,
    RenderPlan,
    plan_render,
    prepare_out,
)
from coursekit.render.roster import (
    SECRET_ENV,
    check_secret,
    read_roster,
    student_label,
    student_seed,
    which_students,
)
from coursekit.render.scratch import scratch_folder
from coursekit.render.sources import DEFAULT_NOTEBOOKS, SourceNotebook, load_notebooks
from coursekit.render.variants import (
    PLACEHOLDER_COMMENT,
    SOLUTION_TAG,
    VARIANTS,
    make_variant,
    placeholder_source,
)


class Interrupted(KeyboardInterrupt):
    """A render stopped by a signal (``signum``): SIGINT (Ctrl-C) or SIGTERM (``kill``)."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signum)
        self.signum = int(signum)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """``kill`` (SIGTERM) stops a render like Ctrl-C does: temporary files are removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_render(
    plan: RenderPlan,
    *,
    jobs: int | None = None,
    executor: str = "process",
    scheduler: str | None = None,
    resume: bool = False,
    reporter: Reporter | None = None,
    kernel_start: str | None = None,
) -> RenderSummary:
    """Run a plan: site assets, the jobs in parallel, outputs, manifest and index.

    ``executor`` is ``process`` (default; ``jobs`` workers, default: CPU count),
    ``thread`` or ``dask`` (``scheduler`` is the cluster's address).
    ``kernel_start`` is ``warm`` (kernels forked from a template per worker,
    :mod:`coursekit.render.provisioner`), ``fresh``, ``auto`` (warm for two notebooks or
    more per worker) or None (the default, ``auto``). A
    KeyboardInterrupt (or SIGTERM) stops the run; files already written stay
    whole, temporary files are removed, and the index lists what is done.
    """
    import os

    from coursekit.render.htmlexport import write_site_assets

    lighten_imports()
    run = get_executor(executor)
    reporter = reporter or Reporter()
    out = plan.out
    started = time.perf_counter()
    results: list[JobResult] = []
    interrupted: KeyboardInterrupt | None = None
    with (render_lock(out, reporter.note) as lock_fd, scratch_folder() as scratch,
          _sigterm_as_interrupt()):
        remove_stale_temp_files(out)
        manifest = read_manifest(out)
        entries: dict[str, Any] = manifest["entries"]
        todo = [j for j in plan.jobs if not (resume and is_done(out, j, entries.get(j.key)))]
        skipped = tuple(j.key for j in plan.jobs if j not in todo)
        reporter.start(len(todo), len(skipped))
        from coursekit.render.provisioner import choose

        workers = jobs or os.cpu_count() or 1
        options = Options(workers=workers, scheduler=scheduler,
                          lock_fd=lock_fd, scratch=str(scratch),
                          connect_timeout=executors.DASK_CONNECT_TIMEOUT,
                          kernel_start=choose(kernel_start, len(todo), workers))
        try:
            if any(j.execute for j in plan.jobs):
                write_site_assets(out)
            stream = run(todo, options) if todo else (pair for pair in ())
            with contextlib.closing(stream):  # an interrupt stops the workers at once
                for job, result in stream:
                    write_result(out, job, result, entries)
                    write_manifest(out, manifest)
                    results.append(result)
                    reporter.job_done(job, result)
        except KeyboardInterrupt as exc:
            interrupted = exc if isinstance(exc, Interrupted) else Interrupted(signal.SIGINT)
        finally:
            write_site_index(out, entries)
            reporter.finish()
    if interrupted is not None:
        raise interrupted from None
    return RenderSummary(out, tuple(results), skipped, plan.jobs, time.perf_counter() - started)


__all__ = [
    "DASK_CONNECT_TIMEOUT", "DEFAULT_NOTEBOOKS", "DEFAULT_TIMEOUT", "EXECUTORS",
    "KERNEL_START_ATTEMPTS", "LOCK", "MANIFEST", "OUTPUT_FORMAT", "PARAMETERS_TAG",
    "PLACEHOLDER_COMMENT", "PLAIN_KERNELS_ENV", "SECRET_ENV", "SOLUTION_TAG", "VARIANTS", "Cohort",
    "ConsoleReporter", "Failure", "Interrupted", "Job", "JobResult", "RenderPlan", "RenderSummary",
    "Reporter", "SourceNotebook", "check_parameters", "check_secret", "execute_job",
    "format_summary", "lighten_imports", "load_notebooks", "make_variant", "parse_parameter",
    "placeholder_source", "plan_render", "prepare_out", "read_manifest", "read_roster",
    "run_render", "student_label", "student_seed", "which_students",
]
