"""The site's manifest (``OUT/manifest.json``): one entry per job, what ``--resume`` trusts.

An entry records a job's status, the fingerprint of its inputs (only when it
succeeded), its output files, timing and failure. ``--resume`` skips a job whose
fingerprint matches an ``ok`` or ``prepared`` entry with every output present.
The manifest is rewritten atomically after each job, so a killed render leaves
the last whole one.

>>> from coursekit.render.job import Job, JobResult
>>> job = Job(key="c/student/01", notebook="01", title="One", cohort="c", variant="student",
...           source="{}", parameters={}, execute=False, timeout=1, cwd=None, fingerprint="f")
>>> entry = manifest_entry(job, JobResult(job.key, "prepared", 0.5), ["c/student/01.ipynb"])
>>> entry["status"], entry["fingerprint"], entry["outputs"]
('prepared', 'f', ['c/student/01.ipynb'])
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from coursekit import __version__
from coursekit.common.atomic import atomic_write_text
from coursekit.render.job import Job, JobResult
from coursekit.render.plan import OUTPUT_FORMAT

MANIFEST = "manifest.json"


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of site folder ``out`` (an empty one if absent or unreadable)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("entries"), dict):
            return data
    except (OSError, ValueError):
        pass
    return {"entries": {}}


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest`` (stamped with the coursekit version and output format) atomically."""
    manifest["coursekit"] = __version__
    manifest["format"] = OUTPUT_FORMAT
    atomic_write_text(out / MANIFEST,
                      json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def is_done(out: Path, job: Job, entry: Mapping[str, Any] | None) -> bool:
    """Whether ``entry`` shows ``job`` done with these very inputs and its outputs all there."""
    if not entry or entry.get("fingerprint") != job.fingerprint:
        return False
    if entry.get("status") not in ("ok", "prepared"):
        return False
    return all((out / rel).is_file() for rel in entry.get("outputs", []))


def manifest_entry(job: Job, result: JobResult, outputs: Sequence[str]) -> dict[str, Any]:
    """The manifest entry of a finished job (no fingerprint for a failure: it is redone)."""
    failed = result.status == "failed"
    return {
        "cohort": job.cohort, "variant": job.variant, "notebook": job.notebook,
        "title": job.title, "status": result.status,
        "fingerprint": job.fingerprint if not failed else None,
        "outputs": list(outputs), "seconds": round(result.seconds, 2),
        "attempts": result.attempts,
        "failure": asdict(result.failure) if result.failure else None,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
