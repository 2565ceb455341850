"""Step 2 of an import: what each export column is.

Each column becomes a codebook column (a :class:`ColumnMatch`), an export metadata
column with a role (``status``, ``finished``, ``response_id``, ``duration`` ...), a
column the mapping file drops, or nothing (reported later as unmatched or identifying).
Matching goes, in order: the mapping file, then a header or Qualtrics question text
equal (as :func:`~coursekit.common.text.match_key` reduces them) to a codebook column
name, an item's wording (with or without its scale's stem), a respondent question or a
variable label; for a grid ``Title [Row]`` the row, and the part after the last
``" - "``.

>>> from coursekit.survey.importers.columns import candidates
>>> candidates("How much do you agree? [I want many followers]")
['How much do you agree? [I want many followers]', 'I want many followers']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from coursekit.common.errors import Problem
from coursekit.common.text import compact_key, match_key
from coursekit.survey.codebook import Codebook
from coursekit.survey.consent import CONSENT_ID, CONSENT_QUESTION
from coursekit.survey.importers.exports import ExportTable
from coursekit.survey.importers.mapping import MappingEntry
from coursekit.survey.importers.problems import ProblemSink

# Qualtrics metadata columns (header key without spaces) and what the importer does with them.
QUALTRICS_META = {
    "startdate": "date", "enddate": "date", "recordeddate": "date", "status": "status",
    "progress": "progress", "durationinseconds": "duration", "duration": "duration",
    "finished": "finished", "responseid": "response_id", "distributionchannel": "meta",
    "userlanguage": "meta", "responseset": "meta", "qrecaptchascore": "meta",
    "qrelevantidduplicate": "meta", "qrelevantidduplicatescore": "meta",
    "qrelevantidfraudscore": "meta", "qrelevantidlaststartdate": "meta",
}
FORMS_META = {"timestamp": "timestamp", "score": "meta", "totalscore": "meta"}


@dataclass(frozen=True)
class ColumnMatch:
    """An export column and the codebook column it feeds; ``how`` it was matched."""

    column: str
    target: str
    how: str


@dataclass
class ColumnPlan:
    """Export column positions -> what they are. ``taken`` maps codebook column -> position."""

    target_of: dict[int, ColumnMatch] = field(default_factory=dict)
    role_of: dict[int, str] = field(default_factory=dict)
    dropped_by_mapping: set[int] = field(default_factory=set)
    taken: dict[str, int] = field(default_factory=dict)

    def with_role(self, role: str) -> int | None:
        """The first column with metadata ``role``, else None."""
        return next((j for j, r in self.role_of.items() if r == role), None)

    def feeding(self, target: str) -> int | None:
        """The column matched to codebook column ``target``, else None."""
        return next((j for j, m in self.target_of.items() if m.target == target), None)


def match_index(cb: Codebook) -> dict[str, tuple[str, str]]:
    """Every text a column may be headed by, reduced by :func:`match_key`, -> (column, how).

    A text that two codebook columns share matches neither.
    """
    index: dict[str, tuple[str, str] | None] = {}

    def add(text: str, target: str, how: str) -> None:
        k = match_key(text)
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


def candidates(*texts: str) -> list[str]:
    """The texts a column is matched on: each text, a grid's row, the part after `` - ``."""
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


def _apply_mapping(table: ExportTable, entries: Sequence[MappingEntry], plan: ColumnPlan,
                   problems: ProblemSink) -> None:
    headers, texts = table.headers, table.texts
    n_cols = len(headers)
    for e in entries:
        hits = [j for j in range(n_cols) if headers[j] == e.column]
        if not hits:
            k = match_key(e.column)
            hits = [j for j in range(n_cols)
                    if k and k in (match_key(headers[j]), match_key(texts[j]))]
        if len(hits) != 1:
            what = "is not in the export" if not hits else "names more than one export column"
            problems.plain.append(Problem(
                f"mapping row {e.row}: column {what}", e.column,
                expected="an export header cell, as in the export's first row"))
            continue
        if e.target is None:
            plan.dropped_by_mapping.add(hits[0])
        else:
            plan.target_of[hits[0]] = ColumnMatch(headers[hits[0]], e.target, "mapping")


def match_columns(table: ExportTable, entries: Sequence[MappingEntry], cb: Codebook,
                  problems: ProblemSink) -> ColumnPlan:
    """What each export column is: the mapping first, then metadata roles, then wording.

    Two columns that match the same codebook column are a problem (unless the mapping
    chose one of them): the instructor names the right one in a mapping file.
    """
    headers, texts = table.headers, table.texts
    plan = ColumnPlan()
    _apply_mapping(table, entries, plan, problems)
    meta = QUALTRICS_META if table.kind == "qualtrics" else FORMS_META
    index = match_index(cb)
    plan.taken = {m.target: j for j, m in plan.target_of.items()}
    for j in range(len(headers)):
        if j in plan.target_of or j in plan.dropped_by_mapping:
            continue
        role = meta.get(compact_key(headers[j]))
        if role is not None:
            plan.role_of[j] = role
            continue
        hit = None
        for cand in candidates(headers[j], texts[j] if texts[j] != headers[j] else ""):
            hit = index.get(match_key(cand))
            if hit:
                break
        if hit is None:
            continue
        target, how = hit
        if target in plan.taken:
            other = plan.taken[target]
            if other in plan.target_of and plan.target_of[other].how == "mapping":
                continue  # the mapping decides; this column stays unmatched
            problems.plain.append(Problem(
                f"columns '{headers[other]}' and '{headers[j]}' both match '{target}'",
                headers[j], expected="one export column per codebook column; name the right "
                "one in a --mapping file and map the other to '-'"))
            continue
        plan.taken[target] = j
        plan.target_of[j] = ColumnMatch(headers[j], target, how)
    return plan
