"""Grading: submissions -> sandboxed execution -> judged on each student's own cohort ->
gradebook, feedback pages and the class report.

Sits beside the render, above :mod:`coursekit.course` (whose exercises it judges with) and
:mod:`coursekit.render` (whose roster, executors, lock and page assets it reuses); only
:mod:`coursekit.cli` imports it. This ``__init__`` imports nothing, so that
:mod:`coursekit.grade.kernel` starts a kernel without loading the grader. One module per
job, in the order a run uses them; :mod:`coursekit.grade.run` is the entry point:

>>> import pkgutil, coursekit.grade
>>> sorted(m.name for m in pkgutil.iter_modules(coursekit.grade.__path__))
... # doctest: +NORMALIZE_WHITESPACE
['answers', 'classreport', 'console', 'execute', 'expected', 'feedback', 'gradebook', 'identity',
 'itemstats', 'kernel', 'pages', 'run', 'sandbox', 'submissions']
"""
