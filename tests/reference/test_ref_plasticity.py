"""Tests of reference/plasticity.py (P1–P3 and the combined SynapticPlasticity)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from neuromorph.errors import ParameterError
from neuromorph.network import STDP
from reference.inputs import poisson_spike_times, spike_raster
from reference.plasticity import (
    ScalingParams, SynapticPlasticity, hebbian_fixed_point, hebbian_step, scaling_step, stdp_init,
    stdp_pairwise, stdp_step, stdp_traces, stdp_window,
)
from reference.synapses import TMParams

P = STDP(A_plus=0.01, A_minus=-0.012, tau_plus=17e-3, tau_minus=34e-3, w_min=-10, w_max=10)


# ---------------------------------------------------------------- P1
def test_stdp_window_curve():
    d = np.array([-0.05, -0.01, 0.0, 0.01, 0.05])
    expected = [-0.012 * np.exp(-0.05 / 34e-3), -0.012 * np.exp(-0.01 / 34e-3), 0.0,
                0.01 * np.exp(-0.01 / 17e-3), 0.01 * np.exp(-0.05 / 17e-3)]
    np.testing.assert_allclose(stdp_window(d, P), expected, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n_pre=st.integers(0, 30), n_post=st.integers(0, 30))
def test_trace_form_equals_pairwise_sum(seed, n_pre, n_post):
    rng = np.random.default_rng(seed)
    pre = np.sort(rng.uniform(0, 0.5, n_pre))
    post = np.sort(rng.uniform(0, 0.5, n_post))
    explicit = sum(stdp_window(b - a, P) for a in pre for b in post)
    assert stdp_traces(pre, post, P) == pytest.approx(float(explicit), rel=1e-10, abs=1e-14)
    assert stdp_pairwise(pre, post, P) == pytest.approx(float(explicit), rel=1e-10, abs=1e-14)


def test_grid_trace_step_equals_pairwise_sum():
    dt = 1e-4
    pre_t = poisson_spike_times(30.0, 1.0, seed=1, n=3)
    post_t = poisson_spike_times(20.0, 1.0, seed=2, n=2)
    pre = spike_raster(pre_t, dt, 10_000)
    post = spike_raster(post_t, dt, 10_000)
    W = np.zeros((2, 3))
    s = stdp_init(3, 2)
    for k in range(10_000):
        s, W = stdp_step(s, W, pre[k], post[k], P, dt, clip=False)
    for i in range(2):
        for j in range(3):
            # spikes on the grid: use the grid times in the explicit sum
            a = np.nonzero(pre[:, j])[0] * dt
            b = np.nonzero(post[:, i])[0] * dt
            assert W[i, j] == pytest.approx(stdp_pairwise(a, b, P), rel=1e-9, abs=1e-15)


# ---------------------------------------------------------------- P2
def test_hebbian_converges_to_rate_product_over_alpha():
    r_post, r_pre, alpha, eta = np.array([2.0, 5.0]), np.array([1.0, 3.0, 4.0]), 0.5, 0.2
    expected = np.outer(r_post, r_pre) / alpha
    np.testing.assert_allclose(hebbian_fixed_point(r_post, r_pre, alpha), expected)
    W = np.zeros((2, 3))
    for _ in range(2000):
        W, _ = hebbian_step(W, r_post, r_pre, eta, alpha, 0.1)
    # closed form from W(0) = 0: W* (1 - e^{-eta alpha t})
    np.testing.assert_allclose(W, expected * (1 - np.exp(-eta * alpha * 200.0)), rtol=1e-10)
    assert np.max(np.abs(W - expected)) < 1e-6
    # explicit Euler converges to the same fixed point, and relaxation rate is eta*alpha
    We = np.zeros((2, 3))
    for _ in range(100):
        We, _ = hebbian_step(We, r_post, r_pre, eta, alpha, 0.1, method="euler")
    np.testing.assert_allclose(We, expected * (1 - (1 - 0.1 * eta * alpha) ** 100), rtol=1e-10)
    with pytest.raises(ParameterError) as e:
        hebbian_step(We, r_post, r_pre, eta, alpha, 25.0, method="euler")
    assert e.value.name == "dt"
    with pytest.raises(ParameterError):
        hebbian_step(np.zeros((3, 3)), r_post, r_pre, eta, alpha, 0.1)


# ---------------------------------------------------------------- P3
def test_synaptic_scaling_returns_rate_to_target():
    """A linear rate neuron r = w . x; after a 3x input increase the rate returns to target."""
    hp = ScalingParams(r_target=5.0, tau_h=1.0)
    x = np.array([2.0, 1.0, 4.0])
    W = np.array([[0.5, 1.0, 0.5]])  # r = 5 Hz
    ratio0 = W[0] / W[0, 0]
    x2 = 3 * x
    for _ in range(4000):
        r = W @ x2
        W, _ = scaling_step(W, r, hp, 0.005)
    assert (W @ x2)[0] == pytest.approx(5.0, rel=1e-3)
    np.testing.assert_allclose(W[0] / W[0, 0], ratio0, rtol=1e-12)  # multiplicative


# ---------------------------------------------------------------- the combined capability
def test_synaptic_plasticity_combined():
    dt, n = 1e-3, 3000
    pre = spike_raster(poisson_spike_times(20.0, n * dt, seed=3, n=4), dt, n) > 0
    post = spike_raster(poisson_spike_times(15.0, n * dt, seed=4, n=2), dt, n) > 0
    W0 = np.full((2, 4), 0.5)
    sp = SynapticPlasticity(stdp=STDP(), stp=TMParams(U=0.4, tau_D=0.3), homeostasis=ScalingParams(5.0, 2.0, 0.5))
    res = sp.simulate_plasticity(pre, post, W0, dt)
    assert res.weights.shape == (n + 1, 2, 4) and res.x.shape == (n + 1, 4)
    assert np.all((res.weights >= 0) & (res.weights <= 1))
    assert res.x.min() < 1.0 and np.all(res.x > 0)
    # efficacy nonzero only at pre spikes
    assert np.all((res.efficacy != 0).any(axis=1) <= pre)
    # post fires above target (15 Hz > 5 Hz): homeostasis pulls weights down
    assert res.stats["mean_weight_end"] < res.stats["mean_weight_start"]
    # components off -> STDP-only equals stdp_step directly
    only = SynapticPlasticity(stdp=STDP(), stp=None, homeostasis=None).simulate_plasticity(pre, post, W0, dt)
    s, W = stdp_init(4, 2), W0.copy()
    for k in range(n):
        s, W = stdp_step(s, W, pre[k], post[k], STDP(), dt)
    np.testing.assert_allclose(only.weights[-1], W)
    with pytest.raises(ParameterError):
        sp.simulate_plasticity(pre, post[:10], W0, dt)
    with pytest.raises(ParameterError):
        sp.simulate_plasticity(pre, post, np.zeros((4, 2)), dt)
