"""Reading survey files and checking them against the codebook.

:func:`load_survey` reads a CSV export (UTF-8, UTF-8 with BOM or UTF-16 with
BOM; comma, semicolon or tab separated, with decimal commas in semicolon
files as spreadsheet programs write them) and checks every cell against the
codebook. It collects all problems before it raises one
:class:`~coursekit.common.errors.SurveyDataError`, so a single run shows everything
to fix. Row numbers are spreadsheet rows: the header is row 1, and a quoted
cell over several lines is one row (files are read by the one CSV reader,
:mod:`coursekit.common.csvfile`, which counts records, not lines).

What is an error and what is a warning
--------------------------------------
Errors make a file unusable: an unreadable file, no respondents, a missing
required column, a repeated column, a row with too many or too few cells, a
missing or repeated respondent id, text where a number belongs, a fraction
where a whole number belongs, a category the codebook does not list, or a
respondent variable outside its range (an age of 400).

Warnings are kept and reported: extra columns the codebook does not know
(kept as they are), optional columns that are absent (added, empty), and item
answers outside their response scale. Those are typos that real surveys have
(``44`` for ``4``); :func:`coursekit.survey.clean.clean_survey` sets them to missing
and says so.

Example
-------
>>> from coursekit.survey.load import load_survey
>>> df = load_survey()            # the bundled cohort
>>> len(df) > 0
True

A comment over two lines on row 2 does not shift the row named for the age on row 3:

>>> import pathlib, tempfile
>>> from coursekit.survey.canonical import survey_to_csv
>>> from coursekit.survey.load import check_survey
>>> from coursekit.survey.simulate import simulate_survey
>>> three = simulate_survey(3, seed=1)
>>> three.loc[0, "comment"] = "first line\\nsecond line"
>>> three.loc[1, "age"] = 400
>>> path = pathlib.Path(tempfile.mkdtemp()) / "class.csv"
>>> _ = path.write_text(survey_to_csv(three))
>>> print(check_survey(path).report.errors[0].describe())
column 'age', row 3, value '400': value out of range (expected a whole number from 13 to 120)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from coursekit.common.checks import is_whole
from coursekit.common.csvfile import (
    MISSING_TOKENS,
    CsvFile,
    CsvParseError,
    read_csv,
    read_text,
    sniff_delimiter,
)
from coursekit.common.errors import Problem, SurveyDataError
from coursekit.common.paths import bundled_survey_path
from coursekit.survey.codebook import Codebook, ResponseScale, Variable, load_codebook

# Re-exported: callers read files and sniff delimiters through this module too.
__all__ = ["MISSING_TOKENS", "RawTable", "SurveyCheck", "ValidationReport", "check_survey",
           "check_table", "load_survey", "read_raw", "read_text", "sniff_delimiter"]


@dataclass(frozen=True)
class ValidationReport:
    """What checking a survey file found."""

    source: str
    n_rows: int
    n_columns: int
    encoding: str
    delimiter: str
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    extra_columns: tuple[str, ...]
    absent_columns: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class SurveyCheck:
    """A checked survey: the typed data (None when there are errors) and the report."""

    data: pd.DataFrame | None
    report: ValidationReport


@dataclass(frozen=True)
class RawTable:
    """A CSV file as strings: header, cells, and the spreadsheet row of each record."""

    source: str
    header: tuple[str, ...]
    rows: list[list[str]]
    row_numbers: list[int]
    encoding: str
    delimiter: str


def read_raw(path: str | Path | CsvFile) -> tuple[RawTable, list[Problem]]:
    """Parse a CSV file into strings; report rows whose cell count differs from the header.

    Row numbers are records as a spreadsheet shows them (:mod:`coursekit.common.csvfile`),
    so a multi-line quoted cell does not shift the rows named after it.
    """
    csv_file = path if isinstance(path, CsvFile) else read_csv(path)
    source = csv_file.source
    if csv_file.blank:
        raise SurveyDataError(source, [Problem("the file is empty, expected a header row "
                                               "and one row per respondent")])
    records = csv_file.records()
    try:
        header = next(records).cells
    except StopIteration:
        header = []
    except CsvParseError as exc:
        raise SurveyDataError(source, [Problem(f"cannot parse the header row: {exc.reason}")]
                              ) from None
    rows: list[list[str]] = []
    numbers: list[int] = []
    problems: list[Problem] = []
    bad_width: list[tuple[int, int]] = []
    try:
        for record in records:
            if len(record.cells) != len(header):
                bad_width.append((record.row, len(record.cells)))
                continue
            rows.append(record.cells)
            numbers.append(record.row)
    except CsvParseError as exc:
        problems.append(Problem(f"cannot parse the file after row {exc.row}: {exc.reason}"))
    if bad_width:
        problems.append(Problem(
            "row has a different number of cells than the header",
            rows=tuple(r for r, _ in bad_width),
            values=tuple(f"{w} cells" for _, w in bad_width),
            expected=f"{len(header)} cells, one per header column",
        ))
    table = RawTable(source, tuple(h.strip() for h in header), rows, numbers,
                     csv_file.encoding, csv_file.delimiter)
    return table, problems


def _fmt(value: float) -> str:
    return f"{int(value):,}" if is_whole(value) else f"{value:,}"


def _describe_range(var_min: float | None, var_max: float | None, whole: bool) -> str:
    kind = "a whole number" if whole else "a number"
    if var_min is not None and var_max is not None:
        return f"{kind} from {_fmt(var_min)} to {_fmt(var_max)}"
    if var_min is not None:
        return f"{kind} >= {_fmt(var_min)}"
    if var_max is not None:
        return f"{kind} <= {_fmt(var_max)}"
    return kind


def _parse_numbers(
    cells: pd.Series, rows: np.ndarray, column: str, decimal_comma: bool, whole: bool,
    expected: str, problems: list[Problem],
) -> pd.Series:
    text = cells.str.strip()
    missing = text.str.lower().isin(MISSING_TOKENS)
    if decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    values = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = values.isna() & ~missing
    if bad.any():
        problems.append(Problem("not a number", column, tuple(rows[bad.to_numpy()].tolist()),
                                tuple(cells[bad].tolist()), expected))
    if whole:
        frac = values.notna() & (values != np.round(values))
        if frac.any():
            problems.append(Problem("not a whole number", column,
                                    tuple(rows[frac.to_numpy()].tolist()),
                                    tuple(cells[frac].tolist()), expected))
            values = values.where(~frac)
    return values.astype("float64")


def _check_variable(
    var: Variable, cells: pd.Series, rows: np.ndarray, decimal_comma: bool,
    errors: list[Problem], warnings: list[Problem],
) -> pd.Series:
    name = var.name
    stripped = cells.str.strip()
    missing = stripped.str.lower().isin(MISSING_TOKENS)
    if var.type == "id":
        if missing.any():
            errors.append(Problem("respondent id is empty", name,
                                  tuple(rows[missing.to_numpy()].tolist()),
                                  expected="a non-empty id on every row"))
        dup = stripped.duplicated(keep=False) & ~missing
        if dup.any():
            errors.append(Problem("respondent id appears more than once", name,
                                  tuple(rows[dup.to_numpy()].tolist()),
                                  tuple(dict.fromkeys(stripped[dup].tolist())),
                                  "each id exactly once"))
        return stripped.where(~missing)
    if var.type == "text":
        return cells.where(~missing)
    if var.type == "category":
        lookup = {c.lower(): c for c in var.categories}
        mapped = stripped.str.lower().map(lookup)
        bad = mapped.isna() & ~missing
        if bad.any():
            errors.append(Problem("not a known category", name,
                                  tuple(rows[bad.to_numpy()].tolist()),
                                  tuple(dict.fromkeys(cells[bad].tolist())),
                                  "one of " + ", ".join(var.categories) + " or empty"))
        return mapped.astype("str").where(mapped.notna())
    if var.type == "check":
        return _check_scale(name, var.response_scale, cells, rows, decimal_comma, errors,
                            warnings)
    whole = var.type == "integer"
    expected = _describe_range(var.min, var.max, whole)
    values = _parse_numbers(cells, rows, name, decimal_comma, whole, expected, errors)
    _range_problem(values, cells, rows, name, var.min, var.max, expected, errors,
                   "value out of range")
    return values


def _range_problem(values: pd.Series, cells: pd.Series, rows: np.ndarray, column: str,
                   lo: float | None, hi: float | None, expected: str, sink: list[Problem],
                   message: str) -> None:
    out = pd.Series(False, index=values.index)
    if lo is not None:
        out |= values < lo
    if hi is not None:
        out |= values > hi
    if out.any():
        severity = "warning" if "response scale" in message else "error"
        sink.append(Problem(message, column, tuple(rows[out.to_numpy()].tolist()),
                            tuple(cells[out].str.strip().tolist()), expected, severity))


@dataclass(frozen=True)
class _Columns:
    """What the header says: the first position of each column, and the columns that are
    extra (not in the codebook) or absent (optional and missing)."""

    first_pos: dict[str, int]
    extra: tuple[str, ...]
    absent: tuple[str, ...]


def _check_header(header: list[str], cb: Codebook, errors: list[Problem],
                  warnings: list[Problem]) -> _Columns | None:
    """Match header cells to codebook columns (case ignored); None if none matches."""
    if not header or not any(header):
        errors.append(Problem("no header row", expected="a header naming the columns"))
    canonical = {c.lower(): c for c in cb.columns}
    names: list[str] = []
    seen: dict[str, int] = {}
    repeated: list[Problem] = []
    for pos, h in enumerate(header, start=1):
        name = canonical.get(h.lower(), h)
        if name in seen:
            repeated.append(Problem(f"column appears twice (positions {seen[name]} and {pos})",
                                    name, expected="each column once"))
        seen.setdefault(name, pos)
        names.append(name)
    if header and not any(n in canonical.values() for n in names):
        errors.append(Problem("no header cell names a codebook column: the first row may be "
                              "data rather than a header", expected="a header row with the "
                              "codebook's column names, such as " + ", ".join(cb.columns[:3])))
        return None
    required = [v.name for v in cb.variables if v.required] + list(cb.item_ids)
    missing_cols = [c for c in required if c not in seen]
    if missing_cols:
        errors.append(Problem("required column(s) missing: " + ", ".join(missing_cols),
                              expected="every item and required variable of the codebook"))
    errors.extend(repeated)
    absent = tuple(v.name for v in cb.variables if not v.required and v.name not in seen)
    if absent:
        warnings.append(Problem("optional column(s) absent, left empty: " + ", ".join(absent),
                                severity="warning"))
    extra = tuple(n for n in names if n not in canonical.values() and n)
    if extra:
        warnings.append(Problem("column(s) not in the codebook, kept as they are: "
                                + ", ".join(extra), severity="warning"))
    return _Columns({n: seen[n] - 1 for n in seen}, extra, absent)


def _check_scale(name: str, rs: ResponseScale, cells: pd.Series, rows: np.ndarray,
                 decimal_comma: bool, errors: list[Problem],
                 warnings: list[Problem]) -> pd.Series:
    """Answers on a response scale: a fraction is an error, a value off the scale a warning
    (a typo such as ``44``, which cleaning sets to missing)."""
    expected = f"a whole number from {rs.min} to {rs.max}"
    values = _parse_numbers(cells, rows, name, decimal_comma, True, expected, errors)
    _range_problem(values, cells, rows, name, rs.min, rs.max, expected, warnings,
                   "answer outside the response scale")
    return values


def check_table(table: RawTable, codebook: Codebook | None = None,
                parse_problems: list[Problem] | None = None) -> SurveyCheck:
    """Check a parsed table against the codebook and convert it to typed columns."""
    cb = codebook or load_codebook()
    errors: list[Problem] = list(parse_problems or [])
    warnings: list[Problem] = []
    header = list(table.header)
    columns = _check_header(header, cb, errors, warnings)
    if columns is None:
        return SurveyCheck(None, ValidationReport(
            table.source, len(table.rows), len(header), table.encoding, table.delimiter,
            tuple(errors), (), (), ()))
    if not table.rows and header:
        errors.append(Problem("the file has a header but no respondent rows",
                              expected="one row per respondent"))

    rows = np.asarray(table.row_numbers, dtype=int)
    raw = pd.DataFrame(table.rows, columns=range(len(header)), dtype="str") if table.rows \
        else pd.DataFrame(columns=range(len(header)), dtype="str")
    first_pos = columns.first_pos
    decimal_comma = table.delimiter == ";"  # a semicolon file comes from a decimal-comma locale
    out: dict[str, pd.Series] = {}
    for var in cb.variables:
        if var.name in first_pos:
            out[var.name] = _check_variable(var, raw[first_pos[var.name]], rows, decimal_comma,
                                            errors, warnings)
        else:
            out[var.name] = pd.Series(np.nan, index=raw.index, dtype="float64")
    for item in cb.items:
        if item.id in first_pos:
            out[item.id] = _check_scale(item.id, item.response_scale, raw[first_pos[item.id]],
                                        rows, decimal_comma, errors, warnings)
    for name in columns.extra:
        out[name] = raw[first_pos[name]]

    report = ValidationReport(
        source=table.source, n_rows=len(table.rows), n_columns=len(header),
        encoding=table.encoding, delimiter=table.delimiter, errors=tuple(errors),
        warnings=tuple(warnings), extra_columns=columns.extra, absent_columns=columns.absent,
    )
    data = None if errors else pd.DataFrame(out, index=pd.RangeIndex(len(table.rows)))
    return SurveyCheck(data, report)


def check_survey(path: str | Path, codebook: Codebook | None = None) -> SurveyCheck:
    """Read and check a survey file; never raises for content problems, only reports them.

    File-level failures (missing, unreadable, binary, empty) still raise
    :class:`InputFileError` or :class:`SurveyDataError`, since there is nothing to report on.
    """
    table, problems = read_raw(path)
    return check_table(table, codebook, problems)


def load_survey(path: str | Path | None = None, codebook: Codebook | None = None) -> pd.DataFrame:
    """Load a survey file checked against the codebook (the bundled cohort when ``path`` is None).

    Returns one row per respondent: the codebook's columns in codebook order
    (numbers as float64 with NaN for missing, categories and text as strings),
    then any extra columns as strings. Raises :class:`SurveyDataError` listing
    every problem when the file does not match the codebook.
    """
    checked = check_survey(bundled_survey_path() if path is None else path, codebook)
    if checked.data is None:
        raise SurveyDataError(checked.report.source, checked.report.errors)
    return checked.data
