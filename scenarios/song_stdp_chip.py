"""P1 on the chip: Song, Miller & Abbott (2000) bimodality learned by on-chip integer STDP.

The network, inputs and parameters of ``scenarios/song_stdp.py`` (1,000 plastic
excitatory Poisson inputs at 10 Hz and 200 fixed inhibitory ones onto one CUBA LIF,
additive pair STDP with A-/A+ = 1.05, uniform start, dt = 1 ms), run twice with the same
input spikes: on the chip (``neuromorph.simulator``; integer STDP of
docs/hardware-model.md §3.5, compiled with headroom 2) as one continuous run, and on the
float64 reference (``reference.network_sim``, hardware-ordered mode, 100 s chunks as in
song_stdp). Printed and saved: the final weight distribution of each (fractions near the
bounds, Sarle's bimodality coefficient BC), the KS distance between them, the output
rates, the chip's overflow and plastic-update counters, and both histograms.

Measured (seed 0, 1,000 s): see ``summary.json`` and docs/validation.md. What to expect:
both backends move the flat start (BC 5/9) to a bimodal distribution; which synapse
ends at which bound differs between them (the competition is chaotic: song_stdp.py
measured 0.17-0.26 w_max mean difference between two float runs), so only distribution
statistics are compared.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np

DESCRIPTION = ("Song et al. (2000) STDP bimodality learned by on-chip integer STDP, "
               "chip vs float reference on the same inputs")


def _song():
    spec = importlib.util.spec_from_file_location("song_stdp", Path(__file__).with_name("song_stdp.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main(out_dir: str | Path = "out/song_stdp_chip", seed: int = 0, duration: float = 1000.0) -> dict:
    song = _song()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    w0 = song.uniform_weights(seed)
    chip = song.run_song(duration, seed=seed, w0_rel=w0, backend="chip")
    ref = song.run_song(duration, seed=seed, w0_rel=w0)
    s0 = song.weight_stats(w0, 1.0)
    sc, sr = song.weight_stats(chip["w"][-1], 1.0), song.weight_stats(ref["w"][-1], 1.0)
    from scipy.stats import ks_2samp

    ks = float(ks_2samp(chip["w"][-1], ref["w"][-1]).statistic)
    n_last = max(1, len(chip["rate_out"]) // 3)
    print(f"initial  : {song._fmt(s0)}")
    print(f"chip     : {song._fmt(sc)}   ({duration:g} s in {chip['wall_s']:.1f} s wall)")
    print(f"reference: {song._fmt(sr)}   ({duration:g} s in {ref['wall_s']:.1f} s wall)")
    print(f"KS distance chip vs reference final weights: {ks:.3f}")
    print(f"output rate, last third: chip {np.mean(chip['rate_out'][-n_last:]):.2f} Hz, "
          f"reference {np.mean(ref['rate_out'][-n_last:]):.2f} Hz")
    print(f"chip overflows {chip['overflows']}, plastic updates {chip['syn_updates']:,}")
    result = {"duration_s": duration, "seed": seed, "initial": s0, "chip": sc, "reference": sr, "ks_final": ks,
              "rate_last_third_hz": {"chip": float(np.mean(chip["rate_out"][-n_last:])),
                                     "reference": float(np.mean(ref["rate_out"][-n_last:]))},
              "rate_per_chunk_hz": {"chip": chip["rate_out"].tolist(), "reference": ref["rate_out"].tolist()},
              "wall_s": {"chip": chip["wall_s"], "reference": ref["wall_s"]},
              "chip_overflows": chip["overflows"], "chip_syn_updates": chip["syn_updates"]}
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bins = np.linspace(0, 1, 41)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.hist(w0, bins=bins, alpha=0.35, label=f"initial, BC {s0['bc']:.2f}")
    ax.hist(chip["w"][-1], bins=bins, histtype="step", lw=1.8, label=f"chip, BC {sc['bc']:.2f}")
    ax.hist(ref["w"][-1], bins=bins, histtype="step", lw=1.8, ls="--", label=f"reference, BC {sr['bc']:.2f}")
    ax.set_xlabel("weight / w_max")
    ax.set_ylabel("synapses")
    ax.set_title(f"Song et al. 2000 on the chip: {duration:g} s, KS {ks:.3f}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "weights_chip_vs_reference.png", dpi=120)
    plt.close(fig)
    (out / "summary.json").write_text(json.dumps(result, indent=1))
    print(f"figure and data in {out}/")
    return result


if __name__ == "__main__":
    main(*sys.argv[1:2])
