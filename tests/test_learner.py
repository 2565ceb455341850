"""What a learner opens (``make lab``, Binder): student copies with no solution and no stored check.

The copies are written by :mod:`coursekit.render.learner` from ``notebooks/`` (the single
source, instructor variant); each is compared with its source cell by cell.
"""

from __future__ import annotations

import ast

import nbformat
import pytest

from coursekit.render.learner import LEARNER_FOLDER, main, write_student_copies
from coursekit.render.variants import PLACEHOLDER_COMMENT
from tests.conftest import ROOT

SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("learner")
    written = write_student_copies(out)
    assert [p.name for p in written] == [p.name for p in SOURCES]
    return out


def _solution_lines(nb) -> list[str]:
    """Each solution's code lines, with what they compute (the right-hand side of an assignment)."""
    lines = []
    for cell in nb.cells:
        if "solution" in cell.metadata.get("tags", []) and cell.cell_type == "code":
            for node in ast.parse(cell.source).body:
                lines.append(ast.unparse(node))
                if isinstance(node, ast.Assign):
                    lines.append(ast.unparse(node.value))
    return [line for line in lines if line.strip() not in ("None", "")]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_learner_copy_has_no_solution_and_no_output(copies, source):
    original = nbformat.read(source, as_version=4)
    copy = nbformat.read(copies / source.name, as_version=4)
    assert len(copy.cells) == len(original.cells)
    solutions = _solution_lines(original)
    if source.name[:2] != "00":
        assert solutions, "the source lost its solutions"
    text = "\n".join(c.source for c in copy.cells)
    for line in solutions:
        assert line not in text, f"{source.name}: solution code {line!r} in the learner copy"
    for cell in copy.cells:
        if "solution" in cell.metadata.get("tags", []) and cell.cell_type == "code":
            for line in cell.source.splitlines():
                assert line.endswith(PLACEHOLDER_COMMENT) or line.startswith("#"), line
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None  # no stored "correct"
    assert "correct" not in "".join(
        str(out) for c in copy.cells if c.cell_type == "code" for out in c.outputs)
    assert "widgets" not in copy.metadata


def test_a_learner_copy_runs_and_says_not_attempted(copies):
    from tests.test_exercises import run_solutions

    verdicts = run_solutions(copies / "01_meet_the_data.ipynb", {"seed": 5, "n_respondents": 60})
    assert verdicts and {f.status for f in verdicts.values()} == {"not attempted"}


def test_learner_work_is_kept(copies, capsys):
    mine = copies / "02_measuring_motives.ipynb"
    nb = nbformat.read(mine, as_version=4)
    nb.cells[-1].source = "my own notes"
    nbformat.write(nb, mine)
    assert main([str(copies)]) == 0
    assert "0 student notebook(s) written, 8 kept" in capsys.readouterr().out
    assert nbformat.read(mine, as_version=4).cells[-1].source == "my own notes"
    (copies / "03_exploring_motives.ipynb").unlink()
    assert [p.name for p in write_student_copies(copies)] == ["03_exploring_motives.ipynb"]


def test_make_lab_and_binder_open_the_learner_copies():
    makefile = (ROOT / "Makefile").read_text()
    lab = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert "coursekit.render.learner" in lab and f"{LEARNER_FOLDER}/00_welcome.ipynb" in lab
    assert "notebooks/" not in lab
    assert "coursekit.render.learner" in (ROOT / "postBuild").read_text()
    assert f"/{LEARNER_FOLDER}/" in (ROOT / ".gitignore").read_text().splitlines()
