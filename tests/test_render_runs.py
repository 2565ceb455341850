"""coursekit render runs: failures, kernel retries, unexecuted copies, interrupts, Dask.

Each test runs the small notebooks in ``tests/fixtures/notebooks/`` (written by
``tests/fixtures/make_notebooks.py``).
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from coursekit.common.errors import RenderError
from coursekit.render import executors
from coursekit.render import job as renderjob
from coursekit.render import run as render
from tests.conftest import ROOT, as_in_a_terminal, assert_site_whole, run_cli
from tests.test_render import COURSE, IDS, NOTEBOOKS, SECRET, _write_roster

# --- failures ----------------------------------------------------------------------------

def test_a_failing_notebook_is_reported_and_keeps_the_good_output(tmp_path):
    out = tmp_path / "site"
    args = ["render", "--notebooks", str(NOTEBOOKS / "broken" / "*.ipynb"), "--seed", "3",
            "--out", str(out), "--jobs", "2"]
    good = run_cli(*args, "-p", "n_respondents", "50")
    assert good.returncode == 0, good.stderr + good.stdout
    page = out / "seed-3" / "instructor" / "02_fails.html"
    before = page.read_bytes()

    bad = run_cli(*args)
    assert bad.returncode == 1
    line = ("02_fails (cohort seed-3, instructor): cell 4 [4]: KeyError: 'b' "
            "(line 3: values['b'])")
    assert line in bad.stdout and line in bad.stderr
    assert "1 rendered, 1 failed" in bad.stdout
    assert page.read_bytes() == before, "the failed run replaced the good page"
    failed = nbformat.read(page.with_name("02_fails.failed.ipynb"), as_version=4)
    assert any(o.output_type == "error" for c in failed.cells for o in c.get("outputs", []))
    assert page.with_name("02_fails.failed.html").read_text().rstrip().endswith("</html>")
    index = (out / "index.html").read_text()
    assert "1 failed" in index and "KeyError" in index

    again = run_cli(*args, "-p", "n_respondents", "50", "--resume")
    assert again.returncode == 0
    assert "2 rendered, 0 failed, 0 up to date" in again.stdout
    assert not page.with_name("02_fails.failed.ipynb").exists()


def test_a_kernel_that_fails_to_start_is_retried(monkeypatch, tmp_path):
    import papermill
    import zmq

    plan = render.plan_render(notebooks=str(NOTEBOOKS / "broken" / "01_works.ipynb"),
                              out=tmp_path, execute=False)
    real = papermill.execute_notebook
    calls = []

    def flaky(*args, **kwargs):
        calls.append(kwargs["kernel_manager_class"])
        if len(calls) == 1:
            raise zmq.error.ZMQError(errno.EADDRINUSE, "Address already in use")
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    monkeypatch.setattr(renderjob.time, "sleep", lambda s: None)
    result = render.execute_job(plan.jobs[0])
    assert (result.status, result.attempts, len(calls)) == ("prepared", 2, 2)

    def broken(*args, **kwargs):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(papermill, "execute_notebook", broken)
    result = render.execute_job(plan.jobs[0])
    assert (result.status, result.attempts) == ("failed", render.KERNEL_START_ATTEMPTS)
    assert "Kernel died" in result.failure.error


def test_no_execute_writes_parameterized_student_copies(tmp_path):
    roster = _write_roster(tmp_path / "roster.csv", IDS[:2])
    out = tmp_path / "copies"
    proc = run_cli("render", "--roster", str(roster), "--variant", "student", "--no-execute",
                   "--notebooks", COURSE, "--out", str(out), "-p", "n_respondents", "007",
                   env={render.SECRET_ENV: SECRET})
    assert proc.returncode == 0, proc.stderr
    label = render.student_label(IDS[0], SECRET)
    nb = nbformat.read(out / label / "student" / "01_basics.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert f"seed = {render.student_seed(IDS[0], SECRET)}\n" in injected[0].source
    assert 'n_respondents = "007"' in injected[0].source  # the text, not the number 7
    assert f'cohort = "{label}"' in injected[0].source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert [p.name for p in out.rglob("*.html")] == ["index.html"]
    assert "prepared" in (out / "index.html").read_text()


# --- interrupted runs and resume ---------------------------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_an_interrupted_render_leaves_whole_files_and_resumes(tmp_path, sig):
    out = tmp_path / "site"
    cmd = [sys.executable, "-m", "coursekit.cli", "render", "--notebooks",
           str(NOTEBOOKS / "slow" / "*.ipynb"), "--out", str(out), "--jobs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=ROOT, preexec_fn=as_in_a_terminal)
    first = out / "bundled" / "instructor" / "01_slow.html"
    deadline = time.monotonic() + 60
    while not first.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.exists(), proc.communicate()
    time.sleep(0.3)
    os.killpg(proc.pid, sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "interrupted" in err
    assert not (out / "bundled" / "instructor" / "03_slow.html").exists(), "not interrupted"

    assert_site_whole(out, temps_allowed=sig == signal.SIGKILL)

    done = run_cli("render", "--notebooks", str(NOTEBOOKS / "slow" / "*.ipynb"),
                   "--out", str(out), "--jobs", "2", "--resume")
    assert done.returncode == 0, done.stderr
    assert "1 up to date" in done.stdout or "2 up to date" in done.stdout
    assert not [p for p in out.rglob("*.part")]
    for stem in ("01_slow", "02_slow", "03_slow"):
        assert (out / "bundled" / "instructor" / f"{stem}.html").is_file()


# --- Dask --------------------------------------------------------------------------------

def test_the_same_jobs_run_on_a_dask_cluster(tmp_path):
    from distributed import LocalCluster

    plan = render.plan_render(notebooks=str(NOTEBOOKS / "broken" / "01_works.ipynb"),
                              seed=5, out=tmp_path / "site")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        summary = render.run_render(plan, executor="dask", scheduler=cluster.scheduler_address)
    assert [r.status for r in summary.results] == ["ok"]
    page = (tmp_path / "site" / "seed-5" / "instructor" / "01_works.html").read_text()
    assert "fine" in page and page.rstrip().endswith("</html>")


def test_dask_without_a_reachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "DASK_CONNECT_TIMEOUT", 1)
    plan = render.plan_render(notebooks=str(NOTEBOOKS / "broken" / "01_works.ipynb"),
                              out=tmp_path / "site")
    with pytest.raises(RenderError, match="cannot reach the Dask scheduler"):
        render.run_render(plan, executor="dask", scheduler="tcp://127.0.0.1:9")


def test_render_kernels_leave_out_the_iri_grammar_and_the_debugger(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import sys\nimport nbformat\n"
        "print(sys.modules.get('rfc3987_syntax', 'absent'), sys.modules.get('debugpy', 'absent'),"
        " nbformat.validate(nbformat.v4.new_notebook()))")])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    source = nbformat.writes(nb)
    job = render.Job(key="k/instructor/lean", notebook="lean", title="lean", cohort="k",
                     variant="instructor", source=source, parameters={}, execute=True,
                     timeout=120, cwd=str(tmp_path), fingerprint="-")
    monkeypatch.delenv(render.PLAIN_KERNELS_ENV, raising=False)
    result = render.execute_job(job)
    assert result.status == "ok", result.failure
    out = nbformat.reads(result.ipynb, as_version=4).cells[0].outputs[0].text
    assert out == "None None None\n"  # blocked, blocked, and nbformat still validates


def test_a_cell_over_the_timeout_fails_its_notebook_naming_the_cell(tmp_path):
    plan = render.plan_render(notebooks=str(NOTEBOOKS / "hang" / "*.ipynb"), timeout=2,
                              out=tmp_path / "site")
    start = time.monotonic()
    summary = render.run_render(plan, jobs=1)
    assert time.monotonic() - start < 60
    (result,) = summary.failed
    assert result.failure.cell == 3 and "timed out" in result.failure.error
    assert "01_hangs (cohort bundled, instructor): cell 3" in render.format_summary(summary)
