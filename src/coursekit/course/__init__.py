"""What a notebook calls: the course session, plots, live widgets, exercises, the report.

Imports :mod:`coursekit.common`, :mod:`coursekit.survey` and :mod:`coursekit.analysis`;
nothing here knows papermill or the render job.

>>> from coursekit.course import start
>>> start(cohort="demo").n
751
"""

from coursekit.course.session import Course, UnavailableComparison, start

__all__ = ["Course", "UnavailableComparison", "start"]
