"""Batch rendering for instructors: cohorts, per-student data, variants, offline HTML.

``coursekit render`` (and :func:`plan_render` + :func:`run_render` behind it)
turns the parameterized course notebooks into executed notebooks and an
offline HTML site, for one cohort or a whole class.

Cohorts
-------
- no data option: the bundled cohort, label ``bundled``;
- ``seed``: a simulated cohort (``seed-S``); ``data``: a survey file (checked
  against the codebook before any kernel starts);
- ``roster``: a CSV with a ``student_id`` column; each student gets a personal
  seed and a pseudonymous label from the id and a course secret
  (:mod:`coursekit.render.roster`). Neither the id nor the secret reaches any output:
  the label names the student's folder and is the notebooks' ``cohort``
  parameter.

Parameters travel typed through papermill's API (never its command line, which
turns ``007`` into ``7``). Every name must be declared in each notebook's
``parameters`` cell; an unknown one stops the render before a kernel starts.

Variants
--------
From one source: the ``instructor`` variant runs the notebook as written; the
``student`` variant replaces each ``solution``-tagged cell with a placeholder
that still runs (:func:`placeholder_source`) and has no outputs. Both start
from cleared outputs, so nothing stored in the source notebook leaks into a
student copy. ``execute=False`` writes the parameterized copies unexecuted
(papermill's ``prepare_only``) for learners to run themselves.

Running
-------
Jobs (one notebook x cohort x variant) run in a process pool (or on a Dask
cluster); each job executes with papermill (``store_widget_state=False``,
``shutdown_kernel='immediate'``), retries a kernel that fails to start
(port collisions, a kernel dying before it answers) with backoff, and exports
its page (:mod:`coursekit.render.htmlexport`) in the worker (:mod:`coursekit.render.job`).
Only the parent process writes files, each to a temporary name renamed into
place, followed by the manifest (``manifest.json``), so an interrupted run
leaves whole files only.
``resume`` skips jobs whose fingerprint (notebook after the variant change,
parameters, data file bytes, coursekit version) is in the manifest with its
outputs present. It trusts the version: after changing coursekit itself
without a new version, render without ``resume``.

A failed notebook's good output from an earlier run is kept; the failed run is
written beside it as ``NAME.failed.ipynb`` and ``NAME.failed.html`` (the
notebook with papermill's error marker), listed as failed in the index, and
removed by the next successful render of that notebook.

Output layout::

    OUT/index.html  OUT/plotly.min.js  OUT/coursekit.css  OUT/manifest.json
    OUT/<cohort label>/<variant>/<notebook>.ipynb and .html

Start-up costs (measured in ``benchmarks/bench_render.py``)
-----------------------------------------------------------
``import papermill`` pulls in jsonschema, which builds the IRI grammar of
``rfc3987_syntax`` at import (about 1.5 s here; jsonschema issues 1428 and
1521). :func:`lighten_imports` keeps that optional module out of the render
process and its workers: jsonschema then skips only the ``iri`` formats, which
nothing in a render validates. Render kernels start through
:mod:`coursekit.render.kernel`, which does the same inside the kernel (plotly's
FigureWidget pulls in nbformat there) and leaves out debugpy; set
``COURSEKIT_PLAIN_KERNELS=1`` to use plain ``ipykernel_launcher``. Kernels talk
to their workers over Unix sockets (``ipc``) on POSIX, which cannot collide on
ports, and are stopped without the graceful-shutdown wait once their notebook
is done.
"""

from __future__ import annotations

import ast
import contextlib
import fnmatch
import glob as globmod
import hashlib
import json
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from coursekit import __version__
from coursekit.common.atomic import atomic_write_text
from coursekit.common.errors import RenderError
from coursekit.common.paths import source_checkout
from coursekit.render.job import (
    KERNEL_START_ATTEMPTS,
    PLAIN_KERNELS_ENV,
    Failure,
    Job,
    JobResult,
    execute_job,
    lighten_imports,
)
from coursekit.render.roster import (
    SECRET_ENV,
    check_secret,
    read_roster,
    student_label,
    student_seed,
    which_students,
)

VARIANTS = ("student", "instructor")
SOLUTION_TAG = "solution"
PARAMETERS_TAG = "parameters"
PLACEHOLDER_COMMENT = "write your answer here"
DEFAULT_NOTEBOOKS = "notebooks/[0-9][0-9]_*.ipynb"
DEFAULT_TIMEOUT = 600
DASK_CONNECT_TIMEOUT = 10
MANIFEST = "manifest.json"
LOCK = ".render.lock"
#: Bump when the outputs change for the same inputs: a resumed render then redoes everything.
OUTPUT_FORMAT = 1

_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_TEMP_FILE = re.compile(r"^\..+\.[A-Za-z0-9_]+\.part$")  # atomic_path names


# --- variants ----------------------------------------------------------------------------

def _assigned_names(tree: ast.Module) -> list[str]:
    names: list[str] = []

    def add(target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            if target.id not in names:
                names.append(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            for item in target.elts:
                add(item)
        elif isinstance(target, ast.Starred):
            add(target.value)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                add(target)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            add(node.target)
    return names


def placeholder_source(source: str) -> str:
    """What a student sees instead of a solution cell: runnable, no answer.

    Every name the solution assigns at top level becomes
    ``name = None  # write your answer here`` (so the exercise check after it
    says "not attempted yet"); a solution that assigns nothing becomes the
    comment alone.

    >>> placeholder_source("answer_02_1 = round(alpha.raw, 2)")
    'answer_02_1 = None  # write your answer here\\n'
    """
    try:
        names = _assigned_names(ast.parse(source))
    except SyntaxError:
        names = []
    if not names:
        return f"# {PLACEHOLDER_COMMENT}\n"
    return "".join(f"{name} = None  # {PLACEHOLDER_COMMENT}\n" for name in names)


def make_variant(nb: Any, variant: str) -> Any:
    """A copy of notebook ``nb`` for ``variant`` (``student`` or ``instructor``), outputs cleared.

    Student: each ``solution``-tagged code cell gets :func:`placeholder_source`,
    a tagged Markdown cell gets "*Write your answer here.*".
    """
    import copy

    if variant not in VARIANTS:
        raise RenderError(f"unknown variant {variant!r} (expected one of {', '.join(VARIANTS)})")
    out = copy.deepcopy(nb)
    out.metadata.pop("widgets", None)
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if variant == "student" and SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            if cell.cell_type == "code":
                cell.source = placeholder_source(cell.source)
            else:
                cell.source = "*Write your answer here.*"
            cell.pop("attachments", None)
    return out


# --- parameters --------------------------------------------------------------------------

def parse_parameter(text: str, default: Any = None) -> Any:
    """A ``-p NAME VALUE`` value, typed without losing anything.

    A JSON literal (``300``, ``0.5``, ``true``, ``null``, ``"300"``) becomes
    that value, except where the notebook's default is a string: then the text
    is kept as written. Anything else stays the text itself, so ``007`` stays
    ``"007"`` (JSON numbers have no leading zeros).

    >>> parse_parameter("300"), parse_parameter("007"), parse_parameter("2026", default="x")
    (300, '007', '2026')
    """
    if isinstance(default, str):
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, str | int | float | bool) or value is None else text


@dataclass(frozen=True)
class SourceNotebook:
    """A course notebook as found on disk, with the parameters its ``parameters`` cell declares."""

    path: Path
    stem: str
    title: str
    parameters: Mapping[str, Any]
    node: Any = field(repr=False, compare=False)


def _default_value(info: Mapping[str, Any]) -> Any:
    try:
        return ast.literal_eval(str(info.get("default")))
    except (ValueError, SyntaxError):
        return None


def load_notebooks(pattern: str | None = None, *, root: Path | None = None) -> list[SourceNotebook]:
    """The notebooks matching ``pattern`` (a glob), sorted, read and inspected.

    The default pattern is :data:`DEFAULT_NOTEBOOKS` under the current folder,
    else under the source checkout. Raises :class:`RenderError` when nothing
    matches or a file is not a notebook.
    """
    import nbformat
    from papermill import inspect_notebook

    from coursekit.render.htmlexport import notebook_title

    if pattern is None:
        base = root or Path.cwd()
        if not list(base.glob(DEFAULT_NOTEBOOKS)):
            base = source_checkout()
        paths = sorted(base.glob(DEFAULT_NOTEBOOKS))
        shown = str(base / DEFAULT_NOTEBOOKS)
    else:
        paths = sorted(Path(p) for p in globmod.glob(pattern, recursive=True)
                       if fnmatch.fnmatch(p, "*.ipynb") and Path(p).is_file())
        shown = pattern
    if not paths:
        raise RenderError(f"no notebook matches {shown!r} (expected .ipynb files)")
    stems = [p.stem for p in paths]
    repeated = sorted({s for s in stems if stems.count(s) > 1})
    if repeated:
        raise RenderError(f"two notebooks share the name {repeated[0]!r}; names must be unique")
    found = []
    for path in paths:
        try:
            node = nbformat.read(path, as_version=4)
            params = inspect_notebook(str(path))
        except Exception as exc:  # noqa: BLE001 - any unreadable notebook stops the render
            raise RenderError(f"{path}: not a readable notebook ({exc})") from None
        found.append(SourceNotebook(path.resolve(), path.stem, notebook_title(node, path.stem),
                                    {name: _default_value(info) for name, info in params.items()},
                                    node))
    return found


def check_parameters(notebooks: Sequence[SourceNotebook], names: Iterable[str]) -> None:
    """Raise :class:`RenderError` unless every notebook declares every parameter name."""
    for nb in notebooks:
        unknown = [n for n in names if n not in nb.parameters]
        if unknown:
            declared = ", ".join(nb.parameters) or "none: it has no cell tagged 'parameters'"
            raise RenderError(f"{nb.path.name}: unknown parameter {unknown[0]!r} "
                              f"(its parameters: {declared})")


# --- the plan ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Cohort:
    """One cohort to render: its folder label and the parameters its notebooks get."""

    label: str
    parameters: Mapping[str, Any]
    data_digest: str | None = None
    #: Folder the kernels run in (the data file's, so that ``data_path`` is a bare file
    #: name and no instructor's folder names reach a page); None: the notebook's folder.
    workdir: str | None = None


@dataclass(frozen=True)
class RenderPlan:
    """What a render will do: checked inputs and the jobs, before any kernel starts."""

    out: Path
    notebooks: tuple[SourceNotebook, ...]
    cohorts: tuple[Cohort, ...]
    variants: tuple[str, ...]
    jobs: tuple[Job, ...]


def _fingerprint(source: str, parameters: Mapping[str, Any], cohort: Cohort,
                 variant: str, execute: bool) -> str:
    h = hashlib.sha256()
    for part in (source, json.dumps(parameters, sort_keys=True, default=str),
                 cohort.data_digest or "-", variant, str(execute), str(OUTPUT_FORMAT),
                 __version__):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _check_label(label: str, what: str) -> str:
    if not _LABEL.match(label):
        raise RenderError(
            f"{what} {label!r} cannot name a folder (expected letters, digits, '.', '_' or '-', "
            "starting with a letter or digit, at most 64 characters, no '/' or '..')")
    return label


def prepare_out(out: str | Path) -> Path:
    """Create the output folder if needed and check that files can be written there."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise RenderError(f"--out {path}: is a file, expected a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path, prefix=".write-test.", suffix=".part")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise RenderError(f"--out {path}: cannot write there ({exc.strerror or exc})") from None
    return path.resolve()


def _data_cohort(data: str | Path, label: str | None) -> Cohort:
    from coursekit.common.errors import SurveyDataError
    from coursekit.survey.load import check_survey

    path = Path(data)
    if not path.is_file():
        raise RenderError(f"--data {path}: no such file")
    checked = check_survey(path)
    if checked.report.errors:
        raise SurveyDataError(checked.report.source, list(checked.report.errors))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-.") or "data"
    label = _check_label(label or f"data-{stem}"[:64], "cohort label")
    return Cohort(label, {"data_path": path.name, "cohort": label}, digest,
                  workdir=str(path.resolve().parent))


def plan_render(
    *,
    notebooks: str | None = None,
    data: str | Path | None = None,
    seed: int | None = None,
    roster: str | Path | None = None,
    secret: str | None = None,
    cohort: str | None = None,
    variant: str = "instructor",
    parameters: Sequence[tuple[str, str]] = (),
    out: str | Path = "build",
    execute: bool = True,
    timeout: int = DEFAULT_TIMEOUT,
) -> RenderPlan:
    """Check every input and list the jobs; raises :class:`RenderError` (nothing started).

    ``variant`` is ``student``, ``instructor`` or ``both``; ``parameters`` are
    extra ``(name, text)`` pairs typed by :func:`parse_parameter`.
    """
    lighten_imports()
    if sum(x is not None for x in (data, seed, roster)) > 1:
        raise RenderError("choose one of --data, --seed and --roster")
    variants = VARIANTS if variant == "both" else (variant,)
    for v in variants:
        if v not in VARIANTS:
            raise RenderError(f"unknown variant {v!r} (expected student, instructor or both)")
    if timeout < 1:
        raise RenderError(f"--timeout {timeout}: expected a whole number of seconds >= 1")
    if roster is not None and cohort is not None:
        raise RenderError("--cohort names one cohort; a roster names each student itself")
    found = load_notebooks(notebooks)

    extra: dict[str, str] = {}
    reserved = {"seed": "--seed", "data_path": "--data", "cohort": "--cohort"}
    for name, text in parameters:
        if name in reserved:
            raise RenderError(f"set {name} with {reserved[name]}, not as a parameter")
        extra[name] = text
    check_parameters(found, extra)

    if roster is not None:
        key = check_secret(secret)
        ids = read_roster(roster)
        labels: dict[str, str] = {}
        for sid in ids:
            label = student_label(sid, key)
            if label in labels:
                raise RenderError(f"roster {roster}: two students get the same label; "
                                  "choose another course secret")
            labels[label] = sid
        cohorts = [Cohort(student_label(sid, key),
                          {"seed": student_seed(sid, key), "cohort": student_label(sid, key)})
                   for sid in ids]
    elif data is not None:
        cohorts = [_data_cohort(data, cohort)]
    elif seed is not None:
        label = _check_label(cohort or f"seed-{seed}", "cohort label")
        cohorts = [Cohort(label, {"seed": int(seed), "cohort": label})]
    else:
        label = _check_label(cohort or "bundled", "cohort label")
        cohorts = [Cohort(label, {"cohort": label} if cohort else {})]
    check_parameters(found, {n for c in cohorts for n in c.parameters})

    out_path = prepare_out(out)
    import nbformat

    jobs = []
    for c in cohorts:
        for nb in found:
            typed = {name: parse_parameter(text, nb.parameters.get(name))
                     for name, text in extra.items()}
            params = {**c.parameters, **typed}
            for v in variants:
                source = nbformat.writes(make_variant(nb.node, v))
                jobs.append(Job(
                    key=f"{c.label}/{v}/{nb.stem}", notebook=nb.stem, title=nb.title,
                    cohort=c.label, variant=v, source=source, parameters=params,
                    execute=execute, timeout=int(timeout),
                    cwd=c.workdir or str(nb.path.parent),
                    fingerprint=_fingerprint(source, params, c, v, execute)))
    return RenderPlan(out_path, tuple(found), tuple(cohorts), tuple(variants), tuple(jobs))


# --- the run -----------------------------------------------------------------------------

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
    """Progress callbacks of :func:`run_render`; this one is silent."""

    def start(self, total: int, skipped: int) -> None: ...

    def job_done(self, job: Job, result: JobResult) -> None: ...

    def finish(self) -> None: ...


def _manifest_path(out: Path) -> Path:
    return out / MANIFEST


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of site folder ``out`` (an empty one if absent or unreadable)."""
    try:
        data = json.loads(_manifest_path(out).read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("entries"), dict):
            return data
    except (OSError, ValueError):
        pass
    return {"entries": {}}


def _write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    manifest["coursekit"] = __version__
    manifest["format"] = OUTPUT_FORMAT
    atomic_write_text(_manifest_path(out),
                      json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def _is_done(out: Path, job: Job, entry: Mapping[str, Any] | None) -> bool:
    if not entry or entry.get("fingerprint") != job.fingerprint:
        return False
    if entry.get("status") not in ("ok", "prepared"):
        return False
    return all((out / rel).is_file() for rel in entry.get("outputs", []))


def _remove_stale_temp_files(out: Path) -> int:
    """Temporary files a killed run left (``.NAME.XXXX.part``); the run holds the lock."""
    removed = 0
    for path in out.rglob(".*.part"):
        if path.is_file() and _TEMP_FILE.match(path.name):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed


@contextlib.contextmanager
def _lock(out: Path) -> Iterator[None]:
    """One render per output folder at a time (released by the OS if the process dies)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; renders into one folder must not overlap
        yield
        return
    with open(out / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise RenderError(f"--out {out}: another render is writing there") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """``kill`` (SIGTERM) stops a render like Ctrl-C does: temporary files are removed."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _write_result(out: Path, job: Job, result: JobResult, entries: dict[str, Any]) -> None:
    from coursekit.common.atomic import atomic_write_text as write

    folder = out / job.folder
    folder.mkdir(parents=True, exist_ok=True)
    failed = result.status == "failed"
    outputs = []
    if result.ipynb is not None:
        write(out / job.output(".ipynb", failed), result.ipynb)
        outputs.append(job.output(".ipynb", failed))
    if result.html is not None:
        write(out / job.output(".html", failed), result.html)
        outputs.append(job.output(".html", failed))
    if not failed:
        for suffix in (".ipynb", ".html"):
            with contextlib.suppress(FileNotFoundError):
                (out / job.output(suffix, failed=True)).unlink()
        if not job.execute:  # a prepared copy has no page; drop an older one
            with contextlib.suppress(FileNotFoundError):
                (out / job.output(".html")).unlink()
    entries[job.key] = {
        "cohort": job.cohort, "variant": job.variant, "notebook": job.notebook,
        "title": job.title, "status": result.status,
        "fingerprint": job.fingerprint if not failed else None,
        "outputs": outputs, "seconds": round(result.seconds, 2), "attempts": result.attempts,
        "failure": asdict(result.failure) if result.failure else None,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def _write_index(out: Path, entries: Mapping[str, Any]) -> None:
    from coursekit.render.htmlexport import IndexEntry, write_index

    rows = []
    for entry in entries.values():
        outputs = entry.get("outputs", [])
        page = next((o for o in outputs if o.endswith(".html")), None)
        notebook = next((o for o in outputs if o.endswith(".ipynb")), None)
        failure = entry.get("failure")
        detail = Failure(**failure).describe() if failure else ""
        rows.append(IndexEntry(entry["cohort"], entry["variant"], entry["notebook"],
                               entry.get("title", entry["notebook"]), entry["status"],
                               page, notebook, detail))
    write_index(out, rows)


def _pool_context() -> Any:
    import multiprocessing

    # fork: workers start at once with papermill and nbconvert already imported.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_processes(todo: Sequence[Job], workers: int) -> Iterator[tuple[Job, JobResult]]:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    import nbformat  # noqa: F401 - imported before the fork, once
    import papermill  # noqa: F401

    pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(todo))),
                               mp_context=_pool_context())
    futures = {pool.submit(execute_job, job): job for job in todo}
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker that died fails its job
                    result = JobResult(job.key, "failed", 0.0,
                                       failure=Failure(None, None, f"worker: {exc!r}"))
                yield job, result
    finally:
        # The pool's own list of workers: shutdown() forgets it, and a worker still
        # running a notebook after an interrupt must be stopped, not waited for.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + 3
        for proc in processes:
            proc.join(timeout=max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.terminate()


def _run_threads(todo: Sequence[Job], workers: int) -> Iterator[tuple[Job, JobResult]]:
    from concurrent.futures import ThreadPoolExecutor, as_completed

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(execute_job, job): job for job in todo}
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            for future in futures:
                future.cancel()


def _run_dask(todo: Sequence[Job], scheduler: str | None) -> Iterator[tuple[Job, JobResult]]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise RenderError("--executor dask needs the optional extra: "
                          "pip install 'coursekit[dask]'") from None
    if not scheduler:
        raise RenderError("--executor dask needs --scheduler ADDRESS (tcp://host:8786)")
    try:
        client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise RenderError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
    try:
        futures = {client.submit(execute_job, job, key=f"coursekit-{job.key}-{job.fingerprint[:8]}",
                                 pure=False): job for job in todo}
        for future in as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its job
                result = JobResult(job.key, "failed", 0.0,
                                   failure=Failure(None, None, f"dask: {exc!r}"))
            yield job, result
    finally:
        client.close()


def run_render(
    plan: RenderPlan,
    *,
    jobs: int | None = None,
    executor: str = "process",
    scheduler: str | None = None,
    resume: bool = False,
    reporter: Reporter | None = None,
) -> RenderSummary:
    """Run a plan: site assets, the jobs in parallel, outputs, manifest and index.

    ``executor`` is ``process`` (default; ``jobs`` workers, default: CPU count),
    ``thread`` or ``dask`` (``scheduler`` is the cluster's address). A
    KeyboardInterrupt (or SIGTERM) stops the run; files already written stay
    whole, temporary files are removed, and the index lists what is done.
    """
    from coursekit.render.htmlexport import write_site_assets

    lighten_imports()
    reporter = reporter or Reporter()
    out = plan.out
    started = time.perf_counter()
    results: list[JobResult] = []
    interrupted = False
    with _lock(out), _sigterm_as_interrupt():
        _remove_stale_temp_files(out)
        manifest = read_manifest(out)
        entries: dict[str, Any] = manifest["entries"]
        todo = [j for j in plan.jobs if not (resume and _is_done(out, j, entries.get(j.key)))]
        skipped = tuple(j.key for j in plan.jobs if j not in todo)
        reporter.start(len(todo), len(skipped))
        try:
            if any(j.execute for j in plan.jobs):
                write_site_assets(out)
            workers = jobs or os.cpu_count() or 1
            if not todo:
                stream: Iterable[tuple[Job, JobResult]] = ()
            elif executor == "process":
                stream = _run_processes(todo, workers)
            elif executor == "thread":
                stream = _run_threads(todo, workers)
            elif executor == "dask":
                stream = _run_dask(todo, scheduler)
            else:
                raise RenderError(f"unknown executor {executor!r} (expected process or dask)")
            for job, result in stream:
                _write_result(out, job, result, entries)
                _write_manifest(out, manifest)
                results.append(result)
                reporter.job_done(job, result)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            _write_index(out, entries)
            reporter.finish()
    if interrupted:
        raise KeyboardInterrupt
    return RenderSummary(out, tuple(results), skipped, plan.jobs,
                         time.perf_counter() - started, interrupted)


# --- reporting ---------------------------------------------------------------------------

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


def format_summary(summary: RenderSummary) -> str:
    """The closing report: a table per notebook, then every failure on its own line."""
    by_nb: dict[str, dict[str, Any]] = {}
    jobs = {j.key: j for j in summary.jobs}
    for job in summary.jobs:
        by_nb.setdefault(job.notebook, {"ok": 0, "failed": 0, "prepared": 0, "skipped": 0,
                                        "seconds": []})
    for key in summary.skipped:
        by_nb[jobs[key].notebook]["skipped"] += 1
    for result in summary.results:
        row = by_nb[jobs[result.key].notebook]
        row[result.status] += 1
        row["seconds"].append(result.seconds)
    head = ("notebook", "ok", "failed", "skipped", "mean s", "max s")
    lines = []
    for name, row in by_nb.items():
        secs = row["seconds"]
        lines.append((name, str(row["ok"] + row["prepared"]), str(row["failed"]),
                      str(row["skipped"]), f"{sum(secs) / len(secs):.1f}" if secs else "-",
                      f"{max(secs):.1f}" if secs else "-"))
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    text = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    text += [fmt.format(*r) for r in lines]
    n_ok = sum(r.status in ("ok", "prepared") for r in summary.results)
    text.append(f"{n_ok} rendered, {len(summary.failed)} failed, {len(summary.skipped)} "
                f"up to date, in {summary.seconds:.1f} s")
    if summary.failed:
        text.append("failures:")
        for result in summary.failed:
            job = jobs[result.key]
            why = result.failure.describe() if result.failure else "unknown error"
            text.append(f"  {job.notebook} (cohort {job.cohort}, {job.variant}): {why}")
    return "\n".join(text)


__all__ = [
    "KERNEL_START_ATTEMPTS", "PLAIN_KERNELS_ENV", "SECRET_ENV", "ConsoleReporter", "Failure",
    "Job", "JobResult", "RenderPlan", "RenderSummary", "Reporter", "SourceNotebook",
    "check_parameters", "check_secret", "execute_job", "format_summary", "lighten_imports",
    "load_notebooks", "make_variant", "parse_parameter", "placeholder_source", "plan_render",
    "read_manifest", "read_roster", "run_render", "student_label", "student_seed",
    "which_students",
]
