"""Planning a render: every input checked and every job listed before any kernel starts.

Cohorts
-------
- no data option: the bundled cohort, label ``bundled``;
- ``seed``: a simulated cohort (``seed-S``); ``data``: a survey file (checked
  against the codebook before any kernel starts);
- ``roster``: a CSV with a ``student_id`` column; each student gets a personal
  seed and a pseudonymous label from the id and a course secret
  (:mod:`coursekit.render.roster`). Neither the id nor the secret reaches any output:
  the label names the student's folder and is the notebooks' ``cohort``
  parameter.

A job is one notebook x cohort x variant (:class:`coursekit.render.job.Job`);
its fingerprint (notebook after the variant change, parameters, data file
bytes, output format, coursekit version) is what ``--resume`` compares.

>>> check_label("seed-3", "cohort label")
'seed-3'
>>> try:
...     check_label("../up", "cohort label")
... except RenderError as exc:
...     print(str(exc)[:41])
cohort label '../up' cannot name a folder
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursekit import __version__
from coursekit.common.errors import RenderError
from coursekit.render.job import Job, lighten_imports
from coursekit.render.parameters import check_parameters, parse_parameter
from coursekit.render.roster import check_secret, read_roster, student_label, student_seed
from coursekit.render.sources import SourceNotebook, load_notebooks
from coursekit.render.variants import VARIANTS, make_variant, stamp_issue

DEFAULT_TIMEOUT = 600
#: Bump when the outputs change for the same inputs: a resumed render then redoes everything.
OUTPUT_FORMAT = 1
#: Set only through their own options, never as ``-p NAME VALUE``.
RESERVED = {"seed": "--seed", "data_path": "--data", "cohort": "--cohort"}

_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Cohort:
    """One cohort to render: its folder label and the parameters its notebooks get."""

    label: str
    parameters: Mapping[str, Any]
    data_digest: str | None = None
    #: Folder the kernels run in (the data file's, so that ``data_path`` is a bare file
    #: name and no instructor's folder names reach a page); None: the notebook's folder.
    workdir: str | None = None
    #: A roster student's cohort: their student copies carry the issue stamp
    #: (:func:`coursekit.render.variants.stamp_issue`).
    issued: bool = False


@dataclass(frozen=True)
class RenderPlan:
    """What a render will do: checked inputs and the jobs, before any kernel starts."""

    out: Path
    notebooks: tuple[SourceNotebook, ...]
    cohorts: tuple[Cohort, ...]
    variants: tuple[str, ...]
    jobs: tuple[Job, ...]


def fingerprint(source: str, parameters: Mapping[str, Any], cohort: Cohort,
                variant: str, execute: bool) -> str:
    """What a job's outputs depend on, as one hash (see the module docstring)."""
    h = hashlib.sha256()
    for part in (source, json.dumps(parameters, sort_keys=True, default=str),
                 cohort.data_digest or "-", variant, str(execute), str(OUTPUT_FORMAT),
                 __version__):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def check_label(label: str, what: str) -> str:
    """``label`` if it can name a folder, else :class:`RenderError` saying what is allowed."""
    if not _LABEL.match(label):
        raise RenderError(
            f"{what} {label!r} cannot name a folder (expected letters, digits, '.', '_' or '-', "
            "starting with a letter or digit, at most 64 characters, no '/' or '..')")
    return label


def prepare_out(out: str | Path) -> Path:
    """Create the output folder if needed and check that files can be written there."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise RenderError(f"--out {path}: is a file, expected a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path, prefix=".write-test.", suffix=".part")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise RenderError(f"--out {path}: cannot write there ({exc.strerror or exc})") from None
    return path.resolve()


def _data_cohort(data: str | Path, label: str | None) -> Cohort:
    from coursekit.common.errors import SurveyDataError
    from coursekit.survey.load import check_survey

    path = Path(data)
    if not path.is_file():
        raise RenderError(f"--data {path}: no such file")
    checked = check_survey(path)
    if checked.report.errors:
        raise SurveyDataError(checked.report.source, list(checked.report.errors))
    _check_size(checked.data, f"--data {path}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-.") or "data"
    label = check_label(label or f"data-{stem}"[:64], "cohort label")
    return Cohort(label, {"data_path": path.name, "cohort": label}, digest,
                  workdir=str(path.resolve().parent))


def _check_size(raw: Any, source: str) -> None:
    """Refuse a cohort too small for the course (``course.session.MIN_RESPONDENTS``)."""
    from coursekit.common.errors import CourseKitError
    from coursekit.course.session import usable_respondents

    try:
        usable_respondents(raw, source)
    except CourseKitError as exc:
        raise RenderError(str(exc)) from None


def _check_simulated_sizes(cohorts: Sequence[Cohort], notebooks: Sequence[SourceNotebook],
                           extra: Mapping[str, str]) -> None:
    """Refuse simulated cohorts whose ``n_respondents`` leaves fewer usable than the minimum.

    Simulating a class of a few dozen costs milliseconds, so each such cohort is simulated
    and cleaned here exactly as its kernels will; larger ones always clear the minimum.
    A render without simulated cohorts (the bundled one, ``--data``) does not import the
    course's analysis here (about 2 s before the first notebook could start).
    """
    if not any("seed" in c.parameters for c in cohorts):
        return
    from coursekit.course.session import MIN_RESPONDENTS
    from coursekit.survey.simulate import simulate_survey

    for c in cohorts:
        if "seed" not in c.parameters:
            continue
        for nb in notebooks:
            default = nb.parameters.get("n_respondents")
            n = (parse_parameter(extra["n_respondents"], default)
                 if "n_respondents" in extra else default)
            if not isinstance(n, int) or isinstance(n, bool) or n > 4 * MIN_RESPONDENTS:
                continue
            seed = int(c.parameters["seed"])
            source = f"the simulated cohort of seed {seed} and n_respondents {n}"
            if n < MIN_RESPONDENTS:
                raise RenderError(f"only {n} respondents in {source}; the course needs at "
                                  f"least {MIN_RESPONDENTS}")
            _check_size(simulate_survey(n, seed), source)
            break


def _roster_cohorts(roster: str | Path, secret: str | None) -> list[Cohort]:
    key = check_secret(secret)
    labels: dict[str, str] = {}
    for sid in read_roster(roster):
        label = student_label(sid, key)
        if label in labels:
            raise RenderError(f"roster {roster}: two students get the same label; "
                              "choose another course secret")
        labels[label] = sid
    return [Cohort(label, {"seed": student_seed(sid, key), "cohort": label}, issued=True)
            for label, sid in labels.items()]


def _cohorts(data: str | Path | None, seed: int | None, roster: str | Path | None,
             secret: str | None, cohort: str | None) -> list[Cohort]:
    if sum(x is not None for x in (data, seed, roster)) > 1:
        raise RenderError("choose one of --data, --seed and --roster")
    if roster is not None:
        if cohort is not None:
            raise RenderError("--cohort names one cohort; a roster names each student itself")
        return _roster_cohorts(roster, secret)
    if data is not None:
        return [_data_cohort(data, cohort)]
    if seed is not None:
        label = check_label(cohort or f"seed-{seed}", "cohort label")
        return [Cohort(label, {"seed": int(seed), "cohort": label})]
    label = check_label(cohort or "bundled", "cohort label")
    return [Cohort(label, {"cohort": label} if cohort else {})]


def _extra_parameters(parameters: Sequence[tuple[str, str]]) -> dict[str, str]:
    extra: dict[str, str] = {}
    for name, text in parameters:
        if name in RESERVED:
            raise RenderError(f"set {name} with {RESERVED[name]}, not as a parameter")
        extra[name] = text
    return extra


def _jobs(cohorts: Sequence[Cohort], notebooks: Sequence[SourceNotebook],
          variants: Sequence[str], extra: Mapping[str, str], execute: bool,
          timeout: int) -> list[Job]:
    import nbformat

    sources = {(nb.stem, v): nbformat.writes(make_variant(nb.node, v))
               for nb in notebooks for v in variants}
    jobs = []
    for c in cohorts:
        for nb in notebooks:
            typed = {name: parse_parameter(text, nb.parameters.get(name))
                     for name, text in extra.items()}
            params = {**c.parameters, **typed}
            for v in variants:
                source = sources[nb.stem, v]
                if c.issued and v == "student":
                    source = nbformat.writes(stamp_issue(nbformat.reads(source, as_version=4),
                                                         student=c.label, notebook=nb.stem))
                jobs.append(Job(
                    key=f"{c.label}/{v}/{nb.stem}", notebook=nb.stem, title=nb.title,
                    cohort=c.label, variant=v, source=source, parameters=params,
                    execute=execute, timeout=int(timeout),
                    cwd=c.workdir or str(nb.path.parent),
                    fingerprint=fingerprint(source, params, c, v, execute)))
    return jobs


def plan_render(
    *,
    notebooks: str | None = None,
    data: str | Path | None = None,
    seed: int | None = None,
    roster: str | Path | None = None,
    secret: str | None = None,
    cohort: str | None = None,
    variant: str = "instructor",
    parameters: Sequence[tuple[str, str]] = (),
    out: str | Path = "build",
    execute: bool = True,
    timeout: int = DEFAULT_TIMEOUT,
) -> RenderPlan:
    """Check every input and list the jobs; raises :class:`RenderError` (nothing started).

    ``variant`` is ``student``, ``instructor`` or ``both``; ``parameters`` are
    extra ``(name, text)`` pairs typed by :func:`parse_parameter`.
    """
    lighten_imports()
    if sum(x is not None for x in (data, seed, roster)) > 1:
        raise RenderError("choose one of --data, --seed and --roster")
    variants = VARIANTS if variant == "both" else (variant,)
    if any(v not in VARIANTS for v in variants):
        raise RenderError(f"unknown variant {variant!r} (expected student, instructor or both)")
    if timeout < 1:
        raise RenderError(f"--timeout {timeout}: expected a whole number of seconds >= 1")
    if roster is not None and cohort is not None:
        raise RenderError("--cohort names one cohort; a roster names each student itself")
    found = load_notebooks(notebooks)
    extra = _extra_parameters(parameters)
    check_parameters(found, extra)
    cohorts = _cohorts(data, seed, roster, secret, cohort)
    check_parameters(found, {n for c in cohorts for n in c.parameters})
    _check_simulated_sizes(cohorts, found, extra)
    out_path = prepare_out(out)
    jobs = _jobs(cohorts, found, variants, extra, execute, timeout)
    return RenderPlan(out_path, tuple(found), tuple(cohorts), tuple(variants), tuple(jobs))
