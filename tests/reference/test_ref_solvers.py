"""Tests of reference/solvers.py (A14): measured convergence orders against closed forms."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from reference.solvers import STABILITY_LIMIT, convergence_order, integrate, solve_adaptive

DTS = [0.1, 0.05, 0.025, 0.0125]


def _errors(f, y0, exact, method, T=1.0):
    return [abs(integrate(f, y0, 0.0, T, h, method).y[-1, 0] - exact(T)) for h in DTS]


def test_euler_order_one_on_decay():
    err = _errors(lambda t, y: -y, [1.0], lambda t: np.exp(-t), "euler")
    assert convergence_order(DTS, err) == pytest.approx(1.0, abs=0.1)


def test_rk4_order_four_on_decay():
    err = _errors(lambda t, y: -y, [1.0], lambda t: np.exp(-t), "rk4")
    assert convergence_order(DTS, err) == pytest.approx(4.0, abs=0.2)


def test_rk4_order_four_on_logistic():
    # y' = y(1-y), y(0) = 0.1: y = 1/(1 + 9 e^{-t})
    dts = [0.4, 0.2, 0.1, 0.05]
    err = [abs(integrate(lambda t, y: y * (1 - y), [0.1], 0.0, 4.0, h, "rk4").y[-1, 0]
               - 1 / (1 + 9 * np.exp(-4.0))) for h in dts]
    assert convergence_order(dts, err) == pytest.approx(4.0, abs=0.25)


def test_exp_euler_exact_for_constant_drive_and_order_one_otherwise():
    # y' = -2y + 3: exact solution 1.5 + (y0 - 1.5) e^{-2t}; exponential Euler is exact
    sol = integrate(lambda t, y: (np.full_like(y, -2.0), np.full_like(y, 3.0)), [0.0], 0.0, 2.0, 0.5,
                    "exp_euler")
    np.testing.assert_allclose(sol.y[:, 0], 1.5 - 1.5 * np.exp(-2 * sol.t), rtol=1e-13)
    # y' = -y + sin t, y(0)=0: y = (sin t - cos t)/2 + e^{-t}/2 ; order 1
    err = _errors(lambda t, y: (-np.ones_like(y), np.sin(t) * np.ones_like(y)), [0.0],
                  lambda t: (np.sin(t) - np.cos(t)) / 2 + np.exp(-t) / 2, "exp_euler", T=2.0)
    assert convergence_order(DTS, err) == pytest.approx(1.0, abs=0.15)


def test_adaptive_meets_tolerance():
    t_eval = np.linspace(0, 5, 11)
    sol = solve_adaptive(lambda t, y: -y, [1.0], 0.0, 5.0, t_eval=t_eval, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sol.y[:, 0], np.exp(-t_eval), rtol=1e-8)
    stiff = solve_adaptive(lambda t, y: -1000 * (y - np.cos(t)), [0.0], 0.0, 1.0, method="Radau",
                           rtol=1e-8, atol=1e-10)
    assert abs(stiff.y[-1, 0] - np.cos(1.0)) < 2e-3


def test_stability_limit_is_enforced():
    tau = 0.01
    with pytest.raises(ParameterError) as e:
        integrate(lambda t, y: -y / tau, [1.0], 0.0, 1.0, 0.025, "euler", tau_min=tau)
    assert e.value.name == "dt"
    with pytest.raises(ParameterError):
        integrate(lambda t, y: -y / tau, [1.0], 0.0, 1.0, 0.03125, "rk4", tau_min=tau)
    ok = integrate(lambda t, y: -y / tau, [1.0], 0.0, 1.0, 0.0125, "euler", tau_min=tau)
    assert np.all(np.abs(ok.y) <= 1)
    assert STABILITY_LIMIT["euler"] == 2.0
    # RK4 stability polynomial at the limit has modulus 1
    z = -STABILITY_LIMIT["rk4"]
    assert abs(1 + z + z**2 / 2 + z**3 / 6 + z**4 / 24) == pytest.approx(1.0, abs=1e-9)


def test_divergence_and_bad_arguments_raise():
    with pytest.raises(ParameterError):  # without tau_min, a diverging run still raises
        integrate(lambda t, y: y**2, [1.0], 0.0, 10.0, 0.5, "euler")
    with pytest.raises(ParameterError):
        integrate(lambda t, y: -y, [np.nan], 0.0, 1.0, 0.1)
    with pytest.raises(ParameterError):
        integrate(lambda t, y: -y, [1.0], 0.0, 1.0, 0.3)  # not a divisor
    with pytest.raises(ParameterError):
        integrate(lambda t, y: -y, [1.0], 1.0, 0.0, 0.1)
    with pytest.raises(ParameterError):
        integrate(lambda t, y: -y, [1.0], 0.0, 1.0, 0.1, "midpoint")
