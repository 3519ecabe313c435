"""Hodgkin-Huxley F-I curve on the float64 reference (N5): the type-II onset.

Runs a population of classic squid-axon HH neurons (rest -65 mV; mV, ms, uA/cm^2), one
per DC current, from rest for 600 ms (RK4, dt = 0.025 ms), discards the first 200 ms and
takes the rate from the mean inter-spike interval (spikes = upward crossings of 0 mV;
at least 3 spikes, i.e. sustained firing). A type-II neuron jumps from silence to a
finite rate (~50-60 Hz) at the onset current instead of rising continuously from zero.
Saves ``fi.png`` (F-I curve) and ``traces.png`` (V just below and just above onset).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from reference.hh import hh_rest_state, simulate_hh  # noqa: E402

DESCRIPTION = "Hodgkin-Huxley F-I curve: silence, then a jump to ~50 Hz (type-II onset)"


def main(out_dir: str = "out/ref_hh_fi", seed: int = 0) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    currents = np.round(np.arange(0.0, 20.01, 0.25), 2)
    # steady rate from the inter-spike intervals of the last 400 ms (>= 3 spikes: sustained firing)
    res_all = simulate_hh(currents, 0.025, 24000, n=currents.size, record=False)
    rates = np.zeros(currents.size)
    counts = np.zeros(currents.size)
    for i in range(currents.size):
        ts = res_all.spike_times(i)
        ts = ts[ts >= 200.0]
        counts[i] = ts.size
        if ts.size >= 3:
            rates[i] = 1000.0 / np.mean(np.diff(ts))
    transient_only = int(np.sum((counts > 0) & (rates == 0)))
    on = np.nonzero(rates > 0)[0]
    i_on = float(currents[on[0]]) if on.size else float("nan")
    r_on = float(rates[on[0]]) if on.size else 0.0
    rest = hh_rest_state()[0]
    print(f"HH rest potential: {rest:.3f} mV")
    print(f"onset of repetitive firing between {currents[on[0] - 1]:.2f} and {i_on:.2f} uA/cm^2")
    print(f"first nonzero rate: {r_on:.1f} Hz (type II: a jump, not a continuous rise from 0)")
    print(f"rate at 20 uA/cm^2: {rates[-1]:.1f} Hz; currents with only a few late transient spikes: "
          f"{transient_only}")

    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(currents, rates, "o-", ms=3)
    ax.axvline(i_on, color="0.6", ls=":")
    ax.set_xlabel("I (uA/cm^2)")
    ax.set_ylabel("rate (Hz)")
    ax.set_title("HH F-I curve (type II)")
    fig.tight_layout()
    fig.savefig(out / "fi.png", dpi=120)
    plt.close(fig)

    below, above = float(currents[on[0] - 1]), i_on
    res = simulate_hh(np.array([below, above]), 0.025, 8000, n=2)
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(res.t, res.V[:, 0], label=f"I = {below} (below onset)")
    ax.plot(res.t, res.V[:, 1], label=f"I = {above} (above onset)")
    ax.set_xlabel("t (ms)")
    ax.set_ylabel("V (mV)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "traces.png", dpi=120)
    plt.close(fig)
    return {"rest_mV": rest, "onset_uA_cm2": i_on, "rate_at_onset_hz": r_on, "rate_at_20_hz": float(rates[-1])}


if __name__ == "__main__":
    main()
