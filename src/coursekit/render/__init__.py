"""The instructor's batch job: notebooks executed with papermill, variants, offline HTML.

Imports every lower layer; only :mod:`coursekit.cli` imports it. This ``__init__`` imports
nothing, so that :mod:`coursekit.render.kernel` starts a render kernel without loading
the render machinery. :mod:`coursekit.render.run` is the entry point and re-exports the
public names; each job has its own module:

>>> import pkgutil, coursekit.render
>>> sorted(m.name for m in pkgutil.iter_modules(coursekit.render.__path__))
... # doctest: +NORMALIZE_WHITESPACE
['client', 'console', 'executors', 'figuredata', 'htmlexport', 'job', 'kernel', 'learner',
 'lifeline', 'lock', 'manifest', 'outputs', 'parameters', 'pdf', 'plan', 'provisioner', 'roster',
 'run', 'scratch', 'sources', 'variants', 'warm']
"""
