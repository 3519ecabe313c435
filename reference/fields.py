r"""Continuum field models (F1–F3) on 1-D grids, float64, dimensionless units.

F1 Amari neural field
    :math:`\tau \partial_t u = -u + \int w(x - y) f(u(y, t))\,dy + h + s(x)` with Heaviside
    f and the Mexican hat
    :math:`w(x) = A_e e^{-x^2/(2\sigma_e^2)} - A_i e^{-x^2/(2\sigma_i^2)}`. A stationary bump
    of width a satisfies :math:`W(a) = \int_0^a w(x)\,dx = -h`, with
    :math:`W(a) = \sqrt{\pi/2}\,[A_e\sigma_e\,\mathrm{erf}(a/(\sqrt2\sigma_e)) -
    A_i\sigma_i\,\mathrm{erf}(a/(\sqrt2\sigma_i))]`; it is stable where :math:`w(a) < 0`.
    Periodic domain, convolution by FFT, explicit Euler (stable for ``dt < 2 tau``;
    the Heaviside makes the drive bounded).

F2 wave propagation
    :math:`\partial_t^2 u = c^2 \partial_x^2 u - \alpha u + f(u)`; linear modes
    :math:`e^{i(kx - \omega t)}` obey :math:`\omega^2 = c^2 k^2 + \alpha`. Periodic domain,
    spectral Laplacian, velocity Verlet (leapfrog), stable for
    :math:`dt\,\omega_{max} < 2`, :math:`\omega_{max}^2 = c^2 k_{max}^2 + \alpha`.

F3 reaction–diffusion (Fisher–KPP)
    :math:`\partial_t u = D \partial_x^2 u + r u (1 - u)`; fronts from steep initial data
    travel at :math:`c^* = 2\sqrt{D r}` (approached from below as
    :math:`c^* - \frac{3}{2t}\sqrt{D/r}`, Bramson). Second-order finite differences with
    no-flux ends, explicit Euler, stable for :math:`dt \le dx^2/(2D)` and :math:`r\,dt < 1`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import brentq
from scipy.special import erf

from neuromorph.errors import ParameterError

from . import _checks as ck

__all__ = [
    "MexicanHat", "AmariParams", "amari_grid", "amari_step", "simulate_amari", "bump_widths", "measure_bump",
    "wave_dispersion", "wave_simulate", "wave_dt_limit",
    "fkpp_simulate", "fkpp_front_position", "fkpp_speed", "fkpp_dt_limit",
]


# --------------------------------------------------------------------------------------
# F1
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MexicanHat:
    """Difference of Gaussians ``A_e exp(-x²/2σ_e²) - A_i exp(-x²/2σ_i²)``."""

    A_e: float = 1.0
    sigma_e: float = 1.0
    A_i: float = 0.5
    sigma_i: float = 2.0

    def __post_init__(self):
        for n in ("A_e", "sigma_e", "A_i", "sigma_i"):
            ck.positive(n, getattr(self, n), "MexicanHat")

    def __call__(self, x):
        x = np.asarray(x, dtype=float)
        return self.A_e * np.exp(-x**2 / (2 * self.sigma_e**2)) - self.A_i * np.exp(-x**2 / (2 * self.sigma_i**2))

    def integral(self, a):
        r""":math:`W(a) = \int_0^a w(x)\,dx`."""
        a = np.asarray(a, dtype=float)
        s = np.sqrt(np.pi / 2)
        return s * (self.A_e * self.sigma_e * erf(a / (np.sqrt(2) * self.sigma_e))
                    - self.A_i * self.sigma_i * erf(a / (np.sqrt(2) * self.sigma_i)))


@dataclass(frozen=True)
class AmariParams:
    """Amari field: time constant ``tau``, resting level ``h`` (< 0 for bumps), kernel."""

    tau: float = 1.0
    h: float = -0.3
    kernel: MexicanHat = MexicanHat()

    def __post_init__(self):
        ck.positive("tau", self.tau, "AmariParams")
        ck.finite("h", self.h, "AmariParams")


def amari_grid(length: float, n: int):
    """Periodic grid ``x`` of ``n`` points on [-length/2, length/2) and spacing dx."""
    length = float(ck.positive("length", length, "amari_grid"))
    n = ck.positive_int("n", n, "amari_grid", minimum=8)
    dx = length / n
    return -length / 2 + dx * np.arange(n), dx


def _kernel_fft(params: AmariParams, x: np.ndarray, dx: float):
    # kernel sampled at periodic distances, centred at index 0
    n = x.size
    d = dx * np.arange(n)
    d = np.where(d > n * dx / 2, d - n * dx, d)
    return np.fft.rfft(params.kernel(d)) * dx


def amari_step(u, params: AmariParams, dt: float, w_hat, s=0.0):
    r"""Euler step :math:`u \leftarrow u + \frac{dt}{\tau}(-u + (w * H(u)) + h + s)`.

    ``w_hat`` is the FFT of the sampled kernel times dx (from :func:`simulate_amari`).
    Returns ``(u_new, None)``.
    """
    dt = ck.check_dt(dt, "amari_step")
    ck.stable_dt(dt, 2 * params.tau, "amari_step", "explicit Euler: dt < 2 tau")
    fu = (np.asarray(u) > 0).astype(float)
    drive = np.fft.irfft(np.fft.rfft(fu) * w_hat, n=fu.size)
    return u + dt / params.tau * (-u + drive + params.h + s), None


def simulate_amari(params: AmariParams, u0, length: float, dt: float, n_steps: int, s=0.0, record_every: int = 0):
    """Run the field from ``u0`` (array on :func:`amari_grid` with ``u0.size`` points).

    Returns ``(x, u_final, history)``; ``history`` holds every ``record_every``-th state
    (empty if 0).
    """
    ctx = "simulate_amari"
    u = ck.finite("u0", u0, ctx).astype(float).copy()
    if u.ndim != 1:
        raise ParameterError("u0", f"shape {u.shape}", "a 1-D array", ctx)
    x, dx = amari_grid(length, u.size)
    n_steps = ck.positive_int("n_steps", n_steps, ctx)
    dt = ck.check_dt(dt, ctx)
    ck.stable_dt(dt, 2 * params.tau, ctx, "explicit Euler: dt < 2 tau")
    w_hat = _kernel_fft(params, x, dx)
    hist = []
    for k in range(n_steps):
        u, _ = amari_step(u, params, dt, w_hat, s)
        if record_every and (k + 1) % record_every == 0:
            hist.append(u.copy())
    return x, u, np.array(hist)


def bump_widths(params: AmariParams, a_max: float = 50.0) -> np.ndarray:
    """All widths a in (0, a_max) with ``W(a) = -h`` (bracketed roots, brentq)."""
    k = params.kernel
    a = np.linspace(1e-9, a_max, 20001)
    g = k.integral(a) + params.h
    roots = []
    for i in np.nonzero(np.sign(g[:-1]) * np.sign(g[1:]) < 0)[0]:
        roots.append(brentq(lambda z: float(k.integral(z) + params.h), a[i], a[i + 1], xtol=1e-13))
    return np.array(roots)


def measure_bump(x, u) -> float:
    """Width of the region u > 0 (linear interpolation of the two zero crossings)."""
    x, u = np.asarray(x, dtype=float), np.asarray(u, dtype=float)
    pos = u > 0
    if not pos.any() or pos.all():
        return 0.0 if not pos.any() else float(x[-1] - x[0] + (x[1] - x[0]))
    idx = np.nonzero(pos)[0]
    i0, i1 = idx[0], idx[-1]
    left = x[i0 - 1] + (x[i0] - x[i0 - 1]) * (-u[i0 - 1]) / (u[i0] - u[i0 - 1])
    right = x[i1] + (x[i1 + 1] - x[i1]) * u[i1] / (u[i1] - u[i1 + 1])
    return float(right - left)


# --------------------------------------------------------------------------------------
# F2
# --------------------------------------------------------------------------------------
def wave_dispersion(k, c: float, alpha: float):
    r""":math:`\omega(k) = \sqrt{c^2 k^2 + \alpha}`."""
    return np.sqrt(c**2 * np.asarray(k, dtype=float) ** 2 + alpha)


def wave_dt_limit(c: float, alpha: float, length: float, n: int) -> float:
    """Verlet stability limit ``2/omega_max`` with ``k_max = pi n/length``."""
    return float(2.0 / np.sqrt(c**2 * (np.pi * n / length) ** 2 + max(alpha, 0.0)))


def wave_simulate(u0, v0, c: float, alpha: float, length: float, dt: float, n_steps: int,
                  f: Callable | None = None, record_every: int = 1):
    r"""Velocity-Verlet integration of :math:`u_{tt} = c^2 u_{xx} - \alpha u + f(u)` (periodic).

    Returns ``(t, u)`` with u of shape (n_records, n_points).
    """
    ctx = "wave_simulate"
    u = ck.finite("u0", u0, ctx).astype(float).copy()
    v = ck.finite("v0", v0, ctx).astype(float).copy()
    ck.same_shape("v0", v, u.shape, ctx)
    c = float(ck.positive("c", c, ctx))
    alpha = float(ck.nonnegative("alpha", alpha, ctx))
    dt = ck.check_dt(dt, ctx)
    n_steps = ck.positive_int("n_steps", n_steps, ctx)
    n = u.size
    ck.stable_dt(dt, wave_dt_limit(c, alpha, length, n), ctx, "Verlet: dt < 2/omega_max")
    k = 2 * np.pi * np.fft.rfftfreq(n, d=length / n)

    def acc(u):
        lap = np.fft.irfft(-(k**2) * np.fft.rfft(u), n=n)
        a = c**2 * lap - alpha * u
        return a + f(u) if f is not None else a

    a = acc(u)
    ts, us = [0.0], [u.copy()]
    for step in range(1, n_steps + 1):
        v_half = v + 0.5 * dt * a
        u = u + dt * v_half
        a = acc(u)
        v = v_half + 0.5 * dt * a
        if step % record_every == 0:
            ts.append(step * dt)
            us.append(u.copy())
    U = np.array(us)
    if not np.all(np.isfinite(U)):
        raise ParameterError("dt", dt, "a smaller step (the solution diverged)", ctx)
    return np.array(ts), U


# --------------------------------------------------------------------------------------
# F3
# --------------------------------------------------------------------------------------
def fkpp_dt_limit(D: float, r: float, dx: float) -> float:
    """Largest stable explicit step: min(dx²/(2D), 1/r)."""
    return float(min(dx**2 / (2 * D), 1.0 / r))


def fkpp_simulate(u0, D: float, r: float, dx: float, dt: float, n_steps: int, record_every: int = 1):
    r"""Explicit FD integration of :math:`u_t = D u_{xx} + r u (1-u)` with no-flux ends.

    Returns ``(t, u)`` with u of shape (n_records, n_points).
    """
    ctx = "fkpp_simulate"
    u = ck.finite("u0", u0, ctx).astype(float).copy()
    D = float(ck.positive("D", D, ctx))
    r = float(ck.nonnegative("r", r, ctx))
    dx = float(ck.positive("dx", dx, ctx))
    dt = ck.check_dt(dt, ctx)
    n_steps = ck.positive_int("n_steps", n_steps, ctx)
    if not dt <= dx**2 / (2 * D) * (1 + 1e-12):
        raise ParameterError("dt", dt, f"<= dx^2/(2D) = {dx**2 / (2 * D):g} (explicit diffusion)", ctx)
    if r > 0 and not r * dt < 1:
        raise ParameterError("dt", dt, f"< 1/r = {1 / r:g} (explicit reaction)", ctx)
    lam = D * dt / dx**2
    ts, us = [0.0], [u.copy()]
    for step in range(1, n_steps + 1):
        lap = np.empty_like(u)
        lap[1:-1] = u[2:] - 2 * u[1:-1] + u[:-2]
        lap[0] = 2 * (u[1] - u[0])
        lap[-1] = 2 * (u[-2] - u[-1])
        u = u + lam * lap + dt * r * u * (1 - u)
        if step % record_every == 0:
            ts.append(step * dt)
            us.append(u.copy())
    return np.array(ts), np.array(us)


def fkpp_front_position(x, u, level: float = 0.5) -> float:
    """Rightmost x where u crosses ``level`` downwards (linear interpolation)."""
    x, u = np.asarray(x, dtype=float), np.asarray(u, dtype=float)
    above = np.nonzero(u >= level)[0]
    if above.size == 0:
        return float(x[0])
    i = above[-1]
    if i == u.size - 1:
        return float(x[-1])
    return float(x[i] + (x[i + 1] - x[i]) * (u[i] - level) / (u[i] - u[i + 1]))


def fkpp_speed(t, x, U, t_start: float, level: float = 0.5, bramson: tuple | None = None) -> float:
    """Front speed from a least-squares fit of position vs time for ``t >= t_start``.

    With ``bramson=(D, r)`` the fit is ``x = c t - (3/2) sqrt(D/r) ln t + const``, which
    removes the known logarithmic delay of fronts from steep initial data.
    """
    t = np.asarray(t, dtype=float)
    pos = np.array([fkpp_front_position(x, u, level) for u in U])
    m = t >= t_start
    if m.sum() < 3:
        raise ParameterError("t_start", t_start, f"< {t[-3]:g} (need 3 samples)", "fkpp_speed")
    y = pos[m]
    if bramson is not None:
        D, r = bramson
        y = y + 1.5 * np.sqrt(D / r) * np.log(t[m])
    return float(np.polyfit(t[m], y, 1)[0])
