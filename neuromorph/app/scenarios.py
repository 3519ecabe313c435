"""Scenario discovery: the one place that finds, describes and loads scenario scripts.

A scenario is a script in ``scenarios/`` (looked up in the current directory's
``scenarios/`` and in the one next to the installed package) that defines
``DESCRIPTION`` and ``main(out_dir, seed) -> dict``; one that also defines
``comparison(seed, duration)`` is a comparison scenario (``REFERENCE_ONLY`` marks one the
chip cannot run). Used by the CLI, ``compare``, ``bench`` and the tests.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["scenario_dirs", "describe", "known_scenarios", "resolve", "load", "protocol_of", "catalogue"]


def scenario_dirs() -> list[Path]:
    """``./scenarios`` and the installed ones (``neuromorph.scenarios``: the repository's
    ``scenarios/`` in an editable install), those that exist, without repeats."""
    import importlib.util

    here = Path.cwd() / "scenarios"
    spec = importlib.util.find_spec("neuromorph.scenarios")
    installed = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    return [d for d in dict.fromkeys([here.resolve(), *(p.resolve() for p in installed)]) if d.is_dir()]


def _top_level(path: Path) -> list[ast.stmt] | None:
    try:
        return ast.parse(Path(path).read_text()).body
    except (OSError, SyntaxError):
        return None


def _assigns(node: ast.stmt, name: str) -> bool:
    return isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets)


def describe(path: Path) -> str:
    """A scenario's DESCRIPTION, read without importing it."""
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError) as e:
        return f"(unreadable: {e})"
    for node in tree.body:
        if _assigns(node, "DESCRIPTION") and isinstance(node.value, ast.Constant):
            return str(node.value.value)
    return "(no DESCRIPTION)"


def known_scenarios() -> dict[str, Path]:
    """Every scenario script (name -> path); files starting with ``_`` are helpers, not scenarios."""
    found: dict[str, Path] = {}
    for d in scenario_dirs():
        for p in sorted(d.glob("*.py")):
            if not p.name.startswith("_"):
                found.setdefault(p.stem, p)
    return found


def resolve(scenario: str | Path) -> Path:
    """The script of ``scenario``: a path to a ``.py`` file, or a name from :func:`known_scenarios`.

    Raises ``SystemExit`` (with the known names) for an unknown scenario."""
    p = Path(scenario)
    if p.suffix == ".py" and p.is_file():
        return p.resolve()
    known = known_scenarios()
    name = p.stem if p.suffix == ".py" else str(scenario)
    if name in known:
        return known[name]
    listing = ", ".join(sorted(known)) or "(none found: run from the repository root)"
    raise SystemExit(f"neuromorph: unknown scenario {str(scenario)!r}. Known scenarios: {listing}")


def load(scenario: str | Path) -> ModuleType:
    """Import a scenario script (name or path, see :func:`resolve`) as module
    ``neuromorph_scenario_<name>``, registered in ``sys.modules``; every call runs it afresh."""
    path = resolve(scenario)
    spec = importlib.util.spec_from_file_location(f"neuromorph_scenario_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def protocol_of(path: Path) -> str | None:
    """``"chip"``, ``"ref-only"`` or None (no ``comparison``), read without importing the script."""
    body = _top_level(path)
    if body is None or not any(isinstance(n, ast.FunctionDef) and n.name == "comparison" for n in body):
        return None
    return "ref-only" if any(_assigns(n, "REFERENCE_ONLY") for n in body) else "chip"


def catalogue() -> dict[str, Path]:
    """Every known scenario that implements ``comparison`` (name -> path)."""
    return {n: p for n, p in known_scenarios().items() if protocol_of(p)}
