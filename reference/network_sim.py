r"""Float64 reference simulator of a :class:`neuromorph.network.Network` (catalogue W5).

``simulate(network, n_steps, mode)`` runs the *same* network description the chip
compiles, in float64, and returns the chip's result types (:class:`SpikeLog`,
:class:`Traces` in a :class:`RunResult`). Two modes let a comparison separate the two
sources of chip error:

* ``continuous`` vs ``hardware``: time-discretisation error (the chip's step order);
* ``hardware`` vs the chip: quantization error (the chip's integers).

Time convention (both modes, as the chip)
-----------------------------------------
Step ``k`` is the interval ``(k dt, (k+1) dt]``. The trace sample of step ``k`` is the
state at the *end* of the step, ``t = (k+1) dt`` (``Traces.steps`` holds ``k``). A
source spike of step ``k`` happens at ``t = k dt``; a synapse of delay ``δ`` delivers it
in step ``k + round(δ/dt)``, i.e. at ``t = k dt + δ`` in continuous mode. Sample ``k`` is
taken for ``(k + 1) % record_every == 0`` (so the final state is always the last
sample when ``record_every`` divides ``n_steps``).

Mode ``"hardware"`` — hardware-ordered float
--------------------------------------------
The chip's phase order (docs/hardware-model.md §4) and time step, in float64 with the
*ideal* (unquantized) decay factors, no wrap, no saturation, no rounding. Per step ``k``:

1. **deliver**: ``A_i`` = sum of the weights of the spikes that arrive in step ``k``
   (a ring of ``D = max delay + 1`` slots, read and cleared);
2. **integrate** every neuron in ascending global id (below); sources fire per their
   ``events`` schedule (exactly the chip's spikes);
3. **route** the spikes of step ``k`` into ring slot ``k + d``, ``d = round(delay/dt)``
   (half to even, ``np.rint``) for :class:`Projection`, ``d = 1 + delay_steps`` for
   :class:`ProjectionRegisters`;
4. **learn** (STDP and the learning engine's rules on plastic projections, after routing:
   a pre spike of step ``k`` is routed with the weight it had before step ``k``'s update);
5. **record** spikes and probed state.

Physical ``LIF`` (``x = V - v_reset``, ``θ = v_th - v_reset``, ``α_V = e^{-dt/τ_m}``,
``α_I = e^{-dt/τ_syn}``, ``α_I = 0`` for ``τ_syn = 0``, ``R_ref = round(t_ref/dt)``)::

    I  = α_I I + A
    if ref > 0:  ref -= 1                       (x stays at its reset value 0)
    else:
        x = α_V x + (1-α_V)/g_L · I + (1-α_V)(E_L - v_reset + I_bias/g_L)
        if x > θ:  spike, x = 0, ref = R_ref    (strict; I is not reset)

This is docs/hardware-model.md §2 with §7's register mapping undone term by term: the
chip's ``u`` is ``(1-α_V) I / (g_L s_v)``, its bias ``(1-α_V)(I_bias + g_L(E_L -
v_reset))/(g_L s_v)``, ``fu/2^decay_bits → α_I``, ``fv/2^decay_bits → α_V``,
``vth << vth_shift → θ/s_v``, weights ``(1-α_V) w/(g_L s_v)``. ``u`` is recorded as ``I``
(A), ``v`` as ``x + v_reset`` (V). The physical rule uses the ideal factors, so it does not
depend on the chip.

``LIFRegisters`` (with ``ProjectionRegisters``; hardware mode only) run the same rule
on the register *values* as exact reals (recorded in LSBs), with the widths and shifts of
``chip.core`` (``simulate(..., chip=...)``, default the loihi preset: ``D = decay_bits = 12``,
``du_offset = 1``, ``input_shift = vth_shift = 6``)::

    u' = u (1 - (du + du_offset)/2**D) + 2**input_shift · a,      a = Σ weight_mant · 2**weight_exp
    ref > 0: ref -= 1 (v frozen)  else  v' = v (1 - dv/2**D) + u' + bias_mant · 2**bias_exp
    v' > vth · 2**vth_shift: spike; v' = 0 ('zero') or v' - vth · 2**vth_shift ('subtract');
    u' = 0 if reset_u; ref = refractory_steps

with no trunc0, no wrap of ``u``, no saturation of ``v`` or the accumulator, and the
weight mantissas taken as given (the chip's weight clip and LSB truncation are
quantization and are *not* applied). Recorded ``u``/``v`` are in register LSBs. The
difference from a chip with the same ``ChipSpec`` is then exactly its rounding/wrapping;
a register-level network compared with a non-loihi chip must pass that chip here.

``Izhikevich`` (own units: v in mV, t in ms, I dimensionless): Izhikevich's Euler scheme
at ``dt_ms = 1000 dt``, v first, then u with the new v::

    v' = v + dt_ms (k2 v² + k1 v + k0 - u + I_bias + J + A)
    u' = u + dt_ms a (b v' - u)          (u_rule 'accommodation': u' = u + dt_ms a b (v' + 65))
    v' > v_peak (strict): spike, v' = c, u' = u' + d

Synaptic input into an Izhikevich population: the projection's ``weight`` value is
taken as an increment of the dimensionless input ``I`` (no unit conversion) that lasts
one step ``dt`` (Izhikevich 2003's network input), i.e. ``A`` above.

Injected current (``Network.inject``, where the description has it): ``J`` of a step is
in the population's input units and lasts that whole step. LIF: amperes added to
``I_bias`` (``x`` gains ``(1-α_V) J/g_L``); ``LIFRegisters``: v-LSBs added to the bias;
Izhikevich: added to ``I`` (``J`` above). In continuous mode it is a current constant
over ``[k dt, (k+1) dt)``.

Mode ``"continuous"`` — event-exact
-----------------------------------
Every event happens at its exact time and the state between events is integrated
exactly where a closed form exists:

* Sources fire at ``k dt``; a neuron fires at its exact threshold-crossing time;
  a spike at ``t`` arrives at ``t + delay`` (the delay as given, not rounded; arrival
  times within 1e-9 dt of a step boundary are snapped onto it).
* ``LIF``: between events ``(x, I)`` is advanced by the closed-form solution of the
  linear 2-D system ``τ_syn İ = -I``, ``τ_m ẋ = -x + (E_L - v_reset) + (I + I_bias)/g_L``
  (``τ_syn = τ_m`` included). The crossing of ``θ`` is located by safeguarded Newton on
  the closed form to ~1e-15 relative (between events ``x`` has at most one extremum, so
  no crossing is missed), reported as the sub-step spike ``SpikeLog.times``; ``x`` is
  then held at 0 for exactly ``t_ref`` seconds (``I`` keeps decaying and integrating).
  ``τ_syn = 0`` (a current that lasts one step on the chip) is a rectangular current
  pulse of amplitude ``w`` and width ``dt`` from the arrival time. ``substeps`` is not
  used for LIF: the solution is exact whatever the step.
* ``Izhikevich``: classical RK4 with sub-steps of at most ``dt/substeps`` (default:
  sub-steps of at most 10 µs), split at every input event; a crossing of ``v_peak`` is
  located by bisection on the RK4 step length, and the reset ``v = c, u += d`` happens at
  that time. Input pulses of amplitude ``w`` and width ``dt`` as in hardware mode.
* ``LIFRegisters``/``ProjectionRegisters`` have no continuous-time meaning: refused.
  Other register models (e.g. ``IzhikevichRegisters``) are refused in both modes.

STDP (both modes)
-----------------
Pair-based additive STDP with all-to-all interaction (:class:`neuromorph.network.STDP`)
on projections with ``plasticity``: per pre neuron a trace ``x`` (decay ``τ+``, +1 per
spike), per post neuron a trace ``y`` (decay ``τ-``). At a post spike every incoming
plastic weight gains ``A+ · x_pre``; at a pre spike every outgoing plastic weight gains
``A- · y_post``; traces hold the spikes strictly before the current time, so pairs with
``Δt = 0`` change nothing and the result equals the explicit sum
``Σ_pairs A± exp(-|Δt|/τ±)`` over all (pre, post) pairs. Spike times are emission times
(``k dt`` in hardware mode, exact times in continuous mode). Weights are clipped to
``[w_min, w_max]`` after each learning event (the clip makes the sum order-dependent; a
check against the explicit sum needs weights that stay inside the bounds). Final
weights: ``RunResult.weights[projection_index]`` (projection-local synapse order).

The learning engine's float twin (hardware mode only)
------------------------------------------------------
A ``ProjectionRegisters`` whose ``plasticity`` is a :class:`neuromorph.learning.LearningRule`
(or ``STDPRegisters``, taken as its rule ``learning.as_rule``: the same terms) runs
docs/hardware-model.md §3.5 in float64 with **no rounding**, with ``chip.core``'s
``F = trace_frac_bits`` and ``trace_decay_bits``:

* **traces**: each trace the rule keeps (``x1``, ``x2`` per pre neuron, sources included;
  ``y1``, ``y2``, ``y3`` per post neuron), per plastic projection, in spike units: a spike
  adds ``impulse / 2**F`` (``impulse`` None: 1.0) and every step multiplies by the
  realised factor ``decay / 2**trace_decay_bits`` (no floor). Saturation at
  ``2**trace_bits - 1`` (``TRACE_SAT``) is **not** modelled.
* **weights**: ``W`` of each plastic synapse is a float in W-register units (initial
  ``weight_mant``) and is delivered as the reference delivers register weights,
  ``W · 2**weight_exp`` (no floor of the per-step sum).
* **phase 4 of step k**, after the route (so step k's spikes travel with the weights from
  before its learning), in the chip's order: 4a every plastic synapse into a neuron that
  fired in step k: ``W = clip(W + Σ_{y0 terms} t, w_lo, w_hi)``; 4b every plastic synapse
  out of a neuron or source that fired: the ``x0`` terms, clipped; 4u every plastic
  synapse, every step: the ``u0`` terms, clipped; 4c the traces of the neurons that fired
  gain their impulses; 4d every trace decays. 4a/4b/4u read traces holding only spikes of
  steps before k and ``W`` as it was before the phase's sum.
* a **term** is ``Term.float_value``: ``mant · 2**exp · Π (f + C)``, a trace ``f`` in spike
  units (its constant ``C``, ``C << F`` trace LSBs on the chip, is ``C`` spike units), ``w``
  in W units; no intermediate or final rounding and no clamp to ``±(2**40 - 1)``.

The chip differs from the twin only by its roundings: each trace decay floors (a trace
stays below the twin's by less than ``1/(1 - decay/2**trace_decay_bits)`` LSBs of
``2**-F``), each product rounds once per factor but the last and the term once more (at
most 1/2 LSB each, the intermediate ones scaled by the later factors and ``2**exp``),
and the saturations above. Rules whose integers are exact (power-of-two decays, impulses
and scales that leave no fraction) give the chip's weights exactly. Final weights:
``RunResult.weights[projection_index]``, the ``W`` registers as floats (projection-local
synapse order; the chip reports the same registers as int64).

Probes
------
Columns are the probed neurons in the order of ``network.probes`` (concatenated, as the
chip's compiler lays them out); ``"u"`` and ``"v"`` are both recorded for every column.
``Traces.units`` gives the unit of a variable when all columns share it; otherwise it
reads ``"mixed"`` and ``info["column_units"][var]`` lists one unit per column.
"""

from __future__ import annotations

import math
import time
from typing import NamedTuple

import numpy as np

from neuromorph.errors import ParameterError
from neuromorph.hardware import LOIHI, ChipSpec
from neuromorph.learning import DEPENDENCIES, FACTORS, MAX_FACTORS, TRACES, LearningRule, as_rule
from neuromorph.network import (
    LIF, STDP, Izhikevich, LIFRegisters, Network, PoissonSpikes, Projection, ProjectionRegisters,
    RegularSpikes, RunResult, SpikeLog, SpikeTimes, STDPRegisters, Traces,
)

__all__ = ["simulate", "MODES", "DEFAULT_IZH_SUBSTEP"]

MODES = ("hardware", "continuous")
DEFAULT_IZH_SUBSTEP = 10e-6  # s: default largest Izhikevich RK4 sub-step in continuous mode

_SOURCES = (SpikeTimes, RegularSpikes, PoissonSpikes)


def _int_arg(name: str, value, minimum: int, context: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(name, value, f"an integer >= {minimum}", context)
    return int(value)


def _per_neuron(value, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), (n,)).astype(float)


# --------------------------------------------------------------------------------------
# building flat arrays
# --------------------------------------------------------------------------------------
class _Plan:
    """Flat float64/int64 arrays describing the network for the kernels."""


def _build_neurons(net: Network, mode: str, chip: ChipSpec, plan: _Plan) -> None:
    """Per-neuron factors; register-level populations read their widths and shifts from ``chip.core``."""
    core = chip.core
    unity = float(core.decay_unity)
    N = net.n_neurons
    dt = net.dt
    f = lambda v=0.0: np.full(N, v, dtype=float)  # noqa: E731
    plan.kind = np.zeros(N, np.int64)
    # hardware linear family
    plan.aI, plan.kA, plan.aV, plan.kI, plan.b = f(), f(), f(), f(), f()
    plan.theta = f(np.inf)
    plan.ref_steps = np.zeros(N, np.int64)
    plan.subtract = np.zeros(N, np.bool_)
    plan.reset_u = np.zeros(N, np.bool_)
    # continuous LIF
    plan.inv_tau, plan.inv_tau_s, plan.R, plan.c, plan.t_ref = f(), f(), f(), f(), f()
    plan.pulse = np.zeros(N, np.bool_)
    # Izhikevich
    plan.iz = {k: f() for k in ("a", "b", "c", "d", "peak", "k2", "k1", "k0", "bias")}
    plan.iz["peak"][:] = np.inf
    plan.iz_acc = np.zeros(N, np.bool_)
    plan.k_inj = f()  # hardware: x gains k_inj * (injected current) in a step
    # state and recording offsets/units
    plan.x0, plan.y0, plan.v_off = f(), f(), f()
    plan.unit_u = np.full(N, "", dtype=object)
    plan.unit_v = np.full(N, "", dtype=object)
    for pop in net.populations.values():
        sl = slice(pop.start, pop.stop)
        m = pop.model
        ctx = f"population {pop.name!r}"
        if pop.is_source:
            if not isinstance(m, _SOURCES):
                raise ParameterError("source", type(m).__name__, "SpikeTimes, RegularSpikes or PoissonSpikes", ctx)
            continue
        if isinstance(m, LIF):
            plan.kind[sl] = 1
            one_m_aV = -math.expm1(-dt / m.tau_m)
            plan.aV[sl] = math.exp(-dt / m.tau_m)
            plan.aI[sl] = math.exp(-dt / m.tau_syn) if m.tau_syn > 0 else 0.0
            plan.kA[sl] = 1.0
            plan.kI[sl] = one_m_aV / m.g_L
            plan.k_inj[sl] = one_m_aV / m.g_L
            plan.b[sl] = one_m_aV * (m.E_L - m.v_reset + m.I_bias / m.g_L)
            plan.theta[sl] = m.v_th - m.v_reset
            plan.ref_steps[sl] = int(round(m.t_ref / dt))
            plan.inv_tau[sl] = 1.0 / m.tau_m
            plan.inv_tau_s[sl] = 1.0 / m.tau_syn if m.tau_syn > 0 else 0.0
            plan.pulse[sl] = m.tau_syn == 0
            plan.R[sl] = 1.0 / m.g_L
            plan.c[sl] = m.E_L - m.v_reset + m.I_bias / m.g_L
            plan.t_ref[sl] = m.t_ref
            plan.x0[sl] = 0.0 if m.v_init is None else m.v_init - m.v_reset
            plan.v_off[sl] = m.v_reset
            plan.unit_u[sl], plan.unit_v[sl] = "A", "V"
        elif isinstance(m, LIFRegisters):
            if mode != "hardware":
                raise ParameterError("model", "LIFRegisters",
                                     "LIF or Izhikevich in mode 'continuous' "
                                     "(LIFRegisters runs in mode 'hardware' only)",
                                     ctx)
            plan.kind[sl] = 1
            plan.aI[sl] = 1.0 - (m.du + core.du_offset) / unity
            plan.kA[sl] = float(1 << core.input_shift)
            plan.aV[sl] = 1.0 - m.dv / unity
            plan.kI[sl] = 1.0
            plan.k_inj[sl] = 1.0  # injected v-LSB per step, added like the bias
            plan.b[sl] = _per_neuron(m.bias_mant, pop.size) * np.exp2(_per_neuron(m.bias_exp, pop.size))
            plan.theta[sl] = float(int(m.vth) << core.vth_shift)
            plan.ref_steps[sl] = int(m.refractory_steps)
            plan.subtract[sl] = m.reset_mode == "subtract"
            plan.reset_u[sl] = bool(m.reset_u)
            plan.x0[sl] = _per_neuron(m.v_init, pop.size)
            plan.y0[sl] = _per_neuron(m.u_init, pop.size)
            plan.unit_u[sl], plan.unit_v[sl] = "LSB", "LSB"
        elif isinstance(m, Izhikevich):
            if mode == "continuous" and not m.c < m.v_peak:
                raise ParameterError("c", m.c, f"< v_peak = {m.v_peak} (continuous mode)", ctx)
            u_rule = getattr(m, "u_rule", "standard")
            if u_rule not in ("standard", "accommodation"):
                raise ParameterError("u_rule", u_rule, "'standard' or 'accommodation'", ctx)
            plan.kind[sl] = 2
            plan.iz_acc[sl] = u_rule == "accommodation"
            plan.k_inj[sl] = 1.0
            for k, v in (("a", m.a), ("b", m.b), ("c", m.c), ("d", m.d), ("peak", m.v_peak),
                         ("k2", m.k2), ("k1", m.k1), ("k0", m.k0), ("bias", m.I_bias)):
                plan.iz[k][sl] = v
            plan.pulse[sl] = True
            plan.x0[sl] = m.v_init
            plan.y0[sl] = m.b * m.v_init if m.u_init is None else m.u_init
            plan.unit_u[sl], plan.unit_v[sl] = "1 (Izhikevich u)", "mV"
        else:
            raise ParameterError("model", type(m).__name__,
                                 "LIF, LIFRegisters (hardware mode) or Izhikevich; the reference has no float "
                                 "interpretation of other register models", ctx)


def _build_synapses(net: Network, mode: str, plan: _Plan) -> None:
    dt = net.dt
    pre_g, post_g, w, d_steps, d_sec, sizes = [], [], [], [], [], []
    for pi, proj in enumerate(net.projections):
        ctx = f"projection {pi} ({proj.pre}->{proj.post})"
        pre, post = net.populations[proj.pre], net.populations[proj.post]
        if post.is_source:
            raise ParameterError("post", proj.post, "a neuron population", ctx)
        if isinstance(proj, Projection):
            if isinstance(post.model, LIFRegisters):
                raise ParameterError("projection", "Projection (amperes) into LIFRegisters",
                                     "ProjectionRegisters into LIFRegisters; Projection into LIF or Izhikevich", ctx)
            delay = np.asarray(proj.delay, dtype=float)
            ds = np.rint(delay / dt).astype(np.int64)
            if ds.size and ds.min() < 1:
                raise ParameterError("delay", float(delay.min()), f">= dt = {dt:g} s", ctx)
            weight = np.asarray(proj.weight, dtype=float)
        elif isinstance(proj, ProjectionRegisters):
            if mode != "hardware":
                raise ParameterError("projection", "ProjectionRegisters",
                                     "Projection in mode 'continuous' "
                                     "(ProjectionRegisters runs in mode 'hardware' only)",
                                     ctx)
            if not isinstance(post.model, LIFRegisters):
                raise ParameterError("projection", f"ProjectionRegisters into {type(post.model).__name__}",
                                     "ProjectionRegisters into LIFRegisters only", ctx)
            extra = np.asarray(proj.delay_steps, dtype=np.int64)
            if extra.size and extra.min() < 0:
                raise ParameterError("delay_steps", int(extra.min()), ">= 0", ctx)
            ds = 1 + extra
            delay = ds * dt
            weight = np.asarray(proj.weight_mant, dtype=float) * 2.0 ** int(proj.weight_exp)
        else:
            raise ParameterError("projection", type(proj).__name__, "Projection or ProjectionRegisters", ctx)
        pre_g.append(pre.start + np.asarray(proj.pre_idx, np.int64))
        post_g.append(post.start + np.asarray(proj.post_idx, np.int64))
        w.append(weight)
        d_steps.append(ds)
        d_sec.append(delay)
        sizes.append(weight.size)
    cat = lambda a, t: np.concatenate(a).astype(t) if a else np.zeros(0, t)  # noqa: E731
    pre_g, post_g = cat(pre_g, np.int64), cat(post_g, np.int64)
    w, d_steps, d_sec = cat(w, float), cat(d_steps, np.int64), cat(d_sec, float)
    order = np.argsort(pre_g, kind="stable")
    plan.syn_post = np.ascontiguousarray(post_g[order])
    plan.syn_w = np.ascontiguousarray(w[order])
    plan.syn_d = np.ascontiguousarray(d_steps[order])
    plan.syn_delay = np.ascontiguousarray(d_sec[order])
    plan.syn_ptr = np.concatenate([[0], np.cumsum(np.bincount(pre_g, minlength=net.n_neurons))]).astype(np.int64)
    position = np.empty(order.size, np.int64)
    position[order] = np.arange(order.size)
    plan.proj_offset = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    plan.position = position  # global (projection-concatenated) synapse -> CSR position
    plan.D = int(d_steps.max()) + 1 if d_steps.size else 1
    plan.Q = (int(math.floor(d_sec.max() / dt + 1e-9)) if d_sec.size else 0) + 4


def _csr(keys: np.ndarray, n: int, *cols: np.ndarray):
    order = np.argsort(keys, kind="stable")
    ptr = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=n))]).astype(np.int64)
    return (ptr,) + tuple(np.ascontiguousarray(c[order]) for c in cols)


def _plastic_tables(net: Network, plan: _Plan) -> tuple:
    N = net.n_neurons
    n_proj = len(net.projections)
    A_plus, A_minus = np.zeros(n_proj), np.zeros(n_proj)
    itp, itm = np.zeros(n_proj), np.zeros(n_proj)
    w_min, w_max = np.full(n_proj, -np.inf), np.full(n_proj, np.inf)
    post_keys, post_pos, post_proj, post_tr = [], [], [], []
    pre_keys, pre_pos, pre_proj, pre_tr = [], [], [], []
    xo_keys, xo_idx, X_proj, yo_keys, yo_idx, Y_proj = [], [], [], [], [], []
    nX = nY = 0
    for pi, proj in enumerate(net.projections):
        rule = getattr(proj, "plasticity", None)
        if rule is None or _is_engine_rule(proj):
            continue                                  # engine rules: _rule_tables
        if not isinstance(rule, STDP):
            raise ParameterError("plasticity", type(rule).__name__,
                                 "STDP, or STDPRegisters / LearningRule on a ProjectionRegisters", f"projection {pi}")
        pre, post = net.populations[proj.pre], net.populations[proj.post]
        A_plus[pi], A_minus[pi] = rule.A_plus, rule.A_minus
        itp[pi], itm[pi] = 1.0 / rule.tau_plus, 1.0 / rule.tau_minus
        w_min[pi], w_max[pi] = rule.w_min, rule.w_max
        pos = plan.position[plan.proj_offset[pi]:plan.proj_offset[pi + 1]]
        pre_i, post_i = np.asarray(proj.pre_idx, np.int64), np.asarray(proj.post_idx, np.int64)
        post_keys.append(post.start + post_i)
        post_pos.append(pos)
        post_proj.append(np.full(pos.size, pi, np.int64))
        post_tr.append(nX + pre_i)
        pre_keys.append(pre.start + pre_i)
        pre_pos.append(pos)
        pre_proj.append(np.full(pos.size, pi, np.int64))
        pre_tr.append(nY + post_i)
        xo_keys.append(pre.start + np.arange(pre.size))
        xo_idx.append(nX + np.arange(pre.size))
        X_proj.append(np.full(pre.size, pi, np.int64))
        yo_keys.append(post.start + np.arange(post.size))
        yo_idx.append(nY + np.arange(post.size))
        Y_proj.append(np.full(post.size, pi, np.int64))
        nX += pre.size
        nY += post.size
    cat = lambda a: np.concatenate(a).astype(np.int64) if a else np.zeros(0, np.int64)  # noqa: E731
    pl_pre = _csr(cat(pre_keys), N, cat(pre_pos), cat(pre_proj), cat(pre_tr))
    pl_post = _csr(cat(post_keys), N, cat(post_pos), cat(post_proj), cat(post_tr))
    xo = _csr(cat(xo_keys), N, cat(xo_idx))
    yo = _csr(cat(yo_keys), N, cat(yo_idx))
    traces = (np.zeros(nX), np.zeros(nX, np.int64), np.zeros(nX), cat(X_proj),
              np.zeros(nY), np.zeros(nY, np.int64), np.zeros(nY), cat(Y_proj))
    return pl_pre + pl_post + xo + yo + traces + (A_plus, A_minus, itp, itm, w_min, w_max)


def _is_engine_rule(proj) -> bool:
    """A register-level projection whose plasticity the chip's learning engine runs (§3.5)."""
    return isinstance(proj, ProjectionRegisters) and isinstance(proj.plasticity, (LearningRule, STDPRegisters))


class RuleTables(NamedTuple):
    """The float twin of the learning engine (§3.5) as flat arrays, one numba argument.

    Plastic synapses of the engine-rule projections are numbered ``s`` (projection by
    projection, each in its own synapse order; ``syn_off[r]`` starts rule projection ``r``).
    Traces are float spike units, one entry per (rule projection, trace name, owner neuron).
    Dependency codes are positions in ``learning.DEPENDENCIES`` (y0, x0, u0), factor codes
    positions in ``learning.FACTORS`` (the five traces, then ``w``)."""

    W: np.ndarray           # float per synapse: the weight register, in W units
    syn_pos: np.ndarray     # its position in the reference's CSR ``syn_w``
    syn_scale: np.ndarray   # 2**weight_exp: syn_w = W * syn_scale
    syn_proj: np.ndarray    # its rule projection r
    syn_tr: np.ndarray      # (S, 5): index in ``tr`` of each trace factor of the synapse (-1: not kept)
    post_ptr: np.ndarray    # CSR by post gid: synapses whose rule has y0 terms
    post_syn: np.ndarray
    pre_ptr: np.ndarray     # CSR by pre gid (sources included): synapses whose rule has x0 terms
    pre_syn: np.ndarray
    u_syn: np.ndarray       # synapses whose rule has u0 terms
    term_ptr: np.ndarray    # terms of (r, dep) are term_ptr[3 r + dep] .. term_ptr[3 r + dep + 1]
    term_coef: np.ndarray   # mant * 2**exp
    term_nf: np.ndarray     # number of factors
    term_fac: np.ndarray    # (T, MAX_FACTORS) factor codes
    term_const: np.ndarray  # (T, MAX_FACTORS) constants C (spike units for traces, W units for w)
    w_lo: np.ndarray        # float per rule projection
    w_hi: np.ndarray
    tr: np.ndarray          # trace values (spike units)
    tr_decay: np.ndarray    # per trace: decay / 2**trace_decay_bits
    tr_impulse: np.ndarray  # per trace: impulse / 2**trace_frac_bits
    own_ptr: np.ndarray     # CSR by owner gid: the traces a spike of that neuron bumps
    own_tr: np.ndarray
    syn_off: np.ndarray     # per rule projection: its first synapse (and the total last)
    proj_index: np.ndarray  # per rule projection: its index in network.projections


def _rule_tables(net: Network, plan: _Plan, chip: ChipSpec) -> RuleTables:
    """The float twin's tables for every ``ProjectionRegisters`` with a ``LearningRule`` or
    ``STDPRegisters`` (hardware mode: ``_build_synapses`` refuses them in continuous mode)."""
    core = chip.core
    spike = float(1 << core.trace_frac_bits)
    unity = float(1 << core.trace_decay_bits)
    N = net.n_neurons
    W, pos, scale, sproj, str_, post_keys, post_syn, pre_keys, pre_syn, u_syn = ([] for _ in range(10))
    term_ptr, coef, nf, fac, const, w_lo, w_hi = [0], [], [], [], [], [], []
    tr_decay, tr_impulse, own_keys, own_tr, syn_off, proj_index = [], [], [], [], [0], []
    n_syn = n_tr = 0
    for pi, proj in enumerate(net.projections):
        if not _is_engine_rule(proj):
            continue
        r = len(proj_index)
        rule = as_rule(proj.plasticity)
        pre, post = net.populations[proj.pre], net.populations[proj.post]
        pre_i, post_i = np.asarray(proj.pre_idx, np.int64), np.asarray(proj.post_idx, np.int64)
        n = pre_i.size
        ids = n_syn + np.arange(n, dtype=np.int64)
        terms = rule.terms
        for dep in DEPENDENCIES:
            for t in (t for t in terms if t.dep == dep):
                coef.append(t.mant * 2.0 ** t.exp)
                nf.append(len(t.factors))
                fac.append([FACTORS.index(name) for name, _ in t.factors] + [0] * (MAX_FACTORS - len(t.factors)))
                const.append([float(c) for _, c in t.factors] + [0.0] * (MAX_FACTORS - len(t.factors)))
            term_ptr.append(len(coef))
        deps = {t.dep for t in terms}
        if "y0" in deps:
            post_keys.append(post.start + post_i)
            post_syn.append(ids)
        if "x0" in deps:
            pre_keys.append(pre.start + pre_i)
            pre_syn.append(ids)
        if "u0" in deps:
            u_syn.append(ids)
        w_lo.append(float(rule.w_lo))
        w_hi.append(float(rule.w_hi))
        tr_idx = np.full((n, len(TRACES)), -1, np.int64)
        for c, (name, regs) in enumerate((name, getattr(rule, name)) for name in TRACES):
            if regs is None:
                continue
            owner, local = (pre, pre_i) if name[0] == "x" else (post, post_i)
            tr_idx[:, c] = n_tr + local
            tr_decay.append(np.full(owner.size, regs.decay / unity))
            tr_impulse.append(np.full(owner.size, 1.0 if regs.impulse is None else regs.impulse / spike))
            own_keys.append(owner.start + np.arange(owner.size, dtype=np.int64))
            own_tr.append(n_tr + np.arange(owner.size, dtype=np.int64))
            n_tr += owner.size
        W.append(np.asarray(proj.weight_mant, dtype=float))
        pos.append(plan.position[plan.proj_offset[pi]:plan.proj_offset[pi + 1]])
        scale.append(np.full(n, 2.0 ** int(proj.weight_exp)))
        sproj.append(np.full(n, r, np.int64))
        str_.append(tr_idx)
        n_syn += n
        syn_off.append(n_syn)
        proj_index.append(pi)
    cat = lambda a, t=np.int64: np.concatenate(a).astype(t) if a else np.zeros(0, t)  # noqa: E731
    table = lambda a, t: np.asarray(a, t).reshape(-1, MAX_FACTORS)  # noqa: E731
    post_ptr, post_syn = _csr(cat(post_keys), N, cat(post_syn))
    pre_ptr, pre_syn = _csr(cat(pre_keys), N, cat(pre_syn))
    own_ptr, own_tr = _csr(cat(own_keys), N, cat(own_tr))
    return RuleTables(
        W=cat(W, float), syn_pos=cat(pos), syn_scale=cat(scale, float), syn_proj=cat(sproj),
        syn_tr=np.concatenate(str_) if str_ else np.zeros((0, len(TRACES)), np.int64),
        post_ptr=post_ptr, post_syn=post_syn, pre_ptr=pre_ptr, pre_syn=pre_syn, u_syn=cat(u_syn),
        term_ptr=np.asarray(term_ptr, np.int64), term_coef=np.asarray(coef, float),
        term_nf=np.asarray(nf, np.int64), term_fac=table(fac, np.int64), term_const=table(const, float),
        w_lo=np.asarray(w_lo, float), w_hi=np.asarray(w_hi, float),
        tr=np.zeros(n_tr), tr_decay=cat(tr_decay, float), tr_impulse=cat(tr_impulse, float),
        own_ptr=own_ptr, own_tr=own_tr, syn_off=np.asarray(syn_off, np.int64),
        proj_index=np.asarray(proj_index, np.int64))


def _build_sources(net: Network, n_steps: int) -> tuple[np.ndarray, np.ndarray]:
    steps, gids = [], []
    for pop in net.populations.values():
        if pop.is_source:
            s, i = pop.model.events(pop.size, net.dt, 0, n_steps)
            s, i = np.asarray(s, np.int64), np.asarray(i, np.int64)
            m = (s >= 0) & (s < n_steps)
            steps.append(s[m])
            gids.append(pop.start + i[m])
    if steps:
        s, g = np.concatenate(steps), np.concatenate(gids)
    else:
        s, g = np.zeros(0, np.int64), np.zeros(0, np.int64)
    if s.size:
        # sorted by (step, gid), one spike per neuron per step; sort + drop repeats is several
        # times faster than np.unique's hashing on millions of events
        key = np.sort(s * net.n_neurons + g)
        key = key[np.concatenate(([True], key[1:] != key[:-1]))]
        s, g = key // net.n_neurons, key % net.n_neurons
    ptr = np.searchsorted(s, np.arange(n_steps + 1)).astype(np.int64)
    return ptr, g.astype(np.int64)


def _build_injections(net: Network, n_steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-step CSR (ptr, gid, value) of ``network.injections`` (summed where they overlap)."""
    steps, gids, vals = [], [], []
    for inj in getattr(net, "injections", ()):
        pop = net.populations.get(inj.population)
        if pop is None or pop.is_source:
            raise ParameterError("population", inj.population, "a neuron population of the network", "injection")
        v = np.asarray(inj.values, dtype=float)
        idx = np.asarray(inj.indices, np.int64)
        s = int(inj.start) + np.arange(v.shape[0], dtype=np.int64)
        keep = s < n_steps
        steps.append(np.repeat(s[keep], idx.size))
        gids.append(np.tile(pop.start + idx, int(keep.sum())))
        vals.append(v[keep].ravel())
    if not steps:
        return np.zeros(n_steps + 1, np.int64), np.zeros(0, np.int64), np.zeros(0)
    s, g, v = np.concatenate(steps), np.concatenate(gids), np.concatenate(vals)
    key, inverse = np.unique(s * net.n_neurons + g, return_inverse=True)
    v = np.bincount(inverse.ravel(), weights=v, minlength=key.size)
    s, g = key // net.n_neurons, key % net.n_neurons
    ptr = np.searchsorted(s, np.arange(n_steps + 1)).astype(np.int64)
    return ptr, g.astype(np.int64), v.astype(float)


def _build_probes(net: Network) -> np.ndarray:
    """Probe columns exactly as the chip's compiler lays them out (probes concatenated)."""
    cols = []
    for pr in net.probes:
        pop = net.populations.get(pr.population)
        if pop is None or pop.is_source:
            raise ParameterError("population", pr.population, "a neuron population of the network", "probe")
        for v in pr.variables:
            if v not in ("u", "v"):
                raise ParameterError("variables", v, "'u' or 'v'", f"probe of {pr.population!r}")
        cols.append(pop.start + np.asarray(pr.indices, np.int64))
    return np.concatenate(cols).astype(np.int64) if cols else np.zeros(0, np.int64)


# --------------------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------------------
def simulate(network: Network, n_steps: int, mode: str = "hardware", substeps: int | None = None,
             record_every: int = 1, chip: ChipSpec = LOIHI) -> RunResult:
    """Run ``network`` for ``n_steps`` steps of ``network.dt`` in float64.

    Parameters
    ----------
    network : neuromorph.network.Network
        The description the chip runs (populations, projections, probes).
    n_steps : int >= 1
    mode : {"hardware", "continuous"}
        ``"hardware"``: the chip's phase order and step with ideal float arithmetic;
        ``"continuous"``: exact event times and exact (LIF) / RK4 (Izhikevich)
        integration. See the module docstring for the exact rules.
    substeps : int >= 1 or None
        Continuous mode only: Izhikevich RK4 sub-steps per step (default: enough for
        sub-steps of at most 10 µs). LIF is integrated exactly and ignores it. Must be
        None or 1 in hardware mode.
    record_every : int >= 1
        Record probed state at the end of every ``record_every``-th step.
    chip : neuromorph.hardware.ChipSpec
        The chip whose widths interpret ``LIFRegisters`` populations (decay unity
        ``2**decay_bits``, ``du_offset``, ``input_shift``, ``vth_shift``) and the learning
        engine's traces (``trace_frac_bits``, ``trace_decay_bits``); pass the chip the
        network is compared with. Physical models (``LIF``, ``Izhikevich``) do not depend on it.

    Returns
    -------
    RunResult
        ``spikes`` (all neurons and sources; ``times`` holds exact spike times in
        continuous mode), ``traces`` (``u``, ``v`` of the probed neurons), ``weights``
        (final weights of plastic projections; W-register units for the engine's rules),
        ``info`` (mode, timings, units).
    """
    if not isinstance(network, Network):
        raise ParameterError("network", type(network).__name__, "a neuromorph.network.Network", "simulate")
    if mode not in MODES:
        raise ParameterError("mode", mode, "'hardware' or 'continuous'", "simulate")
    if not isinstance(chip, ChipSpec):
        raise ParameterError("chip", type(chip).__name__, "a neuromorph.hardware.ChipSpec", "simulate")
    n_steps = _int_arg("n_steps", n_steps, 1, "simulate")
    record_every = _int_arg("record_every", record_every, 1, "simulate")
    dt = network.dt
    if mode == "hardware":
        if substeps not in (None, 1):
            raise ParameterError("substeps", substeps, "None or 1 in mode 'hardware' (continuous mode only)",
                                 "simulate")
        eff_substeps = 1
    else:
        if substeps is None:
            eff_substeps = max(1, math.ceil(dt / DEFAULT_IZH_SUBSTEP - 1e-9))
        else:
            eff_substeps = _int_arg("substeps", substeps, 1, "simulate")

    plan = _Plan()
    _build_neurons(network, mode, chip, plan)
    _build_synapses(network, mode, plan)
    pl = _plastic_tables(network, plan)
    rl = _rule_tables(network, plan, chip)
    src_ptr, src_gid = _build_sources(network, n_steps)
    inj_ptr, inj_gid, inj_val = _build_injections(network, n_steps)
    rec_gid = _build_probes(network)
    n_samples = n_steps // record_every
    rec_u = np.zeros((n_samples, rec_gid.size))
    rec_v = np.zeros((n_samples, rec_gid.size))
    x, y = plan.x0.copy(), plan.y0.copy()
    iz = plan.iz
    from . import network_sim_kernels as K  # numba compiles (or loads its cache) on first use

    t0 = time.perf_counter()
    if mode == "hardware":
        ref = np.zeros(network.n_neurons, np.int64)
        n, s_steps, s_ids = K.run_hardware(
            n_steps, dt, plan.kind, plan.aI, plan.kA, plan.aV, plan.kI, plan.b, plan.theta, plan.ref_steps,
            plan.subtract, plan.reset_u,
            iz["a"], iz["b"], iz["c"], iz["d"], iz["peak"], iz["k2"], iz["k1"], iz["k0"], iz["bias"], plan.iz_acc,
            plan.k_inj, x, y, ref, src_ptr, src_gid, inj_ptr, inj_gid, inj_val,
            plan.syn_ptr, plan.syn_post, plan.syn_d, plan.syn_w, plan.D,
            *pl, rl, record_every, rec_gid, rec_u, rec_v)
        times = None
    else:
        z = np.zeros(network.n_neurons)
        ref = np.zeros(network.n_neurons)
        h_max_ms = dt / eff_substeps * 1e3
        n, s_steps, s_ids, s_off = K.run_continuous(
            n_steps, dt, plan.kind, plan.inv_tau, plan.inv_tau_s, plan.R, plan.c, plan.theta, plan.t_ref,
            plan.pulse,
            iz["a"], iz["b"], iz["c"], iz["d"], iz["peak"], iz["k2"], iz["k1"], iz["k0"], iz["bias"], plan.iz_acc,
            h_max_ms, x, y, z, ref, src_ptr, src_gid, inj_ptr, inj_gid, inj_val,
            plan.syn_ptr, plan.syn_post, plan.syn_delay, plan.syn_w, plan.Q,
            *pl, record_every, rec_gid, rec_u, rec_v)
        times = s_steps * dt + s_off
    wall = time.perf_counter() - t0

    pops = {p.name: (p.start, p.size) for p in network.populations.values()}
    spikes = SpikeLog(s_steps, s_ids, dt, n_steps, pops, times)
    rec_v += plan.v_off[rec_gid][None, :]
    data = {"u": rec_u, "v": rec_v}
    units, column_units = {}, {}
    for var, arr in (("u", plan.unit_u), ("v", plan.unit_v)):
        col = arr[rec_gid].tolist()
        column_units[var] = col
        if col:
            units[var] = col[0] if len(set(col)) == 1 else "mixed"
    sample_steps = np.arange(record_every - 1, n_samples * record_every, record_every, dtype=np.int64)
    traces = Traces(sample_steps, rec_gid, dt, data, units, {k: 1.0 for k in data}, {k: 0.0 for k in data})
    weights = {}
    for pi, proj in enumerate(network.projections):
        if getattr(proj, "plasticity", None) is not None:
            weights[pi] = plan.syn_w[plan.position[plan.proj_offset[pi]:plan.proj_offset[pi + 1]]].copy()
    for r, pi in enumerate(rl.proj_index.tolist()):     # engine rules: the W registers, as floats
        weights[pi] = rl.W[rl.syn_off[r]:rl.syn_off[r + 1]].copy()
    info = {"simulator": "reference.network_sim", "mode": mode, "dt": dt, "n_steps": n_steps,
            "substeps": eff_substeps, "record_every": record_every, "wall_s": wall,
            "steps_per_s": n_steps / wall if wall > 0 else float("inf"),
            "column_units": column_units, "sample_time": "end of step: t = (step + 1) * dt"}
    return RunResult(spikes, traces, {}, weights, info)
