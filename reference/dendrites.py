r"""Passive dendrites: D1 cable equation and D2 branched trees, float64, SI units.

D1 passive cable (V measured from rest)
    :math:`\lambda^2 \partial_x^2 V = \tau \partial_t V + V`, with
    :math:`\lambda = \sqrt{a R_m / (2 R_i)}` (radius a, specific membrane resistance
    :math:`R_m` in Ω·m², axial resistivity :math:`R_i` in Ω·m) and :math:`\tau = R_m C_m`.
    Steady state for a sealed end at L and V0 clamped at 0:
    :math:`V(x) = V_0 \cosh((L - x)/\lambda)/\cosh(L/\lambda)`; infinite cable
    :math:`V_0 e^{-x/\lambda}`.

D2 branch points
    :math:`\sum_i \frac{1}{r_i}\frac{\partial V_i}{\partial x_i} = 0` (axial current
    conservation, :math:`r_i = R_i/(\pi a_i^2)` per unit length, x_i pointing away from the
    branch point), with V continuous. Rall: if the daughters satisfy
    :math:`\sum d_i^{3/2} = d_0^{3/2}` and end at the same electrotonic distance, the tree
    is equivalent to a single cylinder of the parent's diameter.

Discretisation: a tree of cylindrical branches, each cut into ``m`` segments; nodes sit
at segment ends (a branch's first node is its parent's end node). Finite volumes:
axial conductance :math:`\pi a^2/(R_i h)` between neighbours, membrane conductance and
capacitance of the half-segments around each node; sealed ends are natural (no flux).
Second-order accurate in h. Time stepping is Crank–Nicolson (second order; it rings on
the finest grid modes after a discontinuous change such as a suddenly applied clamp) or
backward Euler (first order, strongly damping); both are unconditionally stable. Steady
states are solved directly (sparse LU).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from neuromorph.errors import ParameterError

from . import _checks as ck

__all__ = [
    "CableParams", "Branch", "Tree", "build_tree", "tree_steady_state", "simulate_tree",
    "cable_steady_state_sealed", "cable_steady_state_infinite", "equivalent_electrotonic_length",
    "single_cable",
]


@dataclass(frozen=True)
class CableParams:
    """Membrane and axial properties (SI): ``Rm`` Ω·m², ``Ri`` Ω·m, ``Cm`` F/m²."""

    Rm: float = 2.0        # 20 kΩ·cm²
    Ri: float = 1.0        # 100 Ω·cm
    Cm: float = 1e-2       # 1 µF/cm²

    def __post_init__(self):
        for n in ("Rm", "Ri", "Cm"):
            ck.positive(n, getattr(self, n), "CableParams")

    @property
    def tau(self) -> float:
        """Membrane time constant Rm Cm (s)."""
        return self.Rm * self.Cm

    def length_constant(self, radius: float) -> float:
        r"""Length constant :math:`\lambda = \sqrt{a R_m/(2 R_i)}` (m)."""
        return float(np.sqrt(radius * self.Rm / (2 * self.Ri)))

    def axial_resistance(self, radius: float) -> float:
        """Axial resistance per unit length r = Ri/(π a²) (Ω/m)."""
        return self.Ri / (np.pi * radius**2)


def cable_steady_state_sealed(x, V0: float, L: float, lam: float):
    r""":math:`V_0 \cosh((L-x)/\lambda)/\cosh(L/\lambda)`."""
    x = np.asarray(x, dtype=float)
    return V0 * np.cosh((L - x) / lam) / np.cosh(L / lam)


def cable_steady_state_infinite(x, V0: float, lam: float):
    r""":math:`V_0 e^{-x/\lambda}`."""
    return V0 * np.exp(-np.asarray(x, dtype=float) / lam)


@dataclass(frozen=True)
class Branch:
    """A cylinder: ``parent`` index (-1 for the root), ``length`` (m), ``radius`` (m)."""

    parent: int
    length: float
    radius: float


@dataclass(frozen=True)
class Tree:
    """A discretised tree. ``node_branch[i]``/``node_x[i]``: branch and distance from that
    branch's start of node i (node 0 is the root's start). ``G`` sparse conductance
    matrix (S) with the membrane leak on its diagonal, ``c`` node capacitances (F)."""

    branches: tuple
    params: CableParams
    node_branch: np.ndarray
    node_x: np.ndarray
    G: sp.csr_matrix
    c: np.ndarray
    branch_nodes: tuple   # for each branch, its node indices from start to end (inclusive)

    @property
    def n_nodes(self) -> int:
        return self.c.size

    def end_node(self, b: int) -> int:
        return int(self.branch_nodes[b][-1])


def build_tree(branches, params: CableParams = CableParams(), segments_per_lambda: int = 200,
               min_segments: int = 4) -> Tree:
    """Discretise ``branches`` (list of :class:`Branch`, parents before children).

    Each branch gets ``max(min_segments, ceil(segments_per_lambda * length/λ))`` segments.
    """
    ctx = "build_tree"
    branches = tuple(branches)
    if not branches:
        raise ParameterError("branches", branches, "at least one Branch", ctx)
    for i, b in enumerate(branches):
        ck.positive(f"branches[{i}].length", b.length, ctx)
        ck.positive(f"branches[{i}].radius", b.radius, ctx)
        if (i == 0) != (b.parent == -1) or b.parent >= i:
            raise ParameterError(f"branches[{i}].parent", b.parent,
                                 "-1 for branch 0 only, else the index of an earlier branch", ctx)
    rows, cols, vals = [], [], []
    gm = [0.0]
    cap = [0.0]
    node_branch, node_x = [0], [0.0]
    branch_nodes = []
    for bi, b in enumerate(branches):
        lam = params.length_constant(b.radius)
        m = max(min_segments, int(np.ceil(segments_per_lambda * b.length / lam)))
        h = b.length / m
        start = 0 if bi == 0 else branch_nodes[b.parent][-1]
        nodes = [start]
        g_ax = np.pi * b.radius**2 / (params.Ri * h)
        g_half = 2 * np.pi * b.radius * (h / 2) / params.Rm
        c_half = 2 * np.pi * b.radius * (h / 2) * params.Cm
        prev = start
        for k in range(1, m + 1):
            new = len(gm)
            gm.append(0.0)
            cap.append(0.0)
            node_branch.append(bi)
            node_x.append(k * h)
            for i, j in ((prev, new), (new, prev)):
                rows.append(i)
                cols.append(j)
                vals.append(-g_ax)
            for i in (prev, new):
                rows.append(i)
                cols.append(i)
                vals.append(g_ax)
                gm[i] += g_half
                cap[i] += c_half
            nodes.append(new)
            prev = new
        branch_nodes.append(np.array(nodes))
    n = len(gm)
    G = sp.coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr() + sp.diags(np.array(gm))
    return Tree(branches, params, np.array(node_branch), np.array(node_x), G.tocsr(), np.array(cap),
                tuple(branch_nodes))


def single_cable(length: float, radius: float, params: CableParams = CableParams(),
                 segments_per_lambda: int = 200) -> Tree:
    """D1: one unbranched cable as a :class:`Tree`."""
    return build_tree([Branch(-1, length, radius)], params, segments_per_lambda)


def _clamp_system(tree: Tree, clamp: dict):
    idx = np.array(sorted(clamp), dtype=np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= tree.n_nodes):
        raise ParameterError("clamp", idx.tolist(), f"node indices in [0, {tree.n_nodes - 1}]", "tree")
    val = np.array([float(ck.finite("clamp value", clamp[i], "tree")) for i in idx])
    free = np.setdiff1d(np.arange(tree.n_nodes), idx)
    return idx, val, free


def tree_steady_state(tree: Tree, clamp: dict | None = None, I_inj=None) -> np.ndarray:
    """Steady-state V (relative to rest) at every node.

    ``clamp``: {node: V} voltage-clamped nodes; ``I_inj``: injected current per node (A),
    array (n_nodes,) or {node: I}. Solves ``G V = I`` on the free nodes.
    """
    clamp = clamp or {}
    I = np.zeros(tree.n_nodes)
    if isinstance(I_inj, dict):
        for k, v in I_inj.items():
            I[int(k)] += float(ck.finite("I_inj", v, "tree_steady_state"))
    elif I_inj is not None:
        I = ck.finite("I_inj", I_inj, "tree_steady_state").copy()
        ck.same_shape("I_inj", I, (tree.n_nodes,), "tree_steady_state")
    idx, val, free = _clamp_system(tree, clamp)
    V = np.zeros(tree.n_nodes)
    V[idx] = val
    G = tree.G
    rhs = I[free] - G[free][:, idx] @ val
    V[free] = splu(G[free][:, free].tocsc()).solve(rhs)
    return V


def simulate_tree(tree: Tree, dt: float, n_steps: int, V0=None, clamp: dict | None = None, I_inj=None,
                  method: str = "cn", record_every: int = 1):
    r"""Time course of :math:`c\,\dot V = -G V + I` (Crank–Nicolson or backward Euler).

    ``I_inj`` constant per node (n_nodes,) or None; ``clamp`` {node: V} held fixed.
    Returns ``(t, V)`` with V of shape (n_records, n_nodes).
    """
    ctx = "simulate_tree"
    dt = ck.check_dt(dt, ctx)
    n_steps = ck.positive_int("n_steps", n_steps, ctx)
    ck.choice("method", method, ("cn", "backward_euler"), ctx)
    clamp = clamp or {}
    idx, val, free = _clamp_system(tree, clamp)
    V = np.zeros(tree.n_nodes) if V0 is None else ck.finite("V0", V0, ctx).astype(float).copy()
    ck.same_shape("V0", V, (tree.n_nodes,), ctx)
    V[idx] = val
    I = np.zeros(tree.n_nodes) if I_inj is None else ck.finite("I_inj", I_inj, ctx)
    theta = 0.5 if method == "cn" else 1.0
    C = sp.diags(tree.c / dt)
    A = (C + theta * tree.G).tocsr()
    B = (C - (1 - theta) * tree.G).tocsr()
    lu = splu(A[free][:, free].tocsc())
    Aff_c = A[free][:, idx]
    rec_t, rec_v = [0.0], [V.copy()]
    for k in range(1, n_steps + 1):
        rhs = (B @ V)[free] + I[free] - Aff_c @ val
        V[free] = lu.solve(rhs)
        if k % record_every == 0:
            rec_t.append(k * dt)
            rec_v.append(V.copy())
    return np.array(rec_t), np.array(rec_v)


def equivalent_electrotonic_length(tree: Tree, path) -> float:
    """Σ L_b/λ_b along a root-to-tip list of branch indices."""
    return float(sum(tree.branches[b].length / tree.params.length_constant(tree.branches[b].radius) for b in path))
