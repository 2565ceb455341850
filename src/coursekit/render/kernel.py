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

A render kernel also dies with the process that started it
(:func:`coursekit.render.lifeline.die_with_parent`, parent from
``JPY_PARENT_PID``, which jupyter_client sets): ipykernel's own parent poller
does the same only once a second, after its start-up, and not before it runs.

A render kernel's environment is the worker's without its secrets
(:func:`kernel_environment`): the course secret and salt, and any variable
whose name says it holds a password, token, key or credential. A notebook, or
a graded submission, never needs them, and a started kernel and a warm one
(:mod:`coursekit.render.warm`) get the same.

>>> parent_from_env({"JPY_PARENT_PID": "123"}), parent_from_env({})
(123, None)
>>> sorted(kernel_environment({"COURSEKIT_SECRET": "s", "GITHUB_TOKEN": "t", "HOME": "/h",
...                            "AWS_SECRET_ACCESS_KEY": "k", "PATH": "/bin"}))
['HOME', 'PATH']
"""

import os
import re
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

#: Never passed to a render kernel: the course secret (render.roster.SECRET_ENV) and the
#: import salt (survey.deidentify.SALT_ENV); tests check that the names agree.
SECRET_NAMES = ("COURSEKIT_SECRET", "COURSEKIT_SALT")
_SECRET_LIKE = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|API_?KEY|PRIVATE_?KEY"
                          r"|ACCESS_?KEY|_SALT$", re.IGNORECASE)


def parent_from_env(env: Mapping[str, str]) -> int | None:
    """The pid of the process that launched this kernel, as jupyter_client passes it."""
    text = env.get("JPY_PARENT_PID", "")
    return int(text) if text.isdigit() and int(text) > 1 else None


def kernel_environment(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without the variables a render kernel must not see (secrets, tokens, keys)."""
    return {k: v for k, v in env.items()
            if k not in SECRET_NAMES and not _SECRET_LIKE.search(k)}


def default_signals() -> None:
    """SIGINT and SIGTERM back to their defaults (ipykernel then installs its own SIGINT).

    A render worker ignores both, and an ignored signal survives ``exec`` and ``fork``.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def prepare_process() -> None:
    """What a render kernel's process does before ipykernel starts, started or forked warm."""
    default_signals()
    parent = parent_from_env(os.environ)
    if parent is not None:
        from coursekit.render.lifeline import die_with_parent

        die_with_parent(parent)


def launch() -> None:
    """Start ipykernel as ``ipykernel_launcher`` does, without the optional slow imports."""
    from coursekit.common.lean import KERNEL_OPTIONAL, keep_out

    keep_out(*KERNEL_OPTIONAL)
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def drop_script_folder() -> None:
    """As ipykernel_launcher does: the launcher's folder is not on a kernel's ``sys.path``."""
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]


if __name__ == "__main__":
    drop_script_folder()
    prepare_process()
    launch()
