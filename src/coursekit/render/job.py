"""One job of a render: execute one notebook with papermill and export its page.

:func:`execute_job` runs in a worker process (or on a Dask worker) and never
writes a file the user sees: it returns the executed notebook and its page as
text in a :class:`JobResult`, and the render's parent process writes them.
Kernels that fail to start (a port collision, a kernel dying before it
answers) are retried with backoff; a failing cell comes back as a
:class:`Failure` naming the cell (as numbered in the notebook as written), its
execution count, the error and the failing code line; a kernel that dies
(``os._exit``, the out-of-memory killer) fails its job at the cell it was running.

>>> Failure(4, 3, "KeyError: 'b'", "line 3: values['b']").describe()
"cell 4 [3]: KeyError: 'b' (line 3: values['b'])"
>>> _is_start_failure(OSError(98, "Address already in use"))
True
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from coursekit.common.lean import SLOW_OPTIONAL, keep_out

KERNEL_START_ATTEMPTS = 3
#: Seconds between looks at a kernel that was killed, until it is gone.
KERNEL_GONE_POLL = 0.005
#: Set to any value to start render kernels with plain ``ipykernel_launcher``.
PLAIN_KERNELS_ENV = "COURSEKIT_PLAIN_KERNELS"


def lighten_imports() -> None:
    """Keep the slow optional imports of :mod:`coursekit.common.lean` out of this process."""
    keep_out(*SLOW_OPTIONAL)


@dataclass(frozen=True)
class Job:
    """One notebook x cohort x variant; everything a worker needs, nothing secret."""

    key: str
    notebook: str
    title: str
    cohort: str
    variant: str
    source: str
    parameters: Mapping[str, Any]
    execute: bool
    timeout: int
    cwd: str | None
    fingerprint: str

    @property
    def folder(self) -> str:
        return f"{self.cohort}/{self.variant}"

    def output(self, suffix: str, failed: bool = False) -> str:
        """Output path relative to the site folder."""
        return f"{self.folder}/{self.notebook}{'.failed' if failed else ''}{suffix}"


@dataclass(frozen=True)
class Failure:
    """Why a notebook failed: where (1-based cell number in the notebook as written) and what."""

    cell: int | None
    execution_count: int | None
    error: str
    code_line: str = ""

    def describe(self) -> str:
        where = []
        if self.cell is not None:
            where.append(f"cell {self.cell}")
        if self.execution_count is not None:
            where.append(f"[{self.execution_count}]")
        text = (" ".join(where) + ": " if where else "") + self.error
        return text + (f" ({self.code_line})" if self.code_line else "")


@dataclass(frozen=True)
class JobResult:
    """What a worker sends back: status, texts to write, timing, and the failure if any."""

    key: str
    status: str  # ok | failed | prepared
    seconds: float
    attempts: int = 1
    ipynb: str | None = None
    html: str | None = None
    failure: Failure | None = None


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _code_line(traceback: Sequence[str]) -> str:
    """``line N: code`` of the failing cell, from an IPython traceback."""
    text = _ANSI.sub("", "\n".join(traceback))
    match = re.search(r"Cell In\[\d+\], line (\d+)\n(?:.*\n)*?-+> *\d+ (.*)", text)
    if match:
        return f"line {match.group(1)}: {match.group(2).strip()}"
    return ""


def _source_cell_number(nb: Any, index: int) -> int:
    """1-based number, in the notebook as written, of the cell papermill reports as ``index``.

    ``index`` counts the executed notebook's cells (the injected parameters cell
    included) before papermill added its error-marker cells to ``nb``.
    """
    from papermill.execute import ERROR_MARKER_TAG

    cells = [c for c in nb.cells if ERROR_MARKER_TAG not in c.get("metadata", {}).get("tags", [])]
    injected = sum(1 for c in cells[:index]
                   if "injected-parameters" in c.get("metadata", {}).get("tags", []))
    return index - injected + 1


def _is_start_failure(exc: BaseException) -> bool:
    """A kernel that failed to start (port collision, died before answering): worth a retry."""
    if getattr(exc, "errno", None) == errno.EADDRINUSE:
        return True
    text = str(exc)
    return any(s in text for s in ("Address already in use",
                                   "Kernel died before replying to kernel_info",
                                   "Kernel didn't respond in"))


@lru_cache(maxsize=1)
def _kernel_manager_class() -> type:
    from jupyter_client import AsyncKernelManager

    class RenderKernelManager(AsyncKernelManager):
        """A kernel on Unix sockets in a private folder (POSIX): no ports to collide on."""

        def __init__(self, **kw: Any) -> None:
            # Ready when the kernel has answered (coursekit.render.client), not 0.2 s later.
            kw.setdefault("client_class", "coursekit.render.client.RenderKernelClient")
            super().__init__(**kw)
            self._ipc_dir: str | None = None
            if os.name == "posix":
                self._ipc_dir = tempfile.mkdtemp(prefix="ck-")
                self.transport = "ipc"
                self.ip = os.path.join(self._ipc_dir, "k")

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            cmd = super().format_kernel_cmd(extra_arguments)
            # Our own launcher only for our own interpreter, where coursekit is importable.
            if (cmd[:3] == [sys.executable, "-m", "ipykernel_launcher"]
                    and not os.environ.get(PLAIN_KERNELS_ENV)):
                cmd[2] = "coursekit.render.kernel"
            return cmd

        async def _async_pre_start_kernel(self, **kw: Any) -> Any:
            # No secret reaches a kernel; a warm start forks it from the worker's template
            # (coursekit.render.provisioner), a fresh one starts it as before.
            from coursekit.render.kernel import kernel_environment
            from coursekit.render.provisioner import use_warm_if_chosen

            kw["env"] = kernel_environment(kw.get("env") or os.environ)
            use_warm_if_chosen(self, kw)
            return await super()._async_pre_start_kernel(**kw)

        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            # A killed kernel is gone within milliseconds; jupyter_client looks every 0.1 s,
            # and a render stops one kernel per notebook.
            await super()._async_wait(pollinterval=min(pollinterval, KERNEL_GONE_POLL))

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart=restart)
            if not restart and self._ipc_dir:
                shutil.rmtree(self._ipc_dir, ignore_errors=True)

        cleanup_resources = _async_cleanup_resources

    return RenderKernelManager


def _tidy(nb: Any, job: Job) -> Any:
    """Executed notebook as written out: no widget state, static figures beside widget views."""
    from coursekit.common.mime import PLOTLY_MIME, WIDGET_MIME

    nb.metadata.pop("widgets", None)
    pm = nb.metadata.get("papermill")
    if isinstance(pm, dict):
        pm["input_path"] = f"{job.notebook}.ipynb"
        pm["output_path"] = f"{job.notebook}.ipynb"
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data and PLOTLY_MIME in data:
                del data[WIDGET_MIME]
    return nb


_warmed = False


def _warm_exporter_in_background() -> Any:
    """Build the HTML exporter (about 1 s, once per process) while the first kernel runs."""
    global _warmed
    if _warmed:
        return None
    _warmed = True
    import threading

    # Import in this thread what both threads need: two threads importing the same
    # package at once can see it half-initialized (seen: KeyError: 'IPython').
    import IPython  # noqa: F401
    import nbconvert.exporters  # noqa: F401

    from coursekit.render.htmlexport import warm

    thread = threading.Thread(target=warm, name="coursekit-warm-exporter", daemon=True)
    thread.start()
    return thread


def _execution_failure(exc: Any, target: str) -> tuple[Any, Failure]:
    """The executed notebook (papermill's error marker in it) and where a cell failed."""
    import nbformat

    executed = nbformat.read(target, as_version=4) if os.path.exists(target) else None
    cell = _source_cell_number(executed, exc.cell_index) if executed else None
    error = (f"{exc.ename}: {exc.evalue}" if str(exc.evalue).strip()
             else str(exc.ename)).strip().splitlines()[0]
    return executed, Failure(cell, exc.exec_count, error, _code_line(exc.traceback or []))


def _execute(job: Job, node: Any) -> tuple[Any, Failure | None, int]:
    """Run the notebook with papermill, retrying a kernel that fails to start.

    Returns the executed notebook (None when there is none to show), the failure
    if any, and the number of attempts.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    kernel = node.metadata.get("kernelspec", {}).get("name") or "python3"
    cwd = job.cwd if job.cwd and os.path.isdir(job.cwd) else None
    running: list[Any] = []  # the cell being executed, for a kernel that dies in it

    def on_cell_execute(cell: Any, cell_index: int, **kw: Any) -> None:
        running[:] = [cell]

    with tempfile.TemporaryDirectory(prefix="coursekit-render-") as tmp:
        target = os.path.join(tmp, f"{job.notebook}.ipynb")
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            running.clear()
            try:
                executed = papermill.execute_notebook(
                    node, target, parameters=dict(job.parameters) or None,
                    kernel_name=kernel, progress_bar=False, log_output=False,
                    request_save_on_cell_execute=False, prepare_only=not job.execute,
                    execution_timeout=job.timeout, start_timeout=60, cwd=cwd,
                    store_widget_state=False, shutdown_kernel="immediate",
                    kernel_manager_class=_kernel_manager_class(),
                    on_cell_execute=on_cell_execute)
                return executed, None, attempt
            except PapermillExecutionError as exc:
                return (*_execution_failure(exc, target), attempt)
            except Exception as exc:  # noqa: BLE001 - reported as this job's failure
                if _is_start_failure(exc) and attempt < KERNEL_START_ATTEMPTS:
                    time.sleep(0.5 * 2 ** (attempt - 1))
                    continue
                return None, _other_failure(exc, node, running[0] if running else None), attempt
    raise AssertionError("unreachable: the last attempt returns")


def execute_job(job: Job) -> JobResult:
    """Run one job: execute (with kernel start-up retries) and export its page.

    Never raises for a failing notebook: the failure comes back in the result.
    """
    lighten_imports()
    started = time.perf_counter()
    import logging

    import nbformat

    # Every failure comes back in the result; papermill's and nbclient's log
    # lines would repeat it on the terminal, out of order.
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    from coursekit.render.htmlexport import export_page

    warmer = _warm_exporter_in_background() if job.execute else None
    node = nbformat.reads(job.source, as_version=4)
    executed, failure, attempts = _execute(job, node)
    if executed is not None:
        # One print can arrive as two stream messages when the kernel flushes between
        # them (a timing race): merged, the same run gives the same notebook and page.
        from nbconvert.preprocessors import CoalesceStreamsPreprocessor

        executed, _ = CoalesceStreamsPreprocessor().preprocess(executed, {})
    if executed is None:
        return JobResult(job.key, "failed", time.perf_counter() - started, attempts,
                         failure=failure)
    crumbs = (job.cohort, f"{job.variant} variant") + (("FAILED",) if failure else ())
    page = None
    if job.execute:
        if warmer is not None:
            warmer.join()
        try:
            page = export_page(executed, page_title=f"{job.title} — {job.cohort} ({job.variant})",
                               root="../../", crumbs=crumbs)
        except Exception as exc:  # noqa: BLE001 - a page that cannot be made fails the job
            failure = failure or Failure(None, None, f"HTML export: {type(exc).__name__}: {exc}")
    status = "failed" if failure else ("ok" if job.execute else "prepared")
    return JobResult(job.key, status, time.perf_counter() - started, attempts,
                     nbformat.writes(_tidy(executed, job)), page, failure)


def _cell_number(node: Any, cell: Any) -> int | None:
    """1-based number, in the notebook as written, of an executed ``cell`` (by id, else source)."""
    code = [(n, c) for n, c in enumerate(node.cells, start=1) if c.cell_type == "code"]
    for number, candidate in code:
        if cell.get("id") and candidate.get("id") == cell.get("id"):
            return number
    for number, candidate in code:
        if candidate.get("source", "") == cell.get("source", ""):
            return number
    return None


def _other_failure(exc: BaseException, node: Any, running: Any = None) -> Failure:
    """A failure that is not a cell's error: a timeout, a kernel that died, a start failure.

    ``running`` is the cell the kernel was executing, if any: a kernel that died
    (``os._exit``, the out-of-memory killer, a signal) is reported at that cell.
    """
    from nbclient.exceptions import DeadKernelError

    name = type(exc).__name__
    text = str(exc).strip()
    first = text.splitlines()[0] if text else ""
    if isinstance(exc, DeadKernelError) and running is not None:
        number = _cell_number(node, running)
        return Failure(number, None, f"{name}: {first or 'the kernel died'}")
    if "timed out" in text:
        # nbclient's message previews the cell source; find which cell it is.
        for number, cell in enumerate(node.cells, start=1):
            src = cell.get("source", "").strip()
            if cell.cell_type == "code" and src and src in text:
                return Failure(number, None, f"{name}: {first}")
    return Failure(None, None, f"{name}: {first}" if first else name)
