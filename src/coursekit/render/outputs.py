"""The site folder a render writes: job outputs, leftovers of a killed run, the index.

Only the render's main process writes here, each file to a temporary name renamed
into place (:mod:`coursekit.common.atomic`), so an interrupted run leaves whole
files only. A failed notebook's good output from an earlier run is kept; the
failed run is written beside it as ``NAME.failed.ipynb`` and ``NAME.failed.html``
and removed by the next successful render of that notebook.

Output layout::

    OUT/index.html  OUT/plotly.min.js  OUT/coursekit.css  OUT/manifest.json
    OUT/<cohort label>/<variant>/<notebook>.ipynb and .html

>>> is_temp_file(".01_slow.html.k2j3_x.part"), is_temp_file("01_slow.html")
(True, False)
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from coursekit.common.atomic import atomic_write_text
from coursekit.render.job import Failure, Job, JobResult
from coursekit.render.manifest import manifest_entry

_TEMP_FILE = re.compile(r"^\..+\.[A-Za-z0-9_]+\.part$")  # atomic_path names


def is_temp_file(name: str) -> bool:
    """Whether ``name`` is one of :func:`coursekit.common.atomic.atomic_path`'s temporary names."""
    return bool(_TEMP_FILE.match(name))


def remove_stale_temp_files(out: Path) -> int:
    """Temporary files a killed run left (``.NAME.XXXX.part``); call with the lock held."""
    removed = 0
    for path in out.rglob(".*.part"):
        if path.is_file() and is_temp_file(path.name):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed


def write_result(out: Path, job: Job, result: JobResult, entries: dict[str, Any]) -> None:
    """Write a finished job's files and put its manifest entry into ``entries``."""
    (out / job.folder).mkdir(parents=True, exist_ok=True)
    failed = result.status == "failed"
    outputs = []
    for suffix, text in ((".ipynb", result.ipynb), (".html", result.html)):
        if text is not None:
            atomic_write_text(out / job.output(suffix, failed), text)
            outputs.append(job.output(suffix, failed))
    if not failed:
        for suffix in (".ipynb", ".html"):
            with contextlib.suppress(FileNotFoundError):
                (out / job.output(suffix, failed=True)).unlink()
        if not job.execute:  # a prepared copy has no page; drop an older one
            with contextlib.suppress(FileNotFoundError):
                (out / job.output(".html")).unlink()
    entries[job.key] = manifest_entry(job, result, outputs)


def write_site_index(out: Path, entries: Mapping[str, Any]) -> None:
    """The index page, from the manifest's entries."""
    from coursekit.render.htmlexport import IndexEntry, write_index

    rows = []
    for entry in entries.values():
        outputs = entry.get("outputs", [])
        page = next((o for o in outputs if o.endswith(".html")), None)
        notebook = next((o for o in outputs if o.endswith(".ipynb")), None)
        failure = entry.get("failure")
        detail = Failure(**failure).describe() if failure else ""
        rows.append(IndexEntry(entry["cohort"], entry["variant"], entry["notebook"],
                               entry.get("title", entry["notebook"]), entry["status"],
                               page, notebook, detail))
    write_index(out, rows)
