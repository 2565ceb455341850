"""Step 4 of an import: the respondents' answers as the codebook's values.

Numbers are read as people type them (:func:`parse_number`), answer labels through the
codebook's anchors and option labels, Qualtrics' category codes as the questionnaire's
choice numbers. An answer that is none of these is a problem naming its column, rows and
value; each distinct cell is converted once (an export repeats few distinct answers).

>>> from coursekit.survey.importers.answers import parse_number
>>> parse_number("1,234", integer=True), parse_number("2k", integer=True)
(1234.0, 2000.0)
>>> parse_number("3,5", integer=False), parse_number("lots", integer=False) is None
(3.5, True)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coursekit.common.checks import is_whole
from coursekit.common.csvfile import is_missing
from coursekit.common.text import match_key
from coursekit.survey.codebook import Codebook, ResponseScale, Variable
from coursekit.survey.consent import CONSENT_ID
from coursekit.survey.deidentify import DroppedColumn
from coursekit.survey.importers.columns import ColumnPlan
from coursekit.survey.importers.exports import ExportTable
from coursekit.survey.importers.problems import ProblemSink
from coursekit.survey.redaction import redact_text

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:[ ,'\u2019\u202f]\d{3})+")
_SUFFIXED = re.compile(r"([+-]?\d+(?:[.,]\d+)?)\s*([kKmM])")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")

#: What a converter returns: the value, and (message, expected) when the cell is a problem.
Converted = tuple[Any, tuple[str, str] | None]


def parse_number(text: str, integer: bool) -> float | None:
    """A number from a form answer, or None: '1,234' / '1 234' and '2k' / '1.5M' for counts,
    '3,5' as 3.5; anything else must parse as a plain, finite number.

    Hand-written: a locale-aware parser (babel's ``parse_decimal``) needs the respondent's
    locale, which an export does not record, and knows no ``2k``.
    """
    t = text.strip().replace("\u00a0", " ")
    factor = 1.0
    if integer and _THOUSANDS.fullmatch(t):
        t = re.sub(r"[ ,'\u2019\u202f]", "", t)
    elif integer and (m := _SUFFIXED.fullmatch(t)):
        t, factor = m.group(1), 1e3 if m.group(2).lower() == "k" else 1e6
    if _DECIMAL_COMMA.fullmatch(t):
        t = t.replace(",", ".")
    try:
        value = float(t) * factor
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def each_distinct(cells: list[str], rows: list[int], column: str, problems: ProblemSink,
                  convert: Callable[[str], Converted]) -> list:
    """``convert(cell) -> (value, (message, expected) | None)`` once per distinct cell."""
    cache: dict[str, Converted] = {}
    out = []
    for cell, row in zip(cells, rows, strict=True):
        if cell not in cache:
            cache[cell] = convert(cell)
        value, problem = cache[cell]
        if problem is not None:
            problems.add(column, problem[0], problem[1], row, cell.strip())
        out.append(value)
    return out


def convert_scale(cells: list[str], rows: list[int], column: str, rs: ResponseScale,
                  strict: bool, problems: ProblemSink, shift: int = 0,
                  codes: set[int] | None = None) -> list[float]:
    """Answers on a response scale: a whole number (one of the scale's values if
    ``strict``: a form's own codes) or an anchor label.

    Numbers get ``shift`` added (``--shift-scale``; labels do not); ``codes`` collects
    the whole numbers seen, after the shift, for the scale's range check.
    """
    anchors = {match_key(lab): v for v, lab in zip(rs.values, rs.labels, strict=True)}
    expected = (f"a whole number from {rs.min} to {rs.max} or one of: "
                + ", ".join(rs.labels))

    def convert(cell: str) -> Converted:
        if is_missing(cell):
            return np.nan, None
        number = parse_number(cell, integer=False)
        if number is None:
            if match_key(cell) in anchors:
                return float(anchors[match_key(cell)]), None
            return np.nan, ("not a number or an answer option", expected)
        if not is_whole(number):
            return np.nan, ("not a whole number", expected)
        number += shift
        if codes is not None:
            codes.add(int(number))
        if strict and int(number) not in rs.values:
            return np.nan, ("answer code outside the response scale: the form's codes differ "
                            "from the codebook's (export choice text, or set the codes to the "
                            "codebook values)", expected)
        return number, None

    return each_distinct(cells, rows, column, problems, convert)


def convert_category(cells: list[str], rows: list[int], column: str, var: Variable,
                     source: str, problems: ProblemSink, notes: list[str]) -> list[str | None]:
    """Category answers by category or option label; Qualtrics codes as choice numbers
    (with a note saying so, since a survey may order its choices differently)."""
    expected = "one of: " + ", ".join(var.option_labels)
    used_codes = []

    def convert(cell: str) -> Converted:
        if is_missing(cell):
            return None, None
        category = var.category_of(cell)
        if category is None and source == "qualtrics":
            code = parse_number(cell, integer=False)
            if code is not None and is_whole(code) and 1 <= code <= len(var.categories):
                used_codes.append(code)
                return var.categories[int(code) - 1], None
        if category is None:
            return None, ("not one of the answer options", expected)
        return category, None

    out = each_distinct(cells, rows, column, problems, convert)
    if used_codes:
        codes = ", ".join(f"{k}={c}" for k, c in enumerate(var.categories, start=1))
        notes.append(f"note: '{column}' numeric codes read as the questionnaire's choice "
                     f"numbers ({codes}); export choice text if your survey orders them "
                     "differently")
    return out


def convert_number(cells: list[str], rows: list[int], column: str, integer: bool,
                   problems: ProblemSink) -> list[float]:
    """Numeric answers (whole numbers if ``integer``); range checks come with ``validate``."""
    expected = "a whole number" if integer else "a number"

    def convert(cell: str) -> Converted:
        if is_missing(cell):
            return np.nan, None
        value = parse_number(cell, integer)
        if value is None:
            return np.nan, ("not a number", expected)
        if integer and not is_whole(value):
            return np.nan, ("not a whole number", expected)
        return value, None

    return each_distinct(cells, rows, column, problems, convert)


def _free_text(cells: list[str], found: Counter) -> list[str | None]:
    # Kept free text loses what redaction finds; the counts go into the report, never text.
    kept: list[str | None] = []
    for c in cells:
        if is_missing(c):
            kept.append(None)
            continue
        result = redact_text(c.strip())
        found.update(result.counts)
        kept.append(result.text)
    return kept


@dataclass
class Answers:
    """The imported values by codebook column, and what the conversion left out."""

    values: dict[str, list] = field(default_factory=dict)
    #: The whole numbers answered per item (after any shift), for the range check.
    codes: dict[str, set[int]] = field(default_factory=dict)
    dropped_free_text: list[DroppedColumn] = field(default_factory=list)
    #: Kept free-text columns (codebook name, non-empty answers) and what was removed.
    kept_free_text: list[tuple[str, int]] = field(default_factory=list)
    redacted: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


def convert_columns(plan: ColumnPlan, table: ExportTable, rows: list[list[str]],
                    rnums: list[int], cb: Codebook, keep_free_text: bool,
                    problems: ProblemSink, shifts: dict[str, int] | None = None) -> Answers:
    """Every matched column's answers as codebook values (free text dropped unless kept).

    Scale answers are strict for form services (their codes must be the codebook's
    values); a generic CSV may hold any whole number, which ``validate`` then flags.
    ``shifts`` (``{scale: n}``) adds n to the numeric answers of a scale's items.
    """
    shifts = shifts or {}
    strict = table.kind in ("google-forms", "qualtrics")
    out = Answers()
    for j, m in sorted(plan.target_of.items()):
        cells = [r[j] for r in rows]
        col = table.headers[j]
        if m.target == CONSENT_ID:
            continue
        if cb.has_item(m.target):
            item = cb.item(m.target)
            out.values[m.target] = convert_scale(
                cells, rnums, col, item.response_scale, strict, problems,
                shift=shifts.get(item.scale, 0), codes=out.codes.setdefault(item.id, set()))
            continue
        var = cb.variable(m.target)
        if var.type == "id":
            out.values[var.name] = cells
        elif var.type == "text":
            if not keep_free_text:
                filled = [c for c in cells if not is_missing(c)]
                out.dropped_free_text.append(DroppedColumn(col, "free text", len(filled)))
                continue
            out.values[var.name] = _free_text(cells, out.redacted)
            out.kept_free_text.append((col, sum(1 for c in cells if not is_missing(c))))
        elif var.type == "check":
            out.values[var.name] = convert_scale(cells, rnums, col, var.response_scale, strict,
                                                 problems)
        elif var.type == "category":
            out.values[var.name] = convert_category(cells, rnums, col, var, table.kind,
                                                    problems, out.notes)
        else:
            out.values[var.name] = convert_number(cells, rnums, col, var.type == "integer",
                                                  problems)
    duration_j = plan.with_role("duration")
    if duration_j is not None and "completion_seconds" not in out.values \
            and cb.has_variable("completion_seconds"):
        # Qualtrics' "Duration (in seconds)" is the codebook's completion time.
        out.values["completion_seconds"] = convert_number(
            [r[duration_j] for r in rows], rnums, table.headers[duration_j], False, problems)
        plan.role_of[duration_j] = "used"
    return out
