r"""Input currents and spike sources (I1–I4), float64, seeded.

Units
-----
The current generators are unit-agnostic: the amplitude you pass (pA in the course
exercise, A in SI) is the amplitude you get. Time arguments are in the unit each
function names: ``dt_ms``/``t_ms`` for the course's Gaussian white noise (I2, whose
scaling ``1/sqrt(dt/1000)`` assumes milliseconds), seconds everywhere else.

Randomness
----------
Every random function takes ``seed`` and draws from ``numpy.random.default_rng(seed)``;
the same seed gives the same bits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from neuromorph.errors import ParameterError

from . import _checks as ck

__all__ = [
    "pulse_current", "dc_current", "gaussian_white_noise", "gaussian_white_noise_si",
    "ou_current", "ou_autocorrelation",
    "poisson_spike_times", "regular_spike_times", "spike_raster", "isi_cv",
    "PulseProtocol",
]


# --------------------------------------------------------------------------------------
# I1: pulse and DC
# --------------------------------------------------------------------------------------
def dc_current(amplitude: float, n_steps: int, n: int | None = None) -> np.ndarray:
    """Constant current: ``amplitude`` repeated for ``n_steps`` (shape (n_steps,) or (n_steps, n))."""
    n_steps = ck.positive_int("n_steps", n_steps, "dc_current")
    a = float(ck.finite("amplitude", amplitude, "dc_current"))
    shape = (n_steps,) if n is None else (n_steps, ck.positive_int("n", n, "dc_current"))
    return np.full(shape, a)


def pulse_current(amplitude: float, t_on: float, t_off: float, n_steps: int, dt: float,
                  baseline: float = 0.0) -> np.ndarray:
    r"""Rectangular pulse (as the course's ``Iinj[t_on:t_off] = I``).

    .. math:: I_k = I_0 \text{ if } t_{on} \le k\,dt < t_{off}, \text{ else baseline}

    ``t_on``, ``t_off`` and ``dt`` share one unit (s or ms). Step k covers
    ``[k dt, (k+1) dt)``; the pulse covers steps ``round(t_on/dt) .. round(t_off/dt) - 1``.
    """
    n_steps = ck.positive_int("n_steps", n_steps, "pulse_current")
    dt = ck.check_dt(dt, "pulse_current")
    ck.nonnegative("t_on", t_on, "pulse_current")
    if not t_off >= t_on:
        raise ParameterError("t_off", t_off, f">= t_on = {t_on}", "pulse_current")
    out = np.full(n_steps, float(ck.finite("baseline", baseline, "pulse_current")))
    a, b = int(round(t_on / dt)), int(round(t_off / dt))
    out[a:b] = float(ck.finite("amplitude", amplitude, "pulse_current"))
    return out


@dataclass(frozen=True)
class PulseProtocol:
    """A piecewise-constant protocol ``I(t)``: ``levels[i]`` on ``[edges[i], edges[i+1])``.

    Callable on a scalar or an array of times (same unit as ``edges``); ``baseline``
    outside all intervals.
    """

    edges: tuple
    levels: tuple
    baseline: float = 0.0

    def __post_init__(self):
        e = ck.finite("edges", self.edges, "PulseProtocol")
        lv = ck.finite("levels", self.levels, "PulseProtocol")
        if e.ndim != 1 or lv.ndim != 1 or e.size != lv.size + 1:
            raise ParameterError("levels", f"{lv.size} levels", f"{e.size - 1} (one per interval)", "PulseProtocol")
        if np.any(np.diff(e) < 0):
            raise ParameterError("edges", tuple(e), "non-decreasing", "PulseProtocol")

    def __call__(self, t):
        t = np.asarray(t, dtype=float)
        e = np.asarray(self.edges)
        idx = np.searchsorted(e, t, side="right") - 1
        inside = (idx >= 0) & (idx < len(self.levels))
        lv = np.asarray(self.levels, dtype=float)
        return np.where(inside, lv[np.clip(idx, 0, len(self.levels) - 1)], self.baseline)


# --------------------------------------------------------------------------------------
# I2: Gaussian white noise (course form)
# --------------------------------------------------------------------------------------
def gaussian_white_noise(mu: float, sigma: float, n_steps: int, dt_ms: float, seed: int,
                         n: int | None = None) -> np.ndarray:
    r"""Gaussian white noise current exactly as the course exercise's ``my_GWN``.

    .. math:: I_k = \mu + \sigma\,\xi_k / \sqrt{dt/1000}, \qquad \xi_k \sim \mathcal N(0,1)

    with ``dt`` in **milliseconds** (so ``dt/1000`` is the step in seconds and the
    sample standard deviation is :math:`\sigma/\sqrt{dt/1000}`). Draws
    ``numpy.random.default_rng(seed).standard_normal``.

    Parameters
    ----------
    mu, sigma : float
        Mean and noise amplitude (the current's unit, e.g. pA); ``sigma >= 0``.
    n_steps : int
    dt_ms : float
        Time step in ms.
    seed : int
    n : int, optional
        Number of independent neurons; the result is then (n_steps, n).
    """
    ctx = "gaussian_white_noise"
    n_steps = ck.positive_int("n_steps", n_steps, ctx)
    dt_ms = ck.check_dt(dt_ms, ctx)
    mu = float(ck.finite("mu", mu, ctx))
    sigma = float(ck.nonnegative("sigma", sigma, ctx))
    shape = (n_steps,) if n is None else (n_steps, ck.positive_int("n", n, ctx))
    xi = np.random.default_rng(seed).standard_normal(shape)
    return mu + sigma * xi / np.sqrt(dt_ms / 1000.0)


def gaussian_white_noise_si(mu: float, sigma: float, n_steps: int, dt: float, seed: int,
                            n: int | None = None) -> np.ndarray:
    r"""The same noise with ``dt`` in seconds: :math:`I_k = \mu + \sigma \xi_k/\sqrt{dt}`.

    Bit-identical to :func:`gaussian_white_noise` with ``dt_ms = 1000 dt`` up to the
    rounding of that product.
    """
    return gaussian_white_noise(mu, sigma, n_steps, ck.check_dt(dt, "gaussian_white_noise_si") * 1000.0, seed, n)


# --------------------------------------------------------------------------------------
# I3: Ornstein–Uhlenbeck
# --------------------------------------------------------------------------------------
def ou_current(mu: float, sigma: float, tau: float, n_steps: int, dt: float, seed: int,
               n: int | None = None, x0=None, method: str = "exact") -> np.ndarray:
    r"""Ornstein–Uhlenbeck current (I3).

    .. math:: \tau \frac{d\eta}{dt} = \mu - \eta + \sigma \sqrt{2\tau}\, \xi(t)

    Stationary mean :math:`\mu`, std :math:`\sigma`, autocorrelation
    :math:`\sigma^2 e^{-|s|/\tau}`.

    ``method="exact"`` (default) uses the exact update
    :math:`\eta_{k+1} = \mu + (\eta_k - \mu) e^{-dt/\tau} + \sigma\sqrt{1 - e^{-2dt/\tau}}\,\xi_k`,
    correct for any ``dt``. ``method="euler"`` is the course exercise's Euler–Maruyama
    :math:`\eta_{k+1} = \eta_k + \frac{dt}{\tau}(\mu - \eta_k) + \sigma\sqrt{2dt/\tau}\,\xi_k`
    (requires ``dt < 2 tau``).

    ``tau`` and ``dt`` share one unit (ms or s). ``x0`` defaults to a draw from the
    stationary distribution :math:`\mathcal N(\mu, \sigma^2)` (the first normal of the
    seeded stream). Returns shape (n_steps,) or (n_steps, n).
    """
    ctx = "ou_current"
    n_steps = ck.positive_int("n_steps", n_steps, ctx)
    dt = ck.check_dt(dt, ctx)
    tau = float(ck.positive("tau", tau, ctx))
    mu = float(ck.finite("mu", mu, ctx))
    sigma = float(ck.nonnegative("sigma", sigma, ctx))
    ck.choice("method", method, ("exact", "euler"), ctx)
    if method == "euler":
        ck.stable_dt(dt, 2 * tau, ctx, "Euler–Maruyama: dt < 2 tau")
    m = 1 if n is None else ck.positive_int("n", n, ctx)
    rng = np.random.default_rng(seed)
    first = rng.standard_normal(m)
    xi = rng.standard_normal((n_steps - 1, m))
    out = np.empty((n_steps, m))
    out[0] = mu + sigma * first if x0 is None else ck.finite("x0", x0, ctx)
    if method == "exact":
        a = np.exp(-dt / tau)
        b = sigma * np.sqrt(-np.expm1(-2 * dt / tau))
    else:
        a = 1 - dt / tau
        b = sigma * np.sqrt(2 * dt / tau)
    # linear recursion y_{k+1} = a y_k + b xi_k (y = x - mu), as an IIR filter over time
    if n_steps > 1:
        y0 = out[0] - mu
        out[1:] = mu + lfilter([1.0], [1.0, -a], b * xi, axis=0, zi=(a * y0)[None, :])[0]
    return out[:, 0] if n is None else out


def ou_autocorrelation(sigma: float, tau: float, lags) -> np.ndarray:
    r"""Stationary autocovariance :math:`\sigma^2 e^{-|s|/\tau}` of :func:`ou_current`."""
    return sigma**2 * np.exp(-np.abs(np.asarray(lags, dtype=float)) / tau)


# --------------------------------------------------------------------------------------
# I4: Poisson and regular spike trains (continuous time, seconds)
# --------------------------------------------------------------------------------------
def poisson_spike_times(rate, duration: float, seed: int, n: int = 1) -> list[np.ndarray]:
    r"""Independent homogeneous Poisson trains on ``[0, duration)`` (seconds).

    Inter-spike intervals are i.i.d. exponential with mean ``1/rate`` (so CV = 1).
    ``rate`` (Hz) is a scalar or one value per train. Uses
    ``numpy.random.default_rng(seed)``; trains are drawn in order 0..n-1.
    """
    ctx = "poisson_spike_times"
    duration = float(ck.positive("duration", duration, ctx))
    n = ck.positive_int("n", n, ctx)
    rates = ck.as_population("rate", rate, n, ctx)
    if np.any(rates < 0):
        raise ParameterError("rate", float(rates.min()), ">= 0 (Hz)", ctx)
    rng = np.random.default_rng(seed)
    out = []
    for r in rates:
        if r == 0:
            out.append(np.zeros(0))
            continue
        expect = r * duration
        k = int(expect + 10 * np.sqrt(expect) + 20)
        isi = rng.exponential(1.0 / r, size=k)
        t = np.cumsum(isi)
        while t[-1] < duration:  # rare: draw more
            t = np.concatenate([t, t[-1] + np.cumsum(rng.exponential(1.0 / r, size=k))])
        out.append(t[t < duration])
    return out


def regular_spike_times(rate, duration: float, n: int = 1, start: float = 0.0) -> list[np.ndarray]:
    """Regular trains (CV = 0): spikes at ``start + k / rate`` on ``[0, duration)`` (s)."""
    ctx = "regular_spike_times"
    duration = float(ck.positive("duration", duration, ctx))
    n = ck.positive_int("n", n, ctx)
    rates = ck.positive("rate", np.broadcast_to(np.asarray(rate, dtype=float), (n,)), ctx)
    start = float(ck.nonnegative("start", start, ctx))
    return [start + np.arange(int(np.ceil((duration - start) * r - 1e-12))) / r for r in rates]


def spike_raster(trains: list[np.ndarray], dt: float, n_steps: int) -> np.ndarray:
    """Count of spikes per step: ``(n_steps, n)`` int array, spike at t in step ``floor(t/dt)``."""
    dt = ck.check_dt(dt, "spike_raster")
    n_steps = ck.positive_int("n_steps", n_steps, "spike_raster")
    out = np.zeros((n_steps, len(trains)), dtype=np.int64)
    for i, t in enumerate(trains):
        k = np.floor(np.asarray(t, dtype=float) / dt + 1e-9).astype(np.int64)
        k = k[(k >= 0) & (k < n_steps)]
        np.add.at(out[:, i], k, 1)
    return out


def isi_cv(times) -> float:
    """CV of the inter-spike intervals std/mean (NaN with fewer than 3 spikes)."""
    isi = np.diff(np.sort(np.asarray(times, dtype=float)))
    if isi.size < 2:
        return float("nan")
    return float(isi.std() / isi.mean())
