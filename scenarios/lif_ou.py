"""LIF driven by Ornstein-Uhlenbeck current (course exercise 5) with τ_OU = 10 and 30 ms; PSD.

Two populations of 20 course neurons each get independent OU currents (μ = 200 pA,
σ = 40 pA, exact update, ``reference.inputs.ou_current``, seeded per neuron) with
τ_OU = 10 ms and 30 ms, written by the host every step. Judged: population rate within
5 %, mean CV_ISI within 0.05, and the power of the probed membrane potential's PSD
(course definition) in 1-50 Hz within 10 %, on both splits; no chip overflow.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from neuromorph.app.protocol import Comparison, Tol
from neuromorph.app.runner import run_single
from neuromorph.network import LIF, Network
from reference.inputs import ou_current

DESCRIPTION = "LIF under OU current, tau_OU 10 and 30 ms (course exercise 5): rate, CV_ISI, PSD of V, chip vs reference"

PA = 1e-12


def comparison(seed: int = 0, duration: float | None = None) -> Comparison:
    dt = 1e-4
    duration = 2.0 if duration is None else float(duration)
    n_steps = max(1, int(round(duration / dt)))
    net = Network(dt=dt, name="lif_ou")
    for gi, tau in enumerate((10e-3, 30e-3)):
        name = f"ou{tau * 1e3:.0f}ms"
        net.add_population(name, 20, LIF(tau_syn=5e-3))
        cur = ou_current(200.0, 40.0, tau, n_steps, dt, seed=seed * 1000 + gi, n=20) * PA
        net.inject(name, cur)
        net.probe(name, [0, 1])
    tol = {"rate_rel_error": Tol(0.05, 0.05), "cv_isi_diff": Tol(0.05, 0.05), "psd_band_error": Tol(0.1, 0.1),
           "gamma": Tol(None, None), "overflows": Tol(None, 0)}
    return Comparison(net, n_steps, tol, headline="psd_band_error", psd="v", psd_band=(1.0, 50.0), seed=seed,
                      params={"mu_pA": 200.0, "sigma_pA": 40.0, "tau_ou_s": [10e-3, 30e-3]},
                      notes="OU current μ = 200 pA, σ = 40 pA; PSD of V of 4 probed neurons (2 per τ).")


def main(out_dir: str | Path = "out/lif_ou", seed: int = 0) -> dict:
    return run_single(comparison(seed), out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:2])
