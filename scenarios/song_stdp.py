"""P1: Song, Miller & Abbott (2000) — additive STDP makes the weights bimodal.

One current-based LIF neuron (``neuromorph.network.LIF``) receives 1,000 excitatory
Poisson inputs through plastic synapses (pair-based additive STDP, all-to-all traces,
``neuromorph.network.STDP``) and 200 fixed inhibitory Poisson inputs, simulated by the
float reference ``reference.network_sim.simulate`` (mode ``"hardware"`` by default).
Starting from a flat weight distribution (uniform on [0, w_max]; ``run_song``'s default
is the narrower N(w_max/2, (0.1 w_max)^2)), STDP with A-/A+ = 1.05 pushes the weights to
the two bounds (Song et al. 2000, Fig. 2a) and pulls the output rate to a stable value
that hardly depends on the input rate (their Fig. 2c: "rate normalisation").

Measured (seed 0, default ``main``: 2,000 s, A+ = 0.005 w_max, ~40-50 s wall on 2 cores):
near 0 / near w_max / both / BC = 10.8 / 9.4 / 20.2 % / 0.563 at the start, 36.9 / 39.5 /
76.4 % / 0.894 at the end; output rate 5.5 Hz in the first 100 s, 10.5-12.3 Hz from
400 s on. Rate normalisation (``run_checks``, 600 s, narrow start): with STDP 13.5 /
10.0 / 11.3 Hz at 10 / 20 / 40 Hz inputs, with the initial weights frozen 1.7 / 160 /
433 Hz. At 20 and 40 Hz most weights go to 0 (49 % and 76 % near 0, 7 % and 6 % near
w_max), as in Song et al.'s Fig. 2b.

Parameters (Song et al. 2000, conductance-based IF neuron) and their CUBA mapping
--------------------------------------------------------------------------------
Neuron: tau_m = 20 ms, E_L = V_rest = -70 mV, V_th = -54 mV, V_reset = -60 mV, no
refractory period; g_L = 10 nS (only a unit: every weight below scales with it).
Synapses: tau_syn = 5 ms for both excitation and inhibition (Song: tau_ex = tau_in = 5 ms).

Song's synapses are conductances: g_max = 0.015 g_L (E_ex = 0 mV) for the 1,000
excitatory inputs and g_in = 0.05 g_L (E_in = -70 mV) for the 200 inhibitory inputs at
10 Hz. Our simulator's LIF is current-based, so each conductance is replaced by the
current it carries at the mean free membrane potential ``V_bar``, ``w = g (E - V_bar)``.
With this choice the CUBA neuron has *exactly* the conductance neuron's mean
membrane potential (``g_L (V_bar - E_L) = sum_k <g_k> (E_k - V_bar)``): with every
excitatory weight at g_max/2 and 10 Hz inputs, ``<g_ex> = 1000 * 10 Hz * 5 ms * g_max/2
= 0.375 g_L``, ``<g_in> = 200 * 10 Hz * 5 ms * 0.05 g_L = 0.5 g_L``, so
``V_bar = (-70 + 0.375*0 + 0.5*(-70)) / 1.875 = -56 mV``, 2 mV below threshold
(fluctuation-driven, as in Song et al.). Hence

* ``w_max = 0.015 g_L * 56 mV = 8.4 pA`` (the plastic bound),
* ``w_inh = 0.05 g_L * (-14 mV) = -7 pA`` (fixed).

What the mapping does not keep: the conductance neuron's shunting (its effective time
constant at V_bar is 20 ms / 1.875 = 10.7 ms, ours stays 20 ms) and the voltage
dependence of the driving force; so the rates differ from Song's, the phenomenon does not.
The weights are fixed for every input rate (the mapping point is the 10 Hz state).

STDP: tau+ = tau- = 20 ms, A+ = a * w_max with a = 0.005 (Song's value, the default),
A- = -1.05 A+, bounds [0, w_max]. Additive, all-to-all (the simulator's trace form).
``a`` sets the speed of learning (the drift is proportional to a) and the width of the
peaks at the bounds (the diffusion grows as a^2, so larger a gives broader peaks); the
test uses a = 0.005 as well.

Numerical choices (checked by ``run_checks``, ``main(..., checks=True)``)
-----------------------------------------------------------------------
* ``dt = 1 ms`` in mode ``"hardware"``. The hardware step order adds a spike's weight to
  ``I`` and integrates ``I`` over that same step, so one input delivers the charge
  ``w dt / (1 - e^{-dt/tau_syn})`` instead of ``w tau_syn`` (+10.3 % at dt = 1 ms).
  Every weight (w_max, w_inh, A+-) is multiplied by ``tau_syn (1 - e^{-dt/tau_syn}) / dt``
  (0.906 at 1 ms) so that the charge, hence the mean drive, is independent of dt. Without
  it the initial rate (uniform start) is 13.7 Hz at 1 ms against 4.5 Hz in continuous
  mode; with it 3.48 Hz against 3.50 Hz. Measured with ``run_checks`` (seed 0, A+ = 0.01
  w_max, 600 s, narrow start): fraction within 0.1 w_max of a bound / BC / output rate =
  44.9 % / 0.711 / 10.2 Hz (1 ms, chunked), 45.0 % / 0.713 / 10.6 Hz (dt = 0.25 ms),
  45.3 % / 0.722 / 13.3 Hz (continuous mode, exact integration, inputs on the 1 ms grid),
  44.4 % / 0.714 / 10.6 Hz (one unchunked call). The distribution does not depend on dt,
  mode or chunking; the learned output rate is ~30 % higher in continuous mode (not
  investigated further; the rate at a fixed weight vector agrees). Which weight ends at
  which bound does (mean |w_a - w_b| 0.17-0.26 w_max): the competition is chaotic.
* Inputs: independent Poisson trains drawn in continuous time from a seeded
  ``numpy.random.default_rng`` and put on the step grid (``SpikeTimes``; a second spike
  of one input in one step is dropped, ~0.5 % of spikes at 10 Hz and 1 ms). Drawn
  here rather than with ``PoissonSpikes`` because the latter's counter-based generator
  costs ~5 s per 100 s of 1,000 inputs at dt = 1 ms, as much as the rest of the run.
* The run is split into chunks (``chunk`` s, default 100 s) to record weight
  trajectories (``simulate`` returns only the final weights); each chunk is a fresh
  ``simulate`` call that starts from the previous chunk's weights with the neuron at
  V_reset and the STDP traces at 0, so pairs that straddle a chunk boundary (about
  one tau = 20 ms out of each chunk) are lost. ``checks["chunking"]`` compares with one
  unchunked run.

Sarle's bimodality coefficient ``BC = (g^2 + 1) / (k + 3 (n-1)^2 / ((n-2)(n-3)))``
(``g``, ``k``: bias-corrected sample skewness and excess kurtosis); BC > 5/9 (the
value of a uniform distribution) suggests bimodality. "Near a bound": within
0.1 w_max of it.

Outputs (``out_dir``): ``weights_hist.png`` (initial vs final histogram),
``weight_trajectories.png`` (30 weights and the fractions at the bounds over time, and
the output rate), ``song_stdp.npz`` (weight snapshots, chunk times, output spike times),
``summary.json``.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from neuromorph.network import LIF, STDP, Network, SpikeTimes
from reference.network_sim import simulate

DESCRIPTION = ("Song, Miller & Abbott (2000): additive STDP on 1,000 Poisson inputs of one LIF neuron "
               "makes the weights bimodal and normalises the output rate (reference simulator)")

# ---- parameters (Song et al. 2000, mapped to a CUBA LIF; see the module docstring) ----
G_L = 10e-9               # S (unit only)
TAU_M = 20e-3             # s
E_L, V_TH, V_RESET = -70e-3, -54e-3, -60e-3  # V
TAU_SYN = 5e-3            # s (tau_ex = tau_in)
N_EXC, N_INH = 1000, 200
RATE_INH = 10.0           # Hz
G_MAX_REL, G_INH_REL = 0.015, 0.05  # in units of g_L
E_EX, E_IN = 0.0, -70e-3  # V
TAU_STDP = 20e-3          # s (tau+ = tau-)
A_REL = 0.005             # A+ / w_max
RATIO = 1.05              # -A- / A+
REF_RATE = 10.0           # Hz: input rate of the mapping point
NEAR = 0.1                # "near a bound": within NEAR * w_max


def mean_free_potential(rate: float = REF_RATE, w_rel: float = 0.5) -> float:
    """Song's conductance neuron's mean free potential with every excitatory weight at w_rel g_max."""
    g_e = N_EXC * rate * TAU_SYN * w_rel * G_MAX_REL
    g_i = N_INH * RATE_INH * TAU_SYN * G_INH_REL
    return (E_L + g_e * E_EX + g_i * E_IN) / (1.0 + g_e + g_i)


V_BAR = mean_free_potential()                  # -56 mV
W_MAX = G_MAX_REL * G_L * (E_EX - V_BAR)       # 8.4 pA
W_INH = G_INH_REL * G_L * (E_IN - V_BAR)       # -7 pA


def charge_factor(dt: float, mode: str = "hardware") -> float:
    """Weight factor making a spike's charge ``w tau_syn`` in hardware mode (1 in continuous mode)."""
    return TAU_SYN * -math.expm1(-dt / TAU_SYN) / dt if mode == "hardware" else 1.0


def bimodality_coefficient(w) -> float:
    """Sarle's bimodality coefficient with bias-corrected skewness and excess kurtosis."""
    w = np.asarray(w, dtype=float)
    n = w.size
    d = w - w.mean()
    m2, m3, m4 = np.mean(d**2), np.mean(d**3), np.mean(d**4)
    if m2 == 0:
        return float("nan")
    g1 = m3 / m2**1.5 * math.sqrt(n * (n - 1)) / (n - 2)
    g2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * (m4 / m2**2 - 3) + 6)
    return float((g1**2 + 1) / (g2 + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))))


def weight_stats(w, w_max: float) -> dict:
    """Fractions within NEAR*w_max of 0 and of w_max, their sum, BC, mean and sd (in w_max)."""
    x = np.asarray(w, dtype=float) / w_max
    lo, hi = float(np.mean(x <= NEAR)), float(np.mean(x >= 1 - NEAR))
    return {"frac_low": lo, "frac_high": hi, "frac_bounds": lo + hi, "bc": bimodality_coefficient(x),
            "mean": float(x.mean()), "sd": float(x.std())}


def initial_weights(seed: int, mean: float = 0.5, sd: float = 0.1) -> np.ndarray:
    """Unimodal start: N(mean w_max, (sd w_max)^2) clipped to [0, w_max], in units of w_max."""
    return np.clip(np.random.default_rng([seed, 1]).normal(mean, sd, N_EXC), 0.0, 1.0)


def uniform_weights(seed: int) -> np.ndarray:
    """Uniform start on [0, w_max] (in units of w_max): flat, BC = 5/9 in expectation."""
    return np.random.default_rng([seed, 1]).uniform(0.0, 1.0, N_EXC)


def poisson_grid(rng: np.random.Generator, n: int, rate: float, duration: float, dt: float):
    """Independent Poisson trains on [0, duration) as (steps, ids) on the grid dt (sorted by time)."""
    k = rng.poisson(rate * duration, n)
    ids = np.repeat(np.arange(n, dtype=np.int64), k)
    steps = np.floor(rng.uniform(0.0, duration, ids.size) / dt).astype(np.int64)
    order = np.lexsort((ids, steps))
    return steps[order], ids[order]


def _setup(duration, seed, rate, dt, mode, a_rel, ratio, plastic, w0_rel, chunk):
    """Weights, step counts, the input trains (drawn once from ``seed``), the rule and the neuron."""
    c = charge_factor(dt, mode)
    w_max, w_inh = W_MAX * c, W_INH * c
    w = (initial_weights(seed) if w0_rel is None else np.asarray(w0_rel, dtype=float)).copy()
    n_total = int(round(duration / dt))
    chunk_steps = n_total if chunk is None else max(1, int(round(chunk / dt)))
    rng = np.random.default_rng([seed, 2])
    exc = poisson_grid(rng, N_EXC, rate, n_total * dt, dt)
    inh = poisson_grid(rng, N_INH, RATE_INH, n_total * dt, dt)
    rule = None
    if plastic:
        A_plus = a_rel * w_max
        rule = STDP(A_plus=A_plus, A_minus=-ratio * A_plus, tau_plus=TAU_STDP, tau_minus=TAU_STDP,
                    w_min=0.0, w_max=w_max)
    model = LIF(tau_m=TAU_M, g_L=G_L, E_L=E_L, v_th=V_TH, v_reset=V_RESET, t_ref=0.0, tau_syn=TAU_SYN)
    return w_max, w_inh, w, n_total, chunk_steps, exc, inh, rule, model


def run_song(duration: float, *, seed: int = 0, rate: float = REF_RATE, dt: float = 1e-3, mode: str = "hardware",
             a_rel: float = A_REL, ratio: float = RATIO, plastic: bool = True, w0_rel=None,
             chunk: float | None = 100.0, backend: str = "reference", headroom: float = 2.0) -> dict:
    """Run the Song et al. neuron for ``duration`` s; weights in units of w_max.

    ``ratio`` = -A-/A+ (1.05: Song; 1.0: balanced); ``plastic=False`` freezes the weights;
    ``w0_rel`` the initial weights / w_max (default ``initial_weights(seed)``); ``chunk``
    the length of one ``simulate`` call (None: one call). The inputs are drawn once for
    the whole run from ``seed`` (independent of dt and chunking, up to the grid).
    Returns ``w`` (snapshots, (n_chunks + 1, 1000), / w_max), ``t`` (their times),
    ``post`` (output spike times, s), ``rate_out`` per chunk, ``wall_s``.

    ``backend="chip"`` runs the same network on the chip (on-chip integer STDP, compiled
    with ``headroom``; mode "hardware" only) as ONE continuous run, snapshotting the
    weights at the chunk ends (no restart of neuron or traces between chunks).
    """
    if backend not in ("reference", "chip"):
        raise ValueError(f"backend = {backend!r}: 'reference' or 'chip'")
    if backend == "chip":
        return _run_song_chip(duration, seed=seed, rate=rate, dt=dt, a_rel=a_rel, ratio=ratio, plastic=plastic,
                              w0_rel=w0_rel, chunk=chunk, headroom=headroom)
    w_max, w_inh, w, n_total, chunk_steps, (s_e, i_e), (s_i, i_i), rule, model = _setup(
        duration, seed, rate, dt, mode, a_rel, ratio, plastic, w0_rel, chunk)
    snaps, times, post, rates = [w.copy()], [0.0], [], []
    t0 = time.perf_counter()
    k0 = 0
    while k0 < n_total:
        n = min(chunk_steps, n_total - k0)
        net = Network(dt=dt, name="song_stdp")
        a, b = np.searchsorted(s_e, [k0, k0 + n])
        net.add_source("exc", N_EXC, SpikeTimes(s_e[a:b] - k0, i_e[a:b]))
        a, b = np.searchsorted(s_i, [k0, k0 + n])
        net.add_source("inh", N_INH, SpikeTimes(s_i[a:b] - k0, i_i[a:b]))
        net.add_population("post", 1, model)
        net.connect("exc", "post", weight=w * w_max, pre_idx=np.arange(N_EXC),
                    post_idx=np.zeros(N_EXC, np.int64), plasticity=rule)
        net.connect("inh", "post", weight=w_inh, pre_idx=np.arange(N_INH), post_idx=np.zeros(N_INH, np.int64))
        res = simulate(net, n, mode=mode)
        if plastic:
            w = res.weights[0] / w_max
        tr = res.spikes.trains("post")[0] + k0 * dt
        post.append(tr)
        rates.append(tr.size / (n * dt))
        k0 += n
        snaps.append(w.copy())
        times.append(k0 * dt)
    return {"w": np.array(snaps), "t": np.array(times), "post": np.concatenate(post), "rate_out": np.array(rates),
            "wall_s": time.perf_counter() - t0, "w_max": w_max, "dt": dt, "mode": mode}


def _run_song_chip(duration, *, seed, rate, dt, a_rel, ratio, plastic, w0_rel, chunk, headroom) -> dict:
    from neuromorph.compiler import compile_network
    from neuromorph.simulator import Simulator

    w_max, w_inh, w, n_total, chunk_steps, (s_e, i_e), (s_i, i_i), rule, model = _setup(
        duration, seed, rate, dt, "hardware", a_rel, ratio, plastic, w0_rel, chunk)   # the reference's inputs
    net = Network(dt=dt, name="song_stdp_chip")
    net.add_source("exc", N_EXC, SpikeTimes(s_e, i_e))
    net.add_source("inh", N_INH, SpikeTimes(s_i, i_i))
    net.add_population("post", 1, model)
    net.connect("exc", "post", weight=w * w_max, pre_idx=np.arange(N_EXC), post_idx=np.zeros(N_EXC, np.int64),
                plasticity=rule)
    net.connect("inh", "post", weight=w_inh, pre_idx=np.arange(N_INH), post_idx=np.zeros(N_INH, np.int64))
    t0 = time.perf_counter()
    sim = Simulator(compile_network(net, headroom=headroom), strict=False)
    snaps, times, rates, n_post = [w.copy()], [0.0], [], 0
    k0 = 0
    while k0 < n_total:
        n = min(chunk_steps, n_total - k0)
        sim.run(n)
        if plastic:
            w = sim.weights[0] / w_max
        total = int(sim.counter_table()["spikes"][:-1].sum())     # chip cores hold only "post"
        rates.append((total - n_post) / (n * dt))
        n_post = total
        k0 += n
        snaps.append(w.copy())
        times.append(k0 * dt)
    res = sim.result()
    overflows = {k: int(res.counters[k].sum()) for k in ("u_wrap", "v_sat", "acc_sat", "trace_sat")}
    return {"w": np.array(snaps), "t": np.array(times), "post": res.spikes.trains("post")[0],
            "rate_out": np.array(rates), "wall_s": time.perf_counter() - t0, "w_max": w_max, "dt": dt,
            "mode": "chip", "overflows": overflows, "syn_updates": int(res.counters["syn_updates"].sum())}


def binned_rate(post: np.ndarray, duration: float, width: float) -> tuple[np.ndarray, np.ndarray]:
    edges = np.arange(0.0, duration + 1e-9, width)
    return edges[:-1] + width / 2, np.histogram(post, bins=edges)[0] / width


def _fmt(s: dict) -> str:
    return (f"near 0: {100 * s['frac_low']:5.1f} %, near w_max: {100 * s['frac_high']:5.1f} %, "
            f"both: {100 * s['frac_bounds']:5.1f} %, BC {s['bc']:.3f}, mean {s['mean']:.3f} w_max")


def _figures(out: Path, r: dict, duration: float, rate_t, rate_v) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bins = np.linspace(0, 1, 41)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.hist(r["w"][0], bins=bins, alpha=0.6, label=f"initial (t = 0), BC {bimodality_coefficient(r['w'][0]):.2f}")
    ax.hist(r["w"][-1], bins=bins, alpha=0.6,
            label=f"final (t = {duration:g} s), BC {bimodality_coefficient(r['w'][-1]):.2f}")
    ax.set_xlabel("weight / w_max")
    ax.set_ylabel("synapses")
    ax.set_title("Song, Miller & Abbott (2000): 1,000 inputs at 10 Hz")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "weights_hist.png", dpi=120)
    plt.close(fig)

    fig, axes = plt.subplots(3, 1, figsize=(7, 7), sharex=True)
    pick = np.random.default_rng(0).choice(N_EXC, 30, replace=False)
    axes[0].plot(r["t"], r["w"][:, pick], lw=0.7)
    axes[0].set_ylabel("weight / w_max")
    axes[0].set_title("30 weights (snapshots at chunk ends)")
    lo = np.mean(r["w"] <= NEAR, axis=1)
    hi = np.mean(r["w"] >= 1 - NEAR, axis=1)
    axes[1].plot(r["t"], lo, label="near 0")
    axes[1].plot(r["t"], hi, label="near w_max")
    axes[1].plot(r["t"], lo + hi, "k", label="both")
    axes[1].set_ylabel("fraction")
    axes[1].legend(fontsize=8)
    axes[2].plot(rate_t, rate_v)
    axes[2].set_ylabel("output rate (Hz)")
    axes[2].set_xlabel("time (s)")
    fig.tight_layout()
    fig.savefig(out / "weight_trajectories.png", dpi=120)
    plt.close(fig)


def main(out_dir: str | Path = "out/song_stdp", seed: int = 0, duration: float = 2000.0,
         checks: bool = False) -> dict:
    """Run the experiment (``duration`` s at 10 Hz inputs, uniform start) and print/save the results.

    ``checks=True`` also runs the numerical checks (dt, continuous mode, chunking) and
    the rate-normalisation comparison at 10/20/40 Hz (several minutes).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    print(f"CUBA mapping: V_bar = {V_BAR * 1e3:.2f} mV, w_max = {W_MAX * 1e12:.2f} pA, "
          f"w_inh = {W_INH * 1e12:.2f} pA; A+ = {A_REL} w_max, A-/A+ = -{RATIO}; dt = 1 ms (hardware), "
          f"charge factor {charge_factor(1e-3):.4f}")
    r = run_song(duration, seed=seed, w0_rel=uniform_weights(seed))
    s0, s1 = weight_stats(r["w"][0], 1.0), weight_stats(r["w"][-1], 1.0)
    rate_t, rate_v = binned_rate(r["post"], duration, max(duration / 30, 1.0))
    print(f"initial: {_fmt(s0)}")
    print(f"final  : {_fmt(s1)}   ({duration:g} s simulated in {r['wall_s']:.1f} s wall)")
    print("final histogram (10 bins of 0.1 w_max):", np.histogram(r["w"][-1], bins=10, range=(0, 1))[0].tolist())
    print("output rate per chunk (Hz):", np.round(r["rate_out"], 2).tolist())
    n_last = max(1, len(r["rate_out"]) // 3)
    result = {
        "duration_s": duration, "seed": seed, "initial": s0, "final": s1,
        "rate_first_chunk_hz": float(r["rate_out"][0]),
        "rate_last_third_hz": float(np.mean(r["rate_out"][-n_last:])),
        "rate_per_chunk_hz": r["rate_out"].tolist(), "wall_s": r["wall_s"],
        "params": {"V_bar_mV": V_BAR * 1e3, "w_max_pA": W_MAX * 1e12, "w_inh_pA": W_INH * 1e12,
                   "A_plus_rel": A_REL, "ratio": RATIO, "tau_m_ms": TAU_M * 1e3, "tau_syn_ms": TAU_SYN * 1e3,
                   "dt_ms": 1.0, "mode": "hardware", "chunk_s": 100.0},
    }
    np.savez_compressed(out / "song_stdp.npz", w=r["w"], t=r["t"], post=r["post"], rate_out=r["rate_out"])
    _figures(out, r, duration, rate_t, rate_v)
    if checks:
        result["checks"] = run_checks(seed)
    (out / "summary.json").write_text(json.dumps(result, indent=1))
    print(f"figures and data in {out}/")
    return result


def run_checks(seed: int = 0, duration: float = 600.0, a_rel: float = 0.01) -> dict:
    """Numerical checks and rate normalisation (each run ``duration`` s).

    dt / mode / chunking: the same inputs (seed) at ``a_rel`` (2x Song's A+, so that
    600 s reach a clearly bimodal state) in hardware mode at dt = 1 ms in 100-s chunks
    against dt = 0.25 ms, continuous mode (exact integration, dt = 1 ms input grid)
    and one unchunked call. Rate normalisation (Song Fig. 2c): output rate over the last
    third of a run with Song's A+ at 10, 20 and 40 Hz inputs vs the rate with the
    initial weights frozen.
    """
    res = {}
    base = run_song(duration, seed=seed, a_rel=a_rel)
    ref = weight_stats(base["w"][-1], 1.0)
    ref["rate_hz"] = float(base["post"].size / duration)
    res["hardware_1ms"] = ref
    print(f"check {'hardware_1ms':15s}: {_fmt(ref)}, rate {ref['rate_hz']:.2f} Hz, A+ = {a_rel} w_max, {duration:g} s")
    for name, kw in (("dt_0.25ms", {"dt": 0.25e-3}), ("continuous_1ms", {"mode": "continuous"}),
                     ("unchunked", {"chunk": None})):
        r = run_song(duration, seed=seed, a_rel=a_rel, **kw)
        s = weight_stats(r["w"][-1], 1.0)
        s["rate_hz"] = float(r["post"].size / duration)
        s["mean_abs_dw"] = float(np.mean(np.abs(r["w"][-1] - base["w"][-1])))
        res[name] = s
        print(f"check {name:15s}: {_fmt(s)}, rate {s['rate_hz']:.2f} Hz, "
              f"mean |w - w(hardware_1ms)| = {s['mean_abs_dw']:.3f} w_max")
    for rate in (10.0, 20.0, 40.0):
        on = run_song(duration, seed=seed, rate=rate)
        off = run_song(20.0, seed=seed, rate=rate, plastic=False)
        n_last = max(1, len(on["rate_out"]) // 3)
        key = f"rate_{rate:g}Hz"
        res[key] = {"stdp_hz": float(np.mean(on["rate_out"][-n_last:])), "no_stdp_hz": float(off["rate_out"][0]),
                    "final": weight_stats(on["w"][-1], 1.0)}
        print(f"inputs {rate:4.0f} Hz: output {res[key]['stdp_hz']:.2f} Hz with STDP "
              f"(last third of {duration:g} s) vs {off['rate_out'][0]:.2f} Hz with the initial weights frozen; "
              f"{_fmt(res[key]['final'])}")
    return res


if __name__ == "__main__":
    main(*sys.argv[1:2])
