"""The layers of the code, read from its imports (issue 19).

Drawn as a house: the chip core (``neuromorph`` outside ``neuromorph.app``) is the ground
floor, ``reference`` stands on the core's description layer, and the front end
``neuromorph.app`` stands on both. Every module under ``neuromorph/`` and ``reference/`` is
parsed with :mod:`ast`; every import in it — at module level or inside a function — is an
edge to the module it names (``from pkg import name`` names ``pkg.name`` when that is a
module, else ``pkg``). The rules:

(a) no import cycle between modules;
(b) no module of ``neuromorph`` outside ``neuromorph.app`` imports ``reference`` (nor
    ``neuromorph.app``: no arrow runs from a lower floor up);
(c) ``reference`` imports from ``neuromorph`` only the description layer
    (:data:`REFERENCE_MAY_IMPORT`), never ``neuromorph.app``.

The last tests run the checkers on hand-made graphs and sources, so that each rule is seen
to fail when it should.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("neuromorph", "reference")
FRONT_END = "neuromorph.app"
REFERENCE_MAY_IMPORT = frozenset({"neuromorph.network", "neuromorph.errors", "neuromorph.hardware",
                                  "neuromorph.fixedpoint", "neuromorph.learning"})


# ---------------------------------------------------------------------------------------
# reading the imports
# ---------------------------------------------------------------------------------------
def discover(root: Path = ROOT) -> dict[str, Path]:
    """Every module of :data:`PACKAGES` (dotted name -> file); a package is its ``__init__``."""
    out = {}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _owner(target: str, known) -> str | None:
    """The longest known module that ``target`` names or lies in (None outside our packages)."""
    parts = target.split(".")
    while parts:
        if ".".join(parts) in known:
            return ".".join(parts)
        parts.pop()
    return None


def imports_of(name: str, source: str, is_package: bool, known) -> set[str]:
    """The known modules that module ``name`` imports anywhere in ``source`` (itself left out)."""
    here = name.split(".") if is_package else name.split(".")[:-1]
    targets = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(here[:len(here) - (node.level - 1)] + ([node.module] if node.module else []))
            else:
                base = node.module
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.add(sub if sub in known else base)
    owners = {_owner(t, known) for t in targets}
    return {o for o in owners if o is not None and o != name}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    mods = discover(root)
    return {name: imports_of(name, path.read_text(), path.name == "__init__.py", mods)
            for name, path in mods.items()}


# ---------------------------------------------------------------------------------------
# the rules
# ---------------------------------------------------------------------------------------
def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) per strongly connected component that has one (Tarjan)."""
    index, low, on_stack, stack, sccs = {}, {}, set(), [], []

    def strongconnect(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(comp)

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return [_cycle_in(graph, comp) for comp in sccs]


def _cycle_in(graph: dict[str, set[str]], comp: set[str]) -> list[str]:
    """A concrete cycle through the smallest module of a strongly connected component (BFS)."""
    start = min(comp)
    prev, frontier = {start: None}, [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph.get(v, ()) & comp):
                if w == start:          # v -> start closes the cycle: walk back from v to start
                    path = [v]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return path[::-1] + [start]
                if w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"no cycle through {start} in {sorted(comp)}")


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """Rules (b) and (c), one line per offending edge."""
    out = []
    for mod, deps in sorted(graph.items()):
        for dep in sorted(deps):
            if _within(mod, "neuromorph") and not _within(mod, FRONT_END):
                if _within(dep, "reference"):
                    out.append(f"{mod} imports {dep}: only {FRONT_END} may import reference")
                elif _within(dep, FRONT_END):
                    out.append(f"{mod} imports {dep}: the chip core must not import the front end")
            elif _within(mod, "reference") and _within(dep, "neuromorph"):
                if _within(dep, FRONT_END):
                    out.append(f"{mod} imports {dep}: reference must never import the front end")
                elif dep not in REFERENCE_MAY_IMPORT:
                    out.append(f"{mod} imports {dep}: reference may import only "
                               f"{', '.join(sorted(REFERENCE_MAY_IMPORT))} from neuromorph")
    return out


# ---------------------------------------------------------------------------------------
# the code base
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_the_graph_sees_every_layer(graph):
    """Guards the reader: it finds the modules and the edges the rules are about."""
    assert {"neuromorph", "neuromorph.simulator", "neuromorph.app.cli", "neuromorph.app.scenarios",
            "reference", "reference.network_sim", "reference.analysis.agreement"} <= set(graph)
    assert "neuromorph.network" in graph["neuromorph"]
    assert "neuromorph.app.scenarios" in graph["neuromorph.app.cli"]
    assert "reference.network_sim" in graph["neuromorph.app.runner"]          # a function-level import
    assert "neuromorph.network" in graph["reference.network_sim"]


def test_no_import_cycle(graph):
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_layers(graph):
    bad = layer_violations(graph)
    assert not bad, "layering violations:\n" + "\n".join(bad)


def test_importing_neuromorph_loads_no_reference():
    code = ("import sys, neuromorph, neuromorph.app, neuromorph.simulator; "
            "print(sorted(m for m in sys.modules if m == 'reference' or m.startswith('reference.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------
# the checkers can fail
# ---------------------------------------------------------------------------------------
def test_find_cycles_reports_a_cycle_and_passes_a_dag():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"x": {"y"}, "y": {"x"}}) == [["x", "y", "x"]]
    two = find_cycles({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c", "a"}})
    assert sorted(two) == [["a", "b", "a"], ["c", "d", "c"]]


def test_imports_of_counts_function_level_and_relative_imports():
    known = {"neuromorph", "neuromorph.app", "neuromorph.app.cli", "neuromorph.app.scenarios", "neuromorph.network",
             "reference", "reference.analysis", "reference.analysis.firing"}
    src = ("from .scenarios import load\n"
           "from . import cli\n"
           "from .. import network\n"
           "import numpy as np\n"
           "def f():\n"
           "    from reference.analysis.firing import cv_isi\n"
           "    import neuromorph\n")
    assert imports_of("neuromorph.app.report", src, False, known) == {
        "neuromorph.app.scenarios", "neuromorph.app.cli", "neuromorph.network", "reference.analysis.firing",
        "neuromorph"}
    assert imports_of("neuromorph.app", "from .cli import main\nfrom neuromorph import LIF\n", True, known) == {
        "neuromorph.app.cli", "neuromorph"}


def test_layer_violations_flags_each_rule():
    ok = {"neuromorph.simulator": {"neuromorph.network"}, "neuromorph.app.runner": {"reference.network_sim"},
          "reference.network_sim": {"neuromorph.network", "neuromorph.errors", "neuromorph.hardware",
                                    "neuromorph.fixedpoint"}}
    assert layer_violations(ok) == []
    bad = layer_violations({"neuromorph.simulator": {"reference.network_sim", "neuromorph.app.cli"},
                            "reference.plots": {"neuromorph.app.protocol", "neuromorph.simulator", "neuromorph"}})
    assert bad == ["neuromorph.simulator imports neuromorph.app.cli: the chip core must not import the front end",
                   "neuromorph.simulator imports reference.network_sim: only neuromorph.app may import reference",
                   "reference.plots imports neuromorph: reference may import only neuromorph.errors, "
                   "neuromorph.fixedpoint, neuromorph.hardware, neuromorph.learning, "
                   "neuromorph.network from neuromorph",
                   "reference.plots imports neuromorph.app.protocol: reference must never import the front end",
                   "reference.plots imports neuromorph.simulator: reference may import only neuromorph.errors, "
                   "neuromorph.fixedpoint, neuromorph.hardware, neuromorph.learning, "
                   "neuromorph.network from neuromorph"]
