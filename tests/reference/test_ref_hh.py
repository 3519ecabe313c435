"""Tests of reference/hh.py (N5 Hodgkin–Huxley): rest at -65 mV, all-or-none spike,
type-II onset of repetitive firing. Rate functions are re-derived here from the
textbook formulas, independently of the module."""

import math

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from reference.hh import HHParams, hh_fi_curve, hh_gate_steady_state, hh_rates, hh_rest_state, simulate_hh


def _textbook_rates(V):
    am = 0.1 * (V + 40) / (1 - math.exp(-(V + 40) / 10))
    bm = 4 * math.exp(-(V + 65) / 18)
    ah = 0.07 * math.exp(-(V + 65) / 20)
    bh = 1 / (1 + math.exp(-(V + 35) / 10))
    an = 0.01 * (V + 55) / (1 - math.exp(-(V + 55) / 10))
    bn = 0.125 * math.exp(-(V + 65) / 80)
    return am, bm, ah, bh, an, bn


@pytest.mark.parametrize("V", [-90.0, -65.0, -40.3, -20.0, 10.0, 40.0])
def test_rates_match_textbook(V):
    np.testing.assert_allclose(np.array(hh_rates(V), dtype=float), _textbook_rates(V), rtol=1e-12)


def test_rates_removable_singularities():
    # limits x/(1-e^-x) -> 1: alpha_m(-40) = 0.1*10 = 1, alpha_n(-55) = 0.01*10 = 0.1
    a = hh_rates(np.array([-40.0, -55.0]))
    assert a[0][0] == pytest.approx(1.0, rel=1e-12)
    assert a[4][1] == pytest.approx(0.1, rel=1e-12)


def test_rest_is_minus_65_with_gates_at_steady_state():
    V, m, h, n = hh_rest_state()
    assert V == pytest.approx(-65.0, abs=0.05)
    am, bm, ah, bh, an, bn = _textbook_rates(V)
    assert (m, h, n) == pytest.approx((am / (am + bm), ah / (ah + bh), an / (an + bn)), rel=1e-10)
    # zero net current at rest, evaluated from the equation
    p = HHParams()
    I_ion = p.g_Na * m**3 * h * (V - p.E_Na) + p.g_K * n**4 * (V - p.E_K) + p.g_L * (V - p.E_L)
    assert abs(I_ion) < 1e-9
    # the course's final values: m ~ 0.053, h ~ 0.596, n ~ 0.318
    assert (m, h, n) == pytest.approx((0.053, 0.596, 0.318), abs=2e-3)


@pytest.mark.parametrize("method,dt", [("rk4", 0.01), ("exp_euler", 0.01), ("euler", 0.01)])
def test_stays_at_rest_without_input(method, dt):
    res = simulate_hh(0.0, dt, 5000, method=method)
    assert np.max(np.abs(res.V - (-65.0))) < 0.05
    assert not res.spikes.any()


def test_all_or_none_spike():
    amps = np.arange(0.0, 41.0, 2.0)  # 1 ms pulses, uA/cm^2
    dt = 0.01
    n_steps = int(30 / dt)
    I = np.zeros((n_steps, amps.size))
    I[int(5 / dt):int(6 / dt)] = amps
    res = simulate_hh(I, dt, n_steps, n=amps.size)
    peak = res.V.max(axis=0)
    fired = peak > 0.0
    # bimodal: either a small bump below -45 mV or a full spike above +20 mV
    assert np.all((peak < -45.0) | (peak > 20.0))
    assert fired.any() and (~fired).any()
    # a threshold: all pulses above the smallest suprathreshold amplitude fire
    first = np.argmax(fired)
    assert fired[first:].all() and not fired[:first].any()
    # spike amplitude is roughly independent of the stimulus (all-or-none)
    assert np.ptp(peak[fired]) < 10.0


def test_type_ii_jump_in_fi_curve():
    currents = np.array([4.0, 5.5, 6.0, 6.5, 7.0, 9.0, 12.0])
    rates = hh_fi_curve(currents, duration=300.0, dt=0.025, transient=100.0)
    assert np.all(rates[currents <= 6.0] == 0)
    on = rates[currents >= 6.5]
    assert np.all(on > 0)
    # type II: the first repetitive rate is far from zero (textbook ~50-60 Hz)
    assert on.min() >= 40.0
    assert np.all(np.diff(on) >= -5.01)  # non-decreasing within one count bin (5 Hz)


def test_methods_agree_on_a_spike_train():
    a = simulate_hh(10.0, 0.01, 6000, method="rk4").spike_times()
    b = simulate_hh(10.0, 0.01, 6000, method="exp_euler").spike_times()
    assert a.size == b.size >= 4
    assert np.max(np.abs(a - b)) < 0.3


def test_gate_steady_state_in_unit_interval():
    V = np.linspace(-120, 60, 200)
    for g in hh_gate_steady_state(V):
        assert np.all((g > 0) & (g < 1))


def test_bad_input():
    with pytest.raises(ParameterError) as e:
        simulate_hh(0.0, 0.2, 10)  # rk4 needs dt <= 0.05 ms
    assert e.value.name == "dt"
    with pytest.raises(ParameterError) as e:
        HHParams(C=-1.0)
    assert e.value.name == "C"
    with pytest.raises(ParameterError):
        HHParams(g_Na=float("nan"))
    with pytest.raises(ParameterError):
        simulate_hh(np.ones((3, 2)), 0.01, 10, n=4)
    with pytest.raises(ParameterError):
        simulate_hh(0.0, 0.01, 10, method="leapfrog")
