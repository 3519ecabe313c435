"""LIF under DC drive and its F-I curve: chip vs hardware-ordered vs continuous reference.

The course exercise's neuron (E_L = V_reset = -75 mV, V_th = -55 mV, tau_m = 10 ms,
g_L = 10 nS, t_ref = 2 ms, dt = 0.1 ms) as a population of 31 neurons; neuron i gets a
constant host current I_i = 100 + 10 i pA (100-400 pA, ``Network.inject``), so one run
gives the whole DC F-I curve (rheobase R g_L theta = 200 pA; the course's threshold
neuron at 200 pA never fires since the crossing needs I > 200 pA strictly) and the
first-spike latencies. Neurons at 150 pA (sub-threshold) and 250 pA are probed for the
u/v traces.

Tolerances (see docs/compare.md): discretisation — the hardware rule fires at the end of
the step in which V crosses threshold, so every ISI is about dt/2 longer on average and
the refractory period is rounded to whole steps: |rate error| <= 3 % and the first-spike
latency shift <= 1 step; quantization — the chip realises tau_m to 0.6 % and the input
current to one LSB per step, so the same rate bound, rheobase within one sweep step
(10 pA), and no overflow. Γ and the v RMSE are reported, not judged: two regular trains
whose rates differ by 0.5 % drift a whole period apart within a second.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from neuromorph.app.protocol import Comparison, Sweep, Tol
from neuromorph.app.runner import run_single
from neuromorph.network import LIF, Network

DESCRIPTION = "LIF DC drive and F-I curve 100-400 pA (course neuron): chip vs reference, rates, rheobase, latency"

PA = 1e-12


def comparison(seed: int = 0, duration: float | None = None) -> Comparison:
    dt = 1e-4
    duration = 1.0 if duration is None else float(duration)
    n_steps = max(1, int(round(duration / dt)))
    currents = (100 + 10 * np.arange(31)) * PA
    net = Network(dt=dt, name="lif_dc_fi")
    net.add_population("fi", currents.size, LIF(tau_syn=5e-3))
    net.inject("fi", np.repeat(currents[None, :], n_steps, axis=0))
    net.probe("fi", [5, 15])          # 150 pA (sub-threshold) and 250 pA
    tol = {
        "rate_rel_error": Tol(0.03, 0.03),
        "latency_shift": Tol(dt, dt),
        "fi_rheobase_shift": Tol(10 * PA, 10 * PA),
        "fi_slope_rel_error": Tol(0.05, 0.05),
        "gamma": Tol(None, None),
        "v_rmse_lsb": Tol(None, None),
        "overflows": Tol(None, 0),
    }
    return Comparison(net, n_steps, tol, headline="rate_rel_error", gamma_delta=0.5e-3,
                      sweep=Sweep("fi", currents), seed=seed,
                      params={"currents_pA": (currents / PA).tolist(), "dt": dt},
                      notes="One neuron per current; currents injected by the host every step.")


def main(out_dir: str | Path = "out/lif_dc_fi", seed: int = 0) -> dict:
    return run_single(comparison(seed), out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:2])
