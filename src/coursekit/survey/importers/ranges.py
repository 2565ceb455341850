"""Step 4b of an import: does each scale's answers fit the range the codebook gives it?

A form's rating question can be built on another range than the codebook's: Google Forms'
linear scale starts at 1 and runs to 5 by default, and Qualtrics numbers its choices from 1.
The wellbeing items (0 to 5 in the codebook) asked as 1 to 6 give answers one point too
high; a 7-point scale asked as 1 to 5 never offers its top answers. Each answer on its own
is a valid number, so only the scale as a whole shows it. Per scale, over all its items and
the whole class, and only over answers given as numbers (a label cannot shift):

- answers outside the codebook's range (one above its maximum, say) mean the form was
  built on another range: a **refusal** for a form service (Google Forms, Qualtrics), whose
  codes must be the codebook's; for any other CSV ``validate`` flags the cells, and a
  warning is added when the whole scale would fit the range shifted (1 to 6 for 0 to 5);
- no answer at the codebook's minimum, or none at its maximum, is what a shifted or
  truncated form gives when nobody chose its extra answer: a **warning**, since a class may
  simply not have chosen it (measured on simulated classes, about 1 class in 100 of 10 to 15
  respondents has a scale with no answer at one end; none of 25 or more).

``--shift-scale SCALE=N`` adds N to every numeric answer of a scale's items before the
check, for a form that did run on another range (``wellbeing=-1`` for a 1-6 form); labels
are not shifted, and the shifted answers must then fit the codebook's range.

>>> from coursekit.survey.codebook import load_codebook
>>> from coursekit.survey.importers.ranges import check_ranges, parse_shifts
>>> cb = load_codebook()
>>> parse_shifts(["wellbeing=-1"], cb)
{'wellbeing': -1}
>>> codes = {f"wel{k}": {1, 2, 3, 4, 5, 6} for k in range(1, 6)}
>>> found = check_ranges(codes, cb, "form.csv", strict=True)
>>> found.problems[0].message.split(":")[0]
"scale 'wellbeing' (items wel1, wel2, wel3, wel4, wel5)"
>>> "--shift-scale wellbeing=-1" in found.problems[0].message
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coursekit.common.errors import OptionError, Problem
from coursekit.survey.codebook import Codebook, ResponseScale, Scale

_SHIFT = re.compile(r"\s*([A-Za-z_][\w]*)\s*=\s*([+-]?\d+)\s*")


def parse_shifts(specs: Iterable[str] | Mapping[str, int] | None, cb: Codebook) -> dict[str, int]:
    """``["wellbeing=-1"]`` (or a mapping) as ``{scale: shift}``, checked against the codebook.

    Raises :class:`~coursekit.common.errors.OptionError` naming the bad spec and what was
    expected (a codebook scale, a whole number within the scale's span, not 0).
    """
    if specs is None:
        return {}
    pairs: list[tuple[str, str, int]] = []
    if isinstance(specs, Mapping):
        pairs = [(f"{k}={v}", str(k), int(v)) for k, v in specs.items()]
    else:
        for spec in specs:
            m = _SHIFT.fullmatch(str(spec))
            if m is None:
                raise OptionError(f"--shift-scale '{spec}': expected SCALE=N, e.g. wellbeing=-1")
            pairs.append((str(spec), m.group(1), int(m.group(2))))
    names = cb.scale_names()
    out: dict[str, int] = {}
    for spec, name, shift in pairs:
        if name not in names:
            raise OptionError(f"--shift-scale '{spec}': no scale '{name}' in the codebook "
                              f"(expected one of: {', '.join(names)})")
        rs = cb.scale(name).response_scale
        span = rs.max - rs.min
        if shift == 0 or abs(shift) > span:
            raise OptionError(f"--shift-scale '{spec}': expected a shift from -{span} to "
                              f"{span}, not 0 ({name} runs {rs.min} to {rs.max})")
        if name in out:
            raise OptionError(f"--shift-scale: scale '{name}' given twice")
        out[name] = shift
    return out


@dataclass(frozen=True)
class RangeFindings:
    """What the range check found: warnings for the report, problems that refuse the import."""

    warnings: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def _items_text(scale: Scale, present: list[str]) -> str:
    return f"scale '{scale.name}' (item{'s' * (len(present) != 1)} {', '.join(present)})"


def _form_check(lo: int, hi: int) -> str:
    return (f"in Google Forms set each question's linear scale to {lo} to {hi} (or use a "
            f"multiple-choice grid with the answer labels); in Qualtrics set the choices' "
            f"recode values to {lo} to {hi}")


def _fits_shifted(rs: ResponseScale, lo: int, hi: int) -> bool:
    shift = rs.max - hi if hi > rs.max else rs.min - lo
    return rs.min <= lo + shift and hi + shift <= rs.max


def _outside(scale: Scale, items: str, lo: int, hi: int, shifted: bool) -> str:
    rs = scale.response_scale
    text = (f"{items}: answers run {lo} to {hi}, outside the codebook's range {rs.min} to "
            f"{rs.max} ('{rs.label(rs.min)}' to '{rs.label(rs.max)}'): the form's questions "
            "were built on another range")
    shift = rs.max - hi if hi > rs.max else rs.min - lo
    if _fits_shifted(rs, lo, hi) and not shifted:
        text += (f", it looks like {rs.min - shift} to {rs.max - shift}. Check the form: "
                 f"{_form_check(rs.min, rs.max)}. If every item of the scale ran "
                 f"{rs.min - shift} to {rs.max - shift}, import again with --shift-scale "
                 f"{scale.name}={shift} (or export the answers as choice text)")
    else:
        text += f". Check the form: {_form_check(rs.min, rs.max)}, or export choice text"
    return text


def _missing_end(scale: Scale, items: str, lo: int, hi: int, shifted: bool) -> str:
    rs = scale.response_scale
    ends = []
    if lo > rs.min:
        ends.append(f"at its minimum {rs.min} ('{rs.label(rs.min)}')")
    if hi < rs.max:
        ends.append(f"at its maximum {rs.max} ('{rs.label(rs.max)}')")
    text = (f"{items}: no answer {' and none '.join(ends)} in any item: answers run {lo} to "
            f"{hi}, the codebook's range is {rs.min} to {rs.max}. Check that the form offered "
            f"{rs.min} to {rs.max}")
    if lo > rs.min and rs.min == 0 and not shifted:
        text += (f": if it ran {rs.min + 1} to {rs.max + 1} (Google Forms' linear scale starts "
                 f"at 1) and nobody chose {rs.max + 1}, every answer is one point too high; "
                 f"import again with --shift-scale {scale.name}=-1")
    elif hi < rs.max:
        text += (f": if it stopped at {hi} (Google Forms' linear scale runs 1 to 5 unless "
                 "changed), its top answers were never offered and the scale is truncated")
    return text + ". If the form was right, nobody in this class chose that answer"


def check_ranges(codes: Mapping[str, set[int]], cb: Codebook, source: str, strict: bool,
                 shifts: Mapping[str, int] | None = None) -> RangeFindings:
    """Check the numeric answer codes seen per item (``{item id: codes}``) scale by scale.

    ``strict`` (a form service's export) makes answers outside the codebook's range a
    problem; otherwise they are a warning. A scale with no numeric answers is not checked.
    """
    shifts = shifts or {}
    warnings: list[str] = []
    problems: list[Problem] = []
    for scale in cb.scales:
        present = [i for i in scale.item_ids if codes.get(i)]
        if not present:
            continue
        seen = set().union(*(codes[i] for i in present))
        lo, hi = min(seen), max(seen)
        rs = scale.response_scale
        items = _items_text(scale, present)
        shifted = scale.name in shifts
        if lo < rs.min or hi > rs.max:
            text = _outside(scale, items, lo, hi, shifted)
            if strict:  # the error names the file on every line already
                problems.append(Problem(text, expected=f"answers from {rs.min} to {rs.max}"))
            elif _fits_shifted(rs, lo, hi):
                # Any other CSV: typed typos (a 33, a 0) are validate's warnings, cell by
                # cell; only a whole scale that fits the range once shifted is worth one here.
                warnings.append(f"{source}: {text}")
        elif lo > rs.min or hi < rs.max:
            warnings.append(f"{source}: {_missing_end(scale, items, lo, hi, shifted)}")
    return RangeFindings(tuple(warnings), tuple(problems))


def shift_notes(shifts: Mapping[str, int], cb: Codebook) -> list[str]:
    """Report lines for the shifts applied."""
    out = []
    for name, shift in shifts.items():
        rs = cb.scale(name).response_scale
        out.append(f"note: numeric answers to scale '{name}' read as given {shift:+d} "
                   f"(--shift-scale {name}={shift}: the form ran {rs.min - shift} to "
                   f"{rs.max - shift}); answers given as labels were not shifted")
    return out
