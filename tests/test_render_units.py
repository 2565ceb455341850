"""The render's small parts without kernels: lifeline, lock, executor registry, variants."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap

import nbformat
import psutil
import pytest

from coursekit.common.errors import RenderError
from coursekit.render import executors, lock, variants
from coursekit.render import run as render
from tests.test_render import NOTEBOOKS

# A middle process starts a grandchild tied to it, prints the grandchild's pid, and waits.
TIED = textwrap.dedent("""
    import os, subprocess, sys, time
    code = ("import os, sys, time\\n"
            "from coursekit.render import lifeline\\n"
            "if sys.argv[1] == 'watchdog':\\n"
            "    lifeline.set_parent_death_signal = lambda sig=None: False\\n"
            "lifeline.die_with_parent(os.getppid(), interval=0.2)\\n"
            "print('tied', flush=True)\\n"
            "time.sleep(60)\\n")
    child = subprocess.Popen([sys.executable, "-c", code, sys.argv[1]], stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout.readline().strip() == "tied"
    print(child.pid, flush=True)
    time.sleep(60)
""")


@pytest.mark.parametrize("how", ["pdeathsig", "watchdog"])
def test_a_tied_process_dies_with_its_parent(how):
    middle = subprocess.Popen([sys.executable, "-c", TIED, how], stdout=subprocess.PIPE, text=True)
    pid = int(middle.stdout.readline())
    grandchild = psutil.Process(pid)
    assert grandchild.is_running()
    middle.kill()
    middle.wait()
    try:
        grandchild.wait(timeout=3)
    except psutil.TimeoutExpired:
        grandchild.kill()
        pytest.fail(f"the {how} did not end the orphan within 3 s")


def test_a_second_lock_on_the_same_folder_is_refused_while_the_first_is_held(tmp_path):
    said = []
    with lock.render_lock(tmp_path, said.append) as fd:
        assert fd is not None
        record = json.loads((tmp_path / lock.LOCK).read_text())
        assert record["pid"] == os.getpid()
        refused = rf"another render \(pid {os.getpid()} on "
        with pytest.raises(RenderError, match=refused), lock.render_lock(tmp_path):
            pass
    assert lock.read_holder(tmp_path / lock.LOCK) is None and said == []
    with lock.render_lock(tmp_path):  # released: free again
        pass


def test_a_dead_holder_is_recognised_by_pid_and_start_time(tmp_path):
    me = lock.Holder(os.getpid(), lock.process_started(os.getpid()), lock.socket.gethostname())
    assert lock.holder_alive(me)
    assert not lock.holder_alive(lock.Holder(me.pid, "0", me.host))  # the pid, reused
    assert lock.holder_alive(lock.Holder(10**7, None, "another-host"))  # cannot tell: alive


def _fake(todo, options):
    for job in todo:
        yield job, render.JobResult(job.key, "prepared", 0.1, ipynb=job.source)


def test_an_executor_registered_by_name_runs_the_jobs(tmp_path, monkeypatch):
    monkeypatch.setitem(executors.EXECUTORS, "fake", _fake)
    plan = render.plan_render(notebooks=str(NOTEBOOKS / "broken" / "*.ipynb"), execute=False,
                              out=tmp_path / "site")
    summary = render.run_render(plan, executor="fake")
    assert [r.status for r in summary.results] == ["prepared", "prepared"]
    copy = nbformat.read(tmp_path / "site" / "bundled" / "instructor" / "01_works.ipynb",
                         as_version=4)
    assert copy.cells[1].metadata.tags == ["parameters"]
    again = render.run_render(plan, executor="fake", resume=True)  # nothing left to run
    assert (again.results, len(again.skipped)) == ((), 2)
    with pytest.raises(RenderError, match=r"unknown executor 'nope' \(expected dask, fake, "):
        render.run_render(plan, executor="nope")


def test_the_student_variant_is_an_nbconvert_preprocessor():
    from nbconvert.preprocessors import Preprocessor

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x, y = 1, 2", metadata={"tags": ["solution"],
                                                            "collapsed": True}),
        nbformat.v4.new_markdown_cell("the answer", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("print(x)", execution_count=3, outputs=[
            nbformat.v4.new_output("stream", text="1\n")])])
    assert issubclass(variants.StudentVariant, Preprocessor)
    student, _ = variants.StudentVariant().preprocess(nbformat.from_dict(nb), {})
    assert student.cells[0].source == ("x = None  # write your answer here\n"
                                       "y = None  # write your answer here\n")
    assert student.cells[1].source == variants.PLACEHOLDER_MARKDOWN
    made = variants.make_variant(nb, "student")
    assert made.cells[0].metadata.collapsed is True  # cell metadata kept as written
    assert made.cells[2].outputs == [] and made.cells[2].execution_count is None
    assert nb.cells[2].outputs, "the source notebook is not changed"


def test_an_interrupt_carries_its_signal():
    exc = render.Interrupted(signal.SIGTERM)
    assert isinstance(exc, KeyboardInterrupt) and exc.signum == signal.SIGTERM


def test_scratch_folders_of_dead_renders_are_removed(tmp_path):
    from coursekit.render import scratch

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host, other = scratch.host_tag(), scratch.host_tag("other.host.example")
    assert len(host) == 8 and host == scratch.host_tag(socket.gethostname()) != other
    stale = tmp_path / f"{scratch.PREFIX}{host}.{dead.pid}.abc"
    (stale / "ck-1").mkdir(parents=True)
    live = tmp_path / f"{scratch.PREFIX}{host}.{os.getpid()}.abc"
    elsewhere = tmp_path / f"{scratch.PREFIX}{other}.{dead.pid}.abc"
    for path in (live, elsewhere):
        path.mkdir()
    assert scratch.remove_stale(tmp_path) == 1
    assert not stale.exists() and live.exists() and elsewhere.exists()
    assert scratch.owner(elsewhere.name) == (other, dead.pid)
