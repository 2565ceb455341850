"""The instructor's batch job: notebooks executed with papermill, variants, offline HTML.

Imports every lower layer; only :mod:`coursekit.cli` imports it. This ``__init__`` imports
nothing, so that :mod:`coursekit.render.kernel` starts a render kernel without loading
the render machinery.
"""
