"""Amari neural field (F1): a stationary bump and its width vs the integral condition.

Heaviside firing, Mexican-hat kernel w(x) = exp(-x^2/2) - 0.5 exp(-x^2/8), resting level
h. The stable bump width a solves W(a) = int_0^a w = -h (larger root). For several h the
field is run from a narrow seed to steady state; the measured width (zero crossings) is
compared with the root. Saves ``bump.png``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from reference.fields import AmariParams, MexicanHat, amari_grid, bump_widths, measure_bump, simulate_amari  # noqa: E402

DESCRIPTION = "Amari field bump: measured width vs root of int_0^a w = -h"


def main(out_dir: str = "out/ref_amari_bump", seed: int = 0) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    kernel = MexicanHat(1.0, 1.0, 0.5, 2.0)
    length, n = 40.0, 2048
    x, dx = amari_grid(length, n)
    rows = []
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    for h in (-0.35, -0.3, -0.25, -0.2, -0.15):
        p = AmariParams(tau=1.0, h=h, kernel=kernel)
        predicted = float(bump_widths(p).max())
        u0 = np.where(np.abs(x) < 1.5, 0.5, -0.3)
        _, u, _ = simulate_amari(p, u0, length, 0.1, 800)
        measured = measure_bump(x, u)
        rows.append((h, predicted, measured))
        print(f"h = {h:+.2f}: predicted width {predicted:.4f}, measured {measured:.4f} (dx = {dx:.4f})")
        axes[0].plot(x, u, label=f"h = {h}")
    axes[0].set_xlim(-6, 6)
    axes[0].axhline(0, color="0.7", lw=0.5)
    axes[0].set_xlabel("x")
    axes[0].set_ylabel("u (steady state)")
    axes[0].legend(fontsize=7)
    a = np.linspace(0, 8, 400)
    axes[1].plot(a, kernel.integral(a), "k", label="W(a)")
    for h, pr, me in rows:
        axes[1].plot(me, -h, "o", ms=4)
    axes[1].set_xlabel("bump width a")
    axes[1].set_ylabel("W(a) = -h")
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "bump.png", dpi=120)
    plt.close(fig)
    err = max(abs(p - m) for _, p, m in rows)
    return {"widths": [(h, p, m) for h, p, m in rows], "max_abs_err": err, "dx": dx}


if __name__ == "__main__":
    main()
