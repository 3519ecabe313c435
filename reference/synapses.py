r"""Synapse models (S1–S4), float64.

S1 exponential current/conductance synapse
    :math:`\frac{dg}{dt} = -\frac{g}{\tau_s} + \sum_k \alpha\,\delta(t - t_k)`,
    :math:`I_{syn} = g(t)\,(V - E_{rev})` (conductance-based, the survey's sign: positive =
    outward) or :math:`I_{syn} = g(t)` (current-based, ``E_rev=None``; then ``alpha`` is in
    amperes). Closed form :math:`g(t) = \sum_{t_k \le t} \alpha\, e^{-(t - t_k)/\tau_s}`.

S2 NMDA magnesium block (V in volts, [Mg] in mM)
    survey form as written: :math:`I_{NMDA} = g_{max} \frac{[Mg] e^{V/v_0}}{1 + [Mg] e^{V/v_0}}`
    (no driving force, as in the notes); Jahr & Stevens (1990):
    :math:`B(V) = 1/(1 + \frac{[Mg]}{3.57} e^{-0.062 V/\mathrm{mV}})`,
    :math:`I = g\,B(V)\,(V - E)`.

S3 Tsodyks–Markram depression
    :math:`\frac{dx}{dt} = \frac{1 - x}{\tau_D} - U x\,\delta(t - t_{sp})`;
    each spike releases :math:`U x^-` and leaves :math:`x^+ = (1 - U) x^-`. For a regular
    train of period T: :math:`x^* = \frac{1 - e^{-T/\tau_D}}{1 - (1-U) e^{-T/\tau_D}}`.

S4 delays
    a spike at t arrives at t + d; on a grid of dt, d must be a whole number of steps and
    a spike in step k arrives in step k + d/dt (ring buffer :class:`DelayLine`).

Units: SI (s, S, A, V) except the documented mM for [Mg].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from neuromorph.errors import ParameterError

from . import _checks as ck

__all__ = [
    "ExpSynapseParams", "exp_synapse_step", "exp_synapse_closed_form", "simulate_exp_synapse",
    "synaptic_current",
    "nmda_block_survey", "nmda_current_survey", "nmda_block_jahr_stevens", "nmda_current_jahr_stevens",
    "TMParams", "tm_step", "tm_train", "tm_steady_state",
    "DelayLine", "delay_init", "delay_step", "delayed_times", "delay_in_steps",
]


# --------------------------------------------------------------------------------------
# S1
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExpSynapseParams:
    """Exponential synapse: ``tau_s`` (s), jump ``alpha`` per spike (S, or A if
    current-based), ``E_rev`` (V) or None for a current-based synapse."""

    tau_s: float = 5e-3
    alpha: float = 1e-9
    E_rev: float | None = 0.0

    def __post_init__(self):
        ck.positive("tau_s", self.tau_s, "ExpSynapseParams")
        ck.finite("alpha", self.alpha, "ExpSynapseParams")
        if self.E_rev is not None:
            ck.finite("E_rev", self.E_rev, "ExpSynapseParams")


def exp_synapse_step(g, incoming, params: ExpSynapseParams, dt: float):
    r"""Advance g by one step: :math:`g \leftarrow g\,e^{-dt/\tau_s} + \alpha\,n_{in}`.

    ``incoming`` counts (or weights) the spikes arriving at the *end* of the step, so
    ``g_k`` equals the closed form at ``t_k = k dt`` (right-continuous). Exact; no dt limit.
    Returns ``(g_new, None)``.
    """
    dt = ck.check_dt(dt, "exp_synapse_step")
    g = np.asarray(g, dtype=float)
    inc = ck.finite("incoming", incoming, "exp_synapse_step")
    if inc.ndim and g.ndim and inc.shape != g.shape:
        raise ParameterError("incoming", f"shape {inc.shape}", f"shape {g.shape} (as g)", "exp_synapse_step")
    return g * np.exp(-dt / params.tau_s) + params.alpha * inc, None


def synaptic_current(g, V, E_rev: float | None):
    """``g (V - E_rev)`` (conductance-based, outward positive), or ``g`` if ``E_rev`` is None."""
    g = np.asarray(g, dtype=float)
    return g if E_rev is None else g * (np.asarray(V, dtype=float) - E_rev)


def exp_synapse_closed_form(t, spike_times, params: ExpSynapseParams):
    r""":math:`g(t) = \sum_{t_k \le t} \alpha e^{-(t - t_k)/\tau_s}` for one synapse."""
    t = np.asarray(t, dtype=float)[..., None]
    tk = np.asarray(spike_times, dtype=float)
    lag = t - tk
    return np.sum(np.where(lag >= 0, params.alpha * np.exp(-np.clip(lag, 0, None) / params.tau_s), 0.0), axis=-1)


def simulate_exp_synapse(counts, params: ExpSynapseParams, dt: float, g0=0.0) -> np.ndarray:
    """g on the grid for a spike-count raster ``counts`` (n_steps, n): ``g[k]`` at ``t = k dt``."""
    counts = np.asarray(ck.finite("counts", counts, "simulate_exp_synapse"))
    if counts.ndim == 1:
        counts = counts[:, None]
    g = np.empty(counts.shape)
    g[0] = np.asarray(g0, dtype=float) + params.alpha * counts[0]
    decay = np.exp(-ck.check_dt(dt, "simulate_exp_synapse") / params.tau_s)
    for k in range(1, counts.shape[0]):
        g[k] = g[k - 1] * decay + params.alpha * counts[k]
    return g


# --------------------------------------------------------------------------------------
# S2
# --------------------------------------------------------------------------------------
def nmda_block_survey(V, mg: float = 1.0, v0: float = 16.13e-3):
    r"""The survey's factor :math:`[Mg] e^{V/v_0}/(1 + [Mg] e^{V/v_0})` (V in volts, v0 > 0).

    Increases monotonically from 0 (V -> -inf) to 1 (V -> +inf); evaluated as a logistic
    of :math:`V/v_0 + \ln[Mg]` so it never overflows.
    """
    mg = float(ck.positive("mg", mg, "nmda_block_survey"))
    v0 = float(ck.positive("v0", v0, "nmda_block_survey"))
    z = ck.finite("V", V, "nmda_block_survey") / v0 + np.log(mg)
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def nmda_current_survey(V, g_max: float, mg: float = 1.0, v0: float = 16.13e-3):
    r""":math:`I_{NMDA} = g_{max} [Mg] e^{V/v_0}/(1 + [Mg] e^{V/v_0})` exactly as the notes write it."""
    return ck.finite("g_max", g_max, "nmda_current_survey") * nmda_block_survey(V, mg, v0)


def nmda_block_jahr_stevens(V, mg: float = 1.0):
    r"""Jahr & Stevens (1990): :math:`B(V) = 1/(1 + \frac{[Mg]}{3.57\,\mathrm{mM}} e^{-0.062\,V/\mathrm{mV}})`.

    V in volts, [Mg] in mM (>= 0). B -> 1 for V -> +inf or [Mg] = 0; B -> 0 for V -> -inf.
    """
    mg = float(ck.nonnegative("mg", mg, "nmda_block_jahr_stevens"))
    V = ck.finite("V", V, "nmda_block_jahr_stevens")
    if mg == 0:
        return np.ones_like(V)
    z = 62.0 * V - np.log(mg / 3.57)  # 0.062/mV = 62/V
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def nmda_current_jahr_stevens(V, g: float, E: float = 0.0, mg: float = 1.0):
    """``g B(V) (V - E)`` with the Jahr–Stevens block (outward positive)."""
    V = ck.finite("V", V, "nmda_current_jahr_stevens")
    return g * nmda_block_jahr_stevens(V, mg) * (V - E)


# --------------------------------------------------------------------------------------
# S3
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TMParams:
    """Tsodyks–Markram depression: release fraction ``U`` in (0, 1], recovery ``tau_D`` (s)."""

    U: float = 0.5
    tau_D: float = 0.2

    def __post_init__(self):
        ck.in_range("U", self.U, 0.0, 1.0, "TMParams")
        if not self.U > 0:
            raise ParameterError("U", self.U, "(0, 1]", "TMParams")
        ck.positive("tau_D", self.tau_D, "TMParams")


def tm_step(x, spikes, params: TMParams, dt: float):
    r"""One step: recover exactly :math:`x \leftarrow 1 - (1 - x)e^{-dt/\tau_D}`, then a
    spike at the end of the step releases :math:`U x` and leaves :math:`(1-U)x`.

    Returns ``(x_new, released)`` with ``released = U x^-`` where a spike occurred (else 0).
    """
    dt = ck.check_dt(dt, "tm_step")
    x = np.asarray(x, dtype=float)
    s = np.asarray(spikes, dtype=bool)
    x_pre = 1.0 - (1.0 - x) * np.exp(-dt / params.tau_D)
    rel = np.where(s, params.U * x_pre, 0.0)
    return x_pre - rel, rel


def tm_train(spike_times, params: TMParams, x0: float = 1.0) -> np.ndarray:
    """Event-driven exact solution: ``x`` just before each spike of a train (sorted, s)."""
    t = np.sort(ck.finite("spike_times", spike_times, "tm_train"))
    out = np.empty(t.size)
    x, last = float(x0), None
    for i, tk in enumerate(t):
        if last is not None:
            x = 1.0 - (1.0 - x) * np.exp(-(tk - last) / params.tau_D)
        out[i] = x
        x = (1.0 - params.U) * x
        last = tk
    return out


def tm_steady_state(T: float, params: TMParams) -> float:
    r""":math:`x^* = (1 - e^{-T/\tau_D})/(1 - (1-U)e^{-T/\tau_D})` for a regular train of period T."""
    e = np.exp(-ck.positive("T", T, "tm_steady_state") / params.tau_D)
    return float((1 - e) / (1 - (1 - params.U) * e))


# --------------------------------------------------------------------------------------
# S4
# --------------------------------------------------------------------------------------
def delayed_times(spike_times, delay):
    """Continuous time: arrival ``t + d`` for each spike (``delay`` scalar or per spike, >= 0)."""
    d = ck.nonnegative("delay", delay, "delayed_times")
    return ck.finite("spike_times", spike_times, "delayed_times") + d


def delay_in_steps(delay, dt: float) -> np.ndarray:
    """Delays (s) as whole steps; raises unless each is a non-negative multiple of dt (1e-9 rel.)."""
    dt = ck.check_dt(dt, "delay_in_steps")
    d = ck.nonnegative("delay", delay, "delay_in_steps")
    k = np.rint(d / dt)
    if np.any(np.abs(k * dt - d) > 1e-9 * np.maximum(d, dt)):
        bad = d[np.abs(k * dt - d) > 1e-9 * np.maximum(d, dt)].flat[0]
        raise ParameterError("delay", float(bad), f"a multiple of dt = {dt:g} s", "delay_in_steps")
    return k.astype(np.int64)


class DelayLine(NamedTuple):
    """Ring buffer: ``ring[(k + d) % D, post]`` accumulates input due in step ``k + d``."""

    ring: np.ndarray
    step: int


def delay_init(n_post: int, max_delay_steps: int) -> DelayLine:
    n_post = ck.positive_int("n_post", n_post, "delay_init")
    D = ck.positive_int("max_delay_steps", max_delay_steps, "delay_init", minimum=0) + 1
    return DelayLine(np.zeros((D, n_post)), 0)


def delay_step(line: DelayLine, spikes, pre_idx, post_idx, weight, delay_steps):
    """Route-then-deliver one step.

    Each synapse (``pre_idx -> post_idx``) of a pre neuron that spiked in this step
    (``line.step``) adds ``weight`` to the slot of step ``line.step + delay_steps``; then the
    slot of the current step is returned as ``delivered`` (n_post,) and cleared. So a spike
    in step k with delay d is delivered by the call for step k + d exactly (d = 0: the same
    call). ``delay_steps`` must lie in [0, D-1]. Returns ``(new_line, delivered)``.
    """
    ring, k = line
    D = ring.shape[0]
    ds = np.asarray(delay_steps, dtype=np.int64)
    if ds.size and (ds.min() < 0 or ds.max() >= D):
        raise ParameterError("delay_steps", int(ds.max() if ds.max() >= D else ds.min()), f"[0, {D - 1}]",
                             "delay_step")
    ring = ring.copy()
    s = np.asarray(spikes, dtype=bool)
    active = s[np.asarray(pre_idx, dtype=np.int64)]
    w = np.broadcast_to(np.asarray(weight, dtype=float), active.shape)
    dd = np.broadcast_to(ds, active.shape)
    np.add.at(ring, ((k + dd[active]) % D, np.asarray(post_idx)[active]), w[active])
    slot = k % D
    delivered = ring[slot].copy()
    ring[slot] = 0.0
    return DelayLine(ring, k + 1), delivered
