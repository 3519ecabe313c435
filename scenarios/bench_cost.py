"""What the cost model costs the step loop (docs/performance.md, "Cost of the clock").

The CUBA network (4,000 LIF, 320k synapses) runs on one core (``large`` preset) and on 40
cores (100 neurons per core), with ``record_cost`` on and off, in one process, each
configuration timed in turns (min of 40 rounds of 2,000 steps): the kernel's counting and
the per-step record. Then bench's Song network: plastic synaptic updates per second of the
learning engine (pair STDP as an engine rule). With ``--baseline DIR`` (a checkout of an older commit, e.g.
``git worktree add /tmp/base 65b5e17``) its ``neuromorph`` package is loaded under another
name and timed in the same turns, so the counters themselves are measured too.

    python scenarios/bench_cost.py [--baseline DIR] [--rounds 40]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

DESCRIPTION = "speed cost of the cost model: step time with record_cost on/off (and vs an older checkout)"

HERE = Path(__file__).resolve().parent


def _cuba(package: str):
    """The CUBA scenario's build() with its imports pointed at ``package``."""
    src = (HERE / "cuba_balanced.py").read_text().replace("from neuromorph.", f"from {package}.")
    g = {"__name__": f"cuba_{package}"}
    exec(compile(src, f"cuba_{package}", "exec"), g)
    return g["build"]


def simulators(package: str, max_neurons: int, record: bool | None):
    import importlib
    compiler = importlib.import_module(f"{package}.compiler")
    hardware = importlib.import_module(f"{package}.hardware")
    simulator = importlib.import_module(f"{package}.simulator")
    net, _ = _cuba(package)(0, 1e-4, 5000)
    chip = hardware.LARGE.with_core(max_neurons=max_neurons) if max_neurons else hardware.LARGE
    program = compiler.compile_network(net, chip)
    kw = {} if record is None else {"record_cost": record}
    return program.n_cores, simulator.Simulator(program, strict=False, **kw)


def _song_sim(package: str, record: bool | None):
    """bench's Song et al. network (1,000 plastic synapses onto one LIF) built with ``package``."""
    import importlib
    import inspect
    import textwrap

    from neuromorph.app import bench
    code = textwrap.dedent(inspect.getsource(bench.stdp_network)).replace("from neuromorph.network",
                                                                          f"from {package}.network")
    g = {"np": __import__("numpy"), "STDP_W_MAX": bench.STDP_W_MAX}
    exec(code, g)
    net, _ = g["stdp_network"](0)
    compiler = importlib.import_module(f"{package}.compiler")
    simulator = importlib.import_module(f"{package}.simulator")
    kw = {} if record is None else {"record_cost": record}
    return simulator.Simulator(compiler.compile_network(net, headroom=bench.STDP_HEADROOM), strict=False, **kw)


def song(baseline: bool, rounds: int) -> dict:
    """Plastic synaptic updates per second on the Song network, in turns (best of ``rounds``
    runs of 10,000 steps): the learning engine with and without the cost record, and the
    baseline's learning phase."""
    sims = {"record_cost=True": _song_sim("neuromorph", True), "record_cost=False": _song_sim("neuromorph", False)}
    if baseline:
        sims["baseline"] = _song_sim("neuromorph_base", None)
    for s in sims.values():
        s.run(1000)
    best = {k: (float("inf"), 0.0) for k in sims}
    for _ in range(max(3, rounds // 5)):
        for k, s in sims.items():
            n0 = int(s.counter_table()["syn_updates"].sum())
            t = time.perf_counter()
            s.run(10_000)
            dt = time.perf_counter() - t
            if dt < best[k][0]:
                best[k] = (dt, (int(s.counter_table()["syn_updates"].sum()) - n0) / dt)
    ref = best.get("baseline", best["record_cost=False"])[1]
    print("Song STDP (1,000 plastic synapses): " + ", ".join(
        f"{k} {v[1] / 1e6:.2f} M updates/s ({100 * v[1] / ref:.0f} %)" for k, v in best.items()))
    return {k: v[1] for k, v in best.items()}


def main(out_dir: str | Path = "out/bench_cost", seed: int = 0, baseline: str | None = None, rounds: int = 40) -> dict:
    tmp = None
    if baseline:
        tmp = Path(tempfile.mkdtemp())
        shutil.copytree(Path(baseline) / "neuromorph", tmp / "neuromorph_base")
        sys.path.insert(0, str(tmp))
    out = {}
    try:
        for mn in (0, 100):
            sims = {}
            for label, pkg, rec in (("record_cost=True", "neuromorph", True), ("record_cost=False", "neuromorph", False),
                                    ("baseline", "neuromorph_base", None)):
                if pkg == "neuromorph_base" and not baseline:
                    continue
                cores, sims[label] = simulators(pkg, mn, rec)
            for s in sims.values():
                s.run(200)
            best = {k: float("inf") for k in sims}
            for _ in range(rounds):
                for k, s in sims.items():
                    t = time.perf_counter()
                    s.run(2000)
                    best[k] = min(best[k], time.perf_counter() - t)
            us = {k: v * 1e6 / 2000 for k, v in best.items()}
            ref = us.get("baseline", us["record_cost=False"])
            print(f"CUBA 4k on {cores} core(s): " + ", ".join(
                f"{k} {v:.2f} us/step ({100 * (v / ref - 1):+.1f} %)" for k, v in us.items()))
            out[f"{cores}_cores"] = us
        out["song_updates_per_s"] = song(bool(baseline), rounds)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", help="a checkout of an older commit to time in the same turns")
    ap.add_argument("--rounds", type=int, default=40)
    a = ap.parse_args()
    main(baseline=a.baseline, rounds=a.rounds)
