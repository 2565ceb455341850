"""One exception family for the whole package.

Every error carries what went wrong, where, and what was expected, so that the
command line can print it as a message and an exit code instead of a traceback.

>>> problem = Problem("not a number", "age", (4, 9), ("old",), "a whole number")
>>> problem.describe()
"column 'age', rows 4, 9, value 'old': not a number (expected a whole number)"
>>> str(SurveyDataError("class.csv", [problem])).splitlines()[0]
'class.csv: 1 problem found'
>>> issubclass(SecretError, PrivacyError) and issubclass(PrivacyError, CourseKitError)
True
"""

from __future__ import annotations

from dataclasses import dataclass


class CourseKitError(Exception):
    """Base class of every error coursekit raises on purpose."""


class CodebookError(CourseKitError):
    """The codebook files are missing, malformed or inconsistent."""


class InputFileError(CourseKitError):
    """A file given on the command line cannot be read as what it should be."""


class OptionError(CourseKitError, ValueError):
    """A function or command was given an option value it does not know (a format, a source)."""


class PrivacyError(CourseKitError):
    """Respondents cannot be de-identified safely (a salt too short, a pseudonym collision)."""


class SecretError(PrivacyError):
    """A pseudonym key (an import salt, a course secret) is missing or too short to be safe."""


class RenderError(CourseKitError):
    """A render cannot start: unknown notebooks or parameters, a bad roster, an unusable --out.

    Raised before any kernel starts, so nothing has been written.
    """


class AnalysisInputError(CourseKitError, ValueError):
    """Data handed to an analysis function cannot give a meaningful result.

    Raised for non-numeric items, too few items or respondents, constant
    columns or columns that are entirely missing.
    """


@dataclass(frozen=True)
class Problem:
    """One problem found in a data file.

    ``rows`` are spreadsheet row numbers: the header is row 1, the first
    respondent row 2, as a spreadsheet program shows them.
    """

    message: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    values: tuple[str, ...] = ()
    expected: str = ""
    severity: str = "error"

    def describe(self, max_listed: int = 5) -> str:
        """One line: where, what, and what was expected."""
        parts = []
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:max_listed])
            more = f" and {len(self.rows) - max_listed} more" if len(self.rows) > max_listed else ""
            parts.append(f"row{'s' if len(self.rows) > 1 else ''} {shown}{more}")
        if self.values:
            shown = ", ".join(repr(v) for v in self.values[:max_listed])
            more = " ..." if len(self.values) > max_listed else ""
            parts.append(f"value{'s' if len(self.values) > 1 else ''} {shown}{more}")
        where = ", ".join(parts)
        text = f"{where}: {self.message}" if where else self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class SurveyDataError(CourseKitError):
    """A survey file does not match the codebook.

    All problems are collected before raising, so one run reports them all.
    ``problems`` holds them as :class:`Problem` records.
    """

    def __init__(self, source: str, problems: list[Problem] | tuple[Problem, ...]):
        self.source = str(source)
        self.problems = tuple(problems)
        super().__init__(self._format())

    def _format(self) -> str:
        n = len(self.problems)
        head = f"{self.source}: {n} problem{'s' if n != 1 else ''} found"
        return "\n".join([head] + [f"  {self.source}: {p.describe()}" for p in self.problems])

    def lines(self) -> list[str]:
        """Each problem on its own line, prefixed with the file name."""
        return [f"{self.source}: {p.describe()}" for p in self.problems]
