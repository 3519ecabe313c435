"""Command line: ``neuromorph list | run SCENARIO | compare SCENARIO|--all | map SCENARIO | bench``.

A SCENARIO is a path to a script or the name of one in ``scenarios/`` (see
:mod:`neuromorph.app.scenarios`). A scenario script defines ``DESCRIPTION`` and
``main(out_dir, seed) -> dict``; ``compare`` needs ``comparison(seed, duration)`` too
(docs/compare.md); ``bench`` is :mod:`neuromorph.app.bench` (docs/performance.md).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

from neuromorph.errors import CapacityError, ChipOverflowError, CompileError, FileFormatError, ParameterError
from neuromorph import __version__
from neuromorph.hardware import PRESETS

from . import bench
from .mapping import add_map_parser
from .report import summary_line, table, write_validation_table
from .runner import OutputExists, compare_many, compare_scenario
from .scenarios import catalogue, describe, known_scenarios, load, protocol_of, resolve


def cmd_list(args) -> int:
    known = known_scenarios()
    if not known:
        print("no scenarios found (run from the repository root, which holds scenarios/)")
        return 1
    width = max(map(len, known))
    for name, path in known.items():
        tag = {"chip": "[chip]", "ref-only": "[ref-only]"}.get(protocol_of(path), "")
        print(f"{name:<{width}}  {tag:<10s}  {describe(path)}")
    print("\n[chip]/[ref-only]: `neuromorph compare NAME` compares the chip with the reference "
          "(ref-only: the reference's own discretisation only)")
    return 0


def cmd_run(args) -> int:
    from neuromorph import simulator

    simulator.PROGRESS["after_s"] = 2.0         # chip runs longer than 2 s report progress
    path = resolve(args.scenario)
    out = Path(args.out) if args.out else Path("out") / path.stem
    module = load(path)
    if not callable(getattr(module, "main", None)):
        raise SystemExit(f"neuromorph: {path} has no main(out_dir, seed) function")
    t0 = time.perf_counter()
    module.main(out_dir=out, seed=args.seed)
    print(f"[{path.stem}] done in {time.perf_counter() - t0:.2f} s; outputs in {out}/")
    return 0


def add_compare_parser(sub) -> None:
    """Add the ``compare`` subcommand to ``neuromorph``'s subparsers."""
    p = sub.add_parser(
        "compare", help="chip vs hardware-ordered vs continuous reference: metrics, plots, report",
        description="Run a scenario on the continuous reference, the hardware-ordered reference and the chip; "
                    "write metrics.json, config.json, report.md, report.html and PNGs. See docs/compare.md.")
    p.add_argument("scenario", nargs="*", help="scenario name(s) (see `neuromorph list`: [chip]/[ref-only]) or "
                                               "path(s) to scripts")
    p.add_argument("--all", action="store_true", help="every scenario with a comparison; print the table and "
                                                      "write it to OUT/validation.md (and --validation-doc, if given)")
    p.add_argument("--out", help="output folder (default out/compare/<scenario>; with several scenarios or --all "
                                 "the parent folder, default out/compare)")
    p.add_argument("--seed", type=_seed, default=0, help="seed for every random source (default 0)")
    p.add_argument("--duration", type=_duration, help="simulated seconds (default: the scenario's own)")
    p.add_argument("--preset", help="chip preset (default: the scenario's, usually loihi)")
    p.add_argument("--force", action="store_true", help="overwrite an existing output folder")
    p.add_argument("--validation-doc", default=None,
                   help="also write --all's table between the markers of this document (e.g. docs/validation.md); "
                        "tracked docs change only when asked")
    p.set_defaults(func=cmd_compare)


def cmd_compare(args) -> int:
    if args.preset is not None and args.preset not in PRESETS:
        raise SystemExit(f"neuromorph: unknown chip preset {args.preset!r}; known: {', '.join(sorted(PRESETS))}")
    if args.duration is not None and not args.duration > 0:
        raise SystemExit(f"neuromorph: --duration must be > 0 (got {args.duration})")
    argv = list(sys.argv)
    if args.all:
        if args.scenario:
            raise SystemExit("neuromorph: give scenario names or --all, not both")
        items = catalogue()
        if not items:
            raise SystemExit("neuromorph: no comparison scenarios found (run from the repository root)")
        others = sorted(set(known_scenarios()) - set(items))
        print(f"comparing {len(items)} scenarios: {', '.join(items)}")
        if others:
            print(f"(run-only scenarios, no comparison(): {', '.join(others)})")
    else:
        if not args.scenario:
            raise SystemExit("neuromorph compare: give a SCENARIO (name or path) or --all; comparison scenarios: "
                             + ", ".join(sorted(catalogue())))
        items = {}
        for s in args.scenario:
            path = resolve(s)
            if protocol_of(path) is None:
                raise SystemExit(f"neuromorph: scenario {path.stem!r} has no comparison() (it is run-only: "
                                 f"`neuromorph run {path.stem}`). Comparison scenarios: "
                                 + ", ".join(sorted(catalogue())))
            items[path.stem] = path
    t0 = time.perf_counter()
    if len(items) == 1 and not args.all:
        name, path = next(iter(items.items()))
        out = Path(args.out) if args.out else Path("out") / "compare" / name
        try:
            o = compare_scenario(path, out, args.seed, args.duration, args.preset, args.force, argv=argv)
        except OutputExists as e:
            raise SystemExit(f"neuromorph: {e}") from None
        print(f"[{name}] {summary_line(o)}")
        print(f"[{name}] done in {o.wall_s:.1f} s; report: {out / 'report.html'}")
        return 0 if all(v not in ("FAIL",) for v in o.split_verdict.values()) else 2
    root = Path(args.out) if args.out else Path("out") / "compare"
    outcomes = compare_many(items, root, args.seed, args.duration, args.preset, args.force, argv=argv)
    wall = time.perf_counter() - t0
    tbl = table(outcomes)
    print()
    print(tbl)
    print(f"\n{len(outcomes)} scenarios in {wall:.1f} s; "
          f"{sum(o.error is not None for o in outcomes)} errors")
    if args.all:
        header = (f"Measured by `neuromorph compare --all` (seed {args.seed}, "
                  f"{'default durations' if args.duration is None else f'duration {args.duration:g} s'}, "
                  f"preset {'per scenario' if args.preset is None else args.preset}) "
                  f"({time.strftime('%Y-%m-%d')}), {len(outcomes)} scenarios in {wall:.0f} s wall. "
                  f"Headline metric per scenario; PASS/FAIL is over every metric the scenario judges "
                  f"(see each `out/compare/<scenario>/report.html`).")
        for doc in [root / "validation.md"] + ([Path(args.validation_doc)] if args.validation_doc else []):
            write_validation_table(doc, tbl, header)
            print(f"table written to {doc}")
    return 1 if any(o.error for o in outcomes) else (
        2 if any("FAIL" in o.split_verdict.values() for o in outcomes) else 0)


def cmd_bench(args) -> int:
    cfg = bench.QUICK if args.quick else bench.FULL
    unknown, known = bench.unknown_benchmarks(args.only, cfg["cuba"])
    if unknown:
        print(f"neuromorph bench: error: argument --only: unknown benchmark {unknown[0]!r} "
              f"(known: {', '.join(known)})", file=sys.stderr)
        return 2
    return bench.main(args)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="neuromorph", description="Bit-exact neuromorphic chip simulator.")
    ap.add_argument("--debug", action="store_true", help="show full tracebacks instead of one-line errors")
    ap.add_argument("--version", action="version", version=f"neuromorph {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="list scenarios with one-line descriptions")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("run", help="run one scenario script", description="Run a scenario by name or path.")
    p.add_argument("scenario", help="scenario name (see `neuromorph list`) or path to a script")
    p.add_argument("--out", help="output folder (default out/<scenario>)")
    p.add_argument("--seed", type=_seed, default=0, help="seed for every random source (default 0)")
    p.set_defaults(func=cmd_run)
    add_compare_parser(sub)
    add_map_parser(sub, _seed, _duration, _count)
    p = sub.add_parser("bench", help="benchmark suite (CUBA 4k/16k/64k, 1k chip, STDP, latency, bare scatter)",
                       description="Benchmark suite; --compare adds Brian2 and NEST (docs/performance.md).")
    bench.build_parser(p)
    p.set_defaults(func=cmd_bench)
    return ap


def _argument(convert, ok, allowed: str):
    """An argparse type: ``convert(text)`` must succeed and satisfy ``ok``, else a one-line error."""
    def parse(text: str):
        try:
            v = convert(text)
        except ValueError:
            v = None
        if v is None or not ok(v):
            raise argparse.ArgumentTypeError(f"must be {allowed} (got {text})")
        return v
    return parse


_seed = _argument(int, lambda v: v >= 0, "an integer >= 0")                    # numpy refuses negative seeds
_count = _argument(int, lambda v: v >= 1, "an integer >= 1")
_duration = _argument(float, lambda v: math.isfinite(v) and v > 0, "finite and > 0 seconds")


# errors that describe the user's input or environment: one line, exit code 1, no traceback
USER_ERRORS = (ParameterError, CapacityError, CompileError, FileFormatError, ChipOverflowError, OSError, MemoryError)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; exit codes: 0 success, 1 failed run, 2 bad usage (argparse) or a
    comparison that failed its tolerances, 130 interrupted. ``--debug`` shows tracebacks."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:                  # e.g. `neuromorph list | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        if args.debug:
            raise
        out = getattr(args, "out", None)
        print(f"neuromorph: interrupted; what was written before stays in place"
              + (f" ({out})" if out else ""), file=sys.stderr)
        return 130
    except USER_ERRORS as e:
        if args.debug:
            raise
        what = type(e).__name__ if not isinstance(e, OSError) else "cannot write or read a file"
        print(f"neuromorph: error: {what}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
