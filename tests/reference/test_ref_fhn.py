"""Tests of reference/fhn.py (N6): fixed points, Jacobian, Hopf points for BOTH forms.

Expected values come from the formulas written out in this file:
survey w' = eps(bV - w + a); FitzHugh w' = eps(V + a - b w)."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from reference.fhn import (
    FHNParams, fhn_fixed_points, fhn_hopf_currents, fhn_jacobian, fhn_nullclines, fhn_period, fhn_rhs,
    simulate_fhn,
)

FORMS = [FHNParams(form="fitzhugh"), FHNParams(form="survey"), FHNParams(form="survey", b=1.5)]


def _rhs(p, V, w, I):
    dV = V - V**3 / 3 - w + I
    dw = p.eps * (p.b * V - w + p.a) if p.form == "survey" else p.eps * (V + p.a - p.b * w)
    return dV, dw


def _hopf_I(p):
    """From trace = 0: V^2 = 1 - eps (survey) / 1 - eps b (FitzHugh); keep det > 0."""
    v2 = 1 - p.eps if p.form == "survey" else 1 - p.eps * p.b
    out = []
    for V in (-np.sqrt(v2), np.sqrt(v2)):
        det = p.eps * (p.b - 1 + V**2) if p.form == "survey" else p.eps * (1 - p.b * (1 - V**2))
        if det > 0:
            w = p.b * V + p.a if p.form == "survey" else (V + p.a) / p.b
            out.append(w - V + V**3 / 3)  # I from dV/dt = 0
    return sorted(out)


@pytest.mark.parametrize("p", FORMS, ids=lambda p: f"{p.form}-b{p.b}")
@pytest.mark.parametrize("I", [0.0, 0.3, 0.7, 1.0])
def test_fixed_points_solve_the_equations(p, I):
    fps = fhn_fixed_points(p, I)
    assert 1 <= len(fps) <= 3
    for V, w in fps:
        dV, dw = _rhs(p, V, w, I)
        assert abs(dV) < 1e-10 and abs(dw) < 1e-10
    np.testing.assert_allclose(fhn_rhs(fps[:, 0], fps[:, 1], I, p), _rhs(p, fps[:, 0], fps[:, 1], I), atol=1e-15)


@pytest.mark.parametrize("p", FORMS, ids=lambda p: f"{p.form}-b{p.b}")
def test_jacobian_trace_and_det(p):
    V = np.linspace(-2, 2, 9)
    J = fhn_jacobian(p, V)
    tr = 1 - V**2 - (p.eps if p.form == "survey" else p.eps * p.b)
    det = p.eps * (p.b - 1 + V**2) if p.form == "survey" else p.eps * (1 - p.b * (1 - V**2))
    np.testing.assert_allclose(np.trace(J, axis1=-2, axis2=-1), tr, atol=1e-14)
    np.testing.assert_allclose(np.linalg.det(J), det, atol=1e-14)
    # and it is the derivative of the right-hand side (central differences)
    h, w = 1e-6, 0.3
    for v, Jv in zip(V, J):
        dfdV = (np.array(_rhs(p, v + h, w, 0.2)) - np.array(_rhs(p, v - h, w, 0.2))) / (2 * h)
        dfdw = (np.array(_rhs(p, v, w + h, 0.2)) - np.array(_rhs(p, v, w - h, 0.2))) / (2 * h)
        np.testing.assert_allclose(Jv, np.column_stack([dfdV, dfdw]), atol=1e-8)


@pytest.mark.parametrize("p", FORMS, ids=lambda p: f"{p.form}-b{p.b}")
def test_hopf_points_from_jacobian_and_limit_cycle_range(p):
    expected = _hopf_I(p)
    H = fhn_hopf_currents(p)
    np.testing.assert_allclose(H, expected, rtol=1e-12)
    assert len(H) == 2
    # the eigenvalues cross the imaginary axis with nonzero speed (d Re(lambda)/dI != 0)
    v_h = np.sqrt(1 - p.eps if p.form == "survey" else 1 - p.eps * p.b)
    for IH, VH in zip(H, (-v_h, v_h)):
        re = []
        for I in (IH - 1e-3, IH + 1e-3):
            fps = fhn_fixed_points(p, I)
            V = fps[np.argmin(np.abs(fps[:, 0] - VH)), 0]  # the fixed point that undergoes the Hopf
            re.append(np.linalg.eigvals(fhn_jacobian(p, V)).real.max())
        assert re[0] * re[1] < 0
    # simulate: stable rest outside [I_H1, I_H2], a large limit cycle inside
    lo, hi = H
    currents = np.array([lo - 0.05, lo + 0.05, 0.5 * (lo + hi), hi - 0.05, hi + 0.05])
    fp0 = [fhn_fixed_points(p, I)[0] for I in currents]
    r = simulate_fhn(p, currents, 0.1, 15000, V0=[f[0] + 0.05 for f in fp0], w0=[f[1] for f in fp0])
    amp = np.ptp(r.V[-4000:], axis=0)
    assert amp[0] < 1e-3 and amp[-1] < 1e-3
    assert np.all(amp[1:4] > 3.0)
    # periods above onset are finite and the cycle is fastest mid-range (relaxation oscillator)
    T = [fhn_period(r, i, skip=500.0) for i in range(1, 4)]
    assert all(np.isfinite(T)) and T[1] < T[0]


def test_the_two_forms_differ():
    a = fhn_hopf_currents(FHNParams(form="fitzhugh"))
    b = fhn_hopf_currents(FHNParams(form="survey"))
    assert not np.allclose(a, b)


def test_nullclines_cross_at_fixed_point():
    p = FHNParams()
    (V, w), = fhn_fixed_points(p, 0.5)
    wv, ww = fhn_nullclines(p, V, 0.5)
    assert wv == pytest.approx(w) and ww == pytest.approx(w)


def test_bad_input():
    with pytest.raises(ParameterError) as e:
        FHNParams(eps=-0.1)
    assert e.value.name == "eps"
    with pytest.raises(ParameterError):
        FHNParams(form="hindmarsh")
    with pytest.raises(ParameterError):
        FHNParams(a=float("nan"))
    with pytest.raises(ParameterError) as e:
        simulate_fhn(FHNParams(), 0.5, 1.0, 10)  # rk4 limit 0.25
    assert e.value.name == "dt"
    with pytest.raises(ParameterError):
        simulate_fhn(FHNParams(), np.zeros((10, 3)), 0.1, 10, V0=[0.0, 1.0])
