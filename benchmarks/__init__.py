"""Benchmarks: ``make bench`` runs every ``bench_*.py`` module here.

Each module has ``run() -> list[dict]``; a row names the case, the timing of
coursekit and of a baseline measured in the same run, and their ratio.
"""

import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs of ``fn``, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
