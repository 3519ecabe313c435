r"""N4: Izhikevich (2003) simple model, in its own units (v in mV, t in ms, I dimensionless).

.. math::
    v' = k_2 v^2 + k_1 v + k_0 - u + I, \qquad u' = a (b v - u)
    \qquad (\text{or } u' = a b (v + 65) \text{ with } ``u\_rule="accommodation"``)

    v > v_{peak} \;\Rightarrow\; v \leftarrow c,\; u \leftarrow u + d

with the published ``k2, k1, k0 = 0.04, 5, 140`` (two figure panels use ``4.1, 108``).

Integration scheme (Izhikevich's figure script, kept exactly): explicit Euler in which
**v is updated first and u then uses the new v**, then the spike test ``v > v_peak``
(strict) with reset. The figure traces record ``v_peak`` at the spike step.

Stability limit (documented choice): ``dt < 2/|a|`` (the Euler limit of the linear u
equation) and ``dt <= 1`` ms.

The 20 neurocomputational behaviours and the cortical classes of the published figure
script live in :mod:`reference.izhikevich_presets`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from neuromorph.errors import ParameterError
from neuromorph.network import Izhikevich as _NetworkIzhikevich
from neuromorph.network import SpikeLog

from . import _checks as ck
from .neurons import input_matrix

__all__ = [
    "IzhikevichParams", "IzhState", "IzhResult", "izh_init", "izh_step", "simulate_izhikevich",
    "IZH_DT_MAX",
]

IZH_DT_MAX = 1.0  # ms


@dataclass(frozen=True)
class IzhikevichParams:
    """Izhikevich parameters (model units). ``u_rule``: ``"standard"`` u' = a(bv - u),
    ``"accommodation"`` u' = a b (v + 65) (panel R of the 2004 figure).

    Fields may be scalars or 1-D arrays (one value per neuron) as tuples.
    """

    a: float = 0.02
    b: float = 0.2
    c: float = -65.0
    d: float = 8.0
    v_peak: float = 30.0
    k2: float = 0.04
    k1: float = 5.0
    k0: float = 140.0
    u_rule: str = "standard"

    def __post_init__(self):
        for f in ("a", "b", "c", "d", "v_peak", "k2", "k1", "k0"):
            ck.finite(f, getattr(self, f), "IzhikevichParams")
        ck.choice("u_rule", self.u_rule, ("standard", "accommodation"), "IzhikevichParams")
        if np.any(np.asarray(self.c, dtype=float) >= np.asarray(self.v_peak, dtype=float)):
            raise ParameterError("c", self.c, f"< v_peak = {self.v_peak}", "IzhikevichParams")

    @classmethod
    def from_network(cls, model: _NetworkIzhikevich) -> "IzhikevichParams":
        """Parameters of a :class:`neuromorph.network.Izhikevich` (its ``I_bias`` is an input)."""
        return cls(a=model.a, b=model.b, c=model.c, d=model.d, v_peak=model.v_peak,
                   k2=model.k2, k1=model.k1, k0=model.k0)

    def replace(self, **kw) -> "IzhikevichParams":
        return dataclasses.replace(self, **kw)

    def max_dt(self) -> float:
        """Largest accepted step (ms): min(1, 2/max|a|)."""
        amax = float(np.max(np.abs(np.asarray(self.a, dtype=float))))
        return IZH_DT_MAX if amax == 0 else min(IZH_DT_MAX, 2.0 / amax)


class IzhState(NamedTuple):
    v: np.ndarray
    u: np.ndarray


def izh_init(params: IzhikevichParams, n: int, v0=-65.0, u0=None) -> IzhState:
    """State of ``n`` neurons; ``u0`` defaults to ``b v0`` (as the figure script)."""
    n = ck.positive_int("n", n, "izh_init")
    v = ck.as_population("v0", v0, n, "izh_init")
    u = np.broadcast_to(np.asarray(params.b, dtype=float) * v, (n,)).copy() if u0 is None \
        else ck.as_population("u0", u0, n, "izh_init")
    return IzhState(v, u)


def _check_dt(params: IzhikevichParams, dt: float, ctx: str) -> float:
    dt = ck.check_dt(dt, ctx)
    lim = params.max_dt()
    if not dt <= lim:
        raise ParameterError("dt", dt, f"<= {lim:g} ms (min(1 ms, 2/|a|): Euler limit of u)", ctx)
    return dt


def _advance(state: IzhState, I, p: IzhikevichParams, dt: float):
    v, u = state
    v = v + dt * (p.k2 * v * v + p.k1 * v + p.k0 - u + I)
    if p.u_rule == "standard":
        u = u + dt * p.a * (p.b * v - u)
    else:
        u = u + dt * p.a * (p.b * (v + 65.0))
    fired = v > p.v_peak
    v_out = np.where(fired, p.v_peak, v)  # what the figure records
    v = np.where(fired, p.c, v)
    u = np.where(fired, u + p.d, u)
    return IzhState(v, u), fired, v_out


def izh_step(state: IzhState, I, params: IzhikevichParams, dt: float):
    r"""One step of Izhikevich's scheme for a population.

    .. math::
        v \leftarrow v + dt\,(k_2 v^2 + k_1 v + k_0 - u + I);\quad
        u \leftarrow u + dt\,a(b v - u) \text{ (new v)};\quad
        v > v_{peak} \Rightarrow v \leftarrow c,\ u \leftarrow u + d

    Returns ``(IzhState, spikes)``.
    """
    dt = _check_dt(params, dt, "izh_step")
    new, fired, _ = _advance(IzhState(*state), ck.finite("I", I, "izh_step"), params, dt)
    return new, fired


@dataclass(frozen=True)
class IzhResult:
    """``t`` (n_steps,) the step start times (ms); ``v``, ``u`` (n_steps, n) the state after
    each step (``v`` shows ``v_peak`` at spike steps, as the figure); ``spikes`` (n_steps, n);
    ``I`` (n_steps, n) the input used."""

    t: np.ndarray
    v: np.ndarray
    u: np.ndarray
    spikes: np.ndarray
    I: np.ndarray
    dt: float

    def spike_times(self, i: int = 0) -> np.ndarray:
        """Times (ms) of the steps in which neuron ``i`` fired (the figure's time axis)."""
        return self.t[self.spikes[:, i]]

    def spike_log(self, population: str = "izhikevich") -> SpikeLog:
        """Spikes as a :class:`neuromorph.network.SpikeLog` (dt converted to seconds)."""
        k, i = np.nonzero(self.spikes)
        return SpikeLog(k, i, self.dt * 1e-3, self.spikes.shape[0], {population: (0, self.spikes.shape[1])})


def simulate_izhikevich(params: IzhikevichParams, I, dt: float, n_steps: int, n: int = 1, v0=-65.0,
                        u0=None, t=None) -> IzhResult:
    """Run ``n`` neurons for ``n_steps`` steps of ``dt`` ms with Izhikevich's scheme.

    ``I``: scalar, (n,), (n_steps,), (n_steps, n) or callable ``I(t)``; ``t`` optionally
    gives the step times passed to a callable (default ``k dt``).
    """
    ctx = "simulate_izhikevich"
    dt = _check_dt(params, dt, ctx)
    n_steps = ck.positive_int("n_steps", n_steps, ctx)
    t = np.arange(n_steps) * dt if t is None else np.asarray(t, dtype=float)
    if callable(I):
        Imat = np.broadcast_to(np.asarray(I(t), dtype=float).reshape(n_steps, -1), (n_steps, n)).copy()
        ck.finite("I", Imat, ctx)
    else:
        Imat = input_matrix(I, n_steps, n, dt, "I", ctx)
    st = izh_init(params, n, v0, u0)
    vs, us = np.empty((n_steps, n)), np.empty((n_steps, n))
    sp = np.zeros((n_steps, n), dtype=bool)
    for k in range(n_steps):
        st, sp[k], vs[k] = _advance(st, Imat[k], params, dt)
        us[k] = st.u
    if not np.all(np.isfinite(vs)):
        raise ParameterError("dt", dt, "a smaller step (v diverged)", ctx)
    return IzhResult(t, vs, us, sp, Imat, dt)
