#!/usr/bin/env python3
"""Replay a spike raster on SANA-FE's Loihi architecture; record energy and time per step.

The outside half of the SANA-FE cross-check (``scenarios/cost_sanafe.py``): it runs in a
Python that has ``sanafe`` (GPL-3.0, used as an outside tool, never copied; for example
``python3 -m venv VENV && VENV/bin/pip install sanafe==2.2.9 pyyaml numpy``):

    VENV/bin/python scenarios/_sanafe_replay.py IN.json OUT.json

Every neuron is a SANA-FE LIF neuron with threshold 1, hard reset to 0 and zero-weight
synapses, so its potential stays 0; in step t the neurons of ``spikes[t]`` get bias 2 (they
fire) and those of ``update_steps[t]`` get ``force_update`` (SANA-FE charges them a neuron
update, as neuromorph does its active neurons). SANA-FE's own spike output is checked
against the raster every step (``RasterMismatch`` otherwise).

IN.json:
  {"n_neurons": N,
   "core_of":  [global core index per neuron],   # core c -> tile c // 4, slot c % 4
   "synapses": [[pre, post, weight], ...],
   "spikes":   [[ids firing at step 0], [step 1], ...],
   # optional:
   "update_steps": [[ids to force-update at step 0], ...],
   "weight_mode": "zero" | "real",   # default "zero" (see REPORT.md)
   "force_update": false,            # LIF force_update: charge 'update' to every neuron every step
   "synapse_hw": "loihi_dense_synapse" | "loihi_sparse_synapse" | "loihi_conv_synapse",
   "tail_steps": 0,                  # extra silent steps appended after the raster
   "timing_models": ["simple", "detailed"],
   "arch_yaml": "<path>"             # default: the loihi.yaml shipped in the sanafe package
  }

SANA-FE is used purely as an external tool (imported, never copied).
"""
import contextlib
import copy
import importlib.metadata
import io
import json
import math
import os
import sys
import tempfile
from importlib.resources import files

import yaml
import sanafe

GROUP = "n"
FIRE_BIAS_ZERO = 2.0        # zero-weight mode: threshold 1.0, potential stays 0
THRESH_ZERO = 1.0
THRESH_REAL = 1.0e30        # real-weight mode: threshold no input can reach
FIRE_BIAS_REAL = 1.0e31


class RasterMismatch(RuntimeError):
    pass


def load_prices(arch_path):
    with open(arch_path, "r", encoding="utf-8") as f:
        desc = yaml.safe_load(f)
    a = desc["architecture"]
    tile = a["tile"][0]
    core = tile["core"][0]
    prices = {
        "noc": {k: a["attributes"][k] for k in a["attributes"]},
        "tile_name_pattern": tile["name"],
        "hop": dict(tile["attributes"]),
        "core_name_pattern": core["name"],
        "core_attributes": dict(core["attributes"]),
        "axon_in": {u["name"]: u["attributes"] for u in core["axon_in"]},
        "axon_out": {u["name"]: u["attributes"] for u in core["axon_out"]},
        "soma": {u["name"]: u["attributes"] for u in core["soma"]},
        "dendrite": {u["name"]: u["attributes"] for u in core["dendrite"]},
        "synapse": {u["name"]: u["attributes"] for u in core["synapse"]},
    }
    return desc, prices


def make_logging_arch(desc, tmpdir):
    """Copy of the arch description with log_energy flags on tiles/cores and
    the LIF / synapse units (prices untouched)."""
    d = copy.deepcopy(desc)
    for tile in d["architecture"]["tile"]:
        tile["attributes"]["log_energy"] = True
        for core in tile["core"]:
            core["attributes"]["log_energy"] = True
            for sec in ("soma", "synapse"):
                for unit in core.get(sec, []):
                    if "[" not in unit["name"]:   # skip the 1024 input units
                        unit["attributes"]["log_energy"] = True
    path = os.path.join(tmpdir, "arch_logged.yaml")
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(d, f, sort_keys=False)
    return path


def parse_range(name):
    base, rng = name.split("[")
    lo, hi = rng.rstrip("]").split("..")
    return base, int(lo), int(hi)


def build_chip(arch, cfg, n, core_of, synapses):
    cores = arch.cores()
    net = sanafe.Network()
    thresh = THRESH_ZERO if cfg["weight_mode"] == "zero" else THRESH_REAL
    attrs = {"threshold": thresh, "reset": 0.0, "reset_mode": "hard",
             "bias": 0.0}
    if cfg["force_update"]:
        attrs["force_update"] = True
    attrs.update(cfg.get("lif_attributes", {}))
    g = net.create_neuron_group(GROUP, n, model_attributes=attrs,
                                default_synapse_hw_name=cfg["synapse_hw"],
                                log_spikes=True,
                                soma_hw_name="loihi_lif")
    for i in range(n):
        g[i].map_to_core(cores[core_of[i]])
    for pre, post, w in synapses:
        weight = 0.0 if cfg["weight_mode"] == "zero" else float(w)
        g[int(pre)].connect_to_neuron(g[int(post)], {"weight": weight})
    chip = sanafe.SpikingChip(arch)
    chip.load(net)
    return chip


def run_model(arch_path, cfg, n, core_of, synapses, raster, timing_model):
    arch = sanafe.load_arch(arch_path)
    chip = build_chip(arch, cfg, n, core_of, synapses)
    mapped = chip.mapped_neuron_groups[GROUP]
    fire_bias = FIRE_BIAS_ZERO if cfg["weight_mode"] == "zero" else FIRE_BIAS_REAL

    steps = []
    prev = set()
    prev_up = set()
    updates = cfg.get("update_steps") or []
    for t, fire in enumerate(raster):
        fire = set(fire)
        for i in fire - prev:
            mapped[i].set_attributes(model_attributes={"bias": fire_bias})
        for i in prev - fire:
            mapped[i].set_attributes(model_attributes={"bias": 0.0})
        prev = fire
        if updates:
            up = set(updates[t]) if t < len(updates) else set()
            for i in up - prev_up:
                mapped[i].set_attributes(model_attributes={"force_update": True})
            for i in prev_up - up:
                mapped[i].set_attributes(model_attributes={"force_update": False})
            prev_up = up
        with contextlib.redirect_stdout(io.StringIO()):
            r = chip.sim(1, timing_model=timing_model, processing_threads=1,
                         spike_trace=True, perf_trace=True, message_trace=True)
        got = sorted(a.neuron_offset for a in r["spike_trace"][0])
        if got != sorted(fire):
            raise RasterMismatch(
                f"[{timing_model}] step {t}: SANA-FE fired {got}, "
                f"prescribed {sorted(fire)}")
        steps.append(r)
    return steps


def summarise(steps, n_cores_used_ids, cores_per_tile, sync_table, mapped_tiles):
    out = []
    for t, r in enumerate(steps):
        perf = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v)
                for k, v in r["perf_trace"].items()}
        msgs = r["message_trace"][0]
        real = [m for m in msgs if not m["placeholder"]]
        gen = {}
        proc = {}
        msgs_out = {}
        msgs_in = {}
        hops = 0
        for m in msgs:
            c = m["src_core_id"]
            gen[c] = gen.get(c, 0.0) + m["generation_delay"]
            if not m["placeholder"]:
                d = m["dest_core_id"]
                proc[d] = proc.get(d, 0.0) + m["processing_delay"]
                msgs_out[c] = msgs_out.get(c, 0) + 1
                msgs_in[d] = msgs_in.get(d, 0) + 1
                hops += m["hops"]
        per_core = {}
        for c in n_cores_used_ids | set(gen) | set(proc):
            tile, slot = divmod(c, cores_per_tile)
            key = f"loihi_tile[{tile}].loihi_core[{slot}]"
            per_core[str(c)] = {
                "tile": tile, "slot": slot,
                "energy": perf.get(key + ".energy"),
                "soma_energy": perf.get(key + ".loihi_lif.energy"),
                "synapse_energy": sum(v for k, v in perf.items()
                                      if k.startswith(key + ".loihi_")
                                      and k.endswith("_synapse.energy")),
                "neuron_processing_time": gen.get(c, 0.0),
                "message_processing_time": proc.get(c, 0.0),
                "messages_out": msgs_out.get(c, 0),
                "messages_in": msgs_in.get(c, 0),
            }
        per_tile_energy = {}
        for k, v in perf.items():
            if k.startswith("loihi_tile[") and k.count(".") == 1:
                tile_id = int(k.split("[")[1].split("]")[0])
                if v:
                    per_tile_energy[str(tile_id)] = v
        sync = sync_table
        out.append({
            "step": t,
            "sanafe_timestep": perf["timestep"],
            "energy_total": perf["total_energy"],
            "energy_soma": perf["soma_energy"],
            "energy_synapse": perf["synapse_energy"],
            "energy_dendrite": perf["dendrite_energy"],
            "energy_network": perf["network_energy"],
            "time": perf["sim_time"],
            "fired": perf["fired"],
            "updated": perf["updated"],
            "synapse_events": perf["spikes"],
            "messages": len(real),
            "hops": perf["hops"],
            "hops_from_message_trace": hops,
            "max_neuron_processing_time": max(gen.values(), default=0.0),
            "max_message_processing_time": max(proc.values(), default=0.0),
            "per_core": per_core,
            "per_tile_energy": per_tile_energy,
        })
    return out


def sync_lookup(table, mapped_tiles):
    if not isinstance(table, dict):
        return float(table)
    keys = sorted(int(k) for k in table)
    best = keys[0]
    for k in keys:
        if k <= mapped_tiles:
            best = k
    return float(table[best])


def main(in_path, out_path):
    with open(in_path, "r", encoding="utf-8") as f:
        spec = json.load(f)
    n = int(spec["n_neurons"])
    core_of = [int(c) for c in spec["core_of"]]
    synapses = spec.get("synapses", [])
    raster = [list(map(int, s)) for s in spec["spikes"]]
    cfg = {
        "weight_mode": spec.get("weight_mode", "zero"),
        "force_update": bool(spec.get("force_update", False)),
        "synapse_hw": spec.get("synapse_hw", "loihi_dense_synapse"),
        "lif_attributes": spec.get("lif_attributes", {}),
        "update_steps": [list(map(int, u)) for u in spec.get("update_steps", [])],
    }
    raster = raster + [[] for _ in range(int(spec.get("tail_steps", 0)))]
    models = spec.get("timing_models", ["simple", "detailed"])
    arch_src = spec.get("arch_yaml", str(files("sanafe.examples") / "loihi.yaml"))

    if len(core_of) != n:
        raise ValueError("core_of must have n_neurons entries")
    for s in raster:
        for i in s:
            if not 0 <= i < n:
                raise ValueError(f"spike id {i} out of range")

    desc, prices = load_prices(arch_src)
    _, lo, hi = parse_range(prices["core_name_pattern"])
    cores_per_tile = hi - lo + 1
    _, tlo, thi = parse_range(prices["tile_name_pattern"])
    n_tiles = thi - tlo + 1
    if max(core_of) >= cores_per_tile * n_tiles:
        raise ValueError("core index beyond architecture")
    used_cores = set(core_of)
    mapped_tiles = len({c // cores_per_tile for c in used_cores})
    sync = sync_lookup(prices["noc"].get("latency_sync", 0.0)
                       if prices["noc"].get("sync_model", "fixed") == "table"
                       else prices["noc"].get("latency_sync", 0.0), mapped_tiles)

    with tempfile.TemporaryDirectory() as tmp:
        arch_path = make_logging_arch(desc, tmp)
        results = {}
        for model in models:
            steps = run_model(arch_path, cfg, n, core_of, synapses, raster, model)
            results[model] = summarise(steps, used_cores, cores_per_tile,
                                       sync, mapped_tiles)

    # Energy must not depend on the timing model
    if len(models) > 1:
        a, b = results[models[0]], results[models[1]]
        for x, y in zip(a, b):
            if not math.isclose(x["energy_total"], y["energy_total"],
                                rel_tol=1e-12, abs_tol=1e-24):
                raise RuntimeError("energy differs between timing models")

    primary = results["simple"] if "simple" in results else results[models[0]]
    out = {
        "sanafe_version": importlib.metadata.version("sanafe"),
        "arch_yaml": arch_src,
        "config": {k: v for k, v in cfg.items() if k != "update_steps"},
        "n_steps": len(raster),
        "raster_verified": True,
        "cores_per_tile": cores_per_tile,
        "mapped_tiles": mapped_tiles,
        "sync_latency_used": sync,
        "prices": prices,
        "energy_per_step": [s["energy_total"] for s in primary],
        "time_per_step": {m: [s["time"] for s in results[m]] for m in results},
        "total_energy": sum(s["energy_total"] for s in primary),
        "total_time": {m: sum(s["time"] for s in results[m]) for m in results},
        "steps": primary,
        "steps_by_model": {m: results[m] for m in results if results[m] is not primary},
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    print(f"ok: {len(raster)} steps, total energy {out['total_energy']:.6e} J, "
          f"time {out['total_time']}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2])
