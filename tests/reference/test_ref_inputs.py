"""Tests of reference/inputs.py (I1–I4): pulse/DC, course GWN, OU, Poisson/regular trains."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from neuromorph.errors import ParameterError
from reference.inputs import (
    PulseProtocol, dc_current, gaussian_white_noise, gaussian_white_noise_si, isi_cv, ou_autocorrelation,
    ou_current, poisson_spike_times, pulse_current, regular_spike_times, spike_raster,
)


# ---------------------------------------------------------------- I1
def test_pulse_and_dc():
    I = pulse_current(150.0, 20.0, 60.0, 1000, 0.1)
    assert I[:200].sum() == 0 and np.all(I[200:600] == 150.0) and I[600:].sum() == 0
    assert np.all(dc_current(210.0, 5, n=3) == 210.0)
    prot = PulseProtocol(edges=(10.0, 15.0, 70.0), levels=(1.0, -6.0))
    np.testing.assert_array_equal(prot(np.array([0, 10, 14.9, 15, 69, 70])), [0, 1, 1, -6, -6, 0])
    with pytest.raises(ParameterError):
        pulse_current(1.0, 5.0, 1.0, 10, 0.1)
    with pytest.raises(ParameterError):
        PulseProtocol(edges=(0.0, 1.0), levels=(1.0, 2.0))


# ---------------------------------------------------------------- I2
def test_gwn_sample_mean_and_std():
    mu, sig, dt_ms, n = 250.0, 2.5, 0.1, 200_000
    x = gaussian_white_noise(mu, sig, n, dt_ms, seed=3)
    expected_std = sig / np.sqrt(dt_ms / 1000.0)
    # mean within 4 standard errors, std within 1.5 %
    assert abs(x.mean() - mu) < 4 * expected_std / np.sqrt(n)
    assert x.std() == pytest.approx(expected_std, rel=0.015)


def test_gwn_is_the_course_formula_bit_for_bit():
    mu, sig, dt_ms = 10.0, 3.0, 0.5
    x = gaussian_white_noise(mu, sig, 100, dt_ms, seed=42, n=2)
    xi = np.random.default_rng(42).standard_normal((100, 2))
    np.testing.assert_array_equal(x, sig * xi / np.sqrt(dt_ms / 1000.0) + mu)
    np.testing.assert_array_equal(gaussian_white_noise_si(mu, sig, 100, 0.5e-3, seed=42, n=2), x)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 50))
def test_seeded_sources_repeat_exactly(seed, n):
    a = gaussian_white_noise(0.0, 1.0, n, 0.1, seed)
    assert a.tobytes() == gaussian_white_noise(0.0, 1.0, n, 0.1, seed).tobytes()
    b = ou_current(1.0, 2.0, 5.0, n, 0.1, seed)
    assert b.tobytes() == ou_current(1.0, 2.0, 5.0, n, 0.1, seed).tobytes()
    p = poisson_spike_times(50.0, 1.0, seed, n=2)
    q = poisson_spike_times(50.0, 1.0, seed, n=2)
    assert all(x.tobytes() == y.tobytes() for x, y in zip(p, q))


# ---------------------------------------------------------------- I3
def test_ou_stationary_mean_std_and_autocorrelation():
    mu, sigma, tau, dt = 200.0, 40.0, 10.0, 0.5
    x = ou_current(mu, sigma, tau, 40_000, dt, seed=7, n=8)  # 8 x 20 s of 10 ms correlation
    assert x.mean() == pytest.approx(mu, abs=0.02 * sigma * 5)
    assert x.std() == pytest.approx(sigma, rel=0.03)
    y = x - x.mean(axis=0)
    for lag_ms in (5.0, 10.0, 20.0):
        k = int(lag_ms / dt)
        acov = np.mean(y[k:] * y[:-k])
        expected = sigma**2 * np.exp(-lag_ms / tau)
        assert acov == pytest.approx(expected, abs=0.04 * sigma**2)
    np.testing.assert_allclose(ou_autocorrelation(sigma, tau, [0, 10]), [sigma**2, sigma**2 * np.exp(-1)])


def test_ou_exact_one_step_statistics():
    """From a fixed x0 the exact update has mean mu+(x0-mu)e^{-dt/tau}, var sigma^2(1-e^{-2dt/tau})."""
    mu, sigma, tau, dt, x0 = 1.0, 2.0, 3.0, 1.5, 5.0
    x = ou_current(mu, sigma, tau, 2, dt, seed=1, n=100_000, x0=x0)[1]
    a = np.exp(-dt / tau)
    assert x.mean() == pytest.approx(mu + (x0 - mu) * a, abs=0.03)
    assert x.std() == pytest.approx(sigma * np.sqrt(1 - a**2), rel=0.01)


def test_ou_euler_course_form_and_limits():
    x = ou_current(0.0, 1.0, 10.0, 50_000, 0.1, seed=2, method="euler", n=4)
    assert x.std() == pytest.approx(1.0, rel=0.06)
    with pytest.raises(ParameterError) as e:
        ou_current(0.0, 1.0, 1.0, 10, 3.0, seed=0, method="euler")
    assert e.value.name == "dt"
    for kw in (dict(tau=-1.0), dict(tau=float("nan")), dict(sigma=-1.0)):
        args = dict(mu=0.0, sigma=1.0, tau=1.0, n_steps=10, dt=0.1, seed=0) | kw
        with pytest.raises(ParameterError):
            ou_current(**args)


# ---------------------------------------------------------------- I4
def test_poisson_rate_and_cv():
    rate, T = 20.0, 200.0
    trains = poisson_spike_times(rate, T, seed=5, n=4)
    for t in trains:
        assert t.min() >= 0 and t.max() < T and np.all(np.diff(t) > 0)
        assert t.size / T == pytest.approx(rate, rel=4 / np.sqrt(rate * T))
        assert isi_cv(t) == pytest.approx(1.0, abs=0.05)


def test_regular_rate_and_cv():
    trains = regular_spike_times([10.0, 25.0], 2.0, n=2, start=0.01)
    assert trains[0].size == 20 and trains[1].size == 50
    assert isi_cv(trains[0]) == pytest.approx(0.0, abs=1e-12)
    raster = spike_raster(trains, 1e-3, 2000)
    assert raster.sum(axis=0).tolist() == [20, 50]
    with pytest.raises(ParameterError):
        regular_spike_times(-1.0, 1.0)
    with pytest.raises(ParameterError):
        poisson_spike_times(float("nan"), 1.0, seed=0)
