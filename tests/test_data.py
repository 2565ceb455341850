import codecs

import numpy as np
import pandas as pd
import pytest

from coursekit.common.errors import InputFileError, SurveyDataError
from coursekit.common.paths import bundled_survey_path
from coursekit.survey.load import check_survey, load_survey, sniff_delimiter
from coursekit.survey.simulate import simulate_survey, survey_to_csv
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def small():
    return simulate_survey(60, seed=9)


@pytest.fixture(scope="module")
def small_csv(small):
    return survey_to_csv(small)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                  check_dtype=False)


def test_bundled_loads_without_errors(survey, codebook):
    assert len(survey) == 800
    assert list(survey.columns) == list(codebook.columns)
    checked = check_survey(bundled_survey_path())
    assert checked.report.ok and checked.report.warnings  # typos are warnings


def test_roundtrip_equals_simulated(tmp_path, small, small_csv):
    path = tmp_path / "s.csv"
    path.write_text(small_csv, encoding="utf-8")
    _same(load_survey(path), small)


def test_utf8_bom(tmp_path, small, small_csv):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + small_csv.encode("utf-8"))
    checked = check_survey(path)
    assert checked.report.encoding == "utf-8-sig"
    _same(checked.data, small)


def test_utf16_with_bom(tmp_path, small, small_csv):
    path = tmp_path / "u16.csv"
    path.write_bytes(small_csv.replace("\n", "\r\n").encode("utf-16"))
    _same(load_survey(path), small)


def test_semicolon_export_with_decimal_commas(tmp_path, small):
    text = survey_to_csv(small).replace(",", ";")
    # A spreadsheet in a decimal-comma locale writes 277,0 for 277.0.
    text = text.replace(".", ",")
    path = tmp_path / "semi.csv"
    path.write_text(text, encoding="utf-8")
    checked = check_survey(path)
    assert checked.report.delimiter == ";"
    _same(checked.data, small)


def test_header_case_and_spacing_tolerated(tmp_path, small, small_csv):
    head, rest = small_csv.split("\n", 1)
    head = ",".join(f" {h.upper()} " for h in head.split(","))
    path = tmp_path / "caps.csv"
    path.write_text(head + "\n" + rest, encoding="utf-8")
    assert list(load_survey(path).columns) == list(small.columns)


def test_extra_columns_kept_and_reported(tmp_path, small):
    df = small.copy()
    df.insert(3, "teacher_note", "ok")
    path = tmp_path / "extra.csv"
    path.write_text(survey_to_csv(df), encoding="utf-8")
    checked = check_survey(path)
    assert checked.report.extra_columns == ("teacher_note",)
    assert any("teacher_note" in w.describe() for w in checked.report.warnings)
    assert (checked.data["teacher_note"] == "ok").all()


def test_optional_columns_absent_are_added_empty(tmp_path, small):
    path = tmp_path / "opt.csv"
    path.write_text(survey_to_csv(small.drop(columns=["region", "completion_seconds"])),
                    encoding="utf-8")
    checked = check_survey(path)
    assert set(checked.report.absent_columns) == {"region", "completion_seconds"}
    assert checked.data["completion_seconds"].isna().all()


def test_all_problems_collected_with_rows_and_values(tmp_path, small):
    df = survey_to_csv(small).split("\n")
    header = df[0].split(",")
    cells = df[3].split(",")
    cells[header.index("age")] = "old"
    cells[header.index("inf2")] = "2.5"
    df[3] = ",".join(cells)
    cells = df[5].split(",")
    cells[header.index("gender")] = "robot"
    df[5] = ",".join(cells)
    path = tmp_path / "many.csv"
    path.write_text("\n".join(df), encoding="utf-8")
    with pytest.raises(SurveyDataError) as info:
        load_survey(path)
    problems = {p.column: p for p in info.value.problems}
    assert set(problems) == {"age", "inf2", "gender"}
    assert problems["age"].rows == (4,) and problems["age"].values == ("old",)
    assert problems["gender"].rows == (6,)
    assert "woman" in problems["gender"].expected
    text = str(info.value)
    assert "many.csv" in text and "row 4" in text and "'old'" in text


def test_out_of_range_items_are_warnings_with_rows(tmp_path, small):
    df = small.copy()
    first = df["val2"].first_valid_index()
    df.loc[first, "val2"] = 44
    path = tmp_path / "typo.csv"
    path.write_text(survey_to_csv(df), encoding="utf-8")
    checked = check_survey(path)
    assert checked.report.ok
    w = next(w for w in checked.report.warnings if w.column == "val2")
    assert w.values == ("44",) and w.rows == (first + 2,)


def test_missing_tokens(tmp_path, small_csv):
    lines = small_csv.split("\n")
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("val1")] = "NA"
    cells[header.index("age")] = "n/a"
    lines[1] = ",".join(cells)
    path = tmp_path / "na.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    df = load_survey(path)
    assert np.isnan(df.loc[0, "val1"]) and np.isnan(df.loc[0, "age"])


@pytest.mark.parametrize(
    ("line", "expected"),
    [("a,b;c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ('"x;y",b', ","), ("single", ",")],
)
def test_sniff_delimiter(line, expected):
    assert sniff_delimiter(line) == expected


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        load_survey(tmp_path / "nope.csv")
    with pytest.raises(InputFileError, match="folder"):
        load_survey(tmp_path)


def test_large_file_loads(tmp_path, codebook):
    path = tmp_path / "big.csv"
    path.write_text(survey_to_csv(simulate_survey(20_000, seed=1)), encoding="utf-8")
    assert len(load_survey(path)) == 20_000


def test_unreadable_file_is_named(tmp_path, monkeypatch):
    from pathlib import Path

    path = tmp_path / "locked.csv"
    path.write_text("x", encoding="utf-8")

    def deny(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(InputFileError, match="locked.csv: permission denied"):
        load_survey(path)


def test_rows_after_a_multi_line_cell_are_spreadsheet_rows():
    # The fixture's comment on row 3 spans three lines; the bad age is on spreadsheet row 6
    # (it was reported as row 8, the line number, before the reader counted records).
    path = FIXTURES / "malformed" / "multiline_cell_before_bad_value.csv"
    with pytest.raises(SurveyDataError) as info:
        load_survey(path)
    (problem,) = info.value.problems
    assert (problem.column, problem.rows, problem.values) == ("age", (6,), ("old",))
    checked = check_survey(path)
    assert checked.report.n_rows == 25 and not checked.report.ok


def test_multi_line_cell_is_kept_and_later_rows_keep_their_numbers(tmp_path, small):
    df = small.copy()
    df["comment"] = df["comment"].astype(object)
    df.loc[1, "comment"] = "line one\nline two"
    first = df["val2"].iloc[3:].first_valid_index()
    df.loc[first, "val2"] = 44
    path = tmp_path / "multi.csv"
    path.write_text(survey_to_csv(df), encoding="utf-8")
    checked = check_survey(path)
    assert checked.data.loc[1, "comment"] == "line one\nline two"
    w = next(w for w in checked.report.warnings if w.column == "val2")
    assert w.rows == (first + 2,)


def test_ragged_row_after_a_multi_line_cell_names_its_row(tmp_path, small_csv):
    lines = small_csv.split("\n")
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("comment")] = '"a\nb\nc"'
    lines[1] = ",".join(cells)
    lines[4] += ",surplus"  # spreadsheet row 5
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = check_survey(path).report
    (problem,) = [p for p in report.errors if "number of cells" in p.message]
    assert problem.rows == (5,)


def test_unparseable_record_names_the_last_good_row(tmp_path, small_csv):
    lines = small_csv.split("\n")
    lines.insert(3, '"' + "x" * 200_000)  # longer than the csv module's field limit
    path = tmp_path / "huge.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = check_survey(path).report
    assert any("cannot parse the file after row 3: field larger than field limit" in p.message
               for p in report.errors)
