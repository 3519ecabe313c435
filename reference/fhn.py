r"""N6: FitzHugh–Nagumo model, both published forms, with analytic fixed points and Jacobian.

.. math::
    \dot V = V - V^3/3 - w + I

    \text{survey form:}\quad \dot w = \varepsilon (b V - w + a)

    \text{FitzHugh (1961) form:}\quad \dot w = \varepsilon (V + a - b w)

Dimensionless units (time in the model's own unit).

Fixed points (:math:`\dot V = \dot w = 0`):

* survey: :math:`w^* = bV^* + a` and :math:`-V^3/3 + (1-b)V + (I - a) = 0`
* FitzHugh: :math:`w^* = (V^* + a)/b` and :math:`-V^3/3 + (1 - 1/b)V + (I - a/b) = 0`

Jacobian at :math:`(V, w)`:

* survey: :math:`J = \begin{pmatrix}1 - V^2 & -1\\ \varepsilon b & -\varepsilon\end{pmatrix}`,
  trace :math:`1 - V^2 - \varepsilon`, det :math:`\varepsilon(b - 1 + V^2)`
* FitzHugh: :math:`J = \begin{pmatrix}1 - V^2 & -1\\ \varepsilon & -\varepsilon b\end{pmatrix}`,
  trace :math:`1 - V^2 - \varepsilon b`, det :math:`\varepsilon(1 - b(1 - V^2))`

Hopf points: trace = 0 with det > 0, i.e. :math:`V_H^2 = 1 - \varepsilon` (survey) or
:math:`1 - \varepsilon b` (FitzHugh); :math:`I_H` follows from the fixed-point equation.

Stability limits (documented choice): ``"euler"`` needs ``dt <= 0.05`` and ``"rk4"``
``dt <= 0.25`` (for |V| <= 3 the fastest rate |1 - V^2| is at most 8, so these keep
``dt |λ|`` inside each method's stability interval).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from neuromorph.errors import ParameterError

from . import _checks as ck
from .neurons import input_matrix

__all__ = [
    "FHNParams", "FHNState", "FHNResult", "fhn_rhs", "fhn_step", "simulate_fhn", "fhn_fixed_points",
    "fhn_jacobian", "fhn_hopf_currents", "fhn_nullclines", "fhn_period", "FHN_DT_LIMIT",
]

FHN_DT_LIMIT = {"euler": 0.05, "rk4": 0.25}


@dataclass(frozen=True)
class FHNParams:
    """FitzHugh–Nagumo parameters; ``form`` is ``"fitzhugh"`` (1961) or ``"survey"``.

    Defaults a = 0.7, b = 0.8, eps = 0.08 are FitzHugh's classic values.
    """

    a: float = 0.7
    b: float = 0.8
    eps: float = 0.08
    form: str = "fitzhugh"

    def __post_init__(self):
        ck.finite("a", self.a, "FHNParams")
        ck.finite("b", self.b, "FHNParams")
        ck.positive("eps", self.eps, "FHNParams")
        ck.choice("form", self.form, ("fitzhugh", "survey"), "FHNParams")
        if self.form == "fitzhugh" and self.b == 0:
            raise ParameterError("b", self.b, "!= 0 in the FitzHugh form (w* = (V+a)/b)", "FHNParams")


class FHNState(NamedTuple):
    V: np.ndarray
    w: np.ndarray


def fhn_rhs(V, w, I, params: FHNParams):
    """Right-hand side ``(dV/dt, dw/dt)`` of the selected form."""
    dV = V - V**3 / 3.0 - w + I
    if params.form == "survey":
        dw = params.eps * (params.b * V - w + params.a)
    else:
        dw = params.eps * (V + params.a - params.b * w)
    return dV, dw


def _advance(state, I, params, dt, method):
    V, w = state
    if method == "euler":
        dV, dw = fhn_rhs(V, w, I, params)
        return FHNState(V + dt * dV, w + dt * dw)
    k1 = fhn_rhs(V, w, I, params)
    k2 = fhn_rhs(V + dt / 2 * k1[0], w + dt / 2 * k1[1], I, params)
    k3 = fhn_rhs(V + dt / 2 * k2[0], w + dt / 2 * k2[1], I, params)
    k4 = fhn_rhs(V + dt * k3[0], w + dt * k3[1], I, params)
    return FHNState(V + dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]),
                    w + dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]))


def fhn_step(state: FHNState, I, params: FHNParams, dt: float, method: str = "rk4", v_spike: float = 1.0):
    """Advance a population of FHN units by ``dt``; spikes are upward crossings of ``v_spike``."""
    ctx = "fhn_step"
    dt = ck.check_dt(dt, ctx)
    ck.choice("method", method, tuple(FHN_DT_LIMIT), ctx)
    ck.stable_dt(dt, FHN_DT_LIMIT[method] * (1 + 1e-12), ctx, f"{method}: dt <= {FHN_DT_LIMIT[method]}")
    new = _advance(FHNState(*state), ck.finite("I", I, ctx), params, dt, method)
    return new, (state[0] < v_spike) & (new.V >= v_spike)


@dataclass(frozen=True)
class FHNResult:
    """``t`` (n_steps+1,), ``V`` and ``w`` (n_steps+1, n), ``spikes`` (n_steps, n)."""

    t: np.ndarray
    V: np.ndarray
    w: np.ndarray
    spikes: np.ndarray
    dt: float


def simulate_fhn(params: FHNParams, I, dt: float, n_steps: int, V0=-1.0, w0=None, n: int | None = None,
                 method: str = "rk4", v_spike: float = 1.0) -> FHNResult:
    """Simulate a population of FHN units. ``w0`` defaults to the w-nullcline value at V0.

    ``I``: scalar, (n,), (n_steps,), (n_steps, n) or callable ``I(t)``.
    """
    ctx = "simulate_fhn"
    dt = ck.check_dt(dt, ctx)
    ck.choice("method", method, tuple(FHN_DT_LIMIT), ctx)
    ck.stable_dt(dt, FHN_DT_LIMIT[method] * (1 + 1e-12), ctx, f"{method}: dt <= {FHN_DT_LIMIT[method]}")
    n_steps = ck.positive_int("n_steps", n_steps, ctx)
    V0a = np.atleast_1d(ck.finite("V0", V0, ctx))
    n = V0a.size if n is None else ck.positive_int("n", n, ctx)
    V = ck.as_population("V0", V0a if V0a.size > 1 else V0a[0], n, ctx)
    if w0 is None:
        w = fhn_nullclines(params, V, 0.0)[1]
    else:
        w = ck.as_population("w0", w0, n, ctx)
    Imat = input_matrix(I, n_steps, n, dt, "I", ctx)
    Vs, ws = np.empty((n_steps + 1, n)), np.empty((n_steps + 1, n))
    sp = np.zeros((n_steps, n), dtype=bool)
    Vs[0], ws[0] = V, w
    st = FHNState(V, w)
    for k in range(n_steps):
        new = _advance(st, Imat[k], params, dt, method)
        sp[k] = (st.V < v_spike) & (new.V >= v_spike)
        st = new
        Vs[k + 1], ws[k + 1] = st
    if not (np.all(np.isfinite(Vs)) and np.all(np.isfinite(ws))):
        raise ParameterError("dt", dt, "a smaller step (the trajectory diverged)", ctx)
    return FHNResult(np.arange(n_steps + 1) * dt, Vs, ws, sp, dt)


def fhn_fixed_points(params: FHNParams, I: float) -> np.ndarray:
    """Real fixed points as an array of shape (k, 2) of (V*, w*), sorted by V* (k = 1..3)."""
    a, b = params.a, params.b
    if params.form == "survey":
        coeffs = [-1.0 / 3.0, 0.0, 1.0 - b, I - a]
    else:
        coeffs = [-1.0 / 3.0, 0.0, 1.0 - 1.0 / b, I - a / b]
    roots = np.roots(coeffs)
    scale = max(1.0, float(np.max(np.abs(roots))))
    V = np.sort(roots[np.abs(roots.imag) < 1e-9 * scale].real)
    w = b * V + a if params.form == "survey" else (V + a) / b
    return np.column_stack([V, w])


def fhn_jacobian(params: FHNParams, V) -> np.ndarray:
    """Jacobian of the selected form at V (it does not depend on w); shape (..., 2, 2)."""
    V = np.asarray(V, dtype=float)
    J = np.empty(V.shape + (2, 2))
    J[..., 0, 0] = 1 - V**2
    J[..., 0, 1] = -1.0
    if params.form == "survey":
        J[..., 1, 0] = params.eps * params.b
        J[..., 1, 1] = -params.eps
    else:
        J[..., 1, 0] = params.eps
        J[..., 1, 1] = -params.eps * params.b
    return J


def fhn_hopf_currents(params: FHNParams) -> np.ndarray:
    """Currents I_H at which a fixed point has trace(J) = 0 and det(J) > 0 (sorted).

    Empty when no such point exists (e.g. eps >= 1 for the survey form).
    """
    v2 = 1 - params.eps if params.form == "survey" else 1 - params.eps * params.b
    if v2 < 0:
        return np.zeros(0)
    out = []
    for V in (-np.sqrt(v2), np.sqrt(v2)):
        J = fhn_jacobian(params, V)
        if np.linalg.det(J) <= 0:
            continue
        if params.form == "survey":
            I = V**3 / 3 - V + params.b * V + params.a
        else:
            I = V**3 / 3 - V + (V + params.a) / params.b
        out.append(I)
    return np.sort(np.array(out))


def fhn_nullclines(params: FHNParams, V, I: float):
    """Nullclines as functions of V: ``(w on the V-nullcline, w on the w-nullcline)``."""
    V = np.asarray(V, dtype=float)
    w_v = V - V**3 / 3 + I
    w_w = params.b * V + params.a if params.form == "survey" else (V + params.a) / params.b
    return w_v, w_w


def fhn_period(result: FHNResult, i: int = 0, skip: float = 0.0) -> float:
    """Mean interval between upward ``v_spike`` crossings after time ``skip`` (NaN if < 2)."""
    k = np.nonzero(result.spikes[:, i])[0]
    t = (k + 1) * result.dt
    t = t[t >= skip]
    return float(np.mean(np.diff(t))) if t.size >= 2 else float("nan")
