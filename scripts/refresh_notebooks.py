"""Re-execute the course notebooks in place, so their stored outputs are current.

``make notebooks`` runs this after a change to a notebook or to coursekit; nbval
(in ``make test``) then compares fresh runs against these stored outputs.

Stored notebooks stay small and readable without a kernel: no widget state is
stored (``store_widget_state=False``), and where an explorer's output carries
both a live-widget view and its starting figure, only the figure is kept, so a
reader who opens the notebook sees the figure instead of a broken widget.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from coursekit.common.atomic import atomic_write_text
from coursekit.common.mime import PLOTLY_MIME, WIDGET_MIME

ROOT = Path(__file__).resolve().parents[1]


def strip_for_storage(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop widget views that have a static figure beside them, and run metadata."""
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data and PLOTLY_MIME in data:
                del data[WIDGET_MIME]
    return nb


def refresh(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    atomic_write_text(path, nbformat.writes(strip_for_storage(nb)) + "\n")
    print(f"refreshed {path.relative_to(ROOT)} ({path.stat().st_size / 1024:.0f} KB)")


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        refresh(path.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
