"""The two variants of a course notebook, as nbconvert preprocessors.

From one source, the ``instructor`` variant is the notebook as written and the
``student`` variant replaces each ``solution``-tagged cell with a placeholder
that still runs. Both start from cleared outputs
(:class:`nbconvert.preprocessors.ClearOutputPreprocessor`), so nothing stored in
the source notebook leaks into a student copy.

``StudentVariant`` is an nbconvert ``Preprocessor`` over tagged cells, as
nbgrader's ``ClearSolutions`` is; nbgrader itself is not used because it
replaces a solution by ``raise NotImplementedError`` between
``### BEGIN SOLUTION`` markers, and the course's exercise checks need a
placeholder that runs and leaves each answer ``None`` ("not attempted yet").
Which names a solution assigns is read with :mod:`ast` (:func:`placeholder_source`).

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
...     "answer = 42", metadata={"tags": ["solution"]})])
>>> make_variant(nb, "student").cells[0].source
'answer = None  # write your answer here\\n'
"""

from __future__ import annotations

import ast
import copy
from functools import lru_cache
from typing import Any

from coursekit.common.errors import RenderError

VARIANTS = ("student", "instructor")
#: The notebook metadata key that says whom a student copy was issued to (see :func:`stamp_issue`).
ISSUE_KEY = "coursekit"
#: Which course a notebook belongs to, as written into an issued copy's metadata.
COURSE_ID = "chasing-followers"
SOLUTION_TAG = "solution"
PLACEHOLDER_COMMENT = "write your answer here"
#: What a student sees in place of a ``solution``-tagged Markdown cell.
PLACEHOLDER_MARKDOWN = "*Write your answer here.*"


def _assigned_names(tree: ast.Module) -> list[str]:
    names: list[str] = []

    def add(target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            if target.id not in names:
                names.append(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            for item in target.elts:
                add(item)
        elif isinstance(target, ast.Starred):
            add(target.value)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                add(target)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            add(node.target)
    return names


def placeholder_source(source: str) -> str:
    """What a student sees instead of a solution cell: runnable, no answer.

    Every name the solution assigns at top level becomes
    ``name = None  # write your answer here`` (so the exercise check after it
    says "not attempted yet"); a solution that assigns nothing becomes the
    comment alone.

    >>> placeholder_source("answer_02_1 = round(alpha.raw, 2)")
    'answer_02_1 = None  # write your answer here\\n'
    """
    try:
        names = _assigned_names(ast.parse(source))
    except SyntaxError:
        names = []
    if not names:
        return f"# {PLACEHOLDER_COMMENT}\n"
    return "".join(f"{name} = None  # {PLACEHOLDER_COMMENT}\n" for name in names)


@lru_cache(maxsize=1)
def _student_variant_class() -> type:
    # Built on first use: importing nbconvert here would pull jsonschema's IRI grammar
    # into every process that imports the render, before lighten_imports() can keep it out.
    from nbconvert.preprocessors import Preprocessor

    class StudentVariant(Preprocessor):
        """Replace each ``solution``-tagged cell: code by :func:`placeholder_source`, Markdown
        by :data:`PLACEHOLDER_MARKDOWN` (attachments dropped)."""

        def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
            if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
                if cell.cell_type == "code":
                    cell.source = placeholder_source(cell.source)
                else:
                    cell.source = PLACEHOLDER_MARKDOWN
                cell.pop("attachments", None)
            return cell, resources

    StudentVariant.__module__ = __name__
    StudentVariant.__qualname__ = "StudentVariant"
    return StudentVariant


def __getattr__(name: str) -> Any:
    """``StudentVariant``, the nbconvert preprocessor, created when first asked for."""
    if name == "StudentVariant":
        return _student_variant_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def stamp_issue(nb: Any, *, student: str, notebook: str) -> Any:
    """Write into ``nb``'s metadata whom and what this student copy was issued for.

    ``student`` is the pseudonymous label (never the student id): ``coursekit grade``
    compares it with the submitter's label and flags a copy issued to somebody else.

    >>> import nbformat
    >>> stamp_issue(nbformat.v4.new_notebook(), student="s-1a2b3c4d", notebook="01_x"
    ...             ).metadata[ISSUE_KEY]["issued_for"]
    's-1a2b3c4d'
    """
    nb.metadata[ISSUE_KEY] = {"course": COURSE_ID, "assignment": notebook, "notebook": notebook,
                              "issued_for": student, "variant": "student"}
    return nb


def make_variant(nb: Any, variant: str) -> Any:
    """A copy of notebook ``nb`` for ``variant`` (``student`` or ``instructor``), outputs cleared.

    Cell metadata stay as written (``collapsed`` and ``scrolled`` included) and the
    notebook's stored widget state is dropped.
    """
    if variant not in VARIANTS:
        raise RenderError(f"unknown variant {variant!r} (expected one of {', '.join(VARIANTS)})")
    from nbconvert.preprocessors import ClearOutputPreprocessor

    out = copy.deepcopy(nb)
    out.metadata.pop("widgets", None)
    steps = [ClearOutputPreprocessor(remove_metadata_fields=set())]
    if variant == "student":
        steps.append(_student_variant_class()())
    resources: dict[str, Any] = {}
    for step in steps:
        out, resources = step.preprocess(out, resources)
    return out
