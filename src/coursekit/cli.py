"""The ``coursekit`` command: parses arguments, calls the library, prints.

Every expected failure (bad input, a file that cannot be read or written)
ends with a one-line reason on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from coursekit import __version__
from coursekit.common.errors import CourseKitError, SurveyDataError
from coursekit.common.pseudonyms import MIN_SECRET_CHARS

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
    from coursekit.survey.simulate import simulate_survey, write_survey

    df = simulate_survey(args.n, args.seed)
    write_survey(df, args.out)
    _say(f"wrote {len(df):,} simulated respondents (seed {args.seed}) to {args.out}")
    return EXIT_OK


# --- validate -----------------------------------------------------------------------------

def _cmd_validate(args: argparse.Namespace) -> int:
    from coursekit.survey.clean import clean_survey
    from coursekit.survey.codebook import load_codebook
    from coursekit.survey.load import check_survey

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


# --- instrument ---------------------------------------------------------------------------

def _cmd_instrument(args: argparse.Namespace) -> int:
    from coursekit.survey.instrument import write_instrument

    write_instrument(args.out, args.format, seed=args.seed, show_ids=args.show_ids)
    order = f"items shuffled within blocks with seed {args.seed}" if args.seed is not None \
        else "items in codebook order"
    _say(f"wrote the questionnaire as {args.format} ({order}) to {args.out}")
    return EXIT_OK


# --- import -------------------------------------------------------------------------------

def _cmd_import(args: argparse.Namespace) -> int:
    from coursekit.survey.importers import import_export, write_import

    result = import_export(
        args.export, args.source, mapping=args.mapping, salt=args.salt,
        keep_free_text=args.keep_free_text, drop_incomplete=args.drop_incomplete,
        allow_missing=args.allow_missing, shift_scales=args.shift_scale,
    )
    for line in result.report.lines():
        _say(line)
    write_import(result, args.out)
    _say(f"wrote {len(result.data):,} respondents to {args.out}; checking it as "
         "'coursekit validate' does:")
    code = _cmd_validate(argparse.Namespace(path=str(args.out), strict=False))
    if result.report.warnings:  # repeated last, where it cannot scroll out of sight
        _say(f"warning: {len(result.report.warnings)} scale(s) may come from a form built on "
             "another range; check the form before using this file (see the warnings above)")
    return code


# --- render -------------------------------------------------------------------------------

def _cmd_render(args: argparse.Namespace) -> int:
    import csv
    import os

    from coursekit.render import run as render

    secret = args.secret or os.environ.get(render.SECRET_ENV)
    if args.which or args.list_students:
        if args.roster is None:
            raise CourseKitError("--which and --list-students need --roster")
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["student_id", "label", "seed"])
        writer.writerows(render.which_students(args.roster, secret, args.which))
        return EXIT_OK
    if args.pdf:
        from coursekit.render.pdf import chromium_path

        chromium_path()  # a missing browser is said before any notebook runs
    plan = render.plan_render(notebooks=args.notebooks, data=args.data, seed=args.seed,
                              roster=args.roster, secret=secret, cohort=args.cohort,
                              variant=args.variant, parameters=args.param or (),
                              out=args.out, execute=not args.no_execute, timeout=args.timeout)
    _say(f"rendering {len(plan.jobs)} notebook(s): {len(plan.notebooks)} x "
         f"{len(plan.cohorts)} cohort(s) x {'/'.join(plan.variants)} into {plan.out}")
    summary = render.run_render(plan, jobs=args.jobs, executor=args.executor,
                                scheduler=args.scheduler, resume=args.resume,
                                reporter=render.ConsoleReporter(),
                                kernel_start=args.kernel_start)
    _say(render.format_summary(summary))
    if args.pdf and not summary.interrupted:
        from coursekit.render.pdf import write_pdfs

        pages = [summary.out / j.output(".html") for j in summary.jobs if j.execute
                 and (summary.out / j.output(".html")).is_file()]
        written = write_pdfs(pages, paper=args.paper)
        _say(f"printed {len(written)} page(s) to PDF ({args.paper}) beside the pages")
    _say(f"open {summary.index} (file://{summary.index})")
    return EXIT_FAILED if summary.failed else EXIT_OK


# --- grade --------------------------------------------------------------------------------

def _cmd_grade(args: argparse.Namespace) -> int:
    import os

    from coursekit.grade import run as grade
    from coursekit.grade.sandbox import Limits
    from coursekit.render.roster import SECRET_ENV

    limits = Limits(cell_timeout=args.cell_timeout, notebook_timeout=args.timeout,
                    memory_mb=args.memory_mb, output_kb=args.output_kb)
    plan = grade.plan_grade(args.submissions, roster=args.roster,
                            secret=args.secret or os.environ.get(SECRET_ENV),
                            notebooks=args.notebooks, mapping=args.mapping, out=args.out,
                            limits=limits)
    _say(f"grading {len(plan.jobs)} submission(s) of {len(plan.notebooks)} notebook(s) for "
         f"{len(plan.students)} student(s) into {plan.out}; {len(plan.problems)} problem(s) "
         "found in the submissions")
    summary = grade.run_grade(plan, jobs=args.jobs, executor=args.executor,
                              scheduler=args.scheduler, resume=args.resume,
                              reporter=grade.GradeReporter(),
                              kernel_start=args.kernel_start)
    _say(grade.format_grade_summary(summary))
    return summary.exit_code


# --- parser -------------------------------------------------------------------------------

def _add_simulate(sub: Any) -> None:
    p = sub.add_parser("simulate", help="write a simulated survey cohort as CSV",
                       description="Simulate a cohort from the course's latent model "
                                   "(see data/DATASHEET.md). The same seed gives the same bytes.")
    p.add_argument("--n", type=_whole(1, 2_000_000), default=800,
                   help="number of respondents (default 800)")
    p.add_argument("--seed", type=_whole(0), default=0, help="random seed (default 0)")
    p.add_argument("--out", type=_output_file, required=True, metavar="PATH",
                   help="CSV file to write (written atomically)")
    p.set_defaults(func=_cmd_simulate)


def _add_validate(sub: Any) -> None:
    p = sub.add_parser("validate", help="check a survey CSV against the codebook",
                       description="Check a survey file against the codebook. Exit 0 when it is "
                                   "valid (warnings are printed), 2 with every problem when not. "
                                   "Writes nothing.")
    p.add_argument("path", metavar="PATH", help="survey CSV (comma, semicolon or tab separated)")
    p.add_argument("--strict", action="store_true",
                   help="treat warnings (out-of-range answers, extra columns) as errors")
    p.set_defaults(func=_cmd_validate)


def _add_instrument(sub: Any) -> None:
    p = sub.add_parser("instrument", help="write the questionnaire (HTML, Markdown, Qualtrics)",
                       description="Write the questionnaire out of the codebook: a printable "
                                   "HTML or Markdown questionnaire, or a Qualtrics Advanced "
                                   "Format TXT file to import as a survey in one step.")
    p.add_argument("--format", choices=("html", "markdown", "qualtrics"), required=True,
                   help="html or markdown (printable), or qualtrics (Advanced Format TXT)")
    p.add_argument("--out", type=_output_file, required=True, metavar="PATH",
                   help="file to write (written atomically)")
    p.add_argument("--seed", type=_whole(0), default=None,
                   help="shuffle the items within each block with this seed (default: "
                        "codebook order)")
    p.add_argument("--show-ids", action="store_true",
                   help="print each question's column id (for typing in paper answers)")
    p.set_defaults(func=_cmd_instrument)


def _add_import(sub: Any) -> None:
    p = sub.add_parser("import", help="turn a form export into a survey file, de-identified",
                       description="Turn a Google Forms, Qualtrics or other CSV export into the "
                                   "survey file that 'validate' accepts. Identifying columns "
                                   "(names, emails, IP addresses, locations) and free text are "
                                   "dropped, response ids become salted pseudonyms, and what was "
                                   "dropped is printed. On any problem nothing is written.")
    p.add_argument("export", metavar="EXPORT", help="the export file (CSV or TSV)")
    p.add_argument("--source", choices=("google-forms", "qualtrics", "csv"), required=True,
                   help="which tool wrote the export")
    p.add_argument("--out", type=_output_file, required=True, metavar="PATH",
                   help="survey CSV to write (written atomically)")
    p.add_argument("--mapping", metavar="MAP",
                   help="CSV of 'export column,item id' rows for columns not matched by "
                        "wording ('-' as item id drops a column)")
    p.add_argument("--salt", metavar="SALT",
                   help=f"secret for the pseudonyms (at least {MIN_SECRET_CHARS} characters); "
                        "better set COURSEKIT_SALT, which stays out of the shell history. "
                        "Without either, pseudonyms differ on every run")
    p.add_argument("--keep-free-text", action="store_true",
                   help="keep the free-text comment, with emails, links, @handles, IP "
                        "addresses, phone numbers, street addresses, postcodes and long id "
                        "numbers replaced; names are not found (dropped by default)")
    p.add_argument("--drop-incomplete", action="store_true",
                   help="drop unfinished Qualtrics responses (kept by default)")
    p.add_argument("--allow-missing", action="store_true",
                   help="leave items and required variables that the export lacks empty "
                        "instead of failing")
    p.add_argument("--shift-scale", action="append", metavar="SCALE=N",
                   help="add N to every numeric answer of a scale's items, for a form built "
                        "on another range (wellbeing=-1 for a 1-6 form of the 0-5 scale); "
                        "may be repeated")
    p.set_defaults(func=_cmd_import)


def _add_render(sub: Any) -> None:
    p = sub.add_parser("render", help="execute the course notebooks and build the offline site",
                       description="Execute the course notebooks for a cohort (bundled data, "
                                   "a seed, a survey file) or every student of a roster, as "
                                   "student and/or instructor variant, in parallel, into "
                                   "executed notebooks and an offline HTML site with an index. "
                                   "Exit 0 when all succeed, 1 when a notebook failed (a "
                                   "report names notebook, cohort, cell and error), 2 on bad "
                                   "input (before any kernel starts), 130 or 143 when stopped "
                                   "by SIGINT or SIGTERM (whole files are kept; --resume "
                                   "goes on).")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--data", metavar="PATH", help="a survey CSV for every notebook "
                                                       "(checked first)")
    source.add_argument("--seed", type=_whole(0, 2**31 - 1), default=None,
                        help="simulate one cohort with this seed")
    source.add_argument("--roster", metavar="CSV",
                        help="a class list with a student_id column: each student gets personal "
                             "data and a pseudonymous folder (needs the course secret)")
    p.add_argument("--secret", metavar="SECRET",
                   help=f"course secret for --roster (at least {MIN_SECRET_CHARS} characters); "
                        "better set COURSEKIT_SECRET, which stays out of the shell history. "
                        "Never printed or written")
    p.add_argument("--cohort", metavar="LABEL",
                   help="folder name and title label of the cohort (default: bundled, seed-S "
                        "or data-NAME)")
    p.add_argument("--variant", choices=("student", "instructor", "both"), default="instructor",
                   help="student (solutions replaced by placeholders), instructor (default) "
                        "or both")
    p.add_argument("--notebooks", metavar="GLOB",
                   help="notebooks to render (default: notebooks/[0-9][0-9]_*.ipynb)")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="another notebook parameter, typed: JSON numbers, true/false/null; "
                        "anything else stays text (007 stays '007')")
    p.add_argument("--jobs", type=_whole(1, 512), default=None,
                   help="notebooks run at once (default: the number of CPU cores)")
    p.add_argument("--out", default="build", metavar="DIR",
                   help="site folder (default build/)")
    p.add_argument("--resume", action="store_true",
                   help="skip notebooks whose inputs (notebook, parameters, data, coursekit "
                        "version) are unchanged since they were rendered (see manifest.json)")
    p.add_argument("--timeout", type=_whole(1), default=600, metavar="SECONDS",
                   help="longest a cell may run (default 600)")
    p.add_argument("--no-execute", action="store_true",
                   help="write parameterized copies without running them (for learners)")
    p.add_argument("--pdf", action="store_true",
                   help="also print each page to a PDF beside it, with Chromium "
                        "(/usr/bin/chromium, or COURSEKIT_CHROMIUM)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4",
                   help="paper of the --pdf handouts (default a4)")
    p.add_argument("--executor", choices=("process", "dask"), default="process",
                   help="process pool on this machine (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address for --executor dask (tcp://host:8786)")
    p.add_argument("--kernel-start", choices=("auto", "warm", "fresh"), default=None,
                   help="warm: fork each notebook's kernel from a template process per worker "
                        "that has imported the course's libraries (falls back to fresh, "
                        "saying so); fresh: start each kernel anew; auto (the default, else "
                        "$COURSEKIT_KERNEL_START): warm when each worker runs two notebooks "
                        "or more")
    p.add_argument("--which", action="append", metavar="ID",
                   help="print the label and seed of this student of --roster (repeatable); "
                        "renders nothing")
    p.add_argument("--list-students", action="store_true",
                   help="print every roster student's label and seed as CSV; renders nothing")
    p.set_defaults(func=_cmd_render)


def _add_grade(sub: Any) -> None:
    p = sub.add_parser("grade", help="grade the class's submitted notebooks on each student's "
                                     "own data",
                       description="Grade submitted notebooks (a folder SUBMISSIONS/<student_id>/"
                                   "<notebook>.ipynb, a Canvas or Moodle zip, or --mapping): each "
                                   "runs sandboxed with the roster's parameters for its "
                                   "submitter and is judged on that student's cohort. Writes "
                                   "gradebook.csv, canvas.csv, problems.csv, a feedback page per "
                                   "student and report.html. Exit 0 when all graded, 1 when a "
                                   "submission could not be graded or a problem was found, 2 on "
                                   "bad input, 130 or 143 when stopped by SIGINT or SIGTERM.")
    p.add_argument("submissions", metavar="SUBMISSIONS", help="folder or LMS zip")
    p.add_argument("--roster", metavar="CSV", required=True,
                   help="the class list the notebooks were rendered with (student_id column)")
    p.add_argument("--secret", metavar="SECRET",
                   help="course secret of the render; better set COURSEKIT_SECRET")
    p.add_argument("--mapping", metavar="CSV",
                   help="CSV with columns file,student_id[,submitted_at] for other naming")
    p.add_argument("--notebooks", metavar="GLOB",
                   help="the course notebooks to grade (default: those with exercises)")
    p.add_argument("--out", default="grades", metavar="DIR", help="output folder (default "
                                                                   "grades/)")
    p.add_argument("--jobs", type=_whole(1, 512), default=None,
                   help="submissions run at once (default: the number of CPU cores)")
    p.add_argument("--resume", action="store_true",
                   help="re-use results of unchanged submissions from an earlier run")
    p.add_argument("--cell-timeout", type=_whole(1), default=120, metavar="SECONDS",
                   help="longest a cell may run before it is interrupted (default 120)")
    p.add_argument("--timeout", type=_whole(1), default=600, metavar="SECONDS",
                   help="longest a whole notebook may run (default 600)")
    p.add_argument("--memory-mb", type=_whole(256), default=2048, metavar="MIB",
                   help="memory a notebook's kernel may use (default 2048)")
    p.add_argument("--output-kb", type=_whole(16), default=2048, metavar="KIB",
                   help="output a notebook may print before it is cut (default 2048)")
    p.add_argument("--executor", choices=("process", "dask"), default="process",
                   help="process pool on this machine (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address for --executor dask")
    p.add_argument("--kernel-start", choices=("auto", "warm", "fresh"), default=None,
                   help="warm: fork each submission's kernel from a template per worker that "
                        "has imported the course's libraries, then sandbox it; fresh: start "
                        "each kernel anew; auto (the default, else $COURSEKIT_KERNEL_START): "
                        "warm when each worker grades two submissions or more")
    p.set_defaults(func=_cmd_grade)


def build_parser() -> argparse.ArgumentParser:
    """The ``coursekit`` parser: one sub-command per ``_add_*`` function above."""
    parser = _Parser(
        prog="coursekit",
        description="Chasing Followers: simulate, check and render the TikTok motive course.",
        epilog="Run 'coursekit COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"coursekit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_simulate(sub)
    _add_validate(sub)
    _add_instrument(sub)
    _add_import(sub)
    _add_render(sub)
    _add_grade(sub)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: one line, exit 128 + the signal number."""

    signum = signal.SIGTERM


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    main_thread = threading.current_thread() is threading.main_thread()
    # The render installs its own while it runs; called in-process, the caller's comes back.
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    try:
        return _run(args)
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace) -> int:
    """Run the chosen command; every expected failure becomes a message and an exit code."""
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
    except KeyboardInterrupt as exc:
        # SIGINT (Ctrl-C) or SIGTERM (the render turns it into an interrupt): 128 + signal.
        signum = int(getattr(exc, "signum", signal.SIGINT))
        name = signal.Signals(signum).name
        _warn(f"coursekit {args.command}: interrupted ({name}); nothing half-written was left")
        return 128 + signum


if __name__ == "__main__":
    sys.exit(main())
