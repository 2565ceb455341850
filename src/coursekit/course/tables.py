"""Tables as a learner reads them: numbers rounded, p-values as APA prints them.

A p-value rounded to three decimals prints ``0.000`` for p = .0000004, which reads as
"impossible" rather than "very small". :func:`readable` rounds every number and writes
each p-value column with :func:`~coursekit.analysis.checks.format_p`'s rule: ``< .001``
below .001, else three decimals without the leading zero.

>>> import pandas as pd
>>> readable(pd.DataFrame({"r": [0.41234, -0.05], "p": [2e-9, 0.0312]}))
       r       p
0  0.412  < .001
1 -0.050    .031
"""

from __future__ import annotations

import pandas as pd

from coursekit.analysis.checks import format_p

#: Column names that hold p-values.
P_COLUMNS = ("p", "delta_p", "p_value", "pvalue", "p_holm")


def p_text(p: float) -> str:
    """One p-value as a table shows it: ``< .001``, ``.031``; missing stays empty."""
    if pd.isna(p):
        return ""
    return format_p(float(p)).removeprefix("p ").removeprefix("= ")


def readable(table: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """A copy of ``table`` with numbers rounded to ``digits`` and p-value columns as text."""
    out = table.round(digits)
    for col in out.columns:
        if str(col) in P_COLUMNS:
            out[col] = table[col].map(p_text)
    return out
