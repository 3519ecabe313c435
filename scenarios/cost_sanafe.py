"""The cost model side by side with SANA-FE (an outside tool) on the same spike trains.

neuromorph runs a network on the chip; the spike trains, the synapse list, the placement of
neurons on cores and the core-to-tile map are handed to SANA-FE 2.2.9 (Boyle et al., IEEE
TCAD 2025), which replays exactly those spikes on its Loihi architecture
(``scenarios/_sanafe_replay.py``; the neurons neuromorph counts as active are forced to
update, so both charge the same neuron updates). neuromorph prices its own counts with
SANA-FE's Loihi table (``hardware.SANAFE_LOIHI``) and ``timing="simple"``; the script
prints the relative difference per step and per core for energy and time.

Needs a Python with ``sanafe`` (GPL-3.0, never imported here): set
``NEUROMORPH_SANAFE_PYTHON`` to it, e.g.
``python3 -m venv /tmp/sanafe && /tmp/sanafe/bin/pip install sanafe==2.2.9 pyyaml numpy``
then ``NEUROMORPH_SANAFE_PYTHON=/tmp/sanafe/bin/python neuromorph run cost_sanafe``.
Figures: docs/validation.md, "Cost model vs SANA-FE".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from neuromorph.compiler import compile_network
from neuromorph.cost import tiles_in_use
from neuromorph.hardware import LOIHI
from neuromorph.simulator import Simulator

DESCRIPTION = "cost model vs SANA-FE (outside tool) on replayed spike trains: energy and time per step and core"

HERE = Path(__file__).resolve().parent


def sanafe_core_id(program, core: int) -> int:
    """SANA-FE's core index of a logical core: SANA-FE numbers tiles down the columns of its
    8 x 4 mesh (tile = x * 4 + y), cores within a tile 0..3."""
    mesh = program.chip.mesh
    p = int(program.placement.slot_of_core[core])
    x, y, _, _, _ = mesh.position(p)
    return (int(x) * mesh.tiles_y + int(y)) * mesh.cores_per_tile + p % mesh.cores_per_tile


def cases(seed: int):
    """(name, program, steps to run, first replayed step): the CUBA network (recurrent,
    bias-driven, no off-chip sources) on 8 cores of 2 tiles (synapse memory sets 540 neurons
    per core), and on 40 cores over 10 tiles (two rows of the mesh, so messages hop
    east-west and north-south)."""
    spec = __import__("neuromorph.scenarios.cuba_balanced", fromlist=["build"])
    net, _ = spec.build(seed, 1e-4, 400)
    roomy = LOIHI.with_core(max_fan_out_axons=1 << 16, max_fan_in_axons=1 << 16)
    for chip in (roomy, roomy.with_core(max_neurons=100)):
        p = compile_network(net, chip)
        yield f"cuba, {p.n_cores} cores on {tiles_in_use(p)} tiles", p, 300, 100


def replay_input(program, sim, first: int, active: list) -> dict:
    """The SANA-FE replay of steps ``first``.. of ``sim``: synapses, placement, spikes, and the
    neurons neuromorph counted active (forced to update)."""
    n = program.n
    core_of = [sanafe_core_id(program, int(c)) for c in program.placement.core_of]
    pre, _ = program.synapse_sources
    tgt = program.synapses.syn_tgt
    steps, ids = sim.spikes.steps, sim.spikes.ids
    n_steps = sim.step_count - first
    raster = [[] for _ in range(n_steps)]
    for k, g in zip(steps.tolist(), ids.tolist()):
        if k >= first:
            raster[k - first].append(g)
    return {"n_neurons": n, "core_of": core_of, "synapses": [[int(a), int(b), 0.0] for a, b in zip(pre, tgt)],
            "spikes": raster, "update_steps": active, "timing_models": ["simple", "detailed"]}


def compare(program, sim, cost, first: int, out: dict, pipelined=None) -> dict:
    """Relative differences per step (total) and per core, energy and time; with
    ``pipelined`` (neuromorph's default timing) also its step time against SANA-FE's
    ``detailed`` model (a side figure: the two model the network differently)."""
    steps = out["steps"]
    S = len(steps)
    e_sf = np.array([s["energy_total"] for s in steps]) * 1e12           # J -> pJ
    t_sf = np.array([s["time"] for s in steps]) * 1e9                    # s -> ns
    e_nm = cost.energy_pJ[first:first + S]
    t_nm = cost.time_ns[first:first + S]
    rel = lambda a, b: np.abs(a - b) / np.maximum(np.abs(b), 1e-30)      # noqa: E731
    core_e_err, core_t_err = [], []
    for c in range(program.n_cores):
        key = str(sanafe_core_id(program, c))
        e_c = np.array([(s["per_core"].get(key) or {}).get("energy") or 0.0 for s in steps]) * 1e12
        gen = np.array([(s["per_core"].get(key) or {}).get("neuron_processing_time", 0.0) for s in steps]) * 1e9
        proc = np.array([(s["per_core"].get(key) or {}).get("message_processing_time", 0.0) for s in steps]) * 1e9
        core_e_err.append(float(rel(cost.core_energy_pJ[first:first + S, c], e_c).max()))
        core_t_err.append(float(max(rel(cost.soma_ns[first:first + S, c], gen).max(),
                                    rel(cost.dendrite_ns[first:first + S, c], proc).max())))
    upd_sf = np.array([s["updated"] for s in steps])
    upd_nm = cost.counts[first:first + S, :program.n_cores, 1].sum(axis=1)
    return {
        "steps": S, "energy_total_sanafe_pJ": float(e_sf.sum()), "energy_total_neuromorph_pJ": float(e_nm.sum()),
        "energy_step_max_rel": float(rel(e_nm, e_sf).max()),
        "energy_total_rel": float(abs(e_nm.sum() - e_sf.sum()) / e_sf.sum()),
        "time_step_max_rel": float(rel(t_nm, t_sf).max()),
        "time_total_rel": float(abs(t_nm.sum() - t_sf.sum()) / t_sf.sum()),
        "core_energy_max_rel": max(core_e_err), "core_time_max_rel": max(core_t_err),
        "updated_extra_in_sanafe": int((upd_sf - upd_nm).sum()),
        "hops_sanafe": int(sum(s["hops"] for s in steps)),
        "hops_neuromorph": int(cost.counts[first:first + S, :, 6:9].sum()),
        "messages_sanafe": int(sum(s["messages"] for s in steps)),
        "messages_neuromorph": int(cost.counts[first:first + S, :, 4].sum()),
        **_detailed(out, pipelined, first, S, rel),
    }


def _detailed(out: dict, pipelined, first: int, S: int, rel) -> dict:
    t = out.get("time_per_step", {}).get("detailed")
    if pipelined is None or not t:
        return {}
    t_det = np.array(t[:S]) * 1e9
    t_pip = pipelined.time_ns[first:first + S]
    return {"pipelined_vs_detailed_mean_rel": float(rel(t_pip, t_det).mean()),
            "pipelined_vs_detailed_total_rel": float((t_pip.sum() - t_det.sum()) / t_det.sum())}


def sanafe_python() -> str:
    exe = os.environ.get("NEUROMORPH_SANAFE_PYTHON")
    if exe:
        return exe
    try:
        import importlib.util
        if importlib.util.find_spec("sanafe") is not None:
            return sys.executable
    except ImportError:
        pass
    raise SystemExit("cost_sanafe needs SANA-FE in some Python: python3 -m venv VENV && "
                     "VENV/bin/pip install sanafe==2.2.9 pyyaml numpy, then set NEUROMORPH_SANAFE_PYTHON=VENV/bin/python")


def main(out_dir: str | Path = "out/cost_sanafe", seed: int = 0) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exe = sanafe_python()
    results = {}
    for name, program, n_steps, first in cases(seed):
        sim = Simulator(program, strict=False).run(first)
        active = []
        for _ in range(n_steps - first):      # step by step, to hand SANA-FE each step's active neurons
            active.append(sim.step().active_ids().tolist())
        cost = sim.cost(prices="sanafe-loihi", timing="simple")
        tag = name.split(",")[0] + f"_{program.n_cores}"
        src, dst = out_dir / f"{tag}_in.json", out_dir / f"{tag}_sanafe.json"
        src.write_text(json.dumps(replay_input(program, sim, first, active)))
        subprocess.run([exe, str(HERE / "_sanafe_replay.py"), str(src), str(dst)], check=True)
        r = compare(program, sim, cost, first, json.loads(dst.read_text()),
                    sim.cost(prices="sanafe-loihi", timing="pipelined"))
        results[name] = r
        print(f"{name}: {r['steps']} steps replayed")
        print(f"  energy per step: max |rel diff| {r['energy_step_max_rel']:.2e}, total {r['energy_total_rel']:.2e} "
              f"({r['energy_total_neuromorph_pJ'] / 1e6:.4f} uJ vs {r['energy_total_sanafe_pJ'] / 1e6:.4f} uJ)")
        print(f"  time per step (simple): max |rel diff| {r['time_step_max_rel']:.2e}, total {r['time_total_rel']:.2e}")
        print(f"  per core: energy max |rel diff| {r['core_energy_max_rel']:.2e}, "
              f"soma/dendrite time max |rel diff| {r['core_time_max_rel']:.2e}")
        print(f"  messages {r['messages_neuromorph']} vs {r['messages_sanafe']}, hops {r['hops_neuromorph']} vs "
              f"{r['hops_sanafe']}, neuron updates SANA-FE charged beyond neuromorph's active: "
              f"{r['updated_extra_in_sanafe']}")
        if "pipelined_vs_detailed_total_rel" in r:
            print(f"  side figure: neuromorph 'pipelined' vs SANA-FE 'detailed' step time: total "
                  f"{r['pipelined_vs_detailed_total_rel']:+.2%}, mean |rel diff| per step "
                  f"{r['pipelined_vs_detailed_mean_rel']:.2%}")
    (out_dir / "cost_sanafe.json").write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main(*sys.argv[1:2])
