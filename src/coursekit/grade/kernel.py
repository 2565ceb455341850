"""Launcher of the kernels that run students' submissions: the sandbox is applied before ipykernel.

Started by :mod:`coursekit.grade.sandbox` as ``python -m coursekit.grade.kernel -f CONN``
with the limits in the environment variable :data:`LIMITS_ENV` (JSON), which it removes
before any student code runs. In this order, because each step needs the one before:

1. a new network namespace (``unshare(CLONE_NEWNET)``, root only; a user namespace with it
   otherwise, where the system allows them): the kernel has a loopback device and nothing
   else. The kernel talks to the grader over Unix sockets in a folder (ZeroMQ ``ipc``),
   which a network namespace does not cut;
2. resource limits (``setrlimit``): address space (``RLIMIT_AS``), processes
   (``RLIMIT_NPROC``), size of a written file (``RLIMIT_FSIZE``), CPU seconds, no core files;
3. as root: another user id (no such account, no group), so that the kernel cannot read the
   grader's private files, write outside its folder, nor raise the limits again;
4. death with the worker that started it (``PR_SET_PDEATHSIG``, set after the user change,
   which clears it).

A step the system refuses ends the launcher with :data:`REFUSED_EXIT` (the grader reports
that submission as not graded) unless the limits say the step is optional.

Stdlib only (with :mod:`coursekit.render.kernel`'s stdlib-only helpers), so that nothing is
imported before the limits hold. A warm kernel (:mod:`coursekit.render.warm`) is forked
from a template that has imported the course's libraries and holds nothing of the
grader's; it runs :func:`prepare_process` as a started one does, in the same order.

>>> sorted(limits_from_env({LIMITS_ENV: '{"memory": 1}'}))
['memory']
>>> limits_from_env({})
{}
"""

import ctypes
import json
import os
import resource
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LIMITS_ENV = "COURSEKIT_SANDBOX"
REFUSED_EXIT = 71
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
CLONE_NEWNS = 0x00020000
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 1 << 18


def limits_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The sandbox settings the grader passed (empty when none)."""
    text = env.get(LIMITS_ENV, "")
    return json.loads(text) if text else {}


def unshare(flags: int) -> bool:
    """``unshare(2)`` through libc; False where refused (no privilege, not Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.unshare(int(flags)) == 0


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    libc = ctypes.CDLL(None, use_errno=True)

    def enc(text: str | None) -> bytes | None:
        return text.encode() if text is not None else None

    if libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        raise OSError(ctypes.get_errno(), f"mount {target}")


def blocked_ancestors(paths: list[str]) -> dict[str, list[str]]:
    """Folders above ``paths`` that others cannot enter (``/root``, mode 700), with the paths
    below each that the kernel needs (its Python, its packages)."""
    out: dict[str, list[str]] = {}
    for path in paths:
        parts = Path(path).parts
        for i in range(2, len(parts)):
            folder = str(Path(*parts[:i]))
            try:
                mode = os.stat(folder).st_mode
            except OSError:
                break
            if not mode & 0o001:
                out.setdefault(folder, []).append(path)
                break
    return out


def expose(paths: list[str]) -> None:
    """In a mount namespace of its own: cover each folder above ``paths`` that another user
    cannot enter with an empty tmpfs, and bind only ``paths`` back into it. The rest of
    that folder (the grader's home) is then out of the kernel's sight."""
    blocked = blocked_ancestors(paths)
    if not blocked:
        return
    if not unshare(CLONE_NEWNS):
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    for folder, inside in blocked.items():
        fds = [(p, os.open(p, os.O_RDONLY | os.O_DIRECTORY)) for p in inside]
        _mount("tmpfs", folder, "tmpfs", 0, "mode=755,size=1m")
        for path, fd in fds:
            os.makedirs(path, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
            os.close(fd)


def _limit(which: int, value: int) -> None:
    resource.setrlimit(which, (int(value), int(value)))


def apply(limits: Mapping[str, Any]) -> None:
    """Apply ``limits`` to this process (see the module docstring for the order)."""
    if limits.get("network") == "netns" and not unshare(CLONE_NEWNET):
        sys.exit(REFUSED_EXIT)
    if limits.get("network") == "userns" and not unshare(CLONE_NEWUSER | CLONE_NEWNET):
        sys.exit(REFUSED_EXIT)
    if limits.get("memory"):
        _limit(resource.RLIMIT_AS, limits["memory"])
    if limits.get("file_size"):
        _limit(resource.RLIMIT_FSIZE, limits["file_size"])
    if limits.get("cpu"):
        _limit(resource.RLIMIT_CPU, limits["cpu"])
    _limit(resource.RLIMIT_CORE, 0)
    uid = limits.get("uid")
    if uid is not None:
        expose(list(limits.get("expose") or []))
        os.setgroups([])
        os.setgid(int(uid))
        os.setuid(int(uid))
    if limits.get("processes"):
        # After the user change: the count is per user, and a new user starts with none.
        _limit(resource.RLIMIT_NPROC, limits["processes"])


def prepare_process() -> None:
    """What a submission's kernel process does before ipykernel starts, started or forked warm:
    read and remove the limits, apply them, then die with the worker (the render kernel's
    launcher, :mod:`coursekit.render.kernel`, does the rest as for any render kernel)."""
    from coursekit.render.kernel import default_signals, parent_from_env

    default_signals()
    settings = limits_from_env(os.environ)
    os.environ.pop(LIMITS_ENV, None)
    apply(settings)
    parent = parent_from_env(os.environ)
    if parent is not None:
        from coursekit.render.lifeline import die_with_parent

        die_with_parent(parent)


if __name__ == "__main__":
    from coursekit.render.kernel import drop_script_folder, launch

    drop_script_folder()
    prepare_process()
    launch()
