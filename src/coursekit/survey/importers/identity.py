"""Step 5 of an import: de-identification.

Respondent ids become salted pseudonyms (:func:`~coursekit.survey.deidentify.pseudonymize`),
taken from the codebook's id column, else the export's response id, else the timestamp and
row, else the file's digest and row. Every column that is not imported is accounted for:
identifying (by header or content), export metadata, dropped by the mapping, or unmatched.

>>> from coursekit.survey.importers.identity import looks_like_prose
>>> looks_like_prose(["I like the editing tools"]), looks_like_prose(["12", "3 4"])
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coursekit.common.csvfile import is_missing
from coursekit.common.errors import Problem
from coursekit.survey.codebook import Codebook
from coursekit.survey.consent import CONSENT_ID
from coursekit.survey.deidentify import (
    DroppedColumn,
    Salt,
    content_reason,
    identifier_reason,
    pseudonymize,
)
from coursekit.survey.importers.answers import parse_number
from coursekit.survey.importers.columns import ColumnPlan
from coursekit.survey.importers.exports import ExportTable
from coursekit.survey.importers.problems import ProblemSink


def _raw_ids(table: ExportTable, plan: ColumnPlan, rows: list[list[str]], rnums: list[int],
             values: dict[str, list], id_col: str) -> tuple[list[str], str]:
    response_j = plan.with_role("response_id")
    timestamp_j = plan.with_role("timestamp")
    if id_col in values:
        return ([c.strip() for c in values[id_col]],
                f"column '{table.headers[plan.taken[id_col]]}'")
    if response_j is not None:
        return [r[response_j].strip() for r in rows], f"'{table.headers[response_j]}'"
    if timestamp_j is not None:
        return ([f"{r[timestamp_j].strip()}|{n}" for r, n in zip(rows, rnums, strict=True)],
                "timestamp and row number")
    return [f"{table.digest}|{n}" for n in rnums], "file and row number"


def pseudonymous_ids(table: ExportTable, plan: ColumnPlan, rows: list[list[str]],
                     rnums: list[int], values: dict[str, list], cb: Codebook, salt: Salt,
                     problems: ProblemSink) -> str:
    """Put the respondents' pseudonyms into ``values``; return where the ids came from.

    An empty or repeated raw id is a problem (naming rows, never ids).
    """
    raw_ids, id_origin = _raw_ids(table, plan, rows, rnums, values, cb.id_column)
    empty = [n for raw, n in zip(raw_ids, rnums, strict=True) if is_missing(raw)]
    if empty:
        problems.plain.append(Problem("response id is empty", id_origin.strip("'"), tuple(empty),
                                      expected="an id on every response row"))
    seen: dict[str, int] = {}
    repeated: list[int] = []
    for raw, n in zip(raw_ids, rnums, strict=True):
        if raw in seen and not is_missing(raw):
            repeated.extend([seen[raw], n])
        seen.setdefault(raw, n)
    if repeated:
        problems.plain.append(Problem("response id appears more than once (the same response "
                                      "exported twice?)", id_origin.strip("'"),
                                      tuple(sorted(set(repeated))),
                                      expected="each response once"))
    values[cb.id_column] = pseudonymize(raw_ids, salt) if rows else []
    return id_origin


def looks_like_prose(filled: list[str]) -> bool:
    """True if some cell has three or more words and is not a number: free text."""
    return any(len(c.split()) >= 3 and parse_number(c, False) is None for c in filled)


@dataclass
class LeftOut:
    """The export columns not imported, by why."""

    identifiers: list[DroppedColumn] = field(default_factory=list)
    unmatched: list[DroppedColumn] = field(default_factory=list)
    by_mapping: list[DroppedColumn] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)


def left_out_columns(table: ExportTable, plan: ColumnPlan) -> LeftOut:
    """Sort every column that is not imported (counts over all rows read, never values)."""
    out = LeftOut()
    headers, texts = table.headers, table.texts
    for j in range(len(headers)):
        if j in plan.target_of and plan.target_of[j].target != CONSENT_ID:
            continue
        if j in plan.target_of:  # consent: used to drop refusals, then dropped
            out.metadata.append(f"{headers[j]} (consent question)")
            continue
        if plan.role_of.get(j) in ("response_id", "used"):
            continue  # replaced by pseudonyms / imported as completion_seconds
        if j in plan.role_of:
            out.metadata.append(headers[j])
            continue
        filled = [r[j] for r in table.rows if not is_missing(r[j])]
        reason = (identifier_reason(headers[j]) or identifier_reason(texts[j])
                  or content_reason(filled))
        if reason:
            out.identifiers.append(DroppedColumn(headers[j], reason, len(filled)))
        elif j in plan.dropped_by_mapping:
            out.by_mapping.append(DroppedColumn(headers[j], "mapped to '-'", len(filled)))
        else:
            out.unmatched.append(DroppedColumn(headers[j], "free text" if looks_like_prose(filled)
                                               else "not in the codebook", len(filled)))
    return out
