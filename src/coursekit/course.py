"""What every notebook does first: pick the cohort's data, clean it, score it.

A notebook's ``parameters`` cell sets ``data_path``, ``seed``, ``n_respondents``,
``cohort`` and ``min_group_size``; :func:`start` turns them into a
:class:`Course`, the one object the rest of the notebook reads from:

- ``data_path`` given: that survey file (an instructor's own class);
- else ``seed`` given: a personal cohort of ``n_respondents`` simulated with it;
- else: the bundled synthetic cohort.

Out-of-range answers are set to missing and careless responders are excluded
(notebook 01 shows both decisions and their effect); the raw data stay
available as ``course.raw``.

Example
-------
>>> from coursekit.course import start
>>> c = start(cohort="demo")
>>> c.n, c.scores.columns[0]
(751, 'validation')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .clean import CleanResult, clean_survey
from .codebook import Codebook, load_codebook
from .data import load_survey
from .errors import CourseKitError
from .scoring import score_all
from .simulate import simulate_survey


@dataclass(frozen=True)
class Course:
    """A cohort ready for analysis: raw data, cleaning record, analysis data and scale scores."""

    codebook: Codebook
    cohort: str
    source: str
    synthetic: bool
    min_group_size: int
    raw: pd.DataFrame
    cleaning: CleanResult
    scores: pd.DataFrame

    @property
    def data(self) -> pd.DataFrame:
        """The analysis data: out-of-range answers missing, careless responders excluded."""
        return self.cleaning.data

    @property
    def n(self) -> int:
        return len(self.cleaning.data)

    @property
    def frame(self) -> pd.DataFrame:
        """Analysis data with the scale scores joined on (one row per respondent)."""
        return pd.concat([self.data, self.scores], axis=1)

    def title(self, text: str) -> str:
        """A figure or table title carrying the cohort label."""
        return f"{text} — {self.cohort}" if self.cohort else text

    def describe(self) -> str:
        """One line on where the data come from and how many respondents remain."""
        excluded = len(self.cleaning.excluded)
        return (f"Cohort '{self.cohort}': {self.source}; {len(self.raw):,} respondents, "
                f"{excluded} excluded as careless, {self.n:,} analysed.")

    def preview(self, rows: int = 5) -> pd.DataFrame:
        """The first rows of the raw data, for synthetic cohorts only.

        Rows of a real class's data are never listed; for those the preview is a
        per-column summary (count of answers, missing share) instead.
        """
        if self.synthetic:
            return self.raw.head(rows).drop(columns=_identifying(self.codebook, self.raw))
        shown = self.raw.drop(columns=_identifying(self.codebook, self.raw))
        return pd.DataFrame({"answers": shown.notna().sum(),
                             "missing share": shown.isna().mean().round(3)})


def _identifying(cb: Codebook, df: pd.DataFrame) -> list[str]:
    return [v.name for v in cb.variables if v.identifying and v.name in df.columns]


def start(
    data_path: str | Path | None = None,
    seed: int | None = None,
    n_respondents: int = 800,
    cohort: str = "",
    min_group_size: int = 5,
    *,
    exclude_careless: bool = True,
) -> Course:
    """Load, clean and score a cohort from a notebook's parameters (see the module docstring)."""
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, int) \
            or min_group_size < 1:
        raise CourseKitError(f"min_group_size must be a whole number >= 1, got {min_group_size!r}")
    cb = load_codebook()
    if data_path not in (None, ""):
        raw = load_survey(data_path, cb)
        source, synthetic = f"survey file {Path(str(data_path)).name}", False
    elif seed is not None:
        raw = simulate_survey(int(n_respondents), int(seed), codebook=cb)
        source, synthetic = f"simulated cohort (seed {seed}, n = {n_respondents})", True
    else:
        raw = load_survey(None, cb)
        source, synthetic = "the bundled synthetic cohort", True
    cleaning = clean_survey(raw, cb, exclude_careless=exclude_careless)
    if len(cleaning.data) < 3:
        raise CourseKitError(
            f"only {len(cleaning.data)} usable respondents in {source}; the course needs at least 3"
        )
    scores = score_all(cleaning.data, cb)
    return Course(cb, str(cohort), source, synthetic, int(min_group_size), raw, cleaning, scores)
