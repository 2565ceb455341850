from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from coursekit.survey.codebook import load_codebook
from coursekit.survey.load import load_survey

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def codebook():
    return load_codebook()


@pytest.fixture(scope="session")
def survey():
    """The bundled cohort, as loaded (do not modify: copy first)."""
    return load_survey()


def as_in_a_terminal() -> None:
    """``preexec_fn`` of a render the tests interrupt: SIGINT as a terminal's foreground job has
    it. A shell starts background jobs (``make test &``) with SIGINT ignored, an ignored signal
    survives exec, and Python then keeps it ignored: Ctrl-C would reach nothing."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Run ``coursekit`` as a user would, in a subprocess; return the CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "coursekit.cli", *args],
        cwd=cwd, capture_output=True, text=True, env=full_env, timeout=600,
    )


# --- renders of the real course, shared by every test that reads them ---------------------
# Executing the eight notebooks is the suite's dearest step, so each cohort is rendered once
# per run: the first xdist worker to ask renders under an exclusive lock in the run's shared
# temporary folder, the others wait and read the same site.

COURSE_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@dataclass(frozen=True)
class RenderedSite:
    """A rendered course site and what ``coursekit render`` said while writing it."""

    out: Path
    returncode: int
    stdout: str
    stderr: str
    folder: Path  # where the command ran (holds its input files)


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker has its own basetemp below the run's shared one.
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_render(tmp_path_factory: pytest.TempPathFactory, name: str,
                  build: Callable[[Path], tuple[Path, subprocess.CompletedProcess]]
                  ) -> RenderedSite:
    """Run ``build(folder)`` once per test run for ``name``; every worker gets its result."""
    root = _shared_dir(tmp_path_factory)
    folder, record = root / f"shared-{name}", root / f"shared-{name}.json"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            folder.mkdir(exist_ok=True)
            out, proc = build(folder)
            record.write_text(json.dumps({"out": str(out), "returncode": proc.returncode,
                                          "stdout": proc.stdout, "stderr": proc.stderr}))
    saved = json.loads(record.read_text())
    return RenderedSite(Path(saved["out"]), saved["returncode"], saved["stdout"],
                        saved["stderr"], folder)


#: The synthetic cohort of notebook runs on "another seed".
OTHER_SEED = 11


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory) -> RenderedSite:
    """The whole course rendered for a simulated cohort of another seed (instructor variant)."""
    def build(folder: Path):
        out = folder / "site"
        return out, run_cli("render", "--seed", str(OTHER_SEED), "--jobs", "2",
                            "--out", str(out), cwd=ROOT)
    return shared_render(tmp_path_factory, f"seed{OTHER_SEED}", build)


#: Planted identifiers of the class of 30, and its gender group below the privacy minimum.
PLANTED = ("Zelda Quartermain", "zelda.quartermain@example.org", "203.0.113.77")
SMALL_GROUP = "non-binary"
CLASS_SALT = "a salt for the privacy test"


def _export_of_class30() -> pd.DataFrame:
    """A form export of 30 students with a name, e-mail and IP planted and a group of 3."""
    from coursekit.survey.simulate import simulate_survey

    df = simulate_survey(30, seed=5)
    df["gender"] = [SMALL_GROUP] * 3 + ["woman"] * 14 + ["man"] * 13
    df.insert(1, "Full name", [PLANTED[0]] + [f"Student {i}" for i in range(29)])
    df.insert(2, "Email Address", [PLANTED[1]] + [f"s{i}@school.example" for i in range(29)])
    df.insert(3, "IP Address", [PLANTED[2]] + [f"198.51.100.{i}" for i in range(29)])
    df.loc[0, "comment"] = f"write to {PLANTED[1]}"
    return df


@pytest.fixture(scope="session")
def class_site(tmp_path_factory) -> RenderedSite:
    """A class of 30 imported from a form export, rendered in both variants.

    ``folder`` holds ``export.csv``, the imported ``class.csv`` and ``import.json`` (what the
    import command printed).
    """
    def build(folder: Path):
        (folder / "export.csv").write_text(_export_of_class30().to_csv(index=False),
                                           encoding="utf-8")
        imported = run_cli("import", "--source", "csv", "export.csv", "--out", "class.csv",
                           cwd=folder, env={"COURSEKIT_SALT": CLASS_SALT})
        (folder / "import.json").write_text(json.dumps(
            {"returncode": imported.returncode, "stdout": imported.stdout,
             "stderr": imported.stderr}))
        out = folder / "site"
        if imported.returncode != 0:
            return out, imported
        return out, run_cli("render", "--data", "class.csv", "--variant", "both", "--jobs", "2",
                            "--out", "site", cwd=folder)
    return shared_render(tmp_path_factory, "class30", build)


def assert_site_whole(out: Path, *, temps_allowed: bool) -> None:
    """Every file a render left under ``out`` is whole: notebooks valid, pages closed, JSON
    parsed; a hidden ``.part`` temporary file only where ``temps_allowed`` (after SIGKILL)."""
    import nbformat

    for path in out.rglob("*"):
        if not path.is_file():
            continue
        if path.name.endswith(".part"):
            assert temps_allowed and path.name.startswith("."), path
        elif path.suffix == ".ipynb":
            nbformat.validate(nbformat.read(path, as_version=4))
        elif path.suffix == ".html":
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
