"""Passive cable and a Rall tree at steady state against their closed forms (D1, D2).

1. A sealed cable of length 1.5 lambda with V0 clamped at x = 0:
   V(x) = V0 cosh((L - x)/lambda)/cosh(L/lambda).
2. A long (12 lambda) cable against the infinite-cable e^{-x/lambda}.
3. A parent with two daughters obeying d1^{3/2} + d2^{3/2} = d0^{3/2} (unequal
   diameters, equal electrotonic length) against its equivalent cylinder.
Prints the maximum deviation of each; saves ``cable.png``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from reference.dendrites import (  # noqa: E402
    Branch, CableParams, build_tree, cable_steady_state_infinite, cable_steady_state_sealed, single_cable,
    tree_steady_state,
)

DESCRIPTION = "passive cable steady state vs cosh / exp formulas; Rall 3/2 tree vs equivalent cylinder"


def main(out_dir: str = "out/ref_cable", seed: int = 0) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    P = CableParams(Rm=2.0, Ri=1.0, Cm=1e-2)
    a = 1e-6
    lam = P.length_constant(a)
    L = 1.5 * lam
    t1 = single_cable(L, a, P)
    V1 = tree_steady_state(t1, clamp={0: 1.0})
    e1 = float(np.max(np.abs(V1 - cable_steady_state_sealed(t1.node_x, 1.0, L, lam))))
    t2 = single_cable(12 * lam, a, P, segments_per_lambda=100)
    V2 = tree_steady_state(t2, clamp={0: 1.0})
    near = t2.node_x < 4 * lam
    e2 = float(np.max(np.abs(V2[near] - cable_steady_state_infinite(t2.node_x[near], 1.0, lam))))
    d0 = 2e-6
    d1, d2 = (0.3 * d0**1.5) ** (2 / 3), (0.7 * d0**1.5) ** (2 / 3)
    lam0, lam1, lam2 = (P.length_constant(d / 2) for d in (d0, d1, d2))
    tree = build_tree([Branch(-1, 0.6 * lam0, d0 / 2), Branch(0, 0.9 * lam1, d1 / 2), Branch(0, 0.9 * lam2, d2 / 2)],
                      P, segments_per_lambda=400)
    V3 = tree_steady_state(tree, clamp={0: 1.0})
    X = np.array([tree.node_x[i] / P.length_constant(tree.branches[b].radius) + (0.6 if b else 0.0)
                  for i, b in enumerate(tree.node_branch)])
    e3 = float(np.max(np.abs(V3 - np.cosh(1.5 - X) / np.cosh(1.5))))
    print(f"lambda = {lam * 1e6:.1f} um, tau = {P.tau * 1e3:.1f} ms")
    print(f"sealed cable (L = 1.5 lambda): max |V - cosh formula| = {e1:.2e} (V0 = 1)")
    print(f"long cable: max |V - exp(-x/lambda)| over 4 lambda = {e2:.2e}")
    print(f"Rall tree (d1 = {d1 * 1e6:.2f} um, d2 = {d2 * 1e6:.2f} um): max |V - equivalent cylinder| = {e3:.2e}")

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    axes[0].plot(t1.node_x / lam, V1, "k", label="finite volumes")
    axes[0].plot(t1.node_x / lam, cable_steady_state_sealed(t1.node_x, 1.0, L, lam), "C1--", label="cosh formula")
    axes[0].plot(t2.node_x[near] / lam, V2[near], "C0", label="long cable")
    axes[0].plot(t2.node_x[near] / lam, np.exp(-t2.node_x[near] / lam), "C3:", label="exp(-x/lambda)")
    axes[0].set_xlabel("x / lambda")
    axes[0].set_ylabel("V / V0")
    axes[0].legend(fontsize=7)
    for b, c in zip(range(3), ("k", "C0", "C2")):
        nodes = tree.branch_nodes[b]
        axes[1].plot(X[nodes], V3[nodes], c, lw=2 if b == 0 else 1, label=f"branch {b}")
    xs = np.linspace(0, 1.5, 200)
    axes[1].plot(xs, np.cosh(1.5 - xs) / np.cosh(1.5), "C1--", label="equivalent cylinder")
    axes[1].set_xlabel("electrotonic distance X")
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "cable.png", dpi=120)
    plt.close(fig)
    return {"sealed_max_err": e1, "infinite_max_err": e2, "rall_max_err": e3, "lambda_m": lam}


if __name__ == "__main__":
    main()
