"""Settings a notebook and its answer key share, each defined once.

A notebook cell and the exercise that checks its result must compute with the same
transform, cut-off and seed; typed twice, a change on one side would judge a correct
answer incorrect without a word. Notebooks read these through the :class:`Course`
(``course.log_minutes()``, ``course.risk_cutoff``, ``course.pa_seed`` ...), the
catalogue of exercises imports them from here.

>>> import pandas as pd
>>> log_minutes(pd.Series([0.0, 95.0])).round(3).tolist()
[1.609, 4.605]
>>> RISK_CUTOFF, PA_ITERATIONS, PA_SEED
(3.5, 50, 1)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "CFA_PER_ITEM",
    "MEDIATION_BOOT",
    "MEDIATION_SEED",
    "MINUTES_SHIFT",
    "PA_ITERATIONS",
    "PA_SEED",
    "RISK_CUTOFF",
    "log_minutes",
]

#: Added to daily minutes before the log (notebook 05): 0 minutes gets a log, and the
#: shift is small next to the typical 30-120 minutes, so the long right tail still shrinks.
MINUTES_SHIFT = 5

#: A compulsive-use score at or above this is "at risk" (notebook 06): answering "often"
#: or "very often" on average on the 1-5 scale.
RISK_CUTOFF = 3.5

#: Simulated samples and seed of the parallel analyses of notebooks 04 and 07.
PA_ITERATIONS = 50
PA_SEED = 1

#: Respondents who answered every item, per item, that a CFA asks for (notebook 04); an
#: invariance check asks it of every group it compares. Five per item is a common floor
#: (Bentler & Chou 1987); fewer and the fit indices are too unstable to read.
CFA_PER_ITEM = 5

#: Bootstrap resamples and seed of the mediation in notebook 06.
MEDIATION_BOOT = 2000
MEDIATION_SEED = 6


def log_minutes(minutes: pd.Series) -> pd.Series:
    """``log(minutes + MINUTES_SHIFT)``, the daily-minutes scale of notebook 05's models."""
    return np.log(minutes + MINUTES_SHIFT)
