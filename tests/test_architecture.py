"""The package's shape: no import cycles (function-local and type-checking imports counted too), small
modules, and problem types that carry everything about themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from exercisegen.problems.base import ProblemType
from exercisegen.problems.registry import TYPES

PACKAGE = Path(__file__).resolve().parent.parent / "exercisegen"
# modules allowed past ~450 lines, and why (README's development section says the same)
LONG_MODULES = {
    "exercisegen.render.grids": "the grid flowables (step grids, answer boxes, flow rows): one drawing vocabulary",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports anywhere in its source (any nesting)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from pkg import sub` imports the module pkg.sub when there is one, else names of pkg
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                           for a in node.names]
            edges |= {t for t in targets if t in modules and t != name}
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_counting_local_imports():
    assert _cycles(import_graph()) == []


def test_cycle_finder_finds_a_planted_cycle():
    graph = import_graph()
    graph["exercisegen.solver"] = graph["exercisegen.solver"] | {"exercisegen.variants"}
    assert any("exercisegen.solver" in c and "exercisegen.variants" in c for c in _cycles(graph))


def test_modules_stay_small_unless_their_size_is_earned():
    long = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in _modules().items()
        if len(path.read_text(encoding="utf-8").splitlines()) > 470
    }
    assert set(long) <= set(LONG_MODULES), long


@pytest.mark.parametrize("name", sorted(TYPES))
def test_each_type_declares_everything_it_needs(name):
    kind = TYPES[name]
    assert isinstance(kind, ProblemType) and kind.name == name
    assert kind.fields and all(f.help for f in kind.fields.values())
    assert kind.views and set(kind.default_views) <= set(kind.views)
    for method in ("draw", "solve", "statement", "layout", "params_to_json", "params_from_json"):
        assert getattr(type(kind), method) is not getattr(ProblemType, method), method


def test_renderers_and_graders_do_not_name_problem_types():
    """Type-specific wording and givens come from the type: no `== "design"` outside problems/."""
    offenders = []
    for name, path in _modules().items():
        if name.startswith("exercisegen.problems"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            # a type named in a comparison or a dict key ("conv" is also an operation: `operation == "conv"`;
            # "choice" is also a draw form: `draw.kind == "choice"`)
            if "operation" in line or "draw.kind" in line:
                continue
            offenders += [f"{name}: {line.strip()}" for t in TYPES if f'== "{t}"' in line or f'"{t}":' in line]
    assert offenders == []
