"""LIF response to sub-threshold current pulses (course exercise 1): chip vs reference.

The course neuron (E_L = V_reset = -75 mV, V_th = -55 mV, tau_m = 10 ms, g_L = 10 nS)
receives a host current pulse from 100 to 300 ms; one neuron per amplitude 50, 100, 150
(the course's) and 190 pA, all below the 200 pA rheobase, so V relaxes to
E_L + R I (1 - e^{-t/tau_m}) and back without a spike. The judged metric is the
sub-threshold v RMSE:

* discretisation: the hardware-ordered rule advances V with the exact decay e^{-dt/tau_m}
  and a current that is constant over each step, which is the continuous solution at
  every step end, so the RMSE is float rounding only: judged <= 1 µV;
* quantization: the chip realises tau_m and the current to a register LSB, and truncates
  u and v every step (docs/error-bounds.md bounds the latter); judged <= 0.1 mV (0.5 % of
  the 20 mV threshold distance), reported in LSBs as well.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from neuromorph.app.protocol import Comparison, Tol
from neuromorph.app.runner import run_single
from neuromorph.network import LIF, Network

DESCRIPTION = "LIF sub-threshold current pulses 50-190 pA (course exercise 1): v RMSE chip vs reference, mV and LSB"

AMPLITUDES_PA = (50.0, 100.0, 150.0, 190.0)


def comparison(seed: int = 0, duration: float | None = None) -> Comparison:
    dt = 1e-4
    duration = 0.4 if duration is None else float(duration)
    n_steps = max(1, int(round(duration / dt)))
    net = Network(dt=dt, name="lif_pulse")
    net.add_population("pulse", len(AMPLITUDES_PA), LIF(tau_syn=5e-3))
    t = np.arange(n_steps) * dt
    on = ((t >= 0.1) & (t < 0.3)).astype(float)
    net.inject("pulse", on[:, None] * np.asarray(AMPLITUDES_PA)[None, :] * 1e-12)
    net.probe("pulse")
    tol = {"v_rmse": Tol(1e-6, 1e-4), "v_rmse_lsb": Tol(None, None), "count_error": Tol(0, 0),
           "overflows": Tol(None, 0)}
    return Comparison(net, n_steps, tol, headline="v_rmse", seed=seed,
                      params={"amplitudes_pA": list(AMPLITUDES_PA), "pulse_s": [0.1, 0.3]},
                      notes="Pulse 100-300 ms; amplitudes " + ", ".join(f"{a:g}" for a in AMPLITUDES_PA) + " pA.")


def main(out_dir: str | Path = "out/lif_pulse", seed: int = 0) -> dict:
    return run_single(comparison(seed), out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:2])
