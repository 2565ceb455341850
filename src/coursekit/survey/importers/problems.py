"""Problems found while importing, collected so that one run reports them all.

>>> from coursekit.survey.importers.problems import ProblemSink
>>> sink = ProblemSink()
>>> sink.add("Age", "not a number", "a number", 4, "old")
>>> sink.add("Age", "not a number", "a number", 9, "old")
>>> sink.problems()[0].describe()
"column 'Age', rows 4, 9, value 'old': not a number (expected a number)"
"""

from __future__ import annotations

from coursekit.common.errors import Problem


class ProblemSink:
    """Collects cells by (column, message) so one problem names all its rows."""

    def __init__(self) -> None:
        self._cells: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
        self.plain: list[Problem] = []

    def add(self, column: str, message: str, expected: str, row: int, value: str) -> None:
        self._cells.setdefault((column, message, expected), []).append((row, value))

    def problems(self) -> list[Problem]:
        """The plain problems first, then one per (column, message) with all its rows."""
        out = list(self.plain)
        for (column, message, expected), cells in self._cells.items():
            out.append(Problem(message, column, tuple(r for r, _ in cells),
                               tuple(dict.fromkeys(v for _, v in cells)), expected))
        return out
