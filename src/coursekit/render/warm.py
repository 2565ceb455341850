"""The warm template: one process that imports the course's libraries once and forks kernels.

A fresh render kernel spends most of its start-up importing numpy, pandas,
scipy, statsmodels, plotly, ipywidgets, ipykernel and coursekit (about 2 s of
the 2.5 s before a notebook's first real cell, measured in
``benchmarks/bench_render.py``). The template, run as ``python -m
coursekit.render.warm SOCKET PARENT`` by :mod:`coursekit.render.provisioner`,
imports them once (:data:`PRELOAD`) with single-threaded BLAS, starts no
thread and no zmq context, and then waits on a Unix socket (once it has forked
:data:`SECONDARY_AFTER` kernels, it imports the rarer heavy modules of
:data:`SECONDARY` while no request waits). For each request
(the kernel's arguments, working folder and environment) it forks twice: the
grandchild becomes the kernel and the middle process exits at once, so the
kernel is re-parented to the requesting worker (a child subreaper, see
:func:`coursekit.render.provisioner.become_subreaper`). The worker then waits
for, signals and reaps the kernel as its own child, the kernel dies with the
worker as a directly started one does (:mod:`coursekit.render.lifeline`), and
a template that dies takes no running kernel with it.

What makes the kernel as fresh as a started one (:func:`become_kernel`):
only descriptors 0-2 stay open, standard input a pipe without writer; a new
session (as jupyter_client's ``start_new_session``); the requested working
folder; ``os.environ`` replaced
by exactly the requested environment (plus what the preload's imports set in it,
unless the request sets it too); fresh seeds for :mod:`random` and
numpy's global generator; ``tempfile`` forgets its cached folder; BLAS gets the
number of threads a started kernel would have; ``sys.argv`` as the launcher
has it; and what preloaded modules decide at import from whether a shell exists
(ipywidgets' comm target, pandas' ``display.max_columns``) is decided again once
the shell does. Each kernel is forked from the template, never from another
kernel, so nothing a notebook does reaches the next one.

The template holds no secret, roster or student data: it is a new program
(``exec``, not a fork of the worker), its environment is the worker's without
secrets (:func:`coursekit.render.kernel.kernel_environment`), it reads nothing
but its imports, and it answers only its parent (``SO_PEERCRED``).

``COURSEKIT_WARM_FAULT`` in a request's environment makes the template fail on
purpose, for the fallback tests: ``refuse`` answers with an error, ``die``
exits without answering.

>>> request_error({"argv": ["-f", "k.json"], "cwd": "/", "env": {}})
>>> request_error({"argv": "-f", "cwd": "/", "env": {}})
'argv is not a list of strings'
>>> request_error({"argv": [], "cwd": "/", "env": {}, "launcher": "os"})
'launcher is not a coursekit kernel launcher'
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import signal
import socket
import struct
import sys
import time
from collections.abc import Mapping
from typing import Any

#: What the template imports before it forks: the course's libraries and the kernel.
#: coursekit adds its public modules and the modules a notebook uses whole
#: (``coursekit._PUBLIC``, ``coursekit._MODULES``), which import the parts of scipy and
#: statsmodels they use. The rest is what every kernel imports as it starts (IPython's
#: debugger, history and store magic, ipykernel's debugger, tornado's queues: about
#: 0.2 s each time) and what most notebooks import on first use (plotly's offline
#: output, statsmodels' formulas). Measured by listing ``sys.modules`` at the end of
#: each course notebook against the template's; the rarer heavy ones (semopy with sympy,
#: for one notebook's CFA) stay out: each worker's template would import them for a
#: course render that uses them once.
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
    "IPython", "IPython.core.debugger", "IPython.core.completerlib", "IPython.core.oinspect",
    "IPython.core.logger", "IPython.extensions.storemagic", "sqlite3", "faulthandler",
    "runpy", "resource", "tornado.queues", "tornado.locks", "tornado.platform.asyncio",
    "numpy", "pandas", "scipy.stats", "plotly.graph_objects", "plotly.graph_objs._figure",
    "plotly.graph_objs._scatter", "plotly.graph_objs._bar", "plotly.io", "plotly.io._json",
    "plotly.offline", "plotly.tools", "plotly.subplots", "ipywidgets",
    "statsmodels.formula.api", "statsmodels.multivariate.factor_rotation", "threadpoolctl",
    "coursekit", "coursekit.render.lifeline", "coursekit.render.kernel",
)
#: Imported by a template that has already forked :data:`SECONDARY_AFTER` kernels, one
#: module at a time while no request waits: semopy (with sympy and scikit-learn, about
#: 1.1 s) serves one notebook of eight, so a short render should not wait for it in every
#: worker, while a roster's hundreds of kernels should not import it each.
SECONDARY = ("sympy", "sklearn", "semopy")
SECONDARY_AFTER = 4
#: Set in the template's environment before any import: no BLAS/OpenMP threads to fork.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
FAULT_ENV = "COURSEKIT_WARM_FAULT"
#: Longest request accepted (the environment is most of it).
MAX_REQUEST = 1 << 20
#: Seconds a new kernel waits to be re-parented to the worker before giving up.
REPARENT_TIMEOUT = 10.0


#: The kernel launchers a template may become: a coursekit ``kernel`` module with a
#: ``prepare_process`` (render's, or grading's sandbox); a request that names none gets
#: :data:`DEFAULT_LAUNCHER`.
LAUNCHER = re.compile(r"coursekit\.[a-z]+\.kernel")
DEFAULT_LAUNCHER = "coursekit.render.kernel"


def request_error(request: Any) -> str | None:
    """What is wrong with a fork request, or None: argv, cwd, env and launcher of the kernel."""
    if not isinstance(request, dict):
        return "the request is not a JSON object"
    launcher = request.get("launcher", DEFAULT_LAUNCHER)
    if not (isinstance(launcher, str) and LAUNCHER.fullmatch(launcher)):
        return "launcher is not a coursekit kernel launcher"
    argv, cwd, env = request.get("argv"), request.get("cwd"), request.get("env")
    if not (isinstance(argv, list) and all(isinstance(a, str) for a in argv)):
        return "argv is not a list of strings"
    if not isinstance(cwd, str):
        return "cwd is not a string"
    if not (isinstance(env, dict) and all(isinstance(k, str) and isinstance(v, str)
                                          for k, v in env.items())):
        return "env is not a mapping of strings"
    return None


# --- in the kernel (the grandchild) -------------------------------------------------------

def _exit(code: int) -> None:
    """End a forked process as an interpreter would, without returning into the template."""
    import atexit

    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    os._exit(code)


def _wait_for_parent(parent: int) -> None:
    """Wait until the middle process has exited and this one belongs to ``parent``."""
    deadline = time.monotonic() + REPARENT_TIMEOUT
    while os.getppid() != parent:
        if time.monotonic() > deadline:
            raise RuntimeError(f"not re-parented to {parent} (parent is {os.getppid()})")
        time.sleep(0.0005)


def _blas_threads(env: Mapping[str, str]) -> int:
    """The BLAS threads a kernel started with ``env`` gets (OpenBLAS's rule)."""
    for name in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"):
        value = env.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)


def _fresh_state(env: Mapping[str, str]) -> None:
    """Per-process state that a started kernel would have made for itself."""
    import random
    import tempfile

    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()  # the legacy global generator: new entropy
    tempfile.tempdir = None
    if "threadpoolctl" in sys.modules:
        with contextlib.suppress(Exception):
            sys.modules["threadpoolctl"].threadpool_limits(_blas_threads(env), user_api="blas")


def _after_shell(shell: Any) -> None:
    """What preloaded modules do at import inside a cell of ``shell`` (a kernel's shell)."""
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None and hasattr(widgets, "_handle_ipython"):
        widgets._handle_ipython()  # registers the widget control comm target
    if "pandas.core.config_init" in sys.modules:
        # pandas chose display.max_columns at import: 0 (fit the terminal) outside a
        # kernel, 20 inside one. Choose again, as pandas does, now that the shell exists.
        # A cell runs with get_ipython among the builtins: so does this question.
        from pandas import set_option
        from pandas.core.config_init import is_terminal

        with shell.builtin_trap:
            set_option("display.max_columns", 0 if is_terminal() else 20)


#: Variables the preload's imports set in the template's environment (threadpoolctl sets
#: KMP_DUPLICATE_LIB_OK): a kernel that imported the same modules would have them.
_IMPORT_ENV: dict[str, str] = {}


def _stdin_as_started() -> None:
    """Standard input as jupyter_client leaves a started kernel's: a pipe with no writer."""
    read, write = os.pipe()
    os.close(write)
    os.dup2(read, 0)
    os.close(read)


def become_kernel(request: Mapping[str, Any], parent: int) -> None:
    """Turn this forked process into the requested kernel; never returns."""
    code = 1
    try:
        _wait_for_parent(parent)
        os.setsid()
        os.chdir(request["cwd"])
        _stdin_as_started()
        os.environ.clear()
        os.environ.update(request["env"])
        for name, value in _IMPORT_ENV.items():
            os.environ.setdefault(name, value)
        import importlib

        name = request.get("launcher", DEFAULT_LAUNCHER)
        launcher = importlib.import_module(name)
        # What the launcher does before ipykernel: default signals, death with the worker
        # (JPY_PARENT_PID, which is ``parent``); a submission's sandbox limits and user first.
        launcher.prepare_process()
        _fresh_state(request["env"])
        sys.argv = [launcher.__file__, *request["argv"]]
        sys.orig_argv[:] = [sys.executable, "-m", name, *request["argv"]]
        from ipykernel.kernelapp import IPKernelApp

        # Two trait defaults were read from the environment when the template imported
        # ipykernel: read them from the kernel's.
        app = IPKernelApp.instance(
            parent_handle=int(os.environ.get("JPY_PARENT_PID") or 0),
            interrupt=int(os.environ.get("JPY_INTERRUPT_EVENT") or 0))
        app.initialize()
        _after_shell(app.shell)
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported on the kernel's stderr, as a crash is
        import traceback

        traceback.print_exc()
    finally:
        _exit(code)


# --- in the template ----------------------------------------------------------------------

def _peer_pid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[0]


def _read_request(conn: socket.socket) -> Any:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_REQUEST:
            raise ValueError("request too long")
    return json.loads(data.decode("utf-8"))


def _send(conn: socket.socket, message: Mapping[str, Any]) -> None:
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps(message).encode("utf-8") + b"\n")


def _close_inherited(keep: tuple[int, ...] = ()) -> None:
    """Close every descriptor above 2 (but ``keep``): a kernel inherits no open file."""
    import resource

    top = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    top = 65536 if top in (resource.RLIM_INFINITY, -1) or top > 65536 else top
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, top)


def _fork_kernel(conn: socket.socket, server: socket.socket, request: Mapping[str, Any],
                 parent: int) -> None:
    """Fork the middle process, which forks the kernel, reports its pid and exits."""
    middle = os.fork()
    if middle == 0:
        try:
            kernel = os.fork()
            if kernel == 0:
                server.close()
                conn.close()
                _close_inherited()
                become_kernel(request, parent)
            _send(conn, {"pid": kernel})
        except BaseException as exc:  # noqa: BLE001 - answered, then this process ends
            _send(conn, {"error": f"fork failed: {exc!r}"})
        os._exit(0)
    os.waitpid(middle, 0)  # the middle process only forks; reaped at once


def _serve_one(conn: socket.socket, server: socket.socket, parent: int) -> None:
    if _peer_pid(conn) != parent:
        _send(conn, {"error": "only the template's parent may ask for kernels"})
        return
    try:
        request = _read_request(conn)
    except (ValueError, OSError) as exc:
        _send(conn, {"error": f"bad request: {exc}"})
        return
    problem = request_error(request)
    fault = request.get("env", {}).get(FAULT_ENV) if isinstance(request, dict) else None
    if problem is None and fault == "refuse":
        problem = f"refused ({FAULT_ENV}=refuse)"
    if problem is None and fault == "die":
        os._exit(3)
    if problem is not None:
        _send(conn, {"error": problem})
        return
    try:
        _fork_kernel(conn, server, request, parent)
    except OSError as exc:
        _send(conn, {"error": f"fork failed: {exc!r}"})


def _preload() -> list[str]:
    """Import :data:`PRELOAD` and coursekit's public modules; the names that failed."""
    import importlib

    failed = []
    names = list(PRELOAD)
    for name in names:
        try:
            module = importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a kernel imports it itself, or fails as it would
            failed.append(name)
            continue
        if name == "coursekit":
            names.extend(sorted({*getattr(module, "_PUBLIC", {}).values(),
                                 *getattr(module, "_MODULES", {}).values()}))
    return failed


def _threads_or_exit(after: str) -> None:
    """Exit (the worker then starts kernels directly) if an import started a thread."""
    import threading

    if threading.active_count() != 1:
        names = [t.name for t in threading.enumerate()]
        sys.exit(f"coursekit warm template: {after} started threads {names}; not forking")


def _import_quietly(name: str) -> None:
    """Import ``name`` into the template; a module that fails is left to the kernels."""
    import importlib

    with contextlib.suppress(Exception):
        importlib.import_module(name)
    _threads_or_exit(f"importing {name}")
    gc.freeze()  # what the import made stays shared with the kernels


def serve(path: str, parent: int) -> None:
    """The template's life: check the parent, import, listen on ``path``, fork on request."""
    from coursekit.render.lifeline import set_parent_death_signal

    set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent:
        sys.exit(70)
    # The render decides what Ctrl-C stops; the template ends with its parent.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from coursekit.common.lean import KERNEL_OPTIONAL, keep_out

    keep_out(*KERNEL_OPTIONAL)
    gc.disable()  # until the freeze: fewer pages written, more shared with the kernels
    before = dict(os.environ)
    _preload()
    _IMPORT_ENV.update({k: v for k, v in os.environ.items() if before.get(k) != v})
    _threads_or_exit("the preload")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(64)
    gc.collect()
    gc.freeze()
    gc.enable()
    import select

    served, later = 0, list(SECONDARY)
    while True:
        idle = later and served >= SECONDARY_AFTER
        ready, _, _ = select.select([server], [], [], 0.0 if idle else 1.0)
        if os.getppid() != parent:
            os._exit(70)
        if not ready:
            if idle:
                _import_quietly(later.pop(0))
            continue
        conn, _ = server.accept()
        with conn:
            conn.settimeout(10.0)
            _serve_one(conn, server, parent)
        served += 1


if __name__ == "__main__":
    # As ipykernel_launcher does: the working folder is not on a kernel's sys.path.
    if sys.path and (sys.path[0] == "" or os.path.abspath(sys.path[0]) == os.getcwd()):
        del sys.path[0]
    serve(sys.argv[1], int(sys.argv[2]))
