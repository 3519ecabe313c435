"""Tests of reference/dendrites.py: D1 cable steady states/decay and D2 branch points (Rall)."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from reference.dendrites import (
    Branch, CableParams, build_tree, equivalent_electrotonic_length, simulate_tree, single_cable, tree_steady_state,
)

P = CableParams(Rm=2.0, Ri=1.0, Cm=1e-2)
A = 1e-6  # 1 um radius


def _lam(a):
    return np.sqrt(a * 2.0 / (2 * 1.0))


def test_sealed_end_steady_state_matches_cosh():
    lam = _lam(A)
    L = 1.5 * lam
    tree = single_cable(L, A, P)
    V = tree_steady_state(tree, clamp={0: 10e-3})
    x = tree.node_x
    expected = 10e-3 * np.cosh((L - x) / lam) / np.cosh(L / lam)
    np.testing.assert_allclose(V, expected, atol=1e-6 * 10e-3)


def test_infinite_cable_exponential_decay():
    lam = _lam(A)
    tree = single_cable(12 * lam, A, P, segments_per_lambda=100)
    V = tree_steady_state(tree, clamp={0: 1.0})
    x = tree.node_x
    near = x < 4 * lam
    np.testing.assert_allclose(V[near], np.exp(-x[near] / lam), atol=1e-4)


def test_uniform_decay_with_membrane_time_constant():
    lam = _lam(A)
    tree = single_cable(lam, A, P, segments_per_lambda=20)
    tau = 2.0 * 1e-2
    t, V = simulate_tree(tree, tau / 200, 400, V0=np.ones(tree.n_nodes))
    np.testing.assert_allclose(V, np.exp(-t / tau)[:, None] * np.ones(tree.n_nodes), rtol=2e-5)


def test_time_course_converges_to_steady_state():
    lam = _lam(A)
    tree = single_cable(lam, A, P, segments_per_lambda=40)
    # backward Euler: a suddenly applied clamp makes Crank-Nicolson ring on the finest grid modes
    t, V = simulate_tree(tree, 2e-3, 200, clamp={0: 1.0}, record_every=200, method="backward_euler")
    np.testing.assert_allclose(V[-1], tree_steady_state(tree, clamp={0: 1.0}), atol=1e-6)


def _rall_tree(d0=2e-6, ratio=0.4, L0_lam=0.6, L1_lam=0.9):
    a0 = d0 / 2
    d1 = (ratio * d0**1.5) ** (2 / 3)
    d2 = ((1 - ratio) * d0**1.5) ** (2 / 3)
    branches = [Branch(-1, L0_lam * _lam(a0), a0), Branch(0, L1_lam * _lam(d1 / 2), d1 / 2),
                Branch(0, L1_lam * _lam(d2 / 2), d2 / 2)]
    return build_tree(branches, P, segments_per_lambda=400), (d0, d1, d2)


def test_rall_three_halves_tree_equals_equivalent_cylinder():
    tree, (d0, d1, d2) = _rall_tree()
    assert d1**1.5 + d2**1.5 == pytest.approx(d0**1.5)
    V = tree_steady_state(tree, clamp={0: 1.0})
    Ltot = 0.6 + 0.9
    assert equivalent_electrotonic_length(tree, [0, 1]) == pytest.approx(Ltot)
    # electrotonic position X of every node; V(X) = cosh(Ltot - X)/cosh(Ltot)
    X = np.array([tree.node_x[i] / _lam(tree.branches[b].radius) + (0.6 if b > 0 else 0.0)
                  for i, b in enumerate(tree.node_branch)])
    np.testing.assert_allclose(V, np.cosh(Ltot - X) / np.cosh(Ltot), atol=2e-6)
    # both daughters identical in X although their diameters differ
    np.testing.assert_allclose(V[tree.branch_nodes[1]], V[tree.branch_nodes[2]], atol=2e-6)
    # input conductance at the clamp equals that of the equivalent cylinder:
    # G_in = tanh(Ltot)/(r_0 lambda_0) with r_0 = Ri/(pi a0^2)
    a0 = d0 / 2
    I_in = (tree.G @ V)[0]
    assert I_in == pytest.approx(np.tanh(Ltot) / (1.0 / (np.pi * a0**2) * _lam(a0)), rel=1e-5)


def test_current_conservation_at_branch_point():
    tree, _ = _rall_tree(ratio=0.3)
    V = tree_steady_state(tree, clamp={0: 1.0})
    bp = tree.end_node(0)

    def flux(b, sign):  # (1/r_b) dV/dx_b away from the branch point, one-sided second order
        nodes = tree.branch_nodes[b]
        h = tree.branches[b].length / (len(nodes) - 1)
        if sign < 0:  # parent: derivative at its end, pointing back towards the root
            v0, v1, v2 = V[nodes[-1]], V[nodes[-2]], V[nodes[-3]]
        else:
            v0, v1, v2 = V[nodes[0]], V[nodes[1]], V[nodes[2]]
        a = tree.branches[b].radius
        return (np.pi * a**2 / 1.0) * (-3 * v0 + 4 * v1 - v2) / (2 * h)

    assert tree.branch_nodes[1][0] == bp == tree.branch_nodes[2][0]
    terms = [flux(0, -1), flux(1, +1), flux(2, +1)]
    assert abs(sum(terms)) < 1e-3 * max(abs(t) for t in terms)


def test_bad_input():
    with pytest.raises(ParameterError):
        CableParams(Rm=-1.0)
    with pytest.raises(ParameterError):
        build_tree([Branch(-1, 1e-3, 0.0)])
    with pytest.raises(ParameterError):
        build_tree([Branch(-1, 1e-3, 1e-6), Branch(3, 1e-3, 1e-6)])
    tree = single_cable(1e-3, 1e-6, P, segments_per_lambda=10)
    with pytest.raises(ParameterError):
        tree_steady_state(tree, clamp={10**6: 1.0})
    with pytest.raises(ParameterError):
        simulate_tree(tree, -1e-3, 10)
    with pytest.raises(ParameterError):
        simulate_tree(tree, 1e-3, 10, V0=np.zeros(3))
