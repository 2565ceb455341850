"""coursekit.render.roster: student labels and seeds from a course secret, and reading rosters."""

from __future__ import annotations

import re

import pytest

from coursekit.common.errors import RenderError
from coursekit.render import roster
from tests.test_render import IDS, SECRET


def test_student_seed_and_label_come_from_id_and_secret():
    seeds = {roster.student_seed(i, SECRET) for i in IDS}
    labels = {roster.student_label(i, SECRET) for i in IDS}
    assert len(seeds) == len(labels) == 3
    assert roster.student_seed(IDS[0], SECRET) == roster.student_seed(IDS[0], SECRET)
    assert roster.student_seed(IDS[0], SECRET) != roster.student_seed(IDS[0], SECRET + "x")
    assert roster.student_label(IDS[0], SECRET) != roster.student_label(IDS[0], SECRET + "x")
    for label in labels:
        assert re.fullmatch(r"s-[0-9a-f]{8}", label)
    assert all(0 <= s < 2**31 for s in seeds)


@pytest.mark.parametrize("secret, needle", [(None, "COURSEKIT_SECRET"), ("short", "too short")])
def test_a_roster_needs_a_long_secret(secret, needle):
    with pytest.raises(RenderError, match=needle):
        roster.check_secret(secret)


def test_read_roster_takes_student_id_and_ignores_other_columns(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("\ufeffname,student_id,grade\nA,001,3\n\nB, 007 ,2\n", encoding="utf-8")
    assert roster.read_roster(path) == ["001", "007"]


@pytest.mark.parametrize("text, needle", [
    ("name,id\nA,1\n", "no 'student_id' column (found: name, id)"),
    ("student_id\n1\n2\n1\n", "row 4, column 'student_id': id '1' repeats row 2"),
    ("student_id\n1\n \n", None),
    ("student_id,x\n,1\n", "row 2, column 'student_id': empty id"),
    ("student_id\n../x\n", "would escape the output folder"),
    ("student_id\n/abs\n", "would escape the output folder"),
    ("student_id\n", "no students"),
])
def test_read_roster_rejects_bad_rosters(tmp_path, text, needle):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    if needle is None:
        assert roster.read_roster(path) == ["1"]
        return
    with pytest.raises(RenderError) as info:
        roster.read_roster(path)
    assert needle in str(info.value) and str(path) in str(info.value)
