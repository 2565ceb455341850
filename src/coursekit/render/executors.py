"""Where a render's jobs run: a small registry of executors (process pool, threads, Dask).

An executor takes the jobs and :class:`Options` and yields ``(job, result)`` as
jobs finish; it never writes a file (the render's main process does). Register
another with :func:`register`, as papermill registers its engines.

- ``process`` (default): a process pool on this machine, forked so that workers
  start with papermill and nbconvert imported. Each worker, in
  :func:`worker_start`, closes its inherited copy of the render lock's
  descriptor, ignores SIGINT and SIGTERM (the main process decides), keeps its
  temporary files in the render's scratch folder (:mod:`coursekit.render.scratch`),
  gives its kernels their share of the cores as BLAS threads (:func:`blas_threads`,
  unless the environment sets them) and dies with the main process whatever kills it
  (:func:`coursekit.render.lifeline.die_with_parent`); its kernels die with it
  (:mod:`coursekit.render.kernel`). With warm kernels (``Options.kernel_start``) each
  worker starts its template (:mod:`coursekit.render.warm`) at once, and every
  executor runs its jobs with that kernel start
  (:func:`coursekit.render.provisioner.run_with_kernel_start`; per Dask worker, a
  template of its own). When the run is interrupted, the main process
  kills the workers at once instead of waiting for their notebooks.
- ``thread``: threads in this process (benchmarks; a Ctrl-C waits for the
  notebooks that are running).
- ``dask``: a Dask cluster (``scheduler`` address). A lost worker fails its job;
  an interrupted or killed client loses only the results not yet written, and
  its cancelled futures stop the cluster's queued work.

>>> sorted(EXECUTORS)
['dask', 'process', 'thread']
>>> get_executor("ssh")
Traceback (most recent call last):
...
coursekit.common.errors.RenderError: unknown executor 'ssh' (expected dask, process, thread)
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from coursekit.common.errors import RenderError
from coursekit.render.job import Failure, Job, JobResult, execute_job

DASK_CONNECT_TIMEOUT = 10
#: Seconds an interrupted render waits for terminated workers before killing them.
STOP_GRACE = 3.0

Stream = Iterator[tuple[Job, JobResult]]


@dataclass(frozen=True)
class Options:
    """What an executor may need: workers on this machine, a cluster, the lock to keep."""

    workers: int = 1
    scheduler: str | None = None
    #: The render lock's descriptor, closed in forked workers; None: no lock to keep out.
    lock_fd: int | None = None
    #: Folder for the workers' temporary files (:mod:`coursekit.render.scratch`).
    scratch: str | None = None
    connect_timeout: float = DASK_CONNECT_TIMEOUT
    #: What runs each job in a worker (a picklable module-level function); None:
    #: :func:`coursekit.render.job.execute_job`. ``coursekit grade`` passes its own.
    work: Callable[[Any], Any] | None = None
    #: How kernels start: ``warm`` (forked from a template) or ``fresh``; None: the
    #: default (:mod:`coursekit.render.provisioner`).
    kernel_start: str | None = None
    #: Which kind of warm template a worker starts at once (``render``; grading's ``grade``).
    template: str = "render"


Executor = Callable[[Sequence[Job], Options], Stream]
EXECUTORS: dict[str, Executor] = {}


def register(name: str) -> Callable[[Executor], Executor]:
    """Decorator: make an executor available as ``--executor NAME``."""
    def add(func: Executor) -> Executor:
        EXECUTORS[name] = func
        return func

    return add


def get_executor(name: str) -> Executor:
    """The executor registered as ``name``; :class:`RenderError` naming the known ones if none."""
    try:
        return EXECUTORS[name]
    except KeyError:
        known = ", ".join(sorted(EXECUTORS))
        raise RenderError(f"unknown executor {name!r} (expected {known})") from None


def _failed(job: Job, where: str, exc: BaseException) -> JobResult:
    return JobResult(job.key, "failed", 0.0, failure=Failure(None, None, f"{where}: {exc!r}"))


def _work(options: Options) -> Callable[[Any], Any]:
    """What a worker runs for each job: ``options.work`` with the render's kernel start."""
    from functools import partial

    from coursekit.render.provisioner import run_with_kernel_start

    return partial(run_with_kernel_start, options.kernel_start, options.work or execute_job)


# --- process pool ------------------------------------------------------------------------

def blas_threads(workers: int) -> int:
    """BLAS threads for each kernel of ``workers`` pool workers: the cores shared out.

    A kernel would take every core (OpenBLAS's default), and two kernels on two cores would
    then run four threads that wait on each other (a 4-student roster rendered about 15%
    faster with one thread each, measured with ``time`` on 2 cores).

    >>> blas_threads(1) == (os.cpu_count() or 1), blas_threads(10**6)
    (True, 1)
    """
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def worker_start(parent_pid: int, lock_fd: int | None, scratch: str | None = None,
                 kernel_start: str | None = None, template: str = "render",
                 workers: int = 1) -> None:
    """Initializer of every pool worker: no lock, no tracebacks on signals, no orphans.

    Temporary files (papermill's, the kernels' connection files and sockets) go into
    the render's ``scratch`` folder, which outlives a killed worker only until the next
    render.
    """
    from coursekit.render.lifeline import die_with_parent
    from coursekit.render.scratch import use_in_this_process

    if lock_fd is not None:
        with contextlib.suppress(OSError):
            os.close(lock_fd)  # the forked copy of the render lock's file description
    # A Ctrl-C, or a SIGTERM sent to the whole process group, is for the main process to
    # handle: it stops the workers itself (SIGKILL). A worker that died of it first would
    # race the main process's interrupt and be reported as a failed job.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if scratch is not None:
        use_in_this_process(scratch)
    die_with_parent(parent_pid)
    from coursekit.render.warm import THREAD_VARIABLES

    if not any(os.environ.get(name) for name in THREAD_VARIABLES):  # the user's choice stands
        os.environ.update({name: str(blas_threads(workers)) for name in THREAD_VARIABLES})
    from coursekit.render import provisioner

    if provisioner.resolve_kernel_start(kernel_start) == "warm":
        provisioner.prestart(template)  # imports while the first notebook is set up


def _pool_context() -> Any:
    import multiprocessing

    # fork: workers start at once with papermill and nbconvert already imported.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _stop(processes: Sequence[Any]) -> None:
    """Kill pool workers (they ignore SIGTERM) and wait up to :data:`STOP_GRACE` for them.

    Nothing in a worker needs a clean exit: it writes no file, its kernels die with it
    (their parent-death signal) and its temporary files are in the render's scratch folder.
    """
    for proc in processes:
        if proc.is_alive():
            proc.kill()
    deadline = time.monotonic() + STOP_GRACE
    for proc in processes:
        proc.join(timeout=max(0.0, deadline - time.monotonic()))


@register("process")
def run_processes(todo: Sequence[Job], options: Options) -> Stream:
    """Jobs in a forked process pool of ``options.workers`` (at most one per job)."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    import nbformat  # noqa: F401 - imported before the fork, once
    import papermill  # noqa: F401

    workers = max(1, min(options.workers, len(todo)))
    pool = ProcessPoolExecutor(max_workers=workers,
                               mp_context=_pool_context(), initializer=worker_start,
                               initargs=(os.getpid(), options.lock_fd, options.scratch,
                                         options.kernel_start, options.template, workers))
    futures = {pool.submit(_work(options), job): job for job in todo}
    finished = False
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker that died fails its job
                    result = _failed(job, "worker", exc)
                yield job, result
        finished = True
    finally:
        # The pool's own list of workers: shutdown() forgets it, and a worker still
        # running a notebook after an interrupt must be stopped, not waited for.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=finished, cancel_futures=True)
        if not finished:
            _stop(processes)


# --- threads -----------------------------------------------------------------------------

@register("thread")
def run_threads(todo: Sequence[Job], options: Options) -> Stream:
    """Jobs in ``options.workers`` threads of this process."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        futures = {pool.submit(_work(options), job): job for job in todo}
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            for future in futures:
                future.cancel()


# --- Dask --------------------------------------------------------------------------------

def _dask_client(scheduler: str | None, timeout: float) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise RenderError("--executor dask needs the optional extra: "
                          "pip install 'coursekit[dask]'") from None
    if not scheduler:
        raise RenderError("--executor dask needs --scheduler ADDRESS (tcp://host:8786)")
    try:
        return Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise RenderError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None


@register("dask")
def run_dask(todo: Sequence[Job], options: Options) -> Stream:
    """Jobs on the Dask cluster at ``options.scheduler``; a lost worker fails its job."""
    from distributed import as_completed

    client = _dask_client(options.scheduler, options.connect_timeout)
    futures = {}
    try:
        work = _work(options)
        futures = {client.submit(work, job, key=f"coursekit-{job.key}-{job.fingerprint[:8]}",
                                 pure=False): job for job in todo}
        for future in as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its job
                result = _failed(job, "dask", exc)
            yield job, result
    finally:
        if futures:
            client.cancel(list(futures))  # queued work is dropped, not left to the cluster
        client.close()
