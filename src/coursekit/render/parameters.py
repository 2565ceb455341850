"""Notebook parameters: typing ``-p NAME VALUE`` texts and checking names against notebooks.

Parameters travel typed through papermill's API, never its command line, which
turns ``007`` into ``7`` (papermill's ``translators`` then write them into the
injected cell). Every name must be declared in each notebook's ``parameters``
cell; an unknown one stops the render before a kernel starts.

The declared names and defaults come from papermill's ``inspect_notebook``; only the typing
rule for texts is ours, since papermill's own (``-p`` on its command line) drops leading zeros.

>>> parse_parameter("300"), parse_parameter("007"), parse_parameter("2026", default="x")
(300, '007', '2026')
>>> declared_defaults({"seed": {"default": "None"}, "cohort": {"default": "'x'"}})
{'seed': None, 'cohort': 'x'}
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from coursekit.common.errors import RenderError

PARAMETERS_TAG = "parameters"


class Declares(Protocol):
    """Anything with the path and the declared parameters of a notebook."""

    @property
    def path(self) -> Any: ...

    @property
    def parameters(self) -> Mapping[str, Any]: ...


def parse_parameter(text: str, default: Any = None) -> Any:
    """A ``-p NAME VALUE`` value, typed without losing anything.

    A JSON literal (``300``, ``0.5``, ``true``, ``null``, ``"300"``) becomes
    that value, except where the notebook's default is a string: then the text
    is kept as written. Anything else stays the text itself, so ``007`` stays
    ``"007"`` (JSON numbers have no leading zeros).
    """
    if isinstance(default, str):
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, str | int | float | bool) or value is None else text


def _default_value(info: Mapping[str, Any]) -> Any:
    try:
        return ast.literal_eval(str(info.get("default")))
    except (ValueError, SyntaxError):
        return None


def declared_defaults(inspected: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Name -> default value (a literal, else None) from papermill's ``inspect_notebook``."""
    return {name: _default_value(info) for name, info in inspected.items()}


def check_parameters(notebooks: Sequence[Declares], names: Iterable[str]) -> None:
    """Raise :class:`RenderError` unless every notebook declares every parameter name."""
    names = list(names)
    for nb in notebooks:
        unknown = [n for n in names if n not in nb.parameters]
        if unknown:
            declared = ", ".join(nb.parameters) or "none: it has no cell tagged 'parameters'"
            raise RenderError(f"{nb.path.name}: unknown parameter {unknown[0]!r} "
                              f"(its parameters: {declared})")
