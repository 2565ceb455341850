"""The canonical survey file: a survey frame written as the CSV that ``validate`` accepts.

The simulator writes the bundled cohort with it and the importers write an imported class
with it, so both give files in one format: the codebook's columns in order, whole
numbers without decimals, other numbers with up to one decimal, missing values empty,
``\\n`` line ends. pandas' ``to_csv`` does the quoting.

>>> import pandas as pd
>>> from coursekit.survey.canonical import survey_to_csv
>>> frame = pd.DataFrame({"respondent_id": ["R1"], "age": [19.0], "val1": [4.0],
...                       "completion_seconds": [301.25]})
>>> print(survey_to_csv(frame), end="")
respondent_id,age,val1,completion_seconds
R1,19,4,301.2
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from coursekit.common.atomic import atomic_write_text
from coursekit.survey.codebook import Codebook, load_codebook


def survey_to_csv(df: pd.DataFrame, codebook: Codebook | None = None) -> str:
    """The canonical CSV text of a survey frame: whole numbers without decimals.

    Item answers and integer variables are written as integers; other numbers
    keep up to one decimal. Missing values are empty cells.
    """
    cb = codebook or load_codebook()
    out = df.copy()
    for col in out.columns:
        if cb.has_item(col) or (cb.has_variable(col)
                                and cb.variable(col).type in ("integer", "check")):
            out[col] = out[col].round().astype("Int64")
    return out.to_csv(index=False, lineterminator="\n", float_format="%.1f")


def write_survey(df: pd.DataFrame, path: str | Path, codebook: Codebook | None = None) -> Path:
    """Write ``df`` as canonical CSV, atomically (temporary file, then rename)."""
    return atomic_write_text(path, survey_to_csv(df, codebook))
