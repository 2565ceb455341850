import csv
import os

import pytest

from coursekit.common.paths import bundled_survey_path
from tests.conftest import FIXTURES, run_cli

MALFORMED = FIXTURES / "malformed"
with (MALFORMED / "EXPECTED.csv").open(encoding="utf-8") as fh:
    EXPECTED = [(row["file"], row["message_contains"]) for row in csv.DictReader(fh)]


def test_help_reads_well():
    out = run_cli("--help")
    assert out.returncode == 0
    for word in ("simulate", "validate"):
        assert word in out.stdout
    sim = run_cli("simulate", "--help")
    assert "--seed" in sim.stdout and "--out" in sim.stdout


def test_simulate_twice_gives_identical_bytes_and_validates(tmp_path):
    for name in ("a.csv", "b.csv"):
        out = run_cli("simulate", "--n", "500", "--seed", "7", "--out", name, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    out = run_cli("validate", "a.csv", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "valid" in out.stdout and "500 respondents" in out.stdout


def test_bundled_file_validates():
    out = run_cli("validate", str(bundled_survey_path()))
    assert out.returncode == 0, out.stderr
    assert "800 respondents" in out.stdout
    assert "careless" in out.stdout and "warning:" in out.stdout


def test_strict_turns_warnings_into_errors():
    out = run_cli("validate", "--strict", str(bundled_survey_path()))
    assert out.returncode == 2
    assert "outside the response scale" in out.stderr


def test_there_are_at_least_twenty_malformed_fixtures():
    assert len(EXPECTED) >= 20
    for name, _ in EXPECTED:
        assert (MALFORMED / name).is_file()


@pytest.mark.parametrize(("name", "needle"), EXPECTED, ids=[n for n, _ in EXPECTED])
def test_malformed_input_exit_2_with_reason(tmp_path, name, needle):
    before = sorted(os.listdir(tmp_path))
    out = run_cli("validate", str(MALFORMED / name), cwd=tmp_path)
    assert out.returncode == 2
    assert needle in out.stderr, out.stderr
    assert name in out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    assert sorted(os.listdir(tmp_path)) == before  # nothing written


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["validate", "missing.csv"], "no such file"),
        (["validate", "."], "folder"),
        (["simulate", "--n", "0", "--out", "x.csv"], "out of range"),
        (["simulate", "--n", "ten", "--out", "x.csv"], "not a whole number"),
        (["simulate", "--seed", "-1", "--out", "x.csv"], "out of range"),
        (["simulate", "--out", "nodir/x.csv"], "does not exist"),
        (["simulate", "--out", "."], "is a folder"),
        (["simulate", "--n", "5"], "required"),
        (["simulate", "--out", "x.csv", "--bogus"], "unrecognized"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_arguments_one_line_exit_2(tmp_path, args, needle):
    out = run_cli(*args, cwd=tmp_path)
    assert out.returncode == 2
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, out.stderr
    assert needle in lines[0]
    assert "Traceback" not in out.stderr


def test_output_folder_that_refuses_writes():
    # /proc refuses new files even for root, so this holds on any machine.
    out = run_cli("simulate", "--n", "10", "--out", "/proc/coursekit-test.csv")
    assert out.returncode == 2
    assert "coursekit simulate: error:" in out.stderr and "Traceback" not in out.stderr


def test_output_path_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    out = run_cli("simulate", "--n", "10", "--out", str(blocker / "x.csv"))
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
