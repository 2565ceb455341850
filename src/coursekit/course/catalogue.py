"""The course's exercises, two to four per notebook, each computed from the learner's cohort.

:data:`EXERCISES` maps each key, ``"NN.k"`` (notebook number and exercise number), to
its :class:`~coursekit.course.judging.Exercise`. The settings a notebook and its
answer key share (a transform, a cut-off, a seed) come from
:mod:`coursekit.course.settings`, and the answers read them from the ``Course`` exactly
as the notebooks do (``course.risk_cutoff``, ``course.log_minutes()``, ``course.pa_seed``).

>>> EXERCISES["06.1"].question
'What percentage of the cohort is at risk (compulsive score >= 3.5)?'
>>> sorted({key.split(".")[0] for key in EXERCISES})
['01', '02', '03', '04', '05', '06', '07']
"""

from __future__ import annotations

from coursekit.common.errors import CourseKitError
from coursekit.course import settings
from coursekit.course.judging import Exercise, Trap
from coursekit.course.session import Course

#: Every exercise of the course, by key.
EXERCISES: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to :data:`EXERCISES` (keys are unique)."""
    if exercise.key in EXERCISES:
        raise CourseKitError(f"exercise {exercise.key} is registered twice")
    EXERCISES[exercise.key] = exercise
    return exercise


def _items(c: Course) -> list[str]:
    return list(c.codebook.item_ids)


# --- 01 Meet the data ---------------------------------------------------------------------
register(Exercise(
    "01.1", "How many respondents does the raw survey file hold?", "integer",
    lambda c: len(c.raw),
    hint="Count the rows of course.raw, the data before cleaning.",
    traps=(Trap(lambda c: c.n, "That is the number left after cleaning; count course.raw."),),
))
register(Exercise(
    "01.2", "How many respondents were flagged as careless by any sign?", "integer",
    lambda c: int(c.cleaning.flags["careless"].sum()),
    hint="course.cleaning.flags has one True/False column per sign and 'careless' for any.",
    traps=(Trap(lambda c: int(c.cleaning.flags["attention_failed"].sum()),
                "That counts only the failed attention checks; use the 'careless' column."),),
))
register(Exercise(
    "01.3", "What percentage of all item answers in the raw data is missing?", "number",
    lambda c: 100 * c.raw[_items(c)].isna().to_numpy().mean(),
    hint="Take the item columns of course.raw, .isna(), then the mean of all cells, times 100.",
    tolerance=0.05, close=0.5,
    traps=(Trap(lambda c: c.raw[_items(c)].isna().to_numpy().mean(),
                "That is a share between 0 and 1; the question asks for a percentage."),
           Trap(lambda c: 100 * c.data[_items(c)].isna().to_numpy().mean(),
                "Close: that is after cleaning. Use course.raw, the data before cleaning.")),
))


# --- 02 Measuring motives -----------------------------------------------------------------
def _alpha(c: Course, scale: str) -> float:
    from coursekit.analysis.reliability import cronbach_alpha
    from coursekit.analysis.scoring import keyed_items

    return cronbach_alpha(keyed_items(c.data, scale, c.codebook)).raw


def _std_alpha(c: Course, scale: str) -> float:
    from coursekit.analysis.reliability import cronbach_alpha
    from coursekit.analysis.scoring import keyed_items

    return cronbach_alpha(keyed_items(c.data, scale, c.codebook)).standardized


def _unkeyed_alpha(c: Course, scale: str) -> float:
    from coursekit.analysis.reliability import cronbach_alpha

    return cronbach_alpha(c.data[list(c.codebook.scale(scale).item_ids)]).raw


def _unkeyed_mean(c: Course, scale: str) -> float:
    items = c.data[list(c.codebook.scale(scale).item_ids)]
    return float(items.mean(axis=1).mean())


register(Exercise(
    "02.1", "What is Cronbach's raw alpha of the compulsive use scale?", "number",
    lambda c: _alpha(c, "compulsive"),
    hint="cronbach_alpha(keyed_items(course.data, 'compulsive', course.codebook)).raw",
    tolerance=0.005, close=0.03,
    traps=(Trap(lambda c: _std_alpha(c, "compulsive"),
                "That is the standardized alpha (from correlations); the question asks for "
                "raw alpha, .raw."),),
))
register(Exercise(
    "02.2", "What is the mean comparison score of the cohort?", "number",
    lambda c: float(c.scores["comparison"].mean()),
    hint="course.scores holds every scale score, reverse keys applied.",
    tolerance=0.005, close=0.05,
    traps=(Trap(lambda c: _unkeyed_mean(c, "comparison"),
                "That mean skips the reverse keys: soc3 and soc6 must be mirrored first "
                "(course.scores has them right)."),),
))
register(Exercise(
    "02.3", "Which authenticity item has the lowest corrected item-total correlation?",
    "choice",
    lambda c: _item_analysis(c, "authenticity")["r_drop"].idxmin(),
    hint="item_analysis(keyed authenticity items) has an r_drop column; idxmin() names the row.",
    traps=(Trap(lambda c: _item_analysis(c, "authenticity")["r_drop"].idxmax(),
                "That item has the *highest* r_drop; look for the lowest."),),
))


register(Exercise(
    "02.4", "What is the ordinal alpha of the self-esteem scale?", "number",
    lambda c: _ordinal(c, "ordinal_alpha"),
    hint="course.ordinal_reliability() has an ordinal_alpha column; or "
         "ordinal_alpha(keyed_items(course.data, 'self_esteem', course.codebook)).",
    tolerance=0.005, close=0.02,
    traps=(Trap(lambda c: _ordinal(c, "std_alpha"),
                "That is alpha from Pearson correlations; ordinal alpha uses polychoric ones."),
           Trap(lambda c: _alpha(c, "self_esteem"),
                "That is Cronbach's raw alpha; ordinal alpha uses polychoric correlations."),),
))


def _ordinal(c: Course, column: str) -> float:
    return float(c.ordinal_reliability().loc["self_esteem", column])


def _item_analysis(c: Course, scale: str):
    from coursekit.analysis.reliability import item_analysis
    from coursekit.analysis.scoring import keyed_items

    return item_analysis(keyed_items(c.data, scale, c.codebook))


# --- 03 Exploring motives -----------------------------------------------------------------
def _comparison_by_gender(c: Course, order: list[str]):
    return c.compare("comparison", "gender", order=order)


def _influence_by_status(c: Course):
    return c.compare("influence", "creator_status")


register(Exercise(
    "03.1", "What is Hedges' g for comparison, women minus men?", "number",
    lambda c: _comparison_by_gender(c, ["woman", "man"]).effect_size,
    hint="stats.compare_groups(..., order=['woman', 'man']).effect_size (or .g)",
    tolerance=0.005, close=0.05,
    traps=(Trap(lambda c: _comparison_by_gender(c, ["man", "woman"]).effect_size,
                "The sign is flipped: that is men minus women."),
           Trap(lambda c: _comparison_by_gender(c, ["woman", "man"]).difference,
                "That is the raw difference of the means, in score points. Hedges' g divides "
                "it by the pooled standard deviation: .effect_size (or .g)."),
           Trap(lambda c: _comparison_by_gender(c, ["man", "woman"]).difference,
                "That is the raw difference of the means (men minus women). Hedges' g is "
                "women minus men divided by the pooled standard deviation: .effect_size."),),
))
register(Exercise(
    "03.2", "Which creator status group has the highest mean creativity?", "choice",
    lambda c: c.frame.groupby("creator_status")["creativity"].mean().idxmax(),
    hint="Group course.frame by creator_status and compare the creativity means.",
    traps=(Trap(lambda c: c.frame.groupby("creator_status")["creativity"].mean().idxmin(),
                "That group has the *lowest* mean creativity; look for the highest."),),
))
register(Exercise(
    "03.3", "What share of the variance in influence does creator status account for?",
    "number", lambda c: _influence_by_status(c).effect_size,
    hint="The effect size of the three-group comparison is eta squared: .eta_squared "
         "(or .effect_size), a share between 0 and 1.",
    tolerance=0.005, close=0.03,
    traps=(Trap(lambda c: 100 * _influence_by_status(c).effect_size,
                "That is a percentage; the question asks for the share itself, eta squared, "
                "between 0 and 1 (divide by 100).", tolerance=0.5),
           Trap(lambda c: _influence_by_status(c).p,
                "That is the p-value of the test; the share of variance is eta squared, "
                ".eta_squared."),
           Trap(lambda c: _influence_by_status(c).statistic,
                "That is the F statistic; the share of variance is eta squared, "
                ".eta_squared."),),
))


# --- 04 The structure of motives ----------------------------------------------------------
def _r(c: Course, a: str, b: str) -> float:
    return float(c.scores[a].corr(c.scores[b]))


register(Exercise(
    "04.1", "How many factors does parallel analysis suggest?", "integer",
    lambda c: c.structure().n_factors,
    hint="course.structure().n_factors, or count the observed eigenvalues above the "
         "random ones in the plot.", close=1,
))
register(Exercise(
    "04.2", "What is the correlation between validation and comparison?", "number",
    lambda c: _r(c, "validation", "comparison"),
    hint="course.scores['validation'].corr(course.scores['comparison'])",
    tolerance=0.005, close=0.03,
    traps=(Trap(lambda c: _r(c, "validation", "comparison") ** 2,
                "That is r squared, the share of variance; the question asks for r itself."),),
))
register(Exercise(
    "04.3", "What is the CFI of the cohort's CFA model?", "number",
    lambda c: c.cfa().fit.cfi,
    hint="model = course.cfa(); model.fit.cfi", tolerance=0.005, close=0.02,
    traps=(Trap(lambda c: c.cfa().fit.tli,
                "That is the TLI, the CFI's cousin that penalises complexity; use fit.cfi."),
           Trap(lambda c: 1 - c.cfa().fit.cfi,
                "That is 1 - CFI; the CFI itself is close to 1 for a well-fitting model."),),
))
register(Exercise(
    "04.4", "What is the change in CFI from the configural to the metric model?", "number",
    lambda c: c.invariance("gender", ["woman", "man"]).table.loc["metric", "delta_cfi"],
    hint="invariance.table.loc['metric', 'delta_cfi'] (metric CFI minus configural CFI); "
         "three decimals.", tolerance=0.0005, close=0.003,
    traps=(Trap(lambda c: -c.invariance("gender", ["woman", "man"]).table.loc["metric",
                                                                             "delta_cfi"],
                "The sign is flipped: the change is metric CFI minus configural CFI."),
           Trap(lambda c: c.invariance("gender", ["woman", "man"]).table.loc["scalar",
                                                                             "delta_cfi"],
                "That is the step from metric to scalar; the question asks configural to "
                "metric."),),
))


# --- 05 Motives and outcomes --------------------------------------------------------------
def _full_model(c: Course):
    # Course.regression: on a class too small for seven predictors, a table of NaN, so
    # 05.1 and 05.2 say "not available" as the notebook's cell does.
    predictors = " + ".join(c.codebook.scale_names("motive") + c.codebook.scale_names("pitfall"))
    return c.regression(f"self_esteem ~ {predictors}")


def _moderation(c: Course):
    from coursekit.analysis.stats import moderation

    frame = c.frame.assign(log_minutes=c.log_minutes())
    return moderation(frame, y="self_esteem", x="comparison", moderator="log_minutes")


register(Exercise(
    "05.1", "What is the standardized coefficient (beta) of compulsive use?", "number",
    lambda c: float(_full_model(c).table.set_index("term").loc["compulsive", "beta"]),
    hint="The 'beta' column of the model's table, row 'compulsive'.",
    tolerance=0.005, close=0.03,
    traps=(Trap(lambda c: float(_full_model(c).table.set_index("term").loc["compulsive", "b"]),
                "That is the unstandardized b; the question asks for beta."),),
))
register(Exercise(
    "05.2", "What share of the variance in self-esteem does the model explain (R2)?",
    "number", lambda c: _full_model(c).r2,
    hint="model.r2", tolerance=0.005, close=0.02,
    traps=(Trap(lambda c: _full_model(c).adj_r2,
                "That is the adjusted R2; the question asks for R2 itself."),
           Trap(lambda c: 100 * _full_model(c).r2,
                "That is a percentage; R2 is a share between 0 and 1 (model.r2).",
                tolerance=0.5),),
))
register(Exercise(
    "05.3", "Is the interaction of comparison and log minutes significant at .05?", "choice",
    lambda c: "yes" if _moderation(c).interaction["p"] < 0.05 else "no",
    hint="Significant at .05 means p < .05: read moderation.interaction['p'] (the "
         "comparison:log_minutes row), compare it with .05, and answer 'yes' or 'no' "
         "(True or False also do).",
))


# --- 06 Pitfalls --------------------------------------------------------------------------
def _mediation(c: Course, n_boot: int | None = None):
    from coursekit.analysis.stats import mediation

    return mediation(c.frame, x="validation", m="comparison", y="self_esteem",
                     n_boot=n_boot or c.mediation_boot, seed=c.mediation_seed)


def _excludes_zero(result) -> str:
    return "yes" if result.ci_low > 0 or result.ci_high < 0 else "no"


def _at_risk(c: Course):
    return c.scores["compulsive"] >= c.risk_cutoff


_CUT = settings.RISK_CUTOFF   # for the text only; the answers read the course's own


register(Exercise(
    "06.1", f"What percentage of the cohort is at risk (compulsive score >= {_CUT:g})?",
    "number", lambda c: 100 * float(_at_risk(c).mean()),
    hint="(course.scores['compulsive'] >= course.risk_cutoff).mean() is a share; times 100.",
    tolerance=0.05, close=0.5,
    traps=(Trap(lambda c: float(_at_risk(c).mean()),
                "That is a share between 0 and 1; the question asks for a percentage."),
           Trap(lambda c: 100 * float((c.scores["compulsive"] > c.risk_cutoff).mean()),
                f"Almost: 'or more' includes a score of exactly {_CUT:g} (use >=)."),),
))
register(Exercise(
    "06.2", "What is the indirect effect of validation on self-esteem through comparison?",
    "number", lambda c: _mediation(c, n_boot=100).indirect,
    hint="mediation.indirect is a * b.", tolerance=0.005, close=0.02,
    traps=(Trap(lambda c: _mediation(c, n_boot=100).direct,
                "That is the direct effect c' (validation on self-esteem with comparison held "
                "constant); the indirect effect is the part through comparison, a * b: "
                "mediation.indirect."),
           Trap(lambda c: _mediation(c, n_boot=100).total,
                "That is the total effect c (validation on self-esteem alone); the indirect "
                "effect is the part through comparison, a * b: mediation.indirect."),
           Trap(lambda c: _mediation(c, n_boot=100).a,
                "That is path a alone (comparison on validation); the indirect effect is "
                "a * b: mediation.indirect."),
           Trap(lambda c: _mediation(c, n_boot=100).b,
                "That is path b alone (self-esteem on comparison); the indirect effect is "
                "a * b: mediation.indirect."),),
))
register(Exercise(
    "06.3", "Does the bootstrap 95% interval of the indirect effect exclude zero?", "choice",
    lambda c: _excludes_zero(_mediation(c)),
    hint="Zero is excluded when both interval limits have the same sign.",
))


# --- 07 Capstone --------------------------------------------------------------------------
register(Exercise(
    "07.1", "What is Cronbach's alpha of self-esteem in this cohort?", "number",
    lambda c: _alpha(c, "self_esteem"),
    hint="reliability_table(course.data, course.codebook).loc['self_esteem', 'alpha']",
    tolerance=0.005, close=0.03,
    traps=(Trap(lambda c: _std_alpha(c, "self_esteem"),
                "That is the standardized alpha; the question asks for (raw) alpha."),
           Trap(lambda c: _unkeyed_alpha(c, "self_esteem"),
                "That alpha skips the reverse keys: the reversed self-esteem items must be "
                "mirrored first (keyed_items does it)."),
           Trap(lambda c: _ordinal(c, "ordinal_alpha"),
                "That is the ordinal alpha; the question asks for Cronbach's alpha."),),
))
register(Exercise(
    "07.2", "How many of the hypotheses does this cohort support?", "integer",
    lambda c: int(_hypotheses(c)["supported"].sum()),
    hint="Sum the 'supported' column of report.hypothesis_table(course).", close=1,
))
register(Exercise(
    "07.3", "What is the correlation between escapism and compulsive use?", "number",
    lambda c: _r(c, "escapism", "compulsive"),
    hint="course.scores['escapism'].corr(course.scores['compulsive'])",
    tolerance=0.005, close=0.03,
    traps=(Trap(lambda c: _r(c, "escapism", "compulsive") ** 2,
                "That is r squared, the share of variance; the question asks for r itself."),),
))


def _hypotheses(c: Course):
    from coursekit.course.report import hypothesis_table

    return hypothesis_table(c)
