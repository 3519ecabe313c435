"""A7-A9: FitzHugh–Nagumo fixed points, Jacobians, nullclines and Hopf points from closed forms;
largest Lyapunov exponent of Lorenz, the logistic map and linear systems."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from reference.analysis import dynamics

EPS, A, B = 0.08, 0.7, 1.25  # survey form: w' = eps (b V - w + a)


def fhn_survey(x, I, eps=EPS, a=A, b=B):
    V, w = x[..., 0], x[..., 1]
    return np.stack([V - V**3 / 3 - w + I, eps * (b * V - w + a)], axis=-1)


def fhn_textbook(x, I, eps=0.08, a=0.7, b=0.8):
    V, w = x[..., 0], x[..., 1]
    return np.stack([V - V**3 / 3 - w + I, eps * (V + a - b * w)], axis=-1)


def test_survey_fhn_fixed_point_and_jacobian_match_closed_form():
    I = 0.5
    # V - V^3/3 - (bV + a) + I = 0  ->  -V^3/3 + (1 - b) V + (I - a) = 0 ; b > 1: one real root
    roots = np.roots([-1 / 3, 0.0, 1 - B, I - A])
    V = roots[np.abs(roots.imag) < 1e-12].real
    assert V.size == 1
    fps = dynamics.fixed_points(fhn_survey, [(-3, 3), (-3, 3)], args=(I,))
    assert len(fps) == 1
    np.testing.assert_allclose(fps[0].x, [V[0], B * V[0] + A], atol=1e-9)
    J = np.array([[1 - V[0] ** 2, -1.0], [EPS * B, -EPS]])
    np.testing.assert_allclose(fps[0].jacobian, J, atol=1e-8)
    np.testing.assert_allclose(np.sort_complex(fps[0].eigenvalues), np.sort_complex(np.linalg.eigvals(J)),
                               atol=1e-8)
    tr = np.trace(J)
    assert fps[0].stable == (tr < 0)


def test_textbook_fhn_is_tested_against_its_own_jacobian():
    I, eps, a, b = 0.5, 0.08, 0.7, 0.8
    roots = np.roots([-1 / 3, 0.0, 1 - 1 / b, I - a / b])
    V = roots[np.abs(roots.imag) < 1e-12].real[0]
    fps = dynamics.fixed_points(fhn_textbook, [(-3, 3), (-3, 3)], args=(I,))
    assert len(fps) == 1
    J = np.array([[1 - V**2, -1.0], [eps, -eps * b]])
    np.testing.assert_allclose(fps[0].jacobian, J, atol=1e-8)
    assert fps[0].kind == "unstable focus"  # I = 0.5 lies inside the oscillatory range
    assert dynamics.classify(np.diag([-1.0, -2.0])) == "stable node"
    assert dynamics.classify(np.diag([-1.0, 2.0])) == "saddle"
    assert dynamics.classify(np.array([[0.0, 1.0], [-1.0, 0.0]])) == "non-hyperbolic"


def test_nullclines_lie_on_closed_form_curves():
    I = 0.3
    nc = dynamics.nullclines(fhn_survey, (-2.5, 2.5), (-1.5, 3.5), args=(I,), n=300, vectorized=True)
    V, w = nc.x_nullcline[:, 0], nc.x_nullcline[:, 1]
    assert V.size > 100
    np.testing.assert_allclose(w, V - V**3 / 3 + I, atol=2e-3)
    V, w = nc.y_nullcline[:, 0], nc.y_nullcline[:, 1]
    np.testing.assert_allclose(w, B * V + A, atol=1e-9)  # linear: interpolation exact


def test_hopf_points_of_survey_fhn_from_trace_zero():
    # Hopf: trace = 1 - V^2 - eps = 0, det = eps (b - 1 + V^2) > 0  ->  V* = -+sqrt(1 - eps)
    Vs = np.array([-1.0, 1.0]) * np.sqrt(1 - EPS)
    I_c = Vs**3 / 3 - Vs + B * Vs + A  # I from the fixed-point condition at V*
    scan = dynamics.bifurcation_scan(fhn_survey, np.linspace(0.0, 1.5, 31), x0=[-1.0, -0.5])
    hopf = [b for b in scan.bifurcations if b.kind == "hopf"]
    assert len(hopf) == 2
    np.testing.assert_allclose([h.param for h in hopf], I_c, atol=1e-7)
    assert hopf[0].dre_ds > 0 > hopf[1].dre_ds  # loses then regains stability
    np.testing.assert_allclose([h.state[0] for h in hopf], Vs, atol=1e-6)
    omega = np.sqrt(EPS * (B - 1 + Vs[0] ** 2))  # |Im lambda| = sqrt(det) at trace 0
    assert abs(hopf[0].eigenvalue.imag) == pytest.approx(omega, rel=1e-5)
    inside = (scan.params > I_c[0]) & (scan.params < I_c[1])
    assert not scan.stable[inside].any() and scan.stable[~inside].all()
    with pytest.raises(ParameterError):
        dynamics.bifurcation_scan(fhn_survey, [0.0, 1.0, 0.5], x0=[0, 0])


def test_real_eigenvalue_crossing_is_classified_real():
    # x' = s x - x^3 on the x = 0 branch: eigenvalue s crosses 0 at s = 0 (pitchfork)
    scan = dynamics.bifurcation_scan(lambda x, s: s * x - x**3, np.linspace(-1, 1, 9), x0=[0.0])
    assert len(scan.bifurcations) == 1
    assert scan.bifurcations[0].kind == "real"
    assert scan.bifurcations[0].param == pytest.approx(0.0, abs=1e-9)
    assert scan.bifurcations[0].dre_ds == pytest.approx(1.0, rel=1e-4)


def lorenz(X, s=10.0, r=28.0, b=8.0 / 3.0):
    x, y, z = X[..., 0], X[..., 1], X[..., 2]
    return np.stack([s * (y - x), x * (r - z) - y, x * y - b * z], axis=-1)


def test_lorenz_largest_lyapunov_exponent():
    # Literature value 0.9056 (Sprott 2003). 16 members x 200 time units, RK4 dt = 0.01:
    # standard error ~0.003; tolerance 0.02.
    x0 = np.array([1.0, 1.0, 20.0]) + np.random.default_rng(1).normal(0, 5, (16, 3))
    res = dynamics.lyapunov_max(lorenz, x0, 0.01, 200.0, t_transient=20.0, vectorized=True, seed=0)
    assert res.exponent == pytest.approx(0.9056, abs=0.02)
    assert res.stderr < 0.01


def test_linear_flow_exponent_is_its_eigenvalue():
    # x' = M x with eigenvalues -1 and 0.5; the reference trajectory rests at the origin so the
    # separation is resolved exactly; after the transient the stable component is e^-22 of the vector
    res = dynamics.lyapunov_max(lambda x: np.array([-x[0], 0.5 * x[1] - x[0]]), [0.0, 0.0],
                                0.01, 20.0, t_transient=15.0)
    assert res.exponent == pytest.approx(0.5, abs=1e-6)


def test_logistic_map_r4_is_ln2_both_methods():
    x0 = np.random.default_rng(0).uniform(0.05, 0.95, 200)
    g = lambda x: 4 * x * (1 - x)  # noqa: E731
    r1 = dynamics.lyapunov_map(g, x0, 3000, derivative=lambda x: 4 - 8 * x)
    r2 = dynamics.lyapunov_map(g, x0, 3000)
    assert r1.exponent == pytest.approx(np.log(2), abs=5e-3)
    assert r2.exponent == pytest.approx(np.log(2), abs=5e-3)
    r3 = dynamics.lyapunov_map(lambda x: 0.5 * x, [1.0], 50, n_transient=0)
    assert r3.exponent == pytest.approx(np.log(0.5), abs=1e-8)


def test_bad_inputs():
    with pytest.raises(ParameterError):
        dynamics.fixed_points(fhn_survey, [(1, -1), (0, 1)], args=(0.0,))
    with pytest.raises(ParameterError):
        dynamics.jacobian(lambda x: np.array([1.0, 2.0, 3.0]), [0.0, 0.0])  # wrong output shape
    with pytest.raises(ParameterError):
        dynamics.lyapunov_max(lorenz, [np.nan, 0, 0], 0.01, 1.0)
    with pytest.raises(ParameterError):
        dynamics.nullclines(fhn_survey, (1, 0), (0, 1), args=(0.0,))
    traj = dynamics.rk4(lambda x: -x, [1.0], 0.01, 100)
    assert traj[-1, 0] == pytest.approx(np.exp(-1.0), rel=1e-9)
