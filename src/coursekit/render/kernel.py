"""Launcher of the kernels that ``coursekit render`` starts: ipykernel, minus two start-up costs.

Used instead of ``python -m ipykernel_launcher`` for render kernels only; a
learner's kernel in JupyterLab is not affected. It keeps two optional modules
out of the kernel, which changes no output:

- ``rfc3987_syntax``: plotly's FigureWidget imports nbformat, nbformat imports
  jsonschema, and jsonschema builds this module's IRI grammar at import time
  (about 1.3 s per kernel, measured in ``benchmarks/bench_render.py``); without
  it, jsonschema skips only the ``iri`` formats, which nothing in a notebook
  run validates;
- ``debugpy`` (about 0.1 s): nobody attaches a debugger to a batch render.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    # As ipykernel_launcher does: the working folder joins sys.path later, in the kernel.
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
        del sys.path[0]
    from coursekit.common.lean import KERNEL_OPTIONAL, keep_out

    keep_out(*KERNEL_OPTIONAL)

    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
