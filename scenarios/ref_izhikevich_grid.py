"""The 20 neurocomputational behaviours of Izhikevich (2004) and the cortical classes.

Runs every preset of :mod:`reference.izhikevich_presets` (published parameters, input
protocols and step sizes of Izhikevich's figure script; v updated first, then u with
the new v) and draws the grid of figure 1 (``behaviours.png``) and the 8 classes of the
2003 paper's figure 2 (``cortical.png``). Prints the spike count of each panel.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from reference.izhikevich_presets import preset_names, simulate_preset  # noqa: E402

DESCRIPTION = "Izhikevich (2004) 20 behaviours + RS/IB/CH/FS/TC/RZ/LTS classes from the published script"


def _grid(names, rows, cols, path):
    fig, axes = plt.subplots(rows, cols, figsize=(3 * cols, 1.8 * rows))
    counts = {}
    for ax, name in zip(np.ravel(axes), names):
        r = simulate_preset(name)
        counts[name] = int(r.spike_times.size)
        I = r.I
        span = np.ptp(I) or 1.0
        ax.plot(r.t, r.v, "k", lw=0.7)
        ax.plot(r.t, -90 + 10 * (I - I.min()) / span, "C3", lw=0.7)
        ax.set_ylim(-95, 35)
        ax.set_title(r.preset.label, fontsize=8)
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return counts


def main(out_dir: str = "out/ref_izhikevich_grid", seed: int = 0) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts = _grid(preset_names("behaviours"), 5, 4, out / "behaviours.png")
    counts.update(_grid(preset_names("cortical"), 2, 4, out / "cortical.png"))
    for name, c in counts.items():
        print(f"{name:30s} {c:3d} spikes")
    return {"spike_counts": counts}


if __name__ == "__main__":
    main()
