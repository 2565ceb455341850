"""The psychometrics of notebooks 02 and 04 on the learner's cohort, or why it cannot have them.

Each helper runs an analysis of :mod:`coursekit.analysis` on the scales the cohort supports
and, when it supports none, returns a stand-in that says in one sentence what is not
available and why (as :class:`~coursekit.course.session.UnavailableComparison` does for a
group comparison), so a notebook runs to its end on a class of a dozen:

- :func:`cohort_cfa`: the CFA of the motive and pitfall scales (a subset on a smaller
  cohort: at least :data:`~coursekit.course.settings.CFA_PER_ITEM` complete answers per
  item), or an :class:`UnavailableCFA`;
- :func:`cohort_invariance`: measurement invariance across a grouping, on groups that
  reach both ``min_group_size`` and that per-item floor; a smaller group is left out and
  never described;
- :func:`adequacy`: KMO and Bartlett's test of the items an EFA starts from;
- :func:`cohort_structure`: parallel analysis and the EFA it sizes, on the scales
  :meth:`~coursekit.course.session.Course.structure_scales` picks, as a :class:`Structure`
  that says why not when the cohort is too small for them;
- :func:`ordinal_reliability`: alpha next to ordinal alpha for every scale.

The course reaches them as ``course.cfa()``, ``course.structure()`` and so on.

>>> from coursekit.course import start
>>> c = start(seed=3, n_respondents=12)
>>> str(c.cfa().fit).split(":")[0], c.cfa().fit.cfi
('A CFA is not available for this cohort', nan)
>>> c.structure().available, c.structure().n_factors
(False, nan)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd

from coursekit.common.errors import AnalysisInputError
from coursekit.course import settings

if TYPE_CHECKING:
    from coursekit.analysis.cfa import CFA
    from coursekit.analysis.efa_fit import EFAFit
    from coursekit.analysis.factors import EFA, ParallelAnalysis
    from coursekit.survey.codebook import Codebook


class Course(Protocol):
    """What these helpers read of a :class:`~coursekit.course.session.Course` (which calls
    them, so this module does not import it)."""

    codebook: Codebook
    min_group_size: int

    @property
    def data(self) -> pd.DataFrame: ...

__all__ = ["CUTOFFS", "Adequacy", "Invariance", "NotAvailable", "Structure", "UnavailableCFA",
           "UnavailableFit", "adequacy", "cfa_scales", "cohort_cfa", "cohort_invariance",
           "cohort_structure", "fit_table", "ordinal_reliability"]

_NAN = float("nan")


@dataclass(frozen=True)
class UnavailableFit:
    """Stands in for the fit indices of a CFA the cohort cannot support: NaN, and why."""

    reason: str
    chisq: float = _NAN
    df: float = _NAN
    p: float = _NAN
    cfi: float = _NAN
    tli: float = _NAN
    rmsea: float = _NAN
    rmsea_low: float = _NAN
    rmsea_high: float = _NAN
    srmr: float = _NAN
    n: int = 0

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class UnavailableCFA:
    """Stands in for a CFA the cohort is too small for: empty tables, NaN indices, a reason."""

    reason: str
    scales: tuple[str, ...] = ()
    model: str = ""
    n: int = 0

    @property
    def fit(self) -> UnavailableFit:
        return UnavailableFit(self.reason)

    @property
    def loadings(self) -> pd.DataFrame:
        return pd.DataFrame({"factor": pd.Series(dtype=str), "loading": pd.Series(dtype=float)},
                            index=pd.Index([], name="item"))

    @property
    def factor_correlations(self) -> pd.DataFrame:
        return pd.DataFrame()

    @property
    def residuals(self) -> pd.DataFrame:
        return pd.DataFrame({"item_a": pd.Series(dtype=str), "item_b": pd.Series(dtype=str),
                             "residual_r": pd.Series(dtype=float)})

    def __str__(self) -> str:
        return self.reason


def _candidates(course: Course) -> list[str]:
    cb = course.codebook
    return [*cb.scale_names("motive"), *cb.scale_names("pitfall")]


def _n_items(course: Course, scales: Sequence[str]) -> int:
    return sum(len(course.codebook.scale(s).item_ids) for s in scales)


def _complete(course: Course, scales: Sequence[str]) -> pd.Series:
    """True for each respondent who answered every item of ``scales``."""
    cols = [i for s in scales for i in course.codebook.scale(s).item_ids]
    return course.data[cols].notna().all(axis=1)


def _names(scales: Sequence[str]) -> str:
    scales = list(scales)
    return scales[0] if len(scales) == 1 else ", ".join(scales[:-1]) + " and " + scales[-1]


def cfa_scales(course: Course, per_item: int = settings.CFA_PER_ITEM) -> list[str]:
    """The motive and pitfall scales a CFA of this cohort can take ([] if not even two).

    All seven when at least ``per_item`` respondents per item answered every item; for a
    smaller cohort scales are dropped from the end (pitfalls first), as
    :meth:`~coursekit.course.session.Course.structure_scales` does.
    """
    scales = _candidates(course)
    while len(scales) >= 2:
        if _complete(course, scales).sum() >= per_item * _n_items(course, scales):
            return scales
        scales = scales[:-1]
    return []


def cohort_cfa(course: Course, per_item: int = settings.CFA_PER_ITEM) -> CFA | UnavailableCFA:
    """The CFA of :func:`cfa_scales`, or an :class:`UnavailableCFA` saying why not."""
    from coursekit.analysis.cfa import cfa

    scales = cfa_scales(course, per_item)
    if not scales:
        two = _candidates(course)[:2]
        k = _n_items(course, two)
        return UnavailableCFA(
            f"A CFA is not available for this cohort: even two scales ({k} items) need "
            f"{per_item * k} respondents who answered every item ({per_item} per item), "
            "and fewer did.")
    try:
        return cfa(course.data, scales, course.codebook)
    except AnalysisInputError as exc:
        return UnavailableCFA(f"A CFA is not available for this cohort: {exc}.", tuple(scales))


@dataclass(frozen=True)
class Invariance:
    """A measurement-invariance check across groups, or why the cohort cannot have one.

    ``table`` has one row per level (configural, metric, scalar); all NaN when the check
    is not available. ``groups`` maps each compared group to its respondents with every
    item answered; groups below the thresholds are not named.
    """

    by: str
    scales: tuple[str, ...]
    groups: dict[str, int]
    table: pd.DataFrame
    reason: str = ""

    @property
    def available(self) -> bool:
        return not self.reason

    def __str__(self) -> str:
        if self.reason:
            return self.reason
        sizes = ", ".join(f"{g} n = {n}" for g, n in self.groups.items())
        return (f"Invariance across {self.by} of {_names(self.scales)} "
                f"({len(self.scales)} scales); groups: {sizes}.")


    def verdicts(self) -> str:
        """One line per step: the change in CFI read by the .01 rule (Cheung & Rensvold 2002)."""
        if self.reason:
            return self.reason
        lines = []
        for level, what in (("metric", "equal loadings"), ("scalar", "equal intercepts")):
            row = self.table.loc[level]
            holds = row["delta_cfi"] >= -CFI_DROP
            p = "< .001" if row["delta_p"] < 0.001 else f"= {row['delta_p']:.3f}"
            lines.append(f"{level} ({what}): change in CFI {row['delta_cfi']:+.3f}, "
                         f"chi2 difference p {p.replace('0.', '.')}: "
                         + ("CFI drops by no more than .01, so the step holds."
                            if holds else "CFI drops by more than .01, so the step fails."))
        return "\n".join(lines)


#: The drop in CFI beyond which a stricter invariance level is rejected (Cheung & Rensvold).
CFI_DROP = 0.01

_COLUMNS = ["chisq", "df", "p", "cfi", "tli", "rmsea", "srmr", "delta_chisq", "delta_df",
            "delta_p", "delta_cfi"]


def _empty_table() -> pd.DataFrame:
    from coursekit.analysis.invariance import LEVELS

    return pd.DataFrame(np.nan, index=pd.Index(list(LEVELS), name="level"), columns=_COLUMNS)


def cohort_invariance(course: Course, by: str, groups: Sequence[str],
                      per_item: int = settings.CFA_PER_ITEM) -> Invariance:
    """Configural, metric and scalar fits across the ``groups`` of ``by`` that are large enough.

    A group takes part when at least ``min_group_size`` and ``per_item`` respondents per
    item answered every item of the scales; scales are dropped from the end (pitfalls
    first) until two groups qualify. Fewer than two: an unavailable :class:`Invariance`
    whose reason names no group size.
    """
    from coursekit.analysis.invariance import measurement_invariance

    column = course.data[by] if by in course.data.columns else pd.Series(index=course.data.index)
    scales = _candidates(course)
    while len(scales) >= 2:
        need = max(course.min_group_size, per_item * _n_items(course, scales))
        complete = _complete(course, scales)
        sizes = {g: int((complete & (column == g)).sum()) for g in groups}
        kept = {g: n for g, n in sizes.items() if n >= need}
        if len(kept) >= 2:
            try:
                table = measurement_invariance(course.data, by, scales, course.codebook,
                                               groups=list(kept))
            except AnalysisInputError as exc:
                return Invariance(by, tuple(scales), {}, _empty_table(),
                                  f"Measurement invariance across {by} is not available for "
                                  f"this cohort: {exc}.")
            return Invariance(by, tuple(scales), kept, table)
        scales = scales[:-1]
    k = _n_items(course, _candidates(course)[:2])
    need = max(course.min_group_size, per_item * k)
    return Invariance(
        by, (), {}, _empty_table(),
        f"Measurement invariance across {by} is not available for this cohort: it needs two "
        f"groups ({_names(list(groups))}) each with at least {need} respondents who answered "
        f"every item of two scales ({per_item} per item), and this cohort has fewer.")


#: Hu & Bentler's (1999) cut-offs: (index, label, cut-off, True when higher is better).
CUTOFFS = (("cfi", "CFI", 0.95, True), ("tli", "TLI", 0.95, True),
           ("rmsea", "RMSEA", 0.06, False), ("rmsea_high", "RMSEA, upper 90 % limit", 0.08, False),
           ("srmr", "SRMR", 0.08, False))


def fit_table(fit) -> pd.DataFrame:
    """The fit indices next to the usual cut-offs (Hu & Bentler 1999; RMSEA's upper limit .08).

    ``meets`` is True or False, or missing when the index is (an unavailable CFA).
    """
    rows = []
    for name, label, cut, higher in CUTOFFS:
        value = float(getattr(fit, name))
        meets = pd.NA if np.isnan(value) else bool(value >= cut if higher else value <= cut)
        rows.append({"index": label, "value": value,
                     "rule of thumb": f"{'>=' if higher else '<='} {cut:.2f}".replace("0.", "."),
                     "meets": meets})
    return pd.DataFrame(rows).set_index("index")


@dataclass(frozen=True)
class Adequacy:
    """KMO and Bartlett's test of an EFA's items, or why they cannot be computed."""

    kmo: object | None
    bartlett: object | None
    reason: str = ""

    def __str__(self) -> str:
        if self.reason:
            return self.reason
        return f"{self.kmo}\n{self.bartlett}"


def adequacy(items: pd.DataFrame) -> Adequacy:
    """:func:`~coursekit.analysis.adequacy.kmo` and Bartlett's test, or why not."""
    from coursekit.analysis.adequacy import bartlett_sphericity, kmo

    try:
        return Adequacy(kmo(items), bartlett_sphericity(items))
    except AnalysisInputError as exc:
        return Adequacy(None, None, f"KMO and Bartlett's test: {exc}.")


@dataclass(frozen=True)
class _Ordinal:
    n_options: int
    skew: float
    alpha: float
    ordinal: float


def _ordinal_row(course: Course, scale: str) -> _Ordinal:
    from coursekit.analysis.polychoric import ordinal_alpha
    from coursekit.analysis.reliability import cronbach_alpha
    from coursekit.analysis.scoring import keyed_items

    sc = course.codebook.scale(scale)
    items = keyed_items(course.data, scale, course.codebook)
    n_options = len(sc.response_scale.values)
    try:
        std = cronbach_alpha(items).standardized
    except AnalysisInputError:
        std = _NAN
    try:
        ordinal = ordinal_alpha(items)
    except AnalysisInputError:
        ordinal = _NAN
    return _Ordinal(n_options, float(items.skew().abs().mean()), std, ordinal)


def ordinal_reliability(course: Course) -> pd.DataFrame:
    """Alpha from Pearson and from polychoric correlations, for every scale.

    Columns: ``options`` (answer options), ``skew`` (mean absolute skewness of the keyed
    items), ``std_alpha`` (standardized alpha, Pearson correlations), ``ordinal_alpha`` (the
    same formula on polychoric correlations) and ``difference`` (ordinal minus Pearson).
    Standardized alpha is the fair comparison: both use one formula, on two kinds of
    correlation. A scale whose polychoric matrix cannot be estimated reads NaN.
    """
    rows = {s: _ordinal_row(course, s) for s in course.codebook.scale_names()}
    table = pd.DataFrame({"options": {s: r.n_options for s, r in rows.items()},
                          "skew": {s: r.skew for s, r in rows.items()},
                          "std_alpha": {s: r.alpha for s, r in rows.items()},
                          "ordinal_alpha": {s: r.ordinal for s, r in rows.items()}})
    table["difference"] = table["ordinal_alpha"] - table["std_alpha"]
    table.index.name = "scale"
    return table




@dataclass(frozen=True)
class NotAvailable:
    """What a cell shows in place of a result the cohort cannot have: one sentence."""

    text: str

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True, repr=False)
class Structure:
    """Parallel analysis and the EFA it sizes (notebooks 04 and 07), or why the cohort has none.

    ``pa`` is the :class:`~coursekit.analysis.factors.ParallelAnalysis` and ``efa`` the
    oblimin :class:`~coursekit.analysis.factors.EFA` with its number of factors, each
    ``None`` when the cohort cannot support it (``n_factors`` is then NaN); ``reason`` then
    says why in one sentence.
    The methods give what a notebook cell shows, or a :class:`NotAvailable` line, so one
    code path serves every cohort; :func:`coursekit.course.plots.scree` and
    :func:`~coursekit.course.plots.loadings_heatmap` take it as well.
    """

    scales: tuple[str, ...]
    items: pd.DataFrame = field(repr=False, compare=False)
    codebook: Codebook = field(repr=False, compare=False)
    pa: ParallelAnalysis | None = None
    efa: EFA | None = None
    reason: str = ""

    @property
    def available(self) -> bool:
        """True when both the parallel analysis and the EFA ran."""
        return self.pa is not None and self.efa is not None

    @property
    def n_factors(self) -> int | float:
        """The number of factors parallel analysis suggests; NaN when it is not available
        (an answer that reads as missing, so exercise 04.1 says "not available")."""
        return _NAN if self.pa is None else self.pa.n_factors

    def __str__(self) -> str:
        """The parallel analysis's verdict, and why the EFA is not available if it is not."""
        if self.pa is None or not self.reason:
            return self.describe(with_scales=False)
        return f"{self.describe(with_scales=False)} {self.reason}"

    def __repr__(self) -> str:
        return f"Structure({', '.join(self.scales)}): {self}"

    def describe(self, with_scales: bool = True) -> str:
        """The parallel analysis's verdict in one sentence (with its number of scales), or why
        there is none."""
        if self.pa is None:
            return self.reason
        text = f"Parallel analysis suggests {self.pa.n_factors} factors"
        return text + (f" for {len(self.scales)} scales." if with_scales else ".")

    def not_available(self, what: str) -> NotAvailable:
        """The line a cell shows in place of ``what`` when the cohort has no EFA."""
        return NotAvailable(f"No {what} for this cohort: see the parallel analysis above.")

    def adequacy(self) -> Adequacy:
        """KMO and Bartlett's test of the EFA's items, or why not."""
        if not self.available:
            return Adequacy(None, None, "KMO and Bartlett's test: not available for this "
                                        "cohort, as the EFA they check is not (see above).")
        return adequacy(self.items)

    def factor_match(self, decimals: int = 2) -> pd.DataFrame | NotAvailable:
        """Which scale each factor stands for (``summaries.factor_match``)."""
        from coursekit.analysis.summaries import factor_match

        if self.efa is None:
            return self.not_available("factor labels")
        return factor_match(self.efa.loadings, self.codebook).round(decimals)

    def factor_correlations(self, decimals: int = 2) -> pd.DataFrame | NotAvailable:
        """The EFA's factor correlations, each factor named after its scale."""
        from coursekit.analysis.summaries import factor_labels

        if self.efa is None:
            return self.not_available("factor correlations")
        names = factor_labels(self.efa.loadings, self.codebook)
        return self.efa.factor_correlations.rename(index=names, columns=names).round(decimals)

    def fit(self) -> EFAFit | NotAvailable:
        """The EFA's fit (:func:`~coursekit.analysis.efa_fit.efa_fit`), or why there is none."""
        from coursekit.analysis.efa_fit import efa_fit

        if self.efa is None:
            return self.not_available("EFA fit")
        return efa_fit(self.items, self.efa)


def cohort_structure(course: Course, scales: Sequence[str], *, n_iter: int, seed: int,
                     rotation: str = "oblimin") -> Structure:
    """Parallel analysis of ``scales``' keyed items and the EFA it sizes, or why not.

    The EFA takes the suggested number of factors (at least one). When the cohort is too
    small for the parallel analysis, neither is run and the reason names the count needed.
    """
    from coursekit.analysis.factors import efa, parallel_analysis
    from coursekit.analysis.scoring import keyed_items

    scales = tuple(scales)
    items = keyed_items(course.data, list(scales), course.codebook)
    try:
        pa = parallel_analysis(items, n_iter=n_iter, seed=seed)
    except AnalysisInputError as exc:
        n, k = int(items.notna().any(axis=1).sum()), items.shape[1]
        what = "Parallel analysis and an exploratory factor analysis are not available for " \
               "this cohort"
        if n <= k + 1:
            which = (f"even two scales, {_names(scales)}" if len(scales) <= 2
                     else _names(scales))
            reason = (f"{what}: they need more respondents who answered ({n}) than items plus "
                      f"one ({k + 1}, for the {k} items of {which}).")
        else:
            reason = f"{what}: {exc}."
        return Structure(scales, items, course.codebook, reason=reason)
    try:
        solution = efa(items, n_factors=max(pa.n_factors, 1), rotation=rotation)
    except AnalysisInputError as exc:
        return Structure(scales, items, course.codebook, pa,
                         reason=f"An exploratory factor analysis is not available for this "
                                f"cohort: {exc}.")
    return Structure(scales, items, course.codebook, pa, solution)
