"""Importing form exports into the canonical survey file that ``validate`` accepts.

Three sources:

``google-forms``
    the CSV of a Google Form's responses: a ``Timestamp`` column, then one
    column per question headed by the question's title (a multiple-choice grid
    gives ``Title [Row]`` columns). Answers are numbers (linear scale) or answer
    option labels.
``qualtrics``
    a Qualtrics CSV/TSV export with its three header rows (question ID,
    question text, ``{"ImportId": ...}``); the first response is spreadsheet
    row 4. Answers are numeric codes or choice text. Preview, test and spam
    responses (``Status``) are dropped; incomplete ones (``Finished`` false)
    are kept with their unanswered questions missing, or dropped with
    ``drop_incomplete``. ``Duration (in seconds)`` becomes ``completion_seconds``.
``csv``
    any other CSV with one header row; columns are matched like form columns,
    and a mapping file names the rest.

Columns are matched to codebook columns by, in order: a mapping file (CSV:
export column, codebook column; ``-`` drops a column), the Qualtrics question
ID or a header equal to a codebook column name, then the wording: the header
(or Qualtrics' question text, or the row of a grid, or the part after the last
``" - "``) equal to an item's wording (with or without its scale's stem), a
respondent question, or a variable label, ignoring case, punctuation, spacing
and a leading question number. Answer labels are mapped through the
codebook's anchors and option labels the same way; an answer that is neither a
valid number nor a label is an error naming the row.

Privacy by default (see :mod:`coursekit.survey.deidentify`): columns that identify a
person (names, email and IP addresses, locations, phone numbers, external
references, and any unmatched column holding an email, IP address or
@handle) are dropped; free text (``comment``) is dropped unless
``keep_free_text``, and then emails, links, addresses, @handles and phone
numbers are removed from it; response ids become salted pseudonyms. Rows of
respondents who did not consent (the questionnaire's consent question) are
dropped. The report names dropped columns with counts, never values.

Example
-------
>>> from coursekit.survey.importers import import_export, write_import  # doctest: +SKIP
>>> result = import_export("responses.csv", "google-forms", salt="a long class secret")
>>> print("\\n".join(result.report.lines()))
>>> write_import(result, "survey.csv")
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from coursekit.common.atomic import atomic_write_text
from coursekit.common.errors import InputFileError, OptionError, Problem, SurveyDataError
from coursekit.survey.codebook import Codebook, ResponseScale, load_codebook
from coursekit.survey.deidentify import (
    DroppedColumn,
    Salt,
    content_reason,
    identifier_reason,
    pseudonymize,
    redact,
    resolve_salt,
)
from coursekit.survey.instrument import CONSENT_ID, CONSENT_OPTIONS, CONSENT_QUESTION
from coursekit.survey.load import (
    MISSING_TOKENS,
    RawTable,
    ValidationReport,
    check_table,
    read_text,
    sniff_delimiter,
)
from coursekit.survey.simulate import survey_to_csv

SOURCES = ("google-forms", "qualtrics", "csv")

# Qualtrics metadata columns (header key without spaces) and what the importer does with them.
_QUALTRICS_META = {
    "startdate": "date", "enddate": "date", "recordeddate": "date", "status": "status",
    "progress": "progress", "durationinseconds": "duration", "duration": "duration",
    "finished": "finished", "responseid": "response_id", "distributionchannel": "meta",
    "userlanguage": "meta", "responseset": "meta", "qrecaptchascore": "meta",
    "qrelevantidduplicate": "meta", "qrelevantidduplicatescore": "meta",
    "qrelevantidfraudscore": "meta", "qrelevantidlaststartdate": "meta",
}
_FORMS_META = {"timestamp": "timestamp", "score": "meta", "totalscore": "meta"}

# Qualtrics Status, as text or numeric code: responses that are not real respondents.
_DROPPED_STATUS = {
    "surveypreview": "preview", "1": "preview", "offlinesurveypreview": "preview",
    "17": "preview", "surveytest": "test", "2": "test", "spam": "spam", "8": "spam",
    "previewspam": "spam", "9": "spam", "importedspam": "spam", "12": "spam",
}
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
_DROP_TARGETS = {"", "-", "drop"}


def _key(text: str) -> str:
    """Text reduced for matching: case, punctuation, spacing and a leading number ignored."""
    t = unicodedata.normalize("NFKC", str(text)).casefold()
    t = re.sub(r"^\s*(?:q\s*)?\d+\s*[.):]\s+", "", t)
    t = re.sub(r"[^\w\s]", "", t.replace("_", " "))
    return " ".join(t.split())


def _compact(text: str) -> str:
    return _key(text).replace(" ", "")


# --- reading exports -------------------------------------------------------------------------

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


def _records(path: str | Path) -> tuple[list[tuple[int, list[str]]], str]:
    text, _ = read_text(path)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputFileError(f"{path}: the file is empty, expected a form export")
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [(n, rec) for n, rec in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise InputFileError(f"{path}: cannot parse the file as CSV ({exc})") from None
    return records, hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_export(path: str | Path, kind: str) -> ExportTable:
    """Read an export of ``kind`` (one of :data:`SOURCES`) into an :class:`ExportTable`.

    Raises :class:`InputFileError` for an unreadable file or a Qualtrics file
    without its three header rows, and :class:`SurveyDataError` for rows whose
    cell count differs from the header.
    """
    if kind not in SOURCES:
        raise OptionError(f"unknown source '{kind}' (expected one of {', '.join(SOURCES)})")
    records, digest = _records(path)
    records = [(n, r) for n, r in records if any(c.strip() for c in r)]
    if not records:
        raise InputFileError(f"{path}: the file is empty, expected a form export")
    headers = tuple(c.strip() for c in records[0][1])
    n_head = 1
    texts = headers
    if kind == "qualtrics":
        if len(records) < 3 or not any(_is_import_id(c) for c in records[2][1]):
            raise InputFileError(
                f"{path}: not a Qualtrics export with three header rows (question IDs, "
                'question texts, {"ImportId": ...}); export again as CSV from Data & Analysis '
                "without changing the header rows")
        texts = tuple(c.strip() for c in records[1][1])
        n_head = 3
        if len(texts) != len(headers):
            raise InputFileError(f"{path}: header rows 1 and 2 have different numbers of cells")
    rows, numbers, bad = [], [], []
    for n, rec in records[n_head:]:
        if len(rec) != len(headers):
            bad.append((n, len(rec)))
            continue
        rows.append(rec)
        numbers.append(n)
    if bad:
        raise SurveyDataError(str(path), [Problem(
            "row has a different number of cells than the header",
            rows=tuple(n for n, _ in bad), values=tuple(f"{w} cells" for _, w in bad),
            expected=f"{len(headers)} cells, one per header column")])
    return ExportTable(str(path), kind, headers, texts, rows, numbers, digest)


def _is_import_id(cell: str) -> bool:
    cell = cell.strip()
    if not cell.startswith("{"):
        return False
    try:
        return "ImportId" in json.loads(cell)
    except (ValueError, TypeError):
        return False


# --- mapping files ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MappingEntry:
    """One row of a mapping file: an export column and its codebook column (None: drop it)."""

    column: str
    target: str | None
    row: int


def read_mapping(path: str | Path, codebook: Codebook | None = None) -> tuple[MappingEntry, ...]:
    """Read a mapping file: CSV rows ``export column, codebook column``.

    A first row whose second cell is not a codebook column is a header. A
    codebook column of ``-``, ``drop`` or empty drops the export column.
    Raises :class:`SurveyDataError` naming the mapping file's rows for unknown
    codebook columns and repeated export or codebook columns.
    """
    cb = codebook or load_codebook()
    targets = {c.lower(): c for c in (*cb.columns, CONSENT_ID)}
    records, _ = _records(path)
    records = [(n, r) for n, r in records if any(c.strip() for c in r)]
    problems: list[Problem] = []
    if records and (len(records[0][1]) < 2
                    or records[0][1][1].strip().lower() not in targets | dict.fromkeys(
                        _DROP_TARGETS)):
        records = records[1:]
    entries: list[MappingEntry] = []
    seen_col: dict[str, int] = {}
    seen_target: dict[str, int] = {}
    for n, rec in records:
        if len(rec) < 2 or not rec[0].strip():
            problems.append(Problem("a mapping row needs an export column and a codebook column",
                                    rows=(n,), values=(",".join(rec),),
                                    expected="two cells: export column, item id"))
            continue
        col, target = rec[0].strip(), rec[1].strip()
        if target.lower() in _DROP_TARGETS:
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


# --- matching columns ------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnMatch:
    """An export column and the codebook column it feeds; ``how`` it was matched."""

    column: str
    target: str
    how: str


def _match_index(cb: Codebook) -> dict[str, tuple[str, str]]:
    """Every text a column may be headed by, reduced by :func:`_key`, -> (column, how)."""
    index: dict[str, tuple[str, str] | None] = {}

    def add(text: str, target: str, how: str) -> None:
        k = _key(text)
        if not k:
            return
        if k in index and index[k] is not None and index[k][0] != target:
            index[k] = None  # ambiguous: matches nothing
        elif k not in index:
            index[k] = (target, how)

    for col in cb.columns:
        add(col, col, "name")
    add(CONSENT_ID, CONSENT_ID, "name")
    for scale in cb.scales:
        for item in scale.items:
            add(item.wording, item.id, "wording")
            add(f"{scale.instructions} {item.wording}", item.id, "wording")
    for var in cb.variables:
        if var.question:
            add(var.question, var.name, "question")
        if var.type == "check":
            add(var.description, var.name, "question")
        add(var.label, var.name, "label")
    add(CONSENT_QUESTION, CONSENT_ID, "question")
    return {k: v for k, v in index.items() if v is not None}


def _candidates(*texts: str) -> list[str]:
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        out.append(text)
        grid = re.fullmatch(r"(.*?)\[(.+)\]\s*", text, flags=re.S)
        if grid:
            out.append(grid.group(2))
        if " - " in text:
            out.append(text.rsplit(" - ", 1)[1])
    return out


# --- the result ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowDrop:
    """Rows left out of an import, and why."""

    reason: str
    rows: tuple[int, ...]


@dataclass(frozen=True)
class ImportReport:
    """What an import did: matches, and everything it dropped (by column and count)."""

    source: str
    kind: str
    n_rows_read: int
    n_rows_kept: int
    matched: tuple[ColumnMatch, ...]
    dropped_rows: tuple[RowDrop, ...]
    incomplete_rows: tuple[int, ...]
    dropped_identifiers: tuple[DroppedColumn, ...]
    dropped_free_text: tuple[DroppedColumn, ...]
    dropped_metadata: tuple[str, ...]
    unmatched: tuple[DroppedColumn, ...]
    dropped_by_mapping: tuple[DroppedColumn, ...]
    missing_columns: tuple[str, ...]
    notes: tuple[str, ...]
    n_redacted: int
    id_origin: str
    salt: str

    def lines(self) -> list[str]:
        """The report as lines for a terminal; no respondent's value appears in them."""
        out = [f"read {self.source} ({self.kind} export): {self.n_rows_read} response rows"]
        hows: dict[str, int] = {}
        for m in self.matched:
            hows[m.how] = hows.get(m.how, 0) + 1
        how = ", ".join(f"{n} by {h}" for h, n in sorted(hows.items(), key=lambda x: -x[1]))
        out.append(f"matched {len(self.matched)} columns to the codebook ({how})")
        for d in self.dropped_rows:
            out.append(f"dropped {len(d.rows)} row{'s' * (len(d.rows) != 1)} ({d.reason}): "
                       f"{_rows(d.rows)}")
        if self.incomplete_rows:
            out.append(f"kept {len(self.incomplete_rows)} incomplete response"
                       f"{'s' * (len(self.incomplete_rows) != 1)} ({_rows(self.incomplete_rows)}); "
                       "their unanswered questions are missing (--drop-incomplete drops them)")
        if self.dropped_identifiers:
            out.append("dropped identifying columns: "
                       + ", ".join(d.describe() for d in self.dropped_identifiers))
        if self.dropped_free_text:
            out.append("dropped free text: "
                       + ", ".join(d.describe() for d in self.dropped_free_text)
                       + " (--keep-free-text keeps it, with contact details removed)")
        if self.n_redacted:
            out.append(f"kept free text with {self.n_redacted} contact detail"
                       f"{'s' * (self.n_redacted != 1)} removed (emails, links, addresses, "
                       "@handles, phone numbers)")
        if self.dropped_metadata:
            out.append("dropped export metadata: " + ", ".join(self.dropped_metadata))
        if self.unmatched:
            out.append("not matched to the codebook, dropped: "
                       + ", ".join(d.describe() for d in self.unmatched)
                       + "; a --mapping file imports them")
        if self.dropped_by_mapping:
            out.append("dropped by the mapping: "
                       + ", ".join(d.describe() for d in self.dropped_by_mapping))
        if self.missing_columns:
            out.append("codebook columns not in the export, left empty: "
                       + ", ".join(self.missing_columns))
        out.extend(self.notes)
        out.append(f"respondent ids: {self.id_origin} replaced by salted pseudonyms; {self.salt}")
        out.append(f"{self.n_rows_kept} respondents imported")
        return out


def _rows(rows: Sequence[int], limit: int = 8) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"row{'s' * (len(rows) != 1)} {shown}{more}"


@dataclass(frozen=True)
class ImportResult:
    """The imported survey in canonical columns, the export row of each respondent, the report."""

    data: pd.DataFrame = field(repr=False)
    source_rows: tuple[int, ...]
    report: ImportReport


# --- converting answers ----------------------------------------------------------------------

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:[ ,'\u2019\u202f]\d{3})+")
_SUFFIXED = re.compile(r"([+-]?\d+(?:[.,]\d+)?)\s*([kKmM])")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def _number(text: str, integer: bool) -> float | None:
    """A number from a form answer, or None: '1,234' / '1 234' and '2k' / '1.5M' for counts,
    '3,5' as 3.5; anything else must parse as a plain number."""
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


def _is_missing(cell: str) -> bool:
    return cell.strip().lower() in MISSING_TOKENS


class _Problems:
    """Collects cells by (column, message) so one problem names all its rows."""

    def __init__(self) -> None:
        self._cells: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
        self.plain: list[Problem] = []

    def add(self, column: str, message: str, expected: str, row: int, value: str) -> None:
        self._cells.setdefault((column, message, expected), []).append((row, value))

    def problems(self) -> list[Problem]:
        out = list(self.plain)
        for (column, message, expected), cells in self._cells.items():
            out.append(Problem(message, column, tuple(r for r, _ in cells),
                               tuple(dict.fromkeys(v for _, v in cells)), expected))
        return out


def _anchor_lookup(rs: ResponseScale) -> dict[str, int]:
    return {_key(lab): v for v, lab in zip(rs.values, rs.labels, strict=True)}


def _each_distinct(cells: list[str], rows: list[int], column: str, problems: _Problems,
                   convert) -> list:
    """``convert(cell) -> (value, (message, expected) | None)`` once per distinct cell."""
    cache: dict[str, tuple] = {}
    out = []
    for cell, row in zip(cells, rows, strict=True):
        if cell not in cache:
            cache[cell] = convert(cell)
        value, problem = cache[cell]
        if problem is not None:
            problems.add(column, problem[0], problem[1], row, cell.strip())
        out.append(value)
    return out


def _convert_scale(cells: list[str], rows: list[int], column: str, rs: ResponseScale,
                   strict: bool, problems: _Problems) -> list[float]:
    anchors = _anchor_lookup(rs)
    expected = (f"a whole number from {rs.min} to {rs.max} or one of: "
                + ", ".join(rs.labels))

    def convert(cell: str) -> tuple[float, tuple[str, str] | None]:
        if _is_missing(cell):
            return np.nan, None
        number = _number(cell, integer=False)
        if number is None:
            if _key(cell) in anchors:
                return float(anchors[_key(cell)]), None
            return np.nan, ("not a number or an answer option", expected)
        if number != round(number):
            return np.nan, ("not a whole number", expected)
        if strict and int(number) not in rs.values:
            return np.nan, ("answer code outside the response scale: the form's codes differ "
                            "from the codebook's (export choice text, or set the codes to the "
                            "codebook values)", expected)
        return number, None

    return _each_distinct(cells, rows, column, problems, convert)


# --- the import ------------------------------------------------------------------------------

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
        keep the codebook's free-text column (``comment``), with contact
        details removed; dropped by default.
    drop_incomplete
        drop Qualtrics responses with ``Finished`` false (kept by default:
        what they answered counts, the rest is missing).
    allow_missing
        leave items and required variables that the export lacks empty
        instead of failing.

    Returns an :class:`ImportResult`; nothing is written (see
    :func:`write_import`). Raises :class:`SurveyDataError` listing every
    problem (column, spreadsheet row, value, what was expected).
    """
    cb = codebook or load_codebook()
    table = read_export(path, source)
    entries = (read_mapping(mapping, cb) if isinstance(mapping, str | Path)
               else tuple(mapping or ()))
    the_salt = salt if isinstance(salt, Salt) else resolve_salt(salt)
    problems = _Problems()
    headers, texts = table.headers, table.texts
    n_cols = len(headers)

    # 1. what each export column is
    target_of: dict[int, ColumnMatch] = {}
    role_of: dict[int, str] = {}
    dropped_by_mapping: set[int] = set()
    for e in entries:
        hits = [j for j in range(n_cols) if headers[j] == e.column]
        if not hits:
            k = _key(e.column)
            hits = [j for j in range(n_cols) if k and k in (_key(headers[j]), _key(texts[j]))]
        if len(hits) != 1:
            what = "is not in the export" if not hits else "names more than one export column"
            problems.plain.append(Problem(
                f"mapping row {e.row}: column {what}", e.column,
                expected="an export header cell, as in the export's first row"))
            continue
        if e.target is None:
            dropped_by_mapping.add(hits[0])
        else:
            target_of[hits[0]] = ColumnMatch(headers[hits[0]], e.target, "mapping")
    meta = _QUALTRICS_META if source == "qualtrics" else _FORMS_META
    index = _match_index(cb)
    taken = {m.target: j for j, m in target_of.items()}
    for j in range(n_cols):
        if j in target_of or j in dropped_by_mapping:
            continue
        role = meta.get(_compact(headers[j]))
        if role is not None:
            role_of[j] = role
            continue
        hit = None
        for cand in _candidates(headers[j], texts[j] if texts[j] != headers[j] else ""):
            hit = index.get(_key(cand))
            if hit:
                break
        if hit is None:
            continue
        target, how = hit
        if target in taken:
            other = taken[target]
            if other in target_of and target_of[other].how == "mapping":
                continue  # the mapping decides; this column stays unmatched
            problems.plain.append(Problem(
                f"columns '{headers[other]}' and '{headers[j]}' both match '{target}'",
                headers[j], expected="one export column per codebook column; name the right "
                "one in a --mapping file and map the other to '-'"))
            continue
        taken[target] = j
        target_of[j] = ColumnMatch(headers[j], target, how)

    rows_all = table.rows
    numbers_all = table.row_numbers

    def column_cells(j: int, rows: list[list[str]]) -> list[str]:
        return [r[j] for r in rows]

    # 2. which rows are respondents
    keep = [True] * len(rows_all)
    dropped_rows: list[RowDrop] = []
    notes: list[str] = []
    status_j = next((j for j, r in role_of.items() if r == "status"), None)
    if status_j is not None:
        by_reason: dict[str, list[int]] = {}
        for i, row in enumerate(rows_all):
            reason = _DROPPED_STATUS.get(_compact(row[status_j]))
            if reason:
                keep[i] = False
                by_reason.setdefault(reason, []).append(numbers_all[i])
        labels = {"preview": "survey previews", "test": "generated test responses",
                  "spam": "flagged as spam"}
        for reason in ("preview", "test", "spam"):
            if reason in by_reason:
                dropped_rows.append(RowDrop(labels[reason], tuple(by_reason[reason])))
    consent_j = next((j for j, m in target_of.items() if m.target == CONSENT_ID), None)
    if consent_j is not None:
        yes = {_key(CONSENT_OPTIONS[0][1]), "yes", "1", "true", "i agree", "agree"}
        no = {_key(CONSENT_OPTIONS[1][1]), "no", "2", "0", "false", "i do not agree", ""}
        refused = []
        for i, row in enumerate(rows_all):
            if not keep[i]:
                continue
            answer = _key(row[consent_j])
            if answer in yes:
                continue
            if answer in no or _is_missing(row[consent_j]):
                keep[i] = False
                refused.append(numbers_all[i])
            else:
                problems.add(headers[consent_j], "not an answer to the consent question",
                             f"'{CONSENT_OPTIONS[0][1]}' or '{CONSENT_OPTIONS[1][1]}'",
                             numbers_all[i], row[consent_j].strip())
        if refused:
            dropped_rows.append(RowDrop("no consent given", tuple(refused)))
    incomplete: list[int] = []
    finished_j = next((j for j, r in role_of.items() if r == "finished"), None)
    if finished_j is not None:
        dropped_incomplete = []
        for i, row in enumerate(rows_all):
            if not keep[i]:
                continue
            flag = row[finished_j].strip().lower()
            if flag in _FALSE:
                if drop_incomplete:
                    keep[i] = False
                    dropped_incomplete.append(numbers_all[i])
                else:
                    incomplete.append(numbers_all[i])
            elif flag not in _TRUE:
                problems.add(headers[finished_j], "not a Finished flag", "True/False or 1/0",
                             numbers_all[i], row[finished_j].strip())
        if dropped_incomplete:
            dropped_rows.append(RowDrop("incomplete, --drop-incomplete",
                                        tuple(dropped_incomplete)))
    rows = [r for r, k in zip(rows_all, keep, strict=True) if k]
    rnums = [n for n, k in zip(numbers_all, keep, strict=True) if k]
    if not rows:
        problems.plain.append(Problem("no respondent rows left to import",
                                      expected="at least one consenting, real response"))

    # 3. answers
    strict = source in ("google-forms", "qualtrics")
    values: dict[str, list] = {}
    dropped_free: list[DroppedColumn] = []
    n_redacted = 0
    for j, m in sorted(target_of.items()):
        cells = column_cells(j, rows)
        col = headers[j]
        if m.target == CONSENT_ID:
            continue
        if cb.has_item(m.target):
            values[m.target] = _convert_scale(cells, rnums, col, cb.item(m.target).response_scale,
                                              strict, problems)
            continue
        var = cb.variable(m.target)
        if var.type == "id":
            values[var.name] = cells
        elif var.type == "text":
            filled = [c for c in cells if not _is_missing(c)]
            if not keep_free_text:
                dropped_free.append(DroppedColumn(col, "free text", len(filled)))
                continue
            kept = []
            for c in cells:
                if _is_missing(c):
                    kept.append(None)
                    continue
                clean, n = redact(c.strip())
                n_redacted += n
                kept.append(clean)
            values[var.name] = kept
        elif var.type == "check":
            values[var.name] = _convert_scale(cells, rnums, col, var.response_scale, strict,
                                              problems)
        elif var.type == "category":
            values[var.name] = _convert_category(cells, rnums, col, var, source, problems, notes)
        else:
            values[var.name] = _convert_number(cells, rnums, col, var.type == "integer", problems)
    duration_j = next((j for j, r in role_of.items() if r == "duration"), None)
    if duration_j is not None and "completion_seconds" not in values \
            and cb.has_variable("completion_seconds"):
        values["completion_seconds"] = _convert_number(column_cells(duration_j, rows), rnums,
                                                       headers[duration_j], False, problems)
        role_of[duration_j] = "used"

    # 4. respondent ids -> pseudonyms
    id_col = cb.id_column
    response_j = next((j for j, r in role_of.items() if r == "response_id"), None)
    timestamp_j = next((j for j, r in role_of.items() if r == "timestamp"), None)
    if id_col in values:
        raw_ids = [c.strip() for c in values[id_col]]
        id_origin = f"column '{headers[taken[id_col]]}'"
    elif response_j is not None:
        raw_ids = [c.strip() for c in column_cells(response_j, rows)]
        id_origin = f"'{headers[response_j]}'"
    elif timestamp_j is not None:
        raw_ids = [f"{r[timestamp_j].strip()}|{n}" for r, n in zip(rows, rnums, strict=True)]
        id_origin = "timestamp and row number"
    else:
        raw_ids = [f"{table.digest}|{n}" for n in rnums]
        id_origin = "file and row number"
    empty = [n for raw, n in zip(raw_ids, rnums, strict=True) if _is_missing(raw)]
    if empty:
        problems.plain.append(Problem("response id is empty", id_origin.strip("'"), tuple(empty),
                                      expected="an id on every response row"))
    seen: dict[str, int] = {}
    repeated: list[int] = []
    for raw, n in zip(raw_ids, rnums, strict=True):
        if raw in seen and not _is_missing(raw):
            repeated.extend([seen[raw], n])
        seen.setdefault(raw, n)
    if repeated:
        problems.plain.append(Problem("response id appears more than once (the same response "
                                      "exported twice?)", id_origin.strip("'"),
                                      tuple(sorted(set(repeated))),
                                      expected="each response once"))
    values[id_col] = pseudonymize(raw_ids, the_salt) if rows else []

    # 5. columns that were not imported
    dropped_ids: list[DroppedColumn] = []
    unmatched: list[DroppedColumn] = []
    mapped_out: list[DroppedColumn] = []
    dropped_meta: list[str] = []
    for j in range(n_cols):
        if j in target_of and target_of[j].target != CONSENT_ID:
            continue
        if j in target_of:  # consent: used to drop refusals, then dropped
            dropped_meta.append(f"{headers[j]} (consent question)")
            continue
        if role_of.get(j) in ("response_id", "used"):
            continue  # replaced by pseudonyms / imported as completion_seconds
        if j in role_of:
            dropped_meta.append(headers[j])
            continue
        cells = column_cells(j, rows_all)
        filled = [c for c in cells if not _is_missing(c)]
        reason = (identifier_reason(headers[j]) or identifier_reason(texts[j])
                  or content_reason(filled))
        if reason:
            dropped_ids.append(DroppedColumn(headers[j], reason, len(filled)))
        elif j in dropped_by_mapping:
            mapped_out.append(DroppedColumn(headers[j], "mapped to '-'", len(filled)))
        else:
            prose = any(len(c.split()) >= 3 and _number(c, False) is None for c in filled)
            unmatched.append(DroppedColumn(headers[j], "free text" if prose
                                           else "not in the codebook", len(filled)))

    required = [v.name for v in cb.variables if v.required and v.type != "id"] + list(cb.item_ids)
    missing_required = [c for c in required if c not in values
                        and not (cb.has_variable(c) and cb.variable(c).type == "text")]
    if missing_required and not allow_missing:
        loose = [f"'{d.column}'" for d in unmatched]
        problems.plain.append(Problem(
            "no export column matches: " + ", ".join(missing_required)
            + ("; export columns not matched: " + ", ".join(loose) if loose else ""),
            expected="a column for every item and required variable: map renamed columns "
            "with --mapping (export column,item id), or pass --allow-missing to leave them empty"))
    missing = tuple(c for c in cb.columns if c not in values
                    and not (cb.has_variable(c) and cb.variable(c).type == "text"
                             and not keep_free_text))

    found = problems.problems()
    if found:
        raise SurveyDataError(table.source, found)

    index_ = pd.RangeIndex(len(rows))
    columns: dict[str, pd.Series] = {}
    for c in cb.columns:
        textual = cb.has_variable(c) and cb.variable(c).type in ("id", "category", "text")
        data = values.get(c, [None] * len(rows))
        columns[c] = pd.Series(data, index=index_, dtype="str" if textual else "float64")
    df = pd.DataFrame(columns)

    matches = tuple(m for _, m in sorted(target_of.items()))
    report = ImportReport(
        source=table.source, kind=source, n_rows_read=len(rows_all), n_rows_kept=len(rows),
        matched=matches, dropped_rows=tuple(dropped_rows), incomplete_rows=tuple(incomplete),
        dropped_identifiers=tuple(dropped_ids), dropped_free_text=tuple(dropped_free),
        dropped_metadata=tuple(dropped_meta), unmatched=tuple(unmatched),
        dropped_by_mapping=tuple(mapped_out),
        missing_columns=missing, notes=tuple(dict.fromkeys(notes)), n_redacted=n_redacted,
        id_origin=id_origin, salt=the_salt.describe(),
    )
    return ImportResult(df, tuple(rnums), report)


def _convert_category(cells: list[str], rows: list[int], column: str, var, source: str,
                      problems: _Problems, notes: list[str]) -> list[str | None]:
    expected = "one of: " + ", ".join(var.option_labels)
    used_codes = []

    def convert(cell: str) -> tuple[str | None, tuple[str, str] | None]:
        if _is_missing(cell):
            return None, None
        category = var.category_of(cell)
        if category is None and source == "qualtrics":
            code = _number(cell, integer=False)
            if code is not None and code == round(code) and 1 <= code <= len(var.categories):
                used_codes.append(code)
                return var.categories[int(code) - 1], None
        if category is None:
            return None, ("not one of the answer options", expected)
        return category, None

    out = _each_distinct(cells, rows, column, problems, convert)
    if used_codes:
        codes = ", ".join(f"{k}={c}" for k, c in enumerate(var.categories, start=1))
        notes.append(f"note: '{column}' numeric codes read as the questionnaire's choice "
                     f"numbers ({codes}); export choice text if your survey orders them "
                     "differently")
    return out


def _convert_number(cells: list[str], rows: list[int], column: str, integer: bool,
                    problems: _Problems) -> list[float]:
    expected = "a whole number" if integer else "a number"

    def convert(cell: str) -> tuple[float, tuple[str, str] | None]:
        if _is_missing(cell):
            return np.nan, None
        value = _number(cell, integer)
        if value is None:
            return np.nan, ("not a number", expected)
        if integer and value != round(value):
            return np.nan, ("not a whole number", expected)
        return value, None

    return _each_distinct(cells, rows, column, problems, convert)


def write_import(result: ImportResult, out: str | Path,
                 codebook: Codebook | None = None) -> ValidationReport:
    """Check the imported survey as ``validate`` does, then write it to ``out`` atomically.

    The check runs before anything is written: on an error nothing is
    written and :class:`SurveyDataError` names the export file and its rows.
    Returns the validation report (its warnings are worth printing).
    """
    cb = codebook or load_codebook()
    text = survey_to_csv(result.data, cb)
    records = list(csv.reader(io.StringIO(text, newline="")))
    table = RawTable(result.report.source, tuple(records[0]), records[1:],
                     list(result.source_rows), "utf-8", ",")
    checked = check_table(table, cb)
    if checked.report.errors:
        raise SurveyDataError(result.report.source, checked.report.errors)
    atomic_write_text(out, text)
    return checked.report
