"""Amari neural field bump — reference only.

REFERENCE-ONLY: a continuous neural field has no spiking-chip counterpart. Measured: the
reference's field step (``reference.fields.simulate_amari``, Mexican-hat kernel, h = -0.3,
tau = 1, domain 60 on 256 points) at dt = 0.05 against dt = 0.005 (10x finer), from the
same localized initial bump, sampled every 0.05 time units at 16 points across the field.
Judged: field RMSE <= 0.01.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from neuromorph.app.protocol import Comparison, Tol, array_result
from neuromorph.app.runner import run_single
from reference.fields import AmariParams, amari_grid, simulate_amari

DESCRIPTION = "Amari neural-field bump, field step dt vs dt/10 (reference only)"
REFERENCE_ONLY = "a continuous neural field has no spiking-chip counterpart"


def comparison(seed: int = 0, duration: float | None = None) -> Comparison:
    dt = 0.05                        # model time units (tau = 1); reported as seconds
    T = 20.0 if duration is None else float(duration)
    n_steps = max(1, int(round(T / dt)))
    p = AmariParams()
    L, n = 60.0, 256
    x = np.asarray(amari_grid(L, n)[0] if isinstance(amari_grid(L, n), tuple) else amari_grid(L, n))
    u0 = np.where(np.abs(x) < 2.0, 0.5, p.h)
    cols = np.linspace(0, n - 1, 16).astype(int)
    runs = {}
    for key, fine in (("hardware", 1), ("continuous", 10)):
        _, _, hist = simulate_amari(p, u0, L, dt / fine, n_steps * fine, record_every=fine)
        H = np.asarray(hist)[-n_steps:]
        runs[key] = array_result(dt, n_steps, H[:, cols], "u (a.u.)", population="field", size=16)
    return Comparison(None, n_steps, {"v_rmse": Tol(0.01, None)}, headline="v_rmse", chip=False,
                      reason=REFERENCE_ONLY, runs=runs, v_label="field u", v_unit="(field, a.u.)", guard=0.0, seed=seed,
                      labels={"continuous": "dt/10", "hardware": "dt = 0.05"},
                      params={"h": p.h, "L": L, "n": n, "dt": dt},
                      notes="Time axis in model units (tau = 1) shown as seconds.")


def main(out_dir: str | Path = "out/neural_field", seed: int = 0) -> dict:
    return run_single(comparison(seed), out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:2])
