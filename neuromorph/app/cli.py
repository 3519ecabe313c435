"""Command line: ``neuromorph list | run SCENARIO | compare SCENARIO|--all``.

A SCENARIO is a path to a script or the name of one in ``scenarios/`` (looked up in the
current directory's ``scenarios/`` and next to the installed package). A scenario script
defines ``DESCRIPTION`` and ``main(out_dir, seed) -> dict``.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import sys
import time
from pathlib import Path


def scenario_dirs() -> list[Path]:
    here = Path.cwd() / "scenarios"
    pkg = Path(__file__).resolve().parents[1] / "scenarios"
    return [d for d in dict.fromkeys([here, pkg]) if d.is_dir()]


def describe(path: Path) -> str:
    """A scenario's DESCRIPTION, read without importing it."""
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError) as e:
        return f"(unreadable: {e})"
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DESCRIPTION" for t in node.targets):
            if isinstance(node.value, ast.Constant):
                return str(node.value.value)
    return "(no DESCRIPTION)"


def known_scenarios() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in scenario_dirs():
        for p in sorted(d.glob("*.py")):
            if not p.name.startswith("_"):
                found.setdefault(p.stem, p)
    return found


def resolve(scenario: str) -> Path:
    p = Path(scenario)
    if p.suffix == ".py" and p.is_file():
        return p.resolve()
    known = known_scenarios()
    name = p.stem if p.suffix == ".py" else scenario
    if name in known:
        return known[name]
    listing = ", ".join(sorted(known)) or "(none found: run from the repository root)"
    raise SystemExit(f"neuromorph: unknown scenario {scenario!r}. Known scenarios: {listing}")


def load(path: Path):
    spec = importlib.util.spec_from_file_location(f"neuromorph_scenario_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    if not callable(getattr(module, "main", None)):
        raise SystemExit(f"neuromorph: {path} has no main(out_dir, seed) function")
    return module


def cmd_list(args) -> int:
    known = known_scenarios()
    if not known:
        print("no scenarios found (run from the repository root, which holds scenarios/)")
        return 1
    from .compare import protocol_of

    width = max(map(len, known))
    for name, path in known.items():
        tag = {"chip": "[chip]", "ref-only": "[ref-only]"}.get(protocol_of(path), "")
        print(f"{name:<{width}}  {tag:<10s}  {describe(path)}")
    print("\n[chip]/[ref-only]: `neuromorph compare NAME` compares the chip with the reference "
          "(ref-only: the reference's own discretisation only)")
    return 0


def cmd_run(args) -> int:
    path = resolve(args.scenario)
    out = Path(args.out) if args.out else Path("out") / path.stem
    module = load(path)
    t0 = time.perf_counter()
    module.main(out_dir=out, seed=args.seed)
    print(f"[{path.stem}] done in {time.perf_counter() - t0:.2f} s; outputs in {out}/")
    return 0


def cmd_bench(args) -> int:
    from . import bench

    return bench.main(args)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="neuromorph", description="Bit-exact neuromorphic chip simulator.")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="list scenarios with one-line descriptions")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("run", help="run one scenario script", description="Run a scenario by name or path.")
    p.add_argument("scenario", help="scenario name (see `neuromorph list`) or path to a script")
    p.add_argument("--out", help="output folder (default out/<scenario>)")
    p.add_argument("--seed", type=int, default=0, help="seed for every random source (default 0)")
    p.set_defaults(func=cmd_run)
    from .compare import add_parser as add_compare_parser

    add_compare_parser(sub)
    p = sub.add_parser("bench", help="benchmark suite (CUBA 4k/16k/64k, 1k chip, STDP, latency, bare scatter)",
                       description="Benchmark suite of issue 7; --compare adds Brian2 and NEST (docs/performance.md).")
    from .bench import build_parser as add_bench_arguments

    add_bench_arguments(p)
    p.set_defaults(func=cmd_bench)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
