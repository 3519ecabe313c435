"""Tests of reference/synapses.py (S1–S4) against closed forms written in this file."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from neuromorph.errors import ParameterError
from reference.inputs import regular_spike_times, spike_raster
from reference.synapses import (
    ExpSynapseParams, TMParams, delay_in_steps, delay_init, delay_step, delayed_times, exp_synapse_closed_form,
    exp_synapse_step, nmda_block_jahr_stevens, nmda_block_survey, nmda_current_jahr_stevens, nmda_current_survey,
    simulate_exp_synapse, synaptic_current, tm_step, tm_steady_state, tm_train,
)


# ---------------------------------------------------------------- S1
def test_exp_synapse_is_sum_of_exponentials():
    tau, alpha, dt = 5e-3, 2e-9, 1e-4
    steps = np.array([10, 25, 26, 80, 200])
    counts = np.zeros((400, 1))
    np.add.at(counts[:, 0], steps, 1)
    p = ExpSynapseParams(tau_s=tau, alpha=alpha)
    g = simulate_exp_synapse(counts, p, dt)[:, 0]
    t = np.arange(400) * dt
    tk = steps * dt
    expected = np.array([sum(alpha * np.exp(-(ti - s) / tau) for s in tk if s <= ti + 1e-15) for ti in t])
    np.testing.assert_allclose(g, expected, rtol=1e-10, atol=1e-24)
    np.testing.assert_allclose(exp_synapse_closed_form(t + 1e-12, tk, p), expected, rtol=1e-6)
    # the step function agrees with the simulator
    gg = np.zeros(1)
    gg, _ = exp_synapse_step(gg, counts[0], p, dt)
    for k in range(1, 400):
        gg, _ = exp_synapse_step(gg, counts[k], p, dt)
    assert gg[0] == pytest.approx(g[-1], rel=1e-12)


def test_synaptic_current_sign_and_current_based():
    assert synaptic_current(1e-9, -70e-3, 0.0) == pytest.approx(-70e-12)   # inward for excitation
    assert synaptic_current(1e-9, -70e-3, -80e-3) == pytest.approx(10e-12)  # outward for inhibition
    assert synaptic_current(3e-12, -70e-3, None) == 3e-12


# ---------------------------------------------------------------- S2
def test_nmda_survey_form_limits_and_monotonicity():
    mg, v0 = 1.2, 16e-3
    V = np.linspace(-0.2, 0.2, 401)
    B = nmda_block_survey(V, mg, v0)
    assert np.all(np.diff(B) > 0)
    assert nmda_block_survey(-5.0, mg, v0) == pytest.approx(0.0, abs=1e-12)
    assert nmda_block_survey(5.0, mg, v0) == pytest.approx(1.0, abs=1e-12)
    expected = mg * np.exp(V / v0) / (1 + mg * np.exp(V / v0))
    np.testing.assert_allclose(B, expected, rtol=1e-10)
    np.testing.assert_allclose(nmda_current_survey(V, 2.0, mg, v0), 2.0 * expected, rtol=1e-10)


def test_nmda_jahr_stevens_limits_and_monotonicity():
    V = np.linspace(-0.1, 0.05, 301)
    B = nmda_block_jahr_stevens(V, 1.0)
    expected = 1 / (1 + 1.0 / 3.57 * np.exp(-0.062 * V * 1e3))
    np.testing.assert_allclose(B, expected, rtol=1e-10)
    assert np.all(np.diff(B) > 0)
    assert nmda_block_jahr_stevens(0.0, 1.0) == pytest.approx(1 / (1 + 1 / 3.57))
    assert np.all(nmda_block_jahr_stevens(V, 0.0) == 1.0)
    assert nmda_block_jahr_stevens(-1.0, 1.0) < 1e-20 and nmda_block_jahr_stevens(1.0, 1.0) == pytest.approx(1.0)
    # more Mg, more block
    assert np.all(nmda_block_jahr_stevens(V, 2.0) < B)
    assert nmda_current_jahr_stevens(0.0, 1e-9, E=0.0) == 0.0
    with pytest.raises(ParameterError):
        nmda_block_jahr_stevens(V, -1.0)
    with pytest.raises(ParameterError):
        nmda_block_survey(V, 1.0, v0=0.0)


# ---------------------------------------------------------------- S3
@pytest.mark.parametrize("U,tau_D,T", [(0.5, 0.2, 0.05), (0.2, 0.8, 0.1), (0.9, 0.05, 0.02)])
def test_tm_steady_state_regular_train(U, tau_D, T):
    e = np.exp(-T / tau_D)
    expected = (1 - e) / (1 - (1 - U) * e)
    p = TMParams(U=U, tau_D=tau_D)
    assert tm_steady_state(T, p) == pytest.approx(expected, rel=1e-12)
    x = tm_train(np.arange(200) * T, p)
    assert x[0] == 1.0 and x[-1] == pytest.approx(expected, rel=1e-10)
    # grid version with spikes every T/dt steps
    dt = T / 50
    n = 200 * 50
    spikes = np.zeros(n, dtype=bool)
    spikes[49::50] = True
    xs = np.ones(1)
    before = []
    for k in range(n):
        xs, rel = tm_step(xs, spikes[k:k + 1], p, dt)
        if spikes[k]:
            before.append(rel[0] / U)
    assert before[-1] == pytest.approx(expected, rel=1e-9)


def test_tm_bad_params():
    for kw in (dict(U=0.0), dict(U=1.5), dict(tau_D=-1.0), dict(tau_D=float("nan"))):
        with pytest.raises(ParameterError):
            TMParams(**kw)


# ---------------------------------------------------------------- S4
@settings(max_examples=30, deadline=None)
@given(spike_step=st.integers(0, 20), d=st.integers(0, 9), w=st.floats(-5, 5, allow_nan=False))
def test_delay_exact_arrival_step(spike_step, d, w):
    line = delay_init(2, 9)
    got = []
    for k in range(40):
        spikes = np.array([k == spike_step])
        line, out = delay_step(line, spikes, [0], [1], w, [d])
        got.append(out)
    got = np.array(got)
    expected = np.zeros((40, 2))
    expected[spike_step + d, 1] = w
    np.testing.assert_array_equal(got, expected)


def test_delays_in_continuous_time_and_steps():
    np.testing.assert_allclose(delayed_times([0.01, 0.02], 0.0015), [0.0115, 0.0215])
    assert delay_in_steps([1e-3, 3e-3, 0.0], 1e-4).tolist() == [10, 30, 0]
    with pytest.raises(ParameterError):
        delay_in_steps(1.05e-4, 1e-4)
    with pytest.raises(ParameterError):
        delayed_times([0.0], -1e-3)
    with pytest.raises(ParameterError):
        delay_step(delay_init(1, 3), np.array([True]), [0], [0], 1.0, [4])


def test_regular_train_through_delay_line_matches_continuous_time():
    dt, d = 1e-4, 2.5e-3
    trains = regular_spike_times(100.0, 0.1, n=1)
    raster = spike_raster(trains, dt, 1000)[:, 0] > 0
    line = delay_init(1, 100)
    arrivals = []
    ds = delay_in_steps(d, dt)
    for k in range(1000):
        line, out = delay_step(line, raster[k:k + 1], [0], [0], 1.0, [int(ds)])
        if out[0]:
            arrivals.append(k * dt)
    expected = delayed_times(trains[0], d)
    np.testing.assert_allclose(arrivals, expected[expected < 0.1], atol=1e-12)
