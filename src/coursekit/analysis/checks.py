"""Argument checks and number formatting shared by the analysis modules.

One rule for each kind of argument, so every function refuses a bad one with
the same :class:`~coursekit.common.errors.AnalysisInputError` and message.

>>> check_ci(0.9)
0.9
>>> format_p(0.0004), format_p(0.0312)
('p < .001', 'p = .031')
>>> check_whole(50, "n_iter", minimum=10)
50
"""

from __future__ import annotations

from coursekit.common import checks as common_checks
from coursekit.common.errors import AnalysisInputError

__all__ = ["check_ci", "check_whole", "format_p"]


def check_ci(ci: float) -> float:
    """``ci`` as a float if it is a confidence level strictly between 0 and 1."""
    # bool is an int subclass: True would otherwise pass as a level of 1.
    if isinstance(ci, bool) or not isinstance(ci, float | int) or not 0 < ci < 1:
        raise AnalysisInputError(f"ci must be a confidence level between 0 and 1, got {ci!r}")
    return float(ci)


def check_whole(value: object, name: str, *, minimum: int) -> int:
    """``value`` as an int if it is a whole number of at least ``minimum``.

    The rule and message of :func:`coursekit.common.checks.check_whole`, raised as an
    :class:`~coursekit.common.errors.AnalysisInputError` like every analysis refusal.
    """
    return common_checks.check_whole(value, name, minimum=minimum, error=AnalysisInputError)


def format_p(p: float) -> str:
    """A p-value as APA style prints it: no leading zero, three decimals, ``< .001`` below."""
    return "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)
