r"""Point-neuron reference models (float64): N1 conductance-based neuron and N2 LIF.

The other neuron rows live in their own modules and are re-exported here:
N3 GLIF 1–5 (:mod:`reference.glif`), N4 Izhikevich (:mod:`reference.izhikevich`),
N5 Hodgkin–Huxley (:mod:`reference.hh`), N6 FitzHugh–Nagumo (:mod:`reference.fhn`).

Units
-----
SI throughout this module: volts, seconds, amperes, siemens, farads.

Style
-----
Pure step functions ``step(state, input, params, dt) -> (state, spikes)`` over a
population (1-D arrays, one entry per neuron); frozen dataclasses for parameters;
:class:`neuromorph.errors.ParameterError` for bad input.

Stability rule (documented choice)
----------------------------------
``method="euler"`` is explicit Euler on a linear relaxation with time constant ``tau``;
it is stable only for ``dt < 2 tau`` and every Euler step function here refuses larger
steps. ``method="exact"`` integrates the linear membrane exactly for an input held
constant over the step and has no step-size limit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from neuromorph.errors import ParameterError
from neuromorph.network import LIF as _NetworkLIF
from neuromorph.network import SpikeLog

from . import _checks as ck

__all__ = [
    "ConductanceParams", "conductance_step", "conductance_steady_state", "conductance_time_constant",
    "simulate_conductance",
    "LIFParams", "LIFState", "LIFResult", "lif_init", "lif_step", "simulate_lif",
    "lif_rate", "lif_rheobase", "lif_pulse_response", "input_matrix",
]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
def input_matrix(I, n_steps: int, n: int, dt: float, name: str = "I", context: str = "") -> np.ndarray:
    """Return the input as a finite float array of shape ``(n_steps, n)``.

    ``I`` may be a scalar (constant, same for all neurons), shape ``(n,)`` (constant per
    neuron), ``(n_steps,)`` (time course shared by all neurons), ``(n_steps, n)``, or a
    callable ``I(t)`` of the step's start time ``t = k dt`` returning a scalar or ``(n,)``.
    """
    if callable(I):
        t = np.arange(n_steps) * dt
        rows = [np.broadcast_to(np.asarray(I(tk), dtype=float), (n,)) for tk in t]
        arr = np.array(rows, dtype=float).reshape(n_steps, n)
        return ck.finite(name, arr, context)
    arr = ck.finite(name, I, context)
    if arr.ndim == 0:
        return np.full((n_steps, n), float(arr))
    if arr.ndim == 1:
        if arr.size == n_steps:
            return np.repeat(arr[:, None], n, axis=1)
        if arr.size == n:
            return np.repeat(arr[None, :], n_steps, axis=0)
    if arr.ndim == 2 and arr.shape == (n_steps, n):
        return arr
    raise ParameterError(name, f"shape {arr.shape}",
                         f"a scalar, ({n},), ({n_steps},) or ({n_steps}, {n})", context)


# --------------------------------------------------------------------------------------
# N1: conductance-based point neuron
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConductanceParams:
    r"""Passive conductance-based point neuron (N1).

    .. math::
        C \frac{dV}{dt} = -\sum_i g_i (V - E_i) + I_{ext}

    Steady state :math:`V_\infty = (\sum_i g_i E_i + I)/\sum_i g_i`, relaxation time
    constant :math:`\tau = C/\sum_i g_i`.

    Parameters
    ----------
    C : float
        Membrane capacitance (F), > 0.
    g : tuple of float
        Conductances (S), each >= 0, at least one > 0.
    E : tuple of float
        Reversal potentials (V), one per conductance.
    """

    C: float = 200e-12
    g: tuple = (10e-9,)
    E: tuple = (-75e-3,)

    def __post_init__(self):
        ck.positive("C", self.C, "ConductanceParams")
        g = ck.nonnegative("g", self.g, "ConductanceParams")
        E = ck.finite("E", self.E, "ConductanceParams")
        if g.ndim != 1 or g.shape != E.shape:
            raise ParameterError("E", f"shape {E.shape}", f"one reversal per conductance, shape {g.shape}",
                                 "ConductanceParams")
        if g.sum() <= 0:
            raise ParameterError("g", tuple(g), "at least one conductance > 0", "ConductanceParams")
        object.__setattr__(self, "g", tuple(float(x) for x in g))
        object.__setattr__(self, "E", tuple(float(x) for x in E))

    @property
    def g_total(self) -> float:
        return float(sum(self.g))


def conductance_steady_state(params: ConductanceParams, I=0.0, g=None) -> np.ndarray:
    r""":math:`V_\infty = (\sum_i g_i E_i + I)/\sum_i g_i` (volts); ``g`` overrides ``params.g``."""
    g = np.asarray(params.g if g is None else g, dtype=float)
    E = np.asarray(params.E, dtype=float)
    return (np.sum(g * E, axis=-1) + np.asarray(I, dtype=float)) / np.sum(g, axis=-1)


def conductance_time_constant(params: ConductanceParams, g=None) -> float | np.ndarray:
    r""":math:`\tau = C/\sum_i g_i` (seconds)."""
    g = np.asarray(params.g if g is None else g, dtype=float)
    return params.C / np.sum(g, axis=-1)


def conductance_step(V, I, params: ConductanceParams, dt: float, g=None, method: str = "exact"):
    r"""One step of N1 for a population.

    .. math:: V \leftarrow V_\infty + (V - V_\infty)\, e^{-dt/\tau}
        \quad (\text{exact for } I, g \text{ constant over the step})

    Parameters
    ----------
    V : array (n,)
        Membrane potentials (V).
    I : float or array (n,)
        External current (A) during the step.
    params : ConductanceParams
    dt : float
        Step (s).
    g : array (k,) or (n, k), optional
        Conductances for this step (e.g. synaptic ones); defaults to ``params.g``.
    method : {"exact", "euler"}
        ``"euler"`` requires ``dt < 2 tau`` (its stability limit).

    Returns
    -------
    (V_new, spikes) : the new potentials and an all-False spike array (N1 has no threshold).
    """
    dt = ck.check_dt(dt, "conductance_step")
    ck.choice("method", method, ("exact", "euler"), "conductance_step")
    V = ck.finite("V", V, "conductance_step")
    g_arr = ck.nonnegative("g", params.g if g is None else g, "conductance_step")
    if g_arr.shape[-1] != len(params.E):
        raise ParameterError("g", f"shape {g_arr.shape}", f"last axis {len(params.E)} (one per reversal)",
                             "conductance_step")
    tau = np.asarray(conductance_time_constant(params, g_arr))
    if np.any(np.sum(g_arr, axis=-1) <= 0):
        raise ParameterError("g", "all zero", "sum of conductances > 0", "conductance_step")
    v_inf = conductance_steady_state(params, ck.finite("I", I, "conductance_step"), g_arr)
    if method == "exact":
        V_new = v_inf + (V - v_inf) * np.exp(-dt / tau)
    else:
        ck.stable_dt(dt, 2 * float(np.min(tau)), "conductance_step", "explicit Euler: dt < 2 C/sum(g)")
        V_new = V + dt / tau * (v_inf - V)
    V_new = np.broadcast_to(V_new, np.broadcast(V, v_inf).shape).astype(float)
    return V_new, np.zeros(V_new.shape, dtype=bool)


def simulate_conductance(params: ConductanceParams, I, dt: float, n_steps: int, V0, method: str = "exact"):
    """Run N1 for ``n_steps``; returns ``(t, V)`` with ``V`` of shape ``(n_steps + 1, n)``."""
    n_steps = ck.positive_int("n_steps", n_steps, "simulate_conductance")
    V = np.atleast_1d(ck.finite("V0", V0, "simulate_conductance")).astype(float)
    Imat = input_matrix(I, n_steps, V.size, dt, "I", "simulate_conductance")
    out = np.empty((n_steps + 1, V.size))
    out[0] = V
    for k in range(n_steps):
        V, _ = conductance_step(V, Imat[k], params, dt, method=method)
        out[k + 1] = V
    return np.arange(n_steps + 1) * dt, out


# --------------------------------------------------------------------------------------
# N2: leaky integrate-and-fire
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LIFParams:
    r"""Leaky integrate-and-fire neuron (N2), SI units.

    .. math::
        \tau_m \frac{dV}{dt} = -(V - E_L) + \frac{I}{g_L}

    When ``V >= V_th`` a spike is emitted, ``V`` is set to ``V_reset`` and held there
    for ``t_ref``. Defaults are the course exercise's: E_L = -75 mV, V_th = -55 mV,
    V_reset = -75 mV, tau_m = 10 ms, g_L = 10 nS, t_ref = 2 ms.

    Attributes
    ----------
    tau_m : float   membrane time constant (s), > 0
    g_L : float     leak conductance (S), > 0
    E_L : float     leak reversal (V)
    V_th : float    threshold (V), > V_reset
    V_reset : float reset potential (V)
    t_ref : float   absolute refractory period (s), >= 0
    """

    tau_m: float = 10e-3
    g_L: float = 10e-9
    E_L: float = -75e-3
    V_th: float = -55e-3
    V_reset: float = -75e-3
    t_ref: float = 2e-3

    def __post_init__(self):
        ctx = "LIFParams"
        ck.positive("tau_m", self.tau_m, ctx)
        ck.positive("g_L", self.g_L, ctx)
        ck.nonnegative("t_ref", self.t_ref, ctx)
        for n in ("E_L", "V_th", "V_reset"):
            ck.finite(n, getattr(self, n), ctx)
        if not self.V_th > self.V_reset:
            raise ParameterError("V_th", self.V_th, f"> V_reset = {self.V_reset}", ctx)

    @property
    def R(self) -> float:
        """Membrane resistance 1/g_L (ohm)."""
        return 1.0 / self.g_L

    @property
    def C(self) -> float:
        """Membrane capacitance tau_m g_L (F)."""
        return self.tau_m * self.g_L

    @classmethod
    def from_network(cls, model: _NetworkLIF) -> "LIFParams":
        """The membrane part of a :class:`neuromorph.network.LIF` (its synapse is S1)."""
        return cls(tau_m=model.tau_m, g_L=model.g_L, E_L=model.E_L, V_th=model.v_th,
                   V_reset=model.v_reset, t_ref=model.t_ref)

    def replace(self, **kw) -> "LIFParams":
        return dataclasses.replace(self, **kw)


class LIFState(NamedTuple):
    """LIF population state: potentials ``v`` (V) and refractory steps left ``ref`` (int)."""

    v: np.ndarray
    ref: np.ndarray


def lif_rheobase(params: LIFParams) -> float:
    r"""Rheobase :math:`I_{rh} = g_L (V_{th} - E_L)` (A): the smallest DC current that fires."""
    return params.g_L * (params.V_th - params.E_L)


def lif_rate(params: LIFParams, I) -> np.ndarray:
    r"""Closed-form firing rate (Hz) of the continuous-time LIF for DC current ``I`` (A).

    .. math::
        r = \left[t_{ref} + \tau_m \ln\frac{R I + E_L - V_{reset}}{R I + E_L - V_{th}}\right]^{-1}
        \quad (R I > V_{th} - E_L), \qquad 0 \text{ otherwise}.

    With ``V_reset = E_L`` this is the catalogue's
    :math:`1/(t_{ref} + \tau \ln(RI/(RI - (V_{th} - V_{reset}))))`.
    """
    I = np.asarray(I, dtype=float)
    RI = I * params.R
    gap = params.V_th - params.E_L
    above = RI - gap > 1e-12 * abs(gap)  # at the rheobase itself the ISI is infinite
    num = np.where(above, RI + params.E_L - params.V_reset, 1.0)
    den = np.where(above, RI + params.E_L - params.V_th, 1.0)
    isi = params.t_ref + params.tau_m * np.log(num / den)
    return np.where(above, 1.0 / isi, 0.0)


def lif_pulse_response(params: LIFParams, t, I0: float, t_on: float, t_off: float, V0=None):
    r"""Closed-form sub-threshold response to a current pulse of amplitude ``I0`` on [t_on, t_off).

    .. math::
        V(t) = E_L + (V_0 - E_L) e^{-t/\tau} + R I_0 \left(1 - e^{-(t - t_{on})/\tau}\right)
        \text{ on the pulse, then relaxing back with } \tau.

    Valid while ``V`` stays below threshold.
    """
    t = np.asarray(t, dtype=float)
    tau, RI = params.tau_m, params.R * I0
    V0 = params.E_L if V0 is None else V0
    free = (V0 - params.E_L) * np.exp(-t / tau)
    during = RI * (1 - np.exp(-np.clip(t - t_on, 0, None) / tau))
    at_off = RI * (1 - np.exp(-(t_off - t_on) / tau))
    after = at_off * np.exp(-np.clip(t - t_off, 0, None) / tau)
    driven = np.where(t < t_on, 0.0, np.where(t < t_off, during, after))
    return params.E_L + free + driven


def lif_init(params: LIFParams, n: int, v0=None) -> LIFState:
    """Initial state: ``v0`` (scalar or (n,), default ``V_reset``), not refractory."""
    n = ck.positive_int("n", n, "lif_init")
    v = ck.as_population("v0", params.V_reset if v0 is None else v0, n, "lif_init")
    return LIFState(v, np.zeros(n, dtype=np.int64))


def _ref_steps(params: LIFParams, dt: float) -> int:
    return int(round(params.t_ref / dt))


def lif_step(state: LIFState, I, params: LIFParams, dt: float, method: str = "euler"):
    r"""Advance a LIF population by one step of ``dt`` seconds.

    Order within the step (as the course exercise): integrate
    :math:`V \leftarrow V + \frac{dt}{\tau_m}\left(-(V-E_L) + I/g_L\right)` (``"euler"``) or
    :math:`V \leftarrow V_\infty + (V - V_\infty)e^{-dt/\tau_m}`, :math:`V_\infty = E_L + I/g_L`
    (``"exact"``); neurons still refractory are held at ``V_reset`` and count down;
    the others spike if ``V >= V_th``, are reset to ``V_reset`` and become refractory
    for ``round(t_ref/dt)`` steps.

    Parameters
    ----------
    state : LIFState
    I : float or array (n,)
        Injected current (A) during the step.
    params : LIFParams
    dt : float
        Step (s); ``"euler"`` requires ``dt < 2 tau_m``.
    method : {"euler", "exact"}

    Returns
    -------
    (LIFState, spikes) : new state and a boolean array (n,) of neurons that fired.
    """
    dt = ck.check_dt(dt, "lif_step")
    ck.choice("method", method, ("euler", "exact"), "lif_step")
    I = ck.finite("I", I, "lif_step")
    if I.ndim and I.shape != np.shape(state.v):
        raise ParameterError("I", f"shape {I.shape}", f"a scalar or shape {np.shape(state.v)}", "lif_step")
    if method == "euler":
        ck.stable_dt(dt, 2 * params.tau_m, "lif_step", "explicit Euler: dt < 2 tau_m")
    return _lif_advance(state, I, params, dt, method, _ref_steps(params, dt))


def _lif_advance(state: LIFState, I: np.ndarray, params: LIFParams, dt: float, method: str, n_ref: int):
    """:func:`lif_step` without the argument checks (used inside simulation loops)."""
    v, ref = state
    v_inf = params.E_L + I / params.g_L
    if method == "euler":
        v_new = v + (dt / params.tau_m) * (v_inf - v)
    else:
        v_new = v_inf + (v - v_inf) * np.exp(-dt / params.tau_m)
    refractory = ref > 0
    v_new = np.where(refractory, params.V_reset, v_new)
    spikes = ~refractory & (v_new >= params.V_th)
    v_new = np.where(spikes, params.V_reset, v_new)
    ref_new = np.where(refractory, ref - 1, np.where(spikes, n_ref, 0))
    return LIFState(v_new, ref_new.astype(np.int64)), spikes


@dataclass(frozen=True)
class LIFResult:
    """Output of :func:`simulate_lif`.

    ``t`` (n_steps+1,) sample times (s); ``v`` (n_steps+1, n) potentials (V), ``v[0]`` the
    initial state and ``v[k+1]`` the state after step k; ``spikes`` (n_steps, n) boolean,
    True when the neuron fired in step k (the step from ``k dt`` to ``(k+1) dt``).
    """

    t: np.ndarray
    v: np.ndarray
    spikes: np.ndarray
    dt: float

    def spike_times(self, i: int = 0) -> np.ndarray:
        """Spike times (s) of neuron ``i``: the end ``(k+1) dt`` of each firing step."""
        return (np.nonzero(self.spikes[:, i])[0] + 1) * self.dt

    def counts(self) -> np.ndarray:
        return self.spikes.sum(axis=0)

    def rates(self) -> np.ndarray:
        """Mean rate (Hz) over the run."""
        return self.counts() / (self.spikes.shape[0] * self.dt)

    def spike_log(self, population: str = "lif") -> SpikeLog:
        """The spikes as a :class:`neuromorph.network.SpikeLog` (step k reported at ``k dt``)."""
        k, i = np.nonzero(self.spikes)
        return SpikeLog(k, i, self.dt, self.spikes.shape[0], {population: (0, self.spikes.shape[1])})


def simulate_lif(params: LIFParams, I, dt: float, n_steps: int, n: int = 1, v0=None,
                 method: str = "euler") -> LIFResult:
    """Simulate ``n`` LIF neurons for ``n_steps`` steps of ``dt`` seconds.

    ``I`` (A): see :func:`input_matrix` for the accepted shapes (or a callable ``I(t)``).
    The time loop is Python; the population is vectorised.
    """
    dt = ck.check_dt(dt, "simulate_lif")
    n_steps = ck.positive_int("n_steps", n_steps, "simulate_lif")
    ck.choice("method", method, ("euler", "exact"), "simulate_lif")
    if method == "euler":
        ck.stable_dt(dt, 2 * params.tau_m, "simulate_lif", "explicit Euler: dt < 2 tau_m")
    n_ref = _ref_steps(params, dt)
    Imat = input_matrix(I, n_steps, n, dt, "I", "simulate_lif")
    state = lif_init(params, n, v0)
    v = np.empty((n_steps + 1, n))
    sp = np.zeros((n_steps, n), dtype=bool)
    v[0] = state.v
    for k in range(n_steps):
        state, s = _lif_advance(state, Imat[k], params, dt, method, n_ref)
        v[k + 1] = state.v
        sp[k] = s
    return LIFResult(np.arange(n_steps + 1) * dt, v, sp, dt)


# --------------------------------------------------------------------------------------
# re-exports of the other neuron rows (N3–N6)
# --------------------------------------------------------------------------------------
def __getattr__(name: str):  # lazy, so importing neurons stays cheap and cycle-free
    import importlib

    if name.startswith("__"):
        raise AttributeError(name)
    for mod in ("glif", "izhikevich", "izhikevich_presets", "hh", "fhn"):
        m = importlib.import_module(f"reference.{mod}")
        if name in getattr(m, "__all__", ()):
            return getattr(m, name)
    raise AttributeError(f"module 'reference.neurons' has no attribute {name!r}")

