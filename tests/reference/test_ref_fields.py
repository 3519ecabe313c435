"""Tests of reference/fields.py: F1 Amari bump width, F2 dispersion, F3 Fisher-KPP speed."""

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import erf

from neuromorph.errors import ParameterError
from reference.fields import (
    AmariParams, MexicanHat, amari_grid, bump_widths, fkpp_simulate, fkpp_speed, measure_bump, simulate_amari,
    wave_dt_limit, wave_simulate,
)


# ---------------------------------------------------------------- F1
def _W(a, Ae=1.0, se=1.0, Ai=0.5, si=2.0):
    """int_0^a of Ae exp(-x^2/2se^2) - Ai exp(-x^2/2si^2)."""
    return np.sqrt(np.pi / 2) * (Ae * se * erf(a / (np.sqrt(2) * se)) - Ai * si * erf(a / (np.sqrt(2) * si)))


@pytest.mark.parametrize("h", [-0.3, -0.2])
def test_amari_bump_width_solves_integral_condition(h):
    # the stable bump is the larger root of W(a) = -h (where w(a) < 0)
    a_peak = np.sqrt(np.log(2.0) / (3.0 / 8.0))  # w(a) = 0 for this kernel
    expected = brentq(lambda a: _W(a) + h, a_peak, 30.0)
    p = AmariParams(tau=1.0, h=h, kernel=MexicanHat(1.0, 1.0, 0.5, 2.0))
    assert bump_widths(p).max() == pytest.approx(expected, rel=1e-9)
    x, dx = amari_grid(40.0, 1024)
    u0 = np.where(np.abs(x) < 1.5, 0.5, -0.3)
    x, u, _ = simulate_amari(p, u0, 40.0, 0.1, 600)
    assert measure_bump(x, u) == pytest.approx(expected, abs=2 * dx)
    # stationary: one more stretch of time changes nothing
    _, u2, _ = simulate_amari(p, u, 40.0, 0.1, 100)
    assert np.max(np.abs(u2 - u)) < 1e-8


def test_amari_kernel_integral_matches_quadrature():
    k = MexicanHat(1.3, 0.8, 0.4, 2.5)
    a = 2.7
    xs = np.linspace(0, a, 20001)
    assert k.integral(a) == pytest.approx(np.trapezoid(k(xs), xs), rel=1e-7)


# ---------------------------------------------------------------- F2
@pytest.mark.parametrize("m,c,alpha", [(1, 1.0, 0.0), (3, 1.0, 2.0), (5, 0.5, 4.0)])
def test_wave_linear_dispersion(m, c, alpha):
    L, n = 2 * np.pi * 4, 128
    x = L * np.arange(n) / n
    k = 2 * np.pi * m / L
    omega = np.sqrt(c**2 * k**2 + alpha)  # the relation under test
    dt = 0.01 / omega
    t, U = wave_simulate(np.cos(k * x), np.zeros(n), c, alpha, L, dt, 2000)
    amp = U @ np.cos(k * x) * 2 / n  # mode amplitude a_n
    # a_{n+1} + a_{n-1} = 2 cos(w dt) a_n for a pure mode: least squares for cos(w dt)
    cw = np.sum((amp[2:] + amp[:-2]) * amp[1:-1]) / (2 * np.sum(amp[1:-1] ** 2))
    measured = np.arccos(cw) / dt
    assert measured == pytest.approx(omega, rel=1e-4)
    # other modes stay empty
    assert np.max(np.abs(U - amp[:, None] * np.cos(k * x)[None, :])) < 1e-9


def test_wave_stability_limit():
    with pytest.raises(ParameterError) as e:
        wave_simulate(np.zeros(64), np.zeros(64), 1.0, 0.0, 10.0, 1.1 * wave_dt_limit(1.0, 0.0, 10.0, 64), 5)
    assert e.value.name == "dt"


# ---------------------------------------------------------------- F3
def test_fisher_kpp_front_speed():
    D, r = 1.0, 1.0
    expected = 2 * np.sqrt(D * r)
    dx, dt, T = 0.25, 0.005, 80.0
    x = np.arange(0, 2.2 * T + 20, dx)
    t, U = fkpp_simulate((x < 5).astype(float), D, r, dx, dt, int(T / dt), record_every=200)
    raw = fkpp_speed(t, x, U, T / 2)
    assert expected * 0.97 < raw < expected  # approached from below (Bramson)
    assert fkpp_speed(t, x, U, T / 2, bramson=(D, r)) == pytest.approx(expected, rel=5e-3)
    assert np.all((U >= -1e-12) & (U <= 1 + 1e-12))


def test_fkpp_bad_dt_and_params():
    x = np.zeros(10)
    with pytest.raises(ParameterError) as e:
        fkpp_simulate(x, 1.0, 1.0, 0.1, 0.01, 5)  # dx^2/2D = 0.005
    assert e.value.name == "dt"
    with pytest.raises(ParameterError):
        fkpp_simulate(x, -1.0, 1.0, 0.1, 0.001, 5)
    with pytest.raises(ParameterError):
        AmariParams(tau=float("nan"))
    with pytest.raises(ParameterError):
        simulate_amari(AmariParams(), np.zeros(64), 10.0, 3.0, 5)
