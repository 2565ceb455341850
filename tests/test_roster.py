"""coursekit.render.roster: student labels and seeds from a course secret, and reading rosters."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from coursekit.common.errors import RenderError, SecretError
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
    with pytest.raises(SecretError, match=needle):
        roster.check_secret(secret)


def test_labels_and_seeds_keep_their_values():
    # Rendered sites name folders by label and notebooks run on the seed: both are fixed.
    secret = "a course secret of some length"
    assert roster.student_label("007", secret) == "s-e5f71066"
    assert roster.student_seed("007", secret) == 408049532
    assert roster.student_label("007", SECRET) == "s-" + hmac.new(
        SECRET.encode(), b"coursekit/label\x00007", hashlib.sha256).hexdigest()[:8]


def test_roster_rows_count_records_not_lines(tmp_path):
    # A quoted note over two lines is one spreadsheet row: the repeat is on row 4, not 5.
    path = tmp_path / "r.csv"
    path.write_text('student_id,note\n1,"two\nlines"\n2,x\n1,y\n', encoding="utf-8")
    with pytest.raises(RenderError, match="row 4, column 'student_id': id '1' repeats row 2"):
        roster.read_roster(path)


def test_unparseable_roster_is_a_render_error(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("student_id\n1\n" + "x" * 200_000 + "\n", encoding="utf-8")  # csv's limit
    with pytest.raises(RenderError, match="cannot parse the file as CSV"):
        roster.read_roster(path)


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
