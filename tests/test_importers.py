import csv
import importlib.util
import io
import json
import os

import numpy as np
import pandas as pd
import pytest

from coursekit.cli import main as cli_main
from coursekit.common.errors import InputFileError, SurveyDataError
from coursekit.survey.consent import CONSENT_OPTIONS
from coursekit.survey.deidentify import pseudonym, resolve_salt
from coursekit.survey.importers import MappingEntry, import_export, read_mapping, write_import
from coursekit.survey.instrument import build_questionnaire, render_instrument
from coursekit.survey.load import check_survey
from tests.conftest import FIXTURES, run_cli
from tests.test_instrument import parse_qualtrics

EXPORTS = FIXTURES / "exports"
SALT = "a long secret for the tests"
PLANTED = [line for line in (EXPORTS / "PLANTED.txt").read_text(encoding="utf-8").splitlines()
           if line]

# (fixture, source, mapping file)
CASES = [
    ("forms_numeric", "google-forms", "forms_numeric_mapping.csv"),
    ("forms_labels", "google-forms", None),
    ("qualtrics_numeric", "qualtrics", "qualtrics_numeric_mapping.csv"),
    ("qualtrics_labels", "qualtrics", None),
    ("generic", "csv", "generic_mapping.csv"),
]
IDS = [c[0] for c in CASES]


def expected(name: str) -> pd.DataFrame:
    return pd.read_csv(EXPORTS / f"expected_{name}.csv", dtype={"key": str, "comment": str},
                       keep_default_na=False, na_values=[""])


def run_import(name, source, mapping, **kw):
    return import_export(EXPORTS / f"{name}.csv", source, salt=SALT,
                         mapping=EXPORTS / mapping if mapping else None, **kw)


def assert_same_answers(data: pd.DataFrame, want: pd.DataFrame, codebook,
                        skip: tuple[str, ...]) -> None:
    """Every codebook column but ``skip`` holds the same values (categories as text)."""
    for col in codebook.columns:
        if col in skip:
            continue
        if codebook.has_variable(col) and codebook.variable(col).type == "category":
            assert data[col].fillna("").tolist() == want[col].fillna("").tolist(), col
        else:
            np.testing.assert_array_equal(data[col].to_numpy(float), want[col].to_numpy(float),
                                          err_msg=col)


def assert_matches(data: pd.DataFrame, exp: pd.DataFrame, codebook, keep_free_text: bool):
    salt = resolve_salt(SALT)
    assert data["respondent_id"].tolist() == [pseudonym(k, salt) for k in exp["key"]]
    if keep_free_text:
        assert data["comment"].fillna("").tolist() == exp["comment"].fillna("").tolist()
    else:
        assert data["comment"].isna().all()
    assert_same_answers(data, exp, codebook, skip=("respondent_id", "comment"))


def make_exports_module():
    """The fixture script, loaded from its file (tests/fixtures is not a package)."""
    spec = importlib.util.spec_from_file_location("make_exports", EXPORTS / "make_exports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fixtures_are_what_the_script_writes(tmp_path):
    make_exports_module().main(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in EXPORTS.iterdir() if p.name != "make_exports.py"
                       and p.suffix in (".csv", ".txt"))
    assert written == committed
    for name in written:
        assert (tmp_path / name).read_bytes() == (EXPORTS / name).read_bytes(), name


@pytest.mark.parametrize(("name", "source", "mapping"), CASES, ids=IDS)
@pytest.mark.parametrize("keep_free_text", [False, True], ids=["default", "keep-free-text"])
def test_import_gives_the_values_the_export_encodes(codebook, name, source, mapping,
                                                   keep_free_text):
    result = run_import(name, source, mapping, keep_free_text=keep_free_text)
    exp = expected(name)
    assert list(result.source_rows) == exp["row"].tolist()
    assert list(result.data.columns) == list(codebook.columns)
    assert_matches(result.data, exp, codebook, keep_free_text)


@pytest.mark.parametrize(("name", "source", "mapping"), CASES, ids=IDS)
def test_cli_import_then_validate_exits_0_and_no_identifier_leaks(
        tmp_path, capsys, monkeypatch, codebook, name, source, mapping):
    monkeypatch.setenv("COURSEKIT_SALT", SALT)
    outputs = []
    for keep in (False, True):
        out = tmp_path / f"{name}{'_kept' * keep}.csv"
        argv = ["import", "--source", source, str(EXPORTS / f"{name}.csv"), "--out", str(out)]
        argv += ["--mapping", str(EXPORTS / mapping)] if mapping else []
        argv += ["--keep-free-text"] if keep else []
        assert cli_main(argv) == 0
        printed = capsys.readouterr()
        assert "valid - " in printed.out and printed.err == ""
        assert cli_main(["validate", str(out)]) == 0
        capsys.readouterr()
        text = out.read_text(encoding="utf-8")
        for needle in PLANTED + [SALT]:
            assert needle not in text, needle
            assert needle not in printed.out, needle
        outputs.append(out)
        loaded = check_survey(out, codebook)
        assert loaded.report.ok
        assert_matches(loaded.data, expected(name), codebook, keep)


def test_end_to_end_in_a_subprocess(tmp_path):
    out = run_cli("import", "--source", "qualtrics", str(EXPORTS / "qualtrics_numeric.csv"),
                  "--mapping", str(EXPORTS / "qualtrics_numeric_mapping.csv"),
                  "--out", "survey.csv", cwd=tmp_path, env={"COURSEKIT_SALT": SALT})
    assert out.returncode == 0, out.stderr
    assert "26 respondents imported" in out.stdout
    assert "valid - 26 respondents" in out.stdout
    check = run_cli("validate", "survey.csv", cwd=tmp_path)
    assert check.returncode == 0, check.stderr


def _column_count(name: str, column: str, header_rows: int) -> int:
    with (EXPORTS / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    k = rows[0].index(column)
    return sum(1 for r in rows[header_rows:] if r[k].strip())


def test_report_names_dropped_columns_and_rows_with_counts_never_values():
    result = run_import("qualtrics_numeric", "qualtrics", "qualtrics_numeric_mapping.csv")
    report = result.report
    ids = {d.column: d for d in report.dropped_identifiers}
    assert set(ids) == {"IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                        "ExternalReference", "LocationLatitude", "LocationLongitude"}
    for column, d in ids.items():
        assert d.n_values == _column_count("qualtrics_numeric", column, 3), column
    assert ids["IPAddress"].reason == "IP address"
    drops = {d.reason: d.rows for d in report.dropped_rows}
    assert drops == {"survey previews": (6, 16), "flagged as spam": (23,)}
    assert report.incomplete_rows == (11, 19, 28)
    assert [d.column for d in report.dropped_free_text] == ["comment"]
    assert "Duration (in seconds)" not in report.dropped_metadata  # it became completion_seconds
    assert {"StartDate", "Status", "Finished", "UserLanguage"} <= set(report.dropped_metadata)
    lines = "\n".join(report.lines())
    assert "'IPAddress' (IP address, 27 values)" in lines
    assert "rows 6, 16" in lines and "row 23" in lines
    for needle in PLANTED:
        assert needle not in lines


def test_forms_report_unmatched_and_identifier_columns():
    report = run_import("forms_labels", "google-forms", None).report
    assert [(d.column, d.reason) for d in report.dropped_identifiers] == [
        ("Student email", "email address")]
    assert [(d.column, d.reason) for d in report.unmatched] == [
        ("How did you hear about this survey?", "free text")]
    assert report.missing_columns == ("completion_seconds",)
    numeric = run_import("forms_numeric", "google-forms", "forms_numeric_mapping.csv").report
    assert {d.column for d in numeric.dropped_identifiers} == {"Email address",
                                                               "Your name (optional)"}
    assert numeric.dropped_rows[0].reason == "no consent given"
    assert numeric.dropped_rows[0].rows == (12,)
    how = {m.target: m.how for m in numeric.matched}
    assert how["val3"] == "mapping" and how["val2"] == "wording" and how["age"] == "question"


def test_drop_incomplete():
    result = run_import("qualtrics_labels", "qualtrics", None, drop_incomplete=True)
    assert len(result.data) == 22 - 3
    assert not {11, 19, 28} & set(result.source_rows)
    assert result.report.dropped_rows[-1].rows == (11, 19, 28)


def test_pseudonyms_with_a_random_salt_are_not_reproducible(monkeypatch):
    monkeypatch.delenv("COURSEKIT_SALT", raising=False)
    a = import_export(EXPORTS / "forms_labels.csv", "google-forms")
    b = import_export(EXPORTS / "forms_labels.csv", "google-forms")
    assert set(a.data["respondent_id"]).isdisjoint(b.data["respondent_id"])
    assert "not reproducible" in "\n".join(a.report.lines())
    monkeypatch.setenv("COURSEKIT_SALT", SALT)
    c = import_export(EXPORTS / "forms_labels.csv", "google-forms")
    assert c.data["respondent_id"].tolist() == run_import(
        "forms_labels", "google-forms", None).data["respondent_id"].tolist()


# --- errors: one line per problem, naming file, column, row and value; nothing written ----

def _edited_copy(tmp_path, name, row, column, value):
    raw = (EXPORTS / f"{name}.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    k = rows[0].index(column)
    rows[row - 1][k] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path = tmp_path / f"{name}.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _cli_fails(tmp_path, capsys, export, *extra):
    before = sorted(os.listdir(tmp_path))
    code = cli_main(["import", str(export), "--out", str(tmp_path / "out.csv"), "--salt", SALT,
                     *extra])
    printed = capsys.readouterr()
    assert code == 2
    assert sorted(os.listdir(tmp_path)) == before  # nothing written
    assert "Traceback" not in printed.err
    return printed.err


def test_unknown_label_names_file_column_row_and_value(tmp_path, capsys, codebook):
    column = "How much do you agree with each statement about your followers and likes? " \
             f"[{codebook.item('val1').wording}]"
    export = _edited_copy(tmp_path, "forms_labels", 7, column, "Agree a lot")
    err = _cli_fails(tmp_path, capsys, export, "--source", "google-forms")
    line = next(ln for ln in err.splitlines() if "Agree a lot" in ln)
    assert str(export) in line and column in line and "row 7" in line
    assert "Strongly disagree" in line  # what was expected


def test_answer_code_outside_the_scale_is_an_error_for_forms(tmp_path, capsys):
    export = _edited_copy(tmp_path, "qualtrics_numeric", 9, "wel1", "6")
    err = _cli_fails(tmp_path, capsys, export, "--source", "qualtrics",
                     "--mapping", str(EXPORTS / "qualtrics_numeric_mapping.csv"))
    assert "column 'wel1', row 9, value '6': answer code outside the response scale" in err


def test_out_of_range_age_names_the_export_row(tmp_path, capsys):
    column = "How old are you (in years)?"
    export = _edited_copy(tmp_path, "forms_labels", 5, column, "430")
    err = _cli_fails(tmp_path, capsys, export, "--source", "google-forms")
    assert f"{export}: column 'age', row 5, value '430': value out of range" in err


def test_rows_after_a_multi_line_answer_are_spreadsheet_rows(tmp_path):
    # A free-text answer over three lines on row 3 is one row: the bad age is on row 6,
    # both in the import's error and in the rows it reports.
    age = "How old are you (in years)?"
    export = _edited_copy(tmp_path, "forms_labels", 6, age, "old")
    rows = list(csv.reader(io.StringIO(export.read_text(encoding="utf-8"), newline="")))
    free = next(k for k, h in enumerate(rows[0]) if h.startswith("What do you like most"))
    rows[2][free] = "one\ntwo\nthree"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    export.write_text(buf.getvalue(), encoding="utf-8")
    with pytest.raises(SurveyDataError) as info:
        import_export(export, "google-forms", salt=SALT)
    (problem,) = info.value.problems
    assert (problem.column, problem.rows, problem.values) == (age, (6,), ("old",))


def test_numbers_as_people_type_them(tmp_path):
    column = "How many followers do you have on TikTok? (0 if none)"
    export = _edited_copy(tmp_path, "forms_labels", 3, column, "12k")
    data = import_export(export, "google-forms", salt=SALT).data
    assert data.loc[1, "followers"] == 12000
    export = _edited_copy(tmp_path, "forms_labels", 3, column, "lots")
    with pytest.raises(SurveyDataError, match="row 3, value 'lots': not a number"):
        import_export(export, "google-forms", salt=SALT)


def test_unmatched_item_without_mapping_fails_and_names_the_loose_column(tmp_path, capsys):
    err = _cli_fails(tmp_path, capsys, EXPORTS / "forms_numeric.csv", "--source", "google-forms")
    assert "no export column matches: val3" in err
    assert "'Bigger follower count = accepted?'" in err
    ok = import_export(EXPORTS / "forms_numeric.csv", "google-forms", salt=SALT,
                       allow_missing=True)
    assert ok.data["val3"].isna().all() and "val3" in ok.report.missing_columns


def test_qualtrics_export_needs_its_header_rows(tmp_path):
    rows = list(csv.reader(io.StringIO(
        (EXPORTS / "qualtrics_labels.csv").read_bytes().decode("utf-8-sig"), newline="")))
    path = tmp_path / "one_header.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0]] + rows[3:])
    with pytest.raises(InputFileError, match="three header rows"):
        import_export(path, "qualtrics", salt=SALT)


def test_qualtrics_tab_separated_utf16_export(tmp_path, codebook):
    """Qualtrics' TSV download is UTF-16 with tabs; it imports like the CSV."""
    rows = list(csv.reader(io.StringIO(
        (EXPORTS / "qualtrics_labels.csv").read_bytes().decode("utf-8-sig"), newline="")))
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t", lineterminator="\r\n").writerows(rows)
    path = tmp_path / "export.tsv"
    path.write_bytes(buf.getvalue().encode("utf-16"))
    result = import_export(path, "qualtrics", salt=SALT)
    assert_matches(result.data, expected("qualtrics_labels"), codebook, keep_free_text=False)


def test_repeated_response_id_is_an_error(tmp_path):
    rows = list(csv.reader(io.StringIO(
        (EXPORTS / "qualtrics_labels.csv").read_bytes().decode("utf-8-sig"), newline="")))
    rows.append(rows[3][:])
    path = tmp_path / "twice.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(SurveyDataError, match="appears more than once") as info:
        import_export(path, "qualtrics", salt=SALT)
    assert f"rows 4, {len(rows)}" in str(info.value)


def test_consent_answers(tmp_path):
    export = _edited_copy(tmp_path, "forms_numeric", 2,
                          "I have read the information above and I agree to take part.", "Maybe")
    with pytest.raises(SurveyDataError, match="row 2, value 'Maybe': not an answer to the consent"):
        import_export(export, "google-forms", salt=SALT,
                      mapping=EXPORTS / "forms_numeric_mapping.csv")


def test_mapping_file_errors_name_the_mapping_row(tmp_path, codebook):
    bad = tmp_path / "map.csv"
    bad.write_text("export_column,item_id\nA,val1\nB,val99\nC,val1\n", encoding="utf-8")
    with pytest.raises(SurveyDataError) as info:
        read_mapping(bad, codebook)
    text = str(info.value)
    assert "row 3, value 'val99': not a codebook column" in text
    assert "row 4" in text and "mapped twice" in text
    missing = tmp_path / "missing.csv"
    missing.write_text("Not a column,val3\n", encoding="utf-8")
    with pytest.raises(SurveyDataError, match="mapping row 1: column is not in the export"):
        import_export(EXPORTS / "forms_numeric.csv", "google-forms", salt=SALT, mapping=missing)


def test_mapping_entries_and_drops(codebook):
    entries = read_mapping(EXPORTS / "generic_mapping.csv", codebook)
    assert entries[0] == MappingEntry("Participant", "respondent_id", 2)
    assert entries[-1].target is None
    result = run_import("generic", "csv", "generic_mapping.csv")
    assert [d.column for d in result.report.dropped_by_mapping] == ["Teacher"]


def test_an_error_leaves_an_existing_output_untouched(tmp_path):
    out = tmp_path / "survey.csv"
    write_import(run_import("forms_labels", "google-forms", None), out)
    before = out.read_bytes()
    export = _edited_copy(tmp_path, "forms_labels", 5, "How old are you (in years)?", "430")
    result = import_export(export, "google-forms", salt=SALT)
    with pytest.raises(SurveyDataError):
        write_import(result, out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forms_labels.csv", "survey.csv"]


# --- round trips: the questionnaire coursekit writes, filled in, exported, imported ------------

def _cohort(n, seed):
    return make_exports_module().cohort(n, seed)


def test_round_trip_through_a_google_form_built_from_the_questionnaire(tmp_path, codebook):
    """Question titles are the questionnaire's texts; answers are its option labels."""
    q = build_questionnaire(seed=7)
    df = _cohort(15, 21)
    questions = [x for x in q.questions if x.kind != "text"]
    header = ["Timestamp", q.consent.text] + [x.text for x in questions]
    rows = [header]
    for i, r in df.iterrows():
        row = [f"2026/06/01 {i + 1}:00:00 PM GMT+2", CONSENT_OPTIONS[0][1]]
        for x in questions:
            value = r[x.id]
            if pd.isna(value):
                row.append("")
            elif x.kind == "scale":
                row.append(dict(x.options)[int(value)])
            elif x.kind == "choice":
                row.append(codebook.variable(x.id).option_labels[
                    codebook.variable(x.id).categories.index(value)])
            else:
                row.append(str(int(value)))
        rows.append(row)
    path = tmp_path / "form.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    data = import_export(path, "google-forms", salt=SALT).data
    assert_same_answers(data, df, codebook, skip=("respondent_id", "comment",
                                                  "completion_seconds"))


def test_round_trip_through_qualtrics_with_the_advanced_format_file(tmp_path, codebook):
    """A numeric Qualtrics export of the survey the TXT file defines imports without mapping:
    its choice numbers are the codes a numeric export carries."""
    blocks = parse_qualtrics(render_instrument("qualtrics", seed=2))
    questions = [x for b in blocks for x in b["questions"] if x["type"] != "DB"]
    df = _cohort(12, 22)
    header1 = ["ResponseId", "Finished"] + [x["id"] for x in questions]
    header2 = ["Response ID", "Finished"] + [x["text"] for x in questions]
    header3 = [json.dumps({"ImportId": "_recordId"}), json.dumps({"ImportId": "finished"})] + [
        json.dumps({"ImportId": f"QID{k}"}) for k in range(len(questions))]
    rows = [header1, header2, header3]
    for i, r in df.iterrows():
        row = [f"R_roundtrip{i:04d}", "1"]
        for x in questions:
            value = r.get(x["id"], None) if x["id"] != "consent" else "yes"
            if x["id"] == "consent":
                row.append("1")
            elif value is None or (not isinstance(value, str) and pd.isna(value)):
                row.append("")
            elif x["choices"] and x["type"] == "MC:SingleAnswer:Horizontal":
                label = (codebook.item(x["id"]).response_scale.label(int(value))
                         if codebook.has_item(x["id"])
                         else codebook.variable(x["id"]).response_scale.label(int(value)))
                row.append(str(next(c for c, lab in x["choices"] if lab == label)))
            elif x["choices"]:
                var = codebook.variable(x["id"])
                label = var.option_labels[var.categories.index(value)]
                row.append(str(next(c for c, lab in x["choices"] if lab == label)))
            else:
                row.append(str(value) if isinstance(value, str) else str(int(value)))
        rows.append(row)
    path = tmp_path / "qualtrics.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = import_export(path, "qualtrics", salt=SALT)
    data = result.data
    assert_same_answers(data, df, codebook, skip=("respondent_id", "comment",
                                                  "completion_seconds"))
    assert all(m.how == "name" for m in result.report.matched)



# --- a scale asked on another range: the 0-5 wellbeing items as Google Forms' 1-6 ------------

WELLBEING = [f"wel{k}" for k in range(1, 6)]


def _wellbeing_asked_1_to_6(tmp_path, codebook, top_chosen: bool):
    """forms_numeric as a form whose wellbeing questions were linear scales 1 to 6: every
    answer one above the codebook's. Without ``top_chosen`` nobody answered 6 (the true 5s
    are 4s here, in the export and in what an import must give)."""
    want = expected("forms_numeric")
    raw = (EXPORTS / "forms_numeric.csv").read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    columns = {rows[0].index(codebook.item(i).wording): i for i in WELLBEING}
    for r in rows[1:]:
        for k in columns:
            if r[k].strip():
                value = int(r[k]) if top_chosen else min(int(r[k]), 4)
                r[k] = str(value + 1)
    if not top_chosen:
        want[WELLBEING] = want[WELLBEING].clip(upper=4)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)  # as Google Forms writes it
    path = tmp_path / "forms_wellbeing_1_to_6.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path, want


def _import_cli(tmp_path, export, *extra):
    return cli_main(["import", str(export), "--source", "google-forms", "--out",
                     str(tmp_path / "out.csv"), "--salt", SALT,
                     "--mapping", str(EXPORTS / "forms_numeric_mapping.csv"), *extra])


def test_a_1_to_6_form_of_the_0_to_5_scale_with_6_answered_is_refused(tmp_path, capsys,
                                                                       codebook):
    export, _ = _wellbeing_asked_1_to_6(tmp_path, codebook, top_chosen=True)
    err = _cli_fails(tmp_path, capsys, export, "--source", "google-forms",
                     "--mapping", str(EXPORTS / "forms_numeric_mapping.csv"))
    line = next(ln for ln in err.splitlines() if "scale 'wellbeing'" in ln)
    assert line.startswith(f"{export}: scale 'wellbeing' (items wel1, wel2, wel3, "
                           "wel4, wel5): answers run 1 to 6, outside the codebook's range 0 to 5")
    assert "linear scale to 0 to 5" in line and "--shift-scale wellbeing=-1" in line
    # the cells are named too, and no other scale is blamed
    assert "answer code outside the response scale" in err
    assert "scale 'validation'" not in err and "scale 'self_esteem'" not in err


def test_a_1_to_6_form_with_6_answered_imports_with_the_shift(tmp_path, capsys, codebook):
    export, want = _wellbeing_asked_1_to_6(tmp_path, codebook, top_chosen=True)
    assert _import_cli(tmp_path, export, "--shift-scale", "wellbeing=-1") == 0
    printed = capsys.readouterr().out
    assert "read as given -1 (--shift-scale wellbeing=-1: the form ran 1 to 6)" in printed
    assert "warning:" not in printed.split("checking it as")[0]
    data = check_survey(tmp_path / "out.csv", codebook).data
    assert_same_answers(data, want, codebook, skip=("respondent_id", "comment"))


def test_a_1_to_6_form_with_nobody_answering_6_warns_loudly(tmp_path, capsys, codebook):
    export, want = _wellbeing_asked_1_to_6(tmp_path, codebook, top_chosen=False)
    result = import_export(export, "google-forms", salt=SALT,
                           mapping=EXPORTS / "forms_numeric_mapping.csv")
    (warning,) = result.report.warnings
    assert warning.startswith(f"{export}: scale 'wellbeing' (items wel1, wel2, wel3, wel4, "
                              "wel5): no answer at its minimum 0 ('At no time') in any item: "
                              "answers run 1 to 5, the codebook's range is 0 to 5")
    assert "--shift-scale wellbeing=-1" in warning
    # as exported, every answer is one too high: the warning is all that says so
    np.testing.assert_array_equal(result.data[WELLBEING].to_numpy(float),
                                  want[WELLBEING].to_numpy(float) + 1)
    assert _import_cli(tmp_path, export) == 0
    printed = capsys.readouterr().out.splitlines()
    assert f"warning: {warning}" in printed
    assert printed[-1].startswith("warning: 1 scale(s) may come from a form built on another "
                                  "range; check the form")
    shifted = import_export(export, "google-forms", salt=SALT, shift_scales=["wellbeing=-1"],
                            mapping=EXPORTS / "forms_numeric_mapping.csv")
    assert_same_answers(shifted.data, want, codebook, skip=("respondent_id", "comment"))
    # nobody chose the form's 6: the shifted scale has no answer at its top, and says so
    (after,) = shifted.report.warnings
    assert "no answer at its maximum 5 ('All of the time')" in after
    assert "--shift-scale" not in after


def test_a_shift_that_does_not_fit_is_refused(tmp_path, capsys, codebook):
    # The fixture's wellbeing answers run 0 to 5: shifted by -1, the 0s fall below the range.
    with pytest.raises(SurveyDataError, match=r"scale 'wellbeing' .*answers run -1 to 4, "
                                              r"outside the codebook's range 0 to 5"):
        run_import("forms_numeric", "google-forms", "forms_numeric_mapping.csv",
                   shift_scales={"wellbeing": -1})
    for bad, message in [("wellbeing", "expected SCALE=N"), ("happiness=-1", "no scale"),
                         ("wellbeing=0", "not 0"), ("wellbeing=9", "from -5 to 5")]:
        assert _import_cli(tmp_path, EXPORTS / "forms_numeric.csv", "--shift-scale", bad) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, bad
    assert not (tmp_path / "out.csv").exists()


def test_a_7_point_scale_asked_on_the_default_1_to_5_warns_of_truncation(tmp_path, codebook):
    # Google Forms' linear scale runs 1 to 5 unless changed: authenticity (1-7) never gets 6, 7.
    raw = (EXPORTS / "forms_numeric.csv").read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    columns = [rows[0].index(codebook.item(i).wording)
               for i in codebook.scale("authenticity").item_ids]
    for r in rows[1:]:
        for k in columns:
            if r[k].strip():
                r[k] = str(min(int(r[k]), 5))
    path = tmp_path / "forms_authenticity_1_to_5.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)
    result = import_export(path, "google-forms", salt=SALT,
                           mapping=EXPORTS / "forms_numeric_mapping.csv")
    (warning,) = result.report.warnings
    assert "scale 'authenticity'" in warning
    assert "no answer at its maximum 7 ('Describes me exactly')" in warning
    assert "answers run 1 to 5" in warning and "truncated" in warning


@pytest.mark.parametrize(("name", "source", "mapping"), CASES, ids=IDS)
def test_exports_on_the_codebook_ranges_give_no_range_warning(name, source, mapping):
    assert run_import(name, source, mapping).report.warnings == ()


# --- kept free text: what redaction removed, and what it cannot ---------------------------------

def test_kept_free_text_is_redacted_and_the_report_says_what_remains_a_risk(tmp_path, capsys):
    free = next(h for h in next(csv.reader(io.StringIO(
        (EXPORTS / "forms_labels.csv").read_text(encoding="utf-8"))))
        if h.startswith("What do you like most"))
    export = _edited_copy(tmp_path, "forms_labels", 4, free,
                          "I live at 17 Larkspur Crescent, Bristol BS8 4QT, Ada says hi. "
                          "call (617) 555-0199")
    result = import_export(export, "google-forms", salt=SALT, keep_free_text=True)
    assert result.data.loc[result.source_rows.index(4), "comment"] == (
        "I live at [address removed], Ada says hi. call [phone number removed]")
    lines = result.report.lines()
    kept = next(ln for ln in lines if ln.startswith("kept free text"))
    assert kept.endswith("(2 answers); replaced by placeholders: 1 street address, "
                         "1 phone number")
    risk = next(ln for ln in lines if "may still identify" in ln)
    assert "not names of people or places" in risk and "read the kept answers" in risk
    assert not any("contact details removed" in ln or "contact details were removed" in ln
                   for ln in lines)
    default = "\n".join(import_export(export, "google-forms", salt=SALT).report.lines())
    assert "may still identify" not in default and "dropped free text" in default
    assert cli_main(["import", str(export), "--source", "google-forms", "--keep-free-text",
                     "--out", str(tmp_path / "out.csv"), "--salt", SALT]) == 0
    out = (tmp_path / "out.csv").read_text(encoding="utf-8")
    printed = capsys.readouterr().out
    for gone in ("Larkspur", "BS8 4QT", "555-0199", "(617"):
        assert gone not in out and gone not in printed
    assert "warning: kept free text may still identify people" in printed


def test_any_other_csv_warns_of_a_shifted_scale_but_not_of_typos(tmp_path):
    from coursekit.survey.canonical import survey_to_csv

    df = _cohort(30, 5)
    typo = df.copy()
    typo.loc[3, "val2"] = 33  # typed by hand: validate names the cell
    shifted = df.copy()
    shifted[WELLBEING] = shifted[WELLBEING] + 1
    for name, frame in (("typo", typo), ("shifted", shifted)):
        (tmp_path / f"{name}.csv").write_text(survey_to_csv(frame), encoding="utf-8")
    assert import_export(tmp_path / "typo.csv", "csv", salt=SALT).report.warnings == ()
    (warning,) = import_export(tmp_path / "shifted.csv", "csv", salt=SALT).report.warnings
    assert "scale 'wellbeing'" in warning and "answers run 1 to 6" in warning
    assert "--shift-scale wellbeing=-1" in warning
