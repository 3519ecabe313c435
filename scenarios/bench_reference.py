"""Speed of the float64 reference network simulator.

The network: 1,000 LIF neurons (800 excitatory, 200 inhibitory; the course defaults
E_L = V_reset = -75 mV, V_th = -55 mV, tau_m = 10 ms, g_L = 10 nS, t_ref = 2 ms,
tau_syn = 5 ms) with 100,000 synapses in total:

* input: 1,000 Poisson sources at 10 Hz (seeded, ``PoissonSpikes``), each LIF neuron
  receiving from each source with probability 0.05 (~50,000 synapses, 70 pA, delay dt);
* recurrent: LIF -> LIF with probability 0.05 (~50,000 synapses), excitatory 30 pA,
  inhibitory -150 pA, delays drawn uniformly in [1, 5] ms (continuous values, so the
  continuous mode delivers them off the step grid).

It runs 1 s of biological time at dt = 0.1 ms (10,000 steps) in both modes of
:func:`reference.network_sim.simulate` and prints wall time and steps per second. The
kernels are compiled (or loaded from numba's cache) by a short warm-up run first, so the
timings are of the simulation itself; the warm-up time is printed too. A raster of the
first 100 ms of both modes is saved as ``raster.png``.
"""

from __future__ import annotations

import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from neuromorph.network import LIF, Network, PoissonSpikes  # noqa: E402
from reference.network_sim import simulate  # noqa: E402

DESCRIPTION = "reference simulator speed: 1,000 LIF / 100k synapses / 1 s at dt = 0.1 ms, both modes"


def build(seed: int = 0, dt: float = 1e-4) -> Network:
    """The benchmark network (every random choice keyed by ``seed``)."""
    rng = np.random.default_rng(seed)
    net = Network(dt=dt, name="bench_reference")
    net.add_source("poisson", 1000, PoissonSpikes(rate=10.0, seed=seed + 1))
    net.add_population("exc", 800, LIF())
    net.add_population("inh", 200, LIF())
    for post in ("exc", "inh"):
        net.connect("poisson", post, weight=70e-12, p=0.05, seed=seed + 2 + (post == "inh"))
    for pre, w in (("exc", 30e-12), ("inh", -150e-12)):
        for post in ("exc", "inh"):
            n_pre, n_post = net.populations[pre].size, net.populations[post].size
            mask = rng.random((n_post, n_pre)) < 0.05
            post_i, pre_i = np.nonzero(mask)
            delay = rng.uniform(1e-3, 5e-3, size=pre_i.size)
            net.connect(pre, post, weight=w, delay=delay, pre_idx=pre_i, post_idx=post_i)
    net.probe("exc", [0, 1])
    return net


def main(out_dir: str | Path = "out/bench_reference", seed: int = 0, duration: float = 1.0) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    net = build(seed)
    n_syn = sum(p.n_synapses for p in net.projections)
    n_steps = int(round(duration / net.dt))
    print(f"network: {net.n_neurons - 1000} LIF neurons, 1000 Poisson sources, {n_syn} synapses, "
          f"{n_steps} steps of {net.dt * 1e3:g} ms")
    t0 = time.perf_counter()
    for mode in ("hardware", "continuous"):
        simulate(net, 10, mode)  # compile or load the numba cache
    warm = time.perf_counter() - t0
    print(f"warm-up (numba compile or cache load, both modes): {warm:.2f} s")
    out_numbers: dict[str, float] = {"n_synapses": float(n_syn), "n_steps": float(n_steps), "warmup_s": warm}
    results = {}
    for mode in ("hardware", "continuous"):
        t0 = time.perf_counter()
        res = simulate(net, n_steps, mode)
        wall = time.perf_counter() - t0
        results[mode] = res
        lif = res.spikes.counts("exc").sum() + res.spikes.counts("inh").sum()
        rate = lif / 1000 / duration
        print(f"{mode:>10}: {wall:6.3f} s wall ({res.info['wall_s']:.3f} s in the kernel), "
              f"{n_steps / wall:,.0f} steps/s, mean LIF rate {rate:.2f} Hz, "
              f"{res.spikes.ids.size} spikes incl. sources")
        out_numbers[f"{mode}_wall_s"] = wall
        out_numbers[f"{mode}_steps_per_s"] = n_steps / wall
        out_numbers[f"{mode}_rate_hz"] = rate
    fig, axes = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    for ax, (mode, res) in zip(axes, results.items()):
        s = res.spikes
        m = (s.ids >= 1000) & (s.spike_times < 0.1)
        ax.plot(s.spike_times[m] * 1e3, s.ids[m] - 1000, ".", ms=1.5)
        ax.set_ylabel(f"{mode}\nneuron")
    axes[-1].set_xlabel("t (ms)")
    fig.tight_layout()
    fig.savefig(out / "raster.png", dpi=100)
    plt.close(fig)
    return out_numbers


if __name__ == "__main__":
    main()
