"""Every exercise's solution is judged correct on the cohort it ran on.

The instructor variant keeps each ``solution`` cell and runs the ``check`` cell after it,
so an executed notebook shows the feedback the answer key gave that solution. Read from
renders shared with other tests (conftest): a simulated cohort of another seed and an
imported class of 30; the bundled cohort's feedback is the one stored in ``notebooks/``,
which nbval re-executes and compares in every run.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests.conftest import COURSE_NOTEBOOKS

CHECK = re.compile(r'^check\("(?P<key>\d\d\.\d+)", answer_\d\d_\d+, course\)$', re.M)
FEEDBACK = re.compile(r"Exercise (?P<key>\d\d\.\d+): (?P<verdict>[a-z ]+)\.")


def _verdicts(path: Path) -> dict[str, str]:
    """Exercise key -> the verdict the check cell printed in this executed notebook."""
    nb = nbformat.read(path, as_version=4)
    verdicts: dict[str, str] = {}
    for cell in nb.cells:
        match = CHECK.search(cell.source) if cell.cell_type == "code" else None
        if not match:
            continue
        text = "".join(out.get("data", {}).get("text/plain", "") + out.get("text", "")
                       for out in cell.get("outputs", []))
        said = FEEDBACK.search(text)
        assert said and said["key"] == match["key"], f"{path.name}: no feedback in {text!r}"
        verdicts[match["key"]] = said["verdict"]
    return verdicts


def _exercise_keys(path: Path) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    return {m["key"] for c in nb.cells for m in CHECK.finditer(c.source)}


EXERCISED = [p for p in COURSE_NOTEBOOKS if _exercise_keys(p)]


def test_the_course_has_exercises():
    assert len(EXERCISED) >= 6 and sum(len(_exercise_keys(p)) for p in EXERCISED) >= 20


@pytest.mark.parametrize("path", EXERCISED, ids=lambda p: p.stem)
def test_stored_solutions_are_correct_on_the_bundled_cohort(path):
    verdicts = _verdicts(path)
    assert set(verdicts) == _exercise_keys(path)
    assert set(verdicts.values()) == {"correct"}, verdicts


@pytest.mark.parametrize("path", EXERCISED, ids=lambda p: p.stem)
def test_solutions_are_correct_on_another_seed(seed_site, path):
    executed = next(seed_site.out.glob(f"*/instructor/{path.name}"))
    verdicts = _verdicts(executed)
    assert set(verdicts) == _exercise_keys(path)
    assert set(verdicts.values()) == {"correct"}, verdicts


def test_solutions_are_correct_or_not_available_in_a_class_of_30(class_site):
    verdicts: dict[str, str] = {}
    for path in EXERCISED:
        executed = class_site.out / "data-class" / "instructor" / path.name
        verdicts.update(_verdicts(executed))
    assert set(verdicts.values()) <= {"correct", "not available"}, verdicts
    assert list(verdicts.values()).count("correct") >= 0.75 * len(verdicts)
