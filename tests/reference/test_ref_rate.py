"""Tests of reference/rate.py: N7 rate unit, W1 rate network, W2 chain, W3 recurrent, W4 WTA."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from reference.rate import (
    Transfer, chain_steady_state, chain_weights, fixed_point, is_stable, rate_jacobian, rate_unit_step,
    simulate_rate_network, simulate_wta,
)

SIG = Transfer("sigmoid", gain=2.0, threshold=0.5, r_max=1.0)


def _sig(x):
    return 1.0 / (1.0 + np.exp(-2.0 * (x - 0.5)))


# ---------------------------------------------------------------- N7
@pytest.mark.parametrize("method,tol", [("exp_euler", 1e-13), ("rk4", 1e-9), ("euler", 2e-3)])
def test_rate_unit_relaxes_exponentially(method, tol):
    tau, I, dt = 0.02, 1.3, 1e-4
    r = np.array([0.0])
    rs = [r]
    for _ in range(600):
        r, _ = rate_unit_step(r, I, tau, SIG, dt, method)
        rs.append(r)
    t = np.arange(601) * dt
    expected = _sig(I) * (1 - np.exp(-t / tau))
    np.testing.assert_allclose(np.array(rs)[:, 0], expected, atol=tol)


def test_transfer_functions_and_derivatives():
    x = np.linspace(-2, 3, 11)
    np.testing.assert_allclose(SIG(x), _sig(x), rtol=1e-12)
    for f in (SIG, Transfer("tanh", 1.5, 0.2, 2.0), Transfer("relu", 2.0, 0.1), Transfer("linear", 0.7)):
        h = 1e-6
        xs = x + 0.0123  # avoid kinks
        np.testing.assert_allclose(f.derivative(xs), (f(xs + h) - f(xs - h)) / (2 * h), atol=1e-6)
    assert Transfer("threshold_linear", 1.0, 0.0, 1.0)(np.array([-1, 0.5, 3])).tolist() == [0, 0.5, 1]


# ---------------------------------------------------------------- W1 / W3
def test_fixed_point_and_simulation_agree():
    rng = np.random.default_rng(0)
    W = rng.normal(0, 0.5, (6, 6))
    I = rng.normal(0.3, 0.2, 6)
    r_star = fixed_point(W, I, SIG)
    np.testing.assert_allclose(r_star, _sig(W @ r_star + I), atol=1e-12)
    tau = 0.01
    J = rate_jacobian(W, I, SIG, r_star, tau)
    # Jacobian from the formula: (-1 + diag(f'(Wr+I)) W)/tau with f' of the logistic
    s = _sig(W @ r_star + I)
    np.testing.assert_allclose(J, (-np.eye(6) + (2.0 * s * (1 - s))[:, None] * W) / tau, rtol=1e-12)
    assert is_stable(J)
    _, r = simulate_rate_network(W, I, tau, SIG, 1e-3, 400, method="rk4")
    np.testing.assert_allclose(r[-1], r_star, atol=1e-8)


def test_stability_from_eigenvalues_linear_recurrent():
    """W3 with linear f: r* = (1 - W)^-1 I; stable iff eig(W) < 1 (for symmetric W)."""
    lin = Transfer("linear")
    W_ok = np.array([[0.0, 0.5], [0.5, 0.0]])
    I = np.array([1.0, 0.5])
    expected = np.linalg.solve(np.eye(2) - W_ok, I)
    r_star = fixed_point(W_ok, I, lin)
    np.testing.assert_allclose(r_star, expected, rtol=1e-12)
    assert is_stable(rate_jacobian(W_ok, I, lin, r_star, 1.0))
    _, r = simulate_rate_network(W_ok, I, 1.0, lin, 0.1, 400)
    np.testing.assert_allclose(r[-1], expected, rtol=1e-6)
    W_bad = np.array([[0.0, 1.5], [1.5, 0.0]])  # eigenvalue 1.5 > 1: unstable
    r_bad = fixed_point(W_bad, I, lin)
    assert not is_stable(rate_jacobian(W_bad, I, lin, r_bad, 1.0))
    _, r = simulate_rate_network(W_bad, I, 1.0, lin, 0.1, 400, r0=r_bad + 1e-6)  # grows as e^{0.5 t}
    assert np.max(np.abs(r[-1] - r_bad)) > 1.0  # it leaves the fixed point


# ---------------------------------------------------------------- W2
def test_feedforward_chain_steady_state_layer_by_layer():
    rng = np.random.default_rng(1)
    Ws = [rng.normal(0, 1, (4, 3)), rng.normal(0, 1, (5, 4)), rng.normal(0, 1, (2, 5))]
    r_in = np.array([0.2, 1.0, 0.5])
    f = Transfer("relu")
    layers = chain_steady_state(Ws, r_in, f)
    expected = r_in
    for w in Ws:
        expected = np.maximum(w @ expected, 0.0)
    np.testing.assert_allclose(layers[-1], expected, rtol=1e-12)
    # full simulation: clamp the input layer through I with its own unit gain
    W = chain_weights(Ws, 3)
    n = W.shape[0]
    I = np.zeros(n)
    I[:3] = r_in
    _, r = simulate_rate_network(W, I, 0.01, f, 1e-3, 600)
    np.testing.assert_allclose(r[-1], np.concatenate(layers), atol=1e-9)


# ---------------------------------------------------------------- W4
def test_winner_take_all_strong_inhibition():
    I = np.array([0.8, 1.0, 0.95, 0.3])
    f = Transfer("relu")
    _, r = simulate_wta(I, alpha=2.0, tau=0.01, f=f, dt=5e-4, n_steps=4000)
    final = r[-1]
    win = int(np.argmax(I))
    assert final[win] == pytest.approx(I[win], rel=1e-6)  # r_win = f(I_max) when the others are silent
    assert np.all(final[np.arange(4) != win] < 1e-9)
    # weak inhibition: several stay active
    _, r = simulate_wta(I, alpha=0.1, tau=0.01, f=f, dt=5e-4, n_steps=4000)
    assert np.sum(r[-1] > 1e-3) >= 3


def test_bad_input():
    with pytest.raises(ParameterError) as e:
        rate_unit_step(0.0, 1.0, 0.01, SIG, 0.05, "euler")
    assert e.value.name == "dt"
    with pytest.raises(ParameterError):
        rate_unit_step(0.0, 1.0, -0.01, SIG, 0.001)
    with pytest.raises(ParameterError):
        simulate_rate_network(np.zeros((3, 2)), 0.0, 0.01, SIG, 1e-3, 10)
    with pytest.raises(ParameterError):
        simulate_rate_network(np.eye(2), np.array([np.nan, 0]), 0.01, SIG, 1e-3, 10)
    with pytest.raises(ParameterError):
        Transfer("softplus")
    with pytest.raises(ParameterError):
        chain_weights([np.zeros((2, 4))], 3)
