"""Compiler: the only place where floats become integers.

``compile_network(net, chip)`` runs two passes:

1. :func:`quantize` maps a physical network (``LIF``, ``Projection``) onto hardware
   registers (``LIFRegisters``, ``ProjectionRegisters``) following docs/hardware-model.md §7
   and reports every parameter's quantization error. A register-level network passes
   through unchanged.
2. :func:`build_program` checks every register against its width (a named
   :class:`ParameterError` otherwise), prepares weights as Lava's ``Dense`` does, places
   neurons on cores (a :class:`CapacityError` names the core and the limit), and lays the
   synapses out as flat CSR axon tables: the immutable :class:`Program` the simulator runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .errors import CapacityError, CompileError, ParameterError, check_integer, check_range
from .fixedpoint import (WEIGHT_INT8, WEIGHT_NEGATED, WEIGHT_RAW, WEIGHT_UNSIGNED, encode_mant_exp, read_weights, rint,
                         saturate, shift_floor, shift_trunc)
from .learning import DEPENDENCIES, FACTORS, MAX_FACTORS, TRACES, LearningRule, as_rule
from .tables import (GROUP, IZH, KIND_IZH, KIND_LIF, PROJ, RULE, TERM, InitialState, Learning, Neurons, Placement,
                     Synapses, records)
from . import placement as placement_mod
from .hardware import LOIHI, ChipSpec
from .network import (LIF, STDP, Izhikevich, IzhikevichRegisters, LIFRegisters, Network, Projection, ProjectionRegisters,
                      STDPRegisters)

__all__ = ["compile_network", "quantize", "build_program", "prepare_weights", "Program", "ProjectionInfo", "HostTables",
           "CompileReport"]


# --------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------
@dataclass
class CompileReport:
    """Quantization error per parameter and utilization per core."""

    parameters: list[dict] = field(default_factory=list)
    cores: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, owner: str, name: str, requested: float, realised: float, unit: str = ""):
        if requested == realised:
            rel = 0.0
        elif requested == 0 or not math.isfinite(requested):
            rel = math.inf if realised != requested else 0.0
        else:
            rel = abs(realised - requested) / abs(requested)
        self.parameters.append(dict(owner=owner, name=name, requested=requested, realised=realised,
                                    rel_error=rel, unit=unit))

    def __str__(self) -> str:
        lines = ["Quantization (requested -> realised, relative error):"]
        for p in self.parameters:
            lines.append(f"  {p['owner']:>16s}.{p['name']:<12s} {p['requested']:>12.5g} -> {p['realised']:<12.5g}"
                         f" {p['unit']:<3s} {p['rel_error']:.2e}")
        lines.append("Cores (neurons, synapses, fan-in axons, fan-out axons):")
        for c in self.cores:
            lines.append(f"  core {c['core']:>3d}: {c['neurons']:>5d} {c['synapses']:>7d} {c['fan_in']:>5d} {c['fan_out']:>5d}")
        lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Pass 1: physical -> registers
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LIFScale:
    """How one LIF population's integers map to physical units."""

    v_per_lsb: float      # volts per v LSB
    v_origin: float       # volts at v = 0 (v_reset)
    a_per_lsb: float      # amperes per u LSB (nan if dv = 0)


def _lif_registers(pop_name: str, m: LIF, size: int, dt: float, chip: ChipSpec, headroom: float,
                   report: CompileReport) -> tuple[LIFRegisters, LIFScale]:
    c = chip.core
    unity = c.decay_unity
    dv = int(np.clip(rint(unity * (1 - math.exp(-dt / m.tau_m))), 0, unity - 1)) if math.isfinite(m.tau_m) else 0
    alpha_i = math.exp(-dt / m.tau_syn) if m.tau_syn > 0 else 0.0
    du = int(np.clip(unity - c.du_offset - rint(unity * alpha_i), 0, unity - 1))
    theta = m.v_th - m.v_reset
    vth = min(c.vth_max, int(c.v_max // ((1 << c.vth_shift) * headroom)))
    if vth < 1:
        raise ParameterError("headroom", headroom, f"<= {c.v_max / (1 << c.vth_shift):g}", pop_name)
    s_v = theta / (vth << c.vth_shift)
    gain = dv / unity / (m.g_L * s_v)            # u LSBs per ampere
    drive = m.I_bias + m.g_L * (m.E_L - m.v_reset)  # leak toward E_L folded into the bias
    bias_lo, bias_hi = c.bias_mant_range
    if math.isfinite(m.tau_m) and unity * (1 - math.exp(-dt / m.tau_m)) > unity - 0.5:
        report.notes.append(f"{pop_name}: tau_m = {m.tau_m:g} s is much shorter than dt = {dt:g} s: v loses "
                            f"{unity - 1}/{unity} of itself per step (dv clipped to {unity - 1}), not all of it")
    try:
        bm, be = encode_mant_exp(np.array([gain * drive]), bias_lo, bias_hi, 0, c.bias_exp_max, name="I_bias")
    except ParameterError:
        # name the physical cause: the drive's steady-state voltage against what the bias register holds
        most = (bias_hi << c.bias_exp_max) / gain
        raise ParameterError(
            "I_bias", m.I_bias,
            f"|I_bias + g_L (E_L - v_reset)| <= {most:g} A: its steady-state voltage {drive / m.g_L * 1e3:.3g} mV is "
            f"{abs(drive / m.g_L) / theta:.3g} threshold distances, and at tau_m = {m.tau_m:g} s, dt = {dt:g} s "
            f"(dv = {dv}) and headroom {headroom:g} the bias register holds {most / m.g_L / theta:.3g}; lengthen "
            f"tau_m, shorten dt or raise headroom", pop_name) from None
    ref = rint(m.t_ref / dt)
    if ref > c.refractory_max:
        raise ParameterError("t_ref", m.t_ref, f"<= {c.refractory_max} steps = {c.refractory_max * dt:g} s", pop_name)
    v0 = 0 if m.v_init is None else rint((m.v_init - m.v_reset) / s_v)
    check_range("v_init", v0, -c.v_max, c.v_max, pop_name)
    regs = LIFRegisters(du=du, dv=dv, vth=vth, bias_mant=int(bm[0]), bias_exp=int(be[0]), refractory_steps=ref,
                        v_init=v0)
    # realised values
    fu = unity - du - c.du_offset
    report.add(pop_name, "tau_m", m.tau_m, -dt / math.log(1 - dv / unity) if dv else math.inf, "s")
    report.add(pop_name, "tau_syn", m.tau_syn, -dt / math.log(fu / unity) if 0 < fu < unity else
               (0.0 if fu == 0 else math.inf), "s")
    report.add(pop_name, "v_th", m.v_th, m.v_reset + (vth << c.vth_shift) * s_v, "V")
    bias_real = (int(bm[0]) << int(be[0])) / gain - m.g_L * (m.E_L - m.v_reset) if gain else math.nan
    report.add(pop_name, "I_bias", m.I_bias, bias_real, "A")
    report.add(pop_name, "t_ref", m.t_ref, ref * dt, "s")
    a_per_lsb = 1.0 / gain if gain else math.nan
    return regs, LIFScale(s_v, m.v_reset, a_per_lsb)


@dataclass(frozen=True)
class IzhScale:
    """Izhikevich state is fixed point: model units (mV, current units) per LSB = 2**-F."""

    v_per_lsb: float
    v_origin: float
    a_per_lsb: float          # input current (model units) per LSB


def _izh_registers(pop_name: str, m: Izhikevich, dt: float, chip: ChipSpec,
                   report: CompileReport) -> tuple[IzhikevichRegisters, IzhScale]:
    """Izhikevich (model units, dt in s) -> integer registers (docs/hardware-model.md §2b)."""
    c = chip.core
    F, P = c.izh_frac_bits, c.izh_coef_frac_bits
    dt_ms = dt * 1e3
    lim_dt = min(1.0, 2.0 / abs(m.a)) if m.a else 1.0
    if not dt_ms <= lim_dt:
        raise ParameterError("dt", dt, f"<= {lim_dt:g} ms (Euler limit of u: min(1 ms, 2/|a|))", pop_name)
    slim = (1 << (c.izh_state_bits - 1)) - 1
    qP = lambda x: rint(x * 2**P)  # noqa: E731
    qF = lambda x: rint(x * 2**F)  # noqa: E731
    u0 = m.b * m.v_init if m.u_init is None else m.u_init
    regs = IzhikevichRegisters(k2=qP(m.k2), k1=qP(m.k1), k0=qF(m.k0), dt=qP(dt_ms), adt=qP(m.a * dt_ms), b=qP(m.b),
                               c=qF(m.c), d=qF(m.d), v_peak=qF(m.v_peak), bias=qF(m.I_bias),
                               accommodation=m.u_rule == "accommodation", v_init=qF(m.v_init), u_init=qF(u0))
    for name in ("c", "d", "v_peak", "bias", "v_init", "u_init", "k0"):
        val = getattr(regs, name)
        if abs(val) > slim:
            raise ParameterError(name, getattr(m, {"bias": "I_bias", "u_init": "u_init"}.get(name, name)),
                                 f"|x| <= {slim / 2**F:g} with izh_state_bits={c.izh_state_bits}, "
                                 f"izh_frac_bits={F}", pop_name)
    for name, req, real in (("a", m.a, regs.adt / 2**P / dt_ms), ("b", m.b, regs.b / 2**P), ("c", m.c, regs.c / 2**F),
                            ("d", m.d, regs.d / 2**F), ("v_peak", m.v_peak, regs.v_peak / 2**F),
                            ("k2", m.k2, regs.k2 / 2**P), ("k1", m.k1, regs.k1 / 2**P), ("k0", m.k0, regs.k0 / 2**F),
                            ("dt_ms", dt_ms, regs.dt / 2**P), ("I_bias", m.I_bias, regs.bias / 2**F)):
        report.add(pop_name, name, float(req), float(real))
    return regs, IzhScale(2.0**-F, 0.0, 2.0**-F)




def _auto_sign_mode(w: np.ndarray) -> str:
    if w.size == 0 or w.min() >= 0:
        return "excitatory"
    if w.max() <= 0:
        return "inhibitory"
    return "mixed"


def _projection_registers(proj: Projection, p_index: int, post_scale: LIFScale, dt: float, chip: ChipSpec,
                          report: CompileReport) -> ProjectionRegisters:
    c = chip.core
    owner = f"proj{p_index}:{proj.pre}->{proj.post}"
    a_per_unit = post_scale.a_per_lsb * (1 << c.input_shift)   # amperes per a-unit (mantissa * 2**e)
    if not math.isfinite(a_per_unit):
        raise CompileError(f"{owner}: post population has tau_m = inf (dv = 0), inputs cannot reach v")
    d_steps = _delay_steps(proj, owner, dt, c, report)
    if proj.plasticity is not None:
        return _plastic_registers(proj, owner, a_per_unit, d_steps, dt, c, report)
    J = proj.weight / a_per_unit
    sign_mode = _auto_sign_mode(proj.weight)
    k, lo, hi = c.weight_grid(sign_mode, c.weight_bits)
    q_lo, q_hi = -((-lo) >> k), hi >> k                 # mantissa = q << k, q in [q_lo, q_hi]
    for e in range(0, c.weight_exp_max + 1):
        q = rint(J / 2.0 ** (e + k))
        if q.size == 0 or (q.min() >= q_lo and q.max() <= q_hi):
            break
    else:
        worst = float(proj.weight[np.argmax(np.abs(proj.weight))])
        limit = max(-q_lo, q_hi) * 2.0 ** (c.weight_exp_max + k) * a_per_unit
        raise ParameterError("weight", worst, f"|weight| <= {limit:g} A", owner)
    mant = (q.astype(np.int64) << k)
    real = mant * 2.0**e * a_per_unit
    nz = proj.weight != 0
    if nz.any():
        rel = np.abs(real[nz] - proj.weight[nz]) / np.abs(proj.weight[nz])
        report.parameters.append(dict(owner=owner, name="weight", requested=float(np.abs(proj.weight[nz]).mean()),
                                      realised=float(np.abs(real[nz]).mean()), rel_error=float(rel.max()),
                                      unit="A"))
        lost = int(np.count_nonzero(mant[nz] == 0))
        if lost:
            report.notes.append(f"{owner}: {lost} nonzero weights round to 0 (smallest representable "
                                f"{2.0**k * a_per_unit:g} A)")
    return ProjectionRegisters(proj.pre, proj.post, proj.pre_idx, proj.post_idx, mant, d_steps, weight_exp=e,
                               sign_mode=sign_mode, num_weight_bits=c.weight_bits)


def _delay_steps(proj: Projection, owner: str, dt: float, c, report: CompileReport) -> np.ndarray:
    d_steps = rint(proj.delay / dt) - 1
    if d_steps.size:
        if d_steps.max() > c.delay_slots - 1:
            raise ParameterError("delay", float(proj.delay.max()), f"[dt, {c.delay_slots} * dt] = "
                                 f"[{dt:g}, {c.delay_slots * dt:g}] s", owner)
        real_d = (d_steps + 1) * dt
        report.parameters.append(dict(owner=owner, name="delay", requested=float(proj.delay.max()),
                                      realised=float(real_d.max()), unit="s",
                                      rel_error=float((np.abs(real_d - proj.delay) / proj.delay).max())))
    return d_steps


def _plastic_registers(proj: Projection, owner: str, a_per_unit: float, d_steps: np.ndarray, dt: float, c,
                       report: CompileReport) -> ProjectionRegisters:
    """Physical STDP -> W registers, STDPRegisters (docs/hardware-model.md §7, plastic projections)."""
    rule = proj.plasticity
    if not isinstance(rule, STDP):
        raise CompileError(f"{owner}: plasticity must be neuromorph.network.STDP, got {type(rule).__name__}")
    for name in ("A_plus", "A_minus", "w_min", "w_max"):
        if not math.isfinite(getattr(rule, name)):
            raise ParameterError(name, getattr(rule, name), "a finite value (the chip's registers are finite)", owner)
    w_top = (1 << (c.plastic_weight_bits - 1)) - 1
    J = proj.weight / a_per_unit
    j_lo, j_hi = rule.w_min / a_per_unit, rule.w_max / a_per_unit
    k = int(np.argmax(np.abs(J))) if J.size else 0
    cands = [("w_min", rule.w_min, abs(j_lo)), ("w_max", rule.w_max, abs(j_hi))]
    if J.size:
        cands.append(("weight", float(proj.weight[k]), float(abs(J[k]))))
    worst_name, worst, big = max(cands, key=lambda t: t[2])
    for e in range(c.weight_exp_min, c.weight_exp_max + 1):
        if big / 2.0 ** e <= w_top:
            break
    else:
        limit = w_top * 2.0 ** c.weight_exp_max * a_per_unit
        raise ParameterError(worst_name, worst, f"|weights|, |w_min|, |w_max| <= {limit:g} A", owner)
    W, w_lo, w_hi = rint(J / 2.0 ** e), rint(j_lo / 2.0 ** e), rint(j_hi / 2.0 ** e)
    a_top = (1 << (c.learn_coef_bits - 1)) - 1
    aw_plus, aw_minus = rule.A_plus / a_per_unit / 2.0 ** e, rule.A_minus / a_per_unit / 2.0 ** e
    shift = next((s for s in range(15, -1, -1)
                  if max(abs(rint(aw_plus * 2.0 ** s)), abs(rint(aw_minus * 2.0 ** s))) <= a_top), None)
    if shift is None:
        name, val = ("A_plus", rule.A_plus) if abs(aw_plus) >= abs(aw_minus) else ("A_minus", rule.A_minus)
        raise ParameterError(name, val, f"|A| <= {a_top * 2.0 ** e * a_per_unit:g} A per unit trace", owner)
    a_plus, a_minus = rint(aw_plus * 2.0 ** shift), rint(aw_minus * 2.0 ** shift)
    for name, req, got in (("A_plus", rule.A_plus, a_plus), ("A_minus", rule.A_minus, a_minus)):
        if req != 0 and got == 0:
            report.notes.append(f"{owner}: {name} = {req:g} A rounds to 0 (smallest representable "
                                f"{2.0 ** (e - 15) * a_per_unit:g} A per unit trace): no learning from it")
    unity = 1 << c.trace_decay_bits
    x_decay, y_decay = rint(unity * math.exp(-dt / rule.tau_plus)), rint(unity * math.exp(-dt / rule.tau_minus))
    regs = STDPRegisters(a_plus=a_plus, a_minus=a_minus, x_decay=x_decay, y_decay=y_decay, w_lo=w_lo, w_hi=w_hi,
                         learn_shift=shift)
    unit = 2.0 ** e * a_per_unit

    def tau(f):
        return -dt / math.log(f / unity) if 0 < f < unity else (math.inf if f >= unity else 0.0)

    for name, req, real, u in (("tau_plus", rule.tau_plus, tau(x_decay), "s"),
                               ("tau_minus", rule.tau_minus, tau(y_decay), "s"),
                               ("A_plus", rule.A_plus, a_plus * 2.0 ** -shift * unit, "A"),
                               ("A_minus", rule.A_minus, a_minus * 2.0 ** -shift * unit, "A"),
                               ("w_min", rule.w_min, w_lo * unit, "A"), ("w_max", rule.w_max, w_hi * unit, "A")):
        report.add(owner, name, req, real, u)
    nz = proj.weight != 0
    if nz.any():
        rel = np.abs(W[nz] * unit - proj.weight[nz]) / np.abs(proj.weight[nz])
        report.parameters.append(dict(owner=owner, name="weight", requested=float(np.abs(proj.weight[nz]).mean()),
                                      realised=float(np.abs(W[nz] * unit).mean()), rel_error=float(rel.max()),
                                      unit="A"))
    return ProjectionRegisters(proj.pre, proj.post, proj.pre_idx, proj.post_idx, W, d_steps, weight_exp=e,
                               sign_mode=None, plasticity=regs)


def quantize(net: Network, chip: ChipSpec = LOIHI, headroom: float = 4.0):
    """Physical network -> (register-level network, {population: LIFScale}, CompileReport)."""
    report = CompileReport()
    out = Network(dt=net.dt, name=net.name)
    scales: dict[str, LIFScale] = {}
    for pop in net.populations.values():
        m = pop.model
        if isinstance(m, LIF):
            regs, scales[pop.name] = _lif_registers(pop.name, m, pop.size, net.dt, chip, headroom, report)
            out.add_population(pop.name, pop.size, regs)
        elif isinstance(m, Izhikevich):
            regs, scales[pop.name] = _izh_registers(pop.name, m, net.dt, chip, report)
            out.add_population(pop.name, pop.size, regs)
        elif pop.is_source:
            out.add_source(pop.name, pop.size, m)
        else:
            out.add_population(pop.name, pop.size, m)
    for p_i, proj in enumerate(net.projections):
        if isinstance(proj, Projection):
            if proj.post not in scales:
                raise CompileError(f"projection {proj.pre}->{proj.post}: physical weights need a physical (LIF) "
                                   "post population; use connect_registers for register-level populations")
            out.projections.append(_projection_registers(proj, p_i, scales[proj.post], net.dt, chip, report))
        else:
            out.projections.append(proj)
    out.probes = list(net.probes)
    for inj in net.injections:
        pop = net.populations[inj.population]
        if inj.population in scales:          # physical units -> register units (LSB of the input)
            lsb = scales[inj.population].a_per_lsb
            limit = float(2**53) * lsb            # register values far beyond any state width are a mistake
            if np.any(np.abs(inj.values) > limit):
                worst = float(inj.values.flat[np.argmax(np.abs(inj.values))])
                raise ParameterError("values", worst, f"|current| <= {limit:g} A (2**53 input LSBs of {lsb:g} A)",
                                     f"injection into {inj.population!r}")
            vals = rint(inj.values / lsb)
        else:
            vals = check_integer("values", inj.values, f"injection into {inj.population!r} (register units)")
        out.injections.append(type(inj)(inj.population, inj.indices, np.asarray(vals, np.int64), inj.start))
        del pop
    return out, scales, report


# --------------------------------------------------------------------------------------
# Pass 2: registers -> Program
# --------------------------------------------------------------------------------------
def prepare_weights(w: np.ndarray, sign_mode: str | None, num_weight_bits: int, chip: ChipSpec = LOIHI):
    """Lava ``Dense`` weight preparation: (auto) sign mode, clip, truncate LSBs. Returns (w, mode)."""
    c = chip.core
    w = np.asarray(w, dtype=np.int64)
    mode = sign_mode or _auto_sign_mode(w)
    if not 1 <= num_weight_bits <= c.weight_bits:
        raise ParameterError("num_weight_bits", num_weight_bits, f"[1, {c.weight_bits}]")
    k, lo, hi = c.weight_grid(mode, num_weight_bits)
    w = saturate(w, lo, hi)
    # drop k LSBs: toward zero for inhibitory weights (magnitude truncation), floor otherwise
    return (shift_trunc(w, k) if mode == "inhibitory" else shift_floor(w, k)) << k, mode


@dataclass(frozen=True)
class ProjectionInfo:
    """What a compiled projection keeps besides its synapses (those live in the tables)."""

    pre: str
    post: str
    weight_exp: int
    sign_mode: str | None           # the prepared sign mode; None for a plastic projection
    num_weight_bits: int
    plasticity: STDPRegisters | None
    n_synapses: int


@dataclass(frozen=True)
class HostTables:
    """The host's side of a program: sources, injections, probes, and the float scales that turn
    registers into physical units in results (the kernels never read these)."""

    sources: tuple                  # (start, size, source model) per source population
    injections: tuple               # (gids, values (n_steps, m) int64, start step)
    probe_gids: np.ndarray
    u_scale: np.ndarray             # per id: input units per u LSB (1.0 for register-level populations)
    v_scale: np.ndarray             # per id: volts (model units) per v LSB
    v_origin: np.ndarray            # per id: volts at v = 0
    scales: dict                    # population -> LIFScale / IzhScale of a physical population
    w_scale: np.ndarray             # per projection: amperes per W LSB of a physical plastic projection, else 0
    plastic_ptr: np.ndarray         # plastic projection i's synapses in its own order are the table
    plastic_q: np.ndarray           # positions plastic_q[plastic_ptr[i]:plastic_ptr[i+1]]


@dataclass(frozen=True)
class Program:
    """The immutable integer tables of a compiled network, in a few typed parts.

    ``neurons`` (:class:`~neuromorph.tables.Neurons`), ``placement``
    (:class:`~neuromorph.tables.Placement`), ``synapses`` (:class:`~neuromorph.tables.Synapses`)
    and ``learning`` (:class:`~neuromorph.tables.Learning`) are what the kernels read;
    ``initial`` holds the initial u and v; ``host`` (:class:`HostTables`) the host's side.
    ``models`` keeps each population's register-level model (what the chip runs) and
    ``projections`` each projection's registers other than its synapses
    (:meth:`synapses_of` reads those back from the tables).
    """

    chip: ChipSpec
    dt: float
    name: str
    n: int                          # ids (neurons and sources)
    n_cores: int
    D: int                          # delay slots of the ring (largest extra delay + 1)
    part_size: int                  # scratch of the exact negative-exponent sums
    populations: dict               # name -> (start, size)
    models: dict                    # name -> LIFRegisters | IzhikevichRegisters | source
    projections: tuple              # ProjectionInfo per projection
    neurons: Neurons
    initial: InitialState
    placement: Placement
    synapses: Synapses
    learning: Learning
    host: HostTables
    report: CompileReport
    loihi_compat: bool

    @property
    def plastic(self) -> bool:
        """True when some projection learns (§3.5)."""
        return bool(np.any(self.synapses.proj["plastic"]))

    @property
    def n_synapses(self) -> int:
        return int(self.synapses.syn_tgt.size)

    def table_bytes(self) -> int:
        """Bytes held by the synapse and axon tables."""
        return sum(a.nbytes for a in self.synapses)

    def population_of(self, gid: int) -> str:
        """The name of the population that holds global id ``gid``."""
        for name, (start, size) in self.populations.items():
            if start <= gid < start + size:
                return name
        raise ParameterError("gid", gid, f"[0, {self.n - 1}]", "Program.population_of")

    @cached_property
    def synapse_sources(self) -> tuple[np.ndarray, np.ndarray]:
        """(presynaptic gid, projection) of every synapse in table order, expanded once from the
        CSR tables (the tables store them per segment)."""
        S = self.synapses
        seg_len = np.diff(S.seg_ptr)
        seg_pre = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(S.axon_ptr))
        return np.repeat(seg_pre, seg_len), np.repeat(S.seg_proj.astype(np.int64), seg_len)

    def synapses_of(self, i: int) -> ProjectionRegisters:
        """Projection ``i`` read back from the tables as register-level synapses: the prepared
        mantissas (plastic: the initial W registers), in the projection's own order when it
        learns, else in table order."""
        S, info = self.synapses, self.projections[i]
        syn_pre, syn_proj = self.synapse_sources
        if info.plasticity is not None:
            h = self.host
            q = h.plastic_q[h.plastic_ptr[i]:h.plastic_ptr[i + 1]]
        else:
            q = np.nonzero(syn_proj == i)[0]
        pr = S.proj[i]
        w = read_weights(S.syn_w[q], pr["wkind"]) << (int(pr["wexp"]) - info.weight_exp)
        pre0, post0 = self.populations[info.pre][0], self.populations[info.post][0]
        return ProjectionRegisters(info.pre, info.post, syn_pre[q] - pre0,
                                   S.syn_tgt[q].astype(np.int64) - post0, w, S.syn_d[q].astype(np.int64),
                                   info.weight_exp, info.sign_mode, info.num_weight_bits, info.plasticity)


def _neuron_tables(reg: Network, chip: ChipSpec, loihi_compat: bool):
    """Neuron registers and initial state, checked (§2, §2b). Returns (Neurons, InitialState, sources)."""
    c = chip.core
    N = reg.n_neurons
    bias = np.zeros(N, np.int64)
    izh = np.zeros(N, IZH)
    u0 = np.zeros(N, np.int64)
    v0 = np.zeros(N, np.int64)
    groups, sources = [], []
    for pop in reg.populations.values():
        sl = slice(pop.start, pop.stop)
        m = pop.model
        if pop.is_source:
            sources.append((pop.start, pop.size, m))
            continue
        if isinstance(m, IzhikevichRegisters):
            _check_izh_registers(pop.name, m, pop.size, chip, loihi_compat)
            for f in IZH.names:
                izh[f][sl] = int(m.accommodation) if f == "accom" else np.asarray(getattr(m, f), np.int64)
            groups.append((pop.start, pop.stop, KIND_IZH, 0, 0, 0, 0, 0, 0))
        elif isinstance(m, LIFRegisters):
            _check_lif_registers(pop.name, m, pop.size, chip, loihi_compat)
            bias[sl] = np.asarray(m.bias_mant, np.int64) << np.asarray(m.bias_exp, np.int64)
            groups.append((pop.start, pop.stop, KIND_LIF, c.decay_unity - (int(m.du) + c.du_offset),
                           c.decay_unity - int(m.dv), int(m.vth) << c.vth_shift, int(m.refractory_steps),
                           int(bool(m.reset_u)), int(m.reset_mode == "subtract")))
        else:
            raise CompileError(f"population {pop.name!r}: expected LIFRegisters or IzhikevichRegisters after "
                               f"quantization, got {type(m).__name__}")
        u0[sl] = m.u_init
        v0[sl] = m.v_init
    return Neurons(records(GROUP, groups), bias, izh), InitialState(u0, v0), tuple(sources)


@dataclass
class _Gathered:
    """Every synapse of the network, concatenated in projection order (global ids)."""

    pre: np.ndarray
    post: np.ndarray
    w: np.ndarray           # prepared mantissas (plastic: W registers)
    d: np.ndarray
    proj: np.ndarray
    wexp: np.ndarray        # per projection
    modes: list
    nbits: list
    plastic: np.ndarray
    infos: list


def _gather(reg: Network, chip: ChipSpec, loihi_compat: bool, report: CompileReport) -> _Gathered:
    """Check each projection's registers, prepare its weights (§3.1), and concatenate its synapses."""
    c = chip.core
    P = len(reg.projections)
    pre_l, post_l, w_l, d_l, p_l, modes, nbits, plastic, infos = [], [], [], [], [], [], [], [], []
    wexp = np.zeros(P, np.int32)
    for p_i, proj in enumerate(reg.projections):
        ctx = f"projection {p_i} {proj.pre}->{proj.post}"
        pre, post = reg.populations[proj.pre], reg.populations[proj.post]
        check_range("weight_exp", proj.weight_exp, c.weight_exp_min, c.weight_exp_max, ctx)
        w = check_integer("weight_mant", proj.weight_mant, ctx)
        d = check_integer("delay_steps", proj.delay_steps, ctx)
        if w.shape != proj.pre_idx.shape or d.shape != proj.pre_idx.shape:
            raise ParameterError("weight_mant", f"shape {w.shape}", f"shape {proj.pre_idx.shape} (one per synapse)", ctx)
        check_range("delay_steps", d, 0, c.delay_slots - 1, ctx)
        rule = getattr(proj, "plasticity", None)
        if rule is not None and loihi_compat:
            raise ParameterError("plasticity", type(rule).__name__, "None in Loihi-compatibility mode (Lava's "
                                 "bit-accurate Dense has no learning)", ctx)
        if rule is not None:               # plastic: raw W registers, no Lava preparation (§3.5)
            _check_stdp_registers(rule, w, proj.sign_mode, c, ctx)
            mode = None
        else:
            w, mode = prepare_weights(w, proj.sign_mode, proj.num_weight_bits, chip)
            _, lo, hi = c.weight_grid(mode, proj.num_weight_bits)          # the clip range of its sign mode
            clipped = int(np.count_nonzero(np.clip(proj.weight_mant, lo, hi) != proj.weight_mant))
            if clipped:
                report.notes.append(f"{ctx}: {clipped} weight mantissas clipped to the {mode} range")
        wexp[p_i] = proj.weight_exp
        modes.append(mode)
        nbits.append(int(proj.num_weight_bits))
        plastic.append(rule is not None)
        infos.append(ProjectionInfo(proj.pre, proj.post, int(proj.weight_exp), mode, int(proj.num_weight_bits), rule,
                                    int(w.size)))
        pre_l.append(proj.pre_idx + pre.start)
        post_l.append(proj.post_idx + post.start)
        w_l.append(w)
        d_l.append(d)
        p_l.append(np.full(w.size, p_i, np.int64))
    cat = lambda xs: np.concatenate(xs).astype(np.int64) if xs else np.zeros(0, np.int64)  # noqa: E731
    return _Gathered(cat(pre_l), cat(post_l), cat(w_l), cat(d_l), cat(p_l), wexp, modes, nbits,
                     np.array(plastic, bool).reshape(P), infos)


def _weight_storage(g: _Gathered, chip: ChipSpec):
    """Store each prepared mantissa in one byte when weight_bits <= 8 (else raw int16).

    A prepared mantissa w of a projection with sign mode m and truncation k is a multiple
    of 2**k, so it is kept as s = w >> k (excitatory: uint8 s; inhibitory: uint8 -s; mixed:
    int8 s in a uint8) and read back as s << (weight_exp + k) (``fixedpoint.read_weight``).
    Since sum(w) = 2**k sum(s), the per-step floor of negative exponents is unchanged: the
    rule of §3.2 holds exactly. Plastic projections keep their W registers raw (``WEIGHT_RAW``):
    the table is then int16 and the bytes of the other projections sit in its low 8 bits.
    Returns (stored values, kind per projection, effective exponent per projection).
    """
    c = chip.core
    P = len(g.modes)
    if c.weight_bits > 8:            # raw: int16 holds the mixed range [-2**wb, 2**wb - 1] up to wb = 15
        return (g.w.astype(np.int16 if c.weight_bits <= 15 else np.int32), np.full(P, WEIGHT_RAW, np.int64),
                g.wexp.astype(np.int64))
    by_mode = {"excitatory": WEIGHT_UNSIGNED, "inhibitory": WEIGHT_NEGATED, "mixed": WEIGHT_INT8}
    kind = np.array([WEIGHT_RAW if pl else by_mode[m] for m, pl in zip(g.modes, g.plastic)], np.int64).reshape(P)
    k = np.array([0 if pl else c.weight_grid(m, nb)[0] for m, nb, pl in zip(g.modes, g.nbits, g.plastic)],
                 np.int64).reshape(P)
    kk, kg = k[g.proj], kind[g.proj]
    s = np.where(kg == WEIGHT_NEGATED, -g.w, g.w) >> kk
    assert np.all(np.where(kg == WEIGHT_INT8, (s >= -128) & (s <= 127), (kg == WEIGHT_RAW) | ((s >= 0) & (s <= 255))))
    if np.any(g.plastic):
        return np.where(kg == WEIGHT_RAW, s, s & 0xFF).astype(np.int16), kind, g.wexp + k
    return (s & 0xFF).astype(np.uint8), kind, g.wexp + k


def _synapse_tables(g: _Gathered, reg: Network, chip: ChipSpec, core_of: np.ndarray, n_cores: int, cores: list):
    """CSR tables by source (§3.2) and the output axons; checks fan-out per core.

    Returns (Synapses, n_dest, order, part_size): ``order`` sorts the gathered synapses
    into table order (pre, projection, core, delay, target)."""
    c = chip.core
    N, P = reg.n_neurons, len(g.infos)
    syn_w, wkind, wexp_eff = _weight_storage(g, chip)
    syn_core = core_of[g.post] if g.post.size else np.zeros(0, np.int32)
    order = np.lexsort((g.post, g.d, syn_core, g.proj, g.pre))
    pre_s, p_s, c_s = g.pre[order], g.proj[order], syn_core[order]
    new_seg = np.ones(order.size, dtype=bool)
    if order.size:
        new_seg[1:] = (pre_s[1:] != pre_s[:-1]) | (p_s[1:] != p_s[:-1]) | (c_s[1:] != c_s[:-1])
    seg_start = np.nonzero(new_seg)[0]
    seg_ptr = np.append(seg_start, order.size).astype(np.int32 if order.size < 2**31 else np.int64)
    axon_ptr = np.searchsorted(pre_s[seg_start], np.arange(N + 1)).astype(np.int64)

    # output axons: one per (source neuron, destination core)
    pairs = np.unique(np.stack([pre_s, c_s.astype(np.int64)]), axis=1) if order.size else np.zeros((2, 0), np.int64)
    n_dest = np.bincount(pairs[0], minlength=N).astype(np.int32) if pairs.size else np.zeros(N, np.int32)
    fan_out = np.bincount(core_of[pairs[0]], minlength=n_cores + 1)
    for info in cores:
        info["fan_out"] = int(fan_out[info["core"]])
        if info["fan_out"] > c.max_fan_out_axons:
            raise CapacityError(f"core {info['core']}", "fan-out axons", info["fan_out"], c.max_fan_out_axons)

    # scratch for negative weight exponents: one (delay x post) block per such projection
    D = int(g.d.max()) + 1 if g.d.size else 1
    part_off = np.full(P, -1, np.int64)
    off = 0
    posts = [reg.populations[i.post] for i in g.infos]
    for p_i in range(P):
        if wexp_eff[p_i] < 0:
            part_off[p_i] = off
            off += D * posts[p_i].size
    proj = records(PROJ, ((int(wexp_eff[i]), int(wkind[i]), int(part_off[i]), posts[i].start, posts[i].size,
                           int(g.plastic[i])) for i in range(P)))
    synapses = Synapses(
        axon_ptr=axon_ptr, seg_ptr=seg_ptr,
        seg_proj=p_s[seg_start].astype(np.uint16 if P < 2**16 else np.int32),
        seg_core=c_s[seg_start].astype(np.uint16 if n_cores < 2**16 - 1 else np.int32),
        syn_tgt=g.post[order].astype(np.uint32), syn_w=syn_w[order],
        syn_d=g.d[order].astype(np.uint8 if c.delay_bits <= 8 else np.uint16), proj=proj)
    return synapses, pairs, order, off


def placement_tables(core_of: np.ndarray, is_src: np.ndarray, n_cores: int, slot_of_core: np.ndarray,
                     pairs: np.ndarray, mesh) -> Placement:
    """The :class:`~neuromorph.tables.Placement` of a program: destination cores per id
    (``pairs``: unique (source id, destination core) columns sorted by source), the tile hops
    of each id's messages on ``mesh`` (dimension-ordered: x first, then y; a link between
    chips counts as a chip hop instead of a tile hop; §9.1) and the runs of ids per core."""
    N = core_of.size
    src, dst = pairs[0].astype(np.int64), pairs[1].astype(np.int64)
    n_dest = np.bincount(src, minlength=N).astype(np.int32)
    dest_ptr = np.concatenate([[0], np.cumsum(n_dest)]).astype(np.int64)
    hops = np.zeros((N, 3), np.int32)
    on_chip = ~is_src[src]
    if on_chip.any():
        a, b = slot_of_core[core_of[src[on_chip]]], slot_of_core[dst[on_chip]]
        xa, ya, cxa, cya, _ = mesh.position(a)
        xb, yb, cxb, cyb, _ = mesh.position(b)
        cross_x, cross_y = np.abs(cxa - cxb), np.abs(cya - cyb)
        for j, v in enumerate((np.abs(xa - xb) - cross_x, np.abs(ya - yb) - cross_y, cross_x + cross_y)):
            hops[:, j] = np.bincount(src[on_chip], weights=v, minlength=N).astype(np.int32)
    ids = np.nonzero(~is_src)[0]
    new_run = np.ones(ids.size, bool)
    new_run[1:] = (np.diff(ids) != 1) | (np.diff(core_of[ids]) != 0)
    starts = np.nonzero(new_run)[0]
    run_ptr = np.append(ids[starts], ids[-1] + 1 if ids.size else 0).astype(np.int64)
    if not ids.size:
        run_ptr = np.zeros(1, np.int64)
    return Placement(core_of, n_dest, np.bincount(core_of[~is_src], minlength=n_cores).astype(np.int64),
                     np.asarray(slot_of_core, np.int64), dest_ptr, dst.astype(np.int32), hops, run_ptr,
                     core_of[ids[starts]].astype(np.int64))


def _learning_tables(g: _Gathered, reg: Network, chip: ChipSpec, order: np.ndarray, scales: dict,
                     wexp_eff: np.ndarray):
    """The learning engine's tables of §3.5, in synapse-table order (``order`` sorts the
    gathered synapses).

    Traces are one array: projection p's pre trace x1 of neuron j at ``rule.x1 + j`` (x2
    likewise), its post traces at ``rule.y1 + i`` (y2, y3). Each rule's terms are grouped by
    dependency (y0, x0, u0; written order within a group). Returns (Learning, plastic_ptr,
    plastic_q, w_scale): ``plastic_q`` maps a projection's own synapse order to table positions
    (for ``RunResult.weights``), ``w_scale`` the amperes per W LSB of physical plastic
    projections (0: report registers).
    """
    c = chip.core
    N, P = reg.n_neurons, len(g.infos)
    z = np.zeros(0, np.int64)
    if not g.plastic.any():
        return (Learning(records(RULE, []), records(TERM, []), np.zeros(N + 1, np.int64), z, z, z,
                         np.zeros(N + 1, np.int64), z, z, z, z), np.zeros(P + 1, np.int64), z, np.zeros(P))
    rule = np.zeros(P, RULE)
    term_rows = []
    owners, decay, impulse, tr_proj, nT = [], [], [], [], 0
    proj_off = np.concatenate([[0], np.cumsum([i.n_synapses for i in g.infos])]).astype(np.int64)
    inv = np.empty(order.size, np.int64)
    inv[order] = np.arange(order.size)
    plastic_ptr = np.zeros(P + 1, np.int64)
    plastic_q = []
    F = c.trace_frac_bits
    for p_i, info in enumerate(g.infos):
        plastic_ptr[p_i + 1] = plastic_ptr[p_i]
        if not g.plastic[p_i]:
            continue
        r = as_rule(info.plasticity)
        pre, post = reg.populations[info.pre], reg.populations[info.post]
        row = {"w_lo": r.w_lo, "w_hi": r.w_hi, "pre_start": pre.start, "post_start": post.start}
        for name, tr in ((n, getattr(r, n)) for n in TRACES):
            if tr is None:
                row[name] = -1
                continue
            pop = pre if name[0] == "x" else post
            row[name] = nT
            owners.append(np.arange(pop.start, pop.stop))
            decay.append(np.full(pop.size, tr.decay))
            impulse.append(np.full(pop.size, (1 << F) if tr.impulse is None else tr.impulse))
            tr_proj.append(np.full(pop.size, p_i))
            nT += pop.size
        for dep in DEPENDENCIES:
            row[f"{dep}_lo"] = len(term_rows)
            for t in r.terms:
                if t.dep != dep:
                    continue
                cols = [t.mant, t.exp, len(t.factors)]
                for k in range(MAX_FACTORS):
                    if k < len(t.factors):
                        name, const = t.factors[k]
                        q = F if name in TRACES else 0
                        cols += [FACTORS.index(name) + 1, const << q, q]
                    else:
                        cols += [0, 0, 0]
                term_rows.append(tuple(cols))
            row[f"{dep}_hi"] = len(term_rows)
        rule[p_i] = tuple(row[f] for f in RULE.names)
        plastic_q.append(inv[proj_off[p_i]:proj_off[p_i + 1]])
        plastic_ptr[p_i + 1] += info.n_synapses
    pre_s, p_s, tgt_s = g.pre[order], g.proj[order], g.post[order]
    q = np.nonzero(g.plastic[p_s])[0]                                    # plastic synapses, table order
    jl = pre_s[q] - rule["pre_start"][p_s[q]]                            # their pre neurons' indices
    by_post = np.lexsort((q, tgt_s[q]))
    owners = np.concatenate(owners) if owners else z
    by_owner = np.argsort(owners, kind="stable")
    cat = lambda xs: np.concatenate(xs).astype(np.int64) if xs else z    # noqa: E731
    learning = Learning(
        rule=rule, terms=records(TERM, term_rows),
        post_ptr=np.searchsorted(tgt_s[q][by_post], np.arange(N + 1)).astype(np.int64),
        post_q=q[by_post].astype(np.int64), post_pre=jl[by_post].astype(np.int64),
        post_proj=p_s[q][by_post].astype(np.int64),
        own_ptr=np.searchsorted(owners[by_owner], np.arange(N + 1)).astype(np.int64),
        own_idx=by_owner.astype(np.int64), tr_decay=cat(decay), tr_impulse=cat(impulse), tr_proj=cat(tr_proj))
    w_scale = np.array([scales[i.post].a_per_lsb * 2.0 ** (c.input_shift + int(wexp_eff[p_i]))
                        if g.plastic[p_i] and i.post in scales else 0.0 for p_i, i in enumerate(g.infos)])
    return learning, plastic_ptr, np.concatenate(plastic_q).astype(np.int64), w_scale


def _host_probes_injections(reg: Network):
    """Probed ids (checked variables) and injections in global ids (register units)."""
    gids = []
    for pr in reg.probes:
        pop = reg.populations[pr.population]
        gids.append(pop.start + pr.indices)
        bad = [v for v in pr.variables if v not in ("u", "v")]
        if bad:
            raise ParameterError("variables", bad[0], "'u' or 'v'", f"probe on {pr.population!r}")
    injections = []
    for inj in reg.injections:
        pop = reg.populations[inj.population]
        vals = check_integer("values", inj.values, f"injection into {inj.population!r}")
        injections.append((pop.start + inj.indices.astype(np.int64), vals.reshape(inj.values.shape), int(inj.start)))
    probe_gids = np.concatenate(gids).astype(np.int64) if gids else np.zeros(0, np.int64)
    return probe_gids, tuple(injections)


def _freeze(x):
    """Make every array of a NamedTuple (or one array) read-only; returns it."""
    for a in (x if isinstance(x, tuple) else (x,)):
        if isinstance(a, np.ndarray):
            a.setflags(write=False)
    return x


def build_program(reg: Network, chip: ChipSpec = LOIHI, loihi_compat: bool = False,
                  scales: dict | None = None, report: CompileReport | None = None, placement="in_order",
                  seed: int = 0, activity=None) -> Program:
    """Check, prepare and place a register-level network; returns the :class:`Program`.

    ``placement``: a strategy of :mod:`neuromorph.placement` (``seed``, ``activity``: its
    METIS seed and the expected spikes per step of each id), or a given
    ``(core_of, slot_of_core)`` pair (a program image's)."""
    c = chip.core
    report = report or CompileReport()
    scales = scales or {}
    N = reg.n_neurons
    if loihi_compat and (c.du_offset != 1 or c.vth_shift != 6 or c.input_shift != 6):
        raise ParameterError("chip", chip.name, "du_offset=1, vth_shift=6, input_shift=6 in Loihi-compatibility mode")
    neurons, initial, sources = _neuron_tables(reg, chip, loihi_compat)
    g = _gather(reg, chip, loihi_compat, report)

    w_risk = (g.w, g.w)
    if g.plastic.any():                # learning may take a plastic W anywhere in [w_lo, w_hi]
        lo = np.array([i.plasticity.w_lo if i.plasticity else 0 for i in g.infos], np.int64)
        hi = np.array([i.plasticity.w_hi if i.plasticity else 0 for i in g.infos], np.int64)
        pl = g.plastic[g.proj]
        w_risk = (np.where(pl, np.maximum(hi[g.proj], g.w), g.w), np.where(pl, np.minimum(lo[g.proj], g.w), g.w))
    _note_accumulator_risk(reg, g.post, w_risk, g.proj, g.wexp, chip, report)
    syn_bits = np.where(g.plastic[g.proj], c.bits_per_plastic_synapse, c.bits_per_synapse) if g.proj.size else g.proj
    is_src = np.zeros(N, bool)
    for start, size, _ in sources:
        is_src[start:start + size] = True
    where = dict(n_neurons=N, neuron_gids=np.flatnonzero(~is_src), pre=g.pre, post=g.post, syn_bits=syn_bits,
                 core=c, n_cores_max=chip.n_cores, mesh=chip.mesh, chip_name=chip.name)
    if isinstance(placement, tuple):        # a given (core_of, slot_of_core): a program image's
        placed = placement_mod.check_placement(*placement, **where)
    else:
        placed = placement_mod.place(placement, activity=activity, seed=seed, **where)
        if placed.note:
            report.notes.append(f"placement {placement}: {placed.note}")
    core_of, cores, slot_of_core = placed.core_of.copy(), placed.cores, placed.slot_of_core
    n_cores = len(cores)
    core_of[is_src] = n_cores            # the host row
    synapses, pairs, order, part_size = _synapse_tables(g, reg, chip, core_of, n_cores, cores)
    report.cores = cores
    learning, plastic_ptr, plastic_q, w_scale = _learning_tables(g, reg, chip, order, scales,
                                                                  synapses.proj["wexp"])
    u_scale, v_scale, v_origin = np.ones(N), np.ones(N), np.zeros(N)
    for name, sc in scales.items():
        pop = reg.populations[name]
        sl = slice(pop.start, pop.stop)
        u_scale[sl], v_scale[sl], v_origin[sl] = sc.a_per_lsb, sc.v_per_lsb, sc.v_origin
    probe_gids, injections = _host_probes_injections(reg)
    host = HostTables(sources, injections, _freeze(probe_gids), _freeze(u_scale), _freeze(v_scale),
                      _freeze(v_origin), dict(scales), _freeze(w_scale), _freeze(plastic_ptr), _freeze(plastic_q))
    placement = placement_tables(core_of, is_src, n_cores, slot_of_core, pairs, chip.mesh)
    return Program(
        chip=chip, dt=reg.dt, name=reg.name, n=N, n_cores=n_cores, D=int(g.d.max()) + 1 if g.d.size else 1,
        part_size=part_size, populations={p.name: (p.start, p.size) for p in reg.populations.values()},
        models={p.name: p.model for p in reg.populations.values()}, projections=tuple(g.infos),
        neurons=_freeze(neurons), initial=_freeze(initial), placement=_freeze(placement),
        synapses=_freeze(synapses), learning=_freeze(learning), host=host, report=report, loihi_compat=loihi_compat)


def _check_lif_registers(name: str, m: LIFRegisters, size: int, chip: ChipSpec, loihi_compat: bool):
    c = chip.core
    dmax = c.decay_unity - 1
    check_range("du", m.du, 0, dmax, name)
    check_range("dv", m.dv, 0, dmax, name)
    check_range("vth", m.vth, 0, c.vth_max, name)
    lo, hi = c.bias_mant_range
    for key, val in (("bias_mant", m.bias_mant), ("bias_exp", m.bias_exp), ("u_init", m.u_init), ("v_init", m.v_init)):
        arr = np.asarray(val)
        if arr.ndim and arr.shape != (size,):
            raise ParameterError(key, f"shape {arr.shape}", f"a scalar or shape ({size},)", name)
    check_range("bias_mant", m.bias_mant, lo, hi, name)
    check_range("bias_exp", m.bias_exp, 0, c.bias_exp_max, name)
    half = 1 << (c.u_bits - 1)
    check_range("u_init", m.u_init, -half + 1, half, name)
    check_range("v_init", m.v_init, -c.v_max, c.v_max, name)
    check_range("refractory_steps", m.refractory_steps, 0, c.refractory_max, name)
    if loihi_compat:
        used = [n for n, on in (("refractory_steps", m.refractory_steps != 0), ("reset_u", m.reset_u),
                                ("reset_mode", m.reset_mode != "zero")) if on]
        if used:
            raise ParameterError(used[0], getattr(m, used[0]), "off (0 / False / 'zero') in Loihi-compatibility mode",
                                 name)


def _check_izh_registers(name: str, m: IzhikevichRegisters, size: int, chip: ChipSpec, loihi_compat: bool):
    c = chip.core
    if loihi_compat:
        raise ParameterError("model", "IzhikevichRegisters", "LIF only in Loihi-compatibility mode", name)
    slim = (1 << (c.izh_state_bits - 1)) - 1
    plim = (1 << (c.izh_prod_bits - 1)) - 1
    for key in ("c", "d", "v_peak", "bias", "k0", "v_init", "u_init"):
        arr = np.asarray(getattr(m, key))
        if arr.ndim and arr.shape != (size,):
            raise ParameterError(key, f"shape {arr.shape}", f"a scalar or shape ({size},)", name)
        check_range(key, arr, -slim, slim, name)
    for key in ("k2", "k1", "dt", "adt", "b"):
        check_range(key, getattr(m, key), -plim, plim, name)


def _check_stdp_registers(rule, w: np.ndarray, sign_mode, c, ctx: str) -> None:
    """Widths of a plastic projection's registers and initial W (§3.5): ``STDPRegisters`` or a
    ``LearningRule``."""
    if not isinstance(rule, (STDPRegisters, LearningRule)):
        raise CompileError(f"{ctx}: plasticity must be STDPRegisters or LearningRule at register level, got "
                           f"{type(rule).__name__}")
    if sign_mode is not None:
        raise ParameterError("sign_mode", sign_mode, "None for a plastic projection (W is a signed register)", ctx)
    wl, wh = -(1 << (c.plastic_weight_bits - 1)), (1 << (c.plastic_weight_bits - 1)) - 1
    al, ah = -(1 << (c.learn_coef_bits - 1)), (1 << (c.learn_coef_bits - 1)) - 1
    check_range("weight_mant", w, wl, wh, ctx + " (plastic W)")
    if isinstance(rule, STDPRegisters):
        check_range("a_plus", rule.a_plus, al, ah, ctx)
        check_range("a_minus", rule.a_minus, al, ah, ctx)
        check_range("learn_shift", rule.learn_shift, 0, 15, ctx)
        check_range("x_decay", rule.x_decay, 0, 1 << c.trace_decay_bits, ctx)
        check_range("y_decay", rule.y_decay, 0, 1 << c.trace_decay_bits, ctx)
    else:
        for t in rule.terms:
            check_range("scale mantissa", t.mant, al, ah, f"{ctx}, term {t}")
        for name, tr in rule.traces().items():
            check_range(f"{name}.decay", tr.decay, 0, 1 << c.trace_decay_bits, ctx)
            if tr.impulse is not None:
                check_range(f"{name}.impulse", tr.impulse, 0, (1 << c.trace_bits) - 1, ctx)
    check_range("w_lo", rule.w_lo, wl, wh, ctx)
    check_range("w_hi", rule.w_hi, wl, wh, ctx)


def _note_accumulator_risk(reg, post_g, w_hi_lo, p_g, proj_wexp, chip, report):
    """Note neurons whose coincident inputs (all presynaptic spikes in one step) exceed the accumulator.

    ``w_hi_lo`` = (largest, smallest) value each synapse's weight can take (equal for static
    synapses; the learning bounds for plastic ones)."""
    if post_g.size == 0:
        return
    e = np.exp2(proj_wexp[p_g].astype(float))
    pos = np.bincount(post_g, weights=np.maximum(w_hi_lo[0] * e, 0), minlength=reg.n_neurons)
    neg = np.bincount(post_g, weights=np.minimum(w_hi_lo[1] * e, 0), minlength=reg.n_neurons)
    hi = (1 << (chip.core.acc_bits - 1)) - 1
    risky = np.nonzero((pos > hi) | (neg < -hi - 1))[0]
    if risky.size:
        g = int(risky[0])
        report.notes.append(
            f"{risky.size} neurons (first: gid {g} of {reg.population_of(g).name!r}) can receive more than the "
            f"{chip.core.acc_bits}-bit accumulator holds ({int(pos[g])} / {int(neg[g])} vs +/-{hi}) if all their "
            "inputs spike in one step; such steps saturate (counted as acc_sat)")


def compile_network(net: Network, chip: ChipSpec = LOIHI, *, loihi_compat: bool = False,
                    headroom: float = 4.0, placement: str = "in_order", seed: int = 0, activity=None) -> Program:
    """Quantize (if physical), check, place and lay out ``net`` for ``chip``.

    ``loihi_compat=True`` additionally refuses every neuromorph extension (refractory
    period, u reset, subtractive reset, Izhikevich neurons, plastic projections) so that
    the run reproduces Lava's bit-accurate rule exactly. ``headroom`` sets the v scale of physical LIF populations (§7).
    ``placement`` chooses how neurons go onto cores and cores onto the mesh (``in_order``,
    ``balanced``, ``traffic``; docs/hardware-model.md §9.5); ``seed`` seeds the partitioner and
    ``activity`` (expected spikes per step per id, optional) weights its objective.
    """
    if not isinstance(chip, ChipSpec):
        raise ParameterError("chip", type(chip).__name__, "a ChipSpec (see neuromorph.hardware.PRESETS)")
    if not headroom >= 1:
        raise ParameterError("headroom", headroom, ">= 1")
    reg, scales, report = quantize(net, chip, headroom)
    return build_program(reg, chip, loihi_compat, scales, report, placement, seed, activity)
