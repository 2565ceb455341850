"""What every result dataclass shares: plain Python numbers, and one headline number.

A learner writes ``round(cronbach_alpha(items), 2)`` or ``f"{alpha:.2f}"`` and
expects the number the printout leads with; and ``print(result)`` or a
result's repr should show ``1.8``, not ``np.float64(1.8)``. :class:`Result`
gives a frozen dataclass both:

* on construction, numpy scalars in its fields (also inside tuples) become
  Python ``float``/``int``/``bool``;
* ``float(result)``, ``round(result, n)`` and a format spec
  (``f"{result:.2f}"``) use the field named by ``_headline``; a result with
  no single headline number says which fields hold its numbers instead.

>>> from dataclasses import dataclass
>>> import numpy as np
>>> @dataclass(frozen=True)
... class Mean(Result):
...     _headline = "value"
...     value: float
...     ci: tuple[float, float]
>>> m = Mean(np.float64(1.8), (np.float64(1.5), np.float64(2.1)))
>>> m
Mean(value=1.8, ci=(1.5, 2.1))
>>> round(m), round(m, 1), float(m), f"{m:.2f}"
(2, 1.8, 1.8, '1.80')
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

__all__ = ["Result", "plain"]


def plain(value: Any) -> Any:
    """``value`` with numpy scalars (also inside tuples and lists) as Python numbers."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class Result:
    """Mixin for frozen result dataclasses (see the module docstring)."""

    #: The field ``float()``, ``round()`` and format specs use; None if there is none.
    _headline: ClassVar[str | None] = None
    #: Said when there is no headline: where the numbers are.
    _numbers_hint: ClassVar[str] = ""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            converted = plain(value)
            if converted is not value:
                object.__setattr__(self, f.name, converted)

    def _headline_value(self) -> float:
        if self._headline is None:
            name = type(self).__name__
            raise TypeError(f"a {name} holds several numbers, not one; "
                            f"round or convert one of them{self._numbers_hint}")
        return float(getattr(self, self._headline))

    def __float__(self) -> float:
        return self._headline_value()

    def __round__(self, ndigits: int | None = None) -> float | int:
        return round(self._headline_value(), ndigits)

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        return format(self._headline_value(), spec)
