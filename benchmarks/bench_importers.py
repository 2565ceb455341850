"""Importing a form export, against validating the canonical file of the same cohort.

Both read and check every cell of the same respondents; the import also
matches columns by wording, maps labels, filters rows and makes pseudonyms.
Each case is timed as the best of a few runs in this process.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from benchmarks import best_of
from coursekit.survey.canonical import write_survey
from coursekit.survey.codebook import load_codebook
from coursekit.survey.importers import import_export, write_import
from coursekit.survey.load import check_survey
from coursekit.survey.simulate import simulate_survey

SALT = "benchmark salt, not a secret"


def _forms_export(df, cb, path: Path) -> None:
    """A Google Forms export with anchor labels as answers, titled by item wording."""
    header = ["Timestamp"] + [i.wording for i in cb.items] + [
        cb.variable(v).question for v in ("age", "gender", "daily_minutes", "creator_status",
                                          "followers")]
    rows = [header]
    for k, r in enumerate(df.itertuples(index=False)):
        rec = r._asdict()
        row = [f"2026/03/02 {k % 12 + 1}:00:{k % 60:02d} PM GMT+1"]
        for i in cb.items:
            v = rec[i.id]
            row.append("" if v != v or v not in i.response_scale.values
                       else i.response_scale.label(int(v)))
        for name in ("age", "gender", "daily_minutes", "creator_status", "followers"):
            var, v = cb.variable(name), rec[name]
            if v is None or v != v:
                row.append("")
            elif var.type == "category":
                row.append(var.option_labels[var.categories.index(v)])
            else:
                row.append(str(int(v)))
        rows.append(row)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _qualtrics_export(df, cb, path: Path) -> None:
    """A numeric Qualtrics export with metadata, question ids as in coursekit's TXT file."""
    meta = ["ResponseId", "IPAddress", "Status", "Finished", "Duration (in seconds)"]
    cols = [c for c in cb.columns if c not in ("respondent_id", "completion_seconds", "comment")]
    header3 = [json.dumps({"ImportId": m}) for m in meta] + [
        json.dumps({"ImportId": f"QID{k}"}) for k in range(len(cols))]
    rows = [meta + cols, meta + cols, header3]
    for k, r in enumerate(df.itertuples(index=False)):
        rec = r._asdict()
        row = [f"R_{k:015d}", f"192.0.2.{k % 250}", "0", "1", "300"]
        for c in cols:
            v = rec[c]
            if cb.has_variable(c) and cb.variable(c).type == "category":
                row.append("" if v is None or v != v else
                           str(cb.variable(c).categories.index(v) + 1))
            elif cb.has_item(c) and v not in cb.item(c).response_scale.values:
                row.append("")  # a form cannot record the simulator's typos
            else:
                row.append("" if v != v else str(int(v)))
        rows.append(row)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


def run() -> list[dict]:
    cb = load_codebook()
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in (500, 5000):
            df = simulate_survey(n, seed=1)
            canonical = folder / f"canonical_{n}.csv"
            write_survey(df, canonical)
            baseline = best_of(lambda p=canonical: check_survey(p, cb))
            for source, writer in (("google-forms", _forms_export),
                                   ("qualtrics", _qualtrics_export)):
                export = folder / f"{source}_{n}.csv"
                writer(df, cb, export)
                target = folder / f"imported_{source}_{n}.csv"

                def job(e=export, s=source, t=target):
                    write_import(import_export(e, s, codebook=cb, salt=SALT,
                                               allow_missing=True), t, cb)

                ours = best_of(job)
                out.append({"case": f"import {source} (labels)" if source == "google-forms"
                            else f"import {source} (codes)", "n": n, "ours_s": ours,
                            "baseline": "coursekit validate", "baseline_s": baseline,
                            "ratio": ours / baseline})
    return out
