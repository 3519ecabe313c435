"""STDP: the pair window and Song, Miller & Abbott (2000) competition — reference only.

REFERENCE-ONLY: the chip has no on-chip learning yet, so only the discretisation split is
measured: ``reference.network_sim.simulate`` in continuous mode (exact spike times)
against the hardware-ordered mode (spike times on the step grid), both with pair-based
additive STDP (``neuromorph.network.STDP``, tau± = 20 ms, A- /A+ = 1.05).

* ``song``: one course LIF neuron (tau_syn = 5 ms) receives 1,000 Poisson inputs at
  10 Hz through plastic synapses, weights initially uniform in [0, w_max], w_max = 10 pA;
  STDP drives the weights towards the bimodal distribution of Song et al.
* ``window``: 21 pre/post pairs, Δt = t_post - t_pre from -50 to +50 ms; each post neuron
  is made to fire once at 100 ms by a strong one-step input, each pre source fires once
  at 100 ms - Δt, so the final weight change of pair i samples the STDP window W(Δt).

Judged: KS distance between the final weight distributions <= 0.1 and post rate within
10 %.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from neuromorph.compare import Comparison, Tol, run_single
from neuromorph.network import LIF, STDP, Network, PoissonSpikes, SpikeTimes

DESCRIPTION = "STDP window and Song et al. 2000 weight competition (1,000 Poisson inputs), weights KS (reference only)"
REFERENCE_ONLY = "no on-chip learning yet (the chip's synapses are fixed)"


def comparison(seed: int = 0, duration: float | None = None) -> Comparison:
    dt = 1e-4
    duration = 10.0 if duration is None else float(duration)
    n_steps = max(1, int(round(duration / dt)))
    rng = np.random.default_rng(seed)
    w_max = 10e-12
    net = Network(dt=dt, name="stdp_song")
    net.add_source("inputs", 1000, PoissonSpikes(rate=10.0, seed=seed))
    net.add_population("song", 1, LIF(tau_syn=5e-3))
    rule = STDP(A_plus=0.005 * w_max, A_minus=-0.00525 * w_max, tau_plus=20e-3, tau_minus=20e-3,
                w_min=0.0, w_max=w_max)
    net.connect("inputs", "song", weight=rng.uniform(0, w_max, 1000), pre_idx=np.arange(1000),
                post_idx=np.zeros(1000, np.int64), plasticity=rule)
    # the window: pair i has Δt_i = t_post - t_pre
    dts = np.linspace(-50e-3, 50e-3, 21)
    t_post = min(0.1, 0.5 * duration)
    k_post = int(round(t_post / dt)) - 1          # the drive arrives one step after its source fires
    net.add_source("drive", 21, SpikeTimes(np.full(21, max(k_post, 0)), np.arange(21)))
    k_pre = np.clip(np.rint((t_post - dts) / dt).astype(np.int64), 0, None)
    net.add_source("pre", 21, SpikeTimes(k_pre, np.arange(21)))
    net.add_population("window", 21, LIF(tau_syn=0.0))
    net.connect("drive", "window", weight=5e-9, pre_idx=np.arange(21), post_idx=np.arange(21))
    w0 = 0.5 * w_max
    net.connect("pre", "window", weight=w0, pre_idx=np.arange(21), post_idx=np.arange(21), plasticity=rule)
    net.probe("song")
    tol = {"weight_ks": Tol(0.1, None), "rate_rel_error": Tol(0.1, None), "gamma": Tol(None, None)}
    return Comparison(net, n_steps, tol, headline="weight_ks", populations=("song",), chip=False,
                      reason=REFERENCE_ONLY, seed=seed,
                      params={"w_max": w_max, "n_inputs": 1000, "rate_hz": 10.0, "window_dt_s": dts.tolist()},
                      notes="Weights in amperes; the window pairs share the plastic rule with the Song neuron.")


def main(out_dir: str | Path = "out/stdp_song", seed: int = 0) -> dict:
    return run_single(comparison(seed), out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:2])
