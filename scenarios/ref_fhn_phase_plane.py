"""FitzHugh-Nagumo phase plane (N6), both published forms.

For the FitzHugh (1961) form w' = eps(V + a - b w) and the survey's form
w' = eps(b V - w + a) (a = 0.7, b = 0.8, eps = 0.08): nullclines, the fixed point, its
Jacobian eigenvalues, the Hopf currents (trace J = 0, det J > 0) and a trajectory that
settles on the limit cycle at a current between the Hopf points. Prints the Hopf
currents and the measured period; saves ``phase_plane.png``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from reference.fhn import (  # noqa: E402
    FHNParams, fhn_fixed_points, fhn_hopf_currents, fhn_jacobian, fhn_nullclines, fhn_period, simulate_fhn,
)

DESCRIPTION = "FitzHugh-Nagumo nullclines, fixed point, Hopf currents and limit cycle (both forms)"


def main(out_dir: str = "out/ref_fhn_phase_plane", seed: int = 0) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    result = {}
    for ax, form in zip(axes, ("fitzhugh", "survey")):
        p = FHNParams(form=form)
        H = fhn_hopf_currents(p)
        I = float(H.mean())
        fp = fhn_fixed_points(p, I)
        eig = np.linalg.eigvals(fhn_jacobian(p, fp[0, 0]))
        r = simulate_fhn(p, I, 0.05, 12000, V0=fp[0, 0] + 0.1, w0=fp[0, 1])
        T = fhn_period(r, skip=200.0)
        V = np.linspace(-2.5, 2.5, 400)
        wv, ww = fhn_nullclines(p, V, I)
        ax.plot(V, wv, "C0", label="V-nullcline")
        ax.plot(V, ww, "C1", label="w-nullcline")
        ax.plot(r.V[2000:, 0], r.w[2000:, 0], "k", lw=0.8, label="limit cycle")
        ax.plot(fp[:, 0], fp[:, 1], "ro", label="fixed point(s)")
        ax.set_ylim(-1.5, 2.5)
        ax.set_xlabel("V")
        ax.set_ylabel("w")
        ax.set_title(f"{form} form, I = {I:.3f}")
        ax.legend(fontsize=7)
        print(f"[{form}] Hopf currents: {np.round(H, 4).tolist()}; at I = {I:.3f}: fixed point "
              f"V* = {fp[0, 0]:.4f}, eigenvalues {np.round(eig, 4).tolist()}, period {T:.2f}")
        result[f"{form}_hopf"] = H.tolist()
        result[f"{form}_period"] = T
    fig.tight_layout()
    fig.savefig(out / "phase_plane.png", dpi=120)
    plt.close(fig)
    return result


if __name__ == "__main__":
    main()
