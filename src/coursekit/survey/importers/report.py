"""What an import did: the matches, the rows and columns it left out, and the result.

The report names columns and row numbers with counts, never a respondent's value, so it
can be printed and kept beside the imported file.

>>> from coursekit.survey.importers.report import RowDrop, rows_text
>>> rows_text((4, 9)), RowDrop("no consent given", (4, 9)).rows
('rows 4, 9', (4, 9))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from coursekit.survey.deidentify import DroppedColumn
from coursekit.survey.importers.columns import ColumnMatch
from coursekit.survey.redaction import KIND_NAMES

#: What kept free text may still hold: said whenever free text is kept.
FREE_TEXT_RISK = (
    "kept free text may still identify people: redaction finds emails, links, @handles, IP "
    "addresses, phone numbers, street addresses with a house number, postcodes and id "
    "numbers of 6 or more digits by their patterns, but not names of people or places, "
    "addresses without a house number, nor contact details written out in words; read the "
    "kept answers before sharing the file (free text is never shown on a course page)")


@dataclass(frozen=True)
class RowDrop:
    """Rows left out of an import, and why."""

    reason: str
    rows: tuple[int, ...]


def rows_text(rows: Sequence[int], limit: int = 8) -> str:
    """``row 4`` / ``rows 4, 9 and 3 more``: spreadsheet rows for a report line."""
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"row{'s' * (len(rows) != 1)} {shown}{more}"


def _plural(n: int) -> str:
    return "s" * (n != 1)


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
    #: Free-text columns kept (``--keep-free-text``) with their number of answers, and
    #: what redaction replaced in them, ``(kind, count)``.
    kept_free_text: tuple[tuple[str, int], ...]
    redacted: tuple[tuple[str, int], ...]
    id_origin: str
    salt: str
    #: Scale ranges that look like a form built on another range (see ``importers.ranges``).
    warnings: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """The report as lines for a terminal; no respondent's value appears in them."""
        out = [f"read {self.source} ({self.kind} export): {self.n_rows_read} response rows"]
        hows: dict[str, int] = {}
        for m in self.matched:
            hows[m.how] = hows.get(m.how, 0) + 1
        how = ", ".join(f"{n} by {h}" for h, n in sorted(hows.items(), key=lambda x: -x[1]))
        out.append(f"matched {len(self.matched)} columns to the codebook ({how})")
        for d in self.dropped_rows:
            out.append(f"dropped {len(d.rows)} row{_plural(len(d.rows))} ({d.reason}): "
                       f"{rows_text(d.rows)}")
        out.extend(self._column_lines())
        out.extend(self.notes)
        out.append(f"respondent ids: {self.id_origin} replaced by salted pseudonyms; {self.salt}")
        out.extend(f"warning: {w}" for w in self.warnings)
        out.append(f"{self.n_rows_kept} respondents imported")
        return out

    def _free_text_lines(self) -> list[str]:
        if not self.kept_free_text:
            return []
        kept = ", ".join(f"'{c}' ({n} answer{_plural(n)})" for c, n in self.kept_free_text)
        found = ", ".join(f"{n} {KIND_NAMES[k][n != 1]}" for k, n in self.redacted)
        return [f"kept free text {kept}; replaced by placeholders: {found or 'nothing found'}",
                f"warning: {FREE_TEXT_RISK}"]

    def _column_lines(self) -> list[str]:
        out = []
        if self.incomplete_rows:
            out.append(f"kept {len(self.incomplete_rows)} incomplete response"
                       f"{_plural(len(self.incomplete_rows))} ({rows_text(self.incomplete_rows)}); "
                       "their unanswered questions are missing (--drop-incomplete drops them)")
        if self.dropped_identifiers:
            out.append("dropped identifying columns: "
                       + ", ".join(d.describe() for d in self.dropped_identifiers))
        if self.dropped_free_text:
            out.append("dropped free text: "
                       + ", ".join(d.describe() for d in self.dropped_free_text)
                       + " (--keep-free-text keeps it, with what redaction finds removed)")
        out.extend(self._free_text_lines())
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
        return out


@dataclass(frozen=True)
class ImportResult:
    """The imported survey in canonical columns, the export row of each respondent, the report."""

    data: pd.DataFrame = field(repr=False)
    source_rows: tuple[int, ...]
    report: ImportReport
