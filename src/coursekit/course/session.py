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
(752, 'validation')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pandas as pd

from coursekit.analysis.scoring import score_all
from coursekit.analysis.stats import GroupComparison, Regression, compare_groups
from coursekit.common.errors import AnalysisInputError, CourseKitError
from coursekit.course import settings
from coursekit.survey.clean import CleanResult, clean_survey
from coursekit.survey.codebook import Codebook, load_codebook
from coursekit.survey.load import load_survey
from coursekit.survey.simulate import simulate_survey

#: Fewest analysable respondents the course runs on (a regression of seven predictors needs 10).
MIN_RESPONDENTS = 10
#: Respondents per item a factor analysis of a set of scales asks for in notebooks 04 and 07.
RESPONDENTS_PER_ITEM = 2


@dataclass(frozen=True)
class UnavailableComparison:
    """Stands in for a group comparison the cohort is too small for.

    It prints why, reads as missing (``effect_size`` is NaN) and has an empty
    ``groups`` table, so a notebook runs on to the end on a small class.
    """

    score: str
    group: str
    reason: str
    min_group_size: int

    effect_size: float = float("nan")
    effect_ci: tuple[float, float] | None = None
    p: float = float("nan")

    @property
    def groups(self) -> pd.DataFrame:
        return pd.DataFrame(columns=["n", "mean", "sd", "ci_low", "ci_high", "suppressed"])

    def __str__(self) -> str:
        return f"{self.score} by {self.group}: no comparison for this cohort ({self.reason})"


def compare_or_explain(frame: pd.DataFrame, score: str, group: str, order: Sequence | None,
                       min_group_size: int) -> GroupComparison | UnavailableComparison:
    """:func:`~coursekit.analysis.stats.compare_groups`, or why the cohort cannot support it.

    An :class:`UnavailableComparison` stands in for the refusal (say fewer than two
    groups reach ``min_group_size``), so a notebook runs on to the end on a small class.
    """
    try:
        return compare_groups(frame, score, group, order=order, min_group_size=min_group_size)
    except AnalysisInputError as exc:
        return UnavailableComparison(score, group, str(exc), min_group_size)


@dataclass(frozen=True)
class UnavailableRegression:
    """Stands in for a regression the cohort is too small for (notebooks 05 and 06).

    It prints why in one sentence, its ``table`` lists the model's terms with every
    statistic missing (so ``table.set_index("term").loc["compulsive", "beta"]`` reads NaN
    and the exercise says "not available"), and ``r2`` and the F test are NaN.
    """

    formula: str
    reason: str
    terms: tuple[str, ...] = ("Intercept",)

    n: int = 0
    r2: float = float("nan")
    adj_r2: float = float("nan")
    f: float = float("nan")
    f_df1: float = float("nan")
    f_df2: float = float("nan")
    f_p: float = float("nan")

    @property
    def table(self) -> pd.DataFrame:
        from coursekit.analysis.stats.linear import COEFFICIENT_COLUMNS

        table = pd.DataFrame(float("nan"), index=range(len(self.terms)),
                             columns=COEFFICIENT_COLUMNS)
        table["term"] = list(self.terms)
        return table

    def __str__(self) -> str:
        return self.reason


def regress_or_explain(frame: pd.DataFrame, formula: str
                       ) -> Regression | UnavailableRegression:
    """:func:`~coursekit.analysis.stats.regression`, or why the cohort cannot support it.

    >>> from coursekit.course import start
    >>> c = start(seed=2, n_respondents=11)
    >>> m = c.regression("self_esteem ~ validation + influence + escapism + creativity"
    ...                  " + compulsive + comparison + authenticity")
    >>> print(m)  # doctest: +NORMALIZE_WHITESPACE
    This regression is not available for this cohort: 8 respondents answered every variable
    of it, and its 8 coefficients need at least 10.
    >>> float(m.table.set_index("term").loc["compulsive", "beta"]), m.r2
    (nan, nan)
    """
    from coursekit.analysis.stats import regression

    try:
        return regression(frame, formula)
    except AnalysisInputError as exc:
        terms, n = _design(frame, formula)
        if terms and n < len(terms) + 2:
            reason = (f"This regression is not available for this cohort: {n} respondents "
                      f"answered every variable of it, and its {len(terms)} coefficients need "
                      f"at least {len(terms) + 2}.")
        else:
            reason = (f"This regression is not available for this cohort: "
                      f"{str(exc).removeprefix('regression: ')}.")
        return UnavailableRegression(formula, reason, tuple(terms) or ("Intercept",), n)


def _design(frame: pd.DataFrame, formula: str) -> tuple[list[str], int]:
    """The terms of ``formula``'s design and its complete rows ([] and 0 if it has none)."""
    import statsmodels.formula.api as smf

    try:
        model = smf.ols(formula, data=frame, missing="drop")
    except Exception:  # the regression's own message already says what is wrong
        return [], 0
    return list(model.exog_names), int(model.exog.shape[0])


@dataclass(frozen=True)
class Course:
    """A cohort ready for analysis: raw data, cleaning record, analysis data and scale scores.

    It also carries the settings a notebook shares with its answer key
    (:mod:`coursekit.course.settings`), so a cell reads ``course.risk_cutoff``
    instead of typing 3.5 again.
    """

    #: Compulsive-use score from which a respondent counts as at risk (notebook 06).
    risk_cutoff: ClassVar[float] = settings.RISK_CUTOFF
    #: Simulated samples and seed of the parallel analyses (notebooks 04 and 07).
    pa_iterations: ClassVar[int] = settings.PA_ITERATIONS
    pa_seed: ClassVar[int] = settings.PA_SEED
    #: Bootstrap resamples and seed of the mediation (notebook 06).
    mediation_boot: ClassVar[int] = settings.MEDIATION_BOOT
    mediation_seed: ClassVar[int] = settings.MEDIATION_SEED

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

    def log_minutes(self) -> pd.Series:
        """Daily minutes on the log scale of notebook 05: ``log(minutes + 5)``."""
        return settings.log_minutes(self.frame["daily_minutes"])

    def title(self, text: str) -> str:
        """A figure or table title carrying the cohort label."""
        return f"{text} — {self.cohort}" if self.cohort else text

    def describe(self) -> str:
        """One line on where the data come from and how many respondents remain."""
        excluded = self.few(len(self.cleaning.excluded))
        return (f"Cohort '{self.cohort}': {self.source}; {len(self.raw):,} respondents, "
                f"{excluded} excluded as careless, {self.n:,} analysed.")

    def few(self, count: int) -> str:
        """A count as a learner may see it: ``"fewer than 5"`` for 1 to 4 of a real class.

        >>> from coursekit.course import start
        >>> start(seed=3, n_respondents=40).few(2)  # synthetic: everything shown
        '2'
        """
        k = self.min_count
        return f"fewer than {k}" if k is not None and 0 < count < k else str(count)

    def compare(self, score: str, group: str, order: list[str] | None = None
                ) -> GroupComparison | UnavailableComparison:
        """:func:`coursekit.analysis.stats.compare_groups` with this cohort's privacy threshold.

        Groups follow the codebook's order unless ``order`` is given. When the
        cohort cannot support the comparison (say fewer than two groups reach
        ``min_group_size``), an :class:`UnavailableComparison` says so instead of
        raising, so the notebook still runs (:func:`compare_or_explain`).
        """
        frame = self.frame
        if order is None:
            present = set(frame[group].dropna().unique())
            categories = (self.codebook.variable(group).categories
                          if self.codebook.has_variable(group) else ())
            order = [c for c in categories if c in present] or None
        return compare_or_explain(frame, score, group, order, self.min_group_size)

    @property
    def min_count(self) -> int | None:
        """The smallest count a learner may see: ``min_group_size`` for a real class, ``None``
        (everything shown) for a synthetic cohort, which describes nobody.

        Tables and figures of single answers and flags (careless responders, answer counts,
        out-of-range answers) take it, so a real class's counts of 1 to 4 read ``"<5"``.
        """
        return None if self.synthetic else self.min_group_size

    def regression(self, formula: str) -> Regression | UnavailableRegression:
        """:func:`coursekit.analysis.stats.regression` on :attr:`frame`, or why the cohort is
        too small for it (an :class:`UnavailableRegression`, see :func:`regress_or_explain`)."""
        return regress_or_explain(self.frame, formula)

    def structure_scales(self, per_item: int = RESPONDENTS_PER_ITEM) -> list[str]:
        """The motive and pitfall scales a factor analysis of this cohort can take.

        All seven when there are at least ``per_item`` complete respondents per
        item; for a smaller class, scales are dropped from the end (pitfalls
        first) until that holds, keeping at least two.
        """
        from coursekit.analysis.scoring import keyed_items

        scales = list(self.codebook.scale_names("motive") + self.codebook.scale_names("pitfall"))
        while len(scales) > 2:
            items = keyed_items(self.data, scales, self.codebook)
            if len(items.dropna()) >= per_item * items.shape[1]:
                break
            scales.pop()
        return scales

    def cfa(self):
        """The CFA of the scales this cohort supports, or why it has none (computed once).

        See :func:`coursekit.course.psychometrics.cohort_cfa`.
        """
        from coursekit.course.psychometrics import cohort_cfa

        return self._cached("cfa", cohort_cfa)

    def structure(self):
        """Parallel analysis and EFA of :meth:`structure_scales`, or why not (computed once).

        A :class:`~coursekit.course.psychometrics.Structure`: the notebook prints it, draws
        from it, and exercise 04.1 reads its ``n_factors`` (NaN on a cohort too small for a
        parallel analysis, so the check says "not available"). See
        :func:`coursekit.course.psychometrics.cohort_structure`.
        """
        from coursekit.course.psychometrics import cohort_structure

        return self._cached("structure", lambda c: cohort_structure(
            c, c.structure_scales(), n_iter=c.pa_iterations, seed=c.pa_seed))

    def invariance(self, by: str, groups: Sequence[str]):
        """Measurement invariance across the ``groups`` of ``by`` that are large enough.

        Groups below ``min_group_size`` (or too small to fit) are left out and never
        described; see :func:`coursekit.course.psychometrics.cohort_invariance`.
        """
        from coursekit.course.psychometrics import cohort_invariance

        return self._cached(("invariance", by, tuple(groups)),
                            lambda c: cohort_invariance(c, by, list(groups)))

    def ordinal_reliability(self) -> pd.DataFrame:
        """Alpha from Pearson and from polychoric correlations, every scale (computed once)."""
        from coursekit.course.psychometrics import ordinal_reliability

        return self._cached("ordinal", ordinal_reliability).copy()

    def _cached(self, key, compute):
        # A frozen dataclass still has an instance __dict__: the cache lives there, so the
        # notebook's cell and the exercise's answer key share one fit.
        cache = self.__dict__.setdefault("_cache", {})
        if key not in cache:
            cache[key] = compute(self)
        return cache[key]

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


@dataclass(frozen=True)
class ClassCleaning(CleanResult):
    """A real class's cleaning record: its :meth:`summary` gives no count of 1 to ``k - 1``.

    Notebook 01 prints ``course.cleaning.summary()``; on a real class a count of fewer
    than ``min_count`` flagged, out of range or excluded reads "fewer than k".
    """

    min_count: int = 5

    def summary(self) -> str:
        # The wording of CleanResult.summary, each count through _few.
        f, k = self.flags, self.min_count

        def few(n: int) -> str:
            return f"fewer than {k}" if 0 < n < k else str(n)

        return (
            f"{len(f)} respondents: {few(int(f['careless'].sum()))} flagged as careless "
            f"(straight-lining {few(int(f['straightlining'].sum()))}, attention check "
            f"{few(int(f['attention_failed'].sum()))}, too fast {few(int(f['too_fast'].sum()))}"
            f"); {few(len(self.out_of_range))} out-of-range answers set to missing; "
            f"{few(len(self.excluded))} respondents excluded."
        )


def check_class_size(cleaning: CleanResult, source: str) -> int:
    """The cohort's usable respondents; a :class:`CourseKitError` below :data:`MIN_RESPONDENTS`.

    :func:`start` and ``coursekit render`` (before any kernel starts) apply this one rule.
    Usable: left after careless responders are excluded, as every notebook analyses.
    """
    n = len(cleaning.data)
    if n < MIN_RESPONDENTS:
        raise CourseKitError(
            f"only {n} usable respondents in {source} (of {len(cleaning.flags)}, "
            f"{len(cleaning.excluded)} excluded as careless); the course needs at least "
            f"{MIN_RESPONDENTS}"
        )
    return n


def usable_respondents(raw: pd.DataFrame, source: str, codebook: Codebook | None = None
                       ) -> int:
    """:func:`check_class_size` of a survey as :func:`start` would clean it."""
    cleaning = clean_survey(raw, codebook or load_codebook(), exclude_careless=True)
    return check_class_size(cleaning, source)


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
            or min_group_size < 2:
        raise CourseKitError(f"min_group_size must be a whole number >= 2, got {min_group_size!r}")
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
    check_class_size(cleaning, source)
    if not synthetic:
        cleaning = ClassCleaning(cleaning.data, cleaning.flags, cleaning.out_of_range,
                                 cleaning.excluded, int(min_group_size))
    scores = score_all(cleaning.data, cb)
    # In a notebook: note which answer cells raise, so check() never grades a stale answer,
    # and print numpy's scalars as numbers (numpy 2 shows `np.float64(1.8)` for 1.8).
    from coursekit.course.attempts import watch

    if watch() is not None:
        import numpy as np

        np.set_printoptions(legacy="1.25")
    return Course(cb, str(cohort), source, synthetic, int(min_group_size), raw, cleaning, scores)
