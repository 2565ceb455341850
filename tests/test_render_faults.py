"""coursekit render under faults: its main process killed or interrupted, a kernel that dies,
a memory limit, a stale lock, a Dask client that dies.

Each render runs as ``python -m coursekit.cli`` in its own session, with a marker in its
environment that its workers and kernels inherit: "no process of that render is alive"
is checked by looking for the marker in every process on the machine (psutil).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import pytest

from coursekit.render.lock import LOCK, Holder, read_holder
from coursekit.render.scratch import owner
from tests.conftest import ROOT, as_in_a_terminal, assert_site_whole, run_cli
from tests.test_render import NOTEBOOKS

SLOW = str(NOTEBOOKS / "slow" / "*.ipynb")
FAULTS = str(NOTEBOOKS / "faults" / "*.ipynb")
MARK = "COURSEKIT_TEST_RENDER"
GRACE = 5.0  # seconds the render's processes get to end after their main process died


def _start(out: Path, *extra: str, notebooks: str = SLOW) -> tuple[subprocess.Popen, str]:
    mark = uuid.uuid4().hex
    cmd = [sys.executable, "-m", "coursekit.cli", "render", "--notebooks", notebooks,
           "--out", str(out), *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=ROOT, env={**os.environ, MARK: mark},
                            preexec_fn=as_in_a_terminal)
    return proc, mark


def _marked(mark: str, but: int | None = None) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.pid != but and proc.environ().get(MARK) == mark and proc.status() != "zombie":
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _kernels(mark: str) -> list[psutil.Process]:
    """Started kernels, and warm ones (forked from the single-threaded warm template)."""
    out = []
    for proc in _marked(mark):
        try:
            cmdline = proc.cmdline()
            if "coursekit.render.kernel" in cmdline or (
                    "coursekit.render.warm" in cmdline and proc.num_threads() > 1):
                out.append(proc)
        except psutil.NoSuchProcess:
            continue
    return out


def _wait_for_kernels(proc: subprocess.Popen, mark: str, n: int = 1, timeout: float = 60) -> None:
    """Until ``n`` render kernels run (the render is mid-notebook)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if len(_kernels(mark)) >= n:
            return
        time.sleep(0.05)
    raise AssertionError(f"no kernel came up: {proc.communicate(timeout=30)}")


def _assert_none_left(mark: str, but: int | None = None) -> None:
    deadline = time.monotonic() + GRACE
    while _marked(mark, but) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [(p.pid, " ".join(p.cmdline())[:120]) for p in _marked(mark, but)]
    for p in _marked(mark, but):  # do not leave them to the next test
        p.kill()
    assert not left, f"processes of the render outlived it by {GRACE} s: {left}"


def _resume_completes(out: Path, *extra: str) -> subprocess.CompletedProcess:
    """``--resume`` renders what is missing, and every page is there and whole."""
    done = run_cli("render", "--notebooks", SLOW, "--out", str(out), "--resume", *extra)
    assert done.returncode == 0, done.stderr + done.stdout
    assert not list(out.rglob("*.part"))
    assert_site_whole(out, temps_allowed=False)
    for stem in ("01_slow", "02_slow", "03_slow"):
        page = out / "bundled" / "instructor" / f"{stem}.html"
        assert "slept" in page.read_text(encoding="utf-8"), page
    return done


# --- the main process dies ---------------------------------------------------------------

def test_sigkill_of_the_main_process_leaves_no_worker_no_kernel_and_resume_completes(tmp_path):
    out = tmp_path / "site"
    proc, mark = _start(out, "--jobs", "2")
    _wait_for_kernels(proc, mark, n=2)
    assert psutil.Process(proc.pid).children(), "no pool workers"
    os.kill(proc.pid, signal.SIGKILL)  # the main process only, as the OOM killer does
    proc.wait(timeout=30)  # not communicate(): orphans would hold its pipes open
    _assert_none_left(mark)
    proc.communicate(timeout=30)
    assert_site_whole(out, temps_allowed=True)
    holder = read_holder(out / LOCK)
    assert holder is not None and holder.pid == proc.pid  # the dead render's record is left
    scratch = [p for p in Path(tempfile.gettempdir()).glob("coursekit-scratch-*")
               if (owner(p.name) or ("", 0))[1] == proc.pid]
    assert len(scratch) == 1 and list(scratch[0].iterdir()), "the workers' temporary files"
    done = _resume_completes(out, "--jobs", "2")
    assert f"the render that held it (pid {proc.pid}) ended without releasing it" in done.stderr
    assert not scratch[0].exists(), "the next render removes a dead render's scratch folder"


@pytest.mark.parametrize("sig, group", [(signal.SIGTERM, False), (signal.SIGTERM, True),
                                        (signal.SIGINT, True), (signal.SIGINT, False)],
                         ids=["SIGTERM-main", "SIGTERM-group", "SIGINT-group", "SIGINT-main"])
def test_an_interrupt_prints_one_line_and_no_traceback(tmp_path, sig, group):
    out = tmp_path / "site"
    proc, mark = _start(out, "--jobs", "2")
    _wait_for_kernels(proc, mark, n=1)
    (os.killpg if group else os.kill)(proc.pid, sig)
    proc.wait(timeout=60)
    _assert_none_left(mark)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 128 + sig, (proc.returncode, stderr)
    name = signal.Signals(sig).name
    said = [ln for ln in stderr.splitlines() if not ln.startswith("[")]  # not progress lines
    assert said == [f"coursekit render: interrupted ({name}); nothing half-written was left"], \
        stderr
    for text in (stdout, stderr):
        assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    assert_site_whole(out, temps_allowed=False)
    assert read_holder(out / LOCK) is None  # released cleanly
    _resume_completes(out, "--jobs", "2")


# --- kernels that die or run out of memory -----------------------------------------------

def test_a_kernel_that_dies_and_one_out_of_memory_fail_their_cell_and_the_rest_render(tmp_path):
    out = tmp_path / "site"
    proc = run_cli("render", "--notebooks", FAULTS, "--out", str(out), "--jobs", "2")
    assert proc.returncode == 1, proc.stderr + proc.stdout
    assert ("02_kernel_exits (cohort bundled, instructor): cell 4: "
            "DeadKernelError: Kernel died") in proc.stdout
    assert ("03_out_of_memory (cohort bundled, instructor): cell 4 [3]: MemoryError "
            "(line 8: hog = bytearray(4 * 2**30))") in proc.stdout
    assert "1 rendered, 2 failed" in proc.stdout
    page = (out / "bundled" / "instructor" / "01_ok.html").read_text(encoding="utf-8")
    assert "fine" in page and "after" in page
    entries = json.loads((out / "manifest.json").read_text())["entries"]
    assert {k: v["status"] for k, v in entries.items()} == {
        "bundled/instructor/01_ok": "ok", "bundled/instructor/02_kernel_exits": "failed",
        "bundled/instructor/03_out_of_memory": "failed"}
    assert entries["bundled/instructor/02_kernel_exits"]["failure"]["cell"] == 4
    assert "DeadKernelError" in (out / "index.html").read_text()


# --- the lock ----------------------------------------------------------------------------

def _holder_json(pid: int, started: str | None = None) -> str:
    import socket

    return json.dumps({"pid": pid, "started": started, "host": socket.gethostname()})


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.write(fd, sys.argv[2].encode())
print("locked", flush=True)
time.sleep(120)
"""


def _hold_lock(path: Path, record: str) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path), record],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_lock_held_by_what_is_left_of_a_dead_render_is_taken_over(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    dead = _dead_pid()
    orphan = _hold_lock(out / LOCK, _holder_json(dead))  # an orphan keeps the flock
    try:
        done = run_cli("render", "--notebooks", SLOW, "--out", str(out), "--jobs", "2")
        assert done.returncode == 0, done.stderr
        line = (f"{out / LOCK}: held by what is left of a render that died (pid {dead}); "
                "taking it over")
        assert line in done.stderr.splitlines()
        assert not list(out.glob(f"{LOCK}.*"))
    finally:
        orphan.kill()
        orphan.wait()


def test_a_lock_held_by_a_live_render_stops_the_next_one(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    live = _hold_lock(out / LOCK, _holder_json(os.getpid()))
    try:
        done = run_cli("render", "--notebooks", SLOW, "--out", str(out))
        assert done.returncode == 2
        assert done.stderr.strip() == (f"coursekit render: error: --out {out.resolve()}: another "
                                       f"render (pid {os.getpid()} on {_host()}) is writing there")
        assert not (out / "index.html").exists()
    finally:
        live.kill()
        live.wait()


def _host() -> str:
    import socket

    return socket.gethostname()


def test_a_record_left_by_a_killed_render_is_taken_over(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    dead = _dead_pid()
    (out / LOCK).write_text(_holder_json(dead, "12345"))
    done = run_cli("render", "--notebooks", SLOW, "--out", str(out), "--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert (f"{out / LOCK}: the render that held it (pid {dead}) ended without releasing it; "
            "taking it over") in done.stderr.splitlines()
    assert read_holder(out / LOCK) is None
    assert Holder(dead, "12345", _host()) != read_holder(out / LOCK)


# --- Dask --------------------------------------------------------------------------------

def test_a_dask_client_that_dies_leaves_whole_files_and_resume_completes(tmp_path):
    from distributed import LocalCluster

    out = tmp_path / "site"
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                      dashboard_address=None) as cluster:
        dask = ("--executor", "dask", "--scheduler", cluster.scheduler_address)
        proc, mark = _start(out, *dask)
        first = out / "bundled" / "instructor"
        deadline = time.monotonic() + 90
        while (proc.poll() is None and time.monotonic() < deadline
               and not list(first.glob("*.html"))):
            time.sleep(0.05)
        assert list(first.glob("*.html")), proc.communicate(timeout=30)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        _assert_none_left(mark)  # the client's own processes; the cluster is not the render's
        proc.communicate(timeout=30)
        assert_site_whole(out, temps_allowed=True)
        assert len(list(first.glob("*.html"))) < 3, "the render was not interrupted"
        done = _resume_completes(out, *dask)
        assert "up to date" in done.stdout
