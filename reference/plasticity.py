r"""Plasticity rules (P1–P3) and the survey's combined ``SynapticPlasticity`` capability.

P1 pair-based STDP (parameters: :class:`neuromorph.network.STDP`)
    :math:`\Delta W = A_+ e^{-\Delta t/\tau_+}` for :math:`\Delta t = t_{post} - t_{pre} > 0`,
    :math:`A_- e^{\Delta t/\tau_-}` for :math:`\Delta t < 0` (``A_minus`` < 0 depresses),
    0 for :math:`\Delta t = 0`; all-to-all pairs. The trace form (pre trace
    :math:`x \mathrel{+}= 1` at pre spikes, post trace :math:`y \mathrel{+}= 1` at post
    spikes, both decaying; :math:`\Delta W \mathrel{+}= A_+ x` at post, :math:`A_- y` at pre)
    equals the explicit pairwise sum.

P2 Hebbian learning with decay
    :math:`\frac{dW_{ij}}{dt} = \eta (r_i r_j - \alpha W_{ij})`; for constant rates
    :math:`W \to r_i r_j/\alpha` with rate :math:`\eta\alpha` (exact update used).

P3 homeostatic synaptic scaling (multiplicative, van Rossum et al. 2000)
    :math:`\tau_H \frac{dW_{ij}}{dt} = W_{ij}\,(r_{target} - r_i)/r_{target}`: all inputs of
    neuron i scale together until its rate returns to the target.

The survey's ``SynapticPlasticity.simulate_plasticity`` is :class:`SynapticPlasticity`
here (see its docstring for the name mapping).

Units: SI (s, Hz); weights in whatever unit the caller uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from neuromorph.errors import ParameterError
from neuromorph.network import STDP

from . import _checks as ck
from .synapses import TMParams, tm_step

__all__ = [
    "STDP", "stdp_window", "stdp_pairwise", "stdp_traces", "STDPTraceState", "stdp_init", "stdp_step",
    "hebbian_step", "hebbian_fixed_point",
    "ScalingParams", "scaling_step",
    "SynapticPlasticity", "PlasticityResult",
]


# --------------------------------------------------------------------------------------
# P1
# --------------------------------------------------------------------------------------
def stdp_window(delta_t, params: STDP = STDP()):
    r"""The pair window :math:`W(\Delta t)`, :math:`\Delta t = t_{post} - t_{pre}` (s)."""
    d = np.asarray(ck.finite("delta_t", delta_t, "stdp_window"))
    pos = params.A_plus * np.exp(-np.abs(d) / params.tau_plus)
    neg = params.A_minus * np.exp(-np.abs(d) / params.tau_minus)
    return np.where(d > 0, pos, np.where(d < 0, neg, 0.0))


def stdp_pairwise(pre_times, post_times, params: STDP = STDP()) -> float:
    """Explicit all-to-all sum :math:`\\sum_{pre}\\sum_{post} W(t_{post} - t_{pre})` (no clipping)."""
    pre = np.asarray(pre_times, dtype=float)
    post = np.asarray(post_times, dtype=float)
    if pre.size == 0 or post.size == 0:
        return 0.0
    return float(np.sum(stdp_window(post[None, :] - pre[:, None], params)))


def stdp_traces(pre_times, post_times, params: STDP = STDP()) -> float:
    """Event-driven trace form of the same rule (continuous time, no clipping).

    Events are processed in time order; at equal times every update reads the traces
    *before* that time's impulses are added, so simultaneous pairs contribute 0.
    """
    pre = np.sort(np.asarray(pre_times, dtype=float))
    post = np.sort(np.asarray(post_times, dtype=float))
    times = np.unique(np.concatenate([pre, post]))
    x = y = 0.0
    last = None
    dw = 0.0
    for t in times:
        if last is not None:
            x *= np.exp(-(t - last) / params.tau_plus)
            y *= np.exp(-(t - last) / params.tau_minus)
        n_pre = np.count_nonzero(pre == t)
        n_post = np.count_nonzero(post == t)
        dw += n_post * params.A_plus * x + n_pre * params.A_minus * y
        x += n_pre
        y += n_post
        last = t
    return dw


class STDPTraceState(NamedTuple):
    x_pre: np.ndarray   # (n_pre,)
    y_post: np.ndarray  # (n_post,)


def stdp_init(n_pre: int, n_post: int) -> STDPTraceState:
    return STDPTraceState(np.zeros(n_pre), np.zeros(n_post))


def stdp_step(state: STDPTraceState, W, pre_spikes, post_spikes, params: STDP, dt: float, clip: bool = True):
    """One grid step of trace STDP on a dense weight matrix ``W`` (n_post, n_pre).

    Order: decay traces by ``exp(-dt/tau)``; potentiate ``W[i, :] += A_plus x_pre`` for each
    post spike i and depress ``W[:, j] += A_minus y_post`` for each pre spike j (both with
    the traces before this step's impulses); add the impulses; clip to [w_min, w_max].
    Returns ``(state, W_new)``.
    """
    dt = ck.check_dt(dt, "stdp_step")
    x = state.x_pre * np.exp(-dt / params.tau_plus)
    y = state.y_post * np.exp(-dt / params.tau_minus)
    pre = np.asarray(pre_spikes, dtype=float)
    post = np.asarray(post_spikes, dtype=float)
    W = np.asarray(W, dtype=float)
    if W.shape != (post.size, pre.size):
        raise ParameterError("W", f"shape {W.shape}", f"(n_post, n_pre) = ({post.size}, {pre.size})", "stdp_step")
    W = W + params.A_plus * np.outer(post, x) + params.A_minus * np.outer(y, pre)
    if clip:
        W = np.clip(W, params.w_min, params.w_max)
    return STDPTraceState(x + pre, y + post), W


# --------------------------------------------------------------------------------------
# P2
# --------------------------------------------------------------------------------------
def hebbian_fixed_point(r_post, r_pre, alpha: float):
    """:math:`W^* = r_i r_j / \\alpha` (n_post, n_pre)."""
    alpha = float(ck.positive("alpha", alpha, "hebbian_fixed_point"))
    return np.outer(np.asarray(r_post, dtype=float), np.asarray(r_pre, dtype=float)) / alpha


def hebbian_step(W, r_post, r_pre, eta: float, alpha: float, dt: float, method: str = "exact"):
    r"""One step of :math:`\dot W = \eta(r_i r_j - \alpha W)` for rates constant over the step.

    ``"exact"``: :math:`W \leftarrow W^* + (W - W^*) e^{-\eta\alpha dt}`; ``"euler"`` requires
    ``dt < 2/(eta alpha)``. Returns ``(W_new, None)``.
    """
    ctx = "hebbian_step"
    dt = ck.check_dt(dt, ctx)
    eta = float(ck.positive("eta", eta, ctx))
    alpha = float(ck.positive("alpha", alpha, ctx))
    ck.choice("method", method, ("exact", "euler"), ctx)
    W = ck.finite("W", W, ctx)
    Ws = hebbian_fixed_point(ck.finite("r_post", r_post, ctx), ck.finite("r_pre", r_pre, ctx), alpha)
    ck.same_shape("W", W, Ws.shape, ctx)
    if method == "exact":
        return Ws + (W - Ws) * np.exp(-eta * alpha * dt), None
    ck.stable_dt(dt, 2 / (eta * alpha), ctx, "explicit Euler: dt < 2/(eta alpha)")
    return W + dt * eta * alpha * (Ws - W), None


# --------------------------------------------------------------------------------------
# P3
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScalingParams:
    """Synaptic scaling: target rate (Hz), time constant ``tau_h`` (s), rate-estimate
    time constant ``tau_rate`` (s) used by :class:`SynapticPlasticity`."""

    r_target: float = 5.0
    tau_h: float = 10.0
    tau_rate: float = 1.0

    def __post_init__(self):
        ck.positive("r_target", self.r_target, "ScalingParams")
        ck.positive("tau_h", self.tau_h, "ScalingParams")
        ck.positive("tau_rate", self.tau_rate, "ScalingParams")


def scaling_step(W, rate, params: ScalingParams, dt: float):
    r"""Multiplicative scaling of each row i of ``W`` (n_post, n_pre) for one step:

    .. math:: W_{ij} \leftarrow W_{ij} \exp\!\left(\frac{dt}{\tau_H}\,\frac{r_{target} - r_i}{r_{target}}\right)

    (the exact solution of the linear-in-W rule for a rate held over the step; the
    ratios between a neuron's weights are preserved). Returns ``(W_new, None)``.
    """
    dt = ck.check_dt(dt, "scaling_step")
    W = ck.finite("W", W, "scaling_step")
    r = np.atleast_1d(ck.finite("rate", rate, "scaling_step"))
    if W.ndim != 2 or r.shape != (W.shape[0],):
        raise ParameterError("rate", f"shape {r.shape}", f"({W.shape[0]},) (one per row of W)", "scaling_step")
    g = np.exp(dt / params.tau_h * (params.r_target - r) / params.r_target)
    return W * g[:, None], None


# --------------------------------------------------------------------------------------
# the survey's SynapticPlasticity capability
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlasticityResult:
    """Output of :meth:`SynapticPlasticity.simulate_plasticity`.

    ``t`` (n_steps+1,) s; ``weights`` (n_steps+1, n_post, n_pre) long-term weights;
    ``efficacy`` (n_steps, n_post, n_pre) the transmitted strength ``W * U * x_pre`` at each
    pre spike (0 elsewhere; ``W`` when STP is off); ``x`` (n_steps+1, n_pre) STP resources;
    ``rate`` (n_steps+1, n_post) post rate estimate (Hz); ``stats`` summary numbers.
    """

    t: np.ndarray
    weights: np.ndarray
    efficacy: np.ndarray
    x: np.ndarray
    rate: np.ndarray
    stats: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SynapticPlasticity:
    """STDP + short-term depression + homeostatic scaling, applied together.

    Mapping to the survey's ``SynapticPlasticity`` class:

    ======================================== =============================================
    survey                                   here
    ======================================== =============================================
    ``STDPMechanism.compute_change``         :func:`stdp_step` (trace form of P1)
    ``ShortTermPlasticity.compute_change``   :func:`reference.synapses.tm_step` (S3); it
                                             scales the *transmitted* efficacy ``W U x``
                                             instead of being added to ``W`` (adding a
                                             short-term change to the long-term weight, as
                                             the sketch does, would make it permanent)
    ``HomeostaticPlasticity.compute_change`` :func:`scaling_step` (P3) driven by a
                                             post-rate estimate (trace, ``tau_rate``)
    ``simulate_plasticity(pre, post, W0,``   :meth:`simulate_plasticity` (rasters in, dt
    ``time_span)``                           given explicitly)
    ``get_stats()``                          :attr:`PlasticityResult.stats`
    ======================================== =============================================

    Any component may be None (switched off).
    """

    stdp: STDP | None = STDP()
    stp: TMParams | None = TMParams()
    homeostasis: ScalingParams | None = ScalingParams()

    def simulate_plasticity(self, pre_spikes, post_spikes, initial_weights, dt: float) -> PlasticityResult:
        """Apply all three rules along given spike rasters.

        Parameters
        ----------
        pre_spikes : bool array (n_steps, n_pre)
        post_spikes : bool array (n_steps, n_post)
        initial_weights : array (n_post, n_pre)
        dt : float
            Step (s).
        """
        ctx = "SynapticPlasticity.simulate_plasticity"
        dt = ck.check_dt(dt, ctx)
        pre = np.asarray(pre_spikes, dtype=bool)
        post = np.asarray(post_spikes, dtype=bool)
        W = ck.finite("initial_weights", initial_weights, ctx).copy()
        if pre.ndim != 2 or post.ndim != 2 or pre.shape[0] != post.shape[0]:
            raise ParameterError("post_spikes", f"shape {post.shape}", f"(n_steps, n_post) with n_steps = "
                                 f"{pre.shape[0] if pre.ndim else '?'} (as pre_spikes)", ctx)
        n_steps, n_pre = pre.shape
        n_post = post.shape[1]
        ck.same_shape("initial_weights", W, (n_post, n_pre), ctx)
        weights = np.empty((n_steps + 1, n_post, n_pre))
        eff = np.zeros((n_steps, n_post, n_pre))
        xs = np.ones((n_steps + 1, n_pre))
        rates = np.zeros((n_steps + 1, n_post))
        weights[0] = W
        tr = stdp_init(n_pre, n_post)
        x = np.ones(n_pre)
        rate = np.full(n_post, self.homeostasis.r_target if self.homeostasis else 0.0)
        rates[0] = rate
        tau_r = self.homeostasis.tau_rate if self.homeostasis else 1.0
        decay_r = np.exp(-dt / tau_r)
        dw_stdp = 0.0
        for k in range(n_steps):
            if self.stp is not None:
                x, released = tm_step(x, pre[k], self.stp, dt)
                eff[k] = W * released[None, :]
            else:
                eff[k] = W * pre[k][None, :]
            if self.stdp is not None:
                W_before = W
                tr, W = stdp_step(tr, W, pre[k], post[k], self.stdp, dt)
                dw_stdp += float(np.sum(W - W_before))
            rate = rate * decay_r + post[k] / tau_r
            if self.homeostasis is not None:
                W, _ = scaling_step(W, rate, self.homeostasis, dt)
                if self.stdp is not None:
                    W = np.clip(W, self.stdp.w_min, self.stdp.w_max)
            weights[k + 1], xs[k + 1], rates[k + 1] = W, x, rate
        stats = {
            "stdp_total_change": dw_stdp,
            "mean_weight_start": float(weights[0].mean()),
            "mean_weight_end": float(weights[-1].mean()),
            "stp_min_resources": float(xs.min()),
            "post_rate_end_hz": rates[-1].tolist(),
        }
        return PlasticityResult(np.arange(n_steps + 1) * dt, weights, eff, xs, rates, stats)

