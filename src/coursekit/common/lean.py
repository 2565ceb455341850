"""Optional modules kept out of a process because importing them is slow and changes nothing.

jsonschema imports ``rfc3987_syntax``, which builds its IRI grammar at import time (about
1.1-1.5 s here; jsonschema issues 1428 and 1521), only to check the ``iri`` formats, and
carries on without it. Nothing coursekit validates uses those formats. It reaches a process
through ``import papermill`` (render) and through a learner's first FigureWidget (plotly ->
nbformat -> jsonschema). A render kernel also needs no ``debugpy``.

>>> import sys
>>> keep_out("coursekit_no_such_module")
>>> "jsonschema" in sys.modules or sys.modules["coursekit_no_such_module"] is None
True
>>> _ = sys.modules.pop("coursekit_no_such_module", None)
"""

from __future__ import annotations

import sys

#: The modules a learner's kernel and the render process leave out.
SLOW_OPTIONAL = ("rfc3987_syntax",)
#: What a render kernel leaves out besides: nobody attaches a debugger to a batch render.
KERNEL_OPTIONAL = (*SLOW_OPTIONAL, "debugpy")


def keep_out(*names: str) -> None:
    """Make ``import name`` fail fast for each of ``names`` (an optional import is skipped).

    Has no effect on a module already imported, nor once jsonschema has imported its grammar.
    """
    if "jsonschema" in sys.modules:
        return
    for name in names:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
