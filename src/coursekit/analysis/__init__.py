"""Pure statistics on survey data: scoring -> reliability -> factors -> statistics.

DataFrames in, DataFrames and frozen dataclasses out; privacy rules and summary tables.
Knows nothing of plotly, widgets or notebooks. Imports :mod:`coursekit.common` and
:mod:`coursekit.survey` (the codebook) only.

Modules: :mod:`.matrices` (checked item matrices, pairwise moments), :mod:`.checks`
(argument checks), :mod:`.scoring`, :mod:`.reliability`, :mod:`.factors`, :mod:`.stats`
(a package, one module per family), :mod:`.prediction`, :mod:`.privacy`, :mod:`.summaries`.

>>> import pandas as pd
>>> from coursekit.analysis.reliability import cronbach_alpha
>>> round(cronbach_alpha(pd.DataFrame({"a": [1, 2, 3, 4.0], "b": [1, 3, 3, 4.0]})).raw, 3)
0.96
"""
