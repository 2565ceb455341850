"""Where a submission runs: an empty folder, a scrubbed environment, limits, and no survivors.

Each submission runs in a kernel of its own (:class:`Limits` says how much it may use):

- **folder**: a new empty working folder (also the kernel's ``HOME`` and ``TMPDIR``) inside
  a parent that cannot be listed; removed afterwards;
- **environment**: built from nothing (:func:`kernel_env`): a ``PATH`` of the interpreter's
  and the system's folders, the locale, one
  thread for the numeric libraries. No ``COURSEKIT_SECRET``, salt, proxy, ``HOME`` or any
  other variable of the grader's reaches the kernel;
- **limits**, applied by the kernel's launcher (:mod:`coursekit.grade.kernel`) before
  ipykernel starts: address space (``RLIMIT_AS``), processes (for a user id of its own:
  the count is per user), written file size, CPU
  seconds; per-cell time (nbclient's timeout, then an interrupt) and per-notebook time,
  memory and process count watched from outside by :class:`Watchdog`, which kills the
  kernel's whole process tree; output beyond ``output_kb`` is dropped and the cell
  interrupted (:mod:`coursekit.grade.execute`);
- **isolation** (:func:`isolation`, probed once): run as root, the kernel gets its own
  network namespace (loopback only) and another user id without an account, so it can
  neither read the grader's private files nor write outside its folder, and cannot raise
  its limits. Not root: a user plus network namespace where the system allows
  unprivileged ones (network cut, same user id); where not, the fallback is a kernel
  *with* network and with the grader's user id: say so (the run summary does), and grade
  in a container or VM (``docker run --network none``) when that matters;
- **clean-up**: every process of the kernel's tree, found while it runs and at the end
  (a pool worker is a "child subreaper", so orphans of the kernel come back to it), is
  killed with SIGKILL (:func:`kill_tree`); the kernel also dies with its worker
  (``PR_SET_PDEATHSIG``, :mod:`coursekit.render.lifeline`).

A world-writable folder (``/tmp``) stays writable by the kernel: a mount namespace would
be needed to hide it.

>>> Limits().memory_bytes // 2**20
2048
>>> sorted(kernel_env("/w"))[:3]
['HOME', 'IPYTHONDIR', 'LANG']
>>> "COURSEKIT_SECRET" in kernel_env("/w")
False
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from coursekit.grade.kernel import CLONE_NEWNET, CLONE_NEWUSER, LIMITS_ENV, unshare

PR_SET_CHILD_SUBREAPER = 36
#: User ids for sandboxed kernels when run as root: BASE + the worker's pid (no account).
SANDBOX_UID_BASE = 0x6000_0000


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Times in seconds, sizes in MiB or KiB."""

    cell_timeout: int = 120
    notebook_timeout: int = 600
    memory_mb: int = 2048
    output_kb: int = 2048
    processes: int = 64
    file_mb: int = 64
    start_timeout: int = 60

    @property
    def memory_bytes(self) -> int:
        return self.memory_mb * 2**20

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Isolation:
    """What this system allows: ``network`` is netns, userns or none; ``other_user`` root only."""

    network: str
    other_user: bool

    def describe(self) -> str:
        net = {"netns": "no network (own network namespace)",
               "userns": "no network (own user and network namespace)",
               "none": "NETWORK NOT ISOLATED (no namespaces here: grade in a container "
                       "with --network none if that matters)"}[self.network]
        user = ("another user id without an account (cannot read the grader's files)"
                if self.other_user else "the grader's own user id (its files are readable)")
        return f"{net}; {user}"


def _probe(flags: int) -> bool:
    """Whether ``unshare(flags)`` works here, tried in a throw-away child."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os._exit(0 if unshare(flags) else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


@lru_cache(maxsize=1)
def isolation() -> Isolation:
    """What isolation this system gives a kernel (probed once per process)."""
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if root and _probe(CLONE_NEWNET):
        network = "netns"
    elif _probe(CLONE_NEWUSER | CLONE_NEWNET):
        network = "userns"
    else:
        network = "none"
    return Isolation(network, bool(root))


def kernel_env(workdir: str) -> dict[str, str]:
    """The kernel's whole environment: nothing of the grader's."""
    home = str(workdir)
    return {
        # The interpreter's own folder and the system's: not the grader's PATH.
        "PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin",
                                 "/bin"]),
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "HOME": home, "TMPDIR": home, "IPYTHONDIR": os.path.join(home, ".ipython"),
        "MPLCONFIGDIR": os.path.join(home, ".mpl"), "USER": "student", "LOGNAME": "student",
        "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }


def template_environment() -> dict[str, str]:
    """A grading template's environment: a kernel's (:func:`kernel_env`), nothing of the
    grader's; each kernel forked from it gets its own folder and environment."""
    return kernel_env(tempfile.gettempdir())


def _register_template() -> None:
    from coursekit.render.provisioner import register_template

    register_template("grade", template_environment)


_register_template()


def become_subreaper() -> bool:
    """Orphans of this process's descendants are re-parented to it (Linux), not to init."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def kill_tree(pids: Iterable[int]) -> None:
    """SIGKILL each pid, its process group and every descendant still alive."""
    import psutil

    found: dict[int, Any] = {}
    for pid in set(pids):
        with contextlib.suppress(psutil.Error):
            proc = psutil.Process(pid)
            found[pid] = proc
            for child in proc.children(recursive=True):
                found[child.pid] = child
    for pid in set(pids):
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
    for proc in found.values():
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(list(found.values()), timeout=3)


def reap_orphans() -> None:
    """Kill and reap processes re-parented to this subreaper, except the trees of kernels
    still running here (a Dask worker grades several submissions at once)."""
    import psutil

    from coursekit.render.provisioner import template_pids

    busy: set[int] = template_pids()  # this worker's warm templates stay
    for watchdog in list(ACTIVE):
        busy |= watchdog.seen
    for child in psutil.Process().children():
        with contextlib.suppress(psutil.Error):
            if child.pid not in busy:
                child.kill()
    with contextlib.suppress(ChildProcessError):
        while True:
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break


#: The watchdogs of the kernels running in this process now.
ACTIVE: set[Watchdog] = set()


class Watchdog(threading.Thread):
    """Watch a kernel's process tree: kill it all past the notebook time, memory or processes.

    ``reason`` says which limit ended it (None while none did); ``seen`` holds every pid
    of the tree it saw, for :func:`kill_tree` at the end.
    """

    def __init__(self, pid: int, limits: Limits, interval: float = 0.1) -> None:
        super().__init__(name="coursekit-grade-watchdog", daemon=True)
        self.pid = pid
        self.limits = limits
        self.interval = interval
        self.deadline = time.monotonic() + limits.notebook_timeout
        self.seen: set[int] = {pid}
        self.reason: str | None = None
        self.peak_rss = 0
        self._stop_event = threading.Event()
        ACTIVE.add(self)

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop_event.wait(self.interval):
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            self.seen.update(p.pid for p in tree)
            rss = 0
            for proc in tree:
                # PSS, not RSS: a kernel's forks (and a warm kernel and its template) share
                # their pages, and RSS would count those once per process.
                with contextlib.suppress(psutil.Error):
                    rss += _proportional_memory(proc)
            self.peak_rss = max(self.peak_rss, rss)
            if time.monotonic() > self.deadline:
                self.reason = f"the notebook time limit ({self.limits.notebook_timeout} s)"
            elif rss > self.limits.memory_bytes * 1.25:
                self.reason = f"the memory limit ({self.limits.memory_mb} MiB)"
            elif len(tree) > self.limits.processes:
                self.reason = f"the process limit ({self.limits.processes})"
            if self.reason:
                kill_tree(self.seen)
                return

    def stop(self) -> None:
        self._stop_event.set()
        ACTIVE.discard(self)


def _proportional_memory(proc: Any) -> int:
    """Bytes of ``proc``'s memory, shared pages divided among their sharers (Linux PSS)."""
    try:
        with open(f"/proc/{proc.pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return proc.memory_info().rss


@lru_cache(maxsize=1)
def kernel_manager_class() -> type:
    """A jupyter_client kernel manager that starts :mod:`coursekit.grade.kernel` sandboxed."""
    from jupyter_client import AsyncKernelManager

    class SandboxKernelManager(AsyncKernelManager):
        """Kernel on Unix sockets in a private folder, sandboxed; see the module docstring."""

        sandbox_workdir: str = ""
        sandbox_limits: Limits = Limits()
        sandbox_uid: int | None = None
        watchdog: Watchdog | None = None
        #: Warm kernels fork from grading's own template (:func:`template_environment`).
        warm_template = "grade"

        def __init__(self, **kw: Any) -> None:
            super().__init__(**kw)
            self._ipc_dir = tempfile.mkdtemp(prefix="ck-grade-")
            self.transport = "ipc"
            self.ip = os.path.join(self._ipc_dir, "k")
            self.connection_file = os.path.join(self._ipc_dir, "kernel.json")

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            cmd = super().format_kernel_cmd(extra_arguments)
            if cmd[1:3] == ["-m", "ipykernel_launcher"]:
                cmd[0], cmd[2] = sys.executable, "coursekit.grade.kernel"
            return cmd

        async def _async_pre_start_kernel(self, **kw: Any) -> Any:
            # Warm: forked from a template that imported the course's libraries and holds
            # nothing of the grader's; the child applies the sandbox before ipykernel as the
            # launcher does (coursekit.grade.kernel.prepare_process).
            from coursekit.render.provisioner import use_warm_if_chosen

            use_warm_if_chosen(self, kw)
            return await super()._async_pre_start_kernel(**kw)

        def write_connection_file(self, **kw: Any) -> None:
            super().write_connection_file(**kw)
            if self.sandbox_uid is not None:
                for path in (self._ipc_dir, self.connection_file):
                    os.chown(path, self.sandbox_uid, self.sandbox_uid)

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            env = kernel_env(self.sandbox_workdir)
            # jupyter_client's own variables (parent pid, interrupt event) stay.
            env.update({k: v for k, v in (kw.get("env") or {}).items() if k.startswith("JPY_")})
            iso = isolation()
            limits = self.sandbox_limits
            env[LIMITS_ENV] = json.dumps({
                "network": iso.network if iso.network != "none" else None,
                "uid": self.sandbox_uid, "memory": limits.memory_bytes,
                # RLIMIT_NPROC counts every process of the user: only for a user of its own.
                "processes": limits.processes if self.sandbox_uid is not None else None,
                "file_size": limits.file_mb * 2**20,
                "cpu": limits.notebook_timeout + 30, "expose": needed_paths()})
            kw["env"] = env
            kw["cwd"] = self.sandbox_workdir
            await super()._async_launch_kernel(kernel_cmd, **kw)
            process = getattr(self.provisioner, "process", None)
            if process is not None:
                self.watchdog = Watchdog(process.pid, limits)
                self.watchdog.start()

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart=restart)
            if not restart:
                shutil.rmtree(self._ipc_dir, ignore_errors=True)

        cleanup_resources = _async_cleanup_resources

    return SandboxKernelManager


def needed_paths() -> list[str]:
    """What a kernel run as another user must be able to read: Python and its packages."""
    import coursekit

    found = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix),
             os.path.realpath(os.path.dirname(os.path.dirname(coursekit.__file__)))}
    # Installed packages only (an editable install's source folder is coursekit's above):
    # never the grader's working folder, which sys.path may hold.
    found.update(os.path.realpath(p) for p in sys.path
                 if p and "site-packages" in p and os.path.isdir(p))
    # Only the topmost of nested paths: binding it brings those below.
    ordered = sorted(found)
    return [p for i, p in enumerate(ordered)
            if not any(p.startswith(q.rstrip("/") + "/") for q in ordered[:i])]


def sandbox_uid() -> int | None:
    """The user id this worker's kernels run as (root only), else None."""
    return SANDBOX_UID_BASE + os.getpid() if isolation().other_user else None


@contextlib.contextmanager
def working_folder(uid: int | None) -> Iterator[Path]:
    """A new empty folder owned by ``uid``, inside a parent the kernel cannot list; removed."""
    parent = Path(tempfile.mkdtemp(prefix="ck-sub-"))
    try:
        os.chmod(parent, 0o711)
        work = parent / "work"
        work.mkdir(mode=0o700)
        if uid is not None:
            os.chown(work, uid, uid)
        yield work
    finally:
        shutil.rmtree(parent, ignore_errors=True)
