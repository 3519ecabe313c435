"""Hodgkin-Huxley neuron (course exercise 6, PSD of exercise 7): reference only.

REFERENCE-ONLY: the chip has LIF and Izhikevich neurons only; it cannot run HH. What
is measured is the reference's own discretisation: the course's RK4 step of 0.025 ms
(``hardware`` column, "course step") against a 10x finer RK4 step of 0.0025 ms
(``continuous`` column, "fine step"), sampled on the course grid. Five neurons get DC
currents 0, 5, 10, 15 and 20 µA/cm² for 200 ms (rest, then tonic firing above the
type-II onset near 6 µA/cm²); spikes are upward crossings of 0 mV. Judged: spike count
error 0, Γ (0.5 ms) >= 0.95, PSD band-power error of V in 10-200 Hz within 5 %.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from neuromorph.app.protocol import Comparison, Tol, array_result
from neuromorph.app.runner import run_single
from reference.hh import simulate_hh

DESCRIPTION = "Hodgkin-Huxley DC 0-20 uA/cm2, V traces and PSD: course RK4 step vs 10x finer (reference only)"
REFERENCE_ONLY = "the chip has LIF and Izhikevich neurons only (no Hodgkin-Huxley)"

CURRENTS = (0.0, 5.0, 10.0, 15.0, 20.0)


def _run(dt_ms: float, n_steps: int, every: int):
    r = simulate_hh(np.asarray(CURRENTS), dt_ms, n_steps * every, n=len(CURRENTS))
    V = r.V[1:][every - 1::every]                      # state at the end of each course step
    sp = np.asarray(r.spikes)
    k, i = np.nonzero(sp)
    return V, k // every, i


def comparison(seed: int = 0, duration: float | None = None) -> Comparison:
    dt_ms = 0.025
    duration = 0.2 if duration is None else float(duration)
    n_steps = max(2, int(round(duration * 1e3 / dt_ms)))
    dt = dt_ms * 1e-3
    runs = {}
    for key, every in (("hardware", 1), ("continuous", 10)):
        V, ks, ids = _run(dt_ms / every, n_steps, every)
        runs[key] = array_result(dt, n_steps, V, "mV", ks, ids, "hh", len(CURRENTS), label=f"hh dt/{every}")
    tol = {"count_error": Tol(0, None), "gamma": Tol(0.95, None), "psd_band_error": Tol(0.05, None),
           "v_rmse": Tol(None, None)}
    return Comparison(None, n_steps, tol, headline="gamma", chip=False, reason=REFERENCE_ONLY, runs=runs,
                      gamma_delta=0.5e-3, psd="v", psd_band=(10.0, 200.0), guard=2e-3, v_unit="mV", seed=seed,
                      labels={"continuous": "RK4 dt = 0.0025 ms (fine)", "hardware": "RK4 dt = 0.025 ms (course)"},
                      params={"currents_uA_cm2": list(CURRENTS), "dt_ms": dt_ms},
                      notes="HH in mV, ms, µA/cm²; v RMSE in mV.")


def main(out_dir: str | Path = "out/hh_course", seed: int = 0) -> dict:
    return run_single(comparison(seed), out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:2])
