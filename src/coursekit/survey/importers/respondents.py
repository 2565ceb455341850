"""Step 3 of an import: which rows are respondents (before any answer is converted, so
that a preview's or a refusal's answers raise no problem).

Qualtrics previews, test and spam responses (``Status``) are left out, so are rows of
people who did not consent; incomplete Qualtrics responses (``Finished`` false) are kept
and reported, or left out with ``drop_incomplete``. Each left-out row is reported by its
spreadsheet row and reason, never its values.

>>> from coursekit.survey.importers.respondents import status_reason
>>> status_reason("Survey Preview"), status_reason("IP Address") is None
('preview', True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coursekit.common.errors import Problem
from coursekit.common.text import compact_key
from coursekit.survey.consent import CONSENT_ID, CONSENT_OPTIONS, consent_answer
from coursekit.survey.importers.columns import ColumnPlan
from coursekit.survey.importers.exports import ExportTable
from coursekit.survey.importers.problems import ProblemSink
from coursekit.survey.importers.report import RowDrop

# Qualtrics Status, as text or numeric code: responses that are not real respondents.
_DROPPED_STATUS = {
    "surveypreview": "preview", "1": "preview", "offlinesurveypreview": "preview",
    "17": "preview", "surveytest": "test", "2": "test", "spam": "spam", "8": "spam",
    "previewspam": "spam", "9": "spam", "importedspam": "spam", "12": "spam",
}
_STATUS_LABELS = {"preview": "survey previews", "test": "generated test responses",
                  "spam": "flagged as spam"}
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def status_reason(cell: str) -> str | None:
    """Why a Qualtrics ``Status`` leaves a row out (``preview``, ``test``, ``spam``), else None."""
    return _DROPPED_STATUS.get(compact_key(cell))


@dataclass
class Respondents:
    """The rows kept (cells and spreadsheet rows), and the rows left out or incomplete."""

    keep: list[bool]
    dropped: list[RowDrop] = field(default_factory=list)
    incomplete: list[int] = field(default_factory=list)


def _drop_by_status(table: ExportTable, j: int, sel: Respondents) -> None:
    by_reason: dict[str, list[int]] = {}
    for i, row in enumerate(table.rows):
        reason = status_reason(row[j])
        if reason:
            sel.keep[i] = False
            by_reason.setdefault(reason, []).append(table.row_numbers[i])
    for reason in ("preview", "test", "spam"):
        if reason in by_reason:
            sel.dropped.append(RowDrop(_STATUS_LABELS[reason], tuple(by_reason[reason])))


def _drop_refusals(table: ExportTable, j: int, sel: Respondents,
                   problems: ProblemSink) -> None:
    refused = []
    for i, row in enumerate(table.rows):
        if not sel.keep[i]:
            continue
        answer = consent_answer(row[j])
        if answer is False:
            sel.keep[i] = False
            refused.append(table.row_numbers[i])
        elif answer is None:
            problems.add(table.headers[j], "not an answer to the consent question",
                         f"'{CONSENT_OPTIONS[0][1]}' or '{CONSENT_OPTIONS[1][1]}'",
                         table.row_numbers[i], row[j].strip())
    if refused:
        sel.dropped.append(RowDrop("no consent given", tuple(refused)))


def _incomplete(table: ExportTable, j: int, sel: Respondents, drop_incomplete: bool,
                problems: ProblemSink) -> None:
    dropped = []
    for i, row in enumerate(table.rows):
        if not sel.keep[i]:
            continue
        flag = row[j].strip().lower()
        if flag in _FALSE:
            if drop_incomplete:
                sel.keep[i] = False
                dropped.append(table.row_numbers[i])
            else:
                sel.incomplete.append(table.row_numbers[i])
        elif flag not in _TRUE:
            problems.add(table.headers[j], "not a Finished flag", "True/False or 1/0",
                         table.row_numbers[i], row[j].strip())
    if dropped:
        sel.dropped.append(RowDrop("incomplete, --drop-incomplete", tuple(dropped)))


def select_respondents(table: ExportTable, plan: ColumnPlan, drop_incomplete: bool,
                       problems: ProblemSink) -> tuple[list[list[str]], list[int], Respondents]:
    """The respondents' rows and spreadsheet row numbers, and what was left out."""
    sel = Respondents([True] * len(table.rows))
    status_j = plan.with_role("status")
    if status_j is not None:
        _drop_by_status(table, status_j, sel)
    consent_j = plan.feeding(CONSENT_ID)
    if consent_j is not None:
        _drop_refusals(table, consent_j, sel, problems)
    finished_j = plan.with_role("finished")
    if finished_j is not None:
        _incomplete(table, finished_j, sel, drop_incomplete, problems)
    rows = [r for r, k in zip(table.rows, sel.keep, strict=True) if k]
    rnums = [n for n, k in zip(table.row_numbers, sel.keep, strict=True) if k]
    if not rows:
        problems.plain.append(Problem("no respondent rows left to import",
                                      expected="at least one consenting, real response"))
    return rows, rnums, sel
