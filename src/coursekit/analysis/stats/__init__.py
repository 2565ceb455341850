"""Statistics the course teaches: correlations, group comparisons, regressions, mediation.

One module per family, each re-exported here so ``coursekit.analysis.stats.X`` and a
notebook's ``stats.X`` keep working:

- :mod:`.correlation`: Pearson and Spearman correlations of every pair of columns;
- :mod:`.groups`: Welch's t test with Hedges' g, Welch's and the classic ANOVA;
- :mod:`.linear`: OLS regression as a tidy table with standardized betas;
- :mod:`.interaction`: moderation models, the change in R² and simple slopes;
- :mod:`.indirect`: simple mediation with a bootstrap interval of the indirect effect.

(The modules are not named after their functions, which would hide them: the function
``stats.mediation`` and a module ``stats.mediation`` cannot both be an attribute.)

Argument checks and p-value formatting are shared with the rest of the analysis layer in
:mod:`coursekit.analysis.checks`.

Each function takes a DataFrame of scores (for example from
:func:`coursekit.analysis.scoring.score_all`, joined with respondent variables) and
returns a tidy DataFrame or a frozen dataclass with a readable ``str``.

Missing data: correlations are pairwise (each pair uses the respondents with
both values); everything else is listwise over the variables it uses (a
respondent missing one of them is left out, and ``n`` says how many were
used).

Example
-------
>>> from coursekit.survey.clean import clean_survey
>>> from coursekit.survey.load import load_survey
>>> from coursekit.analysis.scoring import score_all
>>> data = clean_survey(load_survey()).data
>>> scores = score_all(data).join(data[["gender", "daily_minutes"]])
>>> print(compare_groups(scores, "comparison", "gender", order=["woman", "man"]).test)
Welch t test
"""

from __future__ import annotations

from coursekit.analysis.stats.correlation import correlations
from coursekit.analysis.stats.groups import GroupComparison, compare_groups
from coursekit.analysis.stats.indirect import Mediation, mediation
from coursekit.analysis.stats.interaction import Moderation, moderation
from coursekit.analysis.stats.linear import COEFFICIENT_COLUMNS, Regression, regression

__all__ = [
    "COEFFICIENT_COLUMNS",
    "GroupComparison",
    "Mediation",
    "Moderation",
    "Regression",
    "compare_groups",
    "correlations",
    "mediation",
    "moderation",
    "regression",
]
