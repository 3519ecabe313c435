"""LIF under Gaussian white noise (course exercises 3-4): F-I with GWN, CV_ISI against σ and μ.

The course's GWN current ``I = μ + σ ξ_k / sqrt(dt)`` (σ in pA·s^½, a new normal draw
every step of 0.1 ms; ``reference.inputs.gaussian_white_noise``, one seeded stream per
neuron) is written by the host every step into three populations of the course neuron:

* ``fi``: μ = 100-400 pA in 20 pA steps at σ = 3 (the noisy F-I curve);
* ``cv_sigma``: μ = 250 pA, σ = 0.5-5 (CV_ISI against σ);
* ``cv_mu``: σ = 3, μ = 150-400 pA (CV_ISI against μ).

Every backend sees the same per-step current, so the differences are the spike-time
grid (discretisation) and the chip's registers (quantization). Judged: population rate
within 5 % and mean CV_ISI within 0.05 on both splits, the F-I slope within 10 % (8 noisy
points of 1 s each: counting noise alone is a few %), no overflow on the chip.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from neuromorph.app.protocol import Comparison, Sweep, Tol
from neuromorph.app.runner import run_single
from neuromorph.network import LIF, Network
from reference.inputs import gaussian_white_noise

DESCRIPTION = "LIF under course GWN: F-I at sigma 3, CV_ISI vs sigma (mu 250 pA) and vs mu (sigma 3), chip vs reference"

PA = 1e-12


def comparison(seed: int = 0, duration: float | None = None) -> Comparison:
    dt = 1e-4
    duration = 1.0 if duration is None else float(duration)
    n_steps = max(1, int(round(duration / dt)))
    groups = {
        "fi": (np.arange(100, 401, 20.0), np.full(16, 3.0)),
        "cv_sigma": (np.full(10, 250.0), np.linspace(0.5, 5.0, 10)),
        "cv_mu": (np.arange(150, 401, 25.0), np.full(11, 3.0)),
    }
    net = Network(dt=dt, name="lif_gwn")
    for gi, (name, (mu, sigma)) in enumerate(groups.items()):
        net.add_population(name, mu.size, LIF(tau_syn=5e-3))
        cur = np.column_stack([gaussian_white_noise(m, s, n_steps, dt * 1e3, seed=seed * 1000 + gi * 100 + k)
                               for k, (m, s) in enumerate(zip(mu, sigma))]) * PA
        net.inject(name, cur)
    net.probe("cv_sigma", [0, 9])
    tol = {"rate_rel_error": Tol(0.05, 0.05), "cv_isi_diff": Tol(0.05, 0.05), "gamma": Tol(None, None),
           "fi_rheobase_shift": Tol(None, None), "fi_slope_rel_error": Tol(0.1, 0.1), "overflows": Tol(None, 0)}
    return Comparison(
        net, n_steps, tol, headline="cv_isi_diff", seed=seed,
        sweep=Sweep("fi", groups["fi"][0] * PA, label="μ (pA), σ = 3"),
        extra_sweeps=(Sweep("cv_sigma", groups["cv_sigma"][1], label="σ (pA·s^½), μ = 250 pA", display_scale=1.0,
                            kind="sigma"),
                      Sweep("cv_mu", groups["cv_mu"][0] * PA, label="μ (pA), σ = 3")),
        params={k: {"mu_pA": v[0].tolist(), "sigma": v[1].tolist()} for k, v in groups.items()},
        notes="Course GWN, one seeded stream per neuron, written by the host every step.")


def main(out_dir: str | Path = "out/lif_gwn", seed: int = 0) -> dict:
    return run_single(comparison(seed), out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:2])
