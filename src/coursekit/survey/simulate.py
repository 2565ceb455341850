"""A seeded simulator of the motive survey, with the mess real surveys have.

The true model (documented in ``data/DATASHEET.md``):

1. Seven correlated latent traits, standard normal: the four motives
   (validation, influence, escapism, creativity) and three pitfalls
   (compulsive use, social comparison, authenticity), with the correlations in
   :data:`LATENT_CORRELATIONS`. Group effects are added on top: women and
   non-binary respondents compare more (:data:`GROUP_SHIFTS`), younger
   respondents seek validation and use compulsively more (:data:`AGE_SLOPES`).
2. Two outcomes as linear functions of the traits plus normal noise, scaled to
   unit variance (:data:`OUTCOME_WEIGHTS`): self-esteem falls with validation
   seeking, compulsive use and comparison and rises with authenticity;
   wellbeing follows self-esteem and authenticity. Comparison lowers
   self-esteem more for heavy daily users (:data:`MODERATION`).
3. Behaviour from traits: creator status from influence and creativity,
   follower counts log-normal (heavy-tailed) by creator status and influence,
   daily minutes log-normal from escapism and compulsive use, heaped at
   multiples of 5 as self-reports are.
4. Items: each item is ``loading * trait + sqrt(1 - loading**2) * noise``, cut
   into the item's response options at equal-probability thresholds shifted by
   the scale's location. Reverse-keyed items are then mirrored
   (``min + max - x``).
5. Mess: careless responders (straight-liners and random responders, most of
   them too fast, who usually fail the attention check), missing answers
   (scattered and break-offs before the outcome pages) and a handful of
   out-of-range typos (``44`` for ``4``, ``0`` or ``max + 1``).

The same ``seed`` gives byte-identical output; different seeds give cohorts
that differ only by sampling error.

Example
-------
>>> from coursekit.survey.simulate import simulate_survey
>>> df = simulate_survey(200, seed=1)
>>> df.shape[0], df["respondent_id"].is_unique
(200, True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from coursekit.common.checks import check_whole
from coursekit.common.errors import CourseKitError
from coursekit.survey.canonical import survey_to_csv, write_survey
from coursekit.survey.codebook import Codebook, load_codebook

# survey_to_csv and write_survey live in coursekit.survey.canonical; re-exported here, where
# the command line and older code import them.
__all__ = ["BUNDLED_N", "BUNDLED_SEED", "item_loadings", "simulate_survey", "survey_to_csv",
           "write_survey"]

TRAITS = ("validation", "influence", "escapism", "creativity", "compulsive", "comparison",
          "authenticity")

#: Correlations between the latent traits (order of :data:`TRAITS`).
LATENT_CORRELATIONS = np.array([
    # val   inf   esc   cre   cmp   soc   aut
    [1.00, 0.40, 0.25, 0.20, 0.35, 0.45, -0.30],  # validation
    [0.40, 1.00, 0.15, 0.40, 0.25, 0.25, -0.05],  # influence
    [0.25, 0.15, 1.00, 0.15, 0.40, 0.25, -0.10],  # escapism
    [0.20, 0.40, 0.15, 1.00, 0.10, 0.05, 0.25],   # creativity
    [0.35, 0.25, 0.40, 0.10, 1.00, 0.35, -0.20],  # compulsive
    [0.45, 0.25, 0.25, 0.05, 0.35, 1.00, -0.25],  # comparison
    [-0.30, -0.05, -0.10, 0.25, -0.20, -0.25, 1.00],  # authenticity
])

#: Mean shift (in trait SD units) of a trait for a gender group.
GROUP_SHIFTS = {("comparison", "woman"): 0.30, ("comparison", "non-binary"): 0.30,
                ("validation", "woman"): 0.10}

#: Change of a trait (SD units) per SD of age: younger respondents score higher.
AGE_SLOPES = {"compulsive": -0.25, "validation": -0.20}

#: Outcome = sum(weight * predictor) + noise, then scaled to unit variance.
OUTCOME_WEIGHTS = {
    "self_esteem": {"validation": -0.15, "compulsive": -0.13, "comparison": -0.10,
                    "authenticity": 0.22},
    "wellbeing": {"self_esteem": 0.45, "authenticity": 0.15, "compulsive": -0.12},
}

#: (outcome, trait, moderator, weight): comparison lowers self-esteem more for heavy users;
#: the weight multiplies trait x standardized log daily minutes.
MODERATION = ("self_esteem", "comparison", "daily_minutes", -0.15)
#: SD of log daily minutes around its mean under the model (for standardizing).
MINUTES_LOG_SD = 0.706

#: Typical factor loading of a scale's items; reverse-keyed items load lower.
SCALE_LOADINGS = {"validation": 0.74, "influence": 0.72, "escapism": 0.70, "creativity": 0.76,
                  "compulsive": 0.73, "comparison": 0.72, "authenticity": 0.70,
                  "self_esteem": 0.66, "wellbeing": 0.76}
REVERSED_LOADING_DROP = 0.12

#: Where a scale's answers sit (SD units; positive = higher answers).
SCALE_LOCATIONS = {"validation": -0.10, "influence": -0.30, "escapism": 0.30,
                   "creativity": -0.10, "compulsive": -0.40, "comparison": 0.0,
                   "authenticity": 0.40, "self_esteem": 0.50, "wellbeing": 0.10}

GENDERS = {"woman": 0.49, "man": 0.44, "non-binary": 0.04, "undisclosed": 0.03}
REGIONS = {"Europe": 0.35, "North America": 0.25, "Latin America": 0.12, "Asia": 0.18,
           "Africa": 0.05, "Oceania": 0.05}
CREATOR_SHARES = {"viewer": 0.55, "occasional": 0.30, "regular": 0.15}

#: The bundled cohort ``data/survey.csv`` is ``simulate_survey(BUNDLED_N, BUNDLED_SEED)``.
BUNDLED_N = 800
BUNDLED_SEED = 2026

CARELESS_RATE = 0.04
MISSING_RATE = 0.015
BREAKOFF_RATE = 0.015
TYPO_RATE = 0.008
MAX_RESPONDENTS = 2_000_000

_COMMENTS = (
    "the creativity of other people",
    "funny videos after a long day",
    "learning recipes and small life hacks",
    "finding people who like the same music",
    "it is a way to relax",
    "seeing what my friends are up to",
    "making dance videos with my sister",
    "I like the editing tools",
)


def item_loadings(codebook: Codebook | None = None) -> pd.Series:
    """The true loading of every item on its trait (deterministic, not seeded)."""
    cb = codebook or load_codebook()
    out = {}
    for scale in cb.scales:
        base = SCALE_LOADINGS.get(scale.name, 0.70)
        for k, item in enumerate(scale.items):
            lam = base - 0.03 * (k % 3) + 0.02 * (k % 2)
            out[item.id] = round(lam - (REVERSED_LOADING_DROP if item.reverse else 0.0), 3)
    return pd.Series(out, name="loading")


def _outcome(scores: dict[str, np.ndarray], weights: dict[str, float], noise: np.ndarray,
             latent_var: float) -> np.ndarray:
    signal = sum(w * scores[name] for name, w in weights.items())
    resid_sd = np.sqrt(max(1.0 - latent_var, 0.05))
    y = signal + resid_sd * noise
    return y / np.sqrt(latent_var + resid_sd**2)


def _discretize(y: np.ndarray, n_options: int, location: float) -> np.ndarray:
    thresholds = ndtri(np.arange(1, n_options) / n_options) - location
    return np.searchsorted(thresholds, y, side="right")


def _check_args(n: int, seed: int, careless_rate: float, missing_rate: float,
                typo_rate: float) -> None:
    check_whole(n, "n", minimum=1, maximum=MAX_RESPONDENTS)
    check_whole(seed, "seed", minimum=0)
    if not (0 <= careless_rate <= 0.5 and 0 <= missing_rate <= 0.5 and 0 <= typo_rate <= 0.1):
        raise CourseKitError("careless_rate and missing_rate must lie in [0, 0.5], "
                             "typo_rate in [0, 0.1]")


# The steps below draw from one generator in a fixed order: reordering any draw changes
# every cohort (and data/survey.csv, which a test compares with simulate_survey(800, 2026)).

def _demographics(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Step 1a: age (gamma, 16-70), its z-score, gender and region."""
    age = np.minimum(16 + rng.gamma(2.0, 5.0, n), 70).astype(int)
    return {"age": age, "age_z": (age - 26.0) / 7.0,
            "gender": rng.choice(list(GENDERS), size=n, p=list(GENDERS.values())),
            "region": rng.choice(list(REGIONS), size=n, p=list(REGIONS.values()))}


def _latent_traits(rng: np.random.Generator, n: int,
                   people: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Step 1b: correlated traits, shifted by gender group and age."""
    z = rng.standard_normal((n, len(TRAITS))) @ np.linalg.cholesky(LATENT_CORRELATIONS).T
    traits = {name: z[:, k] for k, name in enumerate(TRAITS)}
    for (trait, group), shift in GROUP_SHIFTS.items():
        traits[trait] = traits[trait] + shift * (people["gender"] == group)
    for trait, slope in AGE_SLOPES.items():
        traits[trait] = traits[trait] + slope * people["age_z"]
    return traits


def _daily_minutes(rng: np.random.Generator, n: int,
                   traits: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Step 3a (drawn before the outcomes, which it moderates): log-minute deviation and
    minutes heaped at multiples of 5, at most a day."""
    log_minutes_dev = (0.30 * traits["escapism"] + 0.35 * traits["compulsive"]
                       + 0.45 * rng.standard_normal(n))
    minutes = np.minimum(np.round(np.exp(np.log(55) + log_minutes_dev) / 5) * 5, 1440)
    return log_minutes_dev, minutes


def _outcomes(rng: np.random.Generator, n: int, traits: dict[str, np.ndarray],
              log_minutes_dev: np.ndarray) -> None:
    """Step 2: self-esteem (with comparison x minutes moderation), then wellbeing."""
    idx = {t: k for k, t in enumerate(TRAITS)}
    w_se = OUTCOME_WEIGHTS["self_esteem"]
    b = np.zeros(len(TRAITS))
    for t, w in w_se.items():
        b[idx[t]] = w
    traits["self_esteem"] = _outcome(traits, w_se, rng.standard_normal(n),
                                     float(b @ LATENT_CORRELATIONS @ b))
    outcome, trait, _, weight = MODERATION
    traits[outcome] = traits[outcome] + weight * traits[trait] * (
        log_minutes_dev / MINUTES_LOG_SD)
    traits["wellbeing"] = _outcome(traits, OUTCOME_WEIGHTS["wellbeing"],
                                   rng.standard_normal(n), 0.40)


def _behaviour(rng: np.random.Generator, n: int,
               traits: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Step 3b: creator status, heavy-tailed follower counts, posts per week."""
    creator_drive = 0.55 * traits["influence"] + 0.45 * traits["creativity"] \
        + 0.75 * rng.standard_normal(n)
    cuts = np.quantile(creator_drive, np.cumsum(list(CREATOR_SHARES.values()))[:-1])
    creator_code = np.searchsorted(cuts, creator_drive)
    log_mu = np.array([1.5, 4.5, 7.0])[creator_code] + np.array([0.3, 0.5, 0.8])[creator_code] \
        * traits["influence"]
    log_sd = np.array([1.2, 1.5, 1.8])[creator_code]
    followers = np.minimum(np.floor(np.exp(log_mu + log_sd * rng.standard_normal(n))), 2e9)
    posts = np.where(creator_code == 0, 0,
                     np.where(creator_code == 1, rng.poisson(0.8, n),
                              1 + rng.poisson(3.0 + 1.5 * np.maximum(traits["influence"], 0))))
    return {"creator": np.array(list(CREATOR_SHARES))[creator_code], "followers": followers,
            "posts": posts}


def _item_answers(rng: np.random.Generator, n: int, traits: dict[str, np.ndarray],
                  cb: Codebook) -> dict[str, np.ndarray]:
    """Step 4: each item from its trait and loading, cut into options, reverse items mirrored."""
    loadings = item_loadings(cb)
    answers: dict[str, np.ndarray] = {}
    for scale in cb.scales:
        rs = scale.response_scale
        n_opt = len(rs.values)
        for k, item in enumerate(scale.items):
            lam = float(loadings[item.id])
            y = lam * traits[scale.name] + np.sqrt(1 - lam**2) * rng.standard_normal(n)
            loc = SCALE_LOCATIONS.get(scale.name, 0.0) + 0.12 * ((k % 3) - 1)
            x = rs.min + _discretize(y, n_opt, loc).astype(float)
            answers[item.id] = rs.min + rs.max - x if item.reverse else x
    return answers


def _attention_and_seconds(rng: np.random.Generator, n: int,
                           cb: Codebook) -> tuple[np.ndarray, np.ndarray]:
    """The attention check (2% slips by one) and completion seconds (about 5 s an item)."""
    attention_var = next(v for v in cb.variables if v.type == "check")
    attention = np.full(n, float(attention_var.expected))
    slips = rng.random(n) < 0.02
    attention[slips] = rng.choice([attention_var.expected - 1, attention_var.expected + 1],
                                  size=int(slips.sum()))
    seconds = len(cb.items) * np.exp(np.log(5.0) + 0.35 * rng.standard_normal(n)) + 20
    return attention, seconds


def _careless(rng: np.random.Generator, n: int, rate: float, answers: dict[str, np.ndarray],
              attention: np.ndarray, seconds: np.ndarray, cb: Codebook) -> np.ndarray:
    """Step 5a: straight-liners and random responders (most of them fast); their mask."""
    att_rs = next(v for v in cb.variables if v.type == "check").response_scale
    n_items = len(cb.items)
    careless = rng.random(n) < rate
    kind = rng.random(n) < 0.5  # True: straight-liner, False: random responder
    for i in np.flatnonzero(careless):
        if kind[i]:
            pos = rng.choice(5, p=[0.15, 0.10, 0.35, 0.25, 0.15]) / 4
            for item in cb.items:
                rs = item.response_scale
                answers[item.id][i] = rs.min + round(pos * (rs.max - rs.min))
            attention[i] = att_rs.min + round(pos * (att_rs.max - att_rs.min))
        else:
            for item in cb.items:
                rs = item.response_scale
                answers[item.id][i] = rng.integers(rs.min, rs.max + 1)
            attention[i] = rng.integers(att_rs.min, att_rs.max + 1)
        if rng.random() < 0.7:
            seconds[i] = n_items * rng.uniform(0.8, 1.8)
    return careless


def _missing_answers(rng: np.random.Generator, n: int, answers: dict[str, np.ndarray],
                     careless: np.ndarray, missing_rate: float, cb: Codebook) -> np.ndarray:
    """Step 5b: the item matrix with scattered gaps and break-offs before the outcomes."""
    item_ids = list(cb.item_ids)
    mat = np.column_stack([answers[i] for i in item_ids])
    mat[rng.random(mat.shape) < missing_rate] = np.nan
    outcome_cols = [k for k, i in enumerate(item_ids) if cb.item(i).scale in
                    cb.scale_names("outcome")]
    breakoff = np.flatnonzero((rng.random(n) < BREAKOFF_RATE) & ~careless)
    if outcome_cols:
        mat[np.ix_(breakoff, outcome_cols)] = np.nan
    return mat


def _typos(rng: np.random.Generator, n: int, mat: np.ndarray, careless: np.ndarray,
           typo_rate: float, cb: Codebook) -> None:
    """Step 5c: out-of-range typos (``44`` for ``4``, min - 1, max + 1) on given answers of
    attentive respondents; none in cohorts under 50."""
    item_ids = list(cb.item_ids)
    n_typos = int(round(n * typo_rate)) if n >= 50 else 0
    if not n_typos:
        return
    rows = rng.choice(np.flatnonzero(~careless), size=min(n_typos, int((~careless).sum())),
                      replace=False)
    for r in rows:
        given = np.flatnonzero(~np.isnan(mat[r]))
        c = int(rng.choice(given))
        rs = cb.item(item_ids[c]).response_scale
        v = mat[r, c]
        style = rng.integers(3)
        if style == 0 and v > 0:
            mat[r, c] = v * 11
        else:
            mat[r, c] = rs.min - 1 if style == 1 else rs.max + 1


def _survey_frame(rng: np.random.Generator, n: int, id_prefix: str, cb: Codebook,
                  people: dict[str, np.ndarray], minutes: np.ndarray,
                  behaviour: dict[str, np.ndarray], attention: np.ndarray,
                  seconds: np.ndarray, mat: np.ndarray) -> pd.DataFrame:
    """The codebook's columns with load_survey's dtypes; some respondent answers missing."""

    def _missing(values: np.ndarray, rate: float) -> np.ndarray:
        out = values.astype(float)
        out[rng.random(n) < rate] = np.nan
        return out

    width = max(4, len(str(n)))
    comments = np.where(rng.random(n) < 0.08, rng.choice(_COMMENTS, size=n), None)
    columns: dict[str, object] = {
        "respondent_id": [f"{id_prefix}{k:0{width}d}" for k in range(1, n + 1)],
        "age": _missing(people["age"], 0.01),
        "gender": people["gender"],
        "region": people["region"],
        "daily_minutes": _missing(minutes, 0.01),
        "creator_status": behaviour["creator"],
        "followers": _missing(behaviour["followers"], 0.03),
        "posts_per_week": behaviour["posts"].astype(float),
        "attention_check": attention,
        "completion_seconds": np.round(seconds, 1),
        "comment": comments,
    }
    frame = pd.DataFrame({c: columns[c] for c in columns if cb.has_variable(c)})
    items = pd.DataFrame(mat, columns=list(cb.item_ids))
    df = pd.concat([frame, items], axis=1)
    for v in cb.variables:
        if v.name not in df.columns:
            df[v.name] = np.nan
        if v.type in ("id", "category", "text"):
            df[v.name] = df[v.name].astype("str").where(df[v.name].notna())
    return df[list(cb.columns)]


def simulate_survey(
    n: int = 800,
    seed: int = 0,
    *,
    codebook: Codebook | None = None,
    careless_rate: float = CARELESS_RATE,
    missing_rate: float = MISSING_RATE,
    typo_rate: float = TYPO_RATE,
    id_prefix: str = "R",
) -> pd.DataFrame:
    """Simulate ``n`` survey respondents from the true model (see the module docstring).

    Returns a DataFrame in the codebook's column order, with the same dtypes
    :func:`coursekit.survey.load.load_survey` gives: numbers as float64 (NaN where
    missing), categories and text as strings.
    """
    _check_args(n, seed, careless_rate, missing_rate, typo_rate)
    cb = codebook or load_codebook()
    rng = np.random.default_rng(np.random.PCG64(int(seed)))
    n = int(n)
    people = _demographics(rng, n)
    traits = _latent_traits(rng, n, people)
    log_minutes_dev, minutes = _daily_minutes(rng, n, traits)
    _outcomes(rng, n, traits, log_minutes_dev)
    behaviour = _behaviour(rng, n, traits)
    answers = _item_answers(rng, n, traits, cb)
    attention, seconds = _attention_and_seconds(rng, n, cb)
    careless = _careless(rng, n, careless_rate, answers, attention, seconds, cb)
    mat = _missing_answers(rng, n, answers, careless, missing_rate, cb)
    _typos(rng, n, mat, careless, typo_rate, cb)
    return _survey_frame(rng, n, id_prefix, cb, people, minutes, behaviour, attention,
                         seconds, mat)
