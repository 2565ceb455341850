from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Run ``coursekit`` as a user would, in a subprocess; return the CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "coursekit.cli", *args],
        cwd=cwd, capture_output=True, text=True, env=full_env, timeout=600,
    )
