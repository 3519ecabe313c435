"""Synfire chain with axonal delays: chip vs hardware-ordered vs continuous reference.

The network of ``scenarios/synfire.py`` (10 groups of 20 LIF neurons, tau_syn = 0 so
an input is a one-step current pulse, one random delay of 0.5-4 ms per hop, a volley of
20 sources at t = 0), run on all three backends. Each group fires one step after its
input arrives, so the chip and the hardware-ordered reference must agree spike for spike
(Γ = 1, no latency shift, no overflow). In continuous time the input is a pulse of width
dt starting at the arrival time and V crosses threshold partway through it, while the
step rule reports the spike at the start of its step: each hop of the continuous chain
lags by a fraction of a step, and the lags add up along the chain. The discretisation
tolerance on the mean first-spike latency shift is therefore 10 steps (one per group);
Γ at 2 ms precision is judged >= 0.9.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from neuromorph.app.protocol import Comparison, Tol
from neuromorph.app.runner import run_single

DESCRIPTION = "synfire chain of 10 LIF groups timed by axonal delays: chip vs reference, latency and Γ"


def _synfire():
    path = Path(__file__).with_name("synfire.py")
    spec = importlib.util.spec_from_file_location("neuromorph_scenario_synfire_build", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def comparison(seed: int = 0, duration: float | None = None) -> Comparison:
    net, delays = _synfire().build(seed=seed)
    n_steps = int(delays.sum()) + 50 if duration is None else max(1, int(round(duration / net.dt)))
    for g in (0, 5, 9):
        net.probe(f"g{g}", [0])
    dt = net.dt
    tol = {
        "latency_shift": Tol(10 * dt, 0.0),
        "gamma": Tol(0.9, 1.0),
        "count_error": Tol(0, 0),
        "overflows": Tol(None, 0),
    }
    # headroom 16 as in synfire.py: one step's input (20 x 1.5 nA) must fit v's range
    return Comparison(net, n_steps, tol, headline="latency_shift", headroom=16.0, guard=1e-3, seed=seed,
                      params={"delays_steps": delays.tolist()},
                      notes="Hop delays (steps): " + ", ".join(map(str, delays.tolist())) + ".")


def main(out_dir: str | Path = "out/synfire_chain", seed: int = 0) -> dict:
    return run_single(comparison(seed), out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:2])
