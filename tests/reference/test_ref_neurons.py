"""Tests of reference/neurons.py: N1 conductance-based point neuron and N2 LIF.

Every expected value is computed here from the closed-form formula of the catalogue
(CATALOGUE.md rows N1, N2), never from a run of the code under test.
"""

import math

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from neuromorph.network import LIF as NetLIF
from reference.neurons import (
    ConductanceParams, LIFParams, conductance_step, lif_init, lif_rate, lif_rheobase, lif_step,
    simulate_conductance, simulate_lif,
)

P = LIFParams()  # course defaults


# ---------------------------------------------------------------- N1
def test_n1_steady_state_and_time_constant():
    C, g, E, I = 200e-12, (10e-9, 5e-9), (-75e-3, 0.0), 50e-12
    p = ConductanceParams(C=C, g=g, E=E)
    v_inf = (g[0] * E[0] + g[1] * E[1] + I) / (g[0] + g[1])
    tau = C / (g[0] + g[1])
    V0, dt, n = -80e-3, 1e-4, 400
    t, V = simulate_conductance(p, I, dt, n, V0)
    expected = v_inf + (V0 - v_inf) * np.exp(-t / tau)
    np.testing.assert_allclose(V[:, 0], expected, rtol=0, atol=1e-12)
    # explicit Euler converges to the same curve at first order
    _, Ve = simulate_conductance(p, I, dt / 10, n * 10, V0, method="euler")
    assert np.max(np.abs(Ve[::10, 0] - expected)) < 2e-4 * abs(V0 - v_inf)


def test_n1_euler_refuses_unstable_dt():
    p = ConductanceParams(C=200e-12, g=(10e-9,), E=(-75e-3,))
    tau = 200e-12 / 10e-9
    with pytest.raises(ParameterError) as e:
        conductance_step(np.array([-70e-3]), 0.0, p, 2.5 * tau, method="euler")
    assert e.value.name == "dt"


@pytest.mark.parametrize("kw,name", [
    (dict(C=-1e-12), "C"), (dict(C=float("nan")), "C"), (dict(g=(1e-9, -1e-9), E=(0, 0)), "g"),
    (dict(g=(1e-9,), E=(0.0, 1.0)), "E"), (dict(g=(0.0,), E=(0.0,)), "g"),
])
def test_n1_bad_params(kw, name):
    with pytest.raises(ParameterError) as e:
        ConductanceParams(**kw)
    assert e.value.name == name


# ---------------------------------------------------------------- N2 rheobase
def test_lif_rheobase_is_200pA():
    expected = 10e-9 * (-55e-3 - (-75e-3))
    assert lif_rheobase(P) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(200e-12, rel=1e-12)


def test_lif_fires_only_above_rheobase():
    rh = 10e-9 * 20e-3
    res = simulate_lif(P, np.array([0.98 * rh, 1.02 * rh]), 1e-5, 30000, n=2)
    counts = res.counts()
    assert counts[0] == 0 and counts[1] >= 2


# ---------------------------------------------------------------- N2 F-I closed form
@pytest.mark.parametrize("method,rtol", [("euler", 0.01), ("exact", 0.01)])
def test_lif_fi_matches_closed_form(method, rtol):
    """Rate 1/(t_ref + tau ln(RI/(RI - (V_th - V_reset)))) within 1 % at dt = 0.01 ms."""
    currents = np.array([220e-12, 300e-12, 400e-12, 800e-12])
    dt = 1e-5
    res = simulate_lif(P, currents, dt, 40000, n=currents.size, method=method)
    R, tau, tref, dV = 1 / 10e-9, 10e-3, 2e-3, 20e-3
    for i, I in enumerate(currents):
        expected = 1.0 / (tref + tau * math.log(R * I / (R * I - dV)))
        isi = np.diff(res.spike_times(i))
        assert isi.size >= 3
        measured = 1.0 / isi.mean()
        assert measured == pytest.approx(expected, rel=rtol)
        # discretisation delays each ISI by less than one step (plus Euler's O(dt) error)
        assert np.all(isi >= 1.0 / expected - 2 * dt) and np.all(isi <= 1.0 / expected + 3 * dt)


def test_lif_rate_function_matches_formula():
    I = np.array([0.0, 100e-12, 200e-12, 250e-12, 500e-12])
    R = 1e8
    expected = [0, 0, 0] + [1 / (2e-3 + 10e-3 * math.log(R * i / (R * i - 20e-3))) for i in I[3:]]
    np.testing.assert_allclose(lif_rate(P, I), expected, rtol=1e-12)


# ---------------------------------------------------------------- N2 sub-threshold pulse
def test_lif_subthreshold_pulse_response():
    dt, n = 1e-4, 1000
    I0, on, off = 150e-12, 0.02, 0.06
    I = np.zeros(n)
    I[int(round(on / dt)):int(round(off / dt))] = I0
    res = simulate_lif(P, I, dt, n, v0=P.E_L, method="exact")
    t = res.t
    tau, R, E_L = 10e-3, 1e8, -75e-3
    expected = np.where(t < on, E_L, np.where(
        t < off, E_L + R * I0 * (1 - np.exp(-(t - on) / tau)),
        E_L + R * I0 * (1 - np.exp(-(off - on) / tau)) * np.exp(-(t - off) / tau)))
    np.testing.assert_allclose(res.v[:, 0], expected, atol=1e-12)
    assert res.counts()[0] == 0
    # peak below threshold, return to rest (course: "returns to the resting state")
    assert res.v.max() < P.V_th and abs(res.v[-1, 0] - E_L) < 1e-3
    eul = simulate_lif(P, np.repeat(I, 10), dt / 10, n * 10, v0=P.E_L, method="euler")
    assert np.max(np.abs(eul.v[::10, 0] - expected)) < 1e-4


def test_lif_refractory_hold_and_reset():
    dt = 1e-4
    res = simulate_lif(P, 1e-9, dt, 300)
    k = np.nonzero(res.spikes[:, 0])[0]
    assert k.size >= 2
    n_ref = int(round(2e-3 / dt))
    for kk in k[:-1]:
        np.testing.assert_array_equal(res.v[kk + 1: kk + 2 + n_ref, 0], P.V_reset)
        assert res.v[kk + 2 + n_ref, 0] > P.V_reset


def test_lif_population_is_vectorised_consistently():
    I = np.array([150e-12, 250e-12, 400e-12])
    together = simulate_lif(P, I, 1e-4, 2000, n=3)
    for i in range(3):
        alone = simulate_lif(P, I[i], 1e-4, 2000, n=1)
        np.testing.assert_array_equal(together.v[:, i], alone.v[:, 0])


def test_lif_step_matches_simulate_and_network_params():
    p = LIFParams.from_network(NetLIF())
    assert p == P
    st = lif_init(p, 2)
    s = simulate_lif(p, 300e-12, 1e-4, 50, n=2)
    for k in range(50):
        st, sp = lif_step(st, np.full(2, 300e-12), p, 1e-4)
    np.testing.assert_array_equal(st.v, s.v[-1])
    log = s.spike_log()
    assert log.counts().tolist() == s.counts().tolist()


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("kw,name", [
    (dict(tau_m=-1e-3), "tau_m"), (dict(tau_m=float("nan")), "tau_m"), (dict(g_L=0.0), "g_L"),
    (dict(t_ref=-1e-3), "t_ref"), (dict(E_L=float("nan")), "E_L"), (dict(V_th=-80e-3), "V_th"),
])
def test_lif_bad_params(kw, name):
    with pytest.raises(ParameterError) as e:
        LIFParams(**kw)
    assert e.value.name == name


def test_lif_euler_dt_beyond_stability_limit():
    with pytest.raises(ParameterError) as e:
        simulate_lif(P, 0.0, 25e-3, 10)  # dt = 2.5 tau_m
    assert e.value.name == "dt" and "2 tau_m" in e.value.allowed
    # the exact scheme has no such limit and stays finite
    res = simulate_lif(P, 0.0, 25e-3, 10, method="exact")
    assert np.all(np.isfinite(res.v))


@pytest.mark.parametrize("dt", [0.0, -1e-4, float("nan"), float("inf")])
def test_lif_bad_dt(dt):
    with pytest.raises(ParameterError):
        simulate_lif(P, 0.0, dt, 10)


def test_lif_mismatched_and_nan_input():
    with pytest.raises(ParameterError) as e:
        simulate_lif(P, np.zeros((7, 3)), 1e-4, 10, n=2)
    assert e.value.name == "I"
    with pytest.raises(ParameterError):
        simulate_lif(P, np.array([np.nan, 0.0]), 1e-4, 10, n=2)
    with pytest.raises(ParameterError):
        lif_step(lif_init(P, 3), np.zeros(2), P, 1e-4)
    with pytest.raises(ParameterError):
        lif_step(lif_init(P, 3), 0.0, P, 1e-4, method="rk7")
