"""A JupyterLab server and a headless Chromium for the real-browser tests.

``JupyterLab`` starts ``python -m jupyterlab`` from the test's own virtualenv on
127.0.0.1, on a port the OS picks, with no token or password, over a root
directory the test owns (a temporary copy of ``notebooks/``, since JupyterLab
writes checkpoints and autosaves). Its configuration, data, runtime and IPython
directories are temporary too, so a user's settings and workspaces never leak
in, while the virtualenv's kernelspec and lab extensions (found under
``sys.prefix``) stay in use. News, update checks and the announcements plugin
are off: the server and the page make no request beyond 127.0.0.1.

``chromium_context`` launches Debian's ``chromium`` (``/usr/bin/chromium``)
through Playwright with a fresh profile; Playwright's own browser downloads
are not used.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil  # a dependency of ipython, hence of ipykernel
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "the browser test needs Debian's chromium at /usr/bin/chromium: "
    "run `apt-get update && apt-get install -y --no-install-recommends chromium` (as root) "
    "and rerun (make test does it when run as root)"
)

# Page-config plugins switched off: the announcements plugin asks for news consent in a toast.
DISABLED_PLUGINS = ["@jupyterlab/apputils-extension:announcements"]


def require_chromium() -> Path:
    """Return the Chromium executable, or fail the test saying how to install it."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} not found: {INSTALL_HINT}", pytrace=False)
    return CHROMIUM


class JupyterLab:
    """A JupyterLab server in its own process group; use as a context manager.

    ``url`` is the server's base URL (``http://127.0.0.1:PORT``) once it answers
    on ``/api/status``; ``log`` is the file its output goes to.
    """

    def __init__(self, root_dir: Path, state_dir: Path, *, startup_timeout: float = 60.0):
        self.root_dir = root_dir
        self.state_dir = state_dir
        self.startup_timeout = startup_timeout
        self.log = state_dir / "jupyterlab.log"
        self.url = ""
        self._proc: subprocess.Popen | None = None
        self._family: list[psutil.Process] = []

    # -- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> JupyterLab:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _environment(self) -> dict[str, str]:
        dirs = {name: self.state_dir / sub for name, sub in [
            ("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")]}
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        labconfig = dirs["JUPYTER_CONFIG_DIR"] / "labconfig"
        labconfig.mkdir(exist_ok=True)
        (labconfig / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {name: True for name in DISABLED_PLUGINS}}))
        env = {k: v for k, v in os.environ.items()
               if k not in {"JUPYTER_TOKEN", "JUPYTER_PORT", "JUPYTER_CONFIG_PATH", "JUPYTER_PATH",
                            "JUPYTER_PREFER_ENV_PATH"}}
        env.update({k: str(v) for k, v in dirs.items()})
        # The kernel's debugger warns about frozen modules on stderr otherwise.
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        return env

    def start(self) -> None:
        env = self._environment()
        cmd = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser", "--allow-root", "--ServerApp.open_browser=False",
            "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0",
            "--IdentityProvider.token=", "--PasswordIdentityProvider.hashed_password=",
            f"--ServerApp.root_dir={self.root_dir}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.extension_manager=readonly",
        ]
        with self.log.open("wb") as log:
            self._proc = subprocess.Popen(cmd, cwd=self.root_dir, env=env, stdout=log,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          start_new_session=True)
        runtime = Path(env["JUPYTER_RUNTIME_DIR"])
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self._proc.returncode} before "
                                   f"answering:\n{self.log_tail()}")
            if not self.url:
                self.url = _server_url(runtime)
            if self.url and _answers(self.url + "/api/status"):
                return
            time.sleep(0.2)
        raise RuntimeError(f"JupyterLab did not answer on /api/status within "
                           f"{self.startup_timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the server and its kernels: SIGTERM (a clean shutdown), then SIGKILL."""
        proc = self._proc
        if proc is None:
            return
        self._proc = None
        # Kernels run in sessions of their own, so the server's process group does not hold
        # them: note every descendant now, to end any that outlive the server.
        with contextlib.suppress(psutil.Error):
            self._family = psutil.Process(proc.pid).children(recursive=True)
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # anything left in the group
        _gone, alive = psutil.wait_procs(self._family, timeout=10)
        for p in alive:
            with contextlib.suppress(psutil.Error):
                p.kill()
        psutil.wait_procs(alive, timeout=5)

    def leftover_processes(self) -> list[int]:
        """Pids of the server's descendants still running after :meth:`stop`."""
        return [p.pid for p in self._family if p.is_running()
                and p.status() != psutil.STATUS_ZOMBIE]

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def _server_url(runtime: Path) -> str:
    """The URL the server wrote to its runtime file, or '' until it has.

    The runtime directory is this server's alone, so its one ``jpserver-*.json`` is ours.
    """
    for info in runtime.glob("jpserver-*.json"):
        try:
            return f"http://127.0.0.1:{int(json.loads(info.read_text())['port'])}"
        except (OSError, ValueError, KeyError):
            pass  # still being written
    return ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def copy_notebooks(source: Path, target: Path) -> Path:
    """Copy the course's notebooks (only ``*.ipynb``) into ``target``; return it."""
    target.mkdir(parents=True, exist_ok=True)
    for nb in sorted(source.glob("*.ipynb")):
        shutil.copy2(nb, target / nb.name)
    return target


@contextlib.contextmanager
def chromium_context(profile_dir: Path, *, viewport: tuple[int, int] = (1400, 1000)) -> Iterator:
    """A Playwright browser context in headless Debian Chromium with a fresh profile."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile_dir), executable_path=str(executable), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": viewport[0], "height": viewport[1]})
        try:
            yield context
        finally:
            context.close()


#: The WCAG 2.0/2.1 A and AA rules axe-core checks (issue 15's bar).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FIGURES_DRAWN = """() => Array.from(document.querySelectorAll('.ck-plot'))
    .every(d => d.querySelector('.main-svg'))"""


def axe_violations(page, path: Path) -> list[str]:
    """axe-core's WCAG A/AA violations on the page at ``path``, one line per element."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(path.as_uri(), wait_until="load")
    if page.locator(".ck-plot").count():
        page.wait_for_function(FIGURES_DRAWN, timeout=30_000)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = Axe().run(page, options=options).response
    return [f"{rule['id']} ({rule['impact']}) on {path.name} [{path.parent.name}]: "
            f"{' '.join(map(str, node['target']))} {node['html'][:120]}"
            for rule in result["violations"] for node in rule["nodes"]]
