"""The import from end to end, and step 6: writing the canonical file.

:func:`import_export` runs the steps in order (read the export, match its columns,
select respondents, convert their answers, de-identify) and raises one
:class:`~coursekit.common.errors.SurveyDataError` with every problem found;
:func:`write_import` checks the result as ``validate`` does and writes it atomically.

>>> from coursekit.survey.importers.pipeline import import_export
>>> import_export.__name__
'import_export'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from coursekit.common.atomic import atomic_write_text
from coursekit.common.csvfile import CsvFile
from coursekit.common.errors import Problem, SurveyDataError
from coursekit.survey.canonical import survey_to_csv
from coursekit.survey.codebook import Codebook, load_codebook
from coursekit.survey.deidentify import DroppedColumn, Salt, resolve_salt
from coursekit.survey.importers.answers import convert_columns
from coursekit.survey.importers.columns import match_columns
from coursekit.survey.importers.exports import read_export
from coursekit.survey.importers.identity import left_out_columns, pseudonymous_ids
from coursekit.survey.importers.mapping import MappingEntry, read_mapping
from coursekit.survey.importers.problems import ProblemSink
from coursekit.survey.importers.ranges import check_ranges, parse_shifts, shift_notes
from coursekit.survey.importers.report import ImportReport, ImportResult
from coursekit.survey.importers.respondents import select_respondents
from coursekit.survey.load import RawTable, ValidationReport, check_table


def _is_free_text(cb: Codebook, column: str) -> bool:
    return cb.has_variable(column) and cb.variable(column).type == "text"


def _check_required(values: dict[str, list], unmatched: list[DroppedColumn], cb: Codebook,
                    allow_missing: bool, problems: ProblemSink) -> None:
    required = [v.name for v in cb.variables if v.required and v.type != "id"] + list(cb.item_ids)
    missing_required = [c for c in required if c not in values and not _is_free_text(cb, c)]
    if missing_required and not allow_missing:
        loose = [f"'{d.column}'" for d in unmatched]
        problems.plain.append(Problem(
            "no export column matches: " + ", ".join(missing_required)
            + ("; export columns not matched: " + ", ".join(loose) if loose else ""),
            expected="a column for every item and required variable: map renamed columns "
            "with --mapping (export column,item id), or pass --allow-missing to leave them empty"))


def _frame(values: dict[str, list], n_rows: int, cb: Codebook) -> pd.DataFrame:
    # Codebook order and load_survey's dtypes: strings for ids, categories and text.
    index = pd.RangeIndex(n_rows)
    columns: dict[str, pd.Series] = {}
    for c in cb.columns:
        textual = cb.has_variable(c) and cb.variable(c).type in ("id", "category", "text")
        data = values.get(c, [None] * n_rows)
        columns[c] = pd.Series(data, index=index, dtype="str" if textual else "float64")
    return pd.DataFrame(columns)


def import_export(
    path: str | Path,
    source: str,
    *,
    codebook: Codebook | None = None,
    mapping: str | Path | Sequence[MappingEntry] | None = None,
    salt: str | Salt | None = None,
    keep_free_text: bool = False,
    drop_incomplete: bool = False,
    allow_missing: bool = False,
    shift_scales: Sequence[str] | Mapping[str, int] | None = None,
) -> ImportResult:
    """Turn a form export into the canonical survey (columns of the codebook), de-identified.

    Parameters
    ----------
    path, source
        the export file and its kind: ``google-forms``, ``qualtrics`` or ``csv``.
    mapping
        a mapping file (or its entries) naming codebook columns for export
        columns that are not matched by name or wording.
    salt
        the pseudonym salt (see :func:`coursekit.survey.deidentify.resolve_salt`):
        a string, a :class:`~coursekit.survey.deidentify.Salt`, or None for
        ``$COURSEKIT_SALT`` or else a random salt.
    keep_free_text
        keep the codebook's free-text column (``comment``), with what
        :mod:`coursekit.survey.redaction` finds replaced (names are not found);
        dropped by default.
    drop_incomplete
        drop Qualtrics responses with ``Finished`` false (kept by default:
        what they answered counts, the rest is missing).
    allow_missing
        leave items and required variables that the export lacks empty
        instead of failing.
    shift_scales
        ``["wellbeing=-1"]`` or ``{"wellbeing": -1}``: add the shift to every numeric
        answer of a scale's items, for a form built on another range (see
        :mod:`~coursekit.survey.importers.ranges`).

    Each scale's numeric answers are checked against the codebook's range: answers outside
    it refuse a Google Forms or Qualtrics import (a problem naming the scale, its items,
    the range seen and what to check in the form); no answer at either end of the range is
    a warning in the report (``report.warnings``).

    Returns an :class:`ImportResult`; nothing is written (see
    :func:`write_import`). Raises :class:`SurveyDataError` listing every
    problem (column, spreadsheet row, value, what was expected).
    """
    cb = codebook or load_codebook()
    table = read_export(path, source)
    entries = (read_mapping(mapping, cb) if isinstance(mapping, str | Path)
               else tuple(mapping or ()))
    the_salt = salt if isinstance(salt, Salt) else resolve_salt(salt)
    shifts = parse_shifts(shift_scales, cb)
    problems = ProblemSink()
    plan = match_columns(table, entries, cb, problems)
    rows, rnums, respondents = select_respondents(table, plan, drop_incomplete, problems)
    answers = convert_columns(plan, table, rows, rnums, cb, keep_free_text, problems, shifts)
    ranges = check_ranges(answers.codes, cb, table.source,
                          strict=table.kind in ("google-forms", "qualtrics"), shifts=shifts)
    # The scale-level reason comes before the cells it explains.
    problems.plain.extend(ranges.problems)
    values = answers.values
    id_origin = pseudonymous_ids(table, plan, rows, rnums, values, cb, the_salt, problems)
    left_out = left_out_columns(table, plan)
    _check_required(values, left_out.unmatched, cb, allow_missing, problems)
    found = problems.problems()
    if found:
        raise SurveyDataError(table.source, found)
    missing = tuple(c for c in cb.columns if c not in values
                    and not (_is_free_text(cb, c) and not keep_free_text))
    report = ImportReport(
        source=table.source, kind=source, n_rows_read=len(table.rows), n_rows_kept=len(rows),
        matched=tuple(m for _, m in sorted(plan.target_of.items())),
        dropped_rows=tuple(respondents.dropped), incomplete_rows=tuple(respondents.incomplete),
        dropped_identifiers=tuple(left_out.identifiers),
        dropped_free_text=tuple(answers.dropped_free_text),
        dropped_metadata=tuple(left_out.metadata), unmatched=tuple(left_out.unmatched),
        dropped_by_mapping=tuple(left_out.by_mapping), missing_columns=missing,
        notes=tuple(dict.fromkeys(shift_notes(shifts, cb) + answers.notes)),
        kept_free_text=tuple(answers.kept_free_text),
        redacted=tuple(sorted(answers.redacted.items())), warnings=ranges.warnings,
        id_origin=id_origin, salt=the_salt.describe(),
    )
    return ImportResult(_frame(values, len(rows), cb), tuple(rnums), report)


def write_import(result: ImportResult, out: str | Path,
                 codebook: Codebook | None = None) -> ValidationReport:
    """Check the imported survey as ``validate`` does, then write it to ``out`` atomically.

    The check runs before anything is written: on an error nothing is
    written and :class:`SurveyDataError` names the export file and its rows.
    Returns the validation report (its warnings are worth printing).
    """
    cb = codebook or load_codebook()
    text = survey_to_csv(result.data, cb)
    records = [r.cells for r in CsvFile.from_text(text, result.report.source,
                                                  delimiter=",").records(skip_blank=False)]
    # The rows named are the export's, not the canonical file's: that is the file to fix.
    table = RawTable(result.report.source, tuple(records[0]), records[1:],
                     list(result.source_rows), "utf-8", ",")
    checked = check_table(table, cb)
    if checked.report.errors:
        raise SurveyDataError(result.report.source, checked.report.errors)
    atomic_write_text(out, text)
    return checked.report
