"""``neuromorph map SCENARIO``: the cost picture of a scenario's network on a chip.

For each placement strategy (docs/hardware-model.md §9.5) it compiles the scenario's
network, runs it, and prices the run (§9.4): utilisation, messages and hops, time per step
(mean, p99), energy per step and per synaptic event, energy–delay product and the slowest
core. It draws the mesh as a heat map (cores coloured by energy per step) beside the
time-per-step trace, and writes ``cost.json``.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from neuromorph.compiler import compile_network
from neuromorph.cost import tiles_in_use
from neuromorph.hardware import PRESETS, price_table
from neuromorph.placement import STRATEGIES
from neuromorph.simulator import Simulator

from .protocol import Comparison
from .scenarios import catalogue, load, resolve


def scenario_network(path: Path, seed: int, duration: float | None):
    """(network, steps, preset name, headroom) of a chip scenario's ``comparison()``."""
    module = load(path)
    if not callable(getattr(module, "comparison", None)):
        raise SystemExit(f"neuromorph: scenario {path.stem!r} has no comparison(), so no network to map. "
                         f"Scenarios with one: {', '.join(sorted(catalogue()))}")
    cmp: Comparison = module.comparison(seed=seed, duration=duration)
    if not cmp.chip or cmp.network is None:
        raise SystemExit(f"neuromorph: scenario {path.stem!r} does not run on the chip ({cmp.reason or 'reference only'})")
    return cmp.network, cmp.n_steps, cmp.preset, cmp.headroom


def map_one(net, n_steps: int, chip, headroom: float, strategy: str, prices, timing: str, seed: int) -> dict:
    """Compile with one placement strategy, run, price; returns the figures and the arrays to draw."""
    program = compile_network(net, chip, headroom=headroom, placement=strategy, seed=seed)
    sim = Simulator(program, strict=False).run(n_steps)
    cost = sim.cost(prices=prices, timing=timing)
    s = cost.summary()
    c = program.chip.core
    per_core = [dict(info) for info in program.report.cores]
    steps = max(cost.n_steps, 1)
    tot = cost.totals()
    n = program.n_cores
    inter = int(sum(tot["messages"][:n])) - int(np.sum(_own_core_messages(program, sim)))
    s.update(strategy=strategy, cores=n, neurons_per_core_max=int(program.placement.neurons_per_core.max(initial=0)),
             neuron_utilisation_max=float(program.placement.neurons_per_core.max(initial=0) / c.max_neurons),
             synapses_per_core_max=max((i["synapses"] for i in per_core), default=0),
             inter_core_messages_per_step=(inter + int(tot["messages"][n])) / steps,
             hops_per_step=float(sum(tot[k].sum() for k in ("hops_x", "hops_y", "chip_hops")) / steps))
    if cost.core_energy_pJ is not None:
        s["core_energy_pJ_per_step"] = (cost.core_energy_pJ.sum(axis=0) / steps).tolist()
    return {"summary": s, "program": program, "cost": cost}


def _own_core_messages(program, sim) -> np.ndarray:
    """Messages each spike sent to its own core (on-chip neurons only), summed over the run."""
    P = program.placement
    own = np.zeros(program.n, np.int64)
    src = np.repeat(np.arange(program.n), np.diff(P.dest_ptr))
    mine = P.dest_core == P.core_of[src]
    np.add.at(own, src[mine], 1)
    ids = sim.spikes.ids
    return own[ids[P.core_of[ids] < program.n_cores]]


def draw(results: list[dict], path: Path) -> None:
    """One row per strategy: the mesh heat map (energy per step of each core) and the
    time-per-step trace."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(results), 2, figsize=(12, 3.6 * len(results)), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1.6]})
    for row, r in zip(axes, results):
        program, cost, s = r["program"], r["cost"], r["summary"]
        mesh = program.chip.mesh
        side = int(np.ceil(np.sqrt(mesh.cores_per_tile)))
        W_all, H_all = mesh.chips_x * mesh.tiles_x, mesh.chips_y * mesh.tiles_y
        load_ = (cost.core_energy_pJ.sum(axis=0) if cost.core_energy_pJ is not None else cost.core_ns.sum(axis=0))
        load_ = load_ / max(cost.n_steps, 1)
        x, y, _, _, _ = mesh.position(program.placement.slot_of_core)
        # show the corner of the mesh that holds cores (a chip's worth at least), not all of a large mesh
        W = min(W_all, max(int(x.max(initial=0)) + 1, mesh.tiles_x if W_all <= 16 else 4))
        H = min(H_all, max(int(y.max(initial=0)) + 1, mesh.tiles_y if H_all <= 16 else 4))
        grid = np.full((H * side, W * side), np.nan)
        slot = program.placement.slot_of_core % mesh.cores_per_tile
        grid[y * side + slot // side, x * side + slot % side] = load_
        ax = row[0]
        im = ax.imshow(grid, cmap="viridis", origin="lower", interpolation="nearest")
        for t in range(1, W):
            ax.axvline(t * side - 0.5, color="w", lw=0.3)
        for t in range(1, H):
            ax.axhline(t * side - 0.5, color="w", lw=0.3)
        for cx in range(1, mesh.chips_x):
            if cx * mesh.tiles_x < W:
                ax.axvline(cx * mesh.tiles_x * side - 0.5, color="r", lw=1.2)
        for cy in range(1, mesh.chips_y):
            if cy * mesh.tiles_y < H:
                ax.axhline(cy * mesh.tiles_y * side - 0.5, color="r", lw=1.2)
        fig.colorbar(im, ax=ax, label="pJ per step" if cost.core_energy_pJ is not None else "ns busy per step")
        shown = "" if (W, H) == (W_all, H_all) else f"; {W}x{H} of the {W_all}x{H_all} tiles"
        ax.set_title(f"{s['strategy']}: {s['cores']} cores on {s['tiles_in_use']} tiles{shown}", fontsize=10)
        ax.set_xlabel("x (east)")
        ax.set_ylabel("y (north)")
        ax.set_xticks([])
        ax.set_yticks([])
        ax = row[1]
        if cost.time_ns is not None:
            ax.plot(cost.first_step + np.arange(cost.n_steps), cost.time_ns / 1e3, lw=0.6, label="step time")
            ax.axhline(cost.barrier_ns[0] / 1e3, color="k", ls=":", lw=0.8, label="barrier")
            ax.set_ylabel("µs per step")
            ax.legend(loc="upper right", fontsize=8)
            ax.set_title(f"mean {s['time_ns_mean'] / 1e3:.2f} µs, p99 {s['time_ns_p99'] / 1e3:.2f} µs; "
                         f"{s.get('energy_pJ_per_step', float('nan')) / 1e6:.3f} µJ per step")
        ax.set_xlabel("step")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fmt(v, scale=1.0, digits=2):
    return "-" if v is None else f"{v / scale:.{digits}f}"


def table(rows: list[dict]) -> str:
    head = (f"{'placement':<10} {'cores':>5} {'tiles':>5} {'neur/core':>9} {'syn/core':>9} {'inter msgs':>10} "
            f"{'hops':>8} {'t mean us':>9} {'t p99 us':>9} {'uJ/step':>8} {'pJ/syn ev':>9} {'EDP nJ.us':>9} "
            f"{'slowest':>7}")
    lines = [head, "-" * len(head)]
    for s in rows:
        lines.append(f"{s['strategy']:<10} {s['cores']:>5} {s['tiles_in_use']:>5} {s['neurons_per_core_max']:>9} "
                     f"{s['synapses_per_core_max']:>9} {s['inter_core_messages_per_step']:>10.1f} "
                     f"{s['hops_per_step']:>8.1f} {_fmt(s.get('time_ns_mean'), 1e3):>9} "
                     f"{_fmt(s.get('time_ns_p99'), 1e3):>9} {_fmt(s.get('energy_pJ_per_step'), 1e6, 3):>8} "
                     f"{_fmt(s.get('energy_pJ_per_syn_event'), 1, 1):>9} {_fmt(s.get('edp_pJ_ns'), 1e6, 2):>9} "
                     f"{s['slowest_core']:>7}")
    return "\n".join(lines)


def cmd_map(args) -> int:
    path = resolve(args.scenario)
    net, n_steps, preset_name, headroom = scenario_network(path, args.seed, args.duration)
    if args.steps is not None:
        n_steps = args.steps
    preset_name = args.preset or preset_name
    if preset_name not in PRESETS:
        raise SystemExit(f"neuromorph: unknown chip preset {preset_name!r}; known: {', '.join(sorted(PRESETS))}")
    chip = PRESETS[preset_name]
    if args.max_neurons is not None:
        chip = chip.with_core(max_neurons=args.max_neurons)
    prices = price_table(args.prices) if args.prices else chip.prices
    chip = replace(chip, prices=prices)
    strategies = STRATEGIES if args.placement == "all" else (args.placement,)
    out = Path(args.out) if args.out else Path("out") / "map" / path.stem
    out.mkdir(parents=True, exist_ok=True)
    m = chip.mesh
    print(f"[{path.stem}] {net.n_neurons} ids, {n_steps} steps on chip {chip.name!r} ({chip.n_cores} cores: "
          f"{m.chips_x}x{m.chips_y} chips of {m.tiles_x}x{m.tiles_y} tiles of {m.cores_per_tile} cores, "
          f"{chip.core.max_neurons} neurons per core); prices {prices.name!r} ({prices.source}); "
          f"timing {args.timing}")
    t0 = time.perf_counter()
    results = []
    for strategy in strategies:
        results.append(map_one(net, n_steps, chip, headroom, strategy, prices, args.timing, args.seed))
    rows = [r["summary"] for r in results]
    print(table(rows))
    best = min(rows, key=lambda s: s.get("edp_pJ_ns", s["inter_core_messages_per_step"]))
    print(f"\nlowest energy-delay product: {best['strategy']}" if "edp_pJ_ns" in best else "")
    if all(s["cores"] == 1 for s in rows):
        print(f"(the network fits on one core of {chip.name!r}: --max-neurons N spreads it over more cores, "
              "which is where placement matters)")
    r0 = next(r for r in results if r["summary"] is best)
    util = r0["program"].placement.neurons_per_core / chip.core.max_neurons
    print(f"{best['strategy']}: neuron utilisation per core min {util.min():.0%} mean {util.mean():.0%} max "
          f"{util.max():.0%}; slowest core {best['slowest_core']}")
    draw(results, out / "map.png")
    (out / "cost.json").write_text(json.dumps({"scenario": path.stem, "chip": chip.name, "prices": prices.to_dict(),
                                               "timing": args.timing, "steps": n_steps, "placements": rows},
                                              indent=1, default=float))
    print(f"[{path.stem}] done in {time.perf_counter() - t0:.1f} s; outputs in {out}/ (map.png, cost.json)")
    return 0


def add_map_parser(sub, seed_type, duration_type, count_type) -> None:
    p = sub.add_parser("map", help="cost picture of a scenario on a chip: placement, utilisation, time, energy",
                       description="Compile a chip scenario with each placement strategy, run it and price the run "
                                   "(docs/hardware-model.md §9): utilisation, messages, hops, time per step (mean, "
                                   "p99), energy per step and per synaptic event, energy-delay product, slowest "
                                   "core; draws the mesh heat map and the time-per-step trace.")
    p.add_argument("scenario", help="a scenario with comparison() that runs on the chip (see `neuromorph list`)")
    p.add_argument("--placement", default="all", choices=("all",) + STRATEGIES, help="placement strategy (default all)")
    p.add_argument("--prices", help="price table: a built-in name (loihi-table2, sanafe-loihi, loihi2-counts) or a "
                                    ".toml/.json file (default: the chip's)")
    p.add_argument("--timing", default="pipelined", choices=("pipelined", "simple"),
                   help="step-time model (default pipelined; simple leaves the network out, as SANA-FE's)")
    p.add_argument("--preset", help="chip preset (default: the scenario's)")
    p.add_argument("--max-neurons", type=count_type, help="cap neurons per core (spreads the network over more cores)")
    p.add_argument("--duration", type=duration_type, help="simulated seconds (default: the scenario's own)")
    p.add_argument("--steps", type=count_type, help="steps to run (overrides --duration)")
    p.add_argument("--seed", type=seed_type, default=0, help="seed for every random source and the partitioner")
    p.add_argument("--out", help="output folder (default out/map/<scenario>)")
    p.set_defaults(func=cmd_map)
