"""Rate networks: winner-take-all (W4) and a random recurrent rate network — reference only.

REFERENCE-ONLY: the chip runs spiking neurons; rate units (``reference.rate``) have no
chip counterpart. Measured: the reference's exponential-Euler step of 1 ms against a
100x finer step (0.01 ms), sampled every 1 ms. WTA: 5 ReLU units, tau = 10 ms, mutual
inhibition alpha = 2, inputs 1.0-1.4; random network: 20 tanh units, tau = 10 ms, weights
N(0, 0.8²/20) (seeded), inputs N(0, 0.5²). Judged: rate RMSE <= 0.01 (rates are
dimensionless, r_max = 1 for tanh).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from neuromorph.app.protocol import Comparison, Tol, array_result
from neuromorph.app.runner import run_single
from reference.rate import Transfer, simulate_rate_network, simulate_wta

DESCRIPTION = "winner-take-all and random rate networks: exp-Euler 1 ms vs 0.01 ms (reference only)"
REFERENCE_ONLY = "rate units are not spiking neurons; the chip has no rate-unit model"


def comparison(seed: int = 0, duration: float | None = None) -> Comparison:
    dt = 1e-3
    duration = 0.3 if duration is None else float(duration)
    n_steps = max(1, int(round(duration / dt)))
    rng = np.random.default_rng(seed)
    I_wta = np.linspace(1.0, 1.4, 5)
    W = rng.normal(0.0, 0.8 / np.sqrt(20), (20, 20))
    I_net = rng.normal(0.0, 0.5, 20)
    runs = {}
    for key, fine in (("hardware", 1), ("continuous", 100)):
        h = dt / fine
        _, r1 = simulate_wta(I_wta, 2.0, 10e-3, Transfer("relu"), h, n_steps * fine)
        _, r2 = simulate_rate_network(W, I_net, 10e-3, Transfer("tanh"), h, n_steps * fine)
        r1, r2 = np.asarray(r1), np.asarray(r2)
        r1 = r1[-n_steps * fine:][fine - 1::fine] if r1.shape[0] >= n_steps * fine else r1
        r2 = r2[-n_steps * fine:][fine - 1::fine] if r2.shape[0] >= n_steps * fine else r2
        runs[key] = array_result(dt, n_steps, np.hstack([r1, r2]), "rate (a.u.)", population="units", size=25)
    return Comparison(None, n_steps, {"v_rmse": Tol(0.01, None)}, headline="v_rmse", chip=False,
                      reason=REFERENCE_ONLY, runs=runs, v_label="rate r", v_unit="(rate, a.u.)", guard=0.0, seed=seed,
                      labels={"continuous": "exp-Euler 0.01 ms", "hardware": "exp-Euler 1 ms"},
                      params={"wta_inputs": I_wta.tolist(), "alpha": 2.0, "tau_s": 10e-3},
                      notes="Columns 0-4: WTA units; 5-24: random tanh network. 'v' metrics are on the rates.")


def main(out_dir: str | Path = "out/rate_wta", seed: int = 0) -> dict:
    return run_single(comparison(seed), out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:2])
