"""Benchmarks: ``make bench`` runs every ``bench_*.py`` module here.

Each module has ``run() -> list[dict]``; a row names the case, the timing of
coursekit and of a baseline measured in the same run, and their ratio.
"""
