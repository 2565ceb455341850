"""Mapping files: an instructor's list of export columns and the codebook columns they feed.

A mapping file is a CSV of ``export column, codebook column`` rows; ``-``, ``drop`` or an
empty codebook column drops the export column. Read through the one CSV reader, so its
row numbers are the spreadsheet's.

>>> from coursekit.survey.importers.mapping import MappingEntry
>>> MappingEntry("Q12", "val1", 2).target
'val1'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coursekit.common.csvfile import Record
from coursekit.common.errors import Problem, SurveyDataError
from coursekit.survey.codebook import Codebook, load_codebook
from coursekit.survey.consent import CONSENT_ID
from coursekit.survey.importers.exports import export_records

DROP_TARGETS = frozenset({"", "-", "drop"})


@dataclass(frozen=True)
class MappingEntry:
    """One row of a mapping file: an export column and its codebook column (None: drop it)."""

    column: str
    target: str | None
    row: int


def _is_header(record: Record, targets: dict[str, str]) -> bool:
    # A first row whose second cell names no codebook column is the file's header.
    cells = record.cells
    return len(cells) < 2 or cells[1].strip().lower() not in targets.keys() | DROP_TARGETS


def read_mapping(path: str | Path, codebook: Codebook | None = None) -> tuple[MappingEntry, ...]:
    """Read a mapping file: CSV rows ``export column, codebook column``.

    A first row whose second cell is not a codebook column is a header. A
    codebook column of ``-``, ``drop`` or empty drops the export column.
    Raises :class:`SurveyDataError` naming the mapping file's rows for unknown
    codebook columns and repeated export or codebook columns.
    """
    cb = codebook or load_codebook()
    targets = {c.lower(): c for c in (*cb.columns, CONSENT_ID)}
    records, _ = export_records(path)
    if records and _is_header(records[0], targets):
        records = records[1:]
    problems: list[Problem] = []
    entries: list[MappingEntry] = []
    seen_col: dict[str, int] = {}
    seen_target: dict[str, int] = {}
    for record in records:
        n, rec = record.row, record.cells
        if len(rec) < 2 or not rec[0].strip():
            problems.append(Problem("a mapping row needs an export column and a codebook column",
                                    rows=(n,), values=(",".join(rec),),
                                    expected="two cells: export column, item id"))
            continue
        col, target = rec[0].strip(), rec[1].strip()
        if target.lower() in DROP_TARGETS:
            resolved = None
        elif target.lower() in targets:
            resolved = targets[target.lower()]
        else:
            problems.append(Problem("not a codebook column", "codebook column", (n,), (target,),
                                    "an item id such as val1, a variable name such as age, "
                                    "or '-' to drop the column"))
            continue
        if col in seen_col:
            problems.append(Problem(f"export column mapped twice (row {seen_col[col]} too)",
                                    "export column", (n,), (col,), "each export column once"))
            continue
        if resolved is not None and resolved in seen_target:
            problems.append(Problem(f"codebook column mapped twice (row {seen_target[resolved]} "
                                    "too)", "codebook column", (n,), (target,),
                                    "each codebook column once"))
            continue
        seen_col[col] = n
        if resolved is not None:
            seen_target[resolved] = n
        entries.append(MappingEntry(col, resolved, n))
    if problems:
        raise SurveyDataError(str(path), problems)
    return tuple(entries)
