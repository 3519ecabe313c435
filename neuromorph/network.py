"""Network description and neutral result types.

This module is the contract between the chip (``neuromorph``) and the float reference
(``reference``): both read the same :class:`Network` and both return the same
:class:`SpikeLog` and :class:`Traces`, so every analysis reads either alike.

Conventions
-----------
* Physical quantities are SI: seconds, volts, amperes, siemens, farads.
  (Izhikevich parameters are the model's own dimensionless mV/ms numbers.)
* Time is discrete in the chip: step ``k`` (0-based) is the interval that ends at
  ``t = (k + 1) * dt``; a spike emitted in step ``k`` is reported at ``t = k * dt``
  by :attr:`SpikeLog.times` unless a simulator supplies sub-step times.
* Neurons have *global ids*: populations are numbered in the order they were added,
  each occupying the contiguous range ``[start, start + size)``.

Two ways in
-----------
* Physical: :class:`LIF` populations and :class:`Projection` (weights in amperes,
  delays in seconds); ``neuromorph.compiler.compile_network`` quantizes them.
* Hardware integers: :class:`LIFRegisters` populations and
  :class:`ProjectionRegisters` (weight mantissas, ``weight_exp``, delays in steps);
  the compiler only checks ranges and places them.

Nothing here imports numba or quantizes anything.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence, Union

import numpy as np

from .errors import ParameterError, check_integer
from .fixedpoint import splitmix64
from .learning import LearningRule, TraceRegisters

__all__ = [
    "LIF", "LIFRegisters", "Izhikevich", "IzhikevichRegisters", "STDP", "STDPRegisters", "LearningRule",
    "TraceRegisters",
    "SpikeTimes", "RegularSpikes", "PoissonSpikes",
    "Population", "Projection", "ProjectionRegisters", "StateProbe", "CurrentInjection",
    "Network", "SpikeLog", "Traces", "RunResult", "counter_uniform_u32",
]


def _positive(name: str, value: float, context: str = "", allow_inf: bool = False) -> None:
    ok = value > 0 and (allow_inf or math.isfinite(value)) and not math.isnan(value)
    if not ok:
        raise ParameterError(name, value, "> 0" + (" (inf allowed)" if allow_inf else " and finite"), context)


def _finite(name: str, value: float, context: str = "") -> None:
    if not math.isfinite(value):
        raise ParameterError(name, value, "a finite number", context)


# --------------------------------------------------------------------------------------
# Neuron models
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LIF:
    r"""Current-based leaky integrate-and-fire neuron, physical units (SI).

    .. math::
        \tau_{syn}\,\frac{dI}{dt} = -I + \sum_k w_k\,\tau_{syn}\,\delta(t - t_k)

        \tau_m \frac{dV}{dt} = -(V - E_L) + \frac{I + I_{bias}}{g_L}

    A spike is emitted when ``V > v_th``; ``V`` is then held at ``v_reset`` for
    ``t_ref`` seconds (synaptic current keeps integrating). An incoming spike of
    weight ``w`` (amperes) makes ``I`` jump by ``w``. ``tau_syn = 0`` means the
    current lasts one time step only (Loihi ``du = 4095``).

    Defaults are the course exercise's: E_L = -75 mV, V_th = -55 mV,
    V_reset = -75 mV, tau_m = 10 ms, g_L = 10 nS, t_ref = 2 ms.
    """

    tau_m: float = 10e-3
    g_L: float = 10e-9
    E_L: float = -75e-3
    v_th: float = -55e-3
    v_reset: float = -75e-3
    t_ref: float = 2e-3
    tau_syn: float = 5e-3
    I_bias: float = 0.0
    v_init: float | None = None  # None: start at v_reset

    def __post_init__(self):
        _positive("tau_m", self.tau_m, "LIF", allow_inf=True)
        _positive("g_L", self.g_L, "LIF")
        if not (self.tau_syn >= 0) or math.isnan(self.tau_syn):
            raise ParameterError("tau_syn", self.tau_syn, ">= 0 (0: one-step current)", "LIF")
        if not (self.t_ref >= 0) or not math.isfinite(self.t_ref):
            raise ParameterError("t_ref", self.t_ref, ">= 0 and finite", "LIF")
        for n in ("E_L", "v_th", "v_reset", "I_bias"):
            _finite(n, getattr(self, n), "LIF")
        if self.v_init is not None:
            _finite("v_init", self.v_init, "LIF")
        if not self.v_th > self.v_reset:
            raise ParameterError("v_th", self.v_th, f"> v_reset = {self.v_reset}", "LIF")

    @property
    def R(self) -> float:
        """Membrane resistance 1/g_L in ohms."""
        return 1.0 / self.g_L


@dataclass(frozen=True)
class LIFRegisters:
    """Integer CUBA-LIF registers (the Loihi rule; see docs/hardware-model.md).

    ``du``, ``dv`` (0..4095), ``vth`` (threshold mantissa, compared as ``vth << 6``),
    ``bias_mant``/``bias_exp`` (scalars or one value per neuron) are the Loihi
    registers. ``refractory_steps``, ``reset_u`` and ``reset_mode='subtract'`` are
    neuromorph extensions, off (0, False, 'zero') in Loihi-compatibility mode.
    ``u_init``/``v_init`` set the initial state (scalar or per neuron).
    """

    du: int = 0
    dv: int = 0
    vth: int = 10
    bias_mant: int | np.ndarray = 0
    bias_exp: int | np.ndarray = 0
    refractory_steps: int = 0
    reset_u: bool = False
    reset_mode: str = "zero"
    u_init: int | np.ndarray = 0
    v_init: int | np.ndarray = 0

    def __post_init__(self):
        if self.reset_mode not in ("zero", "subtract"):
            raise ParameterError("reset_mode", self.reset_mode, "'zero' or 'subtract'", "LIFRegisters")
        for n in ("du", "dv", "vth", "refractory_steps"):
            check_integer(n, getattr(self, n), "LIFRegisters")
        for n in ("bias_mant", "bias_exp", "u_init", "v_init"):
            check_integer(n, getattr(self, n), "LIFRegisters")


@dataclass(frozen=True)
class Izhikevich:
    r"""Izhikevich (2003) neuron in its own units (v in mV, t in ms, I dimensionless).

    .. math::
        v' = k_2 v^2 + k_1 v + k_0 - u + I,\qquad u' = a (b v - u)

        v \ge v_{peak} \Rightarrow v \leftarrow c,\; u \leftarrow u + d

    Defaults ``k2, k1, k0 = 0.04, 5, 140`` are the published ones. ``I_bias`` is a
    constant input. ``u_rule="accommodation"`` uses ``u' = a b (v + 65)`` (panel R of
    Izhikevich 2004). Izhikevich's scheme: each step updates v, then u with the new v,
    then tests ``v > v_peak``; ``Network.dt`` is the step (in seconds; the model's ms
    are ``dt * 1000``).
    """

    a: float = 0.02
    b: float = 0.2
    c: float = -65.0
    d: float = 8.0
    v_peak: float = 30.0
    k2: float = 0.04
    k1: float = 5.0
    k0: float = 140.0
    I_bias: float = 0.0
    v_init: float = -65.0
    u_init: float | None = None  # None: b * v_init
    u_rule: str = "standard"

    def __post_init__(self):
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if v is not None and f.name != "u_rule":
                _finite(f.name, v, "Izhikevich")
        if self.u_rule not in ("standard", "accommodation"):
            raise ParameterError("u_rule", self.u_rule, "'standard' or 'accommodation'", "Izhikevich")
        if not self.c < self.v_peak:
            raise ParameterError("c", self.c, f"< v_peak = {self.v_peak}", "Izhikevich")


@dataclass(frozen=True)
class IzhikevichRegisters:
    """Integer Izhikevich registers (docs/hardware-model.md §2b); state has F fraction bits.

    ``k2``, ``k1``, ``b`` hold ``round(x * 2**P)``; ``dt`` holds ``round(dt_ms * 2**P)`` and
    ``adt`` ``round(a * dt_ms * 2**P)``; ``k0``, ``c``, ``d``, ``v_peak``, ``bias``, ``v_init``,
    ``u_init`` hold ``round(x * 2**F)`` (F = ``izh_frac_bits``, P = ``izh_coef_frac_bits``
    of the chip). ``accommodation`` selects ``u' = a b (v + 65)``.
    """

    k2: int
    k1: int
    k0: int
    dt: int
    adt: int
    b: int
    c: int
    d: int
    v_peak: int
    bias: int = 0
    accommodation: bool = False
    v_init: int | np.ndarray = 0
    u_init: int | np.ndarray = 0

    def __post_init__(self):
        for f in dataclasses.fields(self):
            if f.name != "accommodation":
                check_integer(f.name, getattr(self, f.name), "IzhikevichRegisters")


@dataclass(frozen=True)
class STDP:
    r"""Pair-based additive STDP with all-to-all trace interaction.

    ``ΔW = A_plus · exp(-Δt/tau_plus)`` for Δt = t_post - t_pre > 0 and
    ``ΔW = A_minus · exp(Δt/tau_minus)`` for Δt < 0 (A_minus is negative for
    depression); weights are clipped to [w_min, w_max]. Units follow the
    projection's weights.
    """

    A_plus: float = 0.01
    A_minus: float = -0.0105
    tau_plus: float = 20e-3
    tau_minus: float = 20e-3
    w_min: float = 0.0
    w_max: float = 1.0

    def __post_init__(self):
        _positive("tau_plus", self.tau_plus, "STDP")
        _positive("tau_minus", self.tau_minus, "STDP")
        for name in ("A_plus", "A_minus"):
            if not math.isfinite(getattr(self, name)):
                raise ParameterError(name, getattr(self, name), "a finite weight change", "STDP")
        if not self.w_max >= self.w_min:
            raise ParameterError("w_max", self.w_max, f">= w_min = {self.w_min}", "STDP")


@dataclass(frozen=True)
class STDPRegisters:
    """Pair STDP in hardware integers (docs/hardware-model.md §3.5).

    At a post spike every plastic weight into it gains ``rnd(a_plus * x, F + learn_shift)``,
    at a pre spike every plastic weight out of it gains ``rnd(a_minus * y, F + learn_shift)``
    (``x``/``y``: the pre/post traces, F = ``CoreSpec.trace_frac_bits``), each followed by a
    clip to ``[w_lo, w_hi]``. Traces decay per step by ``x_decay / 2**trace_decay_bits``
    (``y_decay`` for post traces). Widths are checked against the chip by the compiler.
    """

    a_plus: int
    a_minus: int
    x_decay: int
    y_decay: int
    w_lo: int
    w_hi: int
    learn_shift: int = 0

    def __post_init__(self):
        for f in dataclasses.fields(self):
            check_integer(f.name, getattr(self, f.name), "STDPRegisters")
        if not self.w_hi >= self.w_lo:
            raise ParameterError("w_hi", self.w_hi, f">= w_lo = {self.w_lo}", "STDPRegisters")


# --------------------------------------------------------------------------------------
# Spike sources (they hold no state; their spikes are a pure function of step)
# --------------------------------------------------------------------------------------
_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """``fixedpoint.splitmix64`` on uint64 arrays, its intended wraparound silenced."""
    with np.errstate(over="ignore"):
        return splitmix64(x)


def counter_uniform_u32(seed: int, index: np.ndarray, step: np.ndarray) -> np.ndarray:
    """A uniform 32-bit integer keyed by (seed, index, step), independent of call order.

    ``h = splitmix64(splitmix64(splitmix64(seed) ^ index) ^ step) >> 32``. Counter-based,
    so any chunking of a run, any number of ranks and either simulator draw the
    same bits.
    """
    s = _splitmix64(np.asarray([seed], dtype=np.uint64) & _M64)
    h = _splitmix64(s ^ np.asarray(index, dtype=np.uint64))
    h = _splitmix64(h ^ np.asarray(step, dtype=np.uint64))
    return (h >> np.uint64(32)).astype(np.uint32)


@dataclass(frozen=True)
class SpikeTimes:
    """Explicit spikes: ``steps[i]`` is the step at which source neuron ``ids[i]`` fires.

    Build from times in seconds with :meth:`from_times` (rounded to the nearest step).
    """

    steps: np.ndarray
    ids: np.ndarray

    def __post_init__(self):
        steps = check_integer("steps", self.steps, "SpikeTimes").ravel()
        ids = check_integer("ids", self.ids, "SpikeTimes").ravel()
        if steps.shape != ids.shape:
            raise ParameterError("ids", f"shape {ids.shape}", f"same shape as steps {steps.shape}", "SpikeTimes")
        if steps.size and steps.min() < 0:
            raise ParameterError("steps", int(steps.min()), ">= 0", "SpikeTimes")
        order = np.lexsort((ids, steps))
        keep = np.ones(order.size, dtype=bool)
        s, i = steps[order], ids[order]
        keep[1:] = (s[1:] != s[:-1]) | (i[1:] != i[:-1])  # one spike per neuron per step
        object.__setattr__(self, "steps", s[keep])
        object.__setattr__(self, "ids", i[keep])
        # id range, cached: events() is called once per chunk of steps
        object.__setattr__(self, "_id_range", (int(i.min()), int(i.max())) if i.size else (0, -1))

    @classmethod
    def from_times(cls, times: Sequence[Sequence[float]], dt: float) -> "SpikeTimes":
        """``times[i]`` lists neuron ``i``'s spike times in seconds."""
        steps, ids = [], []
        for i, ts in enumerate(times):
            ts = np.asarray(ts, dtype=float)
            steps.append(np.rint(ts / dt).astype(np.int64))
            ids.append(np.full(ts.size, i, dtype=np.int64))
        cat = lambda a: np.concatenate(a) if a else np.zeros(0, np.int64)  # noqa: E731
        return cls(cat(steps), cat(ids))

    def events(self, size: int, dt: float, step0: int, n_steps: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self._id_range
        if self.ids.size and (lo < 0 or hi >= size):
            raise ParameterError("ids", hi if hi >= size else lo, f"[0, {size - 1}]", "SpikeTimes")
        a, b = np.searchsorted(self.steps, [step0, step0 + n_steps])     # steps are sorted
        return self.steps[a:b], self.ids[a:b]


@dataclass(frozen=True)
class RegularSpikes:
    """Every neuron fires every ``period`` seconds, first at ``start`` (+ ``i*stagger``)."""

    period: float
    start: float = 0.0
    stagger: float = 0.0

    def __post_init__(self):
        _positive("period", self.period, "RegularSpikes")
        if not (self.start >= 0 and math.isfinite(self.start)):
            raise ParameterError("start", self.start, ">= 0 and finite (s)", "RegularSpikes")
        if not math.isfinite(self.stagger):
            raise ParameterError("stagger", self.stagger, "a finite number (s)", "RegularSpikes")

    def events(self, size: int, dt: float, step0: int, n_steps: int):
        p = max(1, int(round(self.period / dt)))
        first = np.rint((self.start + np.arange(size) * self.stagger) / dt).astype(np.int64)
        steps = np.arange(step0, step0 + n_steps, dtype=np.int64)
        fire = (steps[:, None] >= first[None, :]) & ((steps[:, None] - first[None, :]) % p == 0)
        k, i = np.nonzero(fire)
        return steps[k], i.astype(np.int64)


@dataclass(frozen=True)
class PoissonSpikes:
    """Independent Poisson trains at ``rate`` Hz (scalar or one per neuron), seeded.

    Neuron ``i`` fires in step ``k`` iff ``counter_uniform_u32(seed, i, k) < floor(rate*dt*2^32)``:
    a Bernoulli approximation of a Poisson process, identical in every simulator.
    """

    rate: float | np.ndarray
    seed: int = 0

    def __post_init__(self):
        r = np.asarray(self.rate, dtype=float)
        if not np.all(np.isfinite(r)) or np.any(r < 0):
            raise ParameterError("rate", r.ravel()[0] if r.size else r, ">= 0 and finite (Hz)", "PoissonSpikes")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or not 0 <= self.seed < 2**64:
            raise ParameterError("seed", self.seed, "an integer in [0, 2**64)", "PoissonSpikes")

    def threshold(self, size: int, dt: float) -> np.ndarray:
        p = np.broadcast_to(np.asarray(self.rate, dtype=float) * dt, (size,))
        if np.any(p > 1):
            raise ParameterError("rate", float(np.max(p) / dt), f"<= 1/dt = {1 / dt:g} Hz", "PoissonSpikes")
        return np.minimum(np.floor(p * 2.0**32), 2.0**32 - 1).astype(np.uint64)

    def events(self, size: int, dt: float, step0: int, n_steps: int, chunk: int = 1 << 22):
        thr = self.threshold(size, dt)
        out_s, out_i = [], []
        rows = max(1, chunk // max(size, 1))
        ids = np.arange(size, dtype=np.uint64)
        for a in range(step0, step0 + n_steps, rows):
            b = min(step0 + n_steps, a + rows)
            steps = np.arange(a, b, dtype=np.uint64)
            u = counter_uniform_u32(self.seed, ids[None, :], steps[:, None])
            k, i = np.nonzero(u < thr[None, :])
            out_s.append(k.astype(np.int64) + a)
            out_i.append(i.astype(np.int64))
        if not out_s:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(out_s), np.concatenate(out_i)


Source = Union[SpikeTimes, RegularSpikes, PoissonSpikes]
NeuronModel = Union[LIF, LIFRegisters, Izhikevich, IzhikevichRegisters]
_SOURCES = (SpikeTimes, RegularSpikes, PoissonSpikes)
_NEURONS = (LIF, LIFRegisters, Izhikevich, IzhikevichRegisters)


# --------------------------------------------------------------------------------------
# Populations, projections, probes
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Population:
    """``size`` neurons of one model (or one spike source) with global ids ``[start, start+size)``."""

    name: str
    size: int
    model: NeuronModel | Source
    start: int = 0

    @property
    def is_source(self) -> bool:
        return isinstance(self.model, _SOURCES)

    @property
    def stop(self) -> int:
        return self.start + self.size


RANDOM_BLOCK = 1 << 22      # uniforms drawn at a time by _bernoulli_pairs (32 MiB of float64)


def _bernoulli_pairs(rng: np.random.Generator, n_post: int, n_pre: int, p: float):
    """(pre, post) of every pair (i, j) with ``u[i, j] < p``, ``u`` the row-major (n_post, n_pre)
    matrix of ``rng.random`` — drawn a block of rows at a time, so memory is O(synapses) and
    never the dense matrix, with the same draws, hence the same synapses, as one
    ``rng.random((n_post, n_pre))``."""
    rows = max(1, RANDOM_BLOCK // max(n_pre, 1))
    pre_l, post_l = [], []
    for r0 in range(0, n_post, rows):
        r1 = min(n_post, r0 + rows)
        post_i, pre_i = np.nonzero(rng.random((r1 - r0, n_pre)) < p)
        pre_l.append(pre_i.astype(np.int64))
        post_l.append(post_i.astype(np.int64) + r0)
    cat = lambda xs: np.concatenate(xs) if xs else np.zeros(0, np.int64)  # noqa: E731
    return cat(pre_l), cat(post_l)


SIGN_MODES = ("mixed", "excitatory", "inhibitory")


def _sign_mode(mode, context: str):
    """A sign mode as neuromorph spells it, from ours, Lava's names ('MIXED') or Lava's SignMode codes (1, 2, 3)."""
    if mode is None:
        return None
    name = getattr(mode, "name", mode)                     # a Lava SignMode enum member
    if isinstance(name, str) and name.lower() in SIGN_MODES:
        return name.lower()
    if isinstance(mode, (int, np.integer)) and not isinstance(mode, bool) and 1 <= int(mode) <= 3:
        return SIGN_MODES[int(mode) - 1]
    raise ParameterError("sign_mode", mode, "None, 'mixed', 'excitatory' or 'inhibitory' (or Lava's 'MIXED', "
                                            "'EXCITATORY', 'INHIBITORY' / SignMode 1, 2, 3)", context)


def _coo(pre_idx, post_idx, n_pre: int, n_post: int, context: str):
    pre_idx = check_integer("pre_idx", pre_idx, context).ravel()
    post_idx = check_integer("post_idx", post_idx, context).ravel()
    if pre_idx.shape != post_idx.shape:
        raise ParameterError("post_idx", f"shape {post_idx.shape}", f"shape {pre_idx.shape} (as pre_idx)", context)
    if pre_idx.size:
        if pre_idx.min() < 0 or pre_idx.max() >= n_pre:
            raise ParameterError("pre_idx", int(pre_idx.max() if pre_idx.max() >= n_pre else pre_idx.min()),
                                 f"[0, {n_pre - 1}]", context)
        if post_idx.min() < 0 or post_idx.max() >= n_post:
            raise ParameterError("post_idx", int(post_idx.max() if post_idx.max() >= n_post else post_idx.min()),
                                 f"[0, {n_post - 1}]", context)
    return pre_idx, post_idx


def _per_synapse(name: str, value, n: int, context: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return np.full(n, arr.item(), dtype=arr.dtype)
    arr = arr.ravel()
    if arr.size != n:
        raise ParameterError(name, f"{arr.size} values", f"a scalar or {n} values (one per synapse)", context)
    return arr


@dataclass(frozen=True)
class Projection:
    """Synapses from ``pre`` to ``post`` in physical units (COO form).

    ``weight`` in amperes (the jump of the post-synaptic current per spike; negative is
    inhibitory), ``delay`` in seconds from the presynaptic spike to the step in which the
    current jump is integrated (at least one step ``dt``: the chip's hop latency).
    Use :meth:`Network.connect` to build one from a dense matrix, a probability or COO arrays.
    """

    pre: str
    post: str
    pre_idx: np.ndarray
    post_idx: np.ndarray
    weight: np.ndarray
    delay: np.ndarray
    plasticity: STDP | None = None

    @property
    def n_synapses(self) -> int:
        return int(self.pre_idx.size)


@dataclass(frozen=True)
class ProjectionRegisters:
    """Synapses in hardware integers (COO form).

    ``weight_mant``: signed weight mantissas (before Loihi's clip/truncation, which the
    compiler applies per ``sign_mode`` and ``num_weight_bits``); ``weight_exp``: one
    exponent for the projection; ``delay_steps``: extra delay 0..D-1 beyond the one-step
    hop latency; ``sign_mode``: 'mixed' | 'excitatory' | 'inhibitory' | None (auto-detect).
    """

    pre: str
    post: str
    pre_idx: np.ndarray
    post_idx: np.ndarray
    weight_mant: np.ndarray
    delay_steps: np.ndarray
    weight_exp: int = 0
    sign_mode: str | None = None
    num_weight_bits: int = 8
    plasticity: STDPRegisters | LearningRule | None = None

    @property
    def n_synapses(self) -> int:
        return int(self.pre_idx.size)


@dataclass(frozen=True)
class CurrentInjection:
    """Host-driven input current: ``values[s, j]`` is added in step ``start + s`` to neuron ``indices[j]``.

    Units are the population's input units: amperes for ``LIF`` (like ``I_bias``),
    model units for ``Izhikevich``, v-LSB per step for ``LIFRegisters``. Steps outside
    ``[start, start + len(values))`` get nothing.
    """

    population: str
    indices: np.ndarray
    values: np.ndarray
    start: int = 0


@dataclass(frozen=True)
class StateProbe:
    """Record ``variables`` of neurons ``indices`` (population-relative) every step."""

    population: str
    indices: np.ndarray
    variables: tuple[str, ...] = ("u", "v")


class Network:
    """A spiking network: populations, projections and probes, with time step ``dt`` (s).

    Built incrementally; every call validates its arguments at once and raises a
    :class:`~neuromorph.errors.ParameterError` naming the parameter.

    Examples
    --------
    >>> net = Network(dt=1e-4)
    >>> inp = net.add_source("in", 10, PoissonSpikes(rate=20.0, seed=1))
    >>> exc = net.add_population("exc", 5, LIF())
    >>> _ = net.connect("in", "exc", weight=50e-12, p=0.5, seed=2)
    """

    def __init__(self, dt: float = 1e-3, name: str = "network"):
        _positive("dt", dt, "Network")
        self.dt = float(dt)
        self.name = name
        self.populations: dict[str, Population] = {}
        self.projections: list[Projection | ProjectionRegisters] = []
        self.probes: list[StateProbe] = []
        self.injections: list[CurrentInjection] = []
        self._n = 0

    # -- populations ------------------------------------------------------------------
    def _add(self, name: str, size: int, model) -> Population:
        if not isinstance(name, str) or not name:
            raise ParameterError("name", name, "a non-empty string")
        if name in self.populations:
            raise ParameterError("name", name, f"a name not already used ({sorted(self.populations)})")
        if int(size) != size or size < 1:
            raise ParameterError("size", size, "an integer >= 1", f"population {name!r}")
        pop = Population(name, int(size), model, self._n)
        self.populations[name] = pop
        self._n += int(size)
        return pop

    def add_population(self, name: str, size: int, model: NeuronModel) -> Population:
        if not isinstance(model, _NEURONS):
            raise ParameterError("model", type(model).__name__, "LIF, LIFRegisters, Izhikevich or IzhikevichRegisters",
                                 f"population {name!r}")
        return self._add(name, size, model)

    def add_source(self, name: str, size: int, source: Source) -> Population:
        if not isinstance(source, _SOURCES):
            raise ParameterError("source", type(source).__name__, "SpikeTimes, RegularSpikes or PoissonSpikes", name)
        return self._add(name, size, source)

    @property
    def n_neurons(self) -> int:
        """Total number of global ids (neurons and sources)."""
        return self._n

    def population_of(self, gid: int) -> Population:
        for p in self.populations.values():
            if p.start <= gid < p.stop:
                return p
        raise ParameterError("gid", gid, f"[0, {self._n - 1}]")

    def _pop(self, name: str, role: str) -> Population:
        if name not in self.populations:
            raise ParameterError(role, name, f"one of {sorted(self.populations)}")
        return self.populations[name]

    # -- projections ------------------------------------------------------------------
    def _topology(self, pre: Population, post: Population, *, matrix=None, p=None, seed=None,
                  pre_idx=None, post_idx=None, context=""):
        given = sum(x is not None for x in (matrix, p, pre_idx))
        if given != 1:
            raise ParameterError("connectivity", f"{given} forms given", "exactly one of matrix, p, or pre_idx/post_idx", context)
        if matrix is not None:
            m = np.asarray(matrix)
            if m.shape != (post.size, pre.size):
                raise ParameterError("matrix", f"shape {m.shape}", f"shape (n_post, n_pre) = ({post.size}, {pre.size})", context)
            post_i, pre_i = np.nonzero(m)
            return pre_i.astype(np.int64), post_i.astype(np.int64), m[post_i, pre_i]
        if p is not None:
            if not (0 <= p <= 1):
                raise ParameterError("p", p, "[0, 1]", context)
            if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
                raise ParameterError("seed", seed, "an integer >= 0 (every random source takes a seed)", context)
            pre_i, post_i = _bernoulli_pairs(np.random.default_rng(seed), post.size, pre.size, p)
            return pre_i, post_i, None
        if post_idx is None:
            raise ParameterError("post_idx", None, "an array matching pre_idx", context)
        pre_i, post_i = _coo(pre_idx, post_idx, pre.size, post.size, context)
        return pre_i, post_i, None

    def _synapses(self, pre, post, weight, weight_name, units, matrix, p, seed, pre_idx, post_idx):
        """Shared part of connect/connect_registers: (context, pre_idx, post_idx, weight values)."""
        ctx = f"projection {pre}->{post}"
        a, b = self._pop(pre, "pre"), self._pop(post, "post")
        if b.is_source:
            raise ParameterError("post", post, "a neuron population (sources have no inputs)", ctx)
        pre_i, post_i, w_m = self._topology(a, b, matrix=matrix, p=p, seed=seed, pre_idx=pre_idx,
                                            post_idx=post_idx, context=ctx)
        if weight is None:
            if w_m is None:
                raise ParameterError(weight_name, None, f"{units} (scalar or one per synapse)", ctx)
            weight = w_m
        return ctx, pre_i, post_i, weight

    def connect(self, pre: str, post: str, weight=None, delay: float | np.ndarray | None = None, *,
                matrix=None, p: float | None = None, seed: int | None = None,
                pre_idx=None, post_idx=None, plasticity: STDP | None = None) -> Projection:
        """Connect in physical units: weights in amperes, delays in seconds (default ``dt``).

        Topology from exactly one of: ``matrix`` (shape (n_post, n_pre); nonzero entries
        are synapses and, unless ``weight`` is given, their weights), ``p`` with ``seed``
        (independent Bernoulli), or ``pre_idx``/``post_idx`` arrays.
        """
        ctx, pre_i, post_i, weight = self._synapses(pre, post, weight, "weight", "amperes", matrix, p, seed,
                                                    pre_idx, post_idx)
        w = _per_synapse("weight", np.asarray(weight, dtype=float), pre_i.size, ctx).astype(float)
        if not np.all(np.isfinite(w)):
            raise ParameterError("weight", w[~np.isfinite(w)][0], "finite amperes", ctx)
        d = _per_synapse("delay", np.asarray(self.dt if delay is None else delay, dtype=float), pre_i.size, ctx)
        d = d.astype(float)
        if d.size and (not np.all(np.isfinite(d)) or d.min() < self.dt * (1 - 1e-9)):
            raise ParameterError("delay", float(np.nanmin(d)), f">= dt = {self.dt:g} s (one-step hop latency)", ctx)
        proj = Projection(pre, post, pre_i, post_i, w, d, plasticity)
        self.projections.append(proj)
        return proj

    def connect_registers(self, pre: str, post: str, weight_mant=None, delay_steps=0, *, weight_exp: int = 0,
                          sign_mode: str | None = None, num_weight_bits: int = 8, matrix=None,
                          p: float | None = None, seed: int | None = None, pre_idx=None,
                          post_idx=None, plasticity: STDPRegisters | LearningRule | None = None
                          ) -> ProjectionRegisters:
        """Connect in hardware integers (weight mantissas, exponent, delays in extra steps).

        With ``plasticity`` the weights are plastic ``W`` registers (§3.5): ``weight_mant``
        holds their initial values and ``sign_mode`` must stay None. ``sign_mode`` may also be
        spelt as Lava spells it ('MIXED', 'EXCITATORY', 'INHIBITORY' or its ``SignMode`` codes
        1, 2, 3). With ``matrix`` (n_post, n_pre), ``delay_steps`` may be a matrix of the same
        shape, as a Lava ``DelayDense`` delay matrix is: each synapse takes its entry.
        """
        sign_mode = _sign_mode(sign_mode, f"projection {pre}->{post}")
        ctx, pre_i, post_i, weight_mant = self._synapses(pre, post, weight_mant, "weight_mant", "integers", matrix, p,
                                                         seed, pre_idx, post_idx)
        if matrix is not None and np.ndim(delay_steps) == 2:
            dm = np.asarray(delay_steps)
            if dm.shape != np.shape(matrix):
                raise ParameterError("delay_steps", f"shape {dm.shape}", f"the matrix's shape {np.shape(matrix)}", ctx)
            delay_steps = dm[post_i, pre_i]
        w = check_integer("weight_mant", _per_synapse("weight_mant", weight_mant, pre_i.size, ctx), ctx)
        d = check_integer("delay_steps", _per_synapse("delay_steps", delay_steps, pre_i.size, ctx), ctx)
        if plasticity is not None and not isinstance(plasticity, (STDPRegisters, LearningRule)):
            raise ParameterError("plasticity", type(plasticity).__name__, "STDPRegisters, LearningRule or None", ctx)
        if plasticity is not None and sign_mode is not None:
            raise ParameterError("sign_mode", sign_mode, "None for a plastic projection (W is a signed register)", ctx)
        proj = ProjectionRegisters(pre, post, pre_i, post_i, w, d, int(weight_exp), sign_mode, int(num_weight_bits),
                                   plasticity)
        self.projections.append(proj)
        return proj

    # -- current injection ------------------------------------------------------------
    def inject(self, population: str, values, indices=None, start: int = 0) -> CurrentInjection:
        """Add a per-step input current (pulses, ramps, protocols) to neurons of ``population``.

        ``values`` has shape (n_steps,) (the same for every chosen neuron) or
        (n_steps, len(indices)).
        """
        pop = self._pop(population, "population")
        if pop.is_source:
            raise ParameterError("population", population, "a neuron population (sources take no current)")
        idx = np.arange(pop.size) if indices is None else check_integer("indices", indices, population).ravel()
        if idx.size and (idx.min() < 0 or idx.max() >= pop.size):
            raise ParameterError("indices", int(idx.max()), f"[0, {pop.size - 1}]", population)
        vals = np.asarray(values, dtype=float)
        if vals.ndim == 1:
            vals = np.repeat(vals[:, None], idx.size, axis=1)
        if vals.ndim != 2 or vals.shape[1] != idx.size:
            raise ParameterError("values", f"shape {np.shape(values)}", f"(n_steps,) or (n_steps, {idx.size})",
                                 population)
        if not np.all(np.isfinite(vals)):
            raise ParameterError("values", "non-finite", "finite currents", population)
        if int(start) != start or start < 0:
            raise ParameterError("start", start, "an integer step >= 0", population)
        inj = CurrentInjection(population, idx, vals, int(start))
        self.injections.append(inj)
        return inj

    # -- probes -------------------------------------------------------------------------
    def probe(self, population: str, indices=None, variables: Sequence[str] = ("u", "v")) -> StateProbe:
        """Record state ``variables`` of the given neurons (all if ``indices`` is None)."""
        pop = self._pop(population, "population")
        if pop.is_source:
            raise ParameterError("population", population, "a neuron population (sources have no state)")
        idx = np.arange(pop.size) if indices is None else check_integer("indices", indices, population).ravel()
        if idx.size and (idx.min() < 0 or idx.max() >= pop.size):
            raise ParameterError("indices", int(idx.max()), f"[0, {pop.size - 1}]", population)
        pr = StateProbe(population, idx, tuple(variables))
        self.probes.append(pr)
        return pr


# --------------------------------------------------------------------------------------
# Results: the neutral types every analysis reads
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SpikeLog:
    """All spikes of a run as parallel arrays sorted by (step, neuron).

    Attributes
    ----------
    steps : int64 array, the step of each spike.
    ids : int64 array, the global neuron id of each spike.
    dt : float, seconds per step.
    n_steps : int, length of the run in steps.
    populations : mapping name -> (start, size) of global ids.
    times : optional float64 array (seconds) with sub-step spike times (continuous
        reference); if None, ``steps * dt`` is used.
    first_step : int, the first step the log covers (a run continued from a checkpoint
        without its log covers ``first_step .. n_steps - 1``); rates and ``duration``
        count only the covered steps.
    """

    steps: np.ndarray
    ids: np.ndarray
    dt: float
    n_steps: int
    populations: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    times: np.ndarray | None = None
    first_step: int = 0

    def __post_init__(self):
        s = np.asarray(self.steps, dtype=np.int64)
        i = np.asarray(self.ids, dtype=np.int64)
        if s.shape != i.shape:
            raise ParameterError("ids", f"shape {i.shape}", f"shape {s.shape} (as steps)", "SpikeLog")
        order = np.lexsort((i, s))
        if not np.all(order == np.arange(order.size)):
            s, i = s[order], i[order]
            if self.times is not None:
                object.__setattr__(self, "times", np.asarray(self.times, dtype=float)[order])
        object.__setattr__(self, "steps", s)
        object.__setattr__(self, "ids", i)

    @property
    def n_neurons(self) -> int:
        return max((a + b for a, b in self.populations.values()), default=int(self.ids.max(initial=-1)) + 1)

    @property
    def duration(self) -> float:
        """Seconds the log covers."""
        return (self.n_steps - self.first_step) * self.dt

    @property
    def spike_times(self) -> np.ndarray:
        """Spike times in seconds (``times`` if given, else ``steps * dt``)."""
        return self.times if self.times is not None else self.steps * self.dt

    def _range(self, population: str | None) -> tuple[int, int]:
        if population is None:
            return 0, self.n_neurons
        if population not in self.populations:
            raise ParameterError("population", population, f"one of {sorted(self.populations)}", "SpikeLog")
        return self.populations[population]

    def select(self, population: str) -> "SpikeLog":
        """The spikes of one population, with ids relative to it."""
        start, size = self._range(population)
        m = (self.ids >= start) & (self.ids < start + size)
        return SpikeLog(self.steps[m], self.ids[m] - start, self.dt, self.n_steps, {population: (0, size)},
                        None if self.times is None else self.times[m], self.first_step)

    def counts(self, population: str | None = None) -> np.ndarray:
        """Spike count per neuron of ``population`` (all neurons if None)."""
        start, size = self._range(population)
        m = (self.ids >= start) & (self.ids < start + size)
        return np.bincount(self.ids[m] - start, minlength=size)

    def trains(self, population: str | None = None) -> list[np.ndarray]:
        """One sorted array of spike times (seconds) per neuron."""
        start, size = self._range(population)
        m = (self.ids >= start) & (self.ids < start + size)
        ids, t = self.ids[m] - start, self.spike_times[m]
        order = np.argsort(ids, kind="stable")
        bounds = np.searchsorted(ids[order], np.arange(size + 1))
        t = t[order]
        return [np.sort(t[bounds[k]:bounds[k + 1]]) for k in range(size)]

    def rates(self, population: str | None = None) -> np.ndarray:
        """Mean firing rate per neuron in Hz."""
        return self.counts(population) / self.duration

    def raster(self, population: str | None = None) -> np.ndarray:
        """Boolean array (n_steps, n) of spikes; for small runs."""
        start, size = self._range(population)
        r = np.zeros((self.n_steps, size), dtype=bool)
        m = (self.ids >= start) & (self.ids < start + size)
        r[self.steps[m], self.ids[m] - start] = True
        return r

    def same_spikes(self, other: "SpikeLog") -> bool:
        """True when both logs hold exactly the same (step, id) pairs."""
        return bool(np.array_equal(self.steps, other.steps) and np.array_equal(self.ids, other.ids))


@dataclass(frozen=True)
class Traces:
    """Recorded state: ``data[var]`` has shape (n_samples, n_probed).

    ``steps`` gives the step of each sample, ``ids`` the global id of each column.
    ``physical(var) = data[var] * scale[var] + offset[var]`` is the value in physical
    units ``units[var]`` (scale 1, offset 0 for float simulators; for the chip's integer
    state, volts per LSB and the voltage origin ``v_reset``). Variables are ``"u"``
    (synaptic current, A) and ``"v"`` (membrane potential, V) for LIF.
    """

    steps: np.ndarray
    ids: np.ndarray
    dt: float
    data: Mapping[str, np.ndarray]
    units: Mapping[str, str] = field(default_factory=dict)
    scale: Mapping[str, float] = field(default_factory=dict)
    offset: Mapping[str, float] = field(default_factory=dict)

    @property
    def times(self) -> np.ndarray:
        return self.steps * self.dt

    def physical(self, var: str) -> np.ndarray:
        """``data[var]`` in physical units (float64)."""
        if var not in self.data:
            raise ParameterError("var", var, f"one of {sorted(self.data)}", "Traces")
        return np.asarray(self.data[var], dtype=float) * self.scale.get(var, 1.0) + self.offset.get(var, 0.0)

    def column(self, gid: int) -> int:
        hits = np.nonzero(self.ids == gid)[0]
        if hits.size == 0:
            raise ParameterError("gid", gid, f"one of the probed ids {self.ids.tolist()[:10]}...", "Traces")
        return int(hits[0])


@dataclass(frozen=True)
class RunResult:
    """What any simulator returns: spikes, probed traces, and simulator-specific extras.

    ``counters`` maps a counter name to an int64 array with one entry per core (chip
    only; empty for the reference). ``weights`` maps a projection index (position in
    ``Network.projections``) to its final weights (plastic projections). ``info`` holds
    provenance (simulator name, mode, seed, ...). ``cost`` (chip only) is the run priced as
    hardware, a ``neuromorph.cost.CostResult``: time and energy per step, per-core totals
    (docs/hardware-model.md §9); ``None`` for the reference.
    """

    spikes: SpikeLog
    traces: Traces
    counters: Mapping[str, np.ndarray] = field(default_factory=dict)
    weights: Mapping[int, np.ndarray] = field(default_factory=dict)
    info: Mapping[str, object] = field(default_factory=dict)
    cost: object = None
