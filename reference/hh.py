r"""N5: Hodgkin–Huxley squid-axon model (classic parameters, rest at -65 mV).

.. math::
    C \frac{dV}{dt} = -\bar g_{Na} m^3 h (V - E_{Na}) - \bar g_K n^4 (V - E_K)
                      - g_L (V - E_L) + I

    \frac{dx}{dt} = \alpha_x(V)(1 - x) - \beta_x(V)\,x, \qquad x \in \{m, h, n\}

with the modern-sign rate functions (V in mV)

.. math::
    \alpha_m = \frac{0.1 (V + 40)}{1 - e^{-(V+40)/10}},\quad \beta_m = 4 e^{-(V+65)/18}

    \alpha_h = 0.07 e^{-(V+65)/20},\quad \beta_h = \frac{1}{1 + e^{-(V+35)/10}}

    \alpha_n = \frac{0.01 (V + 55)}{1 - e^{-(V+55)/10}},\quad \beta_n = 0.125 e^{-(V+65)/80}

Units (the course exercise's, documented exception to SI): V in mV, t in ms,
conductances in mS/cm², currents in µA/cm², C in µF/cm². Rates are in 1/ms.

Stability limits (documented choice): explicit ``"euler"`` needs ``dt <= 0.025 ms``,
``"rk4"`` ``dt <= 0.05 ms``; ``"exp_euler"`` (Rush–Larsen: exact exponential update of
each gate and of V for frozen conductances) ``dt <= 0.1 ms``. Larger steps raise
:class:`~neuromorph.errors.ParameterError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.optimize import brentq
from scipy.special import exprel

from . import _checks as ck
from .neurons import input_matrix

__all__ = [
    "HHParams", "HHState", "HHResult", "hh_rates", "hh_gate_steady_state", "hh_ionic_current",
    "hh_rest_state", "hh_init", "hh_step", "simulate_hh", "hh_spike_times", "hh_fi_curve",
    "HH_DT_LIMIT",
]

#: maximum dt (ms) accepted by each integration method (see module docstring)
HH_DT_LIMIT = {"euler": 0.025, "rk4": 0.05, "exp_euler": 0.1}


@dataclass(frozen=True)
class HHParams:
    """Classic Hodgkin–Huxley parameters (mS/cm², mV, µF/cm²).

    ``E_L = -54.387`` mV places the resting potential at -65 mV.
    """

    C: float = 1.0
    g_Na: float = 120.0
    g_K: float = 36.0
    g_L: float = 0.3
    E_Na: float = 50.0
    E_K: float = -77.0
    E_L: float = -54.387

    def __post_init__(self):
        ck.positive("C", self.C, "HHParams")
        for n in ("g_Na", "g_K", "g_L"):
            ck.nonnegative(n, getattr(self, n), "HHParams")
        for n in ("E_Na", "E_K", "E_L"):
            ck.finite(n, getattr(self, n), "HHParams")


class HHState(NamedTuple):
    """Population state: V (mV) and gates m, h, n (each an array (n,))."""

    V: np.ndarray
    m: np.ndarray
    h: np.ndarray
    n: np.ndarray


def hh_rates(V):
    r"""Opening/closing rates (1/ms) ``(a_m, b_m, a_h, b_h, a_n, b_n)`` at V (mV).

    The removable singularities of :math:`\alpha_m` at -40 mV and :math:`\alpha_n` at
    -55 mV are evaluated with :func:`scipy.special.exprel`
    (:math:`x/(1-e^{-x}) = 1/\mathrm{exprel}(-x)`).
    """
    V = np.asarray(V, dtype=float)
    a_m = 1.0 / exprel(-(V + 40.0) / 10.0)
    b_m = 4.0 * np.exp(-(V + 65.0) / 18.0)
    a_h = 0.07 * np.exp(-(V + 65.0) / 20.0)
    b_h = 1.0 / (1.0 + np.exp(-(V + 35.0) / 10.0))
    a_n = 0.1 / exprel(-(V + 55.0) / 10.0)
    b_n = 0.125 * np.exp(-(V + 65.0) / 80.0)
    return a_m, b_m, a_h, b_h, a_n, b_n


def hh_gate_steady_state(V):
    r"""Steady-state gates :math:`x_\infty = \alpha_x/(\alpha_x + \beta_x)` -> ``(m, h, n)``."""
    a_m, b_m, a_h, b_h, a_n, b_n = hh_rates(V)
    return a_m / (a_m + b_m), a_h / (a_h + b_h), a_n / (a_n + b_n)


def hh_ionic_current(params: HHParams, V, m, h, n):
    r"""Total ionic current (µA/cm², outward positive):
    :math:`\bar g_{Na} m^3 h (V-E_{Na}) + \bar g_K n^4 (V-E_K) + g_L (V-E_L)`."""
    p = params
    return (p.g_Na * m**3 * h * (V - p.E_Na) + p.g_K * n**4 * (V - p.E_K) + p.g_L * (V - p.E_L))


def hh_rest_state(params: HHParams = HHParams(), I: float = 0.0) -> tuple[float, float, float, float]:
    """The resting state (V, m, h, n) for DC current ``I``: root of the steady-state current.

    Solves ``I_ion(V, m_inf(V), h_inf(V), n_inf(V)) = I`` on [-100, 0] mV (brentq).
    """
    def f(v):
        m, h, n = hh_gate_steady_state(v)
        return float(hh_ionic_current(params, v, m, h, n)) - I

    V = brentq(f, -100.0, -30.0, xtol=1e-12)
    m, h, n = hh_gate_steady_state(V)
    return float(V), float(m), float(h), float(n)


def hh_init(n: int, params: HHParams = HHParams(), V0=None) -> HHState:
    """State of ``n`` neurons at V0 (default the resting potential) with gates at steady state."""
    n = ck.positive_int("n", n, "hh_init")
    V = ck.as_population("V0", hh_rest_state(params)[0] if V0 is None else V0, n, "hh_init")
    m, h, g = hh_gate_steady_state(V)
    return HHState(V, m, h, g)


def _deriv(params: HHParams, V, m, h, n, I):
    a_m, b_m, a_h, b_h, a_n, b_n = hh_rates(V)
    dV = (I - hh_ionic_current(params, V, m, h, n)) / params.C
    return dV, a_m * (1 - m) - b_m * m, a_h * (1 - h) - b_h * h, a_n * (1 - n) - b_n * n


def _advance(state: HHState, I, params: HHParams, dt: float, method: str) -> HHState:
    V, m, h, n = state
    if method == "euler":
        dV, dm, dh, dn = _deriv(params, V, m, h, n, I)
        return HHState(V + dt * dV, m + dt * dm, h + dt * dh, n + dt * dn)
    if method == "rk4":
        k1 = _deriv(params, V, m, h, n, I)
        s2 = [x + 0.5 * dt * k for x, k in zip(state, k1)]
        k2 = _deriv(params, *s2, I)
        s3 = [x + 0.5 * dt * k for x, k in zip(state, k2)]
        k3 = _deriv(params, *s3, I)
        s4 = [x + dt * k for x, k in zip(state, k3)]
        k4 = _deriv(params, *s4, I)
        return HHState(*[x + dt / 6.0 * (a + 2 * b + 2 * c + d) for x, a, b, c, d in zip(state, k1, k2, k3, k4)])
    # exp_euler (Rush–Larsen): gates exactly for frozen V, then V exactly for frozen gates
    p = params
    a_m, b_m, a_h, b_h, a_n, b_n = hh_rates(V)
    out = []
    for x, a, b in ((m, a_m, b_m), (h, a_h, b_h), (n, a_n, b_n)):
        s = a + b
        out.append(a / s + (x - a / s) * np.exp(-s * dt))
    m2, h2, n2 = out
    gNa, gK = p.g_Na * m2**3 * h2, p.g_K * n2**4
    gt = gNa + gK + p.g_L
    v_inf = (gNa * p.E_Na + gK * p.E_K + p.g_L * p.E_L + I) / gt
    V2 = v_inf + (V - v_inf) * np.exp(-gt * dt / p.C)
    return HHState(V2, m2, h2, n2)


def hh_step(state: HHState, I, params: HHParams, dt: float, method: str = "rk4",
            v_spike: float = 0.0):
    r"""Advance a Hodgkin–Huxley population by ``dt`` ms.

    Parameters
    ----------
    state : HHState
    I : float or array (n,)
        Injected current density (µA/cm²), constant over the step.
    params : HHParams
    dt : float
        Step in ms (limits in :data:`HH_DT_LIMIT`).
    method : {"rk4", "euler", "exp_euler"}
    v_spike : float
        A spike is reported when V crosses ``v_spike`` (mV) upwards during the step.

    Returns
    -------
    (HHState, spikes)
    """
    ctx = "hh_step"
    dt = ck.check_dt(dt, ctx)
    ck.choice("method", method, tuple(HH_DT_LIMIT), ctx)
    ck.stable_dt(dt, HH_DT_LIMIT[method] * (1 + 1e-12), ctx, f"{method}: dt <= {HH_DT_LIMIT[method]} ms")
    I = ck.finite("I", I, ctx)
    new = _advance(state, I, params, dt, method)
    return new, (state.V < v_spike) & (new.V >= v_spike)


@dataclass(frozen=True)
class HHResult:
    """Output of :func:`simulate_hh`: ``t`` (ms, n_steps+1), ``V``, ``m``, ``h``, ``n``
    (each (n_steps+1, n_neurons)), ``spikes`` (n_steps, n_neurons) upward crossings."""

    t: np.ndarray
    V: np.ndarray
    m: np.ndarray
    h: np.ndarray
    n: np.ndarray
    spikes: np.ndarray
    dt: float

    def spike_times(self, i: int = 0) -> np.ndarray:
        """Times (ms) at the end of each step in which neuron ``i`` crossed the spike level."""
        return (np.nonzero(self.spikes[:, i])[0] + 1) * self.dt


def simulate_hh(I, dt: float, n_steps: int, n: int = 1, params: HHParams = HHParams(),
                state0: HHState | None = None, method: str = "rk4", v_spike: float = 0.0,
                record: bool = True) -> HHResult:
    """Simulate ``n`` HH neurons (vectorised) for ``n_steps`` steps of ``dt`` ms.

    ``I`` (µA/cm²): scalar, (n,), (n_steps,), (n_steps, n) or callable ``I(t_ms)``.
    ``state0`` defaults to rest. With ``record=False`` only the last state is kept in
    the trace arrays (shape (1, n)), which saves memory for long F-I sweeps.
    """
    ctx = "simulate_hh"
    dt = ck.check_dt(dt, ctx)
    ck.choice("method", method, tuple(HH_DT_LIMIT), ctx)
    ck.stable_dt(dt, HH_DT_LIMIT[method] * (1 + 1e-12), ctx, f"{method}: dt <= {HH_DT_LIMIT[method]} ms")
    n_steps = ck.positive_int("n_steps", n_steps, ctx)
    state = hh_init(n, params) if state0 is None else HHState(*(np.array(x, dtype=float) for x in state0))
    n = state.V.size
    Imat = input_matrix(I, n_steps, n, dt, "I", ctx)
    rows = n_steps + 1 if record else 1
    rec = [np.empty((rows, n)) for _ in range(4)]
    for r, x in zip(rec, state):
        r[0] = x
    spikes = np.zeros((n_steps, n), dtype=bool)
    for k in range(n_steps):
        new = _advance(state, Imat[k], params, dt, method)
        spikes[k] = (state.V < v_spike) & (new.V >= v_spike)
        state = new
        if record:
            for r, x in zip(rec, state):
                r[k + 1] = x
    if not record:
        for r, x in zip(rec, state):
            r[0] = x
    if not np.all(np.isfinite(state.V)):
        raise ck.ParameterError("dt", dt, "a smaller step (the trajectory diverged)", ctx)
    t = np.arange(n_steps + 1) * dt if record else np.array([n_steps * dt])
    return HHResult(t, *rec, spikes, dt)


def hh_spike_times(result: HHResult, i: int = 0) -> np.ndarray:
    """Alias of :meth:`HHResult.spike_times`."""
    return result.spike_times(i)


def hh_fi_curve(currents, duration: float = 500.0, dt: float = 0.025, transient: float = 100.0,
                params: HHParams = HHParams(), method: str = "rk4") -> np.ndarray:
    """Steady firing rate (Hz) for each DC current (µA/cm²), all run as one population.

    Every neuron starts at rest; spikes before ``transient`` ms are discarded and the
    rate is the number of later spikes divided by ``duration - transient`` (seconds).
    """
    currents = ck.finite("currents", currents, "hh_fi_curve").ravel()
    n_steps = int(round(duration / dt))
    res = simulate_hh(currents, dt, n_steps, currents.size, params, method=method, record=False)
    k0 = int(round(transient / dt))
    counts = res.spikes[k0:].sum(axis=0)
    return counts / ((duration - transient) / 1000.0)
