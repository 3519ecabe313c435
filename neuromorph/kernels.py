"""numba kernels: the chip's integer rules over flat arrays (docs/hardware-model.md §2–§6).

Integers only: no float enters these functions, and there is no ``fastmath``. Every wrap,
saturation, shift and rounding comes from :mod:`neuromorph.fixedpoint` (``fx``); the tables
are the named structures of :mod:`neuromorph.tables`. The whole step loop runs inside
:func:`run_steps`; the simulator calls it once per chunk of steps. The golden transcription
of the same rules is ``tests/oracle.py``.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from . import fixedpoint
from .tables import (ACC_SAT, ACTIVE, CHIP_HOPS, COST_COLUMNS, F_ACC, F_ACTIVE, F_PROD, F_SPIKE, F_USAT, F_UWRAP,
                     F_VSAT, F_X1, F_X2, F_Y1, F_Y2, F_Y3, HOPS_X, HOPS_Y, KIND_LIF, MESSAGES, MSGS_IN, PROD_SAT,
                     SPIKES, SYN_EVENTS, SYN_UPDATES, TRACE_SAT, U_SAT, U_WRAP, V_SAT)

fx = fixedpoint.jit_module()        # the numba twins of fixedpoint's rules (one definition each)


@njit(cache=True)
def poisson_u32(seed_key, index, step):
    """counter_uniform_u32 with ``seed_key = splitmix64(seed)`` precomputed (for tests)."""
    h = fx.splitmix64(fx.splitmix64(seed_key ^ np.uint64(index)) ^ np.uint64(step))
    return h >> np.uint64(32)


@njit(cache=True, inline="always")
def _overflow(state, core, kind, g, k):
    """Count an overflow of ``kind`` on ``core``; remember the first one (strict mode)."""
    state.counters[core, kind] += 1
    if state.first_ovf[0] < 0:
        state.first_ovf[0] = kind
        state.first_ovf[1] = g
        state.first_ovf[2] = k


@intrinsic
def _prefetch(typingctx, arr, idx):
    """Hint the CPU to fetch ``arr[idx]`` into cache (llvm.prefetch; no effect on results)."""
    def codegen(context, builder, signature, args):
        ary = context.make_array(signature.args[0])(context, builder, args[0])
        i8p = ir.IntType(8).as_pointer()
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), [i8p] + [ir.IntType(32)] * 3),
                                            "llvm.prefetch.p0i8")
        ptr = builder.bitcast(builder.gep(ary.data, [args[1]]), i8p)
        builder.call(fn, [ptr, ir.Constant(ir.IntType(32), 0), ir.Constant(ir.IntType(32), 3), ir.Constant(ir.IntType(32), 1)])
        return context.get_dummy_value()
    return types.void(arr, idx), codegen


# -- phases 1+2: deliver and integrate ------------------------------------------------------------
@njit(cache=True, inline="always")
def _integrate_lif(ring, ext, u, v, ref, bias, flag, grp, cfg):
    """Deliver + integrate one group of LIF neurons (§2, §3.3); the loop is compiled twice, with
    and without host-written input, so that programs without injections never touch ``ext``."""
    if cfg.has_ext:
        _lif_loop(ring, ext, u, v, ref, bias, flag, grp, cfg, True)
    else:
        _lif_loop(ring, ext, u, v, ref, bias, flag, grp, cfg, False)


@njit(cache=True, inline="always")
def _lif_loop(ring, ext, u, v, ref, bias, flag, grp, cfg, with_ext):
    """The LIF loop over one group's array slices (``with_ext``: a literal at each call site).

    The group's registers (``grp``, a ``tables.GROUP`` row) are scalars; state is int32,
    arithmetic int64. The body is straight-line selects so LLVM vectorises it; flag bits:
    ``F_SPIKE``, ``F_ACC``, ``F_UWRAP``, ``F_VSAT``, and ``F_ACTIVE`` for a neuron that is
    active in the cost model's sense (§9.3: input, u, v or bias non-zero at the start of the
    step). (Indices run over ``range(size)``, so numba emits no negative-index wraparound code.)
    """
    fu, fv = np.int32(grp.fu), np.int32(grp.fv)     # decay factors < 2**16: 32x32 -> 64-bit products
    vth, ref_steps = grp.vth, grp.ref_steps
    keep_v = -grp.reset_sub                         # 0/1 flags as masks: selects, not multiplies
    keep_u = grp.reset_u - 1
    bits = cfg.decay_bits
    for g in range(u.size):
        a0 = ring[g]
        ring[g] = 0
        a = fx.saturate_signed(a0, cfg.acc_bits)
        ug = np.int64(u[g])
        u0 = fx.mul_trunc(ug, np.int64(fu), bits) + (a << cfg.input_shift)
        u1 = fx.wrap_once_asym(u0, cfg.u_bits)
        r = np.int64(ref[g])
        vg = np.int64(v[g])
        act = (a0 | ug | vg | bias[g]) != 0
        v0 = fx.mul_trunc(vg, np.int64(fv), bits) + u1 + bias[g]
        if with_ext:
            act |= ext[g] != 0
            v0 += ext[g]
            ext[g] = 0
        v1 = fx.saturate_symmetric(v0, cfg.v_bits)
        live = r <= 0                        # refractory: v frozen, no spike
        sp = (v1 > vth) & live
        vn = (v1 - vth) & keep_v if sp else v1
        v[g] = vn if live else vg
        u[g] = u1 & keep_u if sp else u1
        ref[g] = ref_steps if sp else max(r - 1, 0)
        # flag bits formed in 64-bit lanes and stored as int32: packing four int64 masks into
        # bytes would cost more than the rest of the update on 256-bit vectors
        flag[g] = np.int32(np.int64(sp) | (np.int64(a != a0) << 1) | (np.int64(u1 != u0) << 2)
                           | (np.int64((v1 != v0) & live) << 3) | (np.int64(act) << 6))


@njit(cache=True)
def _integrate_izh(ring, ext, u, v, izh, flag, cfg):
    """Deliver + integrate a group of integer Izhikevich neurons (§2b), given as array slices."""
    F, P, plim, slim = cfg.izh_F, cfg.izh_P, cfg.izh_plim, cfg.izh_slim
    c65 = np.int64(65) << F
    for g in range(u.size):
        z = izh[g]
        a0 = ring[g]
        ring[g] = 0
        a = fx.saturate_signed(a0, cfg.acc_bits)
        f = F_ACC if a != a0 else 0
        V = np.int64(v[g])
        U = np.int64(u[g])
        if (a0 | V | U | z.bias | ext[g]) != 0:
            f |= F_ACTIVE
        I = z.bias + ext[g] + (a << cfg.input_shift)
        ext[g] = 0
        p, h0 = fx.mul_saturate(V, V, plim)
        sq = fx.shift_half_up(p, F) if F > 0 else p
        p2, h1 = fx.mul_saturate(z.k2, sq, plim)
        p1, h2 = fx.mul_saturate(z.k1, V, plim)
        dv = fx.shift_half_up(p2, P) + fx.shift_half_up(p1, P) + z.k0 - U + I
        pd, h3 = fx.mul_saturate(z.dt, dv, plim)
        V1 = V + fx.shift_half_up(pd, P)
        if z.accom:
            pb, h4 = fx.mul_saturate(z.b, V1 + c65, plim)
            w = fx.shift_half_up(pb, P)
        else:
            pb, h4 = fx.mul_saturate(z.b, V1, plim)
            w = fx.shift_half_up(pb, P) - U
        pa, h5 = fx.mul_saturate(z.adt, w, plim)
        U1 = U + fx.shift_half_up(pa, P)
        if h0 | h1 | h2 | h3 | h4 | h5:
            f |= F_PROD
        V1, hv = fx.saturate_flag(V1, -slim, slim)
        U1, hu = fx.saturate_flag(U1, -slim, slim)
        if hv:
            f |= F_VSAT
        if hu:
            f |= F_USAT
        if V1 > z.v_peak:
            f |= F_SPIKE
            V1 = z.c
            U1, hu = fx.saturate_flag(U1 + z.d, -slim, slim)
            if hu:
                f |= F_USAT
        u[g] = U1
        v[g] = V1
        flag[g] = np.int32(f)


@njit(cache=True, inline="always")
def _integrate_group(grp, base, neurons, state, scratch, cfg):
    """Integrate one ``tables.GROUP`` row with the rule of its kind (ring slot at ``base``)."""
    a, b = grp.start, grp.stop
    ring = state.ring[base + a:base + b]
    if grp.kind == KIND_LIF:
        _integrate_lif(ring, scratch.ext_now[a:b], state.u[a:b], state.v[a:b], state.ref[a:b], neurons.bias[a:b],
                       scratch.flag[a:b], grp, cfg)
    else:
        _integrate_izh(ring, scratch.ext_now[a:b], state.u[a:b], state.v[a:b], neurons.izh[a:b], scratch.flag[a:b],
                       cfg)


@njit(cache=True, parallel=True)
def _integrate_par(base, neurons, state, scratch, cfg):
    """Groups are disjoint id ranges, so threads never touch the same neuron."""
    groups = neurons.groups
    for r in prange(groups.shape[0]):
        _integrate_group(groups[r], base, neurons, state, scratch, cfg)


@njit(cache=True)
def integrate_replay(n_steps, neurons, state, scratch, cfg):
    """Phases 1+2 alone, ``n_steps`` times over ring slot 0 (the flags are left as they fall):
    the benchmark times integration with it."""
    for _ in range(n_steps):
        for r in range(neurons.groups.shape[0]):
            _integrate_group(neurons.groups[r], 0, neurons, state, scratch, cfg)


SCAN_WORDS = 8          # the spike/overflow scan tests 8 uint64 words (16 int32 flags) per branch
SCAN_MASK = np.uint64(~(F_ACTIVE | (F_ACTIVE << 32)) & 0xFFFFFFFFFFFFFFFF)    # the scan ignores F_ACTIVE


@njit(cache=True, inline="always")
def _count_active(flag, placement, counters):
    """Add the step's active neurons (``F_ACTIVE`` flags) to their cores' ``ACTIVE`` counters,
    one contiguous run of a core's ids at a time (a vectorised sum per run)."""
    run_ptr, run_core = placement.run_ptr, placement.run_core
    for r in range(run_core.shape[0]):
        f = flag[run_ptr[r]:run_ptr[r + 1]]
        s = np.int32(0)
        for i in range(f.size):           # range(size): no wraparound code, so the sum vectorises
            s += (f[i] >> 6) & 1
        counters[run_core[r], ACTIVE] += s


@njit(cache=True, inline="always")
def _collect(k, n_spk, state, scratch, placement, records):
    """Append step k's spikes (ascending id) to the log and count its overflows; returns the log length.

    ``scratch.flag`` holds the ``F_*`` bits of every id (integrate writes the neurons', the
    sources phase sets ``F_SPIKE`` of firing sources); it is read as uint64 words, 16 ids
    (``SCAN_WORDS`` words) per test, ignoring ``F_ACTIVE``; the spike and overflow bits are
    cleared where set (``F_ACTIVE`` stays until integrate rewrites every neuron's flag)."""
    flag = scratch.flag
    f64 = flag.view(np.uint64)
    core_of = placement.core_of
    for b in range(0, f64.size, SCAN_WORDS):
        any_set = f64[b]
        for w in range(b + 1, b + SCAN_WORDS):
            any_set |= f64[w]
        if any_set & SCAN_MASK == 0:
            continue
        for g in range(2 * b, 2 * b + 2 * SCAN_WORDS):
            f = flag[g] & ~F_ACTIVE
            if f:
                if f & F_SPIKE:
                    records.spk_step[n_spk] = k
                    records.spk_id[n_spk] = g
                    n_spk += 1
                if f > 1:
                    c = core_of[g]
                    if f & F_ACC:
                        _overflow(state, c, ACC_SAT, g, k)
                    if f & F_UWRAP:
                        _overflow(state, c, U_WRAP, g, k)
                    if f & F_VSAT:
                        _overflow(state, c, V_SAT, g, k)
                    if f & F_USAT:
                        _overflow(state, c, U_SAT, g, k)
                    if f & F_PROD:
                        _overflow(state, c, PROD_SAT, g, k)
                flag[g] &= F_ACTIVE
    return n_spk


# -- phase 3: route -------------------------------------------------------------------------------
@njit(cache=True, inline="always")
def _slot_offsets(slot_off, k, N):
    """Ring offsets (unsigned) of the slots that delays 0..D-1 write from step k: (k + 1 + d) mod D."""
    D = slot_off.size
    for d in range(D):
        slot_off[d] = np.uint64(((k + 1 + d) % D) * N)


PF_AXON, PF_SEG, PF_SYN = 16, 10, 5      # prefetch distances (spikes ahead) of the three table levels


@njit(cache=True, inline="always")
def _prefetch_ahead(e, hi, spk_id, syn):
    """Prefetch the axon entry, segments and synapse rows of spikes a few places ahead of ``e``."""
    if e + PF_AXON < hi:
        _prefetch(syn.axon_ptr, spk_id[e + PF_AXON])
    if e + PF_SEG < hi:
        s2 = syn.axon_ptr[spk_id[e + PF_SEG]]
        _prefetch(syn.seg_ptr, s2)
        _prefetch(syn.seg_proj, s2)
        _prefetch(syn.seg_core, s2)
    if e + PF_SYN < hi:
        g3 = spk_id[e + PF_SYN]
        q3, q4 = syn.seg_ptr[syn.axon_ptr[g3]], syn.seg_ptr[syn.axon_ptr[g3 + 1]]
        for o in range(q3, q4, 16):
            _prefetch(syn.syn_tgt, o)
        for o in range(q3, q4, 64):
            _prefetch(syn.syn_w, o)
            _prefetch(syn.syn_d, o)


@njit(cache=True, inline="always")
def _route_owned(t, T, lo, hi, spk_id, syn, slot_off, ring, counters, pf):
    """Route spikes lo..hi-1 along segments with weight_exp >= 0 into cores c with c % T == t (§3.2).

    Ring entries are exact int64 sums, so any split of the work gives the same bits. With
    ``pf`` (tables larger than the caches) each spike's axon entry, segments and synapse
    rows are prefetched a few spikes ahead, so the DRAM latencies overlap.
    """
    axon_ptr, seg_ptr, seg_proj, seg_core = syn.axon_ptr, syn.seg_ptr, syn.seg_proj, syn.seg_core
    syn_tgt, syn_w, syn_d, proj = syn.syn_tgt, syn.syn_w, syn.syn_d, syn.proj
    for e in range(lo, hi):
        if pf:
            _prefetch_ahead(e, hi, spk_id, syn)
        g = spk_id[e]
        for sg in range(axon_ptr[g], axon_ptr[g + 1]):
            p = seg_proj[sg]
            ex = proj[p].wexp
            if ex < 0 or (T > 1 and seg_core[sg] % T != t):     # (no integer division when serial)
                continue
            kind = proj[p].wkind
            q0 = np.uint64(seg_ptr[sg])
            n = seg_ptr[sg + 1] - seg_ptr[sg]
            counters[seg_core[sg], SYN_EVENTS] += n
            if slot_off.size == 1:        # one delay slot (no axonal delays): no delay lookup
                base = slot_off[0]
                if kind == fixedpoint.WEIGHT_UNSIGNED:
                    for i in range(n):    # unsigned index: no wraparound code per synapse
                        q = q0 + np.uint64(i)
                        ring[base + syn_tgt[q]] += np.int64(syn_w[q]) << ex
                else:
                    for i in range(n):
                        q = q0 + np.uint64(i)
                        ring[base + syn_tgt[q]] += fx.read_weight(syn_w[q], kind) << ex
            else:
                for i in range(n):
                    q = q0 + np.uint64(i)
                    ring[slot_off[syn_d[q]] + syn_tgt[q]] += fx.read_weight(syn_w[q], kind) << ex


@njit(cache=True, parallel=True)
def _route_par(T, lo, hi, spk_id, syn, slot_off, ring, counters, pf):
    for t in prange(T):
        _route_owned(t, T, lo, hi, spk_id, syn, slot_off, ring, counters, pf)


@njit(cache=True)
def route_replay(step_ptr, spk_id, N, D, syn, ring, counters, pf):
    """Phase 3 alone (weight_exp >= 0 segments) over a recorded spike log: spikes of step k are
    ``spk_id[step_ptr[k]:step_ptr[k+1]]``. The benchmark times synaptic delivery with it."""
    slot_off = np.empty(D, dtype=np.uint64)
    for k in range(step_ptr.size - 1):
        _slot_offsets(slot_off, k, N)
        _route_owned(0, 1, step_ptr[k], step_ptr[k + 1], spk_id, syn, slot_off, ring, counters, pf)


@njit(cache=True)
def _route_negexp(lo, hi, spk_id, syn, scratch, ring, counters):
    """Sum mantissas of weight_exp < 0 segments exactly per (projection, delay, target), then
    floor each sum once into its ring slot (§3.2)."""
    partial, part_mark, slot_off = scratch.partial, scratch.part_mark, scratch.slot_off
    t_idx, t_pos, t_shift = scratch.t_idx, scratch.t_pos, scratch.t_shift
    nt = 0
    for e in range(lo, hi):
        g = spk_id[e]
        for sg in range(syn.axon_ptr[g], syn.axon_ptr[g + 1]):
            pr = syn.proj[syn.seg_proj[sg]]
            if pr.wexp >= 0:
                continue
            q0 = syn.seg_ptr[sg]
            q1 = syn.seg_ptr[sg + 1]
            counters[syn.seg_core[sg], SYN_EVENTS] += q1 - q0
            for q in range(q0, q1):
                d = np.int64(syn.syn_d[q])
                idx = pr.part_off + d * pr.post_size + (syn.syn_tgt[q] - pr.post_start)
                if part_mark[idx] == 0:
                    part_mark[idx] = 1
                    t_idx[nt] = idx
                    t_pos[nt] = np.int64(slot_off[d] + syn.syn_tgt[q])
                    t_shift[nt] = -pr.wexp
                    nt += 1
                partial[idx] += fx.read_weight(syn.syn_w[q], pr.wkind)
    for t in range(nt):
        idx = t_idx[t]
        ring[t_pos[t]] += fx.shift_floor(partial[idx], t_shift[t])
        partial[idx] = 0
        part_mark[idx] = 0


# -- phase 4: learn -------------------------------------------------------------------------------
PROD_LIM = (1 << 62) - 1        # a term's products saturate here (§3.5)
TERM_LIM = (1 << 40) - 1        # and each term's value here


@njit(cache=True, inline="always")
def _mul(p, v):
    """``p · v`` saturating at ±PROD_LIM (the exact product when both are small: the fast path)."""
    if -(1 << 37) < p < (1 << 37) and -(1 << 25) < v < (1 << 25):
        return p * v
    return fx.mul_saturate(p, v, PROD_LIM)[0]


@njit(cache=True, inline="always")
def _factor(code, c, r, jl, i, w, trace):
    """A factor's register value plus its constant: traces by code (§3.5), else the weight."""
    if code == F_X1:
        v = np.int64(trace[r.x1 + jl])
    elif code == F_X2:
        v = np.int64(trace[r.x2 + jl])
    elif code == F_Y1:
        v = np.int64(trace[r.y1 + i])
    elif code == F_Y2:
        v = np.int64(trace[r.y2 + i])
    elif code == F_Y3:
        v = np.int64(trace[r.y3 + i])
    else:
        v = np.int64(w)
    return v + c


@njit(cache=True, inline="always")
def _times(p, s, code, c, q, last, r, jl, i, w, trace):
    """One factor of a term: ``p·(f + c)``, then rounded by its ``q`` fraction bits unless it is
    the ``last`` factor, whose bits join the final shift ``s`` instead."""
    p = _mul(p, _factor(code, c, r, jl, i, w, trace))
    if last:
        s += q
    elif q > 0:
        p = fx.shift_half_up(p, q)
    return p, s


@njit(cache=True, inline="always")
def _rule_sum(terms, lo, hi, r, jl, i, w, trace):
    """Σ of the terms ``lo..hi-1`` for one synapse (pre index ``jl``, post index ``i``, weight
    ``w``): each ``mant·2^exp·Π(f + c)``, rounded half up once per intermediate factor with
    fraction bits and once at the end (§3.5)."""
    dw = np.int64(0)
    for t in range(lo, hi):
        z = terms[t]
        p = z.mant
        s = -z.exp
        if z.nf >= 1:
            p, s = _times(p, s, z.f0, z.c0, z.q0, z.nf == 1, r, jl, i, w, trace)
        if z.nf >= 2:
            p, s = _times(p, s, z.f1, z.c1, z.q1, z.nf == 2, r, jl, i, w, trace)
        if z.nf >= 3:
            p, s = _times(p, s, z.f2, z.c2, z.q2, True, r, jl, i, w, trace)
        if s > 0:
            val = fx.shift_half_up(p, s)
        else:
            val = fx.mul_saturate(p, np.int64(1) << -s, PROD_LIM)[0]
        dw += fx.saturate(val, -TERM_LIM, TERM_LIM)
    return dw


@njit(cache=True, inline="always")
def _apply_terms(q, p, jl, i, lo, hi, syn, learn, trace):
    """W[q] = clip(W[q] + Σ terms lo..hi-1, w_lo, w_hi) for synapse q of projection p."""
    r = learn.rule[p]
    w = np.int64(syn.syn_w[q])
    syn.syn_w[q] = fx.saturate(w + _rule_sum(learn.terms, lo, hi, r, jl, i, w, trace), r.w_lo, r.w_hi)


@njit(cache=True)
def _learn(k, lo, hi, spk_id, syn, learn, core_of, state, cfg):
    """Phase 4 (§3.5) for the spikes lo..hi-1 of step k: y0 terms at post spikes, x0 terms at
    pre spikes, u0 terms at every plastic synapse, then trace impulses and decay.

    ``syn.syn_w`` holds the plastic W registers (int16) and ``state.trace`` every trace.
    """
    trace, rule = state.trace, learn.rule
    for e in range(lo, hi):                  # 4a: post spikes, the y0 terms
        g = spk_id[e]
        n = 0
        for j in range(learn.post_ptr[g], learn.post_ptr[g + 1]):
            p = learn.post_proj[j]
            r = rule[p]
            if r.y0_hi > r.y0_lo:
                _apply_terms(learn.post_q[j], p, learn.post_pre[j], g - r.post_start, r.y0_lo, r.y0_hi, syn, learn,
                             trace)
                n += 1
        if n:
            state.counters[core_of[g], SYN_UPDATES] += n
    for e in range(lo, hi):                  # 4b: pre spikes, the x0 terms
        g = spk_id[e]
        for sg in range(syn.axon_ptr[g], syn.axon_ptr[g + 1]):
            p = syn.seg_proj[sg]
            if syn.proj[p].plastic == 0:
                continue
            r = rule[p]
            if r.x0_hi > r.x0_lo:
                jl = g - r.pre_start
                for q in range(syn.seg_ptr[sg], syn.seg_ptr[sg + 1]):
                    _apply_terms(q, p, jl, syn.syn_tgt[q] - r.post_start, r.x0_lo, r.x0_hi, syn, learn, trace)
                state.counters[syn.seg_core[sg], SYN_UPDATES] += syn.seg_ptr[sg + 1] - syn.seg_ptr[sg]
    if cfg.has_u0:                           # 4u: every plastic synapse, the u0 terms
        for g in range(learn.post_ptr.size - 1):
            for j in range(learn.post_ptr[g], learn.post_ptr[g + 1]):
                p = learn.post_proj[j]
                r = rule[p]
                if r.u0_hi > r.u0_lo:
                    _apply_terms(learn.post_q[j], p, learn.post_pre[j], g - r.post_start, r.u0_lo, r.u0_hi, syn,
                                 learn, trace)
                    state.counters[core_of[g], SYN_UPDATES] += 1
    for e in range(lo, hi):                  # 4c: impulses of the traces the spiking neurons own
        g = spk_id[e]
        for j in range(learn.own_ptr[g], learn.own_ptr[g + 1]):
            t = learn.own_idx[j]
            x, hit = fx.saturate_flag(np.int64(trace[t]) + learn.tr_impulse[t], 0, cfg.trace_max)
            if hit:
                _overflow(state, core_of[g], TRACE_SAT, g, k)
            trace[t] = x
    for t in range(trace.size):              # 4d: every trace decays (floor; traces are >= 0)
        trace[t] = fx.mul_floor(np.int64(trace[t]), learn.tr_decay[t], cfg.trace_decay_bits)


# -- the step loop ----------------------------------------------------------------------------------
COST_COLS = np.array(COST_COLUMNS, np.int64)


@njit(cache=True, inline="always")
def _record_step_counts(out, counters, last, neurons_per_core):
    """This step's cost counts per core (``tables.COST_COUNTERS`` columns): the growth of the
    counters since ``last`` (updated); column 0, neuron updates, is every neuron of the core."""
    for c in range(out.shape[0]):
        for j in range(1, COST_COLS.size):
            v = counters[c, COST_COLS[j]]
            out[c, j] = np.int32(v - last[c, j])
            last[c, j] = v
        out[c, 0] = np.int32(neurons_per_core[c]) if c < neurons_per_core.shape[0] else 0
@njit(cache=True, inline="always")
def _sources(k, s, inputs, scratch):
    """Mark the sources that fire in step k (chunk step s), explicit/regular then Poisson, with
    ``F_SPIKE`` in their flag (integrate never writes a source's flag), and add the step's
    injected input."""
    fire = scratch.flag
    for e in range(inputs.src_ptr[s], inputs.src_ptr[s + 1]):
        fire[inputs.src_ids[e]] = F_SPIKE
    uk = np.uint64(k)
    hit = scratch.pois_hit
    for e in range(inputs.pois_gid.shape[0]):     # pois_key = splitmix64(splitmix64(seed) ^ i)
        hit[e] = (fx.splitmix64(inputs.pois_key[e] ^ uk) >> np.uint64(32)) < inputs.pois_thr[e]
    for e in range(inputs.pois_gid.shape[0]):
        if hit[e]:
            fire[inputs.pois_gid[e]] = F_SPIKE
    for j in range(inputs.ext_gid.shape[0]):      # host-written input current of this step
        scratch.ext_now[inputs.ext_gid[j]] += inputs.ext_val[s, j]


@njit(cache=True)
def run_steps(k0, n_steps, cfg, neurons, placement, syn, learn, state, scratch, inputs, records):
    """Advance the chip ``n_steps`` steps from step ``k0``; returns the number of steps done.

    Returns early (before starting a step) when the spike buffer might not hold another
    step's spikes, and (after finishing a step) in strict mode when an overflow occurred.
    """
    N = cfg.n
    n_spk = records.n_spk[0]
    cap = records.spk_id.shape[0]
    spk_id = records.spk_id
    slot_off = scratch.slot_off
    ring, counters = state.ring, state.counters
    core_of = placement.core_of
    record_cost = records.step_counters.shape[0] > 0
    last = np.empty((counters.shape[0], COST_COLS.size), np.int64)     # the counters at the previous step's end
    for c in range(counters.shape[0]):
        for j in range(COST_COLS.size):
            last[c, j] = counters[c, COST_COLS[j]]
    for s in range(n_steps):
        if n_spk + N > cap:
            records.n_spk[0] = n_spk
            return s
        k = k0 + s
        base = (k % cfg.D) * N
        _sources(k, s, inputs, scratch)
        step_start = n_spk
        # -- phases 1+2: deliver and integrate (branch-free over each neuron group) ---------
        if cfg.threads > 1 and N >= cfg.par_neurons:
            _integrate_par(base, neurons, state, scratch, cfg)
        else:
            for r in range(neurons.groups.shape[0]):
                _integrate_group(neurons.groups[r], base, neurons, state, scratch, cfg)
        _count_active(scratch.flag, placement, counters)
        n_spk = _collect(k, n_spk, state, scratch, placement, records)
        # -- phase 3: route --------------------------------------------------------------
        _slot_offsets(slot_off, k, N)
        for e in range(step_start, n_spk):
            g = spk_id[e]
            c = core_of[g]
            counters[c, SPIKES] += 1
            counters[c, MESSAGES] += placement.n_dest[g]
            counters[c, HOPS_X] += placement.hops[g, 0]
            counters[c, HOPS_Y] += placement.hops[g, 1]
            counters[c, CHIP_HOPS] += placement.hops[g, 2]
            for j in range(placement.dest_ptr[g], placement.dest_ptr[g + 1]):
                counters[placement.dest_core[j], MSGS_IN] += 1
        if cfg.threads > 1 and n_spk - step_start >= cfg.par_spikes:
            _route_par(cfg.threads, step_start, n_spk, spk_id, syn, slot_off, ring, counters, cfg.prefetch)
        else:
            _route_owned(0, 1, step_start, n_spk, spk_id, syn, slot_off, ring, counters, cfg.prefetch)
        if cfg.has_negexp:
            _route_negexp(step_start, n_spk, spk_id, syn, scratch, ring, counters)
        # -- phase 4: learn (plastic projections only) ----------------------------------
        if cfg.has_plastic:
            _learn(k, step_start, n_spk, spk_id, syn, learn, core_of, state, cfg)
        # -- phase 5: record ---------------------------------------------------------------
        for j in range(records.probe_gids.shape[0]):
            records.tr_u[s, j] = state.u[records.probe_gids[j]]
            records.tr_v[s, j] = state.v[records.probe_gids[j]]
        if record_cost:                             # the cost model's per-step counts (§9)
            _record_step_counts(records.step_counters[s], counters, last, placement.neurons_per_core)
        if cfg.strict and state.first_ovf[0] >= 0:
            records.n_spk[0] = n_spk
            return s + 1
    records.n_spk[0] = n_spk
    return n_steps
