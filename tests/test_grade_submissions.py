"""coursekit.grade.submissions and identity: who submitted what, and whom it was issued to."""

from __future__ import annotations

import zipfile

import nbformat
import pytest

from coursekit.grade import identity, submissions
from coursekit.render.variants import stamp_issue

STAMPED = stamp_issue(nbformat.v4.new_notebook(), student="s-0000aaaa", notebook="01_meet")


def _zip(path, entries):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data, when in entries:
            zf.writestr(zipfile.ZipInfo(name, date_time=when), data)
    return path


def test_canvas_zip_with_late_and_two_submissions(tmp_path):
    path = _zip(tmp_path / "canvas.zip", [
        ("doejane_1234_555_01_meet.ipynb", b"{}", (2026, 3, 1, 10, 0, 0)),
        ("doejane_late_1234_556_01_meet-1.ipynb", b"{}", (2026, 3, 2, 9, 0, 0)),
        ("roeann_77_557_01_meet.ipynb", b"{}", (2026, 3, 1, 11, 0, 0)),
        ("README.txt", b"x", (2026, 3, 1, 11, 0, 0)),
    ])
    subs, problems = submissions.collect(path)
    assert [(s.submitter, s.name, s.late) for s in subs] == [
        ("1234", "01_meet.ipynb", False), ("1234", "01_meet-1.ipynb", True),
        ("77", "01_meet.ipynb", False)]
    assert [p.message[:25] for p in problems] == ["cannot tell who submitted"]
    chosen, others = submissions.latest([s for s in subs if s.submitter == "1234"])
    assert chosen.late and chosen.when == "2026-03-02 09:00:00 UTC" and len(others) == 1


def test_moodle_zip(tmp_path):
    path = _zip(tmp_path / "moodle.zip", [
        ("Jane Doe_31_assignsubmission_file_/01_meet.ipynb", b"{}", (2026, 3, 1, 10, 0, 0)),
        ("Jane Doe_31_assignsubmission_file_/notes.docx", b"x", (2026, 3, 1, 10, 0, 0)),
    ])
    subs, problems = submissions.collect(path)
    assert [(s.submitter, s.name) for s in subs] == [("31", "01_meet.ipynb")]
    assert problems[0].message == "not a notebook (expected a .ipynb file)"


def test_folder_and_mapping(tmp_path):
    (tmp_path / "subs" / "007").mkdir(parents=True)
    (tmp_path / "subs" / "007" / "01_meet.ipynb").write_text("{}")
    (tmp_path / "subs" / "loose.ipynb").write_text("{}")
    mapping = tmp_path / "map.csv"
    mapping.write_text("file,student_id,submitted_at\nloose.ipynb,008,2026-03-01T10:00:00Z\n")
    subs, problems = submissions.collect(tmp_path / "subs", submissions.read_mapping(mapping))
    assert sorted((s.submitter, s.name) for s in subs) == [("007", "01_meet.ipynb"),
                                                            ("008", "loose.ipynb")]
    assert problems == []
    assert next(s for s in subs if s.submitter == "008").when == "2026-03-01 10:00:00 UTC"


def test_bad_mapping_names_row_and_column(tmp_path):
    mapping = tmp_path / "map.csv"
    mapping.write_text("file,student_id,submitted_at\nx.ipynb,1,yesterday\n")
    with pytest.raises(submissions.GradeError,
                       match="row 2, column 'submitted_at': value 'yesterday' is not a time"):
        submissions.read_mapping(mapping)


def test_missing_submissions_is_an_error(tmp_path):
    with pytest.raises(submissions.GradeError, match="no such folder or file"):
        submissions.collect(tmp_path / "nope")


def _sub(data: bytes, name: str = "01_meet.ipynb"):
    return submissions.Submission("007", name, f"subs/007/{name}", data)


@pytest.mark.parametrize("data, needle", [
    (b"\xff\xfe", "not UTF-8"), (b'{"cells": [', "broken JSON at line 1, column 12"),
    (b'{"a": 1}', "JSON without 'cells'"),
])
def test_read_notebook_problems(data, needle):
    nb, problem = identity.read_notebook(_sub(data))
    assert nb is None and needle in problem.message


def test_identify():
    sub = _sub(nbformat.writes(STAMPED).encode())
    nb, _ = identity.read_notebook(sub)
    labels = {"s-0000aaaa": "007", "s-0000bbbb": "008"}
    assert identity.identify(nb, sub, ["01_meet"], "s-0000aaaa", labels).flags == ()
    other = identity.identify(nb, sub, ["01_meet"], "s-0000bbbb", labels)
    assert other.notebook == "01_meet" and "issued to another student (student 007)" in \
        other.flags[0]
    assert "another assignment" in identity.identify(nb, sub, ["02_x"], "s-0000aaaa",
                                                     labels).problem
    nb.metadata["coursekit"]["course"] = "x"
    assert "another course" in identity.identify(nb, sub, ["01_meet"], "s-0000aaaa",
                                                 labels).problem
    del nb.metadata["coursekit"]
    plain = identity.identify(nb, sub, ["01_meet"], "s-0000aaaa", labels)
    assert plain.notebook == "01_meet" and plain.flags == (identity.FLAG_NO_STAMP,)


def test_grade_without_secret_is_a_usage_error(tmp_path):
    from tests.conftest import run_cli

    roster = tmp_path / "r.csv"
    roster.write_text("student_id\n1\n")
    (tmp_path / "subs").mkdir()
    proc = run_cli("grade", str(tmp_path / "subs"), "--roster", str(roster),
                   env={"COURSEKIT_SECRET": ""})
    assert proc.returncode == 2 and "course secret" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_render_stamps_only_the_student_copies_of_a_roster(tmp_path):
    import json

    from coursekit.render.plan import plan_render
    from coursekit.render.roster import student_label

    roster = tmp_path / "r.csv"
    roster.write_text("student_id\nstu-x1\nstu-x2\n")
    secret = "a secret for the stamp test, long enough"
    from tests.conftest import ROOT

    pattern = str(ROOT / "notebooks" / "01_*.ipynb")
    plan = plan_render(notebooks=pattern, roster=roster, secret=secret,
                       variant="both", out=tmp_path / "out", execute=False)
    for job in plan.jobs:
        meta = json.loads(job.source)["metadata"].get("coursekit")
        if job.variant == "instructor":
            assert meta is None
        else:
            assert meta["issued_for"] == job.cohort and meta["notebook"] == job.notebook
            assert "stu-x" not in job.source
    assert {j.cohort for j in plan.jobs} == {student_label(s, secret) for s in ("stu-x1",
                                                                               "stu-x2")}
    seeded = plan_render(notebooks=pattern, seed=3, variant="student",
                         out=tmp_path / "o2", execute=False)
    assert "coursekit" not in json.loads(seeded.jobs[0].source)["metadata"]
