"""Step 1 of an import: reading a form export into strings, with spreadsheet row numbers.

The file goes through the one CSV reader (:mod:`coursekit.common.csvfile`), so rows are
counted as records: a multi-line answer is one row. A Qualtrics export has three header
rows (question IDs, question texts, ``{"ImportId": ...}``); the others have one.

>>> from coursekit.survey.importers.exports import is_import_id
>>> is_import_id('{"ImportId":"QID4"}'), is_import_id("Q4")
(True, False)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from coursekit.common.csvfile import Record, read_csv
from coursekit.common.errors import InputFileError, OptionError, Problem, SurveyDataError

SOURCES = ("google-forms", "qualtrics", "csv")


@dataclass(frozen=True)
class ExportTable:
    """A form export as strings: header cells, question texts, answer rows and their rows."""

    source: str
    kind: str
    headers: tuple[str, ...]
    texts: tuple[str, ...]
    rows: list[list[str]]
    row_numbers: list[int]
    digest: str


def export_records(path: str | Path) -> tuple[list[Record], str]:
    """The non-blank records of a CSV export and a digest of its text.

    The digest (16 hex digits of SHA-256) stands in for a respondent id when an export
    has neither a response id nor a timestamp. Raises :class:`InputFileError` for an
    unreadable, empty or unparseable file.
    """
    csv_file = read_csv(path)
    if csv_file.blank:
        raise InputFileError(f"{path}: the file is empty, expected a form export")
    records = list(csv_file.records())  # CsvParseError is an InputFileError naming the file
    return records, hashlib.sha256(csv_file.text.encode("utf-8")).hexdigest()[:16]


def read_export(path: str | Path, kind: str) -> ExportTable:
    """Read an export of ``kind`` (one of :data:`SOURCES`) into an :class:`ExportTable`.

    Raises :class:`InputFileError` for an unreadable file or a Qualtrics file
    without its three header rows, and :class:`SurveyDataError` for rows whose
    cell count differs from the header.
    """
    if kind not in SOURCES:
        raise OptionError(f"unknown source '{kind}' (expected one of {', '.join(SOURCES)})")
    records, digest = export_records(path)
    if not records:
        raise InputFileError(f"{path}: the file is empty, expected a form export")
    headers = tuple(c.strip() for c in records[0].cells)
    n_head = 1
    texts = headers
    if kind == "qualtrics":
        if len(records) < 3 or not any(is_import_id(c) for c in records[2].cells):
            raise InputFileError(
                f"{path}: not a Qualtrics export with three header rows (question IDs, "
                'question texts, {"ImportId": ...}); export again as CSV from Data & Analysis '
                "without changing the header rows")
        texts = tuple(c.strip() for c in records[1].cells)
        n_head = 3
        if len(texts) != len(headers):
            raise InputFileError(f"{path}: header rows 1 and 2 have different numbers of cells")
    rows, numbers, bad = [], [], []
    for record in records[n_head:]:
        if len(record.cells) != len(headers):
            bad.append((record.row, len(record.cells)))
            continue
        rows.append(record.cells)
        numbers.append(record.row)
    if bad:
        raise SurveyDataError(str(path), [Problem(
            "row has a different number of cells than the header",
            rows=tuple(n for n, _ in bad), values=tuple(f"{w} cells" for _, w in bad),
            expected=f"{len(headers)} cells, one per header column")])
    return ExportTable(str(path), kind, headers, texts, rows, numbers, digest)


def is_import_id(cell: str) -> bool:
    """True if a cell is Qualtrics' third header row's ``{"ImportId": ...}``."""
    cell = cell.strip()
    if not cell.startswith("{"):
        return False
    try:
        return "ImportId" in json.loads(cell)
    except (ValueError, TypeError):
        return False
