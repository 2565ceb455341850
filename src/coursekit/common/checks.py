"""Checks shared by every layer: whole numbers, as arguments and as values.

One rule, one message: ``name must be a whole number >= 0, got 1.5``. ``bool`` is refused
although it is an ``int`` subclass (``True`` would otherwise pass as a count of 1), and
NumPy integers are accepted (a seed drawn from an array is one).

>>> check_whole(50, "n_iter", minimum=10)
50
>>> check_whole(True, "seed", minimum=0)
Traceback (most recent call last):
...
coursekit.common.errors.CourseKitError: seed must be a whole number >= 0, got True
>>> is_whole(3.0), is_whole(2.5), is_whole(float("nan"))
(True, False, False)
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

from coursekit.common.errors import CourseKitError


def _bounds(minimum: int | None, maximum: int | None) -> str:
    # Small minimums read best as ">= 0"; larger ones as "of at least 100" (existing messages).
    if minimum is not None and maximum is not None:
        return f"from {minimum:,} to {maximum:,}"
    if minimum is not None:
        return f">= {minimum}" if minimum <= 2 else f"of at least {minimum}"
    if maximum is not None:
        return f"<= {maximum:,}"
    return ""


def check_whole(value: object, name: str, *, minimum: int | None = None,
                maximum: int | None = None, error: type[Exception] = CourseKitError,
                prefix: str = "") -> int:
    """``value`` as an int if it is a whole number (int or NumPy integer, not bool) in range.

    Otherwise raises ``error`` (a :class:`CourseKitError` by default; the analysis layer
    passes :class:`~coursekit.common.errors.AnalysisInputError`), naming ``name`` with
    ``prefix`` in front of it (``"parallel_analysis: "``), the range and the value.
    """
    ok = not isinstance(value, bool) and isinstance(value, int | np.integer)
    if ok and minimum is not None and value < minimum:  # type: ignore[operator]
        ok = False
    if ok and maximum is not None and value > maximum:  # type: ignore[operator]
        ok = False
    if not ok:
        bounds = _bounds(minimum, maximum)
        raise error(f"{prefix}{name} must be a whole number{' ' * bool(bounds)}{bounds}, "
                    f"got {value!r}")
    return int(value)  # type: ignore[arg-type]


def is_whole(value: Real | float) -> bool:
    """True if a number has no fractional part (NaN and infinities are not whole)."""
    return math.isfinite(value) and float(value).is_integer()

