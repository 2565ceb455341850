"""Chasing Followers: the course kit behind the notebooks.

The package flows one way, each layer importing only the ones above it in this list:

- :mod:`coursekit.common`: errors, atomic file writing, bundled paths, shared checks;
- :mod:`coursekit.survey`: what is measured and how answers arrive (codebook, reading and
  validating, cleaning, simulation, questionnaire, form importers, de-identification);
- :mod:`coursekit.analysis`: scoring, reliability, factors, statistics, privacy, summaries;
- :mod:`coursekit.course`: what a notebook calls (the course session, plots, widgets,
  exercises, the capstone report);
- :mod:`coursekit.render`: the instructor's batch job (papermill, variants, HTML, index);
- :mod:`coursekit.cli`: the ``coursekit`` command.

The names a notebook needs are importable from here, so a learner's cell stays short::

    from coursekit import start, check, show, cronbach_alpha, stats

They load on first use: ``import coursekit`` alone imports nothing heavy, which keeps
the command line and the render kernels quick to start.

>>> import coursekit
>>> coursekit.cronbach_alpha.__module__
'coursekit.analysis.reliability'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public name -> the module that defines it (a module itself when the name is the module's).
_PUBLIC = {
    # the course session and what a notebook does with it
    "start": "coursekit.course.session",
    "Course": "coursekit.course.session",
    "check": "coursekit.course.exercises",
    "show": "coursekit.course.plots",
    "readable": "coursekit.course.tables",
    # analysis functions a learner calls by name
    "keyed_items": "coursekit.analysis.scoring",
    "score_all": "coursekit.analysis.scoring",
    "cronbach_alpha": "coursekit.analysis.reliability",
    "item_analysis": "coursekit.analysis.reliability",
    "omega": "coursekit.analysis.reliability",
    "reliability_table": "coursekit.analysis.reliability",
    "parallel_analysis": "coursekit.analysis.factors",
    "efa": "coursekit.analysis.factors",
    "kmo": "coursekit.analysis.adequacy",
    "bartlett_sphericity": "coursekit.analysis.adequacy",
    "efa_fit": "coursekit.analysis.efa_fit",
    "cfa": "coursekit.analysis.cfa",
    "measurement_invariance": "coursekit.analysis.invariance",
    "polychoric": "coursekit.analysis.polychoric",
    "ordinal_alpha": "coursekit.analysis.polychoric",
    "ordinal_omega": "coursekit.analysis.polychoric",
    "fit_table": "coursekit.course.psychometrics",
    "compare_groups": "coursekit.analysis.stats",
    "correlations": "coursekit.analysis.stats",
    "regression": "coursekit.analysis.stats",
    "moderation": "coursekit.analysis.stats",
    "mediation": "coursekit.analysis.stats",
    # data
    "load_codebook": "coursekit.survey.codebook",
    "load_survey": "coursekit.survey.load",
    "simulate_survey": "coursekit.survey.simulate",
    "CourseKitError": "coursekit.common.errors",
}
#: Modules a notebook uses whole (``stats.regression(...)``), by their short names.
_MODULES = {
    "scoring": "coursekit.analysis.scoring",
    "reliability": "coursekit.analysis.reliability",
    "factors": "coursekit.analysis.factors",
    "stats": "coursekit.analysis.stats",
    "summaries": "coursekit.analysis.summaries",
    "privacy": "coursekit.analysis.privacy",
    "plots": "coursekit.course.plots",
    "widgets": "coursekit.course.widgets",
    "report": "coursekit.course.report",
    "claims": "coursekit.course.claims",
}

__all__ = sorted([*_PUBLIC, *_MODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    elif name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
    else:
        raise AttributeError(f"module 'coursekit' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
