"""The package's one-way flow: no layer imports a higher one, and no module import cycle.

Read from the source with ``ast`` (every import, at module level or inside a function),
so a lazy import that closes a cycle counts as much as a top-level one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
#: Lowest first: a module may import its own layer and those before it.
LAYERS = ("common", "survey", "analysis", "course", "render", "grade", "cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted((SRC / "coursekit").rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """The coursekit modules ``path`` imports (a name imported from a package counts as
    the submodule when there is one)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("coursekit")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.startswith("coursekit"):
            subs = {f"{node.module}.{a.name}" for a in node.names}
            found |= (subs & MODULES.keys()) or {node.module}
    assert not [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(n, ast.ImportFrom) and n.level], f"relative import in {path}"
    return found - {"coursekit"}


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[1])


GRAPH = {name: _imports(path) for name, path in MODULES.items() if name != "coursekit"}


def test_every_module_belongs_to_a_layer():
    assert {name.split(".")[1] for name in GRAPH} == set(LAYERS)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_upward_import(module):
    upward = sorted(m for m in GRAPH[module] if _layer(m) > _layer(module))
    assert not upward, f"{module} imports the higher layer(s) {upward}"


def test_no_import_cycle():
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = path[path.index(module):] + [module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for target in sorted(GRAPH.get(module, ())):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(GRAPH):
        visit(module, [])


def test_the_learner_surface_resolves():
    import coursekit

    for name in coursekit.__all__:
        assert getattr(coursekit, name) is not None, name
