"""The exercises' judging, and every notebook's solutions judged on several cohorts."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from coursekit.common.errors import CourseKitError
from coursekit.course import start
from coursekit.course.exercises import (
    Exercise,
    Feedback,
    Trap,
    check,
    exercise,
    exercises_for,
    judge,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXPORTS = ROOT / "tests" / "fixtures" / "exports"
CHECK = re.compile(r'^check\("(?P<key>\d\d\.\d+)", (?P<answer>answer_\d\d_\d+), course\)$')


@pytest.fixture(scope="module")
def course():
    return start(seed=12, n_respondents=300)


def test_every_notebook_from_01_has_two_to_four_exercises():
    for nb in ("01", "02", "03", "04", "05", "06", "07"):
        assert 2 <= len(exercises_for(nb)) <= 4, nb
    assert exercises_for("00") == []


@pytest.mark.parametrize("blank", [None, ..., "", "  "])
def test_blank_is_not_attempted(course, blank):
    fb = check("01.1", blank, course)
    assert fb.status == "not attempted"
    assert "Not attempted yet" in str(fb)


def test_expected_values_follow_the_data():
    a, b = start(seed=1, n_respondents=250), start(seed=2, n_respondents=250)
    assert exercise("01.2").expected(a) != exercise("01.2").expected(b) or \
        exercise("01.3").expected(a) != exercise("01.3").expected(b)


def test_number_tolerance_and_close(course):
    target = exercise("01.3").expected(course)
    assert check("01.3", round(target, 1), course).status == "correct"
    assert check("01.3", target + 0.3, course).status == "close"
    assert check("01.3", target + 5, course).status == "incorrect"
    assert check("01.3", "lots", course).status == "incorrect"


def test_traps_give_pointed_hints(course):
    fb = check("01.1", course.n, course)
    assert fb.status == "incorrect" and "after cleaning" in fb.message
    fb = check("01.3", exercise("01.3").expected(course) / 100, course)
    assert "percentage" in fb.message


def test_choice_and_set_kinds(course):
    choice = Exercise("x.1", "?", "choice", lambda c: "Self_esteem", hint="h")
    assert judge(choice, "self-esteem ", course).status == "correct"
    assert judge(choice, "wellbeing", course).status == "incorrect"
    sets = Exercise("x.2", "?", "set", lambda c: ["val4", "inf5"], hint="h")
    assert judge(sets, ["INF5", "val4"], course).status == "correct"
    assert judge(sets, "val4, inf5", course).status == "correct"
    assert judge(sets, ["val4"], course).status == "close"
    assert judge(sets, ["cre1"], course).status == "incorrect"


def test_trap_on_a_close_answer_stays_close(course):
    ex = Exercise("x.3", "?", "number", lambda c: 1.0, hint="h", tolerance=0.01, close=0.2,
                  traps=(Trap(lambda c: 1.1, "reverse-key first"),))
    fb = judge(ex, 1.1, course)
    assert fb.status == "close" and fb.message == "reverse-key first"


def test_unknown_key(course):
    with pytest.raises(CourseKitError, match="no exercise"):
        check("99.9", 1, course)


def test_feedback_renders(course):
    fb = check("01.1", len(course.raw), course)
    assert "correct" in fb._repr_html_() and str(fb).startswith("✔")


# --- every solution cell, run as the notebook runs it, judged by its check cell -------------

def _program(path: Path) -> list[tuple[str, str, str | None]]:
    """The notebook's code up to its last check cell, as (role, code, exercise key).

    Roles: ``parameters`` (the papermill cell), ``check`` (an expression evaluated for its
    Feedback) and ``code``. Top-level expression statements of other cells are dropped: they
    only display something (a figure, a table, a widget) and cannot bind a name a later
    cell or a solution needs, and drawing them is most of a notebook's run time.
    """
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    program: list[tuple[str, str, str | None]] = []
    for cell in cells:
        source = cell.source.strip()
        match = CHECK.match(source)
        if match:
            program.append(("check", source, match["key"]))
        elif "parameters" in cell.metadata.get("tags", []):
            program.append(("parameters", source, None))
        else:
            tree = ast.parse(source)
            tree.body = [node for node in tree.body if not isinstance(node, ast.Expr)]
            if tree.body:
                role = "solution" if "solution" in cell.metadata.get("tags", []) else "code"
                program.append((role, ast.unparse(tree), None))
    last = max(i for i, (role, _, _) in enumerate(program) if role == "check")
    return program[: last + 1]


def run_solutions(path: Path, overrides: dict) -> dict[str, Feedback]:
    """Run the notebook's code in one namespace with ``overrides`` set after its parameters."""
    namespace: dict = {"__name__": "__main__"}
    verdicts: dict[str, Feedback] = {}
    for i, (role, code, key) in enumerate(_program(path)):
        if role == "check":
            verdicts[key] = eval(code, namespace)
            continue
        exec(compile(code, f"{path.name} cell {i}", "exec"), namespace)
        if role == "parameters":
            namespace.update(overrides)
    return verdicts


EXERCISED = [p for p in NOTEBOOKS if exercises_for(p.name[:2])]


def test_every_solution_cell_is_followed_by_its_check():
    for path in EXERCISED:
        program = _program(path)
        roles = [role for role, _, _ in program]
        keys = [key for role, _, key in program if role == "check"]
        assert keys == [e.key for e in exercises_for(path.name[:2])], path.name
        for i, (role, code, _) in enumerate(program):
            if role == "solution":
                assert roles[i + 1] == "check", (path.name, code)
                answer = CHECK.match(program[i + 1][1])["answer"]
                assert code.startswith(f"{answer} = "), (path.name, code)


@pytest.fixture(scope="module")
def class_file(tmp_path_factory) -> Path:
    """A real class's form export (Qualtrics, 26 respondents) imported as the course reads it."""
    from coursekit.survey.importers import import_export, write_import

    result = import_export(EXPORTS / "qualtrics_numeric.csv", "qualtrics",
                           salt="a salt for the solution test",
                           mapping=EXPORTS / "qualtrics_numeric_mapping.csv")
    out = tmp_path_factory.mktemp("class") / "class.csv"
    assert write_import(result, out).ok
    return out


COHORTS = {
    "bundled": {"data_path": None, "seed": None},
    "seed11": {"data_path": None, "seed": 11},
    "seed12": {"data_path": None, "seed": 12},
    "class": {"seed": None},                   # data_path: the imported class file
}


@pytest.mark.parametrize("cohort", list(COHORTS))
@pytest.mark.parametrize("path", EXERCISED, ids=lambda p: p.stem)
def test_solutions_are_correct(path, cohort, class_file):
    overrides = dict(COHORTS[cohort])
    if cohort == "class":
        overrides["data_path"] = str(class_file)
    verdicts = run_solutions(path, overrides)
    assert set(verdicts) == {e.key for e in exercises_for(path.name[:2])}
    unavailable = {key for key, feedback in verdicts.items()
                   if feedback.status == "not available"}
    assert unavailable == (UNAVAILABLE_ON_CLASS.get(path.name[:2], set())
                           if cohort == "class" else set()), (cohort, unavailable)
    wrong = {key: str(feedback) for key, feedback in verdicts.items()
             if not feedback.correct and key not in unavailable}
    assert not wrong, (cohort, wrong)


#: Exercises a class of 26 is too small for: their check says "not available" (a CFA and an
#: invariance check want five complete answers per item), every other one is judged.
#: 03.1 (women minus men): 4 respondents of the class are neither (3 without a gender, one
#: non-binary), so the whole class's mean minus women's and men's would give theirs; men are
#: left out as well (complementary suppression) and the comparison is not available.
UNAVAILABLE_ON_CLASS = {"03": {"03.1"}, "04": {"04.3", "04.4"}}
