"""The ``coursekit`` command: parses arguments, calls the library, prints.

Every expected failure (bad input, a file that cannot be read or written)
ends with a one-line reason on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .errors import CourseKitError, SurveyDataError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error message instead of the usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _whole(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < low or (high is not None and value > high):
            span = f"from {low:,} to {high:,}" if high is not None else f">= {low}"
            raise argparse.ArgumentTypeError(f"{value} is out of range (expected {span})")
        return value

    return parse


def _output_file(text: str) -> Path:
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"'{text}' is a folder, expected a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"folder '{parent}' does not exist")
    return path


def _say(text: str = "") -> None:
    print(text, flush=True)


def _warn(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- simulate -----------------------------------------------------------------------------

def _cmd_simulate(args: argparse.Namespace) -> int:
    from .simulate import simulate_survey, write_survey

    df = simulate_survey(args.n, args.seed)
    write_survey(df, args.out)
    _say(f"wrote {len(df):,} simulated respondents (seed {args.seed}) to {args.out}")
    return EXIT_OK


# --- validate -----------------------------------------------------------------------------

def _cmd_validate(args: argparse.Namespace) -> int:
    from .clean import clean_survey
    from .codebook import load_codebook
    from .data import check_survey

    cb = load_codebook()
    checked = check_survey(args.path, cb)
    report = checked.report
    errors = list(report.errors) + (list(report.warnings) if args.strict else [])
    if errors:
        raise SurveyDataError(report.source, errors)
    data = checked.data
    assert data is not None
    n_scales = len(cb.scales)
    _say(f"{report.source}: valid - {report.n_rows:,} respondents, {len(cb.items)} items "
         f"in {n_scales} scales, {len(cb.variables)} respondent variables")
    for w in report.warnings:
        _say(f"warning: {w.describe()}")
    result = clean_survey(data, cb)
    flags = result.flags
    n_careless = int(flags["careless"].sum())
    if n_careless:
        _say(f"warning: {n_careless} respondents flagged as careless (straight-lining "
             f"{int(flags['straightlining'].sum())}, failed attention check "
             f"{int(flags['attention_failed'].sum())}, too fast {int(flags['too_fast'].sum())});"
             " they are kept; clean_survey(exclude_careless=True) excludes them")
    return EXIT_OK


# --- parser -------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="coursekit",
        description="Chasing Followers: simulate, check and render the TikTok motive course.",
        epilog="Run 'coursekit COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"coursekit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("simulate", help="write a simulated survey cohort as CSV",
                       description="Simulate a cohort from the course's latent model "
                                   "(see data/DATASHEET.md). The same seed gives the same bytes.")
    p.add_argument("--n", type=_whole(1, 2_000_000), default=800,
                   help="number of respondents (default 800)")
    p.add_argument("--seed", type=_whole(0), default=0, help="random seed (default 0)")
    p.add_argument("--out", type=_output_file, required=True, metavar="PATH",
                   help="CSV file to write (written atomically)")
    p.set_defaults(func=_cmd_simulate)

    p = sub.add_parser("validate", help="check a survey CSV against the codebook",
                       description="Check a survey file against the codebook. Exit 0 when it is "
                                   "valid (warnings are printed), 2 with every problem when not. "
                                   "Writes nothing.")
    p.add_argument("path", metavar="PATH", help="survey CSV (comma, semicolon or tab separated)")
    p.add_argument("--strict", action="store_true",
                   help="treat warnings (out-of-range answers, extra columns) as errors")
    p.set_defaults(func=_cmd_validate)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except SurveyDataError as exc:
        for line in exc.lines():
            _warn(line)
        _warn(f"coursekit {args.command}: {len(exc.problems)} problem(s); nothing written")
        return EXIT_USAGE
    except CourseKitError as exc:
        _warn(f"coursekit {args.command}: error: {exc}")
        return EXIT_USAGE
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _warn(f"coursekit {args.command}: error: {where}{exc.strerror or exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _warn(f"coursekit {args.command}: interrupted; nothing half-written was left")
        return 130


if __name__ == "__main__":
    sys.exit(main())
