"""Warm kernels (coursekit.render.warm, coursekit.render.provisioner): forked from a template,
as isolated as started ones, the same pages and notebooks, and a render that completes when the
template dies or refuses.

Every render here runs ``python -m coursekit.cli render`` in a subprocess, as a user would.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
from nbformat.v4 import new_code_cell, new_notebook

from coursekit.render import provisioner
from coursekit.render.kernel import SECRET_NAMES, kernel_environment
from coursekit.render.roster import SECRET_ENV
from coursekit.survey.deidentify import SALT_ENV
from tests.conftest import COURSE_NOTEBOOKS, OTHER_SEED, ROOT, run_cli
from tests.test_render_faults import SLOW, _assert_none_left, _marked, _start

SECRET = "a course secret that no kernel may see"
#: The mode the shared course renders (conftest) do not use: rendered here to compare.
#: The kernel start the course render of conftest's seed_site (8 notebooks, --jobs 2) does not
#: get by default.
OTHER = "fresh" if provisioner.choose(None, jobs=8, workers=2) == "warm" else "warm"
FALLBACK = "warm kernel unavailable"


def _write(folder: Path, name: str, *cells: str) -> Path:
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)
    return folder / name


def _outputs(site: Path, stem: str) -> list[str]:
    nb = nbformat.read(next(site.glob(f"*/*/{stem}.ipynb")), as_version=4)
    return ["".join(o.get("text", "")) for c in nb.cells for o in c.get("outputs", [])
            if o.get("output_type") == "stream"]


# --- isolation ------------------------------------------------------------------------------

MUTATE = '''
import json, os, random, sys, types
import numpy as np, plotly.io as pio, coursekit
start = {"preloaded": "scipy.stats" in sys.modules,
         "numpy": [int(x) for x in np.random.get_state()[1][1:5]],
         "random": random.random(), "pid": os.getpid(), "ppid": os.getppid()}
coursekit.leaked = np.leaked = "from A"
os.environ["CK_LEAKED"] = "from A"
os.chdir("/")
np.random.seed(123)
random.seed(123)
pio.templates.default = "plotly_dark"
sys.modules["ck_leaked_module"] = types.ModuleType("ck_leaked_module")
held = open(os.path.join(os.environ["CK_TEST_FOLDER"], "held-open.txt"), "w")
print(json.dumps(start))
'''

CHECK = '''
import json, os, random, sys
start = {"preloaded": "scipy.stats" in sys.modules}
import numpy as np, plotly.io as pio, coursekit
start.update({"numpy": [int(x) for x in np.random.get_state()[1][1:5]], "random": random.random(),
              "pid": os.getpid(), "ppid": os.getppid()})
assert not hasattr(coursekit, "leaked") and not hasattr(np, "leaked")
assert "CK_LEAKED" not in os.environ
assert os.getcwd() == os.environ["CK_TEST_FOLDER"], os.getcwd()
seeded = np.random.RandomState(123).get_state()[1][1:5]
assert list(np.random.get_state()[1][1:5]) != list(seeded)
assert pio.templates.default == "plotly", pio.templates.default
assert "ck_leaked_module" not in sys.modules
links = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
         if os.path.exists(f"/proc/self/fd/{fd}")]
assert not [x for x in links if x.endswith("held-open.txt")], links
start["secrets"] = sorted(k for k in os.environ if "SECRET" in k or "TOKEN" in k or "SALT" in k)
start["env"] = sorted(os.environ)
print(json.dumps(start))
'''


def test_nothing_one_warm_notebook_does_reaches_the_next_and_no_secret_reaches_either(tmp_path):
    folder = tmp_path / "iso"
    _write(folder, "a_mutate.ipynb", MUTATE)
    _write(folder, "b_check.ipynb", CHECK)
    env = {SECRET_ENV: SECRET, SALT_ENV: SECRET, "CK_FAKE_API_TOKEN": "t0ken",
           "CK_TEST_FOLDER": str(folder)}
    done = run_cli("render", "--notebooks", str(folder / "*.ipynb"), "--out",
                   str(tmp_path / "site"), "--jobs", "1", "--kernel-start", "warm",
                   cwd=folder, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert FALLBACK not in done.stderr and "starting it again" not in done.stderr, done.stderr
    a = json.loads(_outputs(tmp_path / "site", "a_mutate")[-1])
    b = json.loads(_outputs(tmp_path / "site", "b_check")[-1])
    # Both were forked (the template had imported scipy.stats), from one worker's template,
    # and got their own random seeds.
    assert a["preloaded"] and b["preloaded"]
    assert a["ppid"] == b["ppid"] and a["pid"] != b["pid"]
    assert a["numpy"] != b["numpy"] and a["random"] != b["random"]
    assert b["secrets"] == []
    assert set(b["env"]) >= {"PATH", "HOME", "CK_TEST_FOLDER", "JPY_PARENT_PID"}


def test_the_template_is_started_without_secrets_and_with_single_threaded_blas(monkeypatch):
    for name in (*SECRET_NAMES, "CK_FAKE_PASSWORD"):
        monkeypatch.setenv(name, SECRET)
    template = provisioner.Template()
    template.ensure_running()
    try:
        # Read once it listens: by then it has imported everything and is the template.
        deadline = time.monotonic() + 120
        while not os.path.exists(template._socket()) and template._proc.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        assert template._proc.poll() is None, f"the template ended ({template._proc.returncode})"
        env = psutil.Process(template.pid).environ()
    finally:
        template._stop()
    assert template._env == env or not env, "the template was not started with its own environment"
    # /proc/PID/environ once read empty in a loaded CI run (cause not found): then check
    # the environment the template was started with, which Popen passes exactly.
    env = env or template._env
    assert not [k for k, v in env.items() if SECRET in v], env
    assert env["OPENBLAS_NUM_THREADS"] == env["OMP_NUM_THREADS"] == "1"
    assert SECRET_NAMES == (SECRET_ENV, SALT_ENV)
    assert kernel_environment({"CK_FAKE_PASSWORD": "x", "PATH": "/bin"}) == {"PATH": "/bin"}


# --- a warm kernel is a started kernel ----------------------------------------------------------

FINGERPRINT = '''
import json, os, stat, sys, tempfile
import numpy, pandas as pd, scipy.stats, plotly.io as pio, threadpoolctl
from ipykernel.kernelapp import IPKernelApp
app = IPKernelApp.instance()
blas = sorted({i["num_threads"] for i in threadpoolctl.threadpool_info()
               if i["user_api"] == "blas"})
env = dict(os.environ)
print(json.dumps({
    "renderer": pio.renderers.default, "template": pio.templates.default, "blas": blas,
    "pandas": [pd.get_option(f"display.{o}") for o in ("max_columns", "width", "max_rows")],
    "parent": app.parent_handle == os.getppid() == int(env["JPY_PARENT_PID"]),
    "poller": type(app.poller).__name__, "argv": len(sys.argv), "path": sys.path,
    "cwd": os.getcwd(), "tmp": tempfile.gettempdir() == env["TMPDIR"],
    "env": sorted(set(env) - {"KMP_DUPLICATE_LIB_OK", "KMP_INIT_AT_FORK"}),
    "session_leader": os.getsid(0) == os.getpid(), "stdin_fifo": stat.S_ISFIFO(os.fstat(0).st_mode),
    "stdout": type(sys.stdout).__name__, "mpl": env.get("MPLBACKEND"),
    "main": sys.modules["__main__"].__name__,
}))
'''


def test_a_warm_kernel_looks_like_a_started_one_from_inside(tmp_path):
    folder = tmp_path / "fp"
    _write(folder, "fingerprint.ipynb", FINGERPRINT)
    seen = {}
    for mode in ("fresh", "warm"):
        done = run_cli("render", "--notebooks", str(folder / "*.ipynb"), "--out",
                       str(tmp_path / mode), "--jobs", "1", "--kernel-start", mode, cwd=folder)
        assert done.returncode == 0, done.stdout + done.stderr
        seen[mode] = json.loads(_outputs(tmp_path / mode, "fingerprint")[-1])
    assert seen["warm"] == seen["fresh"]
    assert seen["warm"]["parent"] and seen["warm"]["session_leader"]


# --- the same pages and notebooks -----------------------------------------------------------

#: papermill gives its injected parameters cell a new random id on every run.
_INJECTED_ID = re.compile(r'(celltag_injected-parameters" id="cell-id=)[^"]+')


def _normalized(nb_path: Path) -> str:
    """The executed notebook without what changes from run to run: timings and one cell id."""
    nb = nbformat.read(nb_path, as_version=4)
    for key in ("duration", "start_time", "end_time", "environment_variables"):
        nb.metadata.get("papermill", {}).pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    return nbformat.writes(nb)


def _page(path: Path) -> str:
    return _INJECTED_ID.sub(r"\1injected-parameters", path.read_text(encoding="utf-8"))


def _assert_same_sites(a: Path, b: Path) -> int:
    files = sorted(p.relative_to(a) for p in a.rglob("*")
                   if p.is_file() and p.suffix in (".ipynb", ".html") and p.name != "index.html")
    assert files and files == sorted(p.relative_to(b) for p in b.rglob("*")
                                     if p.is_file() and p.suffix in (".ipynb", ".html")
                                     and p.name != "index.html")
    for rel in files:
        if rel.suffix == ".ipynb":
            assert _normalized(a / rel) == _normalized(b / rel), rel
        else:
            assert _page(a / rel) == _page(b / rel), rel
    return len(files)


def test_the_course_renders_the_same_with_warm_and_fresh_kernels(seed_site, tmp_path):
    assert seed_site.returncode == 0, seed_site.stderr
    out = tmp_path / OTHER
    done = run_cli("render", "--seed", str(OTHER_SEED), "--jobs", "2", "--kernel-start", OTHER,
                   "--out", str(out), cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert FALLBACK not in done.stderr, done.stderr
    assert _assert_same_sites(seed_site.out, out) == 2 * len(COURSE_NOTEBOOKS)


def test_a_roster_renders_the_same_with_warm_and_fresh_kernels(tmp_path):
    """Three students, one of the course's notebooks (the whole course is compared above)."""
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nst-001\nst-002\nst-003\n", encoding="utf-8")
    notebooks = str(ROOT / "notebooks" / "03_*.ipynb")
    sites = {}
    for mode in ("fresh", "warm"):
        sites[mode] = tmp_path / mode
        done = run_cli("render", "--roster", str(roster), "--notebooks", notebooks, "--jobs", "2",
                       "--kernel-start", mode, "--out", str(sites[mode]), cwd=ROOT,
                       env={SECRET_ENV: SECRET})
        assert done.returncode == 0, done.stdout + done.stderr
    assert _assert_same_sites(sites["fresh"], sites["warm"]) == 3 * 2  # page + notebook


# --- robust: fallback, restart, nothing outlives the render -----------------------------------

def test_a_template_that_refuses_falls_back_to_fresh_kernels_saying_so_once(tmp_path):
    done = run_cli("render", "--notebooks", SLOW, "--out", str(tmp_path / "site"), "--jobs", "1",
                   "--kernel-start", "warm", env={"COURSEKIT_WARM_FAULT": "refuse"})
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [x for x in done.stderr.splitlines() if FALLBACK in x]
    assert len(lines) == 1 and "refused" in lines[0], done.stderr
    for stem in ("01_slow", "02_slow", "03_slow"):
        assert "slept" in "".join(_outputs(tmp_path / "site", stem))


def _templates(mark: str) -> list[psutil.Process]:
    """The render's warm templates: single-threaded, started as coursekit.render.warm."""
    found = []
    for proc in _marked(mark):
        try:
            if "coursekit.render.warm" in proc.cmdline() and proc.num_threads() == 1:
                found.append(proc)
        except psutil.NoSuchProcess:
            continue
    return found


def test_a_template_killed_mid_render_is_started_again_and_its_kernels_go_on(tmp_path):
    out = tmp_path / "site"
    proc, mark = _start(out, "--jobs", "1", "--kernel-start", "warm")
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            forked = [p for p in _marked(mark) if "coursekit.render.warm" in p.cmdline()]
            if len(forked) >= 2:  # the template and a kernel forked from it
                break
            time.sleep(0.05)
        # A kernel just forked is single-threaded too, for a moment: the template is
        # the oldest of them, started before it forked any kernel.
        templates = sorted(_templates(mark), key=lambda p: p.create_time())
        assert templates, [p.cmdline() for p in _marked(mark)]
        templates[0].send_signal(signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stdout + stderr
    assert "starting it again" in stderr, stderr
    for stem in ("01_slow", "02_slow", "03_slow"):
        assert "slept" in "".join(_outputs(out, stem)), stem
    _assert_none_left(mark)


def test_warm_kernels_and_their_template_die_with_a_killed_render(tmp_path):
    proc, mark = _start(tmp_path / "site", "--jobs", "2", "--kernel-start", "warm")
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if len([p for p in _marked(mark) if "coursekit.render.warm" in p.cmdline()]) >= 2:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)  # the main process only: the rest must follow
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    _assert_none_left(mark, but=proc.pid)


REAP = """
import os, signal, subprocess, sys
from coursekit.render import provisioner
assert provisioner.become_subreaper()
pid = os.fork()
if pid == 0:
    os._exit(7)
kernel = provisioner.ForkedKernel(pid)
assert kernel.wait(timeout=10) == 7 and kernel.poll() == 7
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
forked = provisioner.ForkedKernel(child.pid)
forked.kill()
assert forked.wait(timeout=10) == -signal.SIGKILL, forked.returncode
child.returncode = forked.returncode  # reaped through the pid, not the Popen
try:
    os.waitpid(child.pid, os.WNOHANG)
except ChildProcessError:
    print("reaped")
"""


def test_a_forked_kernel_is_waited_for_and_killed_through_its_pid():
    done = subprocess.run([sys.executable, "-c", REAP], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "reaped", done.stderr


def test_a_dask_worker_forks_warm_kernels_from_its_own_template(tmp_path):
    from distributed import Client, LocalCluster

    folder = tmp_path / "dask"
    for name in ("a.ipynb", "b.ipynb"):
        _write(folder, name, 'import os, sys\nprint("scipy.stats" in sys.modules, os.getppid())')
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                      dashboard_address=None) as cluster:
        done = run_cli("render", "--notebooks", str(folder / "*.ipynb"), "--out",
                       str(tmp_path / "site"), "--executor", "dask", "--scheduler",
                       cluster.scheduler_address, "--kernel-start", "warm")
        with Client(cluster) as client:
            workers = set(client.run(os.getpid).values())
    assert done.returncode == 0, done.stdout + done.stderr
    for stem in ("a", "b"):
        preloaded, parent = _outputs(tmp_path / "site", stem)[-1].split()
        assert preloaded == "True" and int(parent) in workers, (preloaded, parent, workers)
