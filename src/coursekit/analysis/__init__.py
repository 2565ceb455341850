"""Pure statistics on survey data: scoring -> reliability -> factors -> statistics.

DataFrames in, DataFrames and frozen dataclasses out; privacy rules and summary tables.
Knows nothing of plotly, widgets or notebooks. Imports :mod:`coursekit.common` and
:mod:`coursekit.survey` (the codebook) only.
"""
