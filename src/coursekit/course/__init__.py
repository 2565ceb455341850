"""What a notebook calls: the course session, plots, live widgets, exercises, the report.

Imports :mod:`coursekit.common`, :mod:`coursekit.survey` and :mod:`coursekit.analysis`;
nothing here knows papermill or the render job.

- :mod:`.session`: :func:`start` and the :class:`Course` a notebook reads from;
- :mod:`.settings`: what a notebook and its answer key share (a transform, a cut-off, seeds);
- :mod:`.judging` <- :mod:`.catalogue` <- :mod:`.exercises`: exercises as data and their
  verdict, the course's exercises, and ``check`` (imports run one way, in that order);
  :mod:`.attempts` notes which answer cells last raised (``start`` watches, ``check`` asks);
- :mod:`.plots` (plotly figures) <- :mod:`.widgets` (live explorers);
- :mod:`.psychometrics`: the CFA, invariance check and ordinal alpha of notebooks 02 and 04
  on the scales the cohort supports, or one sentence on why not (``course.cfa()`` ...);
- :mod:`.report`: the capstone's hypothesis table;
- :mod:`.claims`: sentences about the cohort, computed (never asserted in the prose);
- :mod:`.tables`: tables as a learner reads them (``readable``: p-values as ``< .001``).

>>> from coursekit.course import start
>>> start(cohort="demo").n
752
"""

from coursekit.course.session import Course, UnavailableComparison, start

__all__ = ["Course", "UnavailableComparison", "start"]
