"""environment.yml (Binder) and pyproject.toml must ask for the same packages."""

import re
import tomllib

import yaml

from tests.conftest import ROOT

NAME = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _parse(spec: str) -> tuple[str, str]:
    m = NAME.match(spec.split(";")[0])
    assert m, spec
    return _norm(m.group(1)), m.group(2).replace(" ", "")


def _lower_bound(constraint: str) -> str | None:
    m = re.search(r">=([0-9][0-9.]*)", constraint)
    return m.group(1) if m else None


def test_binder_environment_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_parse(s.replace("=", "==", 1) if re.match(r"^[\w\-]+=[^=]", s) else s)
                 for s in env["dependencies"] if isinstance(s, str))
    py = dict(_parse(s) for s in project["dependencies"])
    assert set(py) <= set(conda), f"missing in environment.yml: {set(py) - set(conda)}"
    for name, constraint in py.items():
        if name == "jupyterlab":
            continue
        assert _lower_bound(constraint) == _lower_bound(conda[name]), name
    # Binder: Python and JupyterLab 4 pinned, widgets front ends present.
    assert conda["python"] == "==3.11"
    assert conda["jupyterlab"].startswith("==4")
    assert ">=4" in py["jupyterlab"] and "<5" in py["jupyterlab"]
    for needed in ("ipywidgets", "jupyterlab-widgets", "plotly", "anywidget"):
        assert needed in conda


def test_postbuild_installs_the_package():
    post = ROOT / "postBuild"
    assert post.stat().st_mode & 0o111
    text = post.read_text()
    assert "pip install" in text and "nbextension" not in text
