"""Write the cohorts R's reference values are computed on (``make reference``).

Each cohort is cleaned as the course cleans it (``coursekit.start``), its motive and
pitfall items reverse-keyed, and written with its gender column to
``tests/reference/cfa/<cohort>.csv``; ``model.json`` says which items form which scale.
R then reads exactly the matrix the Python side fits (``cfa.R``).
"""

from __future__ import annotations

import json
from pathlib import Path

from coursekit import keyed_items, start

OUT = Path(__file__).resolve().parents[2] / "tests" / "reference" / "cfa"
#: name -> start() arguments: the bundled cohort, another seed, a seminar-sized class.
COHORTS = {"bundled": {}, "seed11": {"seed": 11}, "class60": {"seed": 3, "n_respondents": 60}}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    model = {}
    for name, args in COHORTS.items():
        course = start(**args)
        scales = [*course.codebook.scale_names("motive"), *course.codebook.scale_names("pitfall")]
        model = {s: list(course.codebook.scale(s).item_ids) for s in scales}
        items = keyed_items(course.data, scales, course.codebook)
        items.insert(0, "gender", course.data["gender"])
        items.to_csv(OUT / f"{name}.csv", index=False, float_format="%.0f")
        print(f"wrote {OUT / f'{name}.csv'} ({len(items)} respondents)")
    (OUT / "model.json").write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
