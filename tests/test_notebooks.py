"""The course notebooks: structure, size, and that they run on other cohorts.

nbval (in ``make test``) re-runs every notebook against its stored outputs; the
tests here check what nbval does not: the parameters contract, short cells,
exercises with solutions, small stored files, and runs on other seeds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import nbformat
import pytest

from coursekit.common.mime import PLOTLY_MIME, WIDGET_MIME
from coursekit.course.exercises import exercises_for
from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PARAMETERS = {"data_path", "seed", "n_respondents", "cohort", "min_group_size"}


def _load(path):
    return nbformat.read(path, as_version=4)


def test_eight_numbered_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == [f"{i:02d}" for i in range(8)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell(path):
    nb = _load(path)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {line.split("=")[0].strip() for line in tagged[0].source.splitlines()
             if "=" in line and not line.lstrip().startswith("#")}
    assert names >= PARAMETERS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_are_short_and_outputs_small(path):
    nb = _load(path)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 15, cell.source[:60]
    assert path.stat().st_size < 300 * 1024
    text = path.read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" not in text
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_show_figures_with_captions_and_no_errors(path):
    nb = _load(path)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"never run: {cell.source[:60]}"
        for out in cell.outputs:
            assert out.output_type != "error", cell.source[:60]
            data = out.get("data", {})
            assert WIDGET_MIME not in data  # stored notebooks show the static figure
            if PLOTLY_MIME in data:
                assert data["text/plain"].strip()  # the text alternative


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.stem)
def test_exercises_have_solution_and_check_cells(path):
    nb = _load(path)
    number = path.name[:2]
    keys = [e.key for e in exercises_for(number)]
    assert 2 <= len(keys) <= 4
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    assert len(solutions) == len(keys)
    for key in keys:
        answer = f"answer_{key.replace('.', '_')}"
        assert any(s.startswith(f"{answer} =") for s in (c.source for c in solutions))
        assert any(f'check("{key}", {answer}, course)' in s for s in sources)


def test_nbval_fails_when_a_stored_number_changes(tmp_path):
    nb_path = tmp_path / "00_welcome.ipynb"
    shutil.copy(ROOT / "notebooks" / "00_welcome.ipynb", nb_path)
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    changed = False
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("name") == "stdout" and "800 respondents" in "".join(out["text"]):
                out["text"] = ["".join(out["text"]).replace("800 respondents", "801 respondents")]
                changed = True
    assert changed
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
            "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), str(nb_path)]
    bad = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert bad.returncode != 0
    assert "Cell outputs differ" in bad.stdout
    assert "801 responde" in bad.stdout and "800 responde" in bad.stdout  # the diff shows both


def test_every_notebook_runs_on_another_seed(seed_site):
    assert seed_site.returncode == 0, seed_site.stdout[-3000:] + seed_site.stderr[-3000:]
    assert "8 rendered, 0 failed" in seed_site.stdout


def test_the_map_in_00_says_where_each_hypothesis_is_tested():
    """Each notebook 00's map names for a hypothesis discusses it by name; 07 tests them all."""
    import re

    from coursekit.course import report, start

    intro = next(c.source for c in _load(NOTEBOOKS[0]).cells if "| H1 |" in c.source)
    rows = re.findall(r"^\| (H\d) \| [^|]+ \| ([^|]+) \|$", intro, flags=re.M)
    assert [h for h, _ in rows] == ["H1", "H2", "H3", "H4", "H5"]
    tested = set(report.hypothesis_table(start(seed=4, n_respondents=120)).index)
    for hypothesis, where in rows:
        numbers = re.findall(r"\b0\d\b", where)
        assert "07" in numbers and any(t.startswith(hypothesis) for t in tested), hypothesis
        for number in numbers[:-1]:
            nb = _load(next(p for p in NOTEBOOKS if p.name.startswith(number)))
            prose = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
            assert re.search(rf"\b{hypothesis}\b", prose), (hypothesis, number)
