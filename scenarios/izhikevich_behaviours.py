"""Izhikevich behaviours (2004) and cortical classes (2003): chip vs hardware-ordered vs continuous.

Every preset of :mod:`reference.izhikevich_presets` with the common published step
dt = 0.25 ms (most of the 20 behaviours and the classes RS, IB, CH, FS, TC, TC burst,
RZ, LTS; the presets with other steps are covered by ``scenarios/izhikevich_chip.py``)
becomes a one-neuron population with its published parameters and initial state, and its
protocol current is written by the host every step (``Network.inject``; zero after the
preset's own duration). All three backends run the one network:

* hardware-ordered reference: Izhikevich's Euler scheme at dt (v first, then u with the
  new v, strict v > v_peak) in float64 — the published scheme;
* continuous reference: RK4 with 10 µs sub-steps and exact reset times;
* chip: the integer Izhikevich neuron (docs/hardware-model.md §2b).

Quantization (Euler float → chip integers) is judged on Γ (2 ms) and the spike count;
discretisation (RK4 → Euler at 0.25 ms) is large for these models — Izhikevich's
published figures *are* the Euler ones — and is reported, not judged. The per-behaviour
table with each behaviour's defining property is ``neuromorph run izhikevich_chip``,
which this scenario's ``main`` runs.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

from neuromorph.app.protocol import Comparison, Tol
from neuromorph.network import Izhikevich, Network
from reference.izhikevich_presets import PRESETS

DESCRIPTION = "Izhikevich behaviours + cortical classes (dt 0.25 ms presets) on chip vs Euler float vs RK4"

DT_MS = 0.25


def comparison(seed: int = 0, duration: float | None = None) -> Comparison:
    names = [k for k, p in PRESETS.items() if abs(p.dt - DT_MS) < 1e-12]
    n_steps = max(PRESETS[k].n_steps for k in names)
    if duration is not None:
        n_steps = max(1, int(round(duration / (DT_MS * 1e-3))))
    net = Network(dt=DT_MS * 1e-3, name="izhikevich_behaviours")
    for k in names:
        p = PRESETS[k]
        q = p.params
        net.add_population(k, 1, Izhikevich(a=q.a, b=q.b, c=q.c, d=q.d, v_peak=q.v_peak, k2=q.k2, k1=q.k1,
                                            k0=q.k0, v_init=p.v0, u_init=p.u0, u_rule=q.u_rule))
        cur = np.zeros(n_steps)
        c = np.asarray(p.current(), float).ravel()[:n_steps]
        cur[:c.size] = c
        net.inject(k, cur)
    for k in ("tonic_spiking", "tonic_bursting", "RS"):
        if k in net.populations:
            net.probe(k)
    tol = {
        "gamma": Tol(None, 0.9),
        "rate_rel_error": Tol(None, 0.05),
        "latency_shift": Tol(None, 2e-3),
        "overflows": Tol(None, None),
        "v_rmse": Tol(None, None),
    }
    return Comparison(net, n_steps, tol, headline="gamma", guard=5e-3, seed=seed, v_label="v", v_unit="mV",
                      params={"presets": names, "dt_ms": DT_MS},
                      notes=f"{len(names)} presets, one neuron each: " + ", ".join(names) + ".")


def main(out_dir: str | Path = "out/izhikevich_behaviours", seed: int = 0) -> dict:
    path = Path(__file__).with_name("izhikevich_chip.py")
    spec = importlib.util.spec_from_file_location("neuromorph_scenario_izhikevich_chip_run", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.main(str(out_dir), seed)


if __name__ == "__main__":
    main(*sys.argv[1:2])
