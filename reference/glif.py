r"""N3: generalized leaky integrate-and-fire models GLIF 1–5 (Teeter et al. 2018), SI units.

.. math::
    C \frac{dV}{dt} = I_{ext} + \sum_j I_j - G (V - E_L)

    \frac{dI_j}{dt} = -k_j I_j \qquad\text{(after-spike currents, levels 3–5)}

    \frac{d\Theta_s}{dt} = -b_s \Theta_s \qquad\text{(spike-induced threshold, levels 2, 4, 5)}

    \frac{d\Theta_v}{dt} = a_v (V - E_L) - b_v \Theta_v \qquad\text{(voltage-dependent threshold, level 5)}

    \text{spike when } V \ge \Theta_\infty + \Theta_s + \Theta_v

Reset rules at a spike:

* level 1 / 3: :math:`V \leftarrow V_{reset}`
* levels 2, 4, 5: :math:`V \leftarrow E_L + f_v (V - E_L) + \delta V`,
  :math:`\Theta_s \leftarrow \Theta_s + \delta\Theta_s`
* levels 3–5: :math:`I_j \leftarrow R_j I_j + A_j`

===== ======================== =========================================
level name                     mechanisms
===== ======================== =========================================
1     LIF                      (== N2)
2     LIF-R                    reset rules + spike-induced threshold
3     LIF-ASC                  after-spike currents
4     LIF-R-ASC                2 + 3
5     LIF-R-ASC-A              4 + voltage-dependent threshold
===== ======================== =========================================

Numerics (documented choice): V and Θ_v use explicit Euler (so GLIF1 equals the N2
``"euler"`` step); Θ_s and I_j decay exactly (:math:`e^{-b\,dt}`). After a spike, V is
held at its reset value for ``round(t_ref/dt)`` steps while the currents and thresholds
keep evolving. Stability: ``dt < 2 C/G`` and, at level 5, ``dt < 2/b_v``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from neuromorph.errors import ParameterError

from . import _checks as ck
from .neurons import LIFParams, input_matrix

__all__ = ["GLIFParams", "GLIFState", "GLIFResult", "glif_init", "glif_step", "simulate_glif"]


@dataclass(frozen=True)
class GLIFParams:
    """GLIF parameters (SI). ``level`` selects the mechanisms (1..5); unused fields are ignored.

    Attributes
    ----------
    level : int
    C, G : float             capacitance (F), leak conductance (S)
    E_L, th_inf, V_reset : float   rest, baseline threshold, reset (V) (V_reset for levels 1, 3)
    t_ref : float            refractory period (s)
    f_v, delta_v : float     reset rule V <- E_L + f_v (V - E_L) + delta_v (levels 2, 4, 5)
    delta_theta_s, b_s : float   spike-induced threshold jump (V) and decay rate (1/s)
    asc_amps, asc_k, asc_r : tuples   after-spike current jumps A_j (A), decay rates k_j (1/s),
                                      multiplicative reset R_j
    a_v, b_v : float         voltage-dependent threshold coupling (1/s) and decay (1/s)
    """

    level: int = 1
    C: float = 100e-12
    G: float = 10e-9
    E_L: float = -75e-3
    th_inf: float = -55e-3
    V_reset: float = -75e-3
    t_ref: float = 2e-3
    f_v: float = 0.0
    delta_v: float = 0.0
    delta_theta_s: float = 0.0
    b_s: float = 100.0
    asc_amps: tuple = ()
    asc_k: tuple = ()
    asc_r: tuple = ()
    a_v: float = 0.0
    b_v: float = 100.0

    def __post_init__(self):
        ctx = "GLIFParams"
        if self.level not in (1, 2, 3, 4, 5):
            raise ParameterError("level", self.level, "1, 2, 3, 4 or 5", ctx)
        ck.positive("C", self.C, ctx)
        ck.positive("G", self.G, ctx)
        ck.nonnegative("t_ref", self.t_ref, ctx)
        for n in ("E_L", "th_inf", "V_reset", "f_v", "delta_v", "delta_theta_s", "a_v"):
            ck.finite(n, getattr(self, n), ctx)
        ck.positive("b_s", self.b_s, ctx)
        ck.positive("b_v", self.b_v, ctx)
        amps = ck.finite("asc_amps", self.asc_amps, ctx)
        k = ck.positive("asc_k", self.asc_k, ctx) if len(self.asc_k) else np.zeros(0)
        r = ck.finite("asc_r", self.asc_r if len(self.asc_r) else np.ones(len(self.asc_amps)), ctx)
        if not (amps.shape == k.shape == r.shape):
            raise ParameterError("asc_k", f"{k.size} rates", f"{amps.size} (one per after-spike current, "
                                 "asc_r likewise or empty)", ctx)
        object.__setattr__(self, "asc_r", tuple(float(x) for x in r))
        if not self.th_inf > self.V_reset:
            raise ParameterError("th_inf", self.th_inf, f"> V_reset = {self.V_reset}", ctx)

    @property
    def tau_m(self) -> float:
        return self.C / self.G

    @property
    def has_reset_rules(self) -> bool:
        return self.level in (2, 4, 5)

    @property
    def has_asc(self) -> bool:
        return self.level in (3, 4, 5) and len(self.asc_amps) > 0

    @classmethod
    def from_lif(cls, p: LIFParams, **kw) -> "GLIFParams":
        """GLIF1 with the same membrane as an N2 :class:`LIFParams` (more fields via ``kw``)."""
        base = dict(level=1, C=p.tau_m * p.g_L, G=p.g_L, E_L=p.E_L, th_inf=p.V_th, V_reset=p.V_reset,
                    t_ref=p.t_ref)
        base.update(kw)
        return cls(**base)


class GLIFState(NamedTuple):
    v: np.ndarray          # (n,) V
    asc: np.ndarray        # (n, n_asc) A
    theta_s: np.ndarray    # (n,) V
    theta_v: np.ndarray    # (n,) V
    ref: np.ndarray        # (n,) int steps left


def glif_init(params: GLIFParams, n: int, v0=None) -> GLIFState:
    n = ck.positive_int("n", n, "glif_init")
    v = ck.as_population("v0", params.E_L if v0 is None else v0, n, "glif_init")
    z = np.zeros(n)
    return GLIFState(v, np.zeros((n, len(params.asc_amps))), z.copy(), z.copy(), np.zeros(n, np.int64))


def _check(params: GLIFParams, dt: float, ctx: str) -> float:
    dt = ck.check_dt(dt, ctx)
    ck.stable_dt(dt, 2 * params.tau_m, ctx, "explicit Euler: dt < 2 C/G")
    if params.level == 5:
        ck.stable_dt(dt, 2 / params.b_v, ctx, "explicit Euler: dt < 2/b_v")
    return dt


def _advance(state: GLIFState, I, p: GLIFParams, dt: float, n_ref: int):
    v, asc, ths, thv, ref = state
    I_asc = asc.sum(axis=1) if p.has_asc else 0.0
    # membrane, written as the N2 Euler step so that GLIF1 reproduces it
    v_inf = p.E_L + (I + I_asc) / p.G
    v_new = v + (dt / p.tau_m) * (v_inf - v)
    thv_new = thv + dt * (p.a_v * (v - p.E_L) - p.b_v * thv) if p.level == 5 else thv
    ths_new = ths * np.exp(-p.b_s * dt) if p.has_reset_rules else ths
    asc_new = asc * np.exp(-np.asarray(p.asc_k) * dt) if p.has_asc else asc
    refractory = ref > 0
    v_new = np.where(refractory, v, v_new)  # held at its reset value
    theta = p.th_inf + ths_new + thv_new
    spikes = ~refractory & (v_new >= theta)
    if p.has_reset_rules:
        v_after = p.E_L + p.f_v * (v_new - p.E_L) + p.delta_v
        ths_new = np.where(spikes, ths_new + p.delta_theta_s, ths_new)
    else:
        v_after = p.V_reset
    v_new = np.where(spikes, v_after, v_new)
    if p.has_asc:
        asc_new = np.where(spikes[:, None], np.asarray(p.asc_r) * asc_new + np.asarray(p.asc_amps), asc_new)
    ref_new = np.where(refractory, ref - 1, np.where(spikes, n_ref, 0)).astype(np.int64)
    return GLIFState(v_new, asc_new, ths_new, thv_new, ref_new), spikes


def glif_step(state: GLIFState, I, params: GLIFParams, dt: float):
    """One step of a GLIF population; returns ``(GLIFState, spikes)`` (see module docstring)."""
    dt = _check(params, dt, "glif_step")
    I = ck.finite("I", I, "glif_step")
    if I.ndim and I.shape != state.v.shape:
        raise ParameterError("I", f"shape {I.shape}", f"a scalar or shape {state.v.shape}", "glif_step")
    return _advance(state, I, params, dt, int(round(params.t_ref / dt)))


@dataclass(frozen=True)
class GLIFResult:
    """``t`` (n_steps+1,), ``v``, ``theta`` (total threshold), ``theta_s``, ``theta_v`` (n_steps+1, n),
    ``asc`` (n_steps+1, n, n_asc), ``spikes`` (n_steps, n)."""

    t: np.ndarray
    v: np.ndarray
    theta: np.ndarray
    theta_s: np.ndarray
    theta_v: np.ndarray
    asc: np.ndarray
    spikes: np.ndarray
    dt: float

    def spike_times(self, i: int = 0) -> np.ndarray:
        return (np.nonzero(self.spikes[:, i])[0] + 1) * self.dt


def simulate_glif(params: GLIFParams, I, dt: float, n_steps: int, n: int = 1, v0=None) -> GLIFResult:
    """Simulate ``n`` GLIF neurons; ``I`` (A) as in :func:`reference.neurons.input_matrix`."""
    ctx = "simulate_glif"
    dt = _check(params, dt, ctx)
    n_steps = ck.positive_int("n_steps", n_steps, ctx)
    Imat = input_matrix(I, n_steps, n, dt, "I", ctx)
    st = glif_init(params, n, v0)
    n_ref = int(round(params.t_ref / dt))
    rec = {k: np.empty((n_steps + 1, n)) for k in ("v", "theta_s", "theta_v")}
    asc = np.empty((n_steps + 1, n, len(params.asc_amps)))
    sp = np.zeros((n_steps, n), dtype=bool)

    def put(k, s):
        rec["v"][k], rec["theta_s"][k], rec["theta_v"][k], asc[k] = s.v, s.theta_s, s.theta_v, s.asc

    put(0, st)
    for k in range(n_steps):
        st, sp[k] = _advance(st, Imat[k], params, dt, n_ref)
        put(k + 1, st)
    theta = params.th_inf + rec["theta_s"] + rec["theta_v"]
    return GLIFResult(np.arange(n_steps + 1) * dt, rec["v"], theta, rec["theta_s"], rec["theta_v"], asc, sp, dt)
