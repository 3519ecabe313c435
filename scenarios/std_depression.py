"""Short-term depression (Tsodyks-Markram): reference only.

REFERENCE-ONLY: the chip's synapses have no short-term plasticity. Measured: the
reference's step-wise rule (``reference.synapses.tm_step`` at dt = 0.1 ms: exact
recovery over each step, release at the step's end) against its event-exact solution
(``tm_train``, release at the exact spike time), for regular presynaptic trains at 5,
10, 20, 40 and 80 Hz (U = 0.5, tau_D = 200 ms). The compared trace is the resource
variable x just before each step's end (0..1); judged: x RMSE <= 0.01.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from neuromorph.app.protocol import Comparison, Tol, array_result
from neuromorph.app.runner import run_single
from reference.synapses import TMParams, tm_step

DESCRIPTION = "Tsodyks-Markram short-term depression at 5-80 Hz: step rule vs event-exact (reference only)"
REFERENCE_ONLY = "the chip's synapses have no short-term plasticity"

RATES = (5.0, 10.0, 20.0, 40.0, 80.0)


def comparison(seed: int = 0, duration: float | None = None) -> Comparison:
    dt = 1e-4
    duration = 1.0 if duration is None else float(duration)
    n_steps = max(1, int(round(duration / dt)))
    p = TMParams(U=0.5, tau_D=0.2)
    t_end = (np.arange(n_steps) + 1) * dt
    # spike j of train i at (j + 0.37) / rate: off the step grid, so the two solutions differ by the grid
    trains = [np.arange(0.37, rate * duration - 1e-9) / rate for rate in RATES]
    spikes = np.zeros((n_steps, len(RATES)), bool)
    for i, tr in enumerate(trains):
        spikes[np.minimum(np.ceil(tr / dt).astype(int) - 1, n_steps - 1), i] = True
    x = np.ones(len(RATES))
    X_step = np.empty((n_steps, len(RATES)))
    for k in range(n_steps):
        x, _ = tm_step(x, spikes[k], p, dt)
        X_step[k] = x
    X_exact = np.empty_like(X_step)
    for i, tr in enumerate(trains):
        x, last = 1.0, 0.0
        j = 0
        for k, te in enumerate(t_end):
            while j < tr.size and tr[j] <= te:
                x = 1.0 - (1.0 - x) * np.exp(-(tr[j] - last) / p.tau_D)
                x, last, j = (1 - p.U) * x, tr[j], j + 1
            X_exact[k, i] = 1.0 - (1.0 - x) * np.exp(-(te - last) / p.tau_D)
    ks, ids = np.nonzero(spikes)
    runs = {"continuous": array_result(dt, n_steps, X_exact, "x (fraction)", ks, ids, "tm", len(RATES)),
            "hardware": array_result(dt, n_steps, X_step, "x (fraction)", ks, ids, "tm", len(RATES))}
    return Comparison(None, n_steps, {"v_rmse": Tol(0.01, None)}, headline="v_rmse", chip=False,
                      reason=REFERENCE_ONLY, runs=runs, guard=0.0, v_label="resources x", v_unit="(fraction)", seed=seed,
                      labels={"continuous": "event-exact", "hardware": "step rule dt = 0.1 ms"},
                      params={"rates_hz": list(RATES), "U": p.U, "tau_D": p.tau_D},
                      notes="The 'v' metrics here are on the resource variable x (dimensionless).")


def main(out_dir: str | Path = "out/std_depression", seed: int = 0) -> dict:
    return run_single(comparison(seed), out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:2])
