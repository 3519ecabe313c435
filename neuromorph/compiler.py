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

import numpy as np

from .errors import CapacityError, CompileError, ParameterError, check_integer, check_range
from .hardware import LOIHI, ChipSpec
from .network import (LIF, STDP, Izhikevich, IzhikevichRegisters, LIFRegisters, Network, Projection, ProjectionRegisters,
                      STDPRegisters)

__all__ = ["compile_network", "quantize", "build_program", "prepare_weights", "Program", "CompileReport"]


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
    dv = int(np.clip(round(unity * (1 - math.exp(-dt / m.tau_m))), 0, unity - 1)) if math.isfinite(m.tau_m) else 0
    alpha_i = math.exp(-dt / m.tau_syn) if m.tau_syn > 0 else 0.0
    du = int(np.clip(unity - c.du_offset - round(unity * alpha_i), 0, unity - 1))
    theta = m.v_th - m.v_reset
    vth = min(c.vth_max, int(c.v_max // ((1 << c.vth_shift) * headroom)))
    if vth < 1:
        raise ParameterError("headroom", headroom, f"<= {c.v_max / (1 << c.vth_shift):g}", pop_name)
    s_v = theta / (vth << c.vth_shift)
    gain = dv / unity / (m.g_L * s_v)            # u LSBs per ampere
    drive = m.I_bias + m.g_L * (m.E_L - m.v_reset)  # leak toward E_L folded into the bias
    bias_lo, bias_hi = c.bias_mant_range
    bm, be = _encode("I_bias", np.array([gain * drive]), bias_lo, bias_hi, 0, c.bias_exp_max, pop_name,
                     max_phys=(bias_hi << c.bias_exp_max) / gain if gain else math.inf)
    ref = int(round(m.t_ref / dt))
    if ref > c.refractory_max:
        raise ParameterError("t_ref", m.t_ref, f"<= {c.refractory_max} steps = {c.refractory_max * dt:g} s", pop_name)
    v0 = 0 if m.v_init is None else int(round((m.v_init - m.v_reset) / s_v))
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
    qP = lambda x: int(round(x * 2**P))  # noqa: E731
    qF = lambda x: int(round(x * 2**F))  # noqa: E731
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


def _encode(name, x, lo, hi, e_lo, e_hi, owner, max_phys):
    from .fixedpoint import encode_mant_exp
    try:
        return encode_mant_exp(x, lo, hi, e_lo, e_hi, name=name)
    except ParameterError:
        raise ParameterError(name, float(x.flat[0] if x.size else 0), f"|{name}| <= {max_phys:g} in physical units",
                             owner) from None


def _weight_grid(sign_mode: str, num_weight_bits: int, c) -> tuple[int, int, int]:
    """(k, q_lo, q_hi): stored mantissa = q << k with q in [q_lo, q_hi] (Lava's clip + truncation)."""
    k = c.weight_bits - num_weight_bits + (1 if sign_mode == "mixed" else 0)
    lo, hi = {"mixed": (-(1 << c.weight_bits), (1 << c.weight_bits) - 1),
              "excitatory": (0, (1 << c.weight_bits) - 1),
              "inhibitory": (-((1 << c.weight_bits) - 1), 0)}[sign_mode]
    return k, -((-lo) >> k) if lo < 0 else 0, hi >> k


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
    k, q_lo, q_hi = _weight_grid(sign_mode, c.weight_bits, c)
    for e in range(0, c.weight_exp_max + 1):
        q = _rint(J / 2.0 ** (e + k))
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
    d_steps = np.rint(proj.delay / dt).astype(np.int64) - 1
    if d_steps.size:
        if d_steps.max() > c.delay_slots - 1:
            raise ParameterError("delay", float(proj.delay.max()), f"[dt, {c.delay_slots} * dt] = "
                                 f"[{dt:g}, {c.delay_slots * dt:g}] s", owner)
        real_d = (d_steps + 1) * dt
        report.parameters.append(dict(owner=owner, name="delay", requested=float(proj.delay.max()),
                                      realised=float(real_d.max()), unit="s",
                                      rel_error=float((np.abs(real_d - proj.delay) / proj.delay).max())))
    return d_steps


def _rint(x):
    """``fixedpoint.round_half_away`` as an int64 array (or an int for a scalar)."""
    from .fixedpoint import round_half_away

    r = round_half_away(np.asarray(x, dtype=float))
    return r.astype(np.int64) if np.ndim(r) else int(r)


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
    W, w_lo, w_hi = _rint(J / 2.0 ** e), _rint(j_lo / 2.0 ** e), _rint(j_hi / 2.0 ** e)
    a_top = (1 << (c.learn_coef_bits - 1)) - 1
    aw_plus, aw_minus = rule.A_plus / a_per_unit / 2.0 ** e, rule.A_minus / a_per_unit / 2.0 ** e
    shift = next((s for s in range(15, -1, -1)
                  if max(abs(_rint(aw_plus * 2.0 ** s)), abs(_rint(aw_minus * 2.0 ** s))) <= a_top), None)
    if shift is None:
        name, val = ("A_plus", rule.A_plus) if abs(aw_plus) >= abs(aw_minus) else ("A_minus", rule.A_minus)
        raise ParameterError(name, val, f"|A| <= {a_top * 2.0 ** e * a_per_unit:g} A per unit trace", owner)
    a_plus, a_minus = _rint(aw_plus * 2.0 ** shift), _rint(aw_minus * 2.0 ** shift)
    for name, req, got in (("A_plus", rule.A_plus, a_plus), ("A_minus", rule.A_minus, a_minus)):
        if req != 0 and got == 0:
            report.notes.append(f"{owner}: {name} = {req:g} A rounds to 0 (smallest representable "
                                f"{2.0 ** (e - 15) * a_per_unit:g} A per unit trace): no learning from it")
    unity = 1 << c.trace_decay_bits
    x_decay, y_decay = _rint(unity * math.exp(-dt / rule.tau_plus)), _rint(unity * math.exp(-dt / rule.tau_minus))
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
            vals = np.rint(inj.values / scales[inj.population].a_per_lsb)
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
    full = 1 << c.weight_bits
    lo, hi = {"mixed": (-full, full - 1), "excitatory": (0, full - 1), "inhibitory": (-(full - 1), 0)}[mode]
    w = np.clip(w, lo, hi)
    k = c.weight_bits - num_weight_bits + (1 if mode == "mixed" else 0)
    if mode == "inhibitory":
        w = -(((-w) >> k) << k)
    else:
        w = (w >> k) << k
    return w, mode


@dataclass(frozen=True)
class Program:
    """Immutable integer tables of a compiled network, flat arrays indexed by global id.

    Neuron registers (sources hold zeros): ``fu``/``fv`` decay factors (2^12 − du − 1,
    2^12 − dv), ``vth_eff`` (vth << 6), ``bias`` (mant << exp), ``ref_steps``,
    ``reset_u``, ``reset_sub``; initial ``u0``, ``v0``. Placement: ``core_of`` (host
    row = ``n_cores`` for sources). Synapses: CSR by source — ``axon_ptr[g]..axon_ptr[g+1]``
    index segments; segment ``s`` holds synapses ``seg_ptr[s]..seg_ptr[s+1]`` of projection
    ``seg_proj[s]`` into core ``seg_core[s]``; each synapse has ``syn_tgt``, ``syn_w``
    (one byte: the prepared mantissa without its always-zero low bits, read per
    ``proj_wkind``; the dropped bits are in ``proj_wexp``), ``syn_d`` (extra delay).
    """

    chip: ChipSpec
    dt: float
    n: int
    n_cores: int
    populations: dict
    is_src: np.ndarray
    core_of: np.ndarray
    fu: np.ndarray
    fv: np.ndarray
    vth_eff: np.ndarray
    bias: np.ndarray
    ref_steps: np.ndarray
    reset_u: np.ndarray
    reset_sub: np.ndarray
    u0: np.ndarray
    v0: np.ndarray
    D: int
    axon_ptr: np.ndarray
    seg_ptr: np.ndarray
    seg_proj: np.ndarray
    seg_core: np.ndarray
    syn_tgt: np.ndarray
    syn_w: np.ndarray
    syn_d: np.ndarray
    proj_wexp: np.ndarray       # effective exponent: weight_exp + the LSBs dropped from the stored weight
    proj_wkind: np.ndarray      # how a stored weight reads: 0 unsigned, 1 negated unsigned, 2 int8, 3 raw int16
    proj_part_off: np.ndarray
    proj_post_start: np.ndarray
    proj_post_size: np.ndarray
    part_size: int
    n_dest: np.ndarray
    neurons_per_core: np.ndarray
    sources: tuple
    probe_gids: np.ndarray
    probe_vars: tuple
    u_scale: np.ndarray
    v_scale: np.ndarray
    v_origin: np.ndarray
    registers: Network
    report: CompileReport
    loihi_compat: bool
    ranges: np.ndarray          # (R, 3): [start, stop, kind] of each neuron population (kind 0 LIF, 1 Izhikevich)
    izh: dict                   # Izhikevich registers per id: k2 k1 k0 dt adt b c d v_peak bias
    izh_accom: np.ndarray
    injections: tuple           # (gids, values (n_steps, m) int64, start step)
    learn: dict = field(default_factory=dict)   # STDP tables (see _learning_tables); empty: none

    @property
    def plastic(self) -> bool:
        """True when some projection learns (§3.5)."""
        return bool(self.learn) and bool(np.any(self.learn["proj_plastic"]))

    @property
    def n_synapses(self) -> int:
        return int(self.syn_tgt.size)

    def table_bytes(self) -> int:
        """Bytes held by the synapse and axon tables."""
        return sum(a.nbytes for a in (self.axon_ptr, self.seg_ptr, self.seg_proj, self.seg_core,
                                      self.syn_tgt, self.syn_w, self.syn_d, self.proj_wexp, self.proj_wkind))


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


def _weight_storage(w_g, p_g, modes, nbits, wexp, chip, plastic):
    """Store each prepared mantissa in one byte when weight_bits <= 8 (else raw int16).

    A prepared mantissa w of a projection with sign mode m and truncation k is a multiple
    of 2**k, so it is kept as s = w >> k (excitatory: uint8 s; inhibitory: uint8 -s; mixed:
    int8 s in a uint8) and read back as s << (weight_exp + k). Since sum(w) = 2**k sum(s), the
    per-step floor of negative exponents is unchanged: the rule of §3.2 holds exactly.
    Plastic projections (``plastic[p]``) keep their W registers raw (kind 3): the table is then
    int16 and the bytes of the other projections sit in its low 8 bits.
    Returns (stored values, kind per projection, effective exponent per projection).
    """
    c = chip.core
    P = len(modes)
    if c.weight_bits > 8:            # raw: int16 holds the mixed range [-2**wb, 2**wb - 1] up to wb = 15
        return w_g.astype(np.int16 if c.weight_bits <= 15 else np.int32), np.full(P, 3, np.int8), wexp.astype(np.int32)
    kind = np.array([3 if pl else {"excitatory": 0, "inhibitory": 1, "mixed": 2}[m] for m, pl in zip(modes, plastic)],
                    np.int8).reshape(P)
    k = np.array([0 if pl else c.weight_bits - nb + (1 if m == "mixed" else 0)
                  for m, nb, pl in zip(modes, nbits, plastic)], np.int64).reshape(P)
    kk = k[p_g] if p_g.size else np.zeros(0, np.int64)
    kg = kind[p_g] if p_g.size else np.zeros(0, np.int8)
    s = np.where(kg == 1, -w_g, w_g) >> kk if p_g.size else np.zeros(0, np.int64)
    assert np.all(np.where(kg == 2, (s >= -128) & (s <= 127), (kg == 3) | ((s >= 0) & (s <= 255))))
    if np.any(plastic):
        return np.where(kg == 3, s, s & 0xFF).astype(np.int16), kind, (wexp + k).astype(np.int32)
    return (s & 0xFF).astype(np.uint8), kind, (wexp + k).astype(np.int32)


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


def _place(reg: Network, post_g: np.ndarray, pre_g: np.ndarray, chip: ChipSpec, syn_bits: np.ndarray):
    """Greedy placement of neurons (gid order) onto cores under every per-core capacity.

    ``syn_bits`` is the synapse-memory cost of each synapse (static or plastic, §3.1/§3.5).
    """
    c = chip.core
    neuron_gids = np.concatenate([np.arange(p.start, p.stop) for p in reg.populations.values() if not p.is_source]
                                 or [np.zeros(0, np.int64)])
    order = np.argsort(post_g, kind="stable")
    post_sorted, pre_sorted = post_g[order], pre_g[order]
    indeg_ptr = np.searchsorted(post_sorted, neuron_gids)      # neuron gids are ascending
    end_ptr = np.searchsorted(post_sorted, neuron_gids, side="right")
    cum = np.concatenate([[0], np.cumsum(end_ptr - indeg_ptr)])          # synapses
    bits_sorted = np.concatenate([[0], np.cumsum(syn_bits[order])]) if order.size else np.zeros(1, np.int64)
    cumb = bits_sorted[end_ptr] - bits_sorted[indeg_ptr]
    cumb = np.concatenate([[0], np.cumsum(cumb)])                         # synapse memory bits
    core_of = np.full(reg.n_neurons, -1, dtype=np.int32)
    cores = []
    start = 0
    n = neuron_gids.size

    def fan_in(a, b):
        if b <= a:
            return 0
        return np.unique(pre_sorted[indeg_ptr[a]:end_ptr[b - 1]]).size

    while start < n:
        core = len(cores)
        end = min(n, start + c.max_neurons)
        end = min(end, int(np.searchsorted(cumb, cumb[start] + c.synapse_memory_bits, side="right")) - 1)
        if end <= start:
            raise CapacityError(f"core {core}", "synapse memory bits", int(cumb[start + 1] - cumb[start]),
                                f"{c.synapse_memory_bits} (neuron gid {int(neuron_gids[start])}: "
                                f"{int(cum[start + 1] - cum[start])} synapses)")
        if fan_in(start, end) > c.max_fan_in_axons:
            lo, hi = start, end        # largest end with fan_in <= limit
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if fan_in(start, mid) <= c.max_fan_in_axons:
                    lo = mid
                else:
                    hi = mid
            end = lo
            if end <= start:
                raise CapacityError(f"core {core}", "fan-in axons", fan_in(start, start + 1),
                                    f"{c.max_fan_in_axons} (neuron gid {int(neuron_gids[start])})")
        core_of[neuron_gids[start:end]] = core
        cores.append(dict(core=core, neurons=end - start, synapses=int(cum[end] - cum[start]),
                          fan_in=fan_in(start, end)))
        start = end
    if len(cores) > chip.n_cores:
        raise CapacityError(f"chip {chip.name!r}", "cores", len(cores), chip.n_cores)
    return core_of, cores


def _check_stdp_registers(rule, w: np.ndarray, sign_mode, c, ctx: str) -> None:
    """Widths of a plastic projection's registers and initial W (§3.5)."""
    if not isinstance(rule, STDPRegisters):
        raise CompileError(f"{ctx}: plasticity must be STDPRegisters at register level, got {type(rule).__name__}")
    if sign_mode is not None:
        raise ParameterError("sign_mode", sign_mode, "None for a plastic projection (W is a signed register)", ctx)
    wl, wh = -(1 << (c.plastic_weight_bits - 1)), (1 << (c.plastic_weight_bits - 1)) - 1
    al, ah = -(1 << (c.learn_coef_bits - 1)), (1 << (c.learn_coef_bits - 1)) - 1
    check_range("weight_mant", w, wl, wh, ctx + " (plastic W)")
    check_range("a_plus", rule.a_plus, al, ah, ctx)
    check_range("a_minus", rule.a_minus, al, ah, ctx)
    check_range("learn_shift", rule.learn_shift, 0, 15, ctx)
    check_range("x_decay", rule.x_decay, 0, 1 << c.trace_decay_bits, ctx)
    check_range("y_decay", rule.y_decay, 0, 1 << c.trace_decay_bits, ctx)
    check_range("w_lo", rule.w_lo, wl, wh, ctx)
    check_range("w_hi", rule.w_hi, wl, wh, ctx)


def _learning_tables(reg: Network, chip: ChipSpec, plastic: np.ndarray, order: np.ndarray, pre_s: np.ndarray,
                     p_s: np.ndarray, tgt_s: np.ndarray, N: int) -> dict:
    """The STDP tables of §3.5, in synapse-table order (``order`` sorts the gathered synapses).

    ``pl_reg[p]`` = [a_plus, a_minus, trace_frac_bits + learn_shift, w_lo, w_hi, x_off, y_off,
    pre_start]; traces are one array: projection p's pre traces at ``x_off + j``, its post
    traces at ``y_off + i``. ``post_ptr/post_q/post_x`` list, per post gid, its plastic
    synapses and their pre traces (for potentiation); ``own_ptr/own_idx`` the traces a
    gid owns; ``tr_decay`` the decay factor of each trace; ``local_ptr/local_q`` map a
    projection's own synapse order to table positions (for ``RunResult.weights``).
    """
    c = chip.core
    P = plastic.size
    if not plastic.any():
        return {}
    pl_reg = np.zeros((P, 8), np.int64)
    owners, decay, tr_proj, nT = [], [], [], 0
    sizes = np.array([pr.n_synapses for pr in reg.projections], np.int64)
    proj_off = np.concatenate([[0], np.cumsum(sizes)])
    inv = np.empty(order.size, np.int64)
    inv[order] = np.arange(order.size)
    local_ptr = np.zeros(P + 1, np.int64)
    local_q = []
    for p_i, proj in enumerate(reg.projections):
        local_ptr[p_i + 1] = local_ptr[p_i]
        if not plastic[p_i]:
            continue
        r = proj.plasticity
        pre, post = reg.populations[proj.pre], reg.populations[proj.post]
        pl_reg[p_i] = (r.a_plus, r.a_minus, c.trace_frac_bits + r.learn_shift, r.w_lo, r.w_hi, nT, nT + pre.size,
                       pre.start)
        owners += [np.arange(pre.start, pre.stop), np.arange(post.start, post.stop)]
        decay += [np.full(pre.size, r.x_decay), np.full(post.size, r.y_decay)]
        tr_proj.append(np.full(pre.size + post.size, p_i))
        nT += pre.size + post.size
        local_q.append(inv[proj_off[p_i]:proj_off[p_i + 1]])
        local_ptr[p_i + 1] += proj.n_synapses
    q = np.nonzero(plastic[p_s])[0]                          # plastic synapses, table order
    xq = pl_reg[p_s[q], 5] + pre_s[q] - pl_reg[p_s[q], 7]    # their pre traces
    by_post = np.lexsort((q, tgt_s[q]))
    owners = np.concatenate(owners)
    by_owner = np.argsort(owners, kind="stable")
    return dict(
        proj_plastic=plastic.astype(np.uint8), pl_reg=pl_reg,
        post_ptr=np.searchsorted(tgt_s[q][by_post], np.arange(N + 1)).astype(np.int64),
        post_q=q[by_post].astype(np.int64), post_x=xq[by_post].astype(np.int64),
        own_ptr=np.searchsorted(owners[by_owner], np.arange(N + 1)).astype(np.int64),
        own_idx=by_owner.astype(np.int64), tr_decay=np.concatenate(decay).astype(np.int64),
        tr_proj=np.concatenate(tr_proj).astype(np.int64),
        local_ptr=local_ptr, local_q=np.concatenate(local_q).astype(np.int64),
    )


def build_program(reg: Network, chip: ChipSpec = LOIHI, loihi_compat: bool = False,
                  scales: dict | None = None, report: CompileReport | None = None) -> Program:
    """Check, prepare and place a register-level network; returns the :class:`Program`."""
    c = chip.core
    report = report or CompileReport()
    scales = scales or {}
    N = reg.n_neurons
    is_src = np.zeros(N, np.uint8)
    fu = np.zeros(N, np.int64)
    fv = np.zeros(N, np.int64)
    vth_eff = np.zeros(N, np.int64)
    bias = np.zeros(N, np.int64)
    ref_steps = np.zeros(N, np.int32)
    reset_u = np.zeros(N, np.uint8)
    reset_sub = np.zeros(N, np.uint8)
    u0 = np.zeros(N, np.int64)
    v0 = np.zeros(N, np.int64)
    u_scale = np.ones(N)
    v_scale = np.ones(N)
    v_origin = np.zeros(N)
    izh = {f: np.zeros(N, np.int64) for f in ("k2", "k1", "k0", "dt", "adt", "b", "c", "d", "v_peak", "bias")}
    izh_accom = np.zeros(N, np.uint8)
    ranges = []
    if loihi_compat and (c.du_offset != 1 or c.vth_shift != 6 or c.input_shift != 6):
        raise ParameterError("chip", chip.name, "du_offset=1, vth_shift=6, input_shift=6 in Loihi-compatibility mode")
    sources = []
    for pop in reg.populations.values():
        sl = slice(pop.start, pop.stop)
        m = pop.model
        if pop.is_source:
            is_src[sl] = 1
            sources.append((pop.start, pop.size, m))
            continue
        if pop.name in scales:
            sc = scales[pop.name]
            u_scale[sl], v_scale[sl], v_origin[sl] = sc.a_per_lsb, sc.v_per_lsb, sc.v_origin
        if isinstance(m, IzhikevichRegisters):
            _check_izh_registers(pop.name, m, pop.size, chip, loihi_compat)
            for f in izh:
                izh[f][sl] = int(getattr(m, f))
            izh_accom[sl] = bool(m.accommodation)
            u0[sl] = m.u_init
            v0[sl] = m.v_init
            ranges.append((pop.start, pop.stop, 1))
            continue
        if not isinstance(m, LIFRegisters):
            raise CompileError(f"population {pop.name!r}: expected LIFRegisters or IzhikevichRegisters after "
                               f"quantization, got {type(m).__name__}")
        _check_lif_registers(pop.name, m, pop.size, chip, loihi_compat)
        ranges.append((pop.start, pop.stop, 0))
        fu[sl] = c.decay_unity - (int(m.du) + c.du_offset)
        fv[sl] = c.decay_unity - int(m.dv)
        vth_eff[sl] = int(m.vth) << c.vth_shift
        bias[sl] = np.asarray(m.bias_mant, np.int64) << np.asarray(m.bias_exp, np.int64)
        ref_steps[sl] = int(m.refractory_steps)
        reset_u[sl] = bool(m.reset_u)
        reset_sub[sl] = m.reset_mode == "subtract"
        u0[sl] = m.u_init
        v0[sl] = m.v_init

    # gather synapses
    P = len(reg.projections)
    pre_l, post_l, w_l, d_l, p_l = [], [], [], [], []
    proj_wexp = np.zeros(P, np.int32)
    proj_modes, proj_nbits, plastic = [], [], []
    proj_post_start = np.zeros(P, np.int64)
    proj_post_size = np.zeros(P, np.int64)
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
        plastic.append(rule is not None)
        if rule is not None and loihi_compat:
            raise ParameterError("plasticity", type(rule).__name__, "None in Loihi-compatibility mode (Lava's "
                                 "bit-accurate Dense has no learning)", ctx)
        if rule is not None:               # plastic: raw W registers, no Lava preparation (§3.5)
            _check_stdp_registers(rule, w, proj.sign_mode, c, ctx)
            mode = "plastic"
        else:
            w, mode = prepare_weights(w, proj.sign_mode, proj.num_weight_bits, chip)
            clipped = int(np.count_nonzero(np.clip(proj.weight_mant, -(1 << c.weight_bits), (1 << c.weight_bits) - 1)
                                           != proj.weight_mant))
            if clipped:
                report.notes.append(f"{ctx}: {clipped} weight mantissas clipped to the {mode} range")
        proj_wexp[p_i] = proj.weight_exp
        proj_modes.append(mode)
        proj_nbits.append(proj.num_weight_bits)
        proj_post_start[p_i], proj_post_size[p_i] = post.start, post.size
        pre_l.append(proj.pre_idx + pre.start)
        post_l.append(proj.post_idx + post.start)
        w_l.append(w)
        d_l.append(d)
        p_l.append(np.full(w.size, p_i, np.int64))
    cat = lambda xs: np.concatenate(xs) if xs else np.zeros(0, np.int64)  # noqa: E731
    pre_g, post_g, w_g, d_g, p_g = cat(pre_l), cat(post_l), cat(w_l), cat(d_l), cat(p_l)

    plastic = np.array(plastic, bool).reshape(P)
    w_risk = (w_g, w_g)
    if plastic.any():                  # learning may take a plastic W anywhere in [w_lo, w_hi]
        lo = np.array([pr.plasticity.w_lo if plastic[i] else 0 for i, pr in enumerate(reg.projections)], np.int64)
        hi = np.array([pr.plasticity.w_hi if plastic[i] else 0 for i, pr in enumerate(reg.projections)], np.int64)
        pl = plastic[p_g]
        w_risk = (np.where(pl, np.maximum(hi[p_g], w_g), w_g), np.where(pl, np.minimum(lo[p_g], w_g), w_g))
    _note_accumulator_risk(reg, post_g, w_risk, p_g, proj_wexp, chip, report)
    syn_bits = np.where(plastic[p_g], c.bits_per_plastic_synapse, c.bits_per_synapse) if p_g.size else p_g
    core_of, cores = _place(reg, post_g, pre_g, chip, syn_bits)
    syn_store, proj_wkind, proj_wexp_eff = _weight_storage(w_g, p_g, proj_modes, proj_nbits, proj_wexp, chip, plastic)
    n_cores = len(cores)
    core_of[is_src.astype(bool)] = n_cores            # the host row
    syn_core = core_of[post_g] if post_g.size else np.zeros(0, np.int32)

    # CSR by source: sort by (pre, projection, core, delay, target)
    order = np.lexsort((post_g, d_g, syn_core, p_g, pre_g))
    pre_s, p_s, c_s = pre_g[order], p_g[order], syn_core[order]
    new_seg = np.ones(order.size, dtype=bool)
    if order.size:
        new_seg[1:] = (pre_s[1:] != pre_s[:-1]) | (p_s[1:] != p_s[:-1]) | (c_s[1:] != c_s[:-1])
    seg_start = np.nonzero(new_seg)[0]
    seg_ptr = np.append(seg_start, order.size).astype(np.int32 if order.size < 2**31 else np.int64)
    seg_pre = pre_s[seg_start]
    axon_ptr = np.searchsorted(seg_pre, np.arange(N + 1)).astype(np.int64)

    # output axons: one per (source neuron, destination core)
    pairs = np.unique(np.stack([pre_s, c_s.astype(np.int64)]), axis=1) if order.size else np.zeros((2, 0), np.int64)
    n_dest = np.bincount(pairs[0], minlength=N).astype(np.int32)
    fan_out = np.bincount(core_of[pairs[0]], minlength=n_cores + 1)
    for info in cores:
        info["fan_out"] = int(fan_out[info["core"]])
        if info["fan_out"] > c.max_fan_out_axons:
            raise CapacityError(f"core {info['core']}", "fan-out axons", info["fan_out"], c.max_fan_out_axons)
    report.cores = cores

    learn = _learning_tables(reg, chip, plastic, order, pre_s, p_s, post_g[order], N)
    if learn:        # amperes per W-LSB of physical plastic projections (0: report registers)
        learn["w_scale"] = np.array([scales[pr.post].a_per_lsb * 2.0 ** (c.input_shift + int(proj_wexp_eff[i]))
                                     if plastic[i] and pr.post in scales else 0.0
                                     for i, pr in enumerate(reg.projections)])

    # scratch for negative weight exponents: one (delay x post) block per such projection
    D = int(d_g.max()) + 1 if d_g.size else 1
    proj_part_off = np.full(P, -1, np.int64)
    off = 0
    for p_i in range(P):
        if proj_wexp_eff[p_i] < 0:
            proj_part_off[p_i] = off
            off += D * int(proj_post_size[p_i])

    # probes
    gids, vars_ = [], None
    for pr in reg.probes:
        pop = reg.populations[pr.population]
        gids.append(pop.start + pr.indices)
        bad = [v for v in pr.variables if v not in ("u", "v")]
        if bad:
            raise ParameterError("variables", bad[0], "'u' or 'v'", f"probe on {pr.population!r}")
    probe_gids = cat(gids).astype(np.int64)
    vars_ = ("u", "v")

    injections = []
    for inj in reg.injections:
        pop = reg.populations[inj.population]
        vals = check_integer("values", inj.values, f"injection into {inj.population!r}")
        injections.append((pop.start + inj.indices.astype(np.int64), vals.reshape(inj.values.shape), int(inj.start)))

    neurons_per_core = np.bincount(core_of[~is_src.astype(bool)], minlength=n_cores).astype(np.int64)
    freeze = lambda a: (a.setflags(write=False), a)[1]  # noqa: E731
    return Program(
        chip=chip, dt=reg.dt, n=N, n_cores=n_cores,
        populations={p.name: (p.start, p.size) for p in reg.populations.values()},
        is_src=freeze(is_src), core_of=freeze(core_of), fu=freeze(fu), fv=freeze(fv), vth_eff=freeze(vth_eff),
        bias=freeze(bias), ref_steps=freeze(ref_steps), reset_u=freeze(reset_u), reset_sub=freeze(reset_sub),
        u0=freeze(u0), v0=freeze(v0), D=D, axon_ptr=freeze(axon_ptr), seg_ptr=freeze(seg_ptr),
        seg_proj=freeze(p_s[seg_start].astype(np.uint16 if P < 2**16 else np.int32)),
        seg_core=freeze(c_s[seg_start].astype(np.uint16 if n_cores < 2**16 - 1 else np.int32)),
        syn_tgt=freeze(post_g[order].astype(np.uint32)), syn_w=freeze(syn_store[order]),
        syn_d=freeze(d_g[order].astype(np.uint8 if c.delay_bits <= 8 else np.uint16)), proj_wexp=freeze(proj_wexp_eff), proj_wkind=freeze(proj_wkind),
        proj_part_off=freeze(proj_part_off),
        proj_post_start=freeze(proj_post_start), proj_post_size=freeze(proj_post_size), part_size=off,
        n_dest=freeze(n_dest), neurons_per_core=freeze(neurons_per_core), sources=tuple(sources),
        probe_gids=freeze(probe_gids), probe_vars=vars_, u_scale=freeze(u_scale), v_scale=freeze(v_scale),
        v_origin=freeze(v_origin), registers=reg, report=report, loihi_compat=loihi_compat,
        ranges=freeze(np.array(ranges, np.int64).reshape(-1, 3)), izh={k: freeze(a) for k, a in izh.items()},
        izh_accom=freeze(izh_accom), injections=tuple(injections),
        learn={k: freeze(a) for k, a in learn.items()},
    )


def compile_network(net: Network, chip: ChipSpec = LOIHI, *, loihi_compat: bool = False,
                    headroom: float = 4.0) -> Program:
    """Quantize (if physical), check, place and lay out ``net`` for ``chip``.

    ``loihi_compat=True`` additionally refuses every neuromorph extension (refractory
    period, u reset, subtractive reset, Izhikevich neurons, plastic projections) so that
    the run reproduces Lava's bit-accurate rule exactly. ``headroom`` sets the v scale of physical LIF populations (§7).
    """
    if not isinstance(chip, ChipSpec):
        raise ParameterError("chip", type(chip).__name__, "a ChipSpec (see neuromorph.hardware.PRESETS)")
    if not headroom >= 1:
        raise ParameterError("headroom", headroom, ">= 1")
    reg, scales, report = quantize(net, chip, headroom)
    return build_program(reg, chip, loihi_compat, scales, report)
