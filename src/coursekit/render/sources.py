"""The course notebooks a render starts from: found by glob, read, titled, parameters listed.

>>> from coursekit.common.errors import RenderError
>>> try:
...     load_notebooks("/no/such/folder/*.ipynb")
... except RenderError as exc:
...     print(exc)
no notebook matches '/no/such/folder/*.ipynb' (expected .ipynb files)
"""

from __future__ import annotations

import fnmatch
import glob as globmod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursekit.common.errors import RenderError
from coursekit.common.paths import source_checkout
from coursekit.render.parameters import declared_defaults

DEFAULT_NOTEBOOKS = "notebooks/[0-9][0-9]_*.ipynb"


@dataclass(frozen=True)
class SourceNotebook:
    """A course notebook as found on disk, with the parameters its ``parameters`` cell declares."""

    path: Path
    stem: str
    title: str
    parameters: Mapping[str, Any]
    node: Any = field(repr=False, compare=False)


def _find(pattern: str | None, root: Path | None) -> tuple[list[Path], str]:
    if pattern is None:
        base = root or Path.cwd()
        if not list(base.glob(DEFAULT_NOTEBOOKS)):
            base = source_checkout()
        return sorted(base.glob(DEFAULT_NOTEBOOKS)), str(base / DEFAULT_NOTEBOOKS)
    paths = sorted(Path(p) for p in globmod.glob(pattern, recursive=True)
                   if fnmatch.fnmatch(p, "*.ipynb") and Path(p).is_file())
    return paths, pattern


def _read(path: Path) -> SourceNotebook:
    import nbformat
    from papermill import inspect_notebook

    from coursekit.render.htmlexport import notebook_title

    try:
        node = nbformat.read(path, as_version=4)
        params = inspect_notebook(str(path))
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook stops the render
        raise RenderError(f"{path}: not a readable notebook ({exc})") from None
    return SourceNotebook(path.resolve(), path.stem, notebook_title(node, path.stem),
                          declared_defaults(params), node)


def load_notebooks(pattern: str | None = None, *, root: Path | None = None) -> list[SourceNotebook]:
    """The notebooks matching ``pattern`` (a glob), sorted, read and inspected.

    The default pattern is :data:`DEFAULT_NOTEBOOKS` under the current folder,
    else under the source checkout. Raises :class:`RenderError` when nothing
    matches or a file is not a notebook.
    """
    paths, shown = _find(pattern, root)
    if not paths:
        raise RenderError(f"no notebook matches {shown!r} (expected .ipynb files)")
    stems = [p.stem for p in paths]
    repeated = sorted({s for s in stems if stems.count(s) > 1})
    if repeated:
        raise RenderError(f"two notebooks share the name {repeated[0]!r}; names must be unique")
    return [_read(path) for path in paths]
