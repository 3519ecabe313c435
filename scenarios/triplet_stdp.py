"""Triplet STDP (Pfister & Gerstner 2006) on the chip's learning engine: the frequency
dependence of the pairing protocol, chip vs the engine's float twin.

The minimal all-to-all triplet rule with the published visual-cortex parameters (Pfister &
Gerstner, J. Neurosci. 26(38) 2006, Table 4: τ+ = 16.8 ms, τx = 101 ms, τ− = 33.7 ms,
τy = 125 ms, A2+ = 7.5e-10, A3+ = 9.3e-3, A2− = 7e-3, A3− = 2.3e-4) is one rule string of the
engine (docs/hardware-model.md §3.5)::

    dw = A2+·x1·y0 + A3+·x1·y2·y0 − A2−·y1·x0 − A3−·y1·x2·x0

with x1 = r1 (τ+), x2 = r2 (τx), y1 = o1 (τ−), y2 = o2 (τy) and weights in units of
2^-14 of the relative weight. Each synapse runs the pairing protocol of Sjöström et al.
(2001): 60 pre/post pairs at 0.1, 10, 20, 40 or 50 Hz with Δt = t_post − t_pre = +10 ms or
−10 ms. The rule's signature result: at low frequency, post→pre pairs depress and pre→post
pairs barely potentiate; at 40–50 Hz both potentiate (the triplet term wins). Steps of
1 ms; the post neuron is made to fire by a strong one-to-one drive.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

from neuromorph.app.protocol import Comparison, StdpWindow, Tol
from neuromorph.network import LearningRule, LIFRegisters, Network, SpikeTimes, TraceRegisters

DESCRIPTION = "triplet STDP (Pfister & Gerstner 2006) on the learning engine: pairing-frequency dependence, chip vs twin"

FREQS = (0.1, 10.0, 20.0, 40.0, 50.0)
DT_PAIR_MS = (10, -10)
N_PAIRS = 60
W_UNIT = 1 << 14                       # register LSBs per relative weight 1.0
W0 = W_UNIT // 2
PARAMS = dict(tau_plus=16.8e-3, tau_x=101e-3, tau_minus=33.7e-3, tau_y=125e-3,
              A2_plus=7.5e-10, A3_plus=9.3e-3, A2_minus=7e-3, A3_minus=2.3e-4)


def _scale(a: float) -> str:
    """``a`` register LSBs per unit trace product as ``mant*2^-k`` with a 15-bit mantissa."""
    k = 0
    while abs(a) * 2 ** (k + 1) < (1 << 15) - 1 and k < 30:
        k += 1
    return f"{int(round(abs(a) * 2 ** k))}*2^-{k}"


def rule(dt: float = 1e-3) -> LearningRule:
    p = PARAMS
    decay = lambda tau: TraceRegisters(int(round(65536 * math.exp(-dt / tau))))  # noqa: E731
    dw = (f"{_scale(p['A2_plus'] * W_UNIT)}*x1*y0 + {_scale(p['A3_plus'] * W_UNIT)}*x1*y2*y0"
          f" - {_scale(p['A2_minus'] * W_UNIT)}*y1*x0 - {_scale(p['A3_minus'] * W_UNIT)}*y1*x2*x0")
    return LearningRule(dw=dw, w_lo=0, w_hi=(1 << 15) - 1, x1=decay(p["tau_plus"]), x2=decay(p["tau_x"]),
                        y1=decay(p["tau_minus"]), y2=decay(p["tau_y"]))


def build(dt: float = 1e-3):
    """One synapse per (frequency, Δt): returns (network, steps, protocols)."""
    protocols = [(f, d) for f in FREQS for d in DT_PAIR_MS]
    pre_s, pre_i, drv_s, drv_i = [], [], [], []
    start = 50                                     # steps before the first pair
    for c, (f, d) in enumerate(protocols):
        period = int(round(1.0 / f / dt))
        t_pre = start + np.arange(N_PAIRS) * period + max(0, -d)
        t_post = t_pre + d
        pre_s.append(t_pre)
        pre_i.append(np.full(N_PAIRS, c))
        drv_s.append(t_post - 1)                   # the post neuron fires one step after its drive
        drv_i.append(np.full(N_PAIRS, c))
    n_steps = int(max(s.max() for s in pre_s + drv_s)) + 200
    C = len(protocols)
    net = Network(dt=dt, name="triplet_stdp")
    net.add_source("pre", C, SpikeTimes(np.concatenate(pre_s), np.concatenate(pre_i)))
    net.add_source("drive", C, SpikeTimes(np.concatenate(drv_s), np.concatenate(drv_i)))
    net.add_population("post", C, LIFRegisters(du=4095, dv=4095, vth=1000))
    one = np.arange(C)
    net.connect_registers("drive", "post", weight_mant=np.full(C, 255), delay_steps=np.zeros(C, np.int64),
                          weight_exp=7, pre_idx=one, post_idx=one)
    net.connect_registers("pre", "post", weight_mant=np.full(C, W0), delay_steps=np.zeros(C, np.int64),
                          weight_exp=-8, pre_idx=one, post_idx=one, plasticity=rule(dt))
    return net, n_steps, protocols


def comparison(seed: int = 0, duration: float | None = None) -> Comparison:
    """Chip vs the float twin (hardware mode) on the pairing protocol; ``duration`` is fixed by
    the protocol (600 s at 0.1 Hz) and ignored; ``seed`` is unused (no randomness)."""
    net, n_steps, protocols = build()
    return Comparison(
        net, n_steps, {"window_error": Tol(None, 0.02), "overflows": Tol(None, 0)}, headline="window_error",
        populations=["post"], window=StdpWindow(projection=1, dt_s=np.array([d * 1e-3 for _, d in protocols]),
                                                w0=float(W0)),
        params={"freqs_hz": list(FREQS), "dt_pair_ms": list(DT_PAIR_MS), "n_pairs": N_PAIRS, **PARAMS,
                "rule": rule().dw},
        notes="Register-level network: the continuous reference does not run it (discretisation n/a); "
              "window_error compares the chip's final weights with the float twin's (weights in LSBs).")


def main(out_dir: str | Path = "out/triplet_stdp", seed: int = 0) -> dict:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neuromorph.simulator import Simulator
    from reference.network_sim import simulate

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    net, n_steps, protocols = build()
    chip = Simulator(net, strict=True).run(n_steps).weights[1]
    twin = simulate(net, n_steps, "hardware").weights[1]
    dw_chip = (np.asarray(chip, float) - W0) / W_UNIT
    dw_twin = (np.asarray(twin, float) - W0) / W_UNIT
    print(f"triplet STDP, 60 pairs, rule: {rule().dw}")
    print(f"{'freq Hz':>8} {'dt ms':>6} {'dw chip':>9} {'dw twin':>9}")
    for (f, d), a, b in zip(protocols, dw_chip, dw_twin):
        print(f"{f:>8g} {d:>+6d} {a:>+9.4f} {b:>+9.4f}")
    res = {"protocols": protocols, "dw_chip": dw_chip.tolist(), "dw_twin": dw_twin.tolist(),
           "max_abs_diff": float(np.max(np.abs(dw_chip - dw_twin)))}
    fig, ax = plt.subplots(figsize=(6, 4))
    for d, mk in zip(DT_PAIR_MS, ("o", "s")):
        sel = [i for i, (_, dd) in enumerate(protocols) if dd == d]
        ax.plot(FREQS, dw_twin[sel], "-", color="C0" if d > 0 else "C3", label=f"twin, Δt = {d:+d} ms")
        ax.plot(FREQS, dw_chip[sel], mk, color="C0" if d > 0 else "C3", mfc="none", label=f"chip, Δt = {d:+d} ms")
    ax.axhline(0, color="k", lw=0.5)
    ax.set_xlabel("pairing frequency (Hz)")
    ax.set_ylabel("weight change (relative)")
    ax.set_title("triplet STDP: 60 pairings (Pfister & Gerstner 2006)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "triplet_stdp.png", dpi=110)
    plt.close(fig)
    return res


if __name__ == "__main__":
    main(*sys.argv[1:2])
