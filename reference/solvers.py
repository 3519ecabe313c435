r"""A14: ODE solvers used by the reference models.

For :math:`\dot y = f(t, y)` with step :math:`h`:

* explicit Euler (order 1): :math:`y_{n+1} = y_n + h f(t_n, y_n)`
* classical Runge–Kutta RK4 (order 4):
  :math:`y_{n+1} = y_n + \tfrac{h}{6}(k_1 + 2k_2 + 2k_3 + k_4)`
* exponential Euler (order 1; exact when the linear part and the drive are constant)
  for the split form :math:`\dot y = A(t,y)\,y + B(t,y)` with diagonal (element-wise) A:
  :math:`y_{n+1} = y_n e^{hA} + \tfrac{B}{A}\,(e^{hA} - 1)`
* adaptive: a thin wrapper of :func:`scipy.integrate.solve_ivp` (RK45 by default,
  ``LSODA``/``Radau`` for stiff problems) with error control ``rtol``/``atol``.

Stability rule (documented choice)
----------------------------------
For a linear decay with fastest time constant :math:`\tau_{min}` the explicit schemes
are stable only for :math:`h\lambda` inside their stability region on the negative real
axis: Euler :math:`h < 2\tau_{min}`, RK4 :math:`h < 2.785\,\tau_{min}`
(:data:`STABILITY_LIMIT`). Pass ``tau_min`` to :func:`integrate` and it refuses larger
steps with a :class:`~neuromorph.errors.ParameterError`; a trajectory that still turns
non-finite also raises instead of returning NaNs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.integrate import solve_ivp

from neuromorph.errors import ParameterError

from . import _checks as ck

__all__ = [
    "euler_step", "rk4_step", "exp_euler_step", "integrate", "solve_adaptive", "Solution",
    "STABILITY_LIMIT", "convergence_order",
]

#: largest h/tau_min for which each explicit method is stable on y' = -y/tau
STABILITY_LIMIT = {"euler": 2.0, "rk4": 2.785293563405282, "exp_euler": np.inf}


def euler_step(f: Callable, t: float, y, h: float):
    r"""One explicit Euler step :math:`y + h f(t, y)`."""
    return y + h * np.asarray(f(t, y))


def rk4_step(f: Callable, t: float, y, h: float):
    r"""One classical RK4 step."""
    k1 = np.asarray(f(t, y))
    k2 = np.asarray(f(t + h / 2, y + h / 2 * k1))
    k3 = np.asarray(f(t + h / 2, y + h / 2 * k2))
    k4 = np.asarray(f(t + h, y + h * k3))
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def exp_euler_step(split: Callable, t: float, y, h: float):
    r"""One exponential-Euler step for :math:`\dot y = A y + B` (element-wise A, B).

    ``split(t, y)`` returns ``(A, B)`` evaluated at the start of the step. Where
    ``A == 0`` the step is ``y + h B``. Uses :func:`numpy.expm1` for accuracy.
    """
    A, B = (np.asarray(x, dtype=float) for x in split(t, y))
    y = np.asarray(y, dtype=float)
    em1 = np.expm1(h * A)
    safe = np.where(A == 0, 1.0, A)
    phi = np.where(A == 0, h, em1 / safe)  # (e^{hA}-1)/A
    return y + em1 * y + phi * B


_STEPPERS = {"euler": euler_step, "rk4": rk4_step, "exp_euler": exp_euler_step}


@dataclass(frozen=True)
class Solution:
    """Trajectory: ``t`` (n+1,), ``y`` (n+1, *state shape)."""

    t: np.ndarray
    y: np.ndarray


def integrate(f: Callable, y0, t0: float, t1: float, dt: float, method: str = "rk4",
              tau_min: float | None = None) -> Solution:
    """Fixed-step integration from ``t0`` to ``t1`` (``n = round((t1-t0)/dt)`` steps).

    Parameters
    ----------
    f : callable
        ``f(t, y)`` for ``"euler"``/``"rk4"``; ``split(t, y) -> (A, B)`` for ``"exp_euler"``.
    y0 : array_like
        Initial state (any shape).
    t0, t1, dt : float
        Interval and step (``(t1 - t0)/dt`` must be an integer within 1e-9).
    method : {"rk4", "euler", "exp_euler"}
    tau_min : float, optional
        Fastest time constant of the problem; explicit methods then require
        ``dt < STABILITY_LIMIT[method] * tau_min``.
    """
    ctx = "integrate"
    ck.choice("method", method, tuple(_STEPPERS), ctx)
    dt = ck.check_dt(dt, ctx)
    t0, t1 = float(ck.finite("t0", t0, ctx)), float(ck.finite("t1", t1, ctx))
    if not t1 > t0:
        raise ParameterError("t1", t1, f"> t0 = {t0}", ctx)
    n_float = (t1 - t0) / dt
    n = int(round(n_float))
    if n < 1 or abs(n - n_float) > 1e-9 * max(1.0, n_float):
        raise ParameterError("dt", dt, f"a divisor of t1 - t0 = {t1 - t0:g}", ctx)
    if tau_min is not None:
        tau_min = float(ck.positive("tau_min", tau_min, ctx))
        lim = STABILITY_LIMIT[method] * tau_min
        if np.isfinite(lim):
            ck.stable_dt(dt, lim, ctx, f"{method}: dt < {STABILITY_LIMIT[method]:.4g} tau_min")
    y = np.array(ck.finite("y0", y0, ctx), dtype=float)
    out = np.empty((n + 1,) + y.shape)
    out[0] = y
    step = _STEPPERS[method]
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(n):
            y = step(f, t0 + k * dt, y, dt)
            if not np.all(np.isfinite(y)):
                raise ParameterError("dt", dt, f"a smaller step (the trajectory became non-finite at "
                                     f"t = {t0 + (k + 1) * dt:g})", ctx)
            out[k + 1] = y
    return Solution(t0 + np.arange(n + 1) * dt, out)


def solve_adaptive(f: Callable, y0, t0: float, t1: float, t_eval=None, method: str = "RK45",
                   rtol: float = 1e-8, atol: float = 1e-10, max_step: float = np.inf) -> Solution:
    """Adaptive-step integration (:func:`scipy.integrate.solve_ivp`) of ``f(t, y)`` (1-D y).

    Raises :class:`ParameterError` if the solver fails or the result is non-finite.
    """
    ctx = "solve_adaptive"
    ck.choice("method", method, ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA"), ctx)
    ck.positive("rtol", rtol, ctx)
    ck.positive("atol", atol, ctx)
    y0 = np.atleast_1d(ck.finite("y0", y0, ctx))
    if y0.ndim != 1:
        raise ParameterError("y0", f"shape {y0.shape}", "a 1-D state vector", ctx)
    sol = solve_ivp(f, (float(t0), float(t1)), y0, method=method, t_eval=t_eval, rtol=rtol, atol=atol,
                    max_step=max_step)
    if not sol.success or not np.all(np.isfinite(sol.y)):
        raise ParameterError("f", sol.message, "a problem the adaptive solver can integrate", ctx)
    return Solution(sol.t, sol.y.T)


def convergence_order(dts, errors) -> float:
    """Least-squares slope of log(error) against log(dt): the measured order of accuracy."""
    dts, errors = np.asarray(dts, dtype=float), np.asarray(errors, dtype=float)
    return float(np.polyfit(np.log(dts), np.log(errors), 1)[0])
