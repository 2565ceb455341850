"""Warm kernels for a render: the provisioner that forks each kernel from a warm template.

:class:`WarmProvisioner` is jupyter_client's :class:`LocalProvisioner` with
another ``launch_kernel``: instead of ``Popen`` of :mod:`coursekit.render.kernel`,
it asks this process's template (:mod:`coursekit.render.warm`, one per worker
process, or per Dask worker, started on first use or by the pool's initializer)
to fork the kernel, and manages it through :class:`ForkedKernel`, which gives
the pid the ``Popen`` methods LocalProvisioner calls (poll, wait, send_signal,
kill, terminate). The kernel is this process's own child (the template forks
twice and this process is a child subreaper), so it is reaped here with
``waitpid``.

Robust by default:

- a template that died (killed, out of memory) is started again on the next
  kernel, with one line on stderr saying so; its running kernels are not its
  children any more and go on;
- anything else that stops a fork (no subreaper, a refused or unanswered
  request, a kernel environment that changes how Python starts, a kernel that
  is not ours) falls back to :class:`LocalProvisioner`'s direct start, with one
  line on stderr per reason and process;
- ``--kernel-start fresh`` (or ``COURSEKIT_KERNEL_START=fresh``) turns it off.

The default, ``auto``, is warm when each worker runs two notebooks or more
(:func:`choose`): a template imports what one course kernel imports, so it pays from
a worker's second notebook on, and a render of one notebook per worker (or of light
notebooks that import little) starts its kernels directly.

>>> resolve_kernel_start(None) in KERNEL_STARTS
True
>>> resolve_kernel_start("tepid")
Traceback (most recent call last):
...
ValueError: kernel start 'tepid' is not one of auto, warm, fresh
>>> choose("auto", jobs=8, workers=2), choose("auto", jobs=3, workers=2), choose("fresh", 8, 2)
('warm', 'fresh', 'fresh')
>>> launcher_arguments([sys.executable, "-m", "coursekit.render.kernel", "-f", "k.json"])
('coursekit.render.kernel', ['-f', 'k.json'])
>>> launcher_arguments(["R", "--slave"]) is None
True
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

KERNEL_STARTS = ("auto", "warm", "fresh")
#: The render's default (``--kernel-start``): warm for two notebooks or more per worker.
DEFAULT_KERNEL_START = "auto"
#: Overrides the default where no option reaches (a Dask worker, a benchmark).
KERNEL_START_ENV = "COURSEKIT_KERNEL_START"
#: Seconds to wait for a new template to import and listen.
TEMPLATE_START_TIMEOUT = 120.0
#: Seconds to wait for a running template's answer.
FORK_TIMEOUT = 20.0
#: Variables that change how the interpreter starts: a kernel that needs other values
#: than the template's is started directly.
START_VARIABLES = ("PYTHON", "LD_", "LC_", "LANG", "MALLOC_", "GLIBC_")
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>

_mode: contextvars.ContextVar[str | None] = contextvars.ContextVar("kernel_start", default=None)


def resolve_kernel_start(value: str | None) -> str:
    """``value``, else ``$COURSEKIT_KERNEL_START``, else :data:`DEFAULT_KERNEL_START`."""
    value = value or os.environ.get(KERNEL_START_ENV) or DEFAULT_KERNEL_START
    if value not in KERNEL_STARTS:
        raise ValueError(f"kernel start {value!r} is not one of {', '.join(KERNEL_STARTS)}")
    return value


def choose(value: str | None, jobs: int, workers: int) -> str:
    """``warm`` or ``fresh`` for ``jobs`` notebooks on ``workers`` workers.

    ``value`` (else the environment, else the default) decides; ``auto`` is warm when each
    worker that has a notebook runs two or more on average.
    """
    value = resolve_kernel_start(value)
    if value != "auto":
        return value
    used = max(1, min(workers, jobs))
    return "warm" if jobs >= 2 * used else "fresh"


def kernel_start() -> str:
    """How this job's kernels start: ``warm`` or ``fresh`` (``auto`` for a job alone: fresh)."""
    value = resolve_kernel_start(_mode.get())
    return "fresh" if value == "auto" else value


@contextlib.contextmanager
def kernel_start_as(value: str | None) -> Iterator[None]:
    """Kernels started inside (this thread, its tasks) start ``value`` (None: the default)."""
    token = _mode.set(resolve_kernel_start(value) if value else None)
    try:
        yield
    finally:
        _mode.reset(token)


def run_with_kernel_start(value: str | None, work: Callable[[Any], Any], job: Any) -> Any:
    """``work(job)`` with kernels started ``value``: what executors run in a worker."""
    with kernel_start_as(value):
        return work(job)


def launcher_arguments(cmd: list[str]) -> tuple[str, list[str]] | None:
    """Our launcher in ``cmd`` and its arguments, or None when ``cmd`` starts anything else.

    A render kernel's launcher, or grading's (which applies the sandbox first).
    """
    from coursekit.render.warm import LAUNCHER

    if len(cmd) >= 3 and cmd[:2] == [sys.executable, "-m"] and LAUNCHER.fullmatch(cmd[2]):
        return cmd[2], list(cmd[3:])
    return None


_noted: set[str] = set()


def note(reason: str) -> None:
    """One line on stderr, once per reason and process."""
    if reason not in _noted:
        _noted.add(reason)
        print(f"coursekit: {reason}", file=sys.stderr, flush=True)


def become_subreaper() -> bool:
    """Adopt this process's orphaned descendants (Linux): forked kernels become its children."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


class ForkUnavailable(RuntimeError):
    """The template could not give a kernel: the reason is the message."""


class ForkedKernel:
    """A kernel forked by the template, re-parented to this process: ``Popen``'s methods on a pid.

    ``returncode`` follows ``Popen``: the exit status, or minus the signal that ended it.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: as Popen, an unknown status is 0
                self.returncode = 0
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.01)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _start_variables(env: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith(START_VARIABLES)}


def render_template_environment() -> dict[str, str]:
    """A render template's environment: this process's without secrets."""
    from coursekit.render.kernel import kernel_environment

    return kernel_environment(os.environ)


#: Kinds of template and the environment each starts with: the render's, and what other
#: callers register (grading registers its sandbox's, ``coursekit.grade.sandbox``).
TEMPLATE_ENVIRONMENTS: dict[str, Callable[[], dict[str, str]]] = {
    "render": render_template_environment}


def register_template(kind: str, environment: Callable[[], dict[str, str]]) -> None:
    """Templates of ``kind`` start with ``environment()`` (its kernels' start variables)."""
    TEMPLATE_ENVIRONMENTS[kind] = environment


class Template:
    """This process's warm template: started, asked for kernels, started again if it died.

    ``environment`` makes the environment it starts with (its kernels get their own; what
    changes how Python starts must agree): by default the render's,
    :func:`render_template_environment`.
    """

    def __init__(self, environment: Callable[[], dict[str, str]] | None = None) -> None:
        self.environment = environment or render_template_environment
        self.owner = os.getpid()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._folder: str | None = None
        self._env: dict[str, str] = {}
        self._subreaper: bool | None = None
        self.starts = 0
        # A pool worker ends with os._exit (its template dies of PDEATHSIG, its folder goes
        # with the render's scratch folder); a Dask worker or a script exits normally.
        import atexit

        atexit.register(self._stop)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _socket(self) -> str:
        assert self._folder is not None
        return os.path.join(self._folder, "t")

    def _start(self) -> None:
        from coursekit.render.warm import THREAD_VARIABLES

        self._stop()
        self._folder = tempfile.mkdtemp(prefix="ckw-")
        if len(self._socket()) > 100:  # AF_UNIX paths end at 107 bytes
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = tempfile.mkdtemp(prefix="ckw-", dir="/tmp")
        env = dict(self.environment())
        env.pop("JPY_PARENT_PID", None)
        env.update({name: "1" for name in THREAD_VARIABLES})
        self._env = env
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "coursekit.render.warm", self._socket(), str(os.getpid())],
            env=env, stdin=subprocess.DEVNULL, close_fds=True)
        self.starts += 1

    def _stop(self) -> None:
        if os.getpid() != self.owner:  # a forked copy: the template is not this process's
            return
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
        self._proc, self._folder = None, None

    def ensure_running(self) -> None:
        """Start the template if there is none, or start it again if it died."""
        with self._lock:
            if self._proc is not None and self._proc.poll() is not None:
                note(f"warm kernel template {self._proc.pid} ended "
                     f"({self._proc.returncode}); starting it again")
                self._proc = None
            if self._proc is None:
                self._start()

    def _connect(self, timeout: float) -> socket.socket:
        deadline = time.monotonic() + timeout
        while True:
            proc = self._proc
            if proc is None or proc.poll() is not None:
                raise ForkUnavailable("the warm kernel template is not running")
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                conn.connect(self._socket())
                return conn
            except (FileNotFoundError, ConnectionRefusedError):
                conn.close()
                if time.monotonic() > deadline:
                    raise ForkUnavailable("the warm kernel template did not start in "
                                          f"{timeout:.0f} s") from None
                time.sleep(0.02)

    def fork(self, argv: list[str], cwd: str, env: Mapping[str, str],
             launcher: str = "coursekit.render.kernel") -> ForkedKernel:
        """A new kernel of ``launcher`` with these arguments, working folder and environment."""
        if self._subreaper is None:
            self._subreaper = become_subreaper()
        if not self._subreaper:
            raise ForkUnavailable("this system cannot adopt forked kernels (no subreaper)")
        self.ensure_running()
        if _start_variables(env) != _start_variables(self._env):
            raise ForkUnavailable("the kernel's environment changes how Python starts")
        conn = self._connect(TEMPLATE_START_TIMEOUT)
        with conn:
            conn.settimeout(FORK_TIMEOUT)
            request = {"argv": argv, "cwd": cwd, "env": dict(env), "launcher": launcher}
            try:
                conn.sendall(json.dumps(request).encode("utf-8") + b"\n")
                # Read to the end: the template closes the request once the middle process
                # has exited, when the kernel is already this process's child.
                answer = b""
                while True:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
            except OSError as exc:
                raise ForkUnavailable(f"the warm kernel template did not answer ({exc})") from None
        if not answer:
            raise ForkUnavailable("the warm kernel template closed the request unanswered")
        reply = json.loads(answer)
        if "pid" not in reply:
            raise ForkUnavailable(f"the warm kernel template refused: {reply.get('error')}")
        pid = int(reply["pid"])
        if not _is_child(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            raise ForkUnavailable(f"forked kernel {pid} is not this process's child")
        return ForkedKernel(pid)


def _is_child(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1]) == os.getpid()
    except (OSError, ValueError, IndexError):
        return False


_templates: dict[str, Template] = {}
_templates_owner = os.getpid()
_template_lock = threading.Lock()


def template(kind: str = "render") -> Template:
    """This process's template of ``kind`` (one per worker process and kind; made on first use).

    It starts with the environment registered for ``kind`` (:data:`TEMPLATE_ENVIRONMENTS`).
    """
    global _templates_owner
    with _template_lock:
        if _templates_owner != os.getpid():  # a forked copy's: not this process's templates
            _templates.clear()
            _templates_owner = os.getpid()
        if kind not in _templates:
            _templates[kind] = Template(TEMPLATE_ENVIRONMENTS[kind])
        return _templates[kind]


def template_pids() -> set[int]:
    """The pids of this process's running templates (not to be reaped as orphans)."""
    with _template_lock:
        if _templates_owner != os.getpid():
            return set()
        return {t.pid for t in _templates.values() if t.pid is not None}


def prestart(kind: str = "render") -> None:
    """Start this process's template now (a pool worker's initializer), before any job."""
    try:
        template(kind).ensure_running()
    except OSError as exc:
        note(f"warm kernels unavailable ({exc}); starting kernels directly")


def fork_kernel(cmd: list[str], env: Mapping[str, str], cwd: str | None,
                kind: str = "render") -> ForkedKernel | None:
    """A kernel for ``cmd`` forked from the template, or None (said once) to start it directly.

    Retries once with a new template when the template died during the request.
    """
    found = launcher_arguments(cmd)
    if found is None:
        return None
    launcher, argv = found
    env = {**env, "JPY_PARENT_PID": str(os.getpid())}  # as jupyter_client's launcher sets it
    where = cwd or os.getcwd()
    for attempt in (1, 2):
        try:
            return template(kind).fork(argv, where, env, launcher)
        except ForkUnavailable as exc:
            tpl = template(kind)
            died = tpl._proc is not None and tpl._proc.poll() is not None
            if attempt == 1 and died:
                continue
            note(f"warm kernel unavailable ({exc}); starting the kernel directly")
            return None
        except (OSError, ValueError) as exc:
            note(f"warm kernel unavailable ({type(exc).__name__}: {exc}); "
                 "starting the kernel directly")
            return None
    return None


class WarmProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, whose kernels are forked from a warm template.

    Its kernel manager may name the kind of template (``warm_template``); else the render's.
    """

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        env = kwargs.get("env")
        kind = getattr(self.parent, "warm_template", None) or "render"
        kernel = fork_kernel(cmd, env if env is not None else os.environ, kwargs.get("cwd"),
                             kind)
        if kernel is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = kernel
        self.pid = kernel.pid
        self.pgid = kernel.pid  # the kernel called setsid, as start_new_session does
        self.cwd = kwargs.get("cwd") or os.getcwd()
        return self.connection_info


def use_warm_if_chosen(manager: Any, kw: dict[str, Any]) -> None:
    """Give a kernel manager about to start a kernel the :class:`WarmProvisioner`, when this
    job's kernels start warm (:func:`kernel_start`); called from its ``_async_pre_start_kernel``
    with that method's keyword arguments (``kernel_id`` is taken from them)."""
    if manager.provisioner is None and kernel_start() == "warm":
        from uuid import uuid4

        manager.kernel_id = manager.kernel_id or kw.pop("kernel_id", None) or str(uuid4())
        manager.provisioner = WarmProvisioner(kernel_id=manager.kernel_id,
                                              kernel_spec=manager.kernel_spec, parent=manager)
